import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Three RNNs whose reference implementations rearrange time by hand, written small:
# - QRNN (Bradbury et al. 2017; salesforce/pytorch-qrnn and the blog re-implementations that use nn.Conv1d):
#   Z, F, O gates from one causal convolution (left padding with F.pad, chunk into three), then fo-pooling
#   c_t = f*z + (1-f)*c in a Python loop, with zoneout applied to the forget gate while training;
# - Clockwork RNN (Koutnik et al. 2014): hidden modules with periods 1, 2, 4, 8, a block upper-triangular
#   recurrent mask built with torch.tril / repeat_interleave, and at step t only the modules whose period
#   divides t update (index_select / torch.where);
# - Dilated RNN (Chang et al. 2017; zalandoresearch/pytorch-dilated-rnn's _prepare_inputs / _split_outputs):
#   the sequence zero-padded to a multiple of the dilation, folded into the batch with view/permute, run
#   through nn.GRU, and unfolded back.
torch.manual_seed(7)
T, B, D = 12, 3, 4
x = torch.randn(T, B, D).cumsum(0) * 0.3
target = torch.roll(x[..., :1], shifts=-1, dims=0)  # predict the next value of the first channel
print(x.shape, x[:3, 0], target[-2:, 0, 0])


class QRNNLayer(nn.Module):
    def __init__(self, input_size, hidden_size, window=2, zoneout=0.0, output_gate=True):
        super().__init__()
        self.window, self.hidden_size, self.zoneout = window, hidden_size, zoneout
        self.output_gate = output_gate
        self.conv = nn.Conv1d(input_size, 3 * hidden_size if output_gate else 2 * hidden_size, window)

    def forward(self, x, hidden=None):  # x: (T, B, D)
        T, B, _ = x.size()
        source = F.pad(x.permute(1, 2, 0), (self.window - 1, 0))  # causal: only the past is padded in
        gates = self.conv(source).permute(2, 0, 1)  # (T, B, 3H)
        if self.output_gate:
            Z, Fg, O = gates.chunk(3, dim=2)
        else:
            Z, Fg = gates.chunk(2, dim=2)
        Z, Fg = torch.tanh(Z), torch.sigmoid(Fg)
        if self.zoneout and self.training:
            keep = Fg.new_empty(Fg.size()).bernoulli_(1 - self.zoneout)
            Fg = Fg * keep  # a zeroed gate keeps the old cell unchanged at that unit
        c = hidden if hidden is not None else x.new_zeros(B, self.hidden_size)
        cs = []
        for z_t, f_t in zip(Z, Fg):
            c = f_t * z_t + (1 - f_t) * c  # the repo's form: f weighs the new candidate
            cs.append(c)
        C = torch.stack(cs)
        H = torch.sigmoid(O) * C if self.output_gate else C
        return H, C[-1:]


qrnn = nn.Sequential()
qrnn.add_module("q1", QRNNLayer(D, 6, window=2, zoneout=0.2))
qrnn.add_module("q2", QRNNLayer(6, 6, window=1))
head = nn.Linear(6, 1)
print(qrnn, head)
print(qrnn.q1.conv.weight.shape, qrnn.q1.conv.bias.shape, qrnn.q2.conv.padding, qrnn.q1.conv.kernel_size)
h1, c1 = qrnn.q1(x)
h2, c2 = qrnn.q2(h1)
print(h1.shape, c1.shape, h2.shape, h2.grad_fn.name(), c2.grad_fn.name())
params = list(qrnn.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=0.03, betas=(0.8, 0.99))
for step in range(4):
    opt.zero_grad()
    h, _ = qrnn.q2(qrnn.q1(x)[0])
    loss = F.mse_loss(head(h), target)
    loss.backward()
    opt.step()
    print(f"qrnn step {step} loss {loss.item():.5f} conv grad {qrnn.q1.conv.weight.grad.abs().sum().item():.5f}")
qrnn.eval()
with torch.no_grad():
    h, last = qrnn.q2(qrnn.q1(x)[0])
print("qrnn eval", head(h)[:, 0, 0], last.squeeze(0)[0])


class ClockworkRNN(nn.Module):
    def __init__(self, input_size, module_size, periods):
        super().__init__()
        self.periods = torch.tensor(periods)
        n = len(periods)
        self.hidden_size = module_size * n
        self.w_in = nn.Linear(input_size, self.hidden_size)
        self.w_hh = nn.Linear(self.hidden_size, self.hidden_size, bias=False)
        # module i reads modules j >= i (slower or equal): block upper triangle of ones
        blocks = torch.tril(torch.ones(n, n)).t()
        mask = blocks.repeat_interleave(module_size, dim=0).repeat_interleave(module_size, dim=1)
        self.register_buffer("mask", mask)
        self.register_buffer("unit_period", self.periods.repeat_interleave(module_size))

    def forward(self, x):
        h = x.new_zeros(x.size(1), self.hidden_size)
        outs, active_counts = [], []
        for t in range(x.size(0)):
            active = torch.remainder(torch.tensor(t), self.unit_period) == 0
            active_counts.append(int(active.sum()))
            candidate = torch.tanh(self.w_in(x[t]) + F.linear(h, self.w_hh.weight * self.mask))
            h = torch.where(active, candidate, h)
            outs.append(h)
        return torch.stack(outs), active_counts


cw = ClockworkRNN(D, 2, [1, 2, 4, 8])
print(cw)
print(cw.mask.int())
print("buffers", [n for n, _ in cw.named_buffers()], cw.unit_period, cw.unit_period.dtype)
fast = torch.index_select(cw.mask, 0, torch.tensor([0, 7]))
print("rows of the fastest and slowest unit", fast)
cw_head = nn.Linear(cw.hidden_size, 1)
opt = torch.optim.SGD(list(cw.parameters()) + list(cw_head.parameters()), lr=0.1, momentum=0.9, nesterov=True)
for step in range(4):
    opt.zero_grad()
    out, counts = cw(x)
    loss = F.smooth_l1_loss(cw_head(out), target, beta=0.5)
    loss.backward()
    opt.step()
    masked_grad = cw.w_hh.weight.grad * (1 - cw.mask)
    print(f"clockwork step {step} loss {loss.item():.5f} masked-out grad {masked_grad.abs().max().item():.1f}")
print("active units per step", counts)
print("slow module kept its state:", torch.equal(out[1, :, 6:], out[7, :, 6:]), out[1:8, 0, 6])


def prepare_inputs(inputs, rate):
    """(T, B, D) -> (ceil(T/rate), B*rate, D): step t of sub-sequence k is step t*rate + k."""
    steps = inputs.size(0)
    if steps % rate:
        pad = inputs.new_zeros(rate - steps % rate, *inputs.shape[1:])
        inputs = torch.cat((inputs, pad))
    return torch.cat([inputs[j::rate, :, :] for j in range(rate)], 1), steps


def split_outputs(dilated_outputs, rate, steps):
    batchsize = dilated_outputs.size(1) // rate
    blocks = [dilated_outputs[:, i * batchsize: (i + 1) * batchsize, :] for i in range(rate)]
    interleaved = torch.stack(blocks).transpose(1, 0).contiguous()
    interleaved = interleaved.view(dilated_outputs.size(0) * rate, batchsize, dilated_outputs.size(2))
    return interleaved[:steps]


def fold_with_view(inputs, rate):
    """The same fold with reshape/permute instead of slices (time padded with F.pad)."""
    steps, batch, dim = inputs.shape
    padded = F.pad(inputs, (0, 0, 0, 0, 0, (-steps) % rate))
    return padded.view(-1, rate, batch, dim).permute(0, 1, 2, 3).reshape(-1, rate * batch, dim)


folded, steps = prepare_inputs(x, 5)
print("dilated fold", folded.shape, steps, torch.equal(split_outputs(folded, 5, steps), x))
print("view fold", fold_with_view(x, 5).shape, torch.allclose(fold_with_view(x, 5), folded))


class DilatedRNN(nn.Module):
    def __init__(self, input_size, hidden_size, dilations):
        super().__init__()
        self.dilations = dilations
        self.cells = nn.ModuleList([nn.GRU(input_size if i == 0 else hidden_size, hidden_size)
                                    for i in range(len(dilations))])

    def forward(self, inputs):
        outputs = []
        for cell, rate in zip(self.cells, self.dilations):
            folded, steps = prepare_inputs(inputs, rate)
            out, hidden = cell(folded)
            inputs = split_outputs(out, rate, steps)
            outputs.append(inputs[-rate:])
        return inputs, outputs


drnn = DilatedRNN(D, 5, [1, 2, 4])
print(drnn)
out, lasts = drnn(x)
print(out.shape, [o.shape for o in lasts], out.grad_fn.name())
d_head = nn.Linear(5, 1)
opt = torch.optim.AdamW(list(drnn.parameters()) + list(d_head.parameters()), lr=0.02, weight_decay=0.1)
for step in range(3):
    opt.zero_grad()
    out, _ = drnn(x)
    loss = F.mse_loss(d_head(out), target)
    loss.backward()
    opt.step()
    print(f"dilated step {step} loss {loss.item():.5f}",
          f"gru grad {drnn.cells[2].weight_hh_l0.grad.norm().item():.5f}")
print(d_head(out)[-3:, :, 0].detach())
