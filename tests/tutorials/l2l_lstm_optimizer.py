import tinygrad_rnn as torch
import math
# "Learning to learn by gradient descent by gradient descent" (Andrychowicz et al. 2016), the way its public
# PyTorch ports write it: a coordinatewise two-layer LSTM optimizer fed the gradient preprocessed into
# (log|g|/p, sign(g)) with torch.clamp and torch.exp of a constant, unrolled optimisation of random quadratics
# with backward(create_graph=True) and retain_grad, the optimizee's parameters cut loose between unrolls with
# detach_ / requires_grad_, and Adam on the LSTM as the meta-optimizer; then the learned optimizer against SGD.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

P = 10.0  # preprocessing constant: gradients below exp(-P) in size are "small"
EXP_P = math.exp(P)


def preprocess_gradients(g):
    """Each gradient coordinate as two features: (log|g| / P, sign g) when |g| >= e^-P, else (-1, e^P g)."""
    g = g.view(-1, 1)
    big = (g.abs() >= math.exp(-P)).float()
    log_part = torch.clamp(torch.log(g.abs() + 1e-8) / P, min=-1.0) * big - (1 - big)
    sign_part = torch.clamp(g * torch.exp(torch.tensor(P)), -1, 1) * (1 - big) + torch.sign(g) * big
    return torch.cat((log_part, sign_part), 1)


class LSTMOptimizer(nn.Module):
    """Two stacked LSTMCells shared over the optimizee's coordinates (each coordinate a batch row)."""

    def __init__(self, hidden_size=8, preproc=True, out_mul=0.1):
        super().__init__()
        self.hidden_size = hidden_size
        self.preproc = preproc
        self.out_mul = out_mul
        in_size = 2 if preproc else 1
        self.cell1 = nn.LSTMCell(in_size, hidden_size)
        self.cell2 = nn.LSTMCell(hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, 1)
        self.out.weight.data.mul_(0.1)
        self.out.bias.data.zero_()

    def init_state(self, n):
        zeros = lambda: torch.zeros(n, self.hidden_size)
        return [(zeros(), zeros()), (zeros(), zeros())]

    def forward(self, grad, state):
        x = preprocess_gradients(grad) if self.preproc else grad.view(-1, 1)
        h1, c1 = self.cell1(x, state[0])
        h2, c2 = self.cell2(h1, state[1])
        return self.out(h2).view(-1) * self.out_mul, [(h1, c1), (h2, c2)]


class Quadratic:
    """f(theta) = ||W theta - y||^2 for a fixed random W and y (one task)."""

    def __init__(self, dim=5, generator=None):
        self.W = torch.randn(dim, dim, generator=generator)
        self.y = torch.randn(dim, generator=generator)

    def __call__(self, theta):
        return ((self.W.matmul(theta) - self.y) ** 2).sum()


def detach_state(state):
    return [(h.detach(), c.detach()) for h, c in state]


def unrolled_run(opt_net, task, steps=8, unroll=4, meta_opt=None):
    """Optimise one task with the LSTM; every `unroll` steps, backprop the summed losses into the LSTM."""
    theta = torch.zeros(task.W.shape[1], requires_grad=True)
    state = opt_net.init_state(theta.numel())
    losses = []
    total = 0
    for step in range(steps):
        prev = theta
        loss = task(theta)
        losses.append(loss.item())
        total = total + loss
        # the graph of theta's gradient is kept, so that the LSTM's parameters get second-order terms
        grad, = torch.autograd.grad(loss, theta, create_graph=meta_opt is not None)
        update, state = opt_net(grad if meta_opt is not None else grad.detach(), state)
        theta = theta + update
        theta.retain_grad()
        if (step + 1) % unroll == 0 and meta_opt is not None:
            meta_opt.zero_grad()
            total.backward()
            meta_opt.step()
            print(f"  unroll ending at step {step + 1}: meta-loss {total.item():.4f}, "
                  f"prev.grad norm {prev.grad.norm().item():.4f}, theta.grad {theta.grad}, "
                  f"grad_fn {type(theta.grad_fn).__name__}")
            total = 0
            state = detach_state(state)
            # the next unroll starts from here: theta's value, with no history
            theta.detach_()
            theta.requires_grad_()
            print("  after detach_/requires_grad_:", theta.is_leaf, theta.requires_grad, theta.grad_fn)
    return losses


opt_net = LSTMOptimizer()
print(opt_net)
print([(name, tuple(p.shape)) for name, p in opt_net.named_parameters()])
print("parameters:", sum(p.numel() for p in opt_net.parameters()))

g = torch.tensor([1e-6, -1e-5, 0.0, 0.3, -2.0, 50.0])
feats = preprocess_gradients(g)
print("preprocessed:", feats.shape, feats.dtype)
print(feats)
print(torch.exp(torch.tensor(P)), torch.tensor(P).exp().item() == EXP_P)
print(torch.clamp(g, -1, 1), torch.clamp(g, min=0.0), g.clamp(max=0.5))

meta_opt = torch.optim.Adam(opt_net.parameters(), lr=0.01)
print(meta_opt)
gen = torch.Generator().manual_seed(42)
for epoch in range(2):
    task = Quadratic(generator=gen)
    print(f"meta-epoch {epoch}")
    losses = unrolled_run(opt_net, task, meta_opt=meta_opt)
    print("  losses:", [round(v, 3) for v in losses])

print("LSTM grads after meta-training:")
for name, p in opt_net.named_parameters():
    print(f"  {name:22s} {p.grad.norm().item():.5f}")

# evaluation: the learned optimizer against SGD on fresh tasks, no meta-gradients
eval_gen = torch.Generator().manual_seed(7)
for k in range(2):
    task = Quadratic(generator=eval_gen)
    lstm_losses = unrolled_run(opt_net, task, steps=6)
    theta = torch.zeros(5, requires_grad=True)
    sgd = torch.optim.SGD([theta], lr=0.01)
    sgd_losses = []
    for _ in range(6):
        sgd.zero_grad()
        loss = task(theta)
        loss.backward()
        sgd.step()
        sgd_losses.append(loss.item())
    print(f"task {k}: LSTM {[f'{v:.3f}' for v in lstm_losses]}")
    print(f"        SGD  {[f'{v:.3f}' for v in sgd_losses]}")

# the coordinatewise LSTM's state after a step: one row per coordinate
state = opt_net.init_state(5)
upd, state = opt_net(torch.randn(5), state)
print(upd.shape, upd.requires_grad, [tuple(t.shape) for pair in state for t in pair])
print(state[1][0].grad_fn.name(), upd.grad_fn)
