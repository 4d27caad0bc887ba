import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# ODE-RNN (Rubanova, Chen and Duvenaud 2019, "Latent ODEs for Irregularly-Sampled Time Series"; the
# YuliaRubanova/latent_ode code and the blog/course versions that skip torchdiffeq): between two observations
# the hidden state follows dh/dt = f(h), a small MLP, integrated with a hand-written fixed-step RK4 loop
# (torch.linspace for the sub-steps); at an observation a GRUCell updates it. Observations are masked
# (some features missing), the output head predicts the next value, and the training loop prints losses,
# how many function evaluations the solver made, and a comparison of RK4 with Euler and with the exact
# solution of a linear ODE.
torch.manual_seed(19)


class ODEFunc(nn.Module):
    def __init__(self, hidden, width=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(hidden, width), nn.Tanh(), nn.Linear(width, hidden))
        self.nfe = 0
        for m in self.net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0, std=0.1)
                nn.init.constant_(m.bias, val=0)

    def forward(self, t, h):
        self.nfe += 1
        return self.net(h)


def rk4_step(func, t, dt, h):
    k1 = func(t, h)
    k2 = func(t + dt / 2, h + dt * k1 / 2)
    k3 = func(t + dt / 2, h + dt * k2 / 2)
    k4 = func(t + dt, h + dt * k3)
    return h + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6


def euler_step(func, t, dt, h):
    return h + dt * func(t, h)


def odeint(func, h0, t0, t1, n_steps=4, method="rk4"):
    """Fixed-grid solver: n_steps equal steps from t0 to t1 (tensors of shape (B,), one span per sequence)."""
    step = rk4_step if method == "rk4" else euler_step
    grid = torch.linspace(0, 1, n_steps + 1)
    h = h0
    for a, b in zip(grid[:-1], grid[1:]):
        t = t0 + a * (t1 - t0)
        dt = ((b - a) * (t1 - t0)).unsqueeze(-1)
        h = step(func, t, dt, h)
    return h


class Linear2(nn.Module):
    """dh/dt = A h with a known solution, to check the solvers."""

    def __init__(self):
        super().__init__()
        self.register_buffer("A", torch.tensor([[-0.5, 1.0], [-1.0, -0.5]]))

    def forward(self, t, h):
        return h @ self.A.T


lin = Linear2()
h0 = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
lin = lin.double()
exact = h0 @ torch.linalg.matrix_exp(2.0 * lin.A).T
for n in (1, 4, 16):
    rk4 = odeint(lin, h0, torch.zeros(1, dtype=torch.float64), torch.full((1,), 2.0, dtype=torch.float64), n)
    eul = odeint(lin, h0, torch.zeros(1, dtype=torch.float64), torch.full((1,), 2.0, dtype=torch.float64), n,
                 method="euler")
    print(f"steps {n:2d} rk4 error {(rk4 - exact).abs().max().item():.3e} euler error",
          f"{(eul - exact).abs().max().item():.3e}", rk4.dtype)
print("exact", exact)

# irregular observations of two damped oscillators, one feature hidden at random
B, T, D, H = 3, 8, 2, 6
t_obs = torch.sort(torch.rand(B, T) * 6, dim=1).values
t_obs[:, 0] = 0.0
freq = torch.tensor([1.0, 1.5, 0.7]).unsqueeze(1)
series = torch.stack([torch.exp(-0.1 * t_obs) * torch.cos(freq * t_obs),
                      torch.exp(-0.1 * t_obs) * torch.sin(freq * t_obs)], dim=-1)
obs_mask = (torch.rand(B, T, D) > 0.25).float()
obs_mask[:, :, 0] = 1.0
print("times", t_obs[0], "observed", obs_mask.sum().item(), "of", obs_mask.numel())
print("gaps", torch.diff(t_obs, dim=1).min().item() >= 0, t_obs.diff(dim=1)[1])


class ODERNN(nn.Module):
    def __init__(self, input_dim, hidden):
        super().__init__()
        self.hidden = hidden
        self.func = ODEFunc(hidden)
        self.gru = nn.GRUCell(2 * input_dim, hidden)  # values and mask, as the repo concatenates them
        self.decoder = nn.Linear(hidden, input_dim)

    def forward(self, values, mask, times, n_steps=2):
        h = values.new_zeros(values.size(0), self.hidden)
        preds = []
        for i in range(values.size(1)):
            if i > 0:
                h = odeint(self.func, h, times[:, i - 1], times[:, i], n_steps)
            preds.append(self.decoder(h))  # prediction for step i before it is seen
            h_new = self.gru(torch.cat([values[:, i] * mask[:, i], mask[:, i]], -1), h)
            seen = (mask[:, i].sum(-1, keepdim=True) > 0).float()
            h = seen * h_new + (1 - seen) * h
        return torch.stack(preds, 1), h


model = ODERNN(D, H)
print(model)
print(sum(p.numel() for p in model.parameters()), [k for k in model.state_dict()])
opt = torch.optim.Adamax(model.parameters(), lr=0.02)
sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
for epoch in range(4):
    model.func.nfe = 0
    opt.zero_grad()
    preds, h = model(series, obs_mask, t_obs)
    err = (preds[:, 1:] - series[:, 1:]) ** 2 * obs_mask[:, 1:]
    loss = err.sum() / obs_mask[:, 1:].sum()
    loss.backward()
    opt.step()
    sched.step()
    print(f"epoch {epoch} mse {loss.item():.5f} nfe {model.func.nfe} lr {opt.param_groups[0]['lr']:.5f}",
          f"ode grad {model.func.net[0].weight.grad.norm().item():.6f}",
          f"gru grad {model.gru.weight_hh.grad.norm().item():.5f}")
model.eval()
with torch.no_grad():
    preds, h = model(series, obs_mask, t_obs, n_steps=8)
    h_later = odeint(model.func, h, t_obs[:, -1], t_obs[:, -1] + 1.0, 8)
print("preds", preds[0, :, 0], "hidden", h.shape, h.requires_grad)
print("extrapolated", model.decoder(h_later), "drift", (h_later - h).norm(dim=1))
