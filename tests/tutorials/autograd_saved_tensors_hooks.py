import tinygrad_rnn as torch
# "Hooks for autograd saved tensors" (intermediate tutorial): what a node saves (grad_fn._saved_*),
# hooks on one saved tensor (_raw_saved_*.register_hooks), saved_tensors_hooks for a whole block,
# the order of pack/unpack calls, what unpack may return, saving to "disk", save_on_cpu.
import os
import tempfile
import uuid

nn = torch.nn
torch.manual_seed(0)

# ---------------------------------------------------------------- saved tensors
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True: a leaf input is saved as itself
print(y.grad_fn._saved_exponent)

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False: a saved output comes back as a new tensor object
print(y.grad_fn._saved_result)

for name, fn in [("sin", torch.sin), ("cos", torch.cos), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid),
                 ("log", torch.log), ("sqrt", torch.sqrt), ("relu", torch.relu), ("abs", torch.abs)]:
    z = fn(x)
    saved = [a for a in dir(z.grad_fn) if a.startswith("_saved_")]
    print(name, z.grad_fn.name(), saved, [getattr(z.grad_fn, a) for a in saved])

a = torch.randn(3, requires_grad=True)
b = torch.randn(3)
c = a * b
print("a*b saves", c.grad_fn._saved_self, c.grad_fn._saved_other is b)
c = a * torch.randn(3, requires_grad=True)
print("a*w saves", c.grad_fn._saved_self is a, c.grad_fn._saved_other)
c = a / (b.abs() + 1)
print("div saves", c.grad_fn._saved_self, c.grad_fn._saved_other)
m = torch.randn(2, 3, requires_grad=True) @ torch.randn(3, 4, requires_grad=True)
print("mm saves", m.grad_fn.name(), m.grad_fn._saved_self.shape, m.grad_fn._saved_mat2.shape)

# freed after backward
y = x.exp()
y.sum().backward()
try:
    _ = y.grad_fn._saved_result
except RuntimeError as e:
    print("RuntimeError:", e)


# ---------------------------------------------------------------- hooks on one saved tensor
def pack_hook(x):
    print("Packing", x)
    return x


def unpack_hook(x):
    print("Unpacking", x)
    return x


x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)  # packs at once
print("registered")
_ = y.grad_fn._saved_self  # unpacks
print("accessing again")
print(y.grad_fn._saved_self.equal(x))
y.sum().backward()  # unpacks once more for backward
print(x.grad)
try:
    y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
except RuntimeError as e:
    print("RuntimeError:", e)

# ---------------------------------------------------------------- hooks for every saved tensor of a block
a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
print("forward done")
y.sum().backward()
print(a.grad, b.grad)

counts = {"pack": 0, "unpack": 0}


def counting_pack(t):
    counts["pack"] += 1
    return t


def counting_unpack(t):
    counts["unpack"] += 1
    return t


x = torch.randn(4, requires_grad=True)
w = torch.randn(4, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(counting_pack, counting_unpack):
    h = (x * w).tanh()
    out = (h.sigmoid() * x.exp()).sum()
print(counts)
out.backward()
print(counts, x.grad, w.grad)

# what is packed: pack can return anything, unpack must give back a tensor
with torch.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone().tolist(), lambda v: torch.tensor(v)):
    y = (x * 3).sin()
y.sum().backward()
print("list round trip", x.grad)

x.grad = None
with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t * 10):
    y = x.pow(2)
y.sum().backward()
print("unpack changes the gradient", x.grad)

with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: None):
    y = x.pow(2)
try:
    y.sum().backward()
except TypeError as e:
    print("TypeError:", e)


def inplace_pack(t):
    t.mul_(2)
    return t


try:
    with torch.autograd.graph.saved_tensors_hooks(inplace_pack, lambda t: t):
        y = x * x.detach()
except RuntimeError as e:
    print("RuntimeError:", e)

# nested: the innermost hooks apply
with torch.autograd.graph.saved_tensors_hooks(lambda t: print("outer pack") or t, lambda t: t):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: print("inner pack") or t, lambda t: t):
        y = x.sin()
    y = x.cos()
with torch.no_grad(), torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = x.sin()  # nothing is saved without a graph
print("no_grad: no packing")

with torch.autograd.graph.disable_saved_tensors_hooks("saved tensor hooks are off here"):
    try:
        with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
            pass
    except RuntimeError as e:
        print("RuntimeError:", e)

# ---------------------------------------------------------------- saving to disk
tmp_dir_obj = tempfile.TemporaryDirectory()
tmp_dir = tmp_dir_obj.name


class SelfDeletingTempFile:
    def __init__(self):
        self.name = os.path.join(tmp_dir, str(uuid.uuid4()))

    def __del__(self):
        os.remove(self.name)


def pack_to_disk(tensor):
    temp_file = SelfDeletingTempFile()
    torch.save(tensor, temp_file.name)
    return temp_file


def unpack_from_disk(temp_file):
    return torch.load(temp_file.name, weights_only=True)


x = torch.randn(5, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_to_disk, unpack_from_disk):
    y = x.pow(2)
print(y.grad_fn._saved_self.equal(x))
y.sum().backward()
print(x.grad.equal(2 * x))
print(len(os.listdir(tmp_dir)) == 1)  # the y.grad_fn still holds its file
del y
print(len(os.listdir(tmp_dir)))

SAVE_ON_DISK_THRESHOLD = 8


def pack_large_to_disk(x):
    if x.numel() < SAVE_ON_DISK_THRESHOLD:
        return x
    return pack_to_disk(x)


def unpack_large(packed):
    if isinstance(packed, torch.Tensor):
        return packed
    return unpack_from_disk(packed)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 10)
        self.fc2 = nn.Linear(10, 2)

    def forward(self, x):
        with torch.autograd.graph.saved_tensors_hooks(pack_large_to_disk, unpack_large):
            h = self.fc1(x).relu()
        return self.fc2(h)


model = Model()
inp = torch.randn(3, 6)
loss = model(inp).pow(2).mean()
loss.backward()
print(loss, model.fc1.weight.grad.sum(), model.fc2.bias.grad)
print(len(os.listdir(tmp_dir)))
tmp_dir_obj.cleanup()

# ---------------------------------------------------------------- save_on_cpu
x = torch.randn(3, requires_grad=True)
with torch.autograd.graph.save_on_cpu(pin_memory=False):
    y = (x * 2).sin().sum()
y.backward()
print(x.grad)
print(isinstance(torch.autograd.graph.save_on_cpu(), torch.autograd.graph.saved_tensors_hooks))
