import tinygrad_rnn as torch
import copy
import io
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Géron, "Hands-On Machine Learning" (PyTorch edition), chapter on RNNs and time series: a made-up daily
# ridership series with weekly seasonality; naive forecasts and their MAE; windows cut with Tensor.unfold
# into a TensorDataset; a linear model, a simple RNN, a deep RNN and a sequence-to-sequence forecaster,
# each trained with SGD+momentum and a Huber loss, with early stopping on a state_dict copy; evaluation
# under torch.inference_mode; a model saved into a BytesIO buffer and loaded back. Training is short: 5 to 10
# epochs per model (the book's 500), printing every 5th.
torch.manual_seed(42)
days = 210
t = np.arange(days)
rng = np.random.default_rng(42)
series = (0.8 + 0.3 * np.sin(2 * np.pi * t / 7) + 0.1 * np.sin(2 * np.pi * t / 50)
          + 0.05 * rng.standard_normal(days)).astype(np.float32)
rail = torch.tensor(series)
print(rail.shape, rail.dtype)
print(rail[:7])
rail_train, rail_valid = rail[:150], rail[150 - 28:]
diff_7 = rail[7:] - rail[:-7]
print("naive MAE:", diff_7.abs().mean().item())
print("naive MAPE:", (diff_7.abs() / rail[7:]).mean().item())
print(rail.unfold(0, 5, 1)[:3])
def to_windows(series, length, horizon=1):
    windows = series.unfold(0, length + horizon, 1)
    return windows[:, :length], windows[:, length:]
seq_length = 14
X_train, y_train = to_windows(rail_train, seq_length)
X_valid, y_valid = to_windows(rail_valid, seq_length)
print(X_train.shape, y_train.shape, X_valid.shape)
train_set = torch.utils.data.TensorDataset(X_train, y_train)
valid_set = torch.utils.data.TensorDataset(X_valid, y_valid)
print(len(train_set), [tuple(x.shape) for x in train_set[0]])
g = torch.Generator().manual_seed(42)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True, generator=g)
valid_loader = torch.utils.data.DataLoader(valid_set, batch_size=64)
def evaluate(model, loader, metric=F.l1_loss):
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for X_batch, y_batch in loader:
            y_pred = model(X_batch)
            total += metric(y_pred, y_batch, reduction="sum").item()
            count += y_batch.numel()
    return total / count
def fit_and_evaluate(model, train_loader, valid_loader, learning_rate, n_epochs=30, patience=5):
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
    loss_fn = nn.HuberLoss()
    best_mae, best_state, bad_epochs = float("inf"), None, 0
    for epoch in range(n_epochs):
        model.train()
        for X_batch, y_batch in train_loader:
            loss = loss_fn(model(X_batch), y_batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        valid_mae = evaluate(model, valid_loader)
        if epoch % 5 == 0:
            print(f"Epoch {epoch}: train loss {loss.item():.4f}, valid MAE {valid_mae:.4f}")
        if valid_mae < best_mae:
            best_mae, best_state, bad_epochs = valid_mae, copy.deepcopy(model.state_dict()), 0
        else:
            bad_epochs += 1
            if bad_epochs >= patience:
                print(f"early stopping at epoch {epoch}")
                break
    model.load_state_dict(best_state)
    return best_mae
torch.manual_seed(42)
linear_model = nn.Sequential(nn.Linear(seq_length, 1))
print("linear MAE:", round(fit_and_evaluate(linear_model, train_loader, valid_loader, 0.02, n_epochs=10), 4))
class SimpleRnnModel(nn.Module):
    def __init__(self, input_size=1, hidden_size=16, output_size=1):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.output = nn.Linear(hidden_size, output_size)
    def forward(self, X):
        outputs, last_state = self.rnn(X.unsqueeze(dim=-1))
        return self.output(outputs[:, -1])
torch.manual_seed(42)
rnn_model = SimpleRnnModel()
print(rnn_model)
print("rnn MAE:", round(fit_and_evaluate(rnn_model, train_loader, valid_loader, 0.05, n_epochs=6), 4))
class DeepRnnModel(nn.Module):
    def __init__(self, hidden_size=16, num_layers=2):
        super().__init__()
        self.rnn = nn.RNN(1, hidden_size, num_layers=num_layers, batch_first=True, nonlinearity="tanh")
        self.output = nn.Linear(hidden_size, 1)
    def forward(self, X):
        outputs, h_n = self.rnn(X.unsqueeze(dim=-1))
        return self.output(h_n[-1])
torch.manual_seed(42)
deep_model = DeepRnnModel()
print(sum(p.numel() for p in deep_model.parameters()), list(deep_model.state_dict()))
print("deep MAE:", round(fit_and_evaluate(deep_model, train_loader, valid_loader, 0.05, n_epochs=5), 4))
# forecasting 7 steps ahead at every time step (sequence-to-sequence)
horizon = 7
def to_seq2seq(series, length, horizon):
    windows = series.unfold(0, length + horizon, 1)
    inputs = windows[:, :length]
    targets = windows[:, 1:].unfold(1, horizon, 1)
    return inputs, targets
X_s2s, y_s2s = to_seq2seq(rail_train, seq_length, horizon)
print(X_s2s.shape, y_s2s.shape)
print(y_s2s[0, :2])
class Seq2SeqModel(nn.Module):
    def __init__(self, hidden_size=16, horizon=7):
        super().__init__()
        self.gru = nn.GRU(1, hidden_size, batch_first=True)
        self.output = nn.Linear(hidden_size, horizon)
    def forward(self, X):
        outputs, _ = self.gru(X.unsqueeze(-1))
        return self.output(outputs)
torch.manual_seed(42)
s2s_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_s2s, y_s2s), batch_size=32,
                                         shuffle=True, generator=torch.Generator().manual_seed(1))
X_s2s_valid, y_s2s_valid = to_seq2seq(rail_valid, seq_length, horizon)
s2s_valid_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_s2s_valid, y_s2s_valid), batch_size=64)
s2s_model = Seq2SeqModel()
print("s2s MAE:", round(fit_and_evaluate(s2s_model, s2s_loader, s2s_valid_loader, 0.05, n_epochs=5), 4))
with torch.inference_mode():
    y_pred = s2s_model(X_s2s_valid[:1])
print(y_pred.shape, y_pred.requires_grad, y_pred.is_inference())
print(y_pred[0, -1])
buffer = io.BytesIO()
torch.save({"model_state": s2s_model.state_dict(), "horizon": horizon}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=True)
print(sorted(checkpoint), checkpoint["horizon"])
restored = Seq2SeqModel(horizon=checkpoint["horizon"])
print(restored.load_state_dict(checkpoint["model_state"]))
with torch.no_grad():
    print(torch.equal(restored(X_s2s_valid[:4]), s2s_model(X_s2s_valid[:4])))
try:
    y_pred.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
