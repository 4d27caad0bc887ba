import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# Recurrent models for irregularly sampled time series, as their PyTorch ports write them:
# - Phased LSTM (Neil et al. 2016; the dannyneil/public_plstm port and "Phased LSTM in PyTorch" blog code): an
#   nn.LSTMCell whose update is let through only while a per-unit oscillation is open; the phase comes from
#   torch.fmod of (timestamp - shift) by the period, the openness k is a piecewise-linear function of it
#   (torch.where), with a small leak alpha * phi while closed during training;
# - GRU-D (Che et al. 2018; zhiyongc/GRU-D and the PhysioNet tutorials): masks of observed values, the time
#   since the last observation (a Python loop over steps), the last observed values carried forward
#   (torch.cummax over observation indices + gather), decays gamma = exp(-relu(W delta + b)) for the input
#   and the hidden state, a GRU cell written with one Linear per gate over [x, h, m].
torch.manual_seed(2016)
B, T, D, H = 4, 9, 3, 6
times = torch.cumsum(torch.rand(B, T) * 2 + 0.1, dim=1)  # irregular timestamps
values = torch.sin(times).unsqueeze(-1) * torch.tensor([1.0, 0.5, -1.0]) + 0.1 * torch.randn(B, T, D)
labels = (values[:, :, 0].mean(1) > 0).float()
print(times[0], times.dtype, labels)
print("gaps", torch.diff(times, dim=1)[0], "negative fmod", torch.fmod(torch.tensor([-3.5, 3.5]), 2.0),
      "remainder", torch.remainder(torch.tensor([-3.5, 3.5]), 2.0))


class PhasedLSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, r_on=0.05, leak=1e-3, period_init_max=6.0):
        super().__init__()
        self.hidden_size, self.r_on, self.leak = hidden_size, r_on, leak
        self.lstm = nn.LSTMCell(input_size, hidden_size)
        self.tau = nn.Parameter(torch.exp(torch.empty(hidden_size).uniform_(0.0, math.log(period_init_max))))
        self.shift = nn.Parameter(torch.empty(hidden_size).uniform_(0.0, 1.0) * self.tau.detach())

    def time_gate(self, t):
        phi = torch.fmod(t.unsqueeze(1) - self.shift, self.tau) / self.tau  # (B, H)
        phi = torch.where(phi < 0, phi + 1, phi)  # fmod keeps the sign of the dividend
        up = 2 * phi / self.r_on
        down = 2 - 2 * phi / self.r_on
        closed = self.leak * phi if self.training else torch.zeros_like(phi)
        return torch.where(phi < 0.5 * self.r_on, up, torch.where(phi < self.r_on, down, closed)), phi

    def forward(self, x, t, state):
        h, c = state
        h_new, c_new = self.lstm(x, (h, c))
        k, phi = self.time_gate(t)
        return (k * h_new + (1 - k) * h, k * c_new + (1 - k) * c), k


class PhasedLSTM(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.cell = PhasedLSTMCell(input_size, hidden_size, r_on=0.3)
        self.fc = nn.Linear(hidden_size, 1)

    def forward(self, x, times):
        h = c = x.new_zeros(x.size(0), self.cell.hidden_size)
        openness = []
        for t in range(x.size(1)):
            (h, c), k = self.cell(x[:, t], times[:, t], (h, c))
            openness.append(k)
        return self.fc(h).squeeze(1), torch.stack(openness, 1)


plstm = PhasedLSTM(D, H)
print(plstm)
print({n: tuple(p.shape) for n, p in plstm.named_parameters()})
print("tau", plstm.cell.tau.data, "shift", plstm.cell.shift.data)
logits, k = plstm(values, times)
print(logits.shape, k.shape, "open fraction", (k > 0).float().mean().item(), k[0, :, 0])
opt = torch.optim.Adam(plstm.parameters(), lr=0.05, amsgrad=True)
lossf = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(1.5))
for step in range(4):
    opt.zero_grad()
    logits, k = plstm(values, times)
    loss = lossf(logits, labels)
    loss.backward()
    opt.step()
    with torch.no_grad():
        plstm.cell.tau.clamp_(min=0.5)
    print(f"plstm step {step} loss {loss.item():.5f} tau grad {plstm.cell.tau.grad.norm().item():.5f}",
          f"shift grad {plstm.cell.shift.grad.abs().max().item():.5f}")
plstm.eval()
with torch.no_grad():
    logits, k = plstm(values, times)
print("eval probs", torch.sigmoid(logits), "closed gates are exact zeros:", int((k == 0).sum()))

# ---- GRU-D: missing values and decays
observed = torch.rand(B, T, D) > 0.4
observed[:, 0] = True  # everything seen once, so every last value exists
x_missing = values.masked_fill(~observed, float("nan"))
print("nan count", torch.isnan(x_missing).sum().item(), "per feature", torch.isnan(x_missing).sum((0, 1)))
mask = (~torch.isnan(x_missing)).float()
x_filled = torch.nan_to_num(x_missing, nan=0.0)
emp_mean = (x_filled * mask).sum((0, 1)) / mask.sum((0, 1))
print("mask", mask[0].T, "empirical mean", emp_mean)

delta = torch.zeros(B, T, D)
for t in range(1, T):
    gap = (times[:, t] - times[:, t - 1]).unsqueeze(1)
    delta[:, t] = torch.where(mask[:, t - 1].bool(), gap, gap + delta[:, t - 1])
print("delta", delta[0, :, 0])

step_index = torch.arange(T).view(1, T, 1).expand(B, T, D)
last_index = torch.where(mask.bool(), step_index, torch.zeros_like(step_index)).cummax(dim=1)
print("last index", last_index.values[0, :, 0], last_index.indices[0, :, 0], last_index.values.dtype)
x_last = torch.gather(x_filled, 1, last_index.values)
print("x last", x_last[0, :4])


class FilterLinear(nn.Linear):
    """The GRU-D repo's diagonal Linear: the weight multiplied by a fixed identity filter."""

    def __init__(self, n):
        super().__init__(n, n)
        self.register_buffer("filter_square_matrix", torch.eye(n))

    def forward(self, x):
        return F.linear(x, self.filter_square_matrix.mul(self.weight), self.bias)


class GRUD(nn.Module):
    def __init__(self, input_size, hidden_size, x_mean):
        super().__init__()
        self.hidden_size = hidden_size
        self.register_buffer("x_mean", x_mean.clone())
        self.gamma_x = FilterLinear(input_size)
        self.gamma_h = nn.Linear(input_size, hidden_size)
        gate_in = input_size + hidden_size + input_size
        self.zl, self.rl, self.hl = (nn.Linear(gate_in, hidden_size) for _ in range(3))
        self.fc = nn.Linear(hidden_size, 1)

    def step(self, x, x_last, h, m, d):
        gamma_x = torch.exp(-torch.max(torch.zeros_like(d), self.gamma_x(d)))
        gamma_h = torch.exp(-F.relu(self.gamma_h(d)))
        x = m * x + (1 - m) * (gamma_x * x_last + (1 - gamma_x) * self.x_mean)
        h = gamma_h * h
        combined = torch.cat((x, h, m), 1)
        z = torch.sigmoid(self.zl(combined))
        r = torch.sigmoid(self.rl(combined))
        h_tilde = torch.tanh(self.hl(torch.cat((x, r * h, m), 1)))
        return (1 - z) * h + z * h_tilde, gamma_x

    def forward(self, x, x_last, mask, delta):
        h = x.new_zeros(x.size(0), self.hidden_size)
        decays = []
        for t in range(x.size(1)):
            h, gamma_x = self.step(x[:, t], x_last[:, t], h, mask[:, t], delta[:, t])
            decays.append(gamma_x)
        return self.fc(h).squeeze(-1), torch.stack(decays, 1)


grud = GRUD(D, H, emp_mean)
print(grud)
print(list(grud.state_dict().keys()))
opt = torch.optim.Adagrad(grud.parameters(), lr=0.1, lr_decay=0.01)
for step in range(4):
    opt.zero_grad()
    logits, decays = grud(x_filled, x_last, mask, delta)
    loss = F.binary_cross_entropy_with_logits(logits, labels)
    loss.backward()
    opt.step()
    print(f"grud step {step} loss {loss.item():.5f} decay min {decays.min().item():.5f}",
          f"gamma_x grad diag {torch.diagonal(grud.gamma_x.weight.grad)}",
          f"off-diagonal grad {grud.gamma_x.weight.grad.fill_diagonal_(0).abs().sum().item()}")
grud.eval()
with torch.no_grad():
    probs = torch.sigmoid(grud(x_filled, x_last, mask, delta)[0])
print("probs", probs, "accuracy", ((probs > 0.5).float() == labels).float().mean())
print("opt state", sorted(opt.state_dict()["state"][0].keys()), opt.state_dict()["param_groups"][0]["lr_decay"])
