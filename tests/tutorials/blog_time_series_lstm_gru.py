import tinygrad_rnn as torch
import numpy as np
import math
nn = torch.nn

# Blog/Kaggle-style sequence forecasting: the airline-passengers LSTM (numpy min-max scaling into
# [-1, 1], sliding windows as (seq, label) tuples, torch.FloatTensor(...).view(-1), a hidden_cell
# reset before every sequence, lstm_out.view(len(input_seq), -1), predictions[-1] fed back for the
# future months) and a stock-price GRU/LSTM with batch_first=True and out[:, -1, :]. The series are
# generated: a trend with a yearly season, and a random-walk price.
torch.manual_seed(101)
months = np.arange(72)
passengers = (112 + 2.5 * months + 30 * np.sin(2 * np.pi * months / 12) + 5 * np.cos(months)).astype(np.float64)
all_data = passengers.astype(float)
print(all_data.dtype, all_data.shape, all_data[:5])
test_data_size = 12
train_data = all_data[:-test_data_size]
test_data = all_data[-test_data_size:]
print(len(train_data), len(test_data))

# MinMaxScaler(feature_range=(-1, 1)) written out
data_min, data_max = train_data.min(), train_data.max()
train_data_normalized = (train_data.reshape(-1, 1) - data_min) / (data_max - data_min) * 2 - 1
print(train_data_normalized[:5], train_data_normalized[-5:].ravel())
train_data_normalized = torch.FloatTensor(train_data_normalized).view(-1)
print(train_data_normalized.dtype, train_data_normalized.shape, train_data_normalized.type())
train_window = 12


def create_inout_sequences(input_data, tw):
    inout_seq = []
    L = len(input_data)
    for i in range(L - tw):
        train_seq = input_data[i:i + tw]
        train_label = input_data[i + tw:i + tw + 1]
        inout_seq.append((train_seq, train_label))
    return inout_seq


train_inout_seq = create_inout_sequences(train_data_normalized, train_window)
print(len(train_inout_seq))
print(train_inout_seq[:2])


class LSTM(nn.Module):
    def __init__(self, input_size=1, hidden_layer_size=16, output_size=1):
        super().__init__()
        self.hidden_layer_size = hidden_layer_size
        self.lstm = nn.LSTM(input_size, hidden_layer_size)
        self.linear = nn.Linear(hidden_layer_size, output_size)
        self.hidden_cell = (torch.zeros(1, 1, self.hidden_layer_size),
                            torch.zeros(1, 1, self.hidden_layer_size))

    def forward(self, input_seq):
        lstm_out, self.hidden_cell = self.lstm(input_seq.view(len(input_seq), 1, -1), self.hidden_cell)
        predictions = self.linear(lstm_out.view(len(input_seq), -1))
        return predictions[-1]


model = LSTM()
loss_function = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
print(model)
epochs = 6
for i in range(epochs):
    for seq, labels in train_inout_seq[::3]:
        optimizer.zero_grad()
        model.hidden_cell = (torch.zeros(1, 1, model.hidden_layer_size),
                             torch.zeros(1, 1, model.hidden_layer_size))
        y_pred = model(seq)
        single_loss = loss_function(y_pred, labels)
        single_loss.backward()
        optimizer.step()
    if i % 2 == 1:
        print(f'epoch: {i:3} loss: {single_loss.item():10.8f}')
print(f'epoch: {i:3} loss: {single_loss.item():10.10f}')
print(y_pred, y_pred.shape, labels.shape, model.hidden_cell[0].shape, model.hidden_cell[0].grad_fn)
fut_pred = 12
test_inputs = train_data_normalized[-train_window:].tolist()
print(test_inputs[:3])
model.eval()
for i in range(fut_pred):
    seq = torch.FloatTensor(test_inputs[-train_window:])
    with torch.no_grad():
        model.hidden = (torch.zeros(1, 1, model.hidden_layer_size),
                        torch.zeros(1, 1, model.hidden_layer_size))
        test_inputs.append(model(seq).item())
print(np.round(test_inputs[fut_pred:], 4))
# scaler.inverse_transform written out
actual_predictions = (np.array(test_inputs[train_window:]).reshape(-1, 1) + 1) / 2 * (data_max - data_min) + data_min
print(actual_predictions.ravel().round(2))
print(np.abs(actual_predictions.ravel() - test_data).mean().round(2))
x = np.arange(60, 72, 1)
print(x)

# Stock prices: windows of a min-max scaled random walk, a batch_first LSTM and GRU.
rng = np.random.RandomState(0)
price = 100 + np.cumsum(rng.randn(160)).astype(np.float32)
price = price.reshape(-1, 1)
scaled = (price - price.min()) / (price.max() - price.min())
print(scaled.shape, scaled.dtype, scaled[:3].ravel())


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


lookback = 10
x_train, y_train, x_test, y_test = split_data(scaled, lookback)
print('x_train.shape = ', x_train.shape)
print('y_train.shape = ', y_train.shape)
print('x_test.shape = ', x_test.shape)
print('y_test.shape = ', y_test.shape)
x_train = torch.from_numpy(x_train).type(torch.Tensor)
x_test = torch.from_numpy(x_test).type(torch.Tensor)
y_train_lstm = torch.from_numpy(y_train).type(torch.Tensor)
y_test_lstm = torch.from_numpy(y_test).type(torch.Tensor)
y_train_gru = torch.from_numpy(y_train).type(torch.Tensor)
print(x_train.type(), y_train_lstm.dtype, x_train.is_contiguous())
input_dim = 1
hidden_dim = 16
num_layers = 2
output_dim = 1
num_epochs = 12


class StockLSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(StockLSTM, self).__init__()
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


class StockGRU(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_layers, output_dim):
        super(StockGRU, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).requires_grad_()
        out, (hn) = self.gru(x, (h0.detach()))
        out = self.fc(out[:, -1, :])
        return out


for Model, y_train_t in [(StockLSTM, y_train_lstm), (StockGRU, y_train_gru)]:
    model = Model(input_dim=input_dim, hidden_dim=hidden_dim, output_dim=output_dim, num_layers=num_layers)
    criterion = torch.nn.MSELoss(reduction='mean')
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    print(model)
    hist = np.zeros(num_epochs)
    for t in range(num_epochs):
        y_train_pred = model(x_train)
        loss = criterion(y_train_pred, y_train_t)
        if t % 4 == 0:
            print("Epoch ", t, "MSE: ", loss.item())
        hist[t] = loss.item()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(hist.round(5), y_train_pred.shape, y_train_pred.grad_fn)
    y_test_pred = model(x_test)
    denorm = lambda a: a * (price.max() - price.min()) + price.min()  # noqa: E731  (the scaler's inverse)
    y_train_pred = denorm(y_train_pred.detach().numpy())
    y_test_pred = denorm(y_test_pred.detach().numpy())
    trainScore = math.sqrt(np.mean((denorm(y_train[:, 0]) - y_train_pred[:, 0]) ** 2))
    print('Train Score: %.2f RMSE' % (trainScore))
    testScore = math.sqrt(np.mean((denorm(y_test[:, 0]) - y_test_pred[:, 0]) ** 2))
    print('Test Score: %.2f RMSE' % (testScore))
    print(y_test_pred[:3].ravel(), y_test_pred.dtype)
