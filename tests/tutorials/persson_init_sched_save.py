import tinygrad_rnn as torch
import os
import tempfile
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
# Aladdin Persson's pytorch_init_weights.py, pytorch_lr_ratescheduler.py (ReduceLROnPlateau on the
# mean epoch loss) and pytorch_loadsave.py (save_checkpoint / load_checkpoint with a dict).
torch.manual_seed(0)


class CNN(nn.Module):
    def __init__(self, in_channels, num_classes):
        super(CNN, self).__init__()
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.conv1 = nn.Conv2d(in_channels=in_channels, out_channels=6, kernel_size=(3, 3), stride=(1, 1),
                               padding=(1, 1))
        self.pool = nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
        self.conv2 = nn.Conv2d(6, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 2 * 2, num_classes)
        self.initialize_weights()

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool(x)
        x = F.relu(self.bn(self.conv2(x)))
        x = self.pool(x)
        x = x.reshape(x.shape[0], -1)
        x = self.fc1(x)
        return x

    def initialize_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight)
                nn.init.constant_(m.bias, 0)


model = CNN(in_channels=3, num_classes=10)
for name, param in model.named_parameters():
    print(name, tuple(param.shape), f"{param.mean().item():.5f}", f"{param.std().item():.5f}")
x = torch.randn(64, 3, 8, 8)
print(model(x).shape)
print(nn.init.calculate_gain("relu"), nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("tanh"))
w = torch.empty(3, 5)
print(nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain("relu")))
print(nn.init.xavier_normal_(w))
print(nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"))
print(nn.init.normal_(w, mean=0.0, std=0.02))
print(nn.init.zeros_(w), nn.init.ones_(torch.empty(2)))
print(nn.init.orthogonal_(torch.empty(3, 3)))
print(nn.init.trunc_normal_(torch.empty(2, 4), std=0.5))


def save_checkpoint(state, filename="my_checkpoint.pth.tar"):
    print("=> Saving checkpoint")
    torch.save(state, filename)


def load_checkpoint(checkpoint, model, optimizer):
    print("=> Loading checkpoint")
    model.load_state_dict(checkpoint["state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer"])


targets = torch.randint(0, 10, (64,))
images = torch.rand(10, 3, 8, 8)[targets] + 0.5 * torch.randn(64, 3, 8, 8)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, targets), batch_size=16, shuffle=True)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.1)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, patience=1)
print(scheduler.__class__.__name__, scheduler.mode, scheduler.threshold, scheduler.patience)
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "my_checkpoint.pth.tar")
for epoch in range(6):
    losses = []
    if epoch % 3 == 0:
        checkpoint = {"state_dict": model.state_dict(), "optimizer": optimizer.state_dict()}
        save_checkpoint(checkpoint, filename=path)
    for batch_idx, (data, targets) in enumerate(loader):
        scores = model(data)
        loss = criterion(scores, targets)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    mean_loss = sum(losses) / len(losses)
    scheduler.step(mean_loss)
    print(f"Cost at epoch {epoch} is {mean_loss:.4f}", optimizer.param_groups[0]["lr"], scheduler.get_last_lr(),
          scheduler.num_bad_epochs, f"{scheduler.best:.4f}")
print(scheduler.state_dict()["_last_lr"], sorted(scheduler.state_dict())[:6])
load_checkpoint(torch.load(path), model, optimizer)
print(optimizer.param_groups[0]["lr"], len(optimizer.state_dict()["state"]), optimizer.state_dict()["param_groups"][0]["params"][:3])
print(model.bn.running_mean[:4], model.bn.num_batches_tracked)
ck = torch.load(path, weights_only=True)
print(sorted(ck), list(ck["state_dict"].keys())[:6], ck["optimizer"]["state"][0]["step"])
sd = optimizer.state_dict()["state"][0]
print(sorted(sd), sd["exp_avg"].shape, sd["step"].dtype)
step_sched = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for i in range(4):
    optimizer.step()
    step_sched.step()
    print(i, step_sched.get_last_lr(), step_sched.last_epoch)
