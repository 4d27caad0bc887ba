import os
import tempfile

import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional

torch.manual_seed(0)
# 6.1 layers and modules
net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
X = torch.rand(2, 20)
print(net(X).shape)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.LazyLinear(256)
        self.out = nn.LazyLinear(10)

    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


net = MLP()
print(net(X).shape, net)


class MySequential(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, module in enumerate(args):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X


net = MySequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
print(net(X).shape, net, list(net._modules.keys()), type(net._modules).__name__)


class MySequential2(nn.Module):
    def __init__(self, *args):
        super().__init__()
        for idx, block in enumerate(args):
            self._modules[str(idx)] = block

    def forward(self, X):
        for block in self._modules.values():
            X = block(X)
        return X


net = MySequential2(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
print(net(X).shape, net, [n for n, _ in net.named_parameters()])


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.rand_weight = torch.rand((20, 20))
        self.linear = nn.LazyLinear(20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


net = FixedHiddenMLP()
print(net(X), [n for n, _ in net.named_parameters()])


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.LazyLinear(64), nn.ReLU(), nn.LazyLinear(32), nn.ReLU())
        self.linear = nn.LazyLinear(16)

    def forward(self, X):
        return self.linear(self.net(X))


chimera = nn.Sequential(NestMLP(), nn.LazyLinear(20), FixedHiddenMLP())
print(chimera(X), chimera)

# 6.2 parameter management
net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
X = torch.rand(size=(2, 4))
print(net(X).shape)
print(net[2].state_dict())
print(type(net[2].bias).__name__, net[2].bias.data)
print(net[2].weight.grad == None)
print([(name, param.shape) for name, param in net.named_parameters()])
print(net.state_dict()['2.bias'].data, list(net.state_dict().keys()))
for name, param in net[0].named_parameters():
    print(name, param.shape, param.requires_grad, param.dtype)
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])


def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())


def block2():
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f'block {i}', block1())
    return net


rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
print(rgnet(X), rgnet)
print(rgnet[0][1][0].bias.data)
print(len(list(rgnet.parameters())), len(rgnet.state_dict()))

# tied parameters
shared = nn.LazyLinear(8)
net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
net(X)
print(net[2].weight.data[0] == net[4].weight.data[0])
net[2].weight.data[0, 0] = 100
print(net[2].weight.data[0] == net[4].weight.data[0], net[2] is net[4])
print(len(list(net.parameters())), [n for n, _ in net.named_parameters()], list(net.state_dict().keys()))
net(X).sum().backward()
print(net[2].weight.grad.shape, net[2].bias.grad)

# 6.4 lazy initialization
net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
print(net[0].weight, type(net[0].weight).__name__)
print(net[0].has_uninitialized_params())
net(X)
print(net[0].weight.shape, type(net[0].weight).__name__, type(net[0]).__name__, net[0].has_uninitialized_params() if hasattr(net[0], 'has_uninitialized_params') else None)


def init_cnn(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)


def apply_init(module, inputs, init=None):
    module.forward(*inputs)
    if init is not None:
        module.apply(init)


net = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
apply_init(net, [torch.rand(3, 5)], init_cnn)
print(net, net[0].weight.shape, net[2].weight)


# 6.5 custom layers
class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()


layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2, 3, 4, 5])))
net = nn.Sequential(nn.LazyLinear(128), CenteredLayer())
Y = net(torch.rand(4, 8))
print(Y.mean().abs() < 1e-6, net)


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)


linear = MyLinear(5, 3)
print(linear.weight)
print(linear(torch.rand(2, 5)))
net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net(torch.rand(2, 64)), net, [n for n, _ in net.named_parameters()])

# 6.6 file I/O
tmp = tempfile.mkdtemp()
x = torch.arange(4)
torch.save(x, os.path.join(tmp, 'x-file'))
x2 = torch.load(os.path.join(tmp, 'x-file'))
print(x2, x2.dtype)
y = torch.zeros(4)
torch.save([x, y], os.path.join(tmp, 'x-files'))
x2, y2 = torch.load(os.path.join(tmp, 'x-files'))
print((x2, y2))
mydict = {'x': x, 'y': y}
torch.save(mydict, os.path.join(tmp, 'mydict'))
mydict2 = torch.load(os.path.join(tmp, 'mydict'))
print(mydict2)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.LazyLinear(256)
        self.output = nn.LazyLinear(10)

    def forward(self, x):
        return self.output(F.relu(self.hidden(x)))


net = MLP()
X = torch.randn(size=(2, 20))
Y = net(X)
torch.save(net.state_dict(), os.path.join(tmp, 'mlp.params'))
clone = MLP()
print(clone.load_state_dict(torch.load(os.path.join(tmp, 'mlp.params'))))
print(clone.eval())
Y_clone = clone(X)
print(Y_clone == Y)
print(clone.hidden.weight.shape, clone.training, clone.hidden.training)


# 6.7 GPUs (on a CPU-only machine every helper falls back to the CPU)
def cpu():
    return torch.device('cpu')


def gpu(i=0):
    return torch.device(f'cuda:{i}')


def num_gpus():
    return torch.cuda.device_count()


def try_gpu(i=0):
    if num_gpus() >= i + 1:
        return gpu(i)
    return cpu()


def try_all_gpus():
    return [gpu(i) for i in range(num_gpus())]


print(cpu(), gpu(), gpu(1), num_gpus())
print(try_gpu(), try_gpu(10), try_all_gpus())
x = torch.tensor([1, 2, 3])
print(x.device)
X = torch.ones(2, 3, device=try_gpu())
Y = torch.rand(2, 3, device=try_gpu(1))
print(X + Y, (X + Y).device)
net = nn.Sequential(nn.LazyLinear(1))
net = net.to(device=try_gpu())
print(net(X), net[0].weight.data.device)
