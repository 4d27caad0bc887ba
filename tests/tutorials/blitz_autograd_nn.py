import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# "Deep Learning with PyTorch: A 60 Minute Blitz": tensors, autograd, then a small nn.Module
torch.manual_seed(0)
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
print(x.grad_fn, x.is_leaf, y.is_leaf)
z = y * y * 3
out = z.mean()
print(z, out)
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
out.backward()
print(x.grad)
# vector-Jacobian product: keep doubling until the norm passes 1000
x = torch.randn(3, requires_grad=True)
y = x * 2
steps = 0
while y.data.norm() < 1000:
    y = y * 2
    steps += 1
print(steps, y.shape)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
# the gradient of Q = 3a^3 - b^2, checked against the formula
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)
# an intermediate result keeps its gradient only when asked
h = a * b
h.retain_grad()
s = (h ** 2).sum()
s.backward()
print(h.grad, h.is_leaf)
print(a.grad)
# a gradient hook sees (and may change) the gradient flowing through a tensor
seen = []
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
handle = w.register_hook(lambda g: seen.append(g.clone()) or g * 10)
(w * w).sum().backward()
print(seen[0], w.grad)
handle.remove()
w.grad = None
(w * w).sum().backward()
print(len(seen), w.grad)
# freezing: only the new head trains
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
for name, p in net.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)
net.zero_grad()
out.backward(torch.randn(1, 10))
print(net.conv1.bias.grad)
output = net(input)
target = torch.randn(10)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)
print(loss.grad_fn)
print(loss.grad_fn.next_functions[0][0])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
net.zero_grad()
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)
learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 5))
for param in net.parameters():
    param.requires_grad = False
net.fc3 = nn.Linear(84, 10)
print([n for n, p in net.named_parameters() if p.requires_grad])
optimizer = torch.optim.SGD(net.parameters(), lr=1e-2, momentum=0.9)
loss = criterion(net(input), target)
loss.backward()
print(net.fc2.weight.grad, net.fc3.bias.grad.shape)
optimizer.step()
print(round(criterion(net(input), target).item(), 5))
