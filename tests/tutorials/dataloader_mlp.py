import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
Dataset = torch.utils.data.Dataset
DataLoader = torch.utils.data.DataLoader
torch.manual_seed(0)
np.random.seed(0)
class XorDataset(Dataset):
    def __init__(self, n):
        self.x = np.random.rand(n, 2).astype(np.float32)
        self.y = ((self.x[:, 0] > 0.5) ^ (self.x[:, 1] > 0.5)).astype(np.int64)
    def __len__(self):
        return len(self.x)
    def __getitem__(self, idx):
        return torch.from_numpy(self.x[idx]), torch.tensor(self.y[idx])
ds = XorDataset(200)
print(len(ds), ds[0][0].dtype, ds[0][1].dtype, ds[0][1].shape)
train_ds, val_ds = torch.utils.data.random_split(ds, [150, 50])
print(len(train_ds), len(val_ds))
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True)
val_loader = DataLoader(val_ds, batch_size=50)
print(len(train_loader), len(val_loader))
model = nn.Sequential(
    nn.Linear(2, 16),
    nn.ReLU(),
    nn.Linear(16, 16),
    nn.Tanh(),
    nn.Linear(16, 2),
)
print(model)
def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)
model.apply(init_weights)
print(model[0].bias)
total_params = sum(p.numel() for p in model.parameters())
print("params:", total_params)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(6):
    model.train()
    running = 0.0
    for batch_idx, (xb, yb) in enumerate(train_loader):
        optimizer.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * xb.size(0)
    scheduler.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            out = model(xb)
            _, predicted = torch.max(out, 1)
            correct += (predicted == yb).sum().item()
    print(f"epoch {epoch} loss {running / len(train_loader.dataset):.4f} val acc {correct / len(val_ds):.3f} lr {scheduler.get_last_lr()[0]:.5f}")
xb, yb = next(iter(val_loader))
probs = F.softmax(model(xb), dim=1)
print(probs.shape, probs.sum(1)[:3], probs.argmax(dim=1)[:5], yb[:5])
print((probs.argmax(1) == yb).float().mean())
print(out.detach().numpy().dtype, xb.numpy().shape)
