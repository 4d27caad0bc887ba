import tinygrad_rnn as torch
import copy
import math
from collections import OrderedDict
# MAML (Finn et al. 2017) on sine-wave regression, as public PyTorch notebooks and blog posts write it: a
# functional forward with F.linear over a list of parameters, inner loops with
# torch.autograd.grad(create_graph=True), the same model run through torch.func.functional_call with a dict of
# adapted parameters, meta-batch losses stacked with torch.stack, first-order MAML (create_graph=False and
# detached inner gradients), and Reptile (Nichol et al. 2018) moving the weights toward a copy trained with SGD.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)


class SineTask:
    """y = A sin(x - phase), A in [0.1, 5], phase in [0, pi], x in [-5, 5]."""

    def __init__(self, generator):
        self.amplitude = torch.empty(1).uniform_(0.1, 5.0, generator=generator).item()
        self.phase = torch.empty(1).uniform_(0, math.pi, generator=generator).item()
        self.generator = generator

    def sample(self, k):
        x = torch.rand(k, 1, generator=self.generator) * 10 - 5
        return x, self.amplitude * torch.sin(x - self.phase)


def make_params(hidden=16):
    """Weights of a 1-hidden-hidden-1 MLP as a plain list, initialised like nn.Linear."""
    layers = [nn.Linear(1, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, 1)]
    params = []
    for layer in layers:
        params += [nn.Parameter(layer.weight.detach().clone()), nn.Parameter(layer.bias.detach().clone())]
    return params


def functional_forward(x, params):
    """The MLP with explicit weights: what the adapted (non-leaf) parameters flow through."""
    h = F.relu(F.linear(x, params[0], params[1]))
    h = F.relu(F.linear(h, params[2], params[3]))
    return F.linear(h, params[4], params[5])


def adapt(params, x, y, inner_lr=0.01, steps=1, first_order=False):
    """The inner loop: a few SGD steps on the support set, kept in the graph unless first_order."""
    fast = list(params)
    for _ in range(steps):
        loss = F.mse_loss(functional_forward(x, fast), y)
        grads = torch.autograd.grad(loss, fast, create_graph=not first_order)
        if first_order:
            grads = [g.detach() for g in grads]
        fast = [w - inner_lr * g for w, g in zip(fast, grads)]
    return fast


params = make_params()
print([tuple(p.shape) for p in params], [p.requires_grad for p in params])
meta_opt = torch.optim.Adam(params, lr=0.001)
gen = torch.Generator().manual_seed(1)

x0, y0 = SineTask(gen).sample(5)
fast = adapt(params, x0, y0)
print("adapted:", [type(w).__name__ for w in fast], fast[0].is_leaf, fast[0].grad_fn.name())
g2 = torch.autograd.grad(F.mse_loss(functional_forward(x0, fast), y0), params[4])
print("second-order grad of the head weight:", g2[0].shape, g2[0][0, :4])

for first_order in (False, True):
    name = "FOMAML" if first_order else "MAML"
    for it in range(3):
        tasks = [SineTask(gen) for _ in range(4)]
        task_losses = []
        for task in tasks:
            xs, ys = task.sample(10)
            xq, yq = task.sample(10)
            fast = adapt(params, xs, ys, steps=2, first_order=first_order)
            task_losses.append(F.mse_loss(functional_forward(xq, fast), yq))
        stacked = torch.stack(task_losses)
        meta_loss = stacked.mean()
        meta_opt.zero_grad()
        meta_loss.backward()
        meta_opt.step()
        print(f"{name} iter {it}: task losses {stacked.detach()}, meta-loss {meta_loss.item():.4f}, "
              f"|grad w0| {params[0].grad.norm():.5f}")
    print(stacked.shape, stacked.grad_fn.name(), meta_loss.grad_fn)

# The same adaptation on an nn.Module through torch.func.functional_call with a dict of parameters
model = nn.Sequential(OrderedDict([
    ("l1", nn.Linear(1, 16)), ("relu1", nn.ReLU()),
    ("l2", nn.Linear(16, 16)), ("relu2", nn.ReLU()),
    ("out", nn.Linear(16, 1)),
]))
print(model)
named = dict(model.named_parameters())
print(list(named.keys()))
xs, ys = SineTask(gen).sample(10)
loss = F.mse_loss(torch.func.functional_call(model, named, (xs,)), ys)
grads = torch.autograd.grad(loss, list(named.values()), create_graph=True)
adapted = {k: v - 0.01 * g for (k, v), g in zip(named.items(), grads)}
print({k: (tuple(v.shape), v.grad_fn.name()) for k, v in adapted.items()})
pred = torch.func.functional_call(model, adapted, xs)
query_loss = F.mse_loss(pred, ys)
print(f"support {loss.item():.4f} -> after one step {query_loss.item():.4f}")
query_loss.backward()
print({k: round(v.grad.abs().sum().item(), 4) for k, v in model.named_parameters()})
# the module's own weights are untouched by functional_call
print(torch.equal(model.l1.weight, named["l1.weight"]), model.l1.weight.grad.shape)
# strict and tie_weights keywords, and a partial dict (the rest come from the module)
part = torch.func.functional_call(model, {"out.bias": torch.tensor([100.0])}, (xs[:3],), strict=False)
print(part.squeeze(1) - model(xs[:3]).squeeze(1))

# the functorch example's way: grads straight from model.parameters() (a generator), then the whole
# meta-batch at once with vmap over grad of a functional inner loop
grads = torch.autograd.grad(F.mse_loss(model(xs), ys), model.parameters(), create_graph=True)
print(len(grads), [g.requires_grad for g in grads], grads[-1].detach())
params0 = {k: v.detach() for k, v in model.named_parameters()}


def task_loss(p, x, y):
    return F.mse_loss(torch.func.functional_call(model, p, (x,)), y)


def inner_adapt(p, x, y):
    g = torch.func.grad(task_loss)(p, x, y)
    return {k: p[k] - 0.01 * g[k] for k in p}


def query_loss_after_adapt(p, xs, ys, xq, yq):
    return task_loss(inner_adapt(p, xs, ys), xq, yq)


tasks = [SineTask(gen) for _ in range(3)]
batch = [torch.stack(parts) for parts in zip(*[t.sample(6) + t.sample(6) for t in tasks])]
print([tuple(b.shape) for b in batch])
losses = torch.func.vmap(query_loss_after_adapt, in_dims=(None, 0, 0, 0, 0))(params0, *batch)
print("vmapped query losses:", losses)
meta_grads, (value, aux) = torch.func.grad_and_value(
    lambda p: (torch.func.vmap(query_loss_after_adapt, in_dims=(None, 0, 0, 0, 0))(p, *batch).mean(), p["out.bias"]),
    has_aux=True)(params0)
print(f"meta value {value.item():.4f}", {k: tuple(v.shape) for k, v in meta_grads.items()}, aux)
print(meta_grads["out.bias"], meta_grads["l1.weight"].norm())

# Reptile: train a copy with SGD on one task, move the weights a step toward it
reptile = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
outer_lr = 0.1
for it in range(3):
    task = SineTask(gen)
    learner = copy.deepcopy(reptile)
    inner = torch.optim.SGD(learner.parameters(), lr=0.02)
    for _ in range(4):
        x, y = task.sample(10)
        inner.zero_grad()
        loss = F.mse_loss(learner(x), y)
        loss.backward()
        inner.step()
    with torch.no_grad():
        for p, q in zip(reptile.parameters(), learner.parameters()):
            p.add_(q - p, alpha=outer_lr)
    diff = sum((p - q).pow(2).sum() for p, q in zip(reptile.parameters(), learner.parameters()))
    print(f"Reptile iter {it}: inner loss {loss.item():.4f}, distance^2 {diff.item():.6f}")

x_plot = torch.linspace(-5, 5, 5).unsqueeze(1)
with torch.no_grad():
    print(reptile(x_plot).squeeze(), functional_forward(x_plot, params).squeeze())
print(reptile.state_dict().keys())
