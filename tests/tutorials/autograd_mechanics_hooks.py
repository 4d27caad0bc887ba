import tinygrad_rnn as torch
# "Autograd mechanics" (docs/notes) and "Understanding requires_grad, retain_grad, leaf and non-leaf
# tensors" (beginner tutorial): is_leaf / requires_grad / retains_grad, grad_fn chains and
# next_functions walks, the version counter, hooks on tensors and on graph nodes and the order they run.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# ---------------------------------------------------------------- leaf and non-leaf tensors
x = torch.ones(1, 3)
W = torch.ones(3, 2, requires_grad=True)
b = torch.ones(1, 2, requires_grad=True)
y = x @ W + b
target = torch.tensor([[1.5, 4.0]])
loss = F.mse_loss(y, target)
y.retain_grad()
loss.backward()

for name, t in [("x", x), ("W", W), ("b", b), ("y", y), ("loss", loss)]:
    print(f"{name:5s} is_leaf={t.is_leaf} requires_grad={t.requires_grad} retains_grad={t.retains_grad} "
          f"grad_fn={type(t.grad_fn).__name__ if t.grad_fn is not None else None} "
          f"grad={t.grad if t.is_leaf or t.retains_grad else 'n/a'}")
print(f"{loss.grad_fn.name()=}")

# walking the graph backwards from the loss
def walk(fn, depth=0):
    if fn is None:
        return
    print("  " * depth + fn.name(), len(fn.next_functions))
    for nxt, nr in fn.next_functions:
        if nxt is None:
            print("  " * (depth + 1) + f"None (output {nr})")
        elif hasattr(nxt, "variable"):
            print("  " * (depth + 1) + f"{nxt.name()} -> leaf {tuple(nxt.variable.shape)}")
        else:
            walk(nxt, depth + 1)


walk(loss.grad_fn)
print(isinstance(loss.grad_fn, torch.autograd.graph.Node), isinstance(W, torch.autograd.graph.Node))

# requires_grad_ and freezing
a = torch.randn(2, 2)
print(a.requires_grad, a.requires_grad_().requires_grad, a.is_leaf)
try:
    y.requires_grad_(False)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.tensor([1, 2]).requires_grad_()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    x.retain_grad()
except RuntimeError as e:
    print("RuntimeError:", e)
d = (W * 2).detach()
print(d.is_leaf, d.requires_grad, d.grad_fn)
model = nn.Linear(3, 2)
model.requires_grad_(False)
print([p.requires_grad for p in model.parameters()])
model.weight.requires_grad_()
out = model(torch.randn(4, 3)).sum()
print(out.grad_fn.name(), out.requires_grad)
with torch.no_grad():
    z = W * 2
print(z.requires_grad, z.is_leaf, z.grad_fn)
with torch.inference_mode():
    z = W * 2
print(z.requires_grad, z.is_leaf)

# ---------------------------------------------------------------- the version counter
a = torch.randn(3, requires_grad=True)
h = a.sigmoid()
print(h._version)
h.mul_(2)
print(h._version)
try:
    h.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)

a = torch.randn(3, requires_grad=True)
h = a * 1
e = h.exp()
h.add_(1)
print(h._version, e.grad_fn.name())
e.sum().backward()  # exp saved its result, not its input: no error
print(a.grad)

a = torch.randn(3, requires_grad=True)
h = a * 1
s = h.sin()
h.mul_(2)
print(h._version, h.grad_fn.name())
try:
    s.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)

try:
    leaf = torch.randn(3, requires_grad=True)
    leaf.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
with torch.no_grad():
    leaf.add_(1)
print(leaf._version, leaf.is_leaf, leaf.requires_grad)

# ---------------------------------------------------------------- tensor hooks
calls = []
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = x * w
z = y.sin()
y.retain_grad()
h1 = y.register_hook(lambda g: calls.append(("y hook 1", g.tolist())))
h2 = y.register_hook(lambda g: g * 2)  # replaces the gradient from here on
y.register_hook(lambda g: calls.append(("y hook 3", g.tolist())))
x.register_hook(lambda g: calls.append(("x hook", g.tolist())))
x.register_post_accumulate_grad_hook(lambda p: calls.append(("x post accumulate", p.grad.tolist())))
z.sum().backward()
for c in calls:
    print(c)
print("y.grad", y.grad, "x.grad", x.grad, "w.grad", w.grad)

calls.clear()
h1.remove()
h2.remove()
h2.remove()  # a second remove does nothing
x.grad = None
w.grad = None
(x * w).sin().sum().backward()
print(calls, x.grad)
try:
    torch.ones(2).register_hook(lambda g: g)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    (x * 2).register_post_accumulate_grad_hook(lambda p: None)
except RuntimeError as e:
    print("RuntimeError:", e)

# ---------------------------------------------------------------- hooks on graph nodes
order = []
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0], requires_grad=True)
y = x * w
z = y.sin()
y.register_hook(lambda g: order.append(f"tensor hook on y {g}"))
hp = y.grad_fn.register_prehook(lambda grad_outputs: order.append(f"prehook {y.grad_fn.name()} {grad_outputs}"))
hh = y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: order.append(
    f"hook {y.grad_fn.name()} in={grad_inputs} out={grad_outputs}"))
z.grad_fn.register_hook(lambda gi, go: order.append(f"hook {z.grad_fn.name()} in={gi} out={go}"))
z.sum().backward()
print("\n".join(order))

order.clear()
hp.remove()
hh.remove()
x.grad = None
z = (x * w).sin()
z.grad_fn.register_prehook(lambda go: (go[0] * 10,))
z.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
z.sum().backward()
print(x.grad, order)

c = x * 2
c.grad_fn.register_hook(lambda gi, go: print("MulBackward0 with a number", gi, go))
c.sum().backward()
p = x.pow(3)
p.grad_fn.register_hook(lambda gi, go: print("PowBackward0", len(gi), gi, go))
p.sum().backward()
q = torch.stack([x, w])
q.grad_fn.register_hook(lambda gi, go: print(q.grad_fn.name(), len(gi), go[0].shape))
q.sum().backward()
c = x * 3
print(c.grad_fn.metadata)
c.grad_fn.metadata["note"] = "scaled x"
print(c.grad_fn.metadata, c.grad_fn.name(), c.grad_fn.next_functions[0][0] is c.grad_fn.next_functions[0][0])
print(x._version)
torch.autograd.graph.increment_version(x)
print(x._version)
