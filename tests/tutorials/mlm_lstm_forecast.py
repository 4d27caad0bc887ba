import tinygrad_rnn as torch
# Machine Learning Mastery, "LSTM for time series prediction in PyTorch": the airline-passengers
# series as float32, sliding windows of `lookback` steps (each target is the window shifted by one),
# nn.LSTM(batch_first=True) + nn.Linear, MSE, Adam, a shuffled TensorDataset/DataLoader with a seeded
# generator, RMSE on train and test every few epochs, and the shifted arrays used for plotting.
import numpy as np

nn = torch.nn
optim = torch.optim
data = torch.utils.data

torch.manual_seed(7)
passengers = [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118, 115, 126, 141, 135, 125, 149, 170, 170,
              158, 133, 114, 140, 145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166, 171, 180, 193, 181,
              183, 218, 230, 242, 209, 191, 172, 194]
timeseries = np.array(passengers, dtype="float32").reshape(-1, 1)  # df[["Passengers"]].values.astype('float32')
print(timeseries.shape, timeseries.dtype)
train_size = int(len(timeseries) * 0.67)
test_size = len(timeseries) - train_size
train, test = timeseries[:train_size], timeseries[train_size:]
scale = float(timeseries.max())  # the tutorial's later version scales the series to keep Adam's steps sensible
train, test = train / scale, test / scale


def create_dataset(dataset, lookback):
    """Transform a time series into a prediction dataset: X windows of `lookback` steps, y the same
    windows one step ahead."""
    X, y = [], []
    for i in range(len(dataset) - lookback):
        feature = dataset[i:i + lookback]
        target = dataset[i + 1:i + lookback + 1]
        X.append(feature)
        y.append(target)
    return torch.tensor(np.array(X)), torch.tensor(np.array(y))


lookback = 4
X_train, y_train = create_dataset(train, lookback=lookback)
X_test, y_test = create_dataset(test, lookback=lookback)
print(X_train.shape, y_train.shape, X_test.shape, y_test.shape, X_train.dtype)
print(X_train[0].squeeze(-1), y_train[0].squeeze(-1))

# (the first version built the tensors straight from the list of arrays; torch's "extremely slow" warning
# for that comes once per process, so a program in a shared test process cannot count on seeing it)


class AirModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=16, num_layers=1, batch_first=True)
        self.linear = nn.Linear(16, 1)

    def forward(self, x):
        x, _ = self.lstm(x)
        x = self.linear(x)
        return x


model = AirModel()
print(model)
optimizer = optim.Adam(model.parameters())
loss_fn = nn.MSELoss()
generator = torch.Generator().manual_seed(42)
loader = data.DataLoader(data.TensorDataset(X_train, y_train), shuffle=True, batch_size=8, generator=generator)
print(len(loader), len(loader.dataset), loader.batch_size, next(iter(loader))[0].shape)

n_epochs = 60
for epoch in range(n_epochs):
    model.train()
    for X_batch, y_batch in loader:
        y_pred = model(X_batch)
        loss = loss_fn(y_pred, y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 20 != 19:
        continue
    model.eval()
    with torch.no_grad():
        y_pred = model(X_train)
        train_rmse = np.sqrt(loss_fn(y_pred, y_train) * scale ** 2)
        y_pred = model(X_test)
        test_rmse = np.sqrt(loss_fn(y_pred, y_test) * scale ** 2)
    print("Epoch %d: train RMSE %.4f, test RMSE %.4f" % (epoch, train_rmse, test_rmse))
    print(type(train_rmse).__name__, train_rmse.dtype)

with torch.no_grad():
    train_plot = np.ones_like(timeseries) * np.nan
    y_pred = model(X_train)
    y_pred = y_pred[:, -1, :]
    train_plot[lookback:train_size] = model(X_train)[:, -1, :] * scale
    test_plot = np.ones_like(timeseries) * np.nan
    test_plot[train_size + lookback:len(timeseries)] = model(X_test)[:, -1, :] * scale
print(y_pred.shape, np.isnan(train_plot).sum(), np.round(train_plot[lookback:lookback + 4, 0], 2),
      np.round(test_plot[-3:, 0], 2))
print(model.lstm.weight_ih_l0.grad.shape, model.linear.bias, optimizer.state_dict()["state"][0]["step"])
