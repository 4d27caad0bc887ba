import tinygrad_rnn as torch
import os
import tempfile
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 32)
        self.bn1 = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, 16)
        self.ln = nn.LayerNorm(16)
        self.drop = nn.Dropout(p=0.3)
        self.out = nn.Linear(16, 3)
    def forward(self, x):
        x = F.relu(self.bn1(self.fc1(x)))
        x = self.drop(F.gelu(self.ln(self.fc2(x))))
        return self.out(x)
net = Net()
print(net)
def weights_init(m):
    if type(m) == nn.Linear:
        nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
        nn.init.constant_(m.bias, 0.0)
net.apply(weights_init)
print(net.bn1.running_mean[:3], net.bn1.num_batches_tracked, net.ln.weight[:3])
print(list(net.state_dict().keys()))
X = torch.randn(60, 10)
y = (X[:, 0] > 0).long() + (X[:, 1] > 0.5).long()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[3, 6], gamma=0.1)
for epoch in range(8):
    net.train()
    for idx in torch.randperm(60).split(20):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(X[idx]), y[idx])
        loss.backward()
        optimizer.step()
    scheduler.step()
    net.eval()
    with torch.no_grad():
        acc = (net(X).argmax(dim=1) == y).float().mean().item()
    print(epoch, f"{loss.item():.4f}", f"{acc:.3f}", scheduler.get_last_lr(), optimizer.param_groups[0]['lr'])
print(net.bn1.running_mean[:3], net.bn1.running_var[:3], net.bn1.num_batches_tracked)
print(loss.grad_fn, net.bn1(X[:4].matmul(net.fc1.weight.t())).grad_fn.name())
path = os.path.join(tempfile.mkdtemp(), 'ckpt.pth')
torch.save({'epoch': 8, 'model_state_dict': net.state_dict(), 'optimizer_state_dict': optimizer.state_dict(),
            'loss': loss}, path)
checkpoint = torch.load(path)
model2 = Net()
optimizer2 = torch.optim.SGD(model2.parameters(), lr=0.1, momentum=0.9, nesterov=True)
print(model2.load_state_dict(checkpoint['model_state_dict']))
optimizer2.load_state_dict(checkpoint['optimizer_state_dict'])
print(checkpoint['epoch'], checkpoint['loss'], optimizer2.param_groups[0]['lr'], len(optimizer2.state_dict()['state']))
model2.eval()
print(torch.allclose(model2(X), net(X)))
sch = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer2, 'min', patience=1, factor=0.5)
for val in [1.0, 0.9, 0.95, 0.96, 0.97, 0.99]:
    sch.step(val)
    print(optimizer2.param_groups[0]['lr'])
opt3 = torch.optim.Adam(net.parameters(), lr=1e-3)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt3, T_max=4)
lam = torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD(net.parameters(), lr=1.0), lr_lambda=lambda e: 0.95 ** e)
for e in range(5):
    opt3.step(); cos.step(); lam.optimizer.step(); lam.step()
    print(e, [f"{v:.6f}" for v in cos.get_last_lr()], f"{lam.get_last_lr()[0]:.6f}")
w = torch.empty(3, 5)
for fn in (nn.init.xavier_uniform_, nn.init.xavier_normal_, nn.init.kaiming_uniform_, nn.init.orthogonal_, nn.init.normal_):
    torch.manual_seed(3)
    fn(w)
    print(fn.__name__, f"{w.sum().item():.4f}", f"{w.std().item():.4f}")
print(nn.init.calculate_gain('tanh'), nn.init.calculate_gain('leaky_relu', 0.2))
ln = nn.LayerNorm([2, 3], elementwise_affine=False)
print(ln, ln(torch.arange(12.).view(2, 2, 3)))
print(F.layer_norm(torch.arange(6.).view(2, 3), (3,)))
print(F.cosine_similarity(torch.tensor([[1., 2., 3.]]), torch.tensor([[1., 0., 1.]])))
