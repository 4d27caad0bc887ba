import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# xLSTM cells written by hand, after Beck et al., "xLSTM: Extended Long Short-Term Memory" (2024) and the
# small from-scratch PyTorch versions of its two cells that circulate in blog posts and course notebooks:
# - sLSTM: scalar memory with an exponential input gate, a normaliser state n and the stabiliser
#   m_t = max(log f_t + m_{t-1}, log i_t), recurrent weights per head (block-diagonal, via einsum);
# - mLSTM: a matrix memory C updated with outer products v k^T (einsum and bmm), q/k/v projections,
#   read out with q and normalised by max(|n^T q|, 1); its parallel form (a decay matrix from cumsum of
#   log-sigmoid forget gates, tril mask, row-wise stabiliser) must match the step-by-step recurrence.
# Both cells go in residual blocks with LayerNorm, trained a few steps with Adam on a toy task.

torch.manual_seed(42)


class SLSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, num_heads=2):
        super().__init__()
        assert hidden_size % num_heads == 0
        self.hidden_size, self.num_heads = hidden_size, num_heads
        self.head_dim = hidden_size // num_heads
        self.W = nn.Linear(input_size, 4 * hidden_size)
        # recurrent weights: one (head_dim x 4*head_dim) block per head
        self.R = nn.Parameter(torch.randn(num_heads, self.head_dim, 4 * self.head_dim) / math.sqrt(self.head_dim))

    def init_state(self, batch):
        zeros = torch.zeros(batch, self.hidden_size)
        return zeros, zeros.clone(), zeros.clone(), zeros.clone()  # h, c, n, m

    def forward(self, x, state):
        h, c, n, m = state
        b = x.shape[0]
        h_heads = h.view(b, self.num_heads, self.head_dim)
        rec = torch.einsum("bhd,hde->bhe", h_heads, self.R)
        rec = rec.view(b, self.num_heads, 4, self.head_dim).transpose(1, 2).reshape(b, 4 * self.hidden_size)
        z_tilde, i_tilde, f_tilde, o_tilde = (self.W(x) + rec).chunk(4, dim=-1)
        log_f = F.logsigmoid(f_tilde)  # sigmoid forget gate, in log space
        m_new = torch.max(log_f + m, i_tilde)  # stabiliser
        i_gate = torch.exp(i_tilde - m_new)
        f_gate = torch.exp(log_f + m - m_new)
        z = torch.tanh(z_tilde)
        o = torch.sigmoid(o_tilde)
        c_new = f_gate * c + i_gate * z
        n_new = f_gate * n + i_gate
        h_new = o * (c_new / n_new)
        return h_new, (h_new, c_new, n_new, m_new)


class MLSTMCell(nn.Module):
    def __init__(self, input_size, head_dim):
        super().__init__()
        self.head_dim = head_dim
        self.q_proj = nn.Linear(input_size, head_dim, bias=False)
        self.k_proj = nn.Linear(input_size, head_dim, bias=False)
        self.v_proj = nn.Linear(input_size, head_dim, bias=False)
        self.igate = nn.Linear(input_size, 1)
        self.fgate = nn.Linear(input_size, 1)
        self.ogate = nn.Linear(input_size, head_dim)
        nn.init.constant_(self.fgate.bias, 3.0)  # start remembering
        nn.init.normal_(self.igate.bias, mean=0.0, std=0.1)

    def step(self, x, state):
        C, n, m = state
        q = self.q_proj(x)
        k = self.k_proj(x) / math.sqrt(self.head_dim)
        v = self.v_proj(x)
        i_tilde = self.igate(x)  # (B, 1)
        log_f = F.logsigmoid(self.fgate(x))
        m_new = torch.maximum(log_f + m, i_tilde)
        i_gate = torch.exp(i_tilde - m_new)
        f_gate = torch.exp(log_f + m - m_new)
        outer = torch.bmm(v.unsqueeze(2), k.unsqueeze(1))  # v k^T, (B, D, D)
        C_new = f_gate.unsqueeze(-1) * C + i_gate.unsqueeze(-1) * outer
        n_new = f_gate * n + i_gate * k
        numer = torch.einsum("bde,be->bd", C_new, q)
        denom = torch.maximum((n_new * q).sum(-1, keepdim=True).abs(), torch.exp(-m_new))
        h_tilde = numer / denom
        h = torch.sigmoid(self.ogate(x)) * h_tilde
        return h, (C_new, n_new, m_new)

    def forward_recurrent(self, x):
        B, T, _ = x.shape
        state = (torch.zeros(B, self.head_dim, self.head_dim), torch.zeros(B, self.head_dim), torch.zeros(B, 1))
        outs = []
        for t in range(T):
            h, state = self.step(x[:, t], state)
            outs.append(h)
        return torch.stack(outs, 1), state

    def forward_parallel(self, x):
        B, T, _ = x.shape
        q, v = self.q_proj(x), self.v_proj(x)
        k = self.k_proj(x) / math.sqrt(self.head_dim)
        i_tilde = self.igate(x).squeeze(-1)  # (B, T)
        log_f = F.logsigmoid(self.fgate(x)).squeeze(-1)
        cum = torch.cumsum(log_f, dim=-1)
        # D[t, s] = sum_{s < r <= t} log f_r + i_s for s <= t, -inf above the diagonal
        log_d = cum.unsqueeze(-1) - cum.unsqueeze(-2) + i_tilde.unsqueeze(-2)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        log_d = log_d.masked_fill(~mask, float("-inf"))
        m = log_d.max(dim=-1, keepdim=True).values
        d = torch.exp(log_d - m)
        scores = (q @ k.transpose(-2, -1)) * d
        norm = torch.maximum(scores.sum(-1, keepdim=True).abs(), torch.exp(-m))
        h_tilde = (scores / norm) @ v
        return torch.sigmoid(self.ogate(x)) * h_tilde


# one sLSTM step, printed
cell = SLSTMCell(6, 8, num_heads=2)
print(cell)
print({k: tuple(v.shape) for k, v in cell.state_dict().items()})
x = torch.randn(3, 10, 6)
state = cell.init_state(3)
h, state = cell(x[:, 0], state)
print("h0", h)
print("m0", state[3])
print("n0 min", state[2].min().item() > 0)
hs = [h]
for t in range(1, x.shape[1]):
    h, state = cell(x[:, t], state)
    hs.append(h)
H = torch.stack(hs, dim=1)
print("sLSTM outputs", H.shape, H.dtype, f"{H.abs().max().item():.5f}")
print("stabiliser m last:", state[3][0])
print("normaliser n last:", state[2][0])
print("|h| <= 1:", bool((H.abs() <= 1).all()))
H.pow(2).mean().backward()
print("grad R", cell.R.grad.shape, f"{cell.R.grad.norm():.6f}")
print("grad W", f"{cell.W.weight.grad.norm():.6f}", f"{cell.W.bias.grad.abs().sum():.6f}")

# the stabiliser does not change h: compare with the naive (unstabilised) exponential gates
with torch.no_grad():
    h_s, c_s, n_s = torch.zeros(3, 8), torch.zeros(3, 8), torch.zeros(3, 8)
    naive = []
    for t in range(x.shape[1]):
        b = 3
        rec = torch.einsum("bhd,hde->bhe", h_s.view(b, 2, 4), cell.R)
        rec = rec.view(b, 2, 4, 4).transpose(1, 2).reshape(b, 32)
        z_t, i_t, f_t, o_t = (cell.W(x[:, t]) + rec).chunk(4, -1)
        c_s = torch.sigmoid(f_t) * c_s + torch.exp(i_t) * torch.tanh(z_t)
        n_s = torch.sigmoid(f_t) * n_s + torch.exp(i_t)
        h_s = torch.sigmoid(o_t) * c_s / n_s
        naive.append(h_s)
    print("stabilised == naive:", torch.allclose(torch.stack(naive, 1), H, atol=1e-5))

# mLSTM: recurrent vs parallel
mcell = MLSTMCell(6, 4)
print(mcell)
rec_out, (C, n, m) = mcell.forward_recurrent(x)
par_out = mcell.forward_parallel(x)
print("mLSTM", rec_out.shape, par_out.shape, "C", C.shape, "n", n.shape, "m", m.shape)
print("recurrent == parallel:", torch.allclose(rec_out, par_out, atol=1e-5))
print("max diff small:", (rec_out - par_out).abs().max().item() < 1e-5)
print("C[0] diagonal:", torch.diagonal(C[0]), "trace", torch.trace(C[0]).item() > 0)
print("m:", m.view(-1))
print("out[1, -1]:", par_out[1, -1])
outer = torch.einsum("bi,bj->bij", torch.ones(2, 3), torch.arange(4.0).expand(2, 4))
print("outer via einsum:", outer.shape, torch.equal(outer[0], torch.outer(torch.ones(3), torch.arange(4.0))))
par_out.sum().backward()
for name, p in mcell.named_parameters():
    print(f"{name:14s} {str(tuple(p.shape)):8s} grad norm {p.grad.norm().item():.6f}")


# residual xLSTM blocks on a toy task: predict the running mean sign of a sequence
class XLSTMBlock(nn.Module):
    def __init__(self, dim, kind):
        super().__init__()
        self.kind = kind
        self.norm = nn.LayerNorm(dim)
        self.cell = SLSTMCell(dim, dim, num_heads=2) if kind == "s" else MLSTMCell(dim, dim)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        y = self.norm(x)
        if self.kind == "s":
            state = self.cell.init_state(x.shape[0])
            outs = []
            for t in range(x.shape[1]):
                h, state = self.cell(y[:, t], state)
                outs.append(h)
            y = torch.stack(outs, 1)
        else:
            y = self.cell.forward_parallel(y)
        x = x + y
        return x + self.ff(x)


class XLSTM(nn.Module):
    def __init__(self, in_dim, dim, pattern="ms"):
        super().__init__()
        self.inp = nn.Linear(in_dim, dim)
        self.blocks = nn.Sequential(*[XLSTMBlock(dim, k) for k in pattern])
        self.head = nn.Linear(dim, 1)

    def forward(self, x):
        return self.head(self.blocks(self.inp(x))).squeeze(-1)


model = XLSTM(3, 8)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
seq = torch.randn(4, 8, 3)
target = (seq[..., 0].cumsum(1) > 0).float()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(5):
    logits = model(seq)
    loss = F.binary_cross_entropy_with_logits(logits, target)
    opt.zero_grad()
    loss.backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=2.0)
    opt.step()
    acc = ((logits > 0).float() == target).float().mean()
    print(f"step {step}: loss={loss.item():.5f} grad_norm={total.item():.5f} acc={acc.item():.4f}")
print("logits", logits.detach()[0])
print("block 1 sLSTM R grad:", f"{model.blocks[1].cell.R.grad.norm().item():.6f}")
