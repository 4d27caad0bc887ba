import tinygrad_rnn as torch
import copy
import io
import random

import numpy as np

nn = torch.nn

# Bjarte Mehus Sunde's `pytorchtools.EarlyStopping` (the class most blog posts copy), with the checkpoint
# kept in memory: the best state_dict saved with copy.deepcopy and with torch.save into an io.BytesIO and
# torch.load back (map_location, weights_only), then the "resume training" recipe of the PyTorch
# "Saving and loading a general checkpoint" tutorial: model, optimizer and scheduler state_dicts and the
# torch / random / numpy RNG states, round-tripped so the resumed run prints the same losses.
torch.manual_seed(0)
random.seed(0)
np.random.seed(0)


class EarlyStopping:
    """Early stops the training if validation loss doesn't improve after a given patience."""

    def __init__(self, patience=3, verbose=False, delta=0.0, trace_func=print):
        self.patience = patience
        self.verbose = verbose
        self.counter = 0
        self.best_score = None
        self.early_stop = False
        self.val_loss_min = np.inf
        self.delta = delta
        self.trace_func = trace_func
        self.buffer = None

    def __call__(self, val_loss, model):
        score = -val_loss
        if self.best_score is None:
            self.best_score = score
            self.save_checkpoint(val_loss, model)
        elif score < self.best_score + self.delta:
            self.counter += 1
            self.trace_func(f"EarlyStopping counter: {self.counter} out of {self.patience}")
            if self.counter >= self.patience:
                self.early_stop = True
        else:
            self.best_score = score
            self.save_checkpoint(val_loss, model)
            self.counter = 0

    def save_checkpoint(self, val_loss, model):
        if self.verbose:
            self.trace_func(f"Validation loss decreased ({self.val_loss_min:.6f} --> {val_loss:.6f}).  Saving model ...")
        self.buffer = io.BytesIO()
        torch.save(model.state_dict(), self.buffer)
        self.val_loss_min = val_loss


class SeqRegressor(nn.Module):
    def __init__(self, n_in=1, hidden=12):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, h = self.gru(x)
        return self.head(out[:, -1])


t = torch.linspace(0, 6.0, 60)
series = torch.sin(t) + 0.1 * torch.randn(60)
windows = series.unfold(0, 8, 1)
X, y = windows[:, :-1].unsqueeze(-1), windows[:, -1:]
print(X.shape, y.shape, X.dtype)
X_train, y_train, X_val, y_val = X[:40], y[:40], X[40:], y[40:]

model = SeqRegressor()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
criterion = nn.MSELoss()
stopper = EarlyStopping(patience=3, verbose=True, delta=1e-4)
best_weights = None
best_val = float("inf")

for epoch in range(12):
    model.train()
    perm = torch.randperm(40)
    for i in range(0, 40, 10):
        idx = perm[i:i + 10]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(X_val), y_val).item()
    print(f"epoch {epoch:2d} train {loss.item():.5f} val {val_loss:.5f} lr {scheduler.get_last_lr()[0]:.5f}")
    if val_loss < best_val:
        best_val = val_loss
        best_weights = copy.deepcopy(model.state_dict())
    stopper(val_loss, model)
    if stopper.early_stop:
        print("Early stopping")
        break

print(list(best_weights.keys()))
print(best_weights["head.bias"], best_weights["gru.weight_hh_l0"].shape)
print(best_weights["head.weight"] is model.state_dict()["head.weight"])
print(best_weights["head.weight"].data_ptr() == model.head.weight.data_ptr())

stopper.buffer.seek(0)
state = torch.load(stopper.buffer, map_location="cpu", weights_only=True)
print(type(state).__name__, len(state), state["head.bias"].requires_grad, state["head.bias"].device)
result = model.load_state_dict(state)
print(result)
print(result.missing_keys, result.unexpected_keys)
with torch.no_grad():
    print(f"restored val loss {criterion(model(X_val), y_val).item():.5f} (min {stopper.val_loss_min:.5f})")

restored = SeqRegressor()
print(restored.load_state_dict(best_weights, strict=True))
bad = dict(best_weights)
bad["extra.weight"] = bad.pop("head.weight")
try:
    restored.load_state_dict(bad)
except RuntimeError as err:
    print("RuntimeError:", err)
print(restored.load_state_dict(bad, strict=False))

# -- a general checkpoint, then resume --------------------------------------------------------------
checkpoint = {
    "epoch": epoch,
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "scheduler_state_dict": scheduler.state_dict(),
    "loss": loss,
    "torch_rng": torch.get_rng_state(),
    "python_rng": random.getstate(),
    "numpy_rng": np.random.get_state(),
}
print(checkpoint["optimizer_state_dict"]["param_groups"])
print(sorted(checkpoint["optimizer_state_dict"]["state"].keys()))
print(checkpoint["optimizer_state_dict"]["state"][0]["step"])
print(checkpoint["scheduler_state_dict"])
print(checkpoint["torch_rng"].dtype, checkpoint["torch_rng"].shape)
buf = io.BytesIO()
torch.save(checkpoint, buf)
print(buf.getbuffer().nbytes > 1000)


def train_steps(model, optimizer, scheduler, n):
    losses = []
    for _ in range(n):
        idx = torch.randint(0, 40, (8,))
        j = random.randrange(40)
        k = int(np.random.randint(40))
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx]) + 0.0 * X_train[j].sum() + 0.0 * X_train[k].sum()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(round(loss.item(), 5))
    return losses, j, k


first = train_steps(model, optimizer, scheduler, 3)
print("continued:", first)

buf.seek(0)
ckpt = torch.load(buf, weights_only=False)
model2 = SeqRegressor()
optimizer2 = torch.optim.Adam(model2.parameters(), lr=0.02)
scheduler2 = torch.optim.lr_scheduler.StepLR(optimizer2, step_size=4, gamma=0.5)
model2.load_state_dict(ckpt["model_state_dict"])
optimizer2.load_state_dict(ckpt["optimizer_state_dict"])
scheduler2.load_state_dict(ckpt["scheduler_state_dict"])
torch.set_rng_state(ckpt["torch_rng"])
random.setstate(ckpt["python_rng"])
np.random.set_state(ckpt["numpy_rng"])
print(ckpt["epoch"], ckpt["loss"])
print(optimizer2.param_groups[0]["lr"], scheduler2.last_epoch, scheduler2.get_last_lr())
second = train_steps(model2, optimizer2, scheduler2, 3)
print("resumed:  ", second)
print(first == second)
print(torch.equal(model.head.weight, model2.head.weight))

try:
    torch.set_rng_state(torch.zeros(3))
except Exception as err:
    print(type(err).__name__, err)
try:
    optimizer2.load_state_dict({"state": {}, "param_groups": []})
except ValueError as err:
    print("ValueError:", err)
