import tinygrad_rnn as torch
# Time-series anomaly detection with an LSTM autoencoder (the ECG/"RecurrentAutoencoder" blog style):
# sliding windows, an encoder LSTM whose last hidden state is the code, the code repeated over time
# (repeat / repeat_interleave / expand), a decoder LSTM, L1 reconstruction loss, then a threshold
# on the reconstruction errors from torch.quantile / kthvalue and the detection metrics.
import copy

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# a noisy sine with a few injected anomalies
t = torch.linspace(0, 16 * torch.pi, 400)
series = torch.sin(t) + 0.1 * torch.randn(400)
anomaly_at = torch.tensor([90, 210, 330])
series[anomaly_at] += torch.tensor([2.5, -2.0, 3.0])
mean, std = series[:80].mean(), series[:80].std()
series = (series - mean) / std
print("series:", series.shape, "mean/std of the normal part:", round(mean.item(), 4), round(std.item(), 4))

SEQ_LEN = 20
windows = series.unfold(0, SEQ_LEN, 5).unsqueeze(-1)  # (n_windows, seq_len, 1)
print("windows:", windows.shape)
labels = torch.zeros(windows.shape[0], dtype=torch.bool)
for i in range(windows.shape[0]):
    start = i * 5
    labels[i] = ((anomaly_at >= start) & (anomaly_at < start + SEQ_LEN)).any()
print("anomalous windows:", labels.sum().item(), "indices:", labels.nonzero().flatten().tolist())
normal = windows[~labels]
perm = torch.randperm(normal.shape[0])
train, val = normal[perm[:40]], normal[perm[40:]]
print("train/val:", tuple(train.shape), tuple(val.shape))


class Encoder(nn.Module):
    def __init__(self, n_features, embedding_dim):
        super().__init__()
        self.hidden_dim = 2 * embedding_dim
        self.rnn1 = nn.LSTM(n_features, self.hidden_dim, num_layers=1, batch_first=True)
        self.rnn2 = nn.LSTM(self.hidden_dim, embedding_dim, num_layers=1, batch_first=True)

    def forward(self, x):
        x, (_, _) = self.rnn1(x)
        x, (hidden_n, _) = self.rnn2(x)
        return hidden_n.squeeze(0)  # (batch, embedding_dim)


class Decoder(nn.Module):
    def __init__(self, seq_len, embedding_dim, n_features):
        super().__init__()
        self.seq_len = seq_len
        self.rnn1 = nn.LSTM(embedding_dim, embedding_dim, batch_first=True)
        self.rnn2 = nn.LSTM(embedding_dim, 2 * embedding_dim, batch_first=True)
        self.output_layer = nn.Linear(2 * embedding_dim, n_features)

    def forward(self, code):
        x = code.unsqueeze(1).repeat(1, self.seq_len, 1)  # (batch, seq_len, embedding_dim)
        x, _ = self.rnn1(x)
        x, _ = self.rnn2(x)
        return self.output_layer(x)


class RecurrentAutoencoder(nn.Module):
    def __init__(self, seq_len, n_features, embedding_dim=8):
        super().__init__()
        self.encoder = Encoder(n_features, embedding_dim)
        self.decoder = Decoder(seq_len, embedding_dim, n_features)

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = RecurrentAutoencoder(SEQ_LEN, 1, embedding_dim=4)
print(model)
code = model.encoder(train[:3])
print("code:", code.shape)
# three ways tutorials spread the code over time give the same tensor
a = code.unsqueeze(1).repeat(1, SEQ_LEN, 1)
b = code.repeat_interleave(SEQ_LEN, dim=0).view(3, SEQ_LEN, -1)
c = code.unsqueeze(1).expand(-1, SEQ_LEN, -1)
print("repeat == repeat_interleave:", torch.equal(a, b), "== expand:", torch.allclose(a, c))
print("expand stride:", c.stride(), "contiguous:", c.is_contiguous())
print("repeat_interleave tensor repeats:", torch.repeat_interleave(torch.tensor([1, 2, 3]), torch.tensor([2, 0, 1])))
print("repeat_interleave output_size:", torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2, dim=1, output_size=4))

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.L1Loss(reduction="sum")
best_loss, best_state = float("inf"), None
history = {"train": [], "val": []}
for epoch in range(1, 9):
    model.train()
    train_losses = []
    for batch in train.split(10):
        optimizer.zero_grad()
        loss = criterion(model(batch), batch)
        loss.backward()
        optimizer.step()
        train_losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(val), val).item() / len(val)
    train_loss = sum(train_losses) / len(train)
    history["train"].append(train_loss)
    history["val"].append(val_loss)
    if val_loss < best_loss:
        best_loss, best_state = val_loss, copy.deepcopy(model.state_dict())
    if epoch % 2 == 0:
        print(f"Epoch {epoch}: train loss {train_loss:.4f} val loss {val_loss:.4f}")
model.load_state_dict(best_state)
print("best val loss:", round(best_loss, 4))


def reconstruction_errors(model, data):
    model.eval()
    with torch.no_grad():
        return F.l1_loss(model(data), data, reduction="none").mean(dim=(1, 2))


train_errors = reconstruction_errors(model, train)
threshold = torch.quantile(train_errors, 0.95)
print("threshold (95% quantile):", threshold)
print("quantiles:", torch.quantile(train_errors, torch.tensor([0.25, 0.5, 0.75])))
for method in ("linear", "lower", "higher", "nearest", "midpoint"):
    print(f"  {method:8s}", train_errors.quantile(0.9, interpolation=method).item())
try:  # the q tensor must have the errors' dtype
    torch.quantile(train_errors, torch.tensor([0.95], dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)
print("q of the same dtype:", torch.quantile(train_errors.double(), torch.tensor([0.95], dtype=torch.float64)))
print("nanquantile:", torch.nanquantile(torch.tensor([1.0, float("nan"), 3.0, 2.0]), 0.5))
k = int(0.95 * len(train_errors))
value, index = torch.kthvalue(train_errors, k)
print(f"kthvalue k={k}:", value, "at index", index.item())
print("kthvalue 2-d keepdim:", torch.kthvalue(torch.tensor([[3.0, 1.0, 2.0], [0.5, 5.0, 4.0]]), 2, dim=1, keepdim=True))
print("topk of errors:", train_errors.topk(3).values)

errors = reconstruction_errors(model, windows)
predicted = errors > threshold
tp = (predicted & labels).sum().item()
fp = (predicted & ~labels).sum().item()
fn = (~predicted & labels).sum().item()
print("flagged windows:", predicted.nonzero(as_tuple=True)[0].tolist())
print(f"precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f}")
print("error stats:", errors.min(), errors.median(), errors.max())
print("histc:", torch.histc(errors, bins=5, min=0, max=float(errors.max())))
