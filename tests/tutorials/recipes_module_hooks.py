import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# PyTorch's module hooks, as the docs and recipes use them: forward pre-hooks and forward hooks
# (with_kwargs, returning replacements, always_call, prepend, removal through the handle or a with
# block), full backward hooks and backward pre-hooks, global hooks for every module, and hooks
# that collect activations by name.
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.act = nn.Tanh()

    def forward(self, x, scale=1.0):
        return self.act(self.lin(x)) * scale


model = nn.Sequential(nn.Linear(3, 4), Block(), nn.Linear(4, 2))
x = torch.randn(5, 3)
calls = []


def pre_hook(module, args):
    calls.append(("pre", type(module).__name__, [tuple(a.shape) for a in args]))


def pre_hook_kwargs(module, args, kwargs):
    calls.append(("pre_kwargs", type(module).__name__, sorted(kwargs)))
    return args, {**kwargs, "scale": 2.0}


def hook(module, args, output):
    calls.append(("fwd", type(module).__name__, tuple(output.shape)))


def hook_kwargs(module, args, kwargs, output):
    calls.append(("fwd_kwargs", type(module).__name__, kwargs))
    return output + 1


handles = [model[0].register_forward_pre_hook(pre_hook),
           model[1].register_forward_pre_hook(pre_hook_kwargs, with_kwargs=True),
           model[1].register_forward_hook(hook_kwargs, with_kwargs=True),
           model[2].register_forward_hook(hook),
           model[2].register_forward_hook(lambda m, a, o: calls.append(("first", type(m).__name__)), prepend=True)]
out = model(x)
print(out)
for c in calls:
    print(c)
print(type(handles[0]).__name__, len(model[1]._forward_hooks), len(model[1]._forward_pre_hooks))
for h in handles:
    h.remove()
calls.clear()
print(torch.equal(model(x), out), calls)


# forward pre-hook replacing the input; forward hook replacing the output
def double_input(module, args):
    return (args[0] * 2,)


def clamp_output(module, args, output):
    return output.clamp(min=0)


with model[0].register_forward_pre_hook(double_input), model[2].register_forward_hook(clamp_output):
    print(model(x))
print(model(x))


# always_call: the hook runs even when forward raises
class Fails(nn.Module):
    def forward(self, x):
        raise ValueError("forward failed")


f = Fails()
f.register_forward_hook(lambda m, a, o: print("always_call hook ran, output:", o), always_call=True)
f.register_forward_hook(lambda m, a, o: print("plain hook ran"))
try:
    f(x)
except ValueError as e:
    print("ValueError:", e)

# collecting activations by name
activations = {}


def get_activation(name):
    def hook(model, input, output):
        activations[name] = output.detach()
    return hook


for name, module in model.named_modules():
    if isinstance(module, (nn.Linear, nn.Tanh)):
        module.register_forward_hook(get_activation(name))
model(x)
for name, act in activations.items():
    print(name, act.shape, act.sum())

# backward hooks
grads = []


def backward_hook(module, grad_input, grad_output):
    grads.append((type(module).__name__, [None if g is None else tuple(g.shape) for g in grad_input],
                  [tuple(g.shape) for g in grad_output]))


def backward_pre_hook(module, grad_output):
    grads.append(("pre", type(module).__name__, grad_output[0].sum()))
    return (grad_output[0] * 0.5,)


net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
h1 = net[0].register_full_backward_hook(backward_hook)
h2 = net[2].register_full_backward_pre_hook(backward_pre_hook)
h3 = net[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 3,))
xin = torch.randn(5, 3, requires_grad=True)
net(xin).sum().backward()
for g in grads:
    print(g)
print(xin.grad)
print(net[0].weight.grad)
h1.remove(), h2.remove(), h3.remove()

# global hooks: every module's call
seen = []
g1 = nn.modules.module.register_module_forward_pre_hook(lambda m, a: seen.append(("pre", type(m).__name__)))
g2 = nn.modules.module.register_module_forward_hook(lambda m, a, o: seen.append(("fwd", type(m).__name__)))
g3 = nn.modules.module.register_module_full_backward_hook(lambda m, gi, go: seen.append(("bwd", type(m).__name__)))
net(xin).sum().backward()
g1.remove(), g2.remove(), g3.remove()
for s in seen:
    print(s)
seen.clear()
net(xin)
print(seen)

# tensor hooks alongside
w = net[0].weight
hh = w.register_hook(lambda g: g * 0)
net.zero_grad()
net(xin).sum().backward()
print(w.grad.abs().sum(), net[2].weight.grad.abs().sum() > 0)
hh.remove()
