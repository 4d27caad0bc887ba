import tinygrad_rnn as torch
import numpy as np

# The common "synthetic regression, train/val split, DataLoader loop" script.
nn = torch.nn
TensorDataset, DataLoader, random_split = torch.utils.data.TensorDataset, torch.utils.data.DataLoader, torch.utils.data.random_split
torch.manual_seed(42)

n_samples = 400
X = torch.randn(n_samples, 3)
true_w = torch.tensor([[2.0], [-3.4], [1.5]])
true_b = 4.2
y = X @ true_w + true_b + 0.1 * torch.randn(n_samples, 1)
print(X.shape, y.shape, X[:2], y[:2])

dataset = TensorDataset(X, y)
train_size = int(0.8 * len(dataset))
val_size = len(dataset) - train_size
train_dataset, val_dataset = random_split(dataset, [train_size, val_size])
print(train_size, val_size, train_dataset.indices[:8], val_dataset.indices[:8])

train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True)
val_loader = DataLoader(val_dataset, batch_size=64, shuffle=False)
print(len(train_loader), len(val_loader))

model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
print(model)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)


def train_one_epoch():
    model.train()
    total = 0.0
    for batch_X, batch_y in train_loader:
        optimizer.zero_grad()
        pred = model(batch_X)
        loss = criterion(pred, batch_y)
        loss.backward()
        optimizer.step()
        total += loss.item() * batch_X.size(0)
    return total / len(train_loader.dataset)


def evaluate(loader):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for batch_X, batch_y in loader:
            total += criterion(model(batch_X), batch_y).item() * len(batch_X)
    return total / len(loader.dataset)


history = {"train": [], "val": []}
for epoch in range(1, 13):
    train_loss = train_one_epoch()
    val_loss = evaluate(val_loader)
    history["train"].append(train_loss)
    history["val"].append(val_loss)
    print(f"Epoch {epoch:02d} | train loss: {train_loss:.6f} | val loss: {val_loss:.6f}")

best = int(np.argmin(history["val"]))
print("best epoch", best + 1, f"{history['val'][best]:.6f}")
with torch.no_grad():
    sample_X, sample_y = val_dataset[0]
    print(sample_X, sample_y, model(sample_X.unsqueeze(0)))
    preds = torch.cat([model(xb) for xb, _ in val_loader])
    targets = torch.cat([yb for _, yb in val_loader])
print(preds.shape, f"{(preds - targets).abs().mean().item():.6f}")
print(model[0].weight.grad.shape, model[2].bias)

# a fraction split with an explicit generator, and a loader seeded by its own generator
gen = torch.Generator().manual_seed(42)
train_part, val_part, test_part = random_split(dataset, [0.7, 0.2, 0.1], generator=gen)
print(len(train_part), len(val_part), len(test_part), test_part.indices[:10])
loader = DataLoader(train_part, batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(1), drop_last=True)
print(len(loader), [round(yb.mean().item(), 4) for _, yb in loader])
