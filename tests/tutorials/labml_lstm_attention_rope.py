import tinygrad_rnn as torch
import math
from typing import Optional, List, Tuple
nn = torch.nn
F = torch.nn.functional
# labml.ai "annotated deep learning paper implementations": the LSTM cell and stacked LSTM written from scratch
# (hidden/cell chunking, optional LayerNorm), HyperLSTM, multi-head attention with einsum('ibhd,jbhd->ijbh')
# and masks, rotary positional embeddings with cos/sin caches, gated feed-forward (GLU, GEGLU, SwiGLU),
# RMSNorm, and the top-k / nucleus samplers. Their labml helpers are left out; tensors are [seq, batch, ...].
torch.manual_seed(0)

class LSTMCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, layer_norm: bool = False):
        super().__init__()
        self.hidden_lin = nn.Linear(hidden_size, 4 * hidden_size)
        self.input_lin = nn.Linear(input_size, 4 * hidden_size, bias=False)
        if layer_norm:
            self.layer_norm = nn.ModuleList([nn.LayerNorm(hidden_size) for _ in range(4)])
            self.layer_norm_c = nn.LayerNorm(hidden_size)
        else:
            self.layer_norm = nn.ModuleList([nn.Identity() for _ in range(4)])
            self.layer_norm_c = nn.Identity()
    def forward(self, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor):
        ifgo = self.hidden_lin(h) + self.input_lin(x)
        ifgo = ifgo.chunk(4, dim=-1)
        ifgo = [self.layer_norm[i](ifgo[i]) for i in range(4)]
        i, f, g, o = ifgo
        c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_next = torch.sigmoid(o) * torch.tanh(self.layer_norm_c(c_next))
        return h_next, c_next

class LSTM(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, n_layers: int):
        super().__init__()
        self.n_layers = n_layers
        self.hidden_size = hidden_size
        self.cells = nn.ModuleList([LSTMCell(input_size, hidden_size)] +
                                   [LSTMCell(hidden_size, hidden_size) for _ in range(n_layers - 1)])
    def forward(self, x: torch.Tensor, state: Optional[Tuple[torch.Tensor, torch.Tensor]] = None):
        n_steps, batch_size = x.shape[:2]
        if state is None:
            h = [x.new_zeros(batch_size, self.hidden_size) for _ in range(self.n_layers)]
            c = [x.new_zeros(batch_size, self.hidden_size) for _ in range(self.n_layers)]
        else:
            (h, c) = state
            h, c = list(torch.unbind(h)), list(torch.unbind(c))
        out = []
        for t in range(n_steps):
            inp = x[t]
            for layer in range(self.n_layers):
                h[layer], c[layer] = self.cells[layer](inp, h[layer], c[layer])
                inp = h[layer]
            out.append(h[-1])
        out = torch.stack(out)
        h = torch.stack(h)
        c = torch.stack(c)
        return out, (h, c)

lstm = LSTM(3, 5, 2)
print(lstm)
x = torch.randn(6, 2, 3)
out, (h, c) = lstm(x)
print(out.shape, h.shape, c.shape, out.grad_fn.name(), h.grad_fn)
print(out[-1], c[0])
out2, state2 = lstm(x[:2], (h, c))
print(out2.sum(), [n for n, _ in lstm.named_parameters()][:4])
out.pow(2).mean().backward()
print(lstm.cells[0].hidden_lin.weight.grad.norm(), lstm.cells[1].input_lin.weight.grad[:2])
lncell = LSTMCell(3, 4, layer_norm=True)
hn, cn = lncell(x[0], torch.zeros(2, 4), torch.zeros(2, 4))
print(hn, cn.grad_fn.name(), len(list(lncell.parameters())))

# ------------------------------------------------------------------ HyperLSTM
class HyperLSTMCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, hyper_size: int, n_z: int):
        super().__init__()
        self.hyper = LSTMCell(hidden_size + input_size, hyper_size, layer_norm=True)
        self.z_h = nn.Linear(hyper_size, 4 * n_z)
        self.z_x = nn.Linear(hyper_size, 4 * n_z)
        self.z_b = nn.Linear(hyper_size, 4 * n_z, bias=False)
        d_h = [nn.Linear(n_z, hidden_size, bias=False) for _ in range(4)]
        self.d_h = nn.ModuleList(d_h)
        d_x = [nn.Linear(n_z, hidden_size, bias=False) for _ in range(4)]
        self.d_x = nn.ModuleList(d_x)
        d_b = [nn.Linear(n_z, hidden_size) for _ in range(4)]
        self.d_b = nn.ModuleList(d_b)
        self.w_h = nn.ParameterList([nn.Parameter(torch.zeros(hidden_size, hidden_size)) for _ in range(4)])
        self.w_x = nn.ParameterList([nn.Parameter(torch.zeros(hidden_size, input_size)) for _ in range(4)])
        self.layer_norm = nn.ModuleList([nn.LayerNorm(hidden_size) for _ in range(4)])
        self.layer_norm_c = nn.LayerNorm(hidden_size)
        for p in self.w_h:
            nn.init.normal_(p, std=0.3)
        for p in self.w_x:
            nn.init.normal_(p, std=0.3)
    def forward(self, x, h, c, h_hat, c_hat):
        x_hat = torch.cat((h, x), dim=-1)
        h_hat, c_hat = self.hyper(x_hat, h_hat, c_hat)
        z_h = self.z_h(h_hat).chunk(4, dim=-1)
        z_x = self.z_x(h_hat).chunk(4, dim=-1)
        z_b = self.z_b(h_hat).chunk(4, dim=-1)
        ifgo = []
        for i in range(4):
            d_h = self.d_h[i](z_h[i])
            d_x = self.d_x[i](z_x[i])
            y = d_h * torch.einsum('ij,bj->bi', self.w_h[i], h) + \
                d_x * torch.einsum('ij,bj->bi', self.w_x[i], x) + \
                self.d_b[i](z_b[i])
            ifgo.append(self.layer_norm[i](y))
        i, f, g, o = ifgo
        c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_next = torch.sigmoid(o) * torch.tanh(self.layer_norm_c(c_next))
        return h_next, c_next, h_hat, c_hat
hyper = HyperLSTMCell(3, 4, 6, 2)
h, c = x.new_zeros(2, 4), x.new_zeros(2, 4)
h_hat, c_hat = x.new_zeros(2, 6), x.new_zeros(2, 6)
outs = []
for t in range(x.shape[0]):
    h, c, h_hat, c_hat = hyper(x[t], h, c, h_hat, c_hat)
    outs.append(h)
outs = torch.stack(outs)
print(outs.shape, outs[-1], h_hat.grad_fn.name())
outs.sum().backward()
print(hyper.w_h[0].grad, hyper.z_b.weight.grad.shape, type(hyper.w_x).__name__, len(hyper.w_x))

# ------------------------------------------------------------------ multi-head attention
class PrepareForMultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, d_k: int, bias: bool):
        super().__init__()
        self.linear = nn.Linear(d_model, heads * d_k, bias=bias)
        self.heads = heads
        self.d_k = d_k
    def forward(self, x: torch.Tensor):
        head_shape = x.shape[:-1]
        x = self.linear(x)
        x = x.view(*head_shape, self.heads, self.d_k)
        return x
class MultiHeadAttention(nn.Module):
    def __init__(self, heads: int, d_model: int, dropout_prob: float = 0.1, bias: bool = True):
        super().__init__()
        self.d_k = d_model // heads
        self.heads = heads
        self.query = PrepareForMultiHeadAttention(d_model, heads, self.d_k, bias=bias)
        self.key = PrepareForMultiHeadAttention(d_model, heads, self.d_k, bias=bias)
        self.value = PrepareForMultiHeadAttention(d_model, heads, self.d_k, bias=True)
        self.softmax = nn.Softmax(dim=1)
        self.output = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout_prob)
        self.scale = 1 / math.sqrt(self.d_k)
        self.attn = None
    def get_scores(self, query: torch.Tensor, key: torch.Tensor):
        return torch.einsum('ibhd,jbhd->ijbh', query, key)
    def prepare_mask(self, mask: torch.Tensor, query_shape: List[int], key_shape: List[int]):
        assert mask.shape[0] == 1 or mask.shape[0] == query_shape[0]
        assert mask.shape[1] == key_shape[0]
        assert mask.shape[2] == 1 or mask.shape[2] == query_shape[1]
        mask = mask.unsqueeze(-1)
        return mask
    def forward(self, *, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                mask: Optional[torch.Tensor] = None):
        seq_len, batch_size, _ = query.shape
        if mask is not None:
            mask = self.prepare_mask(mask, query.shape, key.shape)
        query = self.query(query)
        key = self.key(key)
        value = self.value(value)
        scores = self.get_scores(query, key)
        scores *= self.scale
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float('-inf'))
        attn = self.softmax(scores)
        self.attn = attn.detach().clone()
        attn = self.dropout(attn)
        x = torch.einsum("ijbh,jbhd->ibhd", attn, value)
        x = x.reshape(seq_len, batch_size, -1)
        return self.output(x)
def subsequent_mask(seq_len):
    mask = torch.tril(torch.ones(seq_len, seq_len)).to(torch.bool).unsqueeze(-1)
    return mask
mha = MultiHeadAttention(heads=2, d_model=8, dropout_prob=0.0)
seq = torch.randn(5, 3, 8)
mask = subsequent_mask(5)
print(mask.shape, mask[:, :, 0])
y = mha(query=seq, key=seq, value=seq, mask=mask)
print(y.shape, y.grad_fn.name(), mha.attn[:, :, 0, 1])
y.pow(2).sum().backward()
print(mha.query.linear.weight.grad.norm(), mha.value.linear.bias.grad)
y2 = mha(query=seq, key=seq, value=seq)
print(y2[0, 0], mha.attn.sum(dim=1)[0])

# ------------------------------------------------------------------ rotary positional embeddings
class RotaryPositionalEmbeddings(nn.Module):
    def __init__(self, d: int, base: int = 10_000):
        super().__init__()
        self.base = base
        self.d = d
        self.cos_cached = None
        self.sin_cached = None
    def _build_cache(self, x: torch.Tensor):
        if self.cos_cached is not None and x.shape[0] <= self.cos_cached.shape[0]:
            return
        seq_len = x.shape[0]
        theta = 1. / (self.base ** (torch.arange(0, self.d, 2).float() / self.d)).to(x.device)
        seq_idx = torch.arange(seq_len, device=x.device).float().to(x.device)
        idx_theta = torch.einsum('n,d->nd', seq_idx, theta)
        idx_theta2 = torch.cat([idx_theta, idx_theta], dim=1)
        self.cos_cached = idx_theta2.cos()[:, None, None, :]
        self.sin_cached = idx_theta2.sin()[:, None, None, :]
    def _neg_half(self, x: torch.Tensor):
        d_2 = self.d // 2
        return torch.cat([-x[:, :, :, d_2:], x[:, :, :, :d_2]], dim=-1)
    def forward(self, x: torch.Tensor):
        self._build_cache(x)
        x_rope, x_pass = x[..., :self.d], x[..., self.d:]
        neg_half_x = self._neg_half(x_rope)
        x_rope = (x_rope * self.cos_cached[:x.shape[0]]) + (neg_half_x * self.sin_cached[:x.shape[0]])
        return torch.cat((x_rope, x_pass), dim=-1)
rope = RotaryPositionalEmbeddings(4)
xr = torch.tensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]], dtype=torch.float)
xr = xr[:, None, None, :]
print(xr.shape, rope(xr).squeeze(), rope.cos_cached.shape, rope.sin_cached[1])
q = torch.randn(6, 2, 2, 4, requires_grad=True)
rq = rope(q)
print(rq.norm(dim=-1)[0], q.norm(dim=-1)[0], rope.cos_cached.shape)
(rq * torch.arange(4.)).sum().backward()
print(q.grad[3, 0])

# ------------------------------------------------------------------ gated feed-forward, RMSNorm
class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.1, activation=nn.ReLU(),  # noqa: B008 (labml.ai writes it so)
                 is_gated: bool = False, bias1: bool = True, bias2: bool = True, bias_gate: bool = True):
        super().__init__()
        self.layer1 = nn.Linear(d_model, d_ff, bias=bias1)
        self.layer2 = nn.Linear(d_ff, d_model, bias=bias2)
        self.dropout = nn.Dropout(dropout)
        self.activation = activation
        self.is_gated = is_gated
        if is_gated:
            self.linear_v = nn.Linear(d_model, d_ff, bias=bias_gate)
    def forward(self, x: torch.Tensor):
        g = self.activation(self.layer1(x))
        if self.is_gated:
            x = g * self.linear_v(x)
        else:
            x = g
        x = self.dropout(x)
        return self.layer2(x)
xf = torch.randn(4, 2, 6)
for name, act in [('FFN_ReLU', nn.ReLU()), ('FFN_GELU', nn.GELU()), ('FFN_GLU', nn.Sigmoid()),
                  ('FFN_Bilinear', nn.Identity()), ('FFN_ReGLU', nn.ReLU()), ('FFN_GEGLU', nn.GELU()),
                  ('FFN_SwiGLU', nn.SiLU())]:
    gated = name not in ('FFN_ReLU', 'FFN_GELU')
    ffn = FeedForward(6, 10, 0.0, act, gated, bias1=not gated, bias2=not gated, bias_gate=False)
    yf = ffn(xf)
    yf.sum().backward()
    print(name, yf[0, 0], ffn.layer1.weight.grad.abs().sum(), ffn.layer1.bias, repr(act))
class RMSNorm(nn.Module):
    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True):
        super().__init__()
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.gain = nn.Parameter(torch.ones(normalized_shape))
    def forward(self, x: torch.Tensor):
        ms = (x ** 2).mean(dim=-1, keepdim=True)
        x_norm = x / torch.sqrt(ms + self.eps)
        if self.elementwise_affine:
            x_norm = self.gain * x_norm
        return x_norm
rms = RMSNorm(6)
print(rms(xf)[0], torch.allclose(rms(xf), nn.RMSNorm(6, eps=1e-5)(xf), atol=1e-6))
ln = nn.LayerNorm([6], eps=1e-5, elementwise_affine=True)
print(ln(xf)[1, 1], F.layer_norm(xf, (6,))[1, 1], F.rms_norm(xf, (6,), eps=1e-5)[1, 1])

# ------------------------------------------------------------------ sampling
class TemperatureSampler:
    def __init__(self, temperature: float = 1.0):
        self.temperature = temperature
    def __call__(self, logits: torch.Tensor):
        dist = torch.distributions.Categorical(logits=logits / self.temperature)
        return dist.sample()
class GreedySampler:
    def __call__(self, logits: torch.Tensor):
        return logits.argmax(dim=-1)
class TopKSampler:
    def __init__(self, k: int, sampler):
        self.k = k
        self.sampler = sampler
    def __call__(self, logits: torch.Tensor):
        zeros = logits.new_ones(logits.shape) * float('-inf')
        values, indices = torch.topk(logits, self.k, dim=-1)
        zeros.scatter_(-1, indices, values)
        return self.sampler(zeros)
class NucleusSampler:
    def __init__(self, p: float, sampler):
        self.p = p
        self.sampler = sampler
        self.softmax = nn.Softmax(dim=-1)
    def __call__(self, logits: torch.Tensor):
        probs = self.softmax(logits)
        sorted_probs, indices = torch.sort(probs, dim=-1, descending=True)
        cum_sum_probs = torch.cumsum(sorted_probs, dim=-1)
        nucleus = cum_sum_probs < self.p
        nucleus = torch.cat([nucleus.new_ones(nucleus.shape[:-1] + (1,)), nucleus[..., :-1]], dim=-1)
        sorted_log_probs = torch.log(sorted_probs)
        sorted_log_probs[~nucleus] = float('-inf')
        sampled_sorted_indexes = self.sampler(sorted_log_probs)
        res = indices.gather(-1, sampled_sorted_indexes.unsqueeze(-1))
        return res.squeeze(-1)
logits = torch.randn(3, 10)
torch.manual_seed(42)
print(GreedySampler()(logits), TemperatureSampler(0.7)(logits), TopKSampler(3, TemperatureSampler(1.))(logits))
print(NucleusSampler(0.6, TemperatureSampler(1.))(logits), NucleusSampler(0.9, GreedySampler())(logits))
samples = torch.stack([TopKSampler(2, TemperatureSampler(1.))(logits) for _ in range(20)])
print(samples.T, samples.dtype)
probs = F.softmax(logits, dim=-1)
sp, si = torch.sort(probs, dim=-1, descending=True)
print(sp[0], si[0], torch.cumsum(sp, dim=-1)[0], torch.multinomial(probs, 4, replacement=True))
