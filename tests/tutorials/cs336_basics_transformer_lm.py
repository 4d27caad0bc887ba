import tinygrad_rnn as torch
import math
nn = torch.nn

# Stanford CS336 (Language Modeling from Scratch), assignment 1 "basics", the way student solutions write
# it: Linear and Embedding modules holding a bare nn.Parameter filled by nn.init.trunc_normal_, RMSNorm that
# upcasts to float32 and back, the SwiGLU feed-forward, RoPE from precomputed cos/sin caches registered as
# non-persistent buffers, softmax that subtracts the max, scaled dot-product attention with a masked_fill(-inf)
# causal mask, the pre-norm TransformerBlock and TransformerLM, and cross_entropy by logsumexp checked against
# F.cross_entropy. (Sizes shrunk: d_model 16, 2 layers, context 8; einsum strings instead of einops.)
torch.manual_seed(336)


class Linear(nn.Module):
    def __init__(self, in_features, out_features, device=None, dtype=None):
        super().__init__()
        std = math.sqrt(2.0 / (in_features + out_features))
        self.weight = nn.Parameter(torch.empty(out_features, in_features, device=device, dtype=dtype))
        nn.init.trunc_normal_(self.weight, mean=0.0, std=std, a=-3 * std, b=3 * std)

    def forward(self, x):
        return torch.einsum("...i,oi->...o", x, self.weight)

    def extra_repr(self):
        return f"d_out={self.weight.shape[0]}, d_in={self.weight.shape[1]}"


class Embedding(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, device=None, dtype=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty((num_embeddings, embedding_dim), device=device, dtype=dtype))
        nn.init.trunc_normal_(self.weight, std=1.0, a=-3.0, b=3.0)

    def forward(self, token_ids):
        return self.weight[token_ids]


class RMSNorm(nn.Module):
    def __init__(self, d_model, eps=1e-5, device=None, dtype=None):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model, device=device, dtype=dtype))

    def forward(self, x):
        in_dtype = x.dtype
        x = x.to(torch.float32)
        rms = torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (x / rms * self.weight).to(in_dtype)


def silu(x):
    return x * torch.sigmoid(x)


class SwiGLU(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.w1 = Linear(d_model, d_ff)
        self.w2 = Linear(d_ff, d_model)
        self.w3 = Linear(d_model, d_ff)

    def forward(self, x):
        return self.w2(silu(self.w1(x)) * self.w3(x))


class RotaryPositionalEmbedding(nn.Module):
    def __init__(self, theta, d_k, max_seq_len, device=None):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, d_k, 2, device=device).float() / d_k))
        positions = torch.arange(max_seq_len, device=device, dtype=torch.float32)
        angles = positions[:, None] * inv_freq[None, :]       # (max_seq_len, d_k/2)
        self.register_buffer("cos_cached", angles.cos(), persistent=False)
        self.register_buffer("sin_cached", angles.sin(), persistent=False)

    def forward(self, x, token_positions):
        cos = self.cos_cached[token_positions]
        sin = self.sin_cached[token_positions]
        x_even, x_odd = x[..., 0::2], x[..., 1::2]
        rot_even = x_even * cos - x_odd * sin
        rot_odd = x_even * sin + x_odd * cos
        return torch.stack((rot_even, rot_odd), dim=-1).flatten(-2)


def softmax(x, dim):
    x_max = torch.max(x, dim=dim, keepdim=True).values
    exp = torch.exp(x - x_max)
    return exp / exp.sum(dim=dim, keepdim=True)


def scaled_dot_product_attention(Q, K, V, mask=None):
    d_k = Q.shape[-1]
    scores = torch.einsum("...qd,...kd->...qk", Q, K) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.einsum("...qk,...kd->...qd", softmax(scores, dim=-1), V)


class CausalMultiHeadSelfAttention(nn.Module):
    def __init__(self, d_model, num_heads, rope=None):
        super().__init__()
        self.num_heads, self.d_k = num_heads, d_model // num_heads
        self.q_proj, self.k_proj = Linear(d_model, d_model), Linear(d_model, d_model)
        self.v_proj, self.output_proj = Linear(d_model, d_model), Linear(d_model, d_model)
        self.rope = rope

    def _split_heads(self, x):
        *batch, seq, _ = x.shape
        return x.view(*batch, seq, self.num_heads, self.d_k).transpose(-3, -2)

    def forward(self, x, token_positions=None):
        seq_len = x.shape[-2]
        Q, K, V = (self._split_heads(p(x)) for p in (self.q_proj, self.k_proj, self.v_proj))
        if self.rope is not None:
            if token_positions is None:
                token_positions = torch.arange(seq_len, device=x.device)
            Q, K = self.rope(Q, token_positions), self.rope(K, token_positions)
        mask = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool, device=x.device))
        out = scaled_dot_product_attention(Q, K, V, mask)
        out = out.transpose(-3, -2).contiguous().view(*x.shape)
        return self.output_proj(out)


class TransformerBlock(nn.Module):
    def __init__(self, d_model, num_heads, d_ff, rope):
        super().__init__()
        self.ln1 = RMSNorm(d_model)
        self.attn = CausalMultiHeadSelfAttention(d_model, num_heads, rope)
        self.ln2 = RMSNorm(d_model)
        self.ffn = SwiGLU(d_model, d_ff)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.ffn(self.ln2(x))


class TransformerLM(nn.Module):
    def __init__(self, vocab_size, context_length, d_model, num_layers, num_heads, d_ff, rope_theta):
        super().__init__()
        self.context_length = context_length
        self.token_embeddings = Embedding(vocab_size, d_model)
        rope = RotaryPositionalEmbedding(rope_theta, d_model // num_heads, context_length)
        self.layers = nn.ModuleList([TransformerBlock(d_model, num_heads, d_ff, rope) for _ in range(num_layers)])
        self.ln_final = RMSNorm(d_model)
        self.lm_head = Linear(d_model, vocab_size)

    def forward(self, in_indices):
        x = self.token_embeddings(in_indices)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.ln_final(x))


def cross_entropy(logits, targets):
    logits = logits - logits.max(dim=-1, keepdim=True).values
    log_z = torch.logsumexp(logits, dim=-1)
    target_logits = torch.gather(logits, -1, targets.unsqueeze(-1)).squeeze(-1)
    return (log_z - target_logits).mean()


# The unit-level checks the assignment's tests make, one module at a time.
lin = Linear(4, 3)
print(lin)
print(lin.weight.shape, lin.weight.abs().max().item() <= 3 * math.sqrt(2 / 7))
print(lin(torch.ones(2, 4)))
emb = Embedding(10, 4)
print(emb(torch.tensor([[1, 2], [3, 9]])).shape, emb.weight.abs().max() <= 3.0)
norm = RMSNorm(4)
h = torch.randn(2, 3, 4, dtype=torch.float64)
print(norm(h).dtype, norm(h).pow(2).mean(-1))
print(torch.allclose(norm(h.float()), nn.functional.rms_norm(h.float(), (4,), norm.weight, eps=1e-5), atol=1e-6))
print(silu(torch.linspace(-2, 2, 5)), nn.functional.silu(torch.linspace(-2, 2, 5)))
ffn = SwiGLU(4, 8)
print(ffn, ffn(h.float()).shape)
rope = RotaryPositionalEmbedding(10000.0, 4, 6)
print(rope.cos_cached.shape, list(rope.state_dict().keys()), [n for n, _ in rope.named_buffers()])
q = torch.randn(1, 6, 4)
q_rot = rope(q, torch.arange(6))
print(q_rot.norm(dim=-1) - q.norm(dim=-1))
print(q_rot[0, 0] == q[0, 0])
s = torch.tensor([[1.0, 2.0, 1000.0], [-1e4, 0.0, 3.0]])
print(softmax(s, dim=-1), torch.softmax(s, dim=-1))
Q, K, V = torch.randn(2, 5, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 4)
causal = torch.tril(torch.ones(5, 5, dtype=torch.bool))
ours = scaled_dot_product_attention(Q, K, V, causal)
ref = nn.functional.scaled_dot_product_attention(Q, K, V, is_causal=True)
print(ours.shape, torch.allclose(ours, ref, atol=1e-6), (ours - ref).abs().max() < 1e-5)

vocab_size, context_length = 20, 8
model = TransformerLM(vocab_size, context_length, d_model=16, num_layers=2, num_heads=2, d_ff=32, rope_theta=10000.0)
print(model)
print(sum(p.numel() for p in model.parameters()), len(list(model.parameters())))
print([k for k in model.state_dict().keys()][:8], len(model.state_dict()))
print([(n, tuple(p.shape)) for n, p in model.named_parameters() if "layers.1" in n])
x = torch.randint(0, vocab_size, (3, context_length))
logits = model(x)
print(logits.shape, logits.dtype)
targets = torch.roll(x, shifts=-1, dims=1)
loss = cross_entropy(logits, targets)
ref_loss = nn.functional.cross_entropy(logits.view(-1, vocab_size), targets.view(-1))
print(loss, ref_loss, torch.isclose(loss, ref_loss))
print(cross_entropy(torch.tensor([[1000.0, 0.0], [0.0, -1000.0]]), torch.tensor([1, 0])))
loss.backward()
print({n: round(p.grad.norm().item(), 4) for n, p in model.named_parameters() if "layers.0.attn" in n})

# Causality: the logits at position t must not change when a later token changes.
with torch.no_grad():
    x2 = x.clone()
    x2[:, -1] = (x2[:, -1] + 1) % vocab_size
    print(torch.allclose(model(x)[:, :-1], model(x2)[:, :-1], atol=1e-6), torch.equal(model(x)[:, -1], model(x2)[:, -1]))

# A few SGD steps on a repeating sequence: the loss goes down.
seq = torch.tensor([i % 7 for i in range(40)])
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(5):
    starts = torch.randint(0, len(seq) - context_length - 1, (4,))
    xb = torch.stack([seq[s:s + context_length] for s in starts.tolist()])
    yb = torch.stack([seq[s + 1:s + 1 + context_length] for s in starts.tolist()])
    opt.zero_grad(set_to_none=True)
    loss = cross_entropy(model(xb), yb)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}", f"perplexity {math.exp(loss.item()):.3f}")

# Greedy decoding with the context window cut to context_length.
model.eval()
ids = torch.tensor([[0, 1, 2]])
with torch.inference_mode():
    for _ in range(10):
        next_logits = model(ids[:, -context_length:])[:, -1, :]
        probs = softmax(next_logits / 0.8, dim=-1)
        ids = torch.cat([ids, probs.argmax(dim=-1, keepdim=True)], dim=-1)
print(ids, ids.is_inference(), probs.sum())
