import tinygrad_rnn as torch
# Gradient checkpointing as public code writes it (torch.utils.checkpoint docs, "training larger
# models" posts): checkpoint(fn, *args, use_reentrant=False) and checkpoint_sequential; how often the
# checkpointed block runs forward, the gradients, and that they equal those of the plain model.
nn = torch.nn
checkpoint = torch.utils.checkpoint.checkpoint
checkpoint_sequential = torch.utils.checkpoint.checkpoint_sequential
torch.manual_seed(0)

calls = {"block": 0}


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, dim * 2)
        self.fc2 = nn.Linear(dim * 2, dim)

    def forward(self, x):
        calls["block"] += 1
        return x + self.fc2(torch.tanh(self.fc1(x)))


class Net(nn.Module):
    def __init__(self, dim=4, depth=3, use_checkpoint=False, use_reentrant=False):
        super().__init__()
        self.blocks = nn.ModuleList([Block(dim) for _ in range(depth)])
        self.head = nn.Linear(dim, 1)
        self.use_checkpoint, self.use_reentrant = use_checkpoint, use_reentrant

    def forward(self, x):
        for block in self.blocks:
            if self.use_checkpoint:
                x = checkpoint(block, x, use_reentrant=self.use_reentrant)
            else:
                x = block(x)
        return self.head(x)


x = torch.randn(5, 4)
target = torch.randn(5, 1)
plain = Net()
state = plain.state_dict()
grads = {}
for label, kwargs in [("plain", {}), ("non-reentrant", {"use_checkpoint": True}),
                      ("reentrant", {"use_checkpoint": True, "use_reentrant": True})]:
    net = Net(**kwargs)
    net.load_state_dict(state)
    calls["block"] = 0
    out = net(x)
    loss = nn.functional.mse_loss(out, target)
    print(label, "forward calls", calls["block"], "loss", loss.item(), out.grad_fn.name())
    loss.backward()
    print(label, "after backward calls", calls["block"])
    grads[label] = [p.grad for p in net.parameters()]
    print(label, net.blocks[0].fc1.weight.grad, net.head.bias.grad)  # reentrant: blocks get no grads
print(all(torch.allclose(a, b) for a, b in zip(grads["plain"], grads["non-reentrant"])))
print([g is None for g in grads["reentrant"]])

# the input needs a gradient too
xg = torch.randn(5, 4, requires_grad=True)
calls["block"] = 0
y = checkpoint(plain.blocks[0], xg, use_reentrant=False)
print(y.requires_grad, y.grad_fn.name(), calls["block"])
y.pow(2).sum().backward()
print(calls["block"], xg.grad[0])

# a function with several inputs and keyword arguments, and dropout replayed with the same mask
def attention_like(q, k, v, scale=1.0):
    calls["block"] += 1
    w = torch.softmax(q @ k.t() * scale, dim=-1)
    return nn.functional.dropout(w, p=0.5, training=True) @ v


q, k, v = (torch.randn(3, 4, requires_grad=True) for _ in range(3))
calls["block"] = 0
torch.manual_seed(1)
out = checkpoint(attention_like, q, k, v, use_reentrant=False, scale=0.5)
out.sum().backward()
print(calls["block"], out[0], q.grad[0], v.grad[0])
torch.manual_seed(1)
q2, k2, v2 = (t.detach().clone().requires_grad_() for t in (q, k, v))
attention_like(q2, k2, v2, scale=0.5).sum().backward()
print(torch.allclose(q.grad, q2.grad), torch.allclose(v.grad, v2.grad))

# the graph can be used twice with retain_graph
calls["block"] = 0
y = checkpoint(plain.blocks[1], xg, use_reentrant=False)
y.sum().backward(retain_graph=True)
y.sum().backward()
print("twice", calls["block"])

# checkpoint_sequential over an nn.Sequential
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
inp = torch.randn(6, 4, requires_grad=True)
out = checkpoint_sequential(model, 2, inp, use_reentrant=False)
out.sum().backward()
print(out.shape, out.grad_fn.name(), inp.grad[0], model[0].weight.grad[0])
ref_grads = [p.grad.clone() for p in model.parameters()]
model.zero_grad()
inp2 = inp.detach().clone().requires_grad_()
model(inp2).sum().backward()
print(all(torch.allclose(a, p.grad) for a, p in zip(ref_grads, model.parameters())), torch.allclose(inp.grad, inp2.grad))

# under no_grad nothing is recorded or recomputed
calls["block"] = 0
with torch.no_grad():
    y = checkpoint(plain.blocks[0], x, use_reentrant=False)
print(y.requires_grad, calls["block"])

# how often each layer of a checkpointed Sequential runs: every segment but the last runs again in backward
runs = []


class Counted(nn.Module):
    def __init__(self, name, layer):
        super().__init__()
        self.name, self.layer = name, layer

    def forward(self, x):
        runs.append(self.name)
        return self.layer(x)


for reentrant in (False, True):
    seq = nn.Sequential(*[Counted(f"layer{i}", nn.Linear(4, 4)) for i in range(6)])
    inp = torch.randn(2, 4, requires_grad=True)
    runs.clear()
    out = checkpoint_sequential(seq, 3, inp, use_reentrant=reentrant)
    print("use_reentrant", reentrant, "forward:", runs)
    runs.clear()
    out.pow(2).sum().backward()
    print("use_reentrant", reentrant, "backward:", runs, out.grad_fn.name(), inp.grad.sum().item())
