import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# Two recurrent cells as their papers' reference code and the blog posts about them write them by hand:
# IndRNN (Li et al. 2018, "Independently Recurrent Neural Network"; Sunnerli/IndRNN_pytorch and its many
# copies) with an element-wise recurrent weight u, h_t = relu(W x_t + u * h_{t-1} + b), |u| clipped after
# each step with torch.clamp under no_grad and once through a gradient hook, stacked with BatchNorm1d over
# time; and SRU (Lei et al. 2018, "Simple Recurrent Units"; taolei87/sru's pure-PyTorch fallback) with one
# matmul for the candidate, forget and reset gates, the light recurrence c_t = f*c + (1-f)*x~ run in a
# Python loop, and the highway connection h_t = r*tanh(c) + (1-r)*x. Both learn the adding problem a few steps.
torch.manual_seed(11)


def adding_problem(batch, steps):
    """The IndRNN paper's task: add the two numbers marked by a 1 in the second channel."""
    values = torch.rand(batch, steps)
    marks = torch.zeros(batch, steps)
    first = torch.randint(0, steps // 2, (batch,))
    second = torch.randint(steps // 2, steps, (batch,))
    marks[torch.arange(batch), first] = 1.0
    marks.scatter_(1, second.unsqueeze(1), 1.0)
    x = torch.stack([values, marks], dim=2).transpose(0, 1).contiguous()  # (T, B, 2), time first
    y = (values * marks).sum(dim=1, keepdim=True)
    return x, y


x, y = adding_problem(6, 10)
print(x.shape, x.is_contiguous(), x.stride(), y.shape)
print(x[:, 0, 1], y.squeeze(1))


class IndRNNCell(nn.Module):
    """h_t = act(W x_t + u * h_{t-1} + b); u is one number per hidden unit."""

    def __init__(self, input_size, hidden_size, recurrent_max=None, recurrent_min=None, nonlinearity="relu"):
        super().__init__()
        self.hidden_size = hidden_size
        self.recurrent_max, self.recurrent_min = recurrent_max, recurrent_min
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(hidden_size))
        self.activation = torch.relu if nonlinearity == "relu" else torch.tanh
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.kaiming_uniform_(self.weight_ih, a=math.sqrt(5))
        nn.init.uniform_(self.weight_hh, a=0.0, b=self.recurrent_max or 1.0)
        nn.init.constant_(self.bias_ih, 0.0)

    def clip_recurrent(self):
        if self.recurrent_max is not None:
            with torch.no_grad():
                self.weight_hh.clamp_(min=self.recurrent_min if self.recurrent_min is not None else -self.recurrent_max,
                                      max=self.recurrent_max)

    def forward(self, x, h):
        return self.activation(F.linear(x, self.weight_ih, self.bias_ih) + self.weight_hh * h)

    def extra_repr(self):
        return f"{self.weight_ih.shape[1]}, {self.hidden_size}, recurrent_max={self.recurrent_max}"


class IndRNN(nn.Module):
    def __init__(self, input_size, hidden_size, n_layer, steps):
        super().__init__()
        recurrent_max = pow(2, 1 / steps)  # the paper's bound: |u|^T stays below 2
        self.cells = nn.ModuleList([IndRNNCell(input_size if i == 0 else hidden_size, hidden_size, recurrent_max)
                                    for i in range(n_layer)])
        self.bns = nn.ModuleList([nn.BatchNorm1d(hidden_size) for _ in range(n_layer)])
        self.lastfc = nn.Linear(hidden_size, 1)

    def forward(self, x):
        for cell, bn in zip(self.cells, self.bns):
            h = x.new_zeros(x.size(1), cell.hidden_size)
            outputs = []
            for x_t in x.unbind(0):
                h = cell(x_t, h)
                outputs.append(h)
            seq = torch.stack(outputs)  # (T, B, H)
            T, B, H = seq.size()
            x = bn(seq.view(T * B, H)).view(T, B, H)  # batch norm over time and batch, as the repo's Batch_norm_overtime
        return self.lastfc(x[-1])


indrnn = IndRNN(2, 8, 2, steps=10)
print(indrnn)
print([(k, tuple(v.shape)) for k, v in indrnn.state_dict().items()])
print("recurrent_max", round(indrnn.cells[0].recurrent_max, 6), indrnn.cells[0].weight_hh.data)

# The repo's other way to bound u: a hook that zeroes the gradient that would push u past the bound.
bound = indrnn.cells[1].recurrent_max
hook_calls = []


def keep_inside(grad, p=indrnn.cells[1].weight_hh):
    hook_calls.append(tuple(grad.shape))
    leaving = ((p.data >= bound) & (grad < 0)) | ((p.data <= -bound) & (grad > 0))
    return grad.masked_fill(leaving, 0.0)


handle = indrnn.cells[1].weight_hh.register_hook(keep_inside)
opt = torch.optim.Adam(indrnn.parameters(), lr=0.02)
for step in range(6):
    opt.zero_grad()
    loss = F.mse_loss(indrnn(x), y)
    loss.backward()
    g = indrnn.cells[0].weight_hh.grad
    opt.step()
    for cell in indrnn.cells:
        cell.clip_recurrent()
    print(f"indrnn step {step} loss {loss.item():.5f} u-grad norm {g.norm():.5f}",
          f"u range [{indrnn.cells[0].weight_hh.min().item():.4f}, {indrnn.cells[0].weight_hh.max().item():.4f}]")
handle.remove()
print("hook calls", len(hook_calls), hook_calls[0], "bn running", indrnn.bns[0].running_mean[:3],
      indrnn.bns[0].num_batches_tracked)
indrnn.eval()
with torch.no_grad():
    print("eval prediction", indrnn(x).squeeze(1), "target", y.squeeze(1))


class SRUCell(nn.Module):
    """One SRU layer: U = x W (candidate, forget, reset [, highway projection]) in a single matmul."""

    def __init__(self, n_in, n_out, dropout=0.0, rnn_dropout=0.0, bidirectional=False):
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.rnn_dropout, self.dropout = rnn_dropout, dropout
        self.k = 4 if n_in != n_out else 3  # a fourth block projects x for the highway when sizes differ
        self.weight = nn.Parameter(torch.Tensor(n_in, n_out * self.k))
        self.weight_c = nn.Parameter(torch.Tensor(n_out * 2))  # v_f and v_r, the peephole-like vectors
        self.bias = nn.Parameter(torch.Tensor(n_out * 2))
        self.init_weight()

    def init_weight(self):
        val_range = (3.0 / self.n_in) ** 0.5
        self.weight.data.uniform_(-val_range, val_range)
        self.weight_c.data.uniform_(-0.5, 0.5)
        self.bias.data.zero_()
        self.bias.data[self.n_out:].add_(-1.0)  # reset gate bias starts at -1: more highway early on

    def forward(self, x, c0=None):
        L, B, _ = x.size()
        if c0 is None:
            c0 = x.new_zeros(B, self.n_out)
        if self.training and self.rnn_dropout > 0:
            mask = x.new_empty(B, self.n_in).bernoulli_(1 - self.rnn_dropout).div_(1 - self.rnn_dropout)
            x = x * mask.expand_as(x)
        u = x.reshape(-1, self.n_in).mm(self.weight).view(L, B, self.k, self.n_out)
        x_tilde, f_pre, r_pre = u[..., 0, :], u[..., 1, :], u[..., 2, :]
        x_prime = u[..., 3, :] if self.k == 4 else x
        v_f, v_r = self.weight_c.view(2, self.n_out)
        b_f, b_r = self.bias.view(2, self.n_out)
        c, hs = c0, []
        for t in range(L):
            f = torch.sigmoid(f_pre[t] + v_f * c + b_f)
            r = torch.sigmoid(r_pre[t] + v_r * c + b_r)
            c = f * c + (1 - f) * x_tilde[t]
            hs.append(r * torch.tanh(c) + (1 - r) * x_prime[t])
        return torch.stack(hs), c


class SRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers=2, rnn_dropout=0.0):
        super().__init__()
        self.rnn_lst = nn.ModuleList([SRUCell(input_size if i == 0 else hidden_size, hidden_size,
                                              rnn_dropout=rnn_dropout) for i in range(num_layers)])
        self.out = nn.Linear(hidden_size, 1)

    def forward(self, x):
        prev, lstc = x, []
        for layer in self.rnn_lst:
            prev, c = layer(prev)
            lstc.append(c)
        return self.out(prev[-1]), torch.stack(lstc)


sru = SRU(2, 8, num_layers=2, rnn_dropout=0.1)
print(sru)
print({n: p.shape for n, p in sru.named_parameters()})
print("k per layer", [layer.k for layer in sru.rnn_lst], "bias", sru.rnn_lst[0].bias.data)
pred, cells = sru(x)
print(pred.shape, cells.shape, pred.grad_fn.name(), cells.grad_fn.name())
opt = torch.optim.RMSprop(sru.parameters(), lr=0.01, alpha=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for step in range(5):
    opt.zero_grad()
    pred, cells = sru(x)
    loss = F.l1_loss(pred, y)
    loss.backward()
    total = nn.utils.clip_grad_norm_(sru.parameters(), 1.0)
    opt.step()
    sched.step()
    print(f"sru step {step} loss {loss.item():.5f} grad norm {total.item():.5f} lr {sched.get_last_lr()[0]:.4f}",
          f"cell mean {cells.mean().item():.5f}")
sru.eval()
with torch.no_grad():
    pred, cells = sru(x)
print("eval", pred.squeeze(1), cells[-1, 0])
print("weight_c grad", sru.rnn_lst[1].weight_c.grad.view(2, -1)[:, :4])
