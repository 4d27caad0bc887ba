import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional

# A Towards-Data-Science style "tricks for training RNNs" post: orthogonal recurrent weights and a forget-gate
# bias of 1 (and chrono initialisation), locked (variational) dropout, DropConnect on the recurrent matrix
# through torch.func.functional_call, zoneout, a layer-normalised LSTM cell, gradients clipped by value with
# tensor hooks, and a warmup-then-cosine LambdaLR, on the adding problem.
torch.manual_seed(0)


def adding_problem(n, T=8):
    values = torch.rand(n, T)
    markers = torch.zeros(n, T)
    first = torch.randint(0, T // 2, (n,))
    second = torch.randint(T // 2, T, (n,))
    markers[torch.arange(n), first] = 1.0
    markers[torch.arange(n), second] = 1.0
    target = (values * markers).sum(dim=1, keepdim=True)
    return torch.stack([values, markers], dim=2), target


x, y = adding_problem(4)
print(x.shape, y.squeeze(1))
print(x[0, :, 1].nonzero().flatten())

lstm = nn.LSTM(2, 16, batch_first=True)
for name, param in lstm.named_parameters():
    if "weight_hh" in name:
        for i in range(4):  # each gate's block of the stacked matrix
            nn.init.orthogonal_(param.data[i * 16:(i + 1) * 16])
    elif "weight_ih" in name:
        nn.init.xavier_uniform_(param.data)
    elif "bias" in name:
        param.data.fill_(0)
        param.data[16:32].fill_(1.0)  # the forget gate (gates are ordered i, f, g, o)
w = lstm.weight_hh_l0[:16]
print(torch.allclose(w @ w.t(), torch.eye(16), atol=1e-5), lstm.bias_ih_l0[14:18])

# chrono initialisation: forget bias log(U(1, T_max - 1)), input bias its negative
T_max = 8
chrono = torch.log(torch.empty(16).uniform_(1, T_max - 1))
with torch.no_grad():
    lstm.bias_hh_l0[16:32].copy_(chrono)
    lstm.bias_hh_l0[:16].copy_(-chrono)
print(lstm.bias_hh_l0[:3], lstm.bias_hh_l0.requires_grad, lstm.bias_hh_l0.is_leaf)


class LockedDropout(nn.Module):
    """One dropout mask per sequence, shared over time steps."""

    def forward(self, x, p=0.3):
        if not self.training or not p:
            return x
        mask = x.new_empty(x.size(0), 1, x.size(2)).bernoulli_(1 - p) / (1 - p)
        return x * mask.expand_as(x)


ld = LockedDropout()
out = ld(torch.ones(2, 4, 3))
print(out[0], (out[0] == out[0, :1]).all().item())
ld.eval()
print(ld(torch.ones(1, 2, 2)))


class WeightDropLSTM(nn.Module):
    """DropConnect on weight_hh: each forward pass uses a dropped copy of the recurrent matrix."""

    def __init__(self, lstm, p=0.25):
        super().__init__()
        self.lstm, self.p = lstm, p

    def forward(self, x):
        params = dict(self.lstm.named_parameters())
        params["weight_hh_l0"] = F.dropout(params["weight_hh_l0"], p=self.p, training=self.training)
        return torch.func.functional_call(self.lstm, params, (x,))


class ZoneoutLNLSTMCell(nn.Module):
    """An LSTM cell with layer norm on the gates and the cell, and zoneout on the states."""

    def __init__(self, input_size, hidden_size, zoneout=0.1):
        super().__init__()
        self.ih = nn.Linear(input_size, 4 * hidden_size, bias=False)
        self.hh = nn.Linear(hidden_size, 4 * hidden_size)
        self.ln_gates = nn.LayerNorm(4 * hidden_size)
        self.ln_cell = nn.LayerNorm(hidden_size)
        self.zoneout = zoneout

    def forward(self, x, state):
        h, c = state
        gates = self.ln_gates(self.ih(x) + self.hh(h))
        i, f, g, o = gates.chunk(4, dim=1)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_new = torch.sigmoid(o) * torch.tanh(self.ln_cell(c_new))
        if self.training:
            keep_h = torch.bernoulli(torch.full_like(h, self.zoneout))
            keep_c = torch.bernoulli(torch.full_like(c, self.zoneout))
            h_new = keep_h * h + (1 - keep_h) * h_new
            c_new = keep_c * c + (1 - keep_c) * c_new
        else:
            h_new = self.zoneout * h + (1 - self.zoneout) * h_new
            c_new = self.zoneout * c + (1 - self.zoneout) * c_new
        return h_new, c_new


class Model(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        if kind == "weightdrop":
            self.rnn = WeightDropLSTM(nn.LSTM(2, 16, batch_first=True))
        else:
            self.cell = ZoneoutLNLSTMCell(2, 16)
        self.drop = LockedDropout()
        self.head = nn.Linear(16, 1)

    def forward(self, x):
        if self.kind == "weightdrop":
            out, _ = self.rnn(self.drop(x, 0.1))
            last = out[:, -1]
        else:
            h = c = x.new_zeros(x.size(0), 16)
            for t in range(x.size(1)):
                h, c = self.cell(x[:, t], (h, c))
            last = h
        return self.head(last)


def warmup_cosine(step, warmup=2, total=10):
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))


for kind in ["weightdrop", "zoneout-ln"]:
    torch.manual_seed(1)
    model = Model(kind)
    print(kind, sum(p.numel() for p in model.parameters()))
    for p in model.parameters():  # clip every gradient by value as it is computed
        p.register_hook(lambda grad: torch.clamp(grad, -0.5, 0.5))
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-2, alpha=0.9)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=warmup_cosine)
    for step in range(10):
        model.train()
        xb, yb = adding_problem(8)
        loss = F.mse_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        biggest = max(p.grad.abs().max().item() for p in model.parameters())
        optimizer.step()
        scheduler.step()
        if step % 5 == 4:
            print(f"  step {step + 1} loss {loss.item():.4f} max|grad| {biggest:.3f} lr {scheduler.get_last_lr()[0]:.5f}")
    model.eval()
    with torch.no_grad():
        xt, yt = adding_problem(32)
        print("  eval mse", round(F.mse_loss(model(xt), yt).item(), 4), "baseline", round(yt.var().item(), 4))

print(torch.func.functional_call(lstm, {"weight_hh_l0": torch.zeros(64, 16)}, (x,))[1][0].shape)
try:
    nn.utils.clip_grad_value_(lstm.parameters(), clip_value=-1.0)
except Exception as e:
    print(type(e).__name__, e)
try:
    torch.func.functional_call(lstm, {"weight_hh_l0": torch.zeros(64, 16), "nope": torch.zeros(1)}, (x,),
                               strict=True)
except Exception as e:
    print(type(e).__name__, e)
