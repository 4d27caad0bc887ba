import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# minGRU and minLSTM from Feng et al., "Were RNNs All We Needed?" (2024), in the style of the small
# PyTorch re-implementations people copy (lucidrains' minGRU-pytorch and the paper's appendix pseudocode):
# gates that depend on x_t only, so the recurrence h_t = a_t * h_{t-1} + b_t can be run step by step
# (sequential mode) or all at once with a log-space parallel scan (torch.logcumsumexp). The program checks
# that both modes agree, stacks the cells into a small language model and trains it a few steps with AdamW
# and clip_grad_norm_.

torch.manual_seed(0)


def g(x):
    """The paper's positive activation: x + 0.5 for x >= 0, sigmoid(x) below (continuous at 0)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x):
    """log g(x), written so that no branch takes the log of a non-positive number."""
    return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -F.softplus(-x))


def parallel_scan_log(log_coeffs, log_values):
    """h_t = a_t h_{t-1} + b_t for all t at once (Heinsen's scan), from log a_t and log b_t, both (B, T, D).

    An initial state h_0 enters as a first step with a_0 = 1 (log 0) and b_0 = h_0."""
    a_star = torch.cumsum(log_coeffs, dim=1)
    log_h0_plus_b_star = torch.logcumsumexp(log_values - a_star, dim=1)
    log_h = a_star + log_h0_plus_b_star
    return torch.exp(log_h)


class MinGRU(nn.Module):
    def __init__(self, dim, expansion=1.0):
        super().__init__()
        inner = int(dim * expansion)
        self.to_hidden_and_gate = nn.Linear(dim, inner * 2, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False) if expansion != 1.0 else nn.Identity()

    def forward(self, x, prev_hidden=None, return_next_prev_hidden=False):
        seq_len = x.shape[1]
        hidden, gate = self.to_hidden_and_gate(x).chunk(2, dim=-1)
        if seq_len == 1:
            # sequential mode: one step of the recurrence in ordinary space
            hidden = g(hidden)
            gate = gate.sigmoid()
            out = torch.lerp(prev_hidden, hidden, gate) if prev_hidden is not None else hidden * gate
        else:
            log_coeffs = -F.softplus(gate)
            log_z = -F.softplus(-gate)
            log_tilde_h = log_g(hidden)
            log_values = log_z + log_tilde_h
            if prev_hidden is not None:
                log_values = torch.cat((prev_hidden.log(), log_values), dim=1)
                log_coeffs = F.pad(log_coeffs, (0, 0, 1, 0))
            out = parallel_scan_log(log_coeffs, log_values)
            out = out[:, -seq_len:]
        next_prev_hidden = out[:, -1:]
        out = self.to_out(out)
        if not return_next_prev_hidden:
            return out
        return out, next_prev_hidden


class MinLSTM(nn.Module):
    """minLSTM: forget and input gates normalised to sum to one, candidate through g."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.linear_f = nn.Linear(dim, hidden)
        self.linear_i = nn.Linear(dim, hidden)
        self.linear_h = nn.Linear(dim, hidden)

    def forward_sequential(self, x, h_prev):
        outs = []
        for t in range(x.shape[1]):
            xt = x[:, t]
            f_t = torch.sigmoid(self.linear_f(xt))
            i_t = torch.sigmoid(self.linear_i(xt))
            tilde_h = g(self.linear_h(xt))
            f_p, i_p = f_t / (f_t + i_t), i_t / (f_t + i_t)
            h_prev = f_p * h_prev + i_p * tilde_h
            outs.append(h_prev)
        return torch.stack(outs, dim=1)

    def forward(self, x, h_0):
        diff = F.softplus(-self.linear_f(x)) - F.softplus(-self.linear_i(x))
        log_f = -F.softplus(diff)
        log_i = -F.softplus(-diff)
        log_h_0 = log_g(h_0)
        log_tilde_h = log_g(self.linear_h(x))
        log_coeffs = F.pad(log_f, (0, 0, 1, 0))
        h = parallel_scan_log(log_coeffs, torch.cat([log_h_0, log_i + log_tilde_h], dim=1))
        return h[:, 1:]


# g and log g at a few points, and their gradients
x = torch.linspace(-3, 3, 7, requires_grad=True)
print("g(x):", g(x))
print("log g(x):", log_g(x))
print("exp(log g) == g:", torch.allclose(log_g(x).exp(), g(x), atol=1e-6))
log_g(x).sum().backward()
print("d log g / dx:", x.grad)
print("log-sigmoid check:", torch.allclose(-F.softplus(-x), F.logsigmoid(x)))

# logcumsumexp against the naive log(cumsum(exp))
v = torch.randn(2, 5, 3)
print("logcumsumexp:", torch.logcumsumexp(v, dim=1)[0])
print("naive agrees:", torch.allclose(torch.logcumsumexp(v, dim=1), v.exp().cumsum(1).log(), atol=1e-6))
print("logcumsumexp dim=-1 shape:", torch.logcumsumexp(v, -1).shape, v.logcumsumexp(0).dtype)

# minGRU: the parallel scan equals feeding one token at a time
batch, seq_len, dim = 2, 12, 8
gru = MinGRU(dim)
print(gru)
x = torch.randn(batch, seq_len, dim)
parallel_out, last_hidden = gru(x, return_next_prev_hidden=True)
print("parallel out", parallel_out.shape, "last hidden", last_hidden.shape)
hidden = None
seq_outs = []
for t in range(seq_len):
    out, hidden = gru(x[:, t:t + 1], hidden, return_next_prev_hidden=True)
    seq_outs.append(out)
seq_out = torch.cat(seq_outs, dim=1)
print("minGRU modes agree:", torch.allclose(parallel_out, seq_out, atol=1e-5))
print("max abs diff < 1e-5:", (parallel_out - seq_out).abs().max().item() < 1e-5)
print("first step:", parallel_out[0, 0])
print("last step:", parallel_out[1, -1])

# continuing from a previous hidden state in parallel mode
first, h = gru(x[:, :5], return_next_prev_hidden=True)
second = gru(x[:, 5:], prev_hidden=h)
print("chunked equals whole:", torch.allclose(torch.cat([first, second], 1), parallel_out, atol=1e-5))

# minLSTM: both modes, with an initial state
lstm = MinLSTM(dim, 6)
h0 = torch.randn(batch, 1, 6)
par = lstm(x, h0)
seq = lstm.forward_sequential(x, g(h0[:, 0]))
print("minLSTM", par.shape, "modes agree:", torch.allclose(par, seq, atol=1e-5))
print("minLSTM last:", par[:, -1])
print([name for name, _ in lstm.named_parameters()])


# a small stacked minGRU language model, trained a few steps
class MinGRULM(nn.Module):
    def __init__(self, num_tokens, dim, depth, expansion=1.5):
        super().__init__()
        self.token_emb = nn.Embedding(num_tokens, dim)
        self.layers = nn.ModuleList([])
        for _ in range(depth):
            self.layers.append(nn.ModuleList([nn.RMSNorm(dim), MinGRU(dim, expansion), nn.LayerNorm(dim)]))
        self.norm = nn.RMSNorm(dim)
        self.to_logits = nn.Linear(dim, num_tokens, bias=False)

    def forward(self, x, return_loss=False):
        if return_loss:
            x, labels = x[:, :-1], x[:, 1:]
        x = self.token_emb(x)
        for norm, mingru, ln in self.layers:
            x = mingru(norm(x)) + x
            x = ln(x)
        logits = self.to_logits(self.norm(x))
        if not return_loss:
            return logits
        return F.cross_entropy(logits.transpose(1, 2), labels)


num_tokens = 11
model = MinGRULM(num_tokens, 16, depth=2)
print(model)
print(list(model.state_dict().keys()))
print("parameters:", sum(p.numel() for p in model.parameters()))
# sequences that count upward modulo num_tokens, so the next token is learnable
starts = torch.randint(0, num_tokens, (4, 1))
data = (starts + torch.arange(16)) % num_tokens
print(data[:2])
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01, betas=(0.9, 0.99))
for step in range(6):
    loss = model(data, return_loss=True)
    opt.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    print(f"step {step} loss {loss.item():.5f} grad norm {norm.item():.5f} ppl {math.exp(loss.item()):.4f}")
for name, p in list(model.named_parameters())[:6]:
    print(name, tuple(p.shape), f"{p.grad.norm().item():.6f}")
with torch.no_grad():
    logits = model(data[:, :-1])
    print("logits", logits.shape, logits.dtype)
    print("greedy:", logits.argmax(-1)[0])
    print("accuracy:", (logits.argmax(-1) == data[:, 1:]).float().mean())
