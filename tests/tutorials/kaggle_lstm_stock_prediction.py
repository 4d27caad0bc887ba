import tinygrad_rnn as torch
import math
import time
import numpy as np
nn = torch.nn
# Kaggle's "Stock price prediction with LSTM / GRU (PyTorch)" notebooks (the Rodolfo Saldanha / Taron
# Zakaryan style): a closing-price series scaled to [-1, 1] by a hand-written MinMaxScaler, sliding
# windows split 80/20 with numpy, torch.from_numpy(...).type(torch.Tensor), an LSTM and a GRU whose
# initial states are zeros(...).requires_grad_() passed as .detach(), MSELoss(reduction='mean'), a
# numpy `hist` of losses, predictions brought back with .detach().numpy(), inverse scaling, RMSE;
# then a multi-step forecast fed back into the model and a stacked bidirectional variant.
np.random.seed(0)
torch.manual_seed(0)
days = 120
trend = np.linspace(100, 130, days)
price = trend + 5 * np.sin(np.arange(days) / 6.0) + np.random.randn(days)
print(price.dtype, price.shape, np.round(price[:5], 3))


class MinMaxScaler:
    def __init__(self, feature_range=(-1, 1)):
        self.lo, self.hi = feature_range

    def fit_transform(self, x):
        self.min_, self.max_ = x.min(axis=0), x.max(axis=0)
        return (x - self.min_) / (self.max_ - self.min_) * (self.hi - self.lo) + self.lo

    def inverse_transform(self, x):
        return (x - self.lo) / (self.hi - self.lo) * (self.max_ - self.min_) + self.min_


scaler = MinMaxScaler(feature_range=(-1, 1))
close = scaler.fit_transform(price.reshape(-1, 1))


def split_data(stock, lookback):
    data_raw = stock
    data = []
    for index in range(len(data_raw) - lookback):
        data.append(data_raw[index: index + lookback])
    data = np.array(data)
    test_set_size = int(np.round(0.2 * data.shape[0]))
    train_set_size = data.shape[0] - (test_set_size)
    x_train = data[:train_set_size, :-1, :]
    y_train = data[:train_set_size, -1, :]
    x_test = data[train_set_size:, :-1]
    y_test = data[train_set_size:, -1, :]
    return [x_train, y_train, x_test, y_test]


lookback = 12
x_train, y_train, x_test, y_test = split_data(close, lookback)
print('x_train.shape = ', x_train.shape, 'y_train.shape = ', y_train.shape)
print('x_test.shape = ', x_test.shape, 'y_test.shape = ', y_test.shape)
x_train = torch.from_numpy(x_train).type(torch.Tensor)
x_test = torch.from_numpy(x_test).type(torch.Tensor)
y_train_lstm = torch.from_numpy(y_train).type(torch.Tensor)
y_test_lstm = torch.from_numpy(y_test).type(torch.Tensor)
y_train_gru = torch.from_numpy(y_train).type(torch.Tensor)
print(x_train.dtype, x_train.type(), y_train_lstm[:3].T, torch.from_numpy(y_test).dtype)

input_dim, hidden_dim, num_layers, output_dim, num_epochs = 1, 16, 2, 1, 30


class LSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(LSTM, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_()
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_()
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        out = self.fc(out[:, -1, :])
        return out


class GRU(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(GRU, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_()
        out, (hn) = self.gru(x, (h0.detach()))
        out = self.fc(out[:, -1, :])
        return out


def fit(model, y_train_t, name):
    criterion = torch.nn.MSELoss(reduction='mean')
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    hist = np.zeros(num_epochs)
    start_time = time.time()
    for t in range(num_epochs):
        y_train_pred = model(x_train)
        loss = criterion(y_train_pred, y_train_t)
        if t % 10 == 0:
            print("Epoch ", t, "MSE: ", loss.item())
        hist[t] = loss.item()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    training_time = time.time() - start_time
    print(name, "training time ok:", training_time >= 0, "final", round(float(hist[-1]), 5), hist.dtype)
    return y_train_pred


model = LSTM(input_dim=input_dim, hidden_dim=hidden_dim, output_dim=output_dim, num_layers=num_layers)
print(model)
print(len(list(model.parameters())), [tuple(p.size()) for p in model.parameters()][:4])
y_train_pred = fit(model, y_train_lstm, "LSTM")
predict = scaler.inverse_transform(y_train_pred.detach().numpy())
original = scaler.inverse_transform(y_train_lstm.detach().numpy())
print(predict.shape, predict.dtype, np.round(predict[:3, 0], 2), np.round(original[:3, 0], 2))
y_test_pred = model(x_test)
y_train_pred = scaler.inverse_transform(y_train_pred.detach().numpy())
y_train_i = scaler.inverse_transform(y_train_lstm.detach().numpy())
y_test_pred = scaler.inverse_transform(y_test_pred.detach().numpy())
y_test_i = scaler.inverse_transform(y_test_lstm.detach().numpy())
trainScore = math.sqrt(((y_train_i[:, 0] - y_train_pred[:, 0]) ** 2).mean())
print('Train Score: %.2f RMSE' % (trainScore))
testScore = math.sqrt(((y_test_i[:, 0] - y_test_pred[:, 0]) ** 2).mean())
print('Test Score: %.2f RMSE' % (testScore))
trainPredictPlot = np.empty_like(close)
trainPredictPlot[:, :] = np.nan
trainPredictPlot[lookback:len(y_train_pred) + lookback, :] = y_train_pred
print(np.isnan(trainPredictPlot).sum(), np.nanmax(trainPredictPlot).round(2))

torch.manual_seed(1)
gru = GRU(input_dim=input_dim, hidden_dim=hidden_dim, output_dim=output_dim, num_layers=num_layers)
print(gru)
gru_pred = fit(gru, y_train_gru, "GRU")
gru_test = scaler.inverse_transform(gru(x_test).detach().numpy())
print('GRU Test Score: %.2f RMSE' % math.sqrt(((y_test_i[:, 0] - gru_test[:, 0]) ** 2).mean()))

print("-- multi-step forecast, fed back")
model.eval()
window = x_test[-1:].clone()
future = []
with torch.no_grad():
    for step in range(5):
        nxt = model(window)
        future.append(nxt.item())
        window = torch.cat([window[:, 1:, :], nxt.view(1, 1, 1)], dim=1)
print(window.shape, np.round(scaler.inverse_transform(np.array(future).reshape(-1, 1)).ravel(), 2))

print("-- stacked bidirectional LSTM with dropout, mini-batches")
torch.manual_seed(2)


class BiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 8, num_layers=2, batch_first=True, bidirectional=True, dropout=0.2)
        self.head = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1))

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        last = torch.cat([h[-2], h[-1]], dim=1)
        return self.head(last), out


bi = BiLSTM()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train_lstm), batch_size=32, shuffle=True)
opt = torch.optim.AdamW(bi.parameters(), lr=0.005, weight_decay=1e-3)
for epoch in range(3):
    bi.train()
    total = 0.0
    for xb, yb in loader:
        pred, out = bi(xb)
        loss = nn.functional.mse_loss(pred, yb)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(bi.parameters(), max_norm=1.0)
        opt.step()
        total += loss.item() * xb.size(0)
    bi.eval()
    with torch.no_grad():
        val = nn.functional.mse_loss(bi(x_test)[0], y_test_lstm).item()
    print(epoch, f"train {total / len(loader.dataset):.5f} val {val:.5f}", out.shape)
