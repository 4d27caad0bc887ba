import tinygrad_rnn as torch
import copy
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional

# Kaggle-style "LSTM for time series forecasting" notebook: a synthetic airline-like series,
# min-max scaling by hand, sliding windows, a stateful LSTM fed consecutive chunks (hidden state
# carried over and detached), OneCycleLR, ReduceLROnPlateau and early stopping on a validation split.
np.random.seed(42)
torch.manual_seed(42)
months = np.arange(144)
series = 100 + 2.0 * months + 30 * np.sin(2 * math.pi * months / 12) + np.random.randn(144) * 5
print("series:", series.shape, round(series.min(), 3), round(series.max(), 3))

lo, hi = series.min(), series.max()
scaled = (series - lo) / (hi - lo)
data = torch.tensor(scaled, dtype=torch.float32)
print(data[:5], data.dtype)

def create_sequences(values, seq_len):
    xs, ys = [], []
    for i in range(len(values) - seq_len):
        xs.append(values[i:i + seq_len])
        ys.append(values[i + seq_len])
    return torch.stack(xs), torch.stack(ys)

SEQ = 12
X, y = create_sequences(data, SEQ)
X = X.unsqueeze(-1)
y = y.unsqueeze(-1)
print("X", X.shape, "y", y.shape)
n_train = int(len(X) * 0.8)
X_train, y_train = X[:n_train], y[:n_train]
X_val, y_val = X[n_train:], y[n_train:]
print(len(X_train), len(X_val))


class LSTMForecaster(nn.Module):
    def __init__(self, n_features=1, hidden=24, layers=2, dropout=0.1):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(n_features, hidden, num_layers=layers, batch_first=True, dropout=dropout)
        self.head = nn.Sequential(nn.Linear(hidden, 16), nn.ReLU(), nn.Linear(16, 1))

    def init_hidden(self, batch):
        weight = next(self.parameters()).data
        return (weight.new_zeros(self.layers, batch, self.hidden),
                weight.new_zeros(self.layers, batch, self.hidden))

    def forward(self, x, hidden=None):
        out, hidden = self.lstm(x, hidden)
        return self.head(out[:, -1]), hidden


model = LSTMForecaster()
print(model)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), "trainable parameters")
for name, p in model.lstm.named_parameters():
    print(f"{name:15s} {tuple(p.shape)}")

EPOCHS = 15
BATCH = 16
steps_per_epoch = math.ceil(len(X_train) / BATCH)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-2, epochs=EPOCHS,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.3,
                                                anneal_strategy="cos")
criterion = nn.MSELoss()
best_loss, best_state, patience, bad_epochs = float("inf"), None, 4, 0
lrs = []
for epoch in range(EPOCHS):
    model.train()
    running = 0.0
    for i in range(0, len(X_train), BATCH):
        xb, yb = X_train[i:i + BATCH], y_train[i:i + BATCH]
        optimizer.zero_grad()
        pred, _ = model(xb)
        loss = criterion(pred, yb)
        loss.backward()
        nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
        running += loss.item() * xb.size(0)
    train_loss = running / len(X_train)
    model.eval()
    with torch.no_grad():
        val_pred, _ = model(X_val)
        val_loss = criterion(val_pred, y_val).item()
    print(f"Epoch {epoch + 1:02d} | train {train_loss:.5f} | val {val_loss:.5f} | lr {lrs[-1]:.6f}")
    if val_loss < best_loss:
        best_loss, bad_epochs = val_loss, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print("Early stopping at epoch", epoch + 1)
            break
print("lr peak", f"{max(lrs):.6f}", "first", f"{lrs[0]:.6e}", "steps", len(lrs))
print(list(best_state.keys())[:4])
print(model.load_state_dict(best_state))

# stateful inference: walk the validation windows in chunks and carry the state, detached
model.eval()
hidden = model.init_hidden(1)
print([h.shape for h in hidden])
preds = []
with torch.no_grad():
    for t in range(len(X_val)):
        out, hidden = model(X_val[t:t + 1], hidden)
        hidden = tuple(h.detach() for h in hidden)
        preds.append(out.item())
preds = np.array(preds) * (hi - lo) + lo
actual = y_val.squeeze(-1).numpy() * (hi - lo) + lo
rmse = np.sqrt(np.mean((preds - actual) ** 2))
print("RMSE", round(float(rmse), 2))
print(np.round(preds[:5], 1))

# truncated BPTT over one long sequence: split into chunks, detach the state between them
stream = data[:-1].view(1, -1, 1)
target = data[1:].view(1, -1, 1)
cell_model = nn.LSTM(1, 8, batch_first=True)
proj = nn.Linear(8, 1)
opt = torch.optim.SGD(list(cell_model.parameters()) + list(proj.parameters()), lr=0.1, momentum=0.9)
state = None
for chunk in range(0, stream.size(1), 36):
    x_c, y_c = stream[:, chunk:chunk + 36], target[:, chunk:chunk + 36]
    if state is not None:
        state = tuple(s.detach() for s in state)
    out, state = cell_model(x_c, state)
    loss = F.mse_loss(proj(out), y_c)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(chunk, x_c.shape[1], round(loss.item(), 5), state[0].requires_grad, state[0].grad_fn is not None)

# ReduceLROnPlateau on a plateauing metric
opt2 = torch.optim.SGD(model.parameters(), lr=0.1)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt2, mode="min", factor=0.5, patience=1, threshold=1e-3)
for epoch, metric in enumerate([1.0, 0.9, 0.9, 0.9, 0.9, 0.85, 0.85, 0.85]):
    plateau.step(metric)
    print(epoch, opt2.param_groups[0]["lr"], plateau.num_bad_epochs, plateau.get_last_lr())
print(plateau.state_dict()["best"], plateau.state_dict()["cooldown_counter"])
