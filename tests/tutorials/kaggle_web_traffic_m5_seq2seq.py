import tinygrad_rnn as torch
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional

# The Web Traffic Time Series Forecasting and M5 Forecasting RNN kernels: page views taken through
# np.log1p and standardised per series, a GRU encoder whose last hidden state starts a GRUCell
# decoder that feeds its own predictions back (teacher forcing with a ratio), the competition's SMAPE
# written with torch ops (and numpy for the leaderboard number), M5's categorical embeddings (item,
# store, weekday) concatenated to the sales lags, a hand-written Tweedie loss beside PoissonNLLLoss,
# StepLR, clip_grad_value_, early stopping with a patience counter, and expm1 to undo the log.
np.random.seed(7)
torch.manual_seed(7)
n_pages, history, horizon = 40, 24, 6
t = np.arange(history + horizon)
weekly = np.sin(2 * math.pi * t / 7)
views = np.stack([np.maximum(0, 50 * (i % 5 + 1) * (1 + 0.3 * weekly) + np.random.randn(len(t)) * 10)
                  for i in range(n_pages)]).round()
print(views.shape, views.dtype, views[:2, :7])
log_views = np.log1p(views)
mean = log_views[:, :history].mean(axis=1, keepdims=True)
std = log_views[:, :history].std(axis=1, keepdims=True) + 1e-6
normed = (log_views - mean) / std
x_enc = torch.tensor(normed[:, :history, None], dtype=torch.float32)
y_dec = torch.tensor(normed[:, history:], dtype=torch.float32)
day_of_week = torch.tensor(t % 7).unsqueeze(0).expand(n_pages, -1)
print(x_enc.shape, y_dec.shape, day_of_week.shape, day_of_week.is_contiguous(), x_enc.dtype)


def smape(y_pred, y_true):
    """Symmetric mean absolute percentage error, 0/0 counted as 0 as the competition did."""
    denominator = (y_true.abs() + y_pred.abs()) / 2.0
    diff = (y_true - y_pred).abs() / denominator
    diff = torch.where(denominator == 0, torch.zeros_like(diff), diff)
    return 100 * diff.mean()


def smape_np(A, Fc):
    return 100 / len(A) * np.sum(2 * np.abs(Fc - A) / (np.abs(A) + np.abs(Fc) + 1e-12))


print(smape(torch.tensor([1., 0., 2.]), torch.tensor([1., 0., 4.])), round(smape_np(np.array([1., 2.]), np.array([1., 4.])), 4))


class Seq2Seq(nn.Module):
    def __init__(self, hidden=12, n_days=7, day_dim=3):
        super().__init__()
        self.day_emb = nn.Embedding(n_days, day_dim)
        self.encoder = nn.GRU(1 + day_dim, hidden, batch_first=True)
        self.decoder = nn.GRUCell(1 + day_dim, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, days, target=None, teacher_forcing_ratio=0.0):
        enc_in = torch.cat([x, self.day_emb(days[:, :x.size(1)])], dim=2)
        _, h = self.encoder(enc_in)
        h = h.squeeze(0)
        last = x[:, -1, 0]
        outputs = []
        for step in range(horizon):
            day = self.day_emb(days[:, x.size(1) + step])
            h = self.decoder(torch.cat([last.unsqueeze(1), day], dim=1), h)
            pred = self.head(h).squeeze(1)
            outputs.append(pred)
            use_truth = target is not None and torch.rand(1).item() < teacher_forcing_ratio
            last = target[:, step] if use_truth else pred
        return torch.stack(outputs, dim=1)


model = Seq2Seq()
print(model)
print({k: tuple(v.shape) for k, v in model.state_dict().items()})
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
train_idx, valid_idx = torch.arange(0, 32), torch.arange(32, n_pages)
best, patience, bad_epochs = float("inf"), 2, 0
for epoch in range(4):
    model.train()
    perm = train_idx[torch.randperm(len(train_idx))]
    losses = []
    for batch in perm.split(8):
        pred = model(x_enc[batch], day_of_week[batch], y_dec[batch], teacher_forcing_ratio=0.5)
        loss = F.l1_loss(pred, y_dec[batch])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
        optimizer.step()
        losses.append(loss.item())
    scheduler.step()
    model.eval()
    with torch.no_grad():
        pred = model(x_enc[valid_idx], day_of_week[valid_idx])
        val_loss = F.l1_loss(pred, y_dec[valid_idx]).item()
    print(f"epoch {epoch} train {np.mean(losses):.4f} valid {val_loss:.4f} lr {scheduler.get_last_lr()[0]:.4f}")
    if val_loss < best - 1e-4:
        best, bad_epochs = val_loss, 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print("early stopping at epoch", epoch)
            break
forecast_log = pred.cpu().numpy() * std[32:] + mean[32:]
forecast = np.expm1(forecast_log).clip(0)
truth = views[32:, history:]
print(forecast.shape, forecast.dtype, np.round(forecast[0], 2))
print("SMAPE", round(float(smape_np(truth.ravel(), forecast.ravel())), 3),
      smape(torch.from_numpy(forecast), torch.from_numpy(truth)).dtype)

# M5: sales of items in stores, categorical embeddings beside lagged sales, and a Tweedie loss.
n_items, n_stores, n_rows, lags = 12, 3, 96, 5
item_id = torch.randint(0, n_items, (n_rows,))
store_id = torch.randint(0, n_stores, (n_rows,))
weekday = torch.randint(0, 7, (n_rows,))
rate = (1 + item_id.float() % 4) * (1 + (weekday >= 5).float())
sales = torch.poisson(rate.unsqueeze(1).expand(-1, lags + 1).contiguous())
print(sales.shape, sales.dtype, sales[:3], (sales == 0).float().mean())
lagged, target = sales[:, :lags], sales[:, lags]


class M5Net(nn.Module):
    def __init__(self, emb_dims=((n_items, 4), (n_stores, 2), (7, 3)), hidden=16):
        super().__init__()
        self.embeddings = nn.ModuleList([nn.Embedding(n, d) for n, d in emb_dims])
        n_emb = sum(d for _, d in emb_dims)
        self.emb_drop = nn.Dropout(0.1)
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.bn = nn.BatchNorm1d(n_emb + hidden)
        self.out = nn.Sequential(nn.Linear(n_emb + hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, cats, lags):
        emb = torch.cat([e(cats[:, i]) for i, e in enumerate(self.embeddings)], 1)
        _, (h, _) = self.lstm(torch.log1p(lags).unsqueeze(-1))
        x = torch.cat([self.emb_drop(emb), h[-1]], 1)
        return self.out(self.bn(x)).squeeze(-1)


def tweedie_loss(log_pred, y, p=1.5):
    """Tweedie deviance on a log-scale prediction (LightGBM's objective, as the M5 kernels wrote it)."""
    a = y * torch.exp(log_pred * (1 - p)) / (1 - p)
    b = torch.exp(log_pred * (2 - p)) / (2 - p)
    return (-a + b).mean()


cats = torch.stack([item_id, store_id, weekday], dim=1)
m5 = M5Net()
print(m5)
print(cats.shape, cats.dtype, [e.weight.shape for e in m5.embeddings])
opt = torch.optim.AdamW(m5.parameters(), lr=0.02)
poisson = nn.PoissonNLLLoss(log_input=True)
for epoch in range(2):
    m5.train()
    for batch in torch.arange(n_rows).split(32):
        log_pred = m5(cats[batch], lagged[batch])
        loss = tweedie_loss(log_pred, target[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    m5.eval()
    with torch.no_grad():
        log_pred = m5(cats, lagged)
        print(epoch, round(loss.item(), 4), poisson(log_pred, target), tweedie_loss(log_pred, target),
              torch.sqrt(F.mse_loss(torch.exp(log_pred), target)))
print(m5.bn.running_mean[:4], m5.bn.num_batches_tracked, torch.exp(log_pred[:5]).round(decimals=3))
