import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# Linear attention as an RNN, after Katharopoulos et al., "Transformers are RNNs" (2020) and the blog
# posts and course notebooks that re-derive it in a few lines of PyTorch: the feature map phi(x) = elu(x) + 1,
# the causal parallel form (phi(Q) phi(K)^T masked with tril, normalised by its row sums), the cumulative
# form with torch.cumsum over outer products, and the recurrent form that carries S = sum phi(k) v^T and
# z = sum phi(k). All three must agree; softmax attention (scaled_dot_product_attention with is_causal)
# is printed beside them. A one-layer linear-attention model then trains a few steps with Adam.

torch.manual_seed(11)


def phi(x):
    return F.elu(x) + 1


def causal_parallel(q, k, v, eps=1e-6):
    """(B, H, T, D) in, (B, H, T, D) out: the quadratic form with a lower-triangular mask."""
    T = q.shape[-2]
    qf, kf = phi(q), phi(k)
    scores = qf @ kf.transpose(-2, -1)
    mask = torch.tril(torch.ones(T, T))
    scores = scores * mask
    return (scores @ v) / (scores.sum(-1, keepdim=True) + eps)


def causal_cumsum(q, k, v, eps=1e-6):
    """The same with prefix sums of phi(k) v^T: memory T * D * D, no T x T matrix."""
    qf, kf = phi(q), phi(k)
    kv = torch.einsum("bhtd,bhte->bhtde", kf, v).cumsum(dim=2)
    z = kf.cumsum(dim=2)
    num = torch.einsum("bhtd,bhtde->bhte", qf, kv)
    den = torch.einsum("bhtd,bhtd->bht", qf, z).unsqueeze(-1)
    return num / (den + eps)


def causal_recurrent(q, k, v, eps=1e-6):
    """One step at a time: S_t = S_{t-1} + phi(k_t) v_t^T, z_t = z_{t-1} + phi(k_t)."""
    B, H, T, D = q.shape
    S = torch.zeros(B, H, D, v.shape[-1])
    z = torch.zeros(B, H, D)
    outs = []
    for t in range(T):
        qt, kt, vt = phi(q[:, :, t]), phi(k[:, :, t]), v[:, :, t]
        S = S + kt.unsqueeze(-1) * vt.unsqueeze(-2)
        z = z + kt
        num = (qt.unsqueeze(-2) @ S).squeeze(-2)
        den = (qt * z).sum(-1, keepdim=True)
        outs.append(num / (den + eps))
    return torch.stack(outs, dim=2), (S, z)


B, H, T, D = 2, 2, 8, 4
q, k, v = torch.randn(3, B, H, T, D).unbind(0)
print("phi:", phi(torch.tensor([-3.0, -1.0, 0.0, 2.0])))
print("phi > 0:", bool((phi(q) > 0).all()), phi(q).dtype)
print("mask:", torch.tril(torch.ones(4, 4)).int())
print("triu -inf mask:", torch.zeros(3, 3).masked_fill(torch.triu(torch.ones(3, 3, dtype=torch.bool), 1), float("-inf")))

par = causal_parallel(q, k, v)
cum = causal_cumsum(q, k, v)
rec, (S, z) = causal_recurrent(q, k, v)
print("shapes:", par.shape, cum.shape, rec.shape, "state", S.shape, z.shape)
print("parallel == cumsum:", torch.allclose(par, cum, atol=1e-5))
print("parallel == recurrent:", torch.allclose(par, rec, atol=1e-5))
print("first query attends only to itself:", torch.allclose(par[:, :, 0], v[:, :, 0], atol=1e-5))
print("out[0, 0, -1]:", par[0, 0, -1])
print("z == phi(k).sum:", torch.allclose(z, phi(k).sum(2)))

soft = F.scaled_dot_product_attention(q, k, v, is_causal=True)
manual = torch.softmax((q @ k.transpose(-2, -1)) / math.sqrt(D) + torch.triu(torch.full((T, T), float("-inf")), 1), -1) @ v
print("softmax attention:", soft.shape, torch.allclose(soft, manual, atol=1e-6))
print("softmax out[0, 0, -1]:", soft[0, 0, -1])
print("linear vs softmax mean abs diff:", f"{(soft - par).abs().mean().item():.5f}")

# gradients flow the same through the forms
qs, ks, vs = (t.clone().requires_grad_() for t in (q, k, v))
causal_parallel(qs, ks, vs).pow(2).sum().backward()
qr, kr, vr = (t.clone().requires_grad_() for t in (q, k, v))
causal_recurrent(qr, kr, vr)[0].pow(2).sum().backward()
print("grad q agree:", torch.allclose(qs.grad, qr.grad, atol=1e-4), f"{qs.grad.norm().item():.5f}")
print("grad v agree:", torch.allclose(vs.grad, vr.grad, atol=1e-4), f"{vs.grad.norm().item():.5f}")


class LinearAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x):
        Bx, Tx, C = x.shape
        qkv = self.qkv(x).view(Bx, Tx, 3, self.n_heads, self.d_head).permute(2, 0, 3, 1, 4)
        y = causal_cumsum(qkv[0], qkv[1], qkv[2])
        return self.proj(y.transpose(1, 2).contiguous().view(Bx, Tx, C))


class TinyLM(nn.Module):
    def __init__(self, vocab, d_model=16, n_heads=2, max_len=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(1, max_len, d_model))
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = LinearAttention(d_model, n_heads)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.head = nn.Linear(d_model, vocab)

    def forward(self, idx):
        x = self.tok(idx) + self.pos[:, :idx.shape[1]]
        x = x + self.attn(self.ln1(x))
        x = x + self.mlp(self.ln2(x))
        return self.head(x)


vocab = 9
lm = TinyLM(vocab)
nn.init.normal_(lm.pos, std=0.02)
print(lm)
print([n for n, _ in lm.named_parameters()])
data = torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4], [8, 7, 6, 5, 4, 3, 2, 1, 8, 7, 6, 5]])
opt = torch.optim.Adam(lm.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)
for step in range(5):
    logits = lm(data[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1), data[:, 1:].flatten())
    opt.zero_grad()
    loss.backward()
    gn = nn.utils.clip_grad_norm_(lm.parameters(), 1.0)
    opt.step()
    sched.step()
    print(f"step {step} loss {loss.item():.5f} grad norm {gn.item():.5f} lr {sched.get_last_lr()[0]:.6f}")
with torch.no_grad():
    pred = lm(data[:, :-1]).argmax(-1)
print("predictions:", pred)
print("qkv grad:", f"{lm.attn.qkv.weight.grad.norm().item():.6f}", "pos grad:", f"{lm.pos.grad.abs().sum().item():.6f}")
