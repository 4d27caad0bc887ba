import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# PyTorch's "Modules" note: a module from scratch, composition with Sequential / ModuleList /
# ModuleDict, training a module, module state (parameters, buffers, persistent and not), module
# initialization (per-layer init with apply, dtype at construction, skip_init + reset),
# training/evaluation modes and module hooks that record and modify.
torch.manual_seed(0)


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features))
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, input):
        return (input @ self.weight) + self.bias


m = MyLinear(4, 3)
sample_input = torch.randn(4)
print(m(sample_input))
for parameter in m.named_parameters():
    print(parameter)

net = nn.Sequential(MyLinear(4, 3), nn.ReLU(), MyLinear(3, 1))
print(net(sample_input))
for child in net.named_children():
    print(child)
for name, p in net.named_parameters():
    print(name, tuple(p.shape))


class BigNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = MyLinear(5, 4)
        self.l2 = MyLinear(4, 1)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


big_net = BigNet()
print([name for name, _ in big_net.named_modules()])

optimizer = torch.optim.SGD(net.parameters(), lr=1e-4, weight_decay=1e-2, momentum=0.9)
for _ in range(100):
    input = torch.randn(4)
    output = net(input)
    loss = torch.abs(output)
    net.zero_grad()
    loss.backward()
    optimizer.step()
print(list(net.parameters()))


class RunningMean(nn.Module):
    def __init__(self, num_features, momentum=0.9):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("mean", torch.zeros(num_features))
        self.register_buffer("unserialized_thing", torch.randn(2), persistent=False)

    def forward(self, x):
        self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
        return self.mean


rm = RunningMean(4)
for _ in range(10):
    input = torch.randn(4)
    rm(input)
print(rm)
print(rm.state_dict())
print(list(rm.named_buffers()))
print(rm.double().mean.dtype, rm.unserialized_thing.dtype)

bn = nn.BatchNorm1d(4)
print(list(bn.named_parameters()), list(bn.named_buffers()))
print(bn.state_dict())

m = nn.Linear(5, 3, dtype=torch.float64)
print(m.weight.dtype)


def init_weights(m):
    if isinstance(m, nn.Linear):
        torch.nn.init.xavier_normal_(m.weight)
        m.bias.data.fill_(0.0)


model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
model.apply(init_weights)
print(model[0].weight, model[2].bias)
torch.nn.init.orthogonal_(model[0].weight)
torch.nn.init.constant_(model[0].bias, 3.0)
print(model[0].weight, model[0].bias)


class ModalModule(nn.Module):
    def forward(self, x):
        if self.training:
            return x
        return F.relu(x)


mm = ModalModule()
x = torch.randn(4)
print("training mode output: {}".format(mm(x)))
mm.eval()
print("evaluation mode output: {}".format(mm(x)))
drop = nn.Dropout(0.5).train()
print(drop(torch.ones(8)), drop.eval()(torch.ones(8)))


def forward_pre_hook(m, inputs):
    input = inputs[0]
    return input + 1.


def forward_hook(m, inputs, output):
    return output + inputs[0]


def backward_hook(m, grad_inputs, grad_outputs):
    new_grad_inputs = [torch.ones_like(gi) * 42. for gi in grad_inputs]
    return new_grad_inputs


m = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)
m(x).sum().backward()
print("x.grad with no hooks: {}".format(x.grad))
forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
x.grad = None
m(x).sum().backward()
print("x.grad with forward pre hook: {}".format(x.grad))
forward_hook_handle = m.register_forward_hook(forward_hook)
x.grad = None
m(x).sum().backward()
print("x.grad with forward pre and forward hooks: {}".format(x.grad))
m.register_full_backward_hook(backward_hook)
x.grad = None
m(x).sum().backward()
print("x.grad with forward pre, forward, and backward hooks: {}".format(x.grad))
forward_pre_hook_handle.remove()
forward_hook_handle.remove()
x.grad = None
m(x).sum().backward()
print("x.grad with backward hooks only: {}".format(x.grad))
