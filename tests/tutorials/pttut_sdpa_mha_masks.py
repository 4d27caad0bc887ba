import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# PyTorch's "(Beta) Implementing High-Performance Transformers with Scaled Dot Product Attention" tutorial
# (its CausalSelfAttention module, the kernel switches, both the torch 2.0 form
# torch.backends.cuda.sdp_kernel and torch.nn.attention.sdpa_kernel), checked against attention written
# with torch.einsum, then nn.MultiheadAttention with every kind of mask blog posts use: bool and float
# causal masks, key_padding_mask, per-head 3-D masks, kdim/vdim, add_bias_kv/add_zero_attn, the
# per-head weights, and the eval-mode fast path zeroing padded positions.
torch.manual_seed(0)
query, key, value = torch.randn(2, 3, 8), torch.randn(2, 3, 8), torch.randn(2, 3, 8)
print(F.scaled_dot_product_attention(query, key, value))


def naive_attention(q, k, v, mask=None, scale=None):
    scale = scale if scale is not None else 1.0 / math.sqrt(q.size(-1))
    scores = torch.einsum("...qd,...kd->...qk", q, k) * scale
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    weights = scores.softmax(dim=-1)
    return torch.einsum("...qk,...kd->...qd", weights, v), weights


out, w = naive_attention(query, key, value)
print(torch.allclose(out, F.scaled_dot_product_attention(query, key, value), atol=1e-6), w.sum(-1))
causal = torch.ones(3, 3, dtype=torch.bool).tril(diagonal=0)
print(causal, (naive_attention(query, key, value, causal)[0] - F.scaled_dot_product_attention(query, key, value, is_causal=True)).abs().max() < 1e-6)
print(F.scaled_dot_product_attention(query, key, value, attn_mask=causal, scale=0.5)[0, :2])
float_mask = torch.zeros(3, 3).masked_fill(~causal, float("-inf"))
print(float_mask, F.scaled_dot_product_attention(query, key, value, attn_mask=float_mask).shape)

print("-- the kernel switches")
with torch.backends.cuda.sdp_kernel(enable_flash=False, enable_math=True, enable_mem_efficient=False) as ctx:
    print(ctx, torch.backends.cuda.flash_sdp_enabled(), torch.backends.cuda.math_sdp_enabled())
    print(F.scaled_dot_product_attention(query, key, value)[0, 0])
print(torch.backends.cuda.flash_sdp_enabled(), torch.backends.cuda.mem_efficient_sdp_enabled())
with torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.MATH) as ctx:
    print(ctx, torch.backends.cuda.cudnn_sdp_enabled(), F.scaled_dot_product_attention(query, key, value).shape)
print([b.name for b in [torch.nn.attention.SDPBackend.MATH, torch.nn.attention.SDPBackend.FLASH_ATTENTION]])


class CausalSelfAttention(nn.Module):
    def __init__(self, num_heads: int, embed_dimension: int, bias: bool = False, is_causal: bool = False, dropout: float = 0.0):
        super().__init__()
        assert embed_dimension % num_heads == 0
        self.c_attn = nn.Linear(embed_dimension, 3 * embed_dimension, bias=bias)
        self.c_proj = nn.Linear(embed_dimension, embed_dimension, bias=bias)
        self.dropout = dropout
        self.resid_dropout = nn.Dropout(dropout)
        self.num_heads = num_heads
        self.embed_dimension = embed_dimension
        self.is_causal = is_causal

    def forward(self, x):
        query_projected = self.c_attn(x)
        batch_size = query_projected.size(0)
        embed_dim = query_projected.size(2)
        head_dim = embed_dim // (self.num_heads * 3)
        query, key, value = query_projected.chunk(3, -1)
        query = query.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)
        key = key.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)
        value = value.view(batch_size, -1, self.num_heads, head_dim).transpose(1, 2)
        if self.training:
            dropout = self.dropout
            is_causal = self.is_causal
        else:
            dropout = 0.0
            is_causal = False
        y = F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=dropout, is_causal=is_causal)
        try:
            y = y.transpose(1, 2).view(batch_size, -1, self.num_heads * head_dim)
        except RuntimeError as e:  # with dropout the CPU kernel's output is laid out otherwise
            print("RuntimeError:", e, y.stride(), y.transpose(1, 2).is_contiguous())
            y = y.transpose(1, 2).reshape(batch_size, -1, self.num_heads * head_dim)
        y = self.resid_dropout(self.c_proj(y))
        return y


num_heads, heads_per_dim = 2, 4
embed_dimension = num_heads * heads_per_dim
model = CausalSelfAttention(num_heads=num_heads, embed_dimension=embed_dimension, bias=False, is_causal=True, dropout=0.1).eval()
print(model)
x = torch.rand(2, 5, embed_dimension)
y = model(x)
print(y.shape, y.grad_fn.name(), y[0, 0])
model.train()
torch.manual_seed(1)
y_train = model(x)
print(y_train[0, :2], (y_train - y).abs().max() > 0)
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
for step in range(3):
    loss = (model(x) - x).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.5f}")

print("-- nn.MultiheadAttention masks")
torch.manual_seed(2)
mha = nn.MultiheadAttention(8, 2, batch_first=True)
x = torch.randn(2, 4, 8)
kpm = torch.tensor([[False, False, False, True], [False, False, True, True]])
causal_f = nn.Transformer.generate_square_subsequent_mask(4)
print(causal_f)
out, weights = mha(x, x, x, key_padding_mask=kpm)
print(out.shape, weights[1])
out, weights = mha(x, x, x, attn_mask=causal_f, average_attn_weights=False)
print(weights.shape, weights[0, 1])
out, weights = mha(x, x, x, attn_mask=causal_f.isinf(), key_padding_mask=kpm)
print(weights[1])
head_masks = torch.zeros(2 * 2, 4, 4, dtype=torch.bool)
head_masks[1::2, :, 0] = True
out, weights = mha(x, x, x, attn_mask=head_masks, average_attn_weights=False)
print(weights[0, :, :, 0])
out, weights = mha(x, x, x, need_weights=False)
print(weights, out[0, 0])
cross = nn.MultiheadAttention(8, 2, kdim=5, vdim=3, batch_first=True)
memory_k, memory_v = torch.randn(2, 6, 5), torch.randn(2, 6, 3)
out, weights = cross(x, memory_k, memory_v)
print(out.shape, weights.shape, [n for n, _ in cross.named_parameters()])
extra = nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True)
out, weights = extra(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), key_padding_mask=kpm)
print(out.shape, weights.shape, weights[0, 0])
mha.eval()
with torch.no_grad():
    fast, _ = mha(x, x, x, key_padding_mask=kpm, need_weights=False)
print(fast[1])
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 1, enable_nested_tensor=False)
enc.eval()
with torch.no_grad():
    print(enc(x, src_key_padding_mask=kpm)[1], enc(x, mask=causal_f, is_causal=True).shape)
