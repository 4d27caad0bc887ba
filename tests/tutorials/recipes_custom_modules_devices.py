import tinygrad_rnn as torch
import collections
nn = torch.nn
F = torch.nn.functional
# PyTorch's "Extending torch.nn with custom modules", "Changing default device" and "Reasoning
# about shapes" recipes: a module with parameters, persistent and non-persistent buffers,
# extra_repr, named_modules / children / apply, a versioned state_dict migrated by a
# load_state_dict pre-hook, state_dict hooks; torch.set_default_device and torch.device as a
# context manager.
torch.manual_seed(0)


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        if bias:
            self.bias = nn.Parameter(torch.randn(out_features))
        else:
            self.register_parameter("bias", None)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))
        self.register_buffer("scratch", torch.ones(out_features), persistent=False)

    def forward(self, input):
        self.calls += 1
        out = input @ self.weight.t()
        if self.bias is not None:
            out += self.bias
        return out * self.scratch

    def extra_repr(self):
        return "in_features={}, out_features={}, bias={}".format(
            self.weight.shape[1], self.weight.shape[0], self.bias is not None)


m = MyLinear(4, 3)
sample_input = torch.randn(4)
print(m(sample_input))
print(m)
for parameter in m.parameters():
    print(parameter)
for name, buf in m.named_buffers():
    print(name, buf)
print(m.state_dict().keys())
print(MyLinear(3, 1, bias=False))

net = nn.Sequential(MyLinear(4, 3), nn.ReLU(), MyLinear(3, 1))
for name, child in net.named_children():
    print(name, child)
print([name for name, _ in net.named_modules()])
print([type(mod).__name__ for mod in net.modules()])


class DynamicNet(nn.Module):
    def __init__(self, num_layers):
        super().__init__()
        self.linears = nn.ModuleList([MyLinear(4, 4) for _ in range(num_layers)])
        self.activations = nn.ModuleDict({"relu": nn.ReLU(), "lrelu": nn.LeakyReLU()})
        self.final = MyLinear(4, 1)

    def forward(self, x, act):
        for linear in self.linears:
            x = linear(x)
        x = self.activations[act](x)
        return self.final(x)


dynamic_net = DynamicNet(3)
print(dynamic_net(sample_input, "relu"))
print(dynamic_net)
print(sum(p.numel() for p in dynamic_net.parameters()))


@torch.no_grad()
def init_weights(m):
    if isinstance(m, MyLinear):
        m.weight.fill_(1.0)
        print("init", m.weight.shape)


dynamic_net.apply(init_weights)
print(dynamic_net(sample_input, "lrelu"))
dynamic_net.eval()
print([mod.training for mod in dynamic_net.modules()][:3])
dynamic_net.train()


# a versioned state_dict: version 2 renamed `scale` to `gain`
class Scaler(nn.Module):
    _version = 2

    def __init__(self):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(3))

    def forward(self, x):
        return x * self.gain

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        print("loading", prefix, "version", version)
        if (version is None or version < 2) and prefix + "scale" in state_dict:
            state_dict[prefix + "gain"] = state_dict.pop(prefix + "scale")
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


model = nn.Sequential(Scaler(), nn.Linear(3, 2))
sd = model.state_dict()
print(sd._metadata)
old = collections.OrderedDict([("0.scale", torch.tensor([1.0, 2.0, 3.0])), ("1.weight", torch.ones(2, 3)),
                               ("1.bias", torch.zeros(2))])
print(model.load_state_dict(old))
print(model[0].gain)


def pre_hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    print("pre-hook of", type(module).__name__, "prefix", repr(prefix), sorted(state_dict))


handle = model[1]._register_load_state_dict_pre_hook(pre_hook, with_module=True)
model.load_state_dict(model.state_dict())
handle.remove()


def old_style_pre_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    print("old-style pre-hook", repr(prefix), local_metadata, strict)
    state_dict[prefix + "bias"] = state_dict[prefix + "bias"] * 0 + 0.5


handle = model[1]._register_load_state_dict_pre_hook(old_style_pre_hook)
model.load_state_dict(model.state_dict())
print(model[1].bias)
handle.remove()
with model.register_load_state_dict_pre_hook(pre_hook):
    model.load_state_dict(model.state_dict())


def post_hook(module, incompatible_keys):
    print("post-hook", type(module).__name__, incompatible_keys)


handle = model.register_load_state_dict_post_hook(post_hook)
print(model.load_state_dict({"0.gain": torch.zeros(3)}, strict=False))
handle.remove()


def sd_pre_hook(module, prefix, keep_vars):
    print("state_dict pre-hook", type(module).__name__, repr(prefix), keep_vars)


def sd_post_hook(module, state_dict, prefix, local_metadata):
    print("state_dict post-hook", type(module).__name__, repr(prefix), list(state_dict))
    state_dict[prefix + "extra"] = torch.tensor(1.0)


model[1].register_state_dict_pre_hook(sd_pre_hook)
model[1].register_state_dict_post_hook(sd_post_hook)
print(list(model.state_dict().keys()))

# changing the default device (the CPU is all there is here)
torch.set_default_device("cpu")
mod = nn.Linear(20, 30)
print(mod.weight.device, mod(torch.randn(128, 20)).device)
torch.set_default_device(None)
with torch.device("cpu"):
    mod = nn.Linear(20, 30)
    print(mod.weight.device, torch.zeros(2).device)
print(torch.get_default_device())

