import tinygrad_rnn as torch
import io
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional

# The Google Brain Ventilator Pressure Prediction LSTM kernels (theoviel's "Deep learning starter",
# the "LSTM with Pytorch" forks): per-breath feature engineering with numpy (cumulated u_in, lags,
# time differences), a standard scaler by hand, a Dataset returning dicts, an MLP with LayerNorm in
# front of a bidirectional two-layer LSTM, orthogonal / xavier init by parameter name, L1Loss masked
# to the inspiratory phase (u_out == 0), SmoothL1Loss for comparison, AdamW, ReduceLROnPlateau on the
# validation MAE, clip_grad_norm_, the best state_dict kept in a buffer, and torch.no_grad
# predictions with .cpu().numpy(). Breaths are generated.
seed = 42
random.seed(seed)
np.random.seed(seed)
torch.manual_seed(seed)
n_breaths, steps = 48, 20
R = np.random.choice([5, 20, 50], size=n_breaths)
C = np.random.choice([10, 20, 50], size=n_breaths)
time_step = np.tile(np.linspace(0, 2.0, steps), (n_breaths, 1))
u_in = np.abs(np.random.randn(n_breaths, steps).cumsum(1)) * 5
u_out = (np.arange(steps) >= steps // 2).astype(np.int64)[None].repeat(n_breaths, 0)
pressure = 5 + (u_in.cumsum(1) * 0.02 * R[:, None] / C[:, None]) * (1 - u_out) + 0.3 * np.random.randn(n_breaths, steps)
print(u_in.shape, u_out.dtype, round(float(pressure.mean()), 4), round(float(pressure.max()), 4))


def add_features(u_in, u_out, time_step, R, C):
    """Per-breath engineered features, stacked on the last axis: (breaths, steps, features)."""
    area = np.cumsum(time_step * u_in, axis=1)
    u_in_cumsum = np.cumsum(u_in, axis=1)
    u_in_lag1 = np.concatenate([np.zeros((u_in.shape[0], 1)), u_in[:, :-1]], axis=1)
    u_in_diff1 = u_in - u_in_lag1
    dt = np.diff(time_step, axis=1, prepend=0)
    rc = np.repeat((R * C)[:, None], u_in.shape[1], axis=1)
    feats = [u_in, u_out, time_step, area, u_in_cumsum, u_in_lag1, u_in_diff1, dt,
             np.repeat(R[:, None], u_in.shape[1], 1), np.repeat(C[:, None], u_in.shape[1], 1), rc]
    return np.stack(feats, axis=-1).astype(np.float32)


X = add_features(u_in, u_out, time_step, R, C)
mean, std = X.reshape(-1, X.shape[-1]).mean(0), X.reshape(-1, X.shape[-1]).std(0) + 1e-6
X = (X - mean) / std
print(X.shape, X.dtype, np.round(X[0, :3, :4], 4))


class VentilatorDataset(torch.utils.data.Dataset):
    def __init__(self, X, pressure, u_out):
        self.inputs = torch.from_numpy(X)
        self.targets = torch.tensor(pressure, dtype=torch.float)
        self.u_outs = torch.from_numpy(u_out)

    def __len__(self):
        return self.inputs.shape[0]

    def __getitem__(self, idx):
        return {"input": self.inputs[idx], "u_out": self.u_outs[idx], "p": self.targets[idx]}


class RNNModel(nn.Module):
    def __init__(self, input_dim=11, lstm_dim=8, dense_dim=8, logit_dim=8, num_classes=1):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(input_dim, dense_dim // 2),
            nn.LayerNorm(dense_dim // 2),
            nn.ReLU(),
            nn.Linear(dense_dim // 2, dense_dim),
            nn.ReLU(),
        )
        self.lstm = nn.LSTM(dense_dim, lstm_dim, num_layers=2, batch_first=True, bidirectional=True)
        self.norm = nn.LayerNorm(lstm_dim * 2, eps=1e-6)
        self.logits = nn.Sequential(
            nn.Linear(lstm_dim * 2, logit_dim),
            nn.ReLU(),
            nn.Linear(logit_dim, num_classes),
        )
        for n, m in self.named_modules():
            if isinstance(m, nn.LSTM):
                print(f"init {n}")
                for param in m.parameters():
                    if len(param.shape) >= 2:
                        nn.init.orthogonal_(param.data)
                    else:
                        nn.init.normal_(param.data)
            elif isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        features = self.mlp(x)
        features, _ = self.lstm(features)
        features = self.norm(features)
        pred = self.logits(features)
        return pred


def compute_metric(df_pred, df_true, u_out):
    """Mean absolute error over the inspiratory phase only."""
    w = 1 - u_out
    return (w * np.abs(df_true - df_pred)).sum() / w.sum()


class VentilatorLoss(nn.Module):
    """L1 loss on the steps where the valve is closed (u_out == 0), as the metric counts them."""

    def __call__(self, preds, y, u_out):
        mask = 1 - u_out
        mae = mask * (y - preds).abs()
        mae = mae.sum(-1) / mask.sum(-1)
        return mae.mean()


dataset = VentilatorDataset(X, pressure, u_out)
print(len(dataset), {k: (tuple(v.shape), v.dtype) for k, v in dataset[0].items()})
train_ds = torch.utils.data.Subset(dataset, list(range(36)))
val_ds = torch.utils.data.Subset(dataset, list(range(36, n_breaths)))
train_loader = torch.utils.data.DataLoader(train_ds, batch_size=12, shuffle=True, drop_last=True)
val_loader = torch.utils.data.DataLoader(val_ds, batch_size=12, shuffle=False)
batch = next(iter(val_loader))
print(sorted(batch.keys()), batch["input"].shape, batch["u_out"].dtype, batch["p"].dtype)

model = RNNModel()
print(model)
print([n for n, _ in model.named_parameters()][:6], sum(p.numel() for p in model.parameters()))
w = model.lstm.weight_hh_l0
print(w.shape, torch.allclose(w.T @ w, torch.eye(w.shape[1]), atol=1e-5) or torch.allclose(w @ w.T, torch.eye(w.shape[0]), atol=1e-5))
print(model.norm, model.norm.weight[:3], model.norm.normalized_shape)
with torch.no_grad():
    out = model(batch["input"])
print(out.shape, out.squeeze(-1).shape, out.dtype)

loss_fn = VentilatorLoss()
l1 = nn.L1Loss(reduction="none")
smooth = nn.SmoothL1Loss(beta=0.5)
p = out.squeeze(-1)
print(loss_fn(p, batch["p"], batch["u_out"]), l1(p, batch["p"]).shape, smooth(p, batch["p"]))
print(F.smooth_l1_loss(p, batch["p"], reduction="sum"), F.l1_loss(p, batch["p"]), F.huber_loss(p, batch["p"], delta=2.0))

optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0, min_lr=1e-4)
print(type(scheduler).__name__, scheduler.factor, scheduler.patience, scheduler.mode, scheduler.best)
best_mae, best_state = np.inf, None
for epoch in range(3):
    model.train()
    avg_loss = 0.0
    for data in train_loader:
        pred = model(data["input"]).squeeze(-1)
        loss = loss_fn(pred, data["p"], data["u_out"]).mean()
        loss.backward()
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        optimizer.zero_grad()
        avg_loss += loss.item() / len(train_loader)
    model.eval()
    preds = []
    with torch.no_grad():
        for data in val_loader:
            preds.append(model(data["input"]).squeeze(-1).detach().cpu().numpy())
    preds = np.concatenate(preds, 0)
    mae = compute_metric(preds, pressure[36:], u_out[36:])
    scheduler.step(mae)
    lr = optimizer.param_groups[0]["lr"]
    print(f"Epoch {epoch + 1:02d} loss={avg_loss:.3f} val_mae={mae:.3f} lr={lr:.1e} "
          f"norm={total_norm.item():.4f} bad={scheduler.num_bad_epochs}")
    if mae < best_mae:
        best_mae = mae
        buffer = io.BytesIO()
        torch.save(model.state_dict(), buffer)
        best_state = buffer.getvalue()
print("best", round(float(best_mae), 4), type(best_state).__name__, preds.shape, preds.dtype)
state = torch.load(io.BytesIO(best_state))
print(model.load_state_dict(state), list(state.keys())[-2:])
print(sorted(scheduler.state_dict().keys()))
print(sorted(optimizer.state_dict()["param_groups"][0].keys()))

# The plateau logic on its own: a flat validation score halves the rate after `patience` bad epochs.
sgd = torch.optim.SGD([nn.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(sgd, factor=0.2, patience=1, threshold=0.01,
                                                     threshold_mode="abs", cooldown=1, min_lr=5e-3)
for score in [1.0, 0.995, 0.99, 0.99, 0.99, 0.99, 0.5, 0.5, 0.5]:
    plateau.step(score)
    print(score, sgd.param_groups[0]["lr"], plateau.num_bad_epochs, plateau.cooldown_counter,
          plateau.get_last_lr(), plateau.best)
