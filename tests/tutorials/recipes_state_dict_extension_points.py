import tinygrad_rnn as torch
import collections
nn = torch.nn
# PyTorch's "Extension points in nn.Module for load_state_dict and tensor subclasses" recipe and
# the state_dict machinery it builds on: state_dict(prefix=, keep_vars=, destination=),
# persistent and non-persistent buffers, get_extra_state / set_extra_state, the state_dict and
# load_state_dict hooks (public and private spellings), _load_from_state_dict, Module.apply,
# Module.to_empty and swap_module_params_on_conversion, on a small GRU model.
torch.manual_seed(0)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, batch_first=True)
        self.proj = nn.Linear(4, 2)
        self.register_buffer("steps", torch.tensor(0))
        self.register_buffer("mask", torch.ones(4), persistent=False)
        self.vocab = ["<pad>", "a", "b"]

    def forward(self, x):
        self.steps += 1
        out, h = self.gru(x)
        return self.proj(out * self.mask), h

    def get_extra_state(self):
        return {"vocab": list(self.vocab), "version": 3}

    def set_extra_state(self, state):
        print("set_extra_state", state)
        self.vocab = state["vocab"]


enc = Encoder()
x = torch.randn(2, 5, 3)
y, h = enc(x)
print(y.shape, h.shape, enc.steps)
sd = enc.state_dict()
print(list(sd))
print(sd["_extra_state"], type(sd).__name__)
print(sorted(sd._metadata), sd._metadata[""], sd._metadata["gru"])
print([name for name, _ in enc.named_buffers()])
print([name for name, _ in enc.named_buffers(prefix="enc", recurse=False)])
print(enc._non_persistent_buffers_set)
print(sorted(enc.state_dict(prefix="model.")))
kv = enc.state_dict(keep_vars=True)
print(type(kv["proj.weight"]).__name__, kv["proj.weight"].requires_grad, type(sd["proj.weight"]).__name__,
      sd["proj.weight"].requires_grad)
dest = collections.OrderedDict(note=torch.tensor(1.0))
out = enc.state_dict(destination=dest, prefix="enc.")
print(out is dest, list(out)[:3], len(out))
print(sd["proj.weight"].data_ptr() == enc.proj.weight.data_ptr())

other = Encoder()
other.vocab = []
print(other.load_state_dict(sd))
print(other.vocab, other.steps)
sd_no_extra = {k: v for k, v in sd.items() if k != "_extra_state"}
try:
    other.load_state_dict(sd_no_extra)
except RuntimeError as e:
    print("RuntimeError:", e)
print(other.load_state_dict(sd_no_extra, strict=False))

# buffers: register_buffer(None), persistence changed by re-registering
enc.register_buffer("empty", None)
print("empty" in enc.state_dict(), enc.empty, [n for n, _ in enc.named_buffers()])
try:
    enc.register_buffer("proj", torch.zeros(1))
except KeyError as e:
    print("KeyError:", e)
try:
    enc.register_buffer("a.b", torch.zeros(1))
except KeyError as e:
    print("KeyError:", e)
try:
    enc.register_buffer("bad", [1, 2])
except TypeError as e:
    print("TypeError:", e)

# the state_dict hooks
calls = []


def sd_pre_hook(module, prefix, keep_vars):
    calls.append(("pre", type(module).__name__, prefix, keep_vars))


def sd_post_hook(module, state_dict, prefix, local_metadata):
    calls.append(("post", type(module).__name__, prefix, sorted(local_metadata)))


def sd_legacy_hook(module, state_dict, prefix, local_metadata):
    # the private hook may replace the dict it returns
    state_dict[prefix + "checksum"] = sum(v.sum() for k, v in state_dict.items() if k.startswith(prefix + "weight"))
    return state_dict


h1 = enc.register_state_dict_pre_hook(sd_pre_hook)
h2 = enc.proj.register_state_dict_post_hook(sd_post_hook)
h3 = enc.gru._register_state_dict_hook(sd_legacy_hook)
sd = enc.state_dict(prefix="m.")
print(calls)
print([k for k in sd if "checksum" in k], sd["m.gru.checksum"])
print(type(h1).__name__, h1.id != h2.id)
for h in (h1, h2, h3):
    h.remove()
calls.clear()
print("gru.checksum" in enc.state_dict(), calls)

# load_state_dict hooks: rename old keys on the way in, report after
def rename_pre_hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    for key in list(state_dict):
        if key.startswith(prefix + "rnn."):
            state_dict[key.replace(prefix + "rnn.", prefix + "gru.")] = state_dict.pop(key)


def post_hook(module, incompatible_keys):
    print("post hook:", type(module).__name__, incompatible_keys.missing_keys, incompatible_keys.unexpected_keys)
    incompatible_keys.unexpected_keys[:] = [k for k in incompatible_keys.unexpected_keys if k != "legacy"]


enc.register_load_state_dict_pre_hook(rename_pre_hook)
enc.register_load_state_dict_post_hook(post_hook)
old = {k.replace("gru.", "rnn."): v for k, v in Encoder().state_dict().items()}
old["legacy"] = torch.zeros(1)
print(sorted(old)[:3])
print(enc.load_state_dict(old))
print(enc.load_state_dict(old, strict=False))


# _load_from_state_dict: the per-module step every load goes through
class Counting(nn.Linear):
    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        print("loading", repr(prefix), sorted(k for k in state_dict if k.startswith(prefix)), strict)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


seq = nn.Sequential(Counting(2, 2), nn.ReLU(), nn.Sequential(Counting(2, 1)))
print(seq.load_state_dict(seq.state_dict()))
bad = seq.state_dict()
bad["0.weight"] = torch.zeros(3, 3)
try:
    seq.load_state_dict(bad)
except RuntimeError as e:
    print("RuntimeError:", e)
bad["0.weight"] = torch.zeros(2, 2, dtype=torch.float64)
print(seq.load_state_dict(bad), seq[0].weight.dtype, seq[0].weight.sum())
try:
    seq.load_state_dict([("0.weight", torch.zeros(2, 2))])
except TypeError as e:
    print("TypeError:", e)


# apply and to_empty
@torch.no_grad()
def init(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.5)
        nn.init.zeros_(m.bias)
        print("init", m)


seq.apply(init)
print(seq[2][0].weight)
empty = seq.to_empty(device=torch.device("cpu"))
print(empty is seq, seq[0].weight.shape, seq[0].weight.dtype)
w = seq[0].weight
seq.double()
print(seq[0].weight is w, seq[0].weight.dtype)

# torch.__future__: conversions that replace the Parameters instead of changing their data
print(torch.__future__.get_overwrite_module_params_on_conversion(), torch.__future__.get_swap_module_params_on_conversion())
torch.__future__.set_overwrite_module_params_on_conversion(True)
w = enc.proj.weight
enc.double()
print(enc.proj.weight is w, enc.proj.weight.dtype, w.dtype, enc.steps.dtype)
enc.float()
torch.__future__.set_overwrite_module_params_on_conversion(False)
torch.__future__.set_swap_module_params_on_conversion(True)
w = enc.proj.weight
checkpoint = {k: v.clone() for k, v in enc.proj.state_dict().items()}
print(enc.proj.load_state_dict(checkpoint, assign=True), enc.proj.weight is w)
try:
    enc.gru.load_state_dict(enc.gru.state_dict())
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[:2])
torch.__future__.set_swap_module_params_on_conversion(False)
print(enc.gru.load_state_dict(enc.gru.state_dict()))
