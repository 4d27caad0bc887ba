import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
# Aladdin Persson's pytorch_mixed_precision_example.py (torch.cuda.amp's GradScaler + autocast: on a
# CPU-only machine both warn and disable themselves, and the loop runs in float32) and the progress-bar training loop
# (tqdm replaced by a hand-made bar that shows loss and accuracy per batch).
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"


class NN(nn.Module):
    def __init__(self, input_size, num_classes):
        super(NN, self).__init__()
        self.fc1 = nn.Linear(input_size, 50)
        self.fc2 = nn.Linear(50, num_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


model = NN(16, 4).to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
x = torch.randn(48, 16)
y = (x[:, :4].argmax(1))
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=False)
scaler = torch.cuda.amp.GradScaler()
print(scaler.is_enabled(), scaler.get_scale())
for epoch in range(2):
    for batch_idx, (data, targets) in enumerate(loader):
        with torch.cuda.amp.autocast():
            hidden = model.fc1(data)
            scores = model(data)
            loss = criterion(scores, targets)
        print(epoch, batch_idx, hidden.dtype, scores.dtype, loss.dtype, torch.is_autocast_enabled("cpu"))
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        print(model.fc1.weight.grad.dtype, round(model.fc1.weight.grad.abs().sum().item() / scaler.get_scale(), 2))
        scaler.step(optimizer)
        scaler.update()
    print(scaler.get_scale(), scaler.state_dict())
with torch.autocast(device_type="cuda"):
    a = torch.randn(2, 3)
    b = torch.randn(3, 2)
    print(torch.mm(a, b).dtype, (a + a).dtype, torch.is_autocast_enabled())
with torch.autocast(device_type="cpu", enabled=False):
    print(torch.mm(a, b).dtype)
print(torch.is_autocast_enabled())
h = torch.randn(3, 4).half()
print(h, h.dtype, h.float().dtype)
print(h.sum(), h.mean(), h @ h.t(), h.softmax(1))
# progress-bar loop
model = NN(16, 4)
optimizer = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
num_epochs = 3
for epoch in range(num_epochs):
    num_correct = 0
    for batch_idx, (data, targets) in enumerate(loader):
        scores = model(data)
        loss = criterion(scores, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        predictions = scores.argmax(dim=1)
        num_correct += (predictions == targets).sum().item()
        done = (batch_idx + 1) * 10 // len(loader)
        bar = "#" * done + "." * (10 - done)
        print(f"Epoch [{epoch}/{num_epochs}] [{bar}] loss={loss.item():.4f} acc={num_correct / ((batch_idx + 1) * 16):.3f}")
