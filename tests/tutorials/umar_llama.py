import tinygrad_rnn as torch
import math
from dataclasses import dataclass
from typing import Optional
nn = torch.nn
F = torch.nn.functional
# Umar Jamil's pytorch-llama (model.py, inference.py): RMSNorm, rotary embeddings, grouped-query
# attention with repeat_kv and a KV cache written by slice assignment, the SwiGLU feed-forward, and
# text completion one token at a time with top-p sampling (sort, cumsum, multinomial, gather).
# The rotary embedding is the real-valued form of the repo's torch.polar / view_as_complex code
# (tinygrad_rnn has no complex tensors): the same pairs of features, rotated by cos and sin.


@dataclass
class ModelArgs:
    dim: int = 4096
    n_layers: int = 32
    n_heads: int = 32
    n_kv_heads: Optional[int] = None
    vocab_size: int = -1
    multiple_of: int = 256
    ffn_dim_multiplier: Optional[float] = None
    norm_eps: float = 1e-5
    max_batch_size: int = 32
    max_seq_len: int = 2048
    device: str = None


def precompute_theta_pos_frequencies(head_dim: int, seq_len: int, device: str, theta: float = 10000.0):
    assert head_dim % 2 == 0, "Dimension must be divisible by 2"
    theta_numerator = torch.arange(0, head_dim, 2).float()
    theta = 1.0 / (theta ** (theta_numerator / head_dim)).to(device)
    m = torch.arange(seq_len, device=device)
    freqs = torch.outer(m, theta).float()
    # the repo: torch.polar(torch.ones_like(freqs), freqs), a complex tensor of cos + i sin
    return torch.stack((torch.cos(freqs), torch.sin(freqs)), dim=-1)


def apply_rotary_embeddings(x: torch.Tensor, freqs_complex: torch.Tensor, device: str):
    # the repo: torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2)) * freqs, then view_as_real
    x_pairs = x.float().reshape(*x.shape[:-1], -1, 2)
    freqs = freqs_complex.unsqueeze(0).unsqueeze(2)
    cos, sin = freqs[..., 0], freqs[..., 1]
    real = x_pairs[..., 0] * cos - x_pairs[..., 1] * sin
    imag = x_pairs[..., 0] * sin + x_pairs[..., 1] * cos
    x_out = torch.stack((real, imag), dim=-1)
    x_out = x_out.reshape(*x.shape)
    return x_out.type_as(x).to(device)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x: torch.Tensor):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x: torch.Tensor):
        return self.weight * self._norm(x.float()).type_as(x)


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    batch_size, seq_len, n_kv_heads, head_dim = x.shape
    if n_rep == 1:
        return x
    return (
        x[:, :, :, None, :]
        .expand(batch_size, seq_len, n_kv_heads, n_rep, head_dim)
        .reshape(batch_size, seq_len, n_kv_heads * n_rep, head_dim)
    )


class SelfAttention(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.n_kv_heads = args.n_heads if args.n_kv_heads is None else args.n_kv_heads
        self.n_heads_q = args.n_heads
        self.n_rep = self.n_heads_q // self.n_kv_heads
        self.head_dim = args.dim // args.n_heads
        self.wq = nn.Linear(args.dim, args.n_heads * self.head_dim, bias=False)
        self.wk = nn.Linear(args.dim, self.n_kv_heads * self.head_dim, bias=False)
        self.wv = nn.Linear(args.dim, self.n_kv_heads * self.head_dim, bias=False)
        self.wo = nn.Linear(args.n_heads * self.head_dim, args.dim, bias=False)
        self.cache_k = torch.zeros((args.max_batch_size, args.max_seq_len, self.n_kv_heads, self.head_dim))
        self.cache_v = torch.zeros((args.max_batch_size, args.max_seq_len, self.n_kv_heads, self.head_dim))

    def forward(self, x: torch.Tensor, start_pos: int, freqs_complex: torch.Tensor):
        batch_size, seq_len, _ = x.shape
        xq = self.wq(x)
        xk = self.wk(x)
        xv = self.wv(x)
        xq = xq.view(batch_size, seq_len, self.n_heads_q, self.head_dim)
        xk = xk.view(batch_size, seq_len, self.n_kv_heads, self.head_dim)
        xv = xv.view(batch_size, seq_len, self.n_kv_heads, self.head_dim)
        xq = apply_rotary_embeddings(xq, freqs_complex, device=x.device)
        xk = apply_rotary_embeddings(xk, freqs_complex, device=x.device)
        self.cache_k[:batch_size, start_pos : start_pos + seq_len] = xk
        self.cache_v[:batch_size, start_pos : start_pos + seq_len] = xv
        keys = self.cache_k[:batch_size, : start_pos + seq_len]
        values = self.cache_v[:batch_size, : start_pos + seq_len]
        keys = repeat_kv(keys, self.n_rep)
        values = repeat_kv(values, self.n_rep)
        xq = xq.transpose(1, 2)
        keys = keys.transpose(1, 2)
        values = values.transpose(1, 2)
        scores = torch.matmul(xq, keys.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = F.softmax(scores.float(), dim=-1).type_as(xq)
        output = torch.matmul(scores, values)
        output = (output.transpose(1, 2).contiguous().view(batch_size, seq_len, -1))
        return self.wo(output)


class FeedForward(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        hidden_dim = 4 * args.dim
        hidden_dim = int(2 * hidden_dim / 3)
        if args.ffn_dim_multiplier is not None:
            hidden_dim = int(args.ffn_dim_multiplier * hidden_dim)
        hidden_dim = args.multiple_of * ((hidden_dim + args.multiple_of - 1) // args.multiple_of)
        self.w1 = nn.Linear(args.dim, hidden_dim, bias=False)
        self.w2 = nn.Linear(hidden_dim, args.dim, bias=False)
        self.w3 = nn.Linear(args.dim, hidden_dim, bias=False)

    def forward(self, x: torch.Tensor):
        swish = F.silu(self.w1(x))
        x_V = self.w3(x)
        x = swish * x_V
        x = self.w2(x)
        return x


class EncoderBlock(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        self.n_heads = args.n_heads
        self.dim = args.dim
        self.head_dim = args.dim // args.n_heads
        self.attention = SelfAttention(args)
        self.feed_forward = FeedForward(args)
        self.attention_norm = RMSNorm(args.dim, eps=args.norm_eps)
        self.ffn_norm = RMSNorm(args.dim, eps=args.norm_eps)

    def forward(self, x: torch.Tensor, start_pos: int, freqs_complex: torch.Tensor):
        h = x + self.attention.forward(self.attention_norm(x), start_pos, freqs_complex)
        out = h + self.feed_forward.forward(self.ffn_norm(h))
        return out


class Transformer(nn.Module):
    def __init__(self, args: ModelArgs):
        super().__init__()
        assert args.vocab_size != -1, "Vocab size must be set"
        self.args = args
        self.vocab_size = args.vocab_size
        self.n_layers = args.n_layers
        self.tok_embeddings = nn.Embedding(self.vocab_size, args.dim)
        self.layers = nn.ModuleList()
        for layer_id in range(args.n_layers):
            self.layers.append(EncoderBlock(args))
        self.norm = RMSNorm(args.dim, eps=args.norm_eps)
        self.output = nn.Linear(args.dim, self.vocab_size, bias=False)
        self.freqs_complex = precompute_theta_pos_frequencies(self.args.dim // self.args.n_heads,
                                                              self.args.max_seq_len * 2, device=self.args.device)

    def forward(self, tokens: torch.Tensor, start_pos: int):
        batch_size, seq_len = tokens.shape
        assert seq_len == 1, "Only one token at a time can be processed"
        h = self.tok_embeddings(tokens)
        freqs_complex = self.freqs_complex[start_pos:start_pos + seq_len]
        for layer in self.layers:
            h = layer(h, start_pos, freqs_complex)
        h = self.norm(h)
        output = self.output(h).float()
        return output


torch.manual_seed(0)
device = "cpu"
print(torch.cuda.is_available(), torch.backends.mps.is_available())
torch.set_default_tensor_type(torch.FloatTensor)
print(torch.get_default_dtype(), torch.zeros(1).dtype)
args = ModelArgs(dim=16, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=12, multiple_of=8,
                 max_batch_size=2, max_seq_len=10, device=device)
freqs = precompute_theta_pos_frequencies(4, 5, device)
print(freqs.shape, freqs[2], freqs.dtype)
x = torch.randn(1, 3, 2, 4)
xr = apply_rotary_embeddings(x, freqs[:3], device)
print(xr.shape, xr[0, 1], x.norm(dim=-1)[0, 1], xr.norm(dim=-1)[0, 1])
norm = RMSNorm(6)
xn = torch.randn(2, 6, requires_grad=True)
y = norm(xn)
print(y, y.grad_fn.name(), y.pow(2).mean(-1))
y.backward(torch.randn(2, 6))
print(xn.grad, norm.weight.grad)
kv = torch.arange(12.).view(1, 3, 2, 2)
rk = repeat_kv(kv, 2)
print(rk.shape, rk[0, 0], rk.is_contiguous(), repeat_kv(kv, 1) is kv)
model = Transformer(args).to(device)
print(model.layers[0].feed_forward.w1, model.freqs_complex.shape)
print(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_parameters()][:6])
print(list(model.state_dict().keys())[-3:], model.layers[0].attention.cache_k.shape)

# one training-style pass on a single position to see gradients flow through the cache write
model.zero_grad()
tok = torch.tensor([[3], [5]])
out = model(tok, 0)
loss = F.cross_entropy(out.view(-1, args.vocab_size), torch.tensor([4, 7]))
loss.backward()
print(out.shape, loss, model.layers[0].attention.wq.weight.grad.abs().sum(), model.layers[1].feed_forward.w3.weight.grad[0, :3])
print(model.layers[0].attention.cache_k.requires_grad, model.layers[0].attention.cache_k[0, 0, 0])
for layer in model.layers:
    layer.attention.cache_k.zero_()
    layer.attention.cache_v.zero_()


def sample_top_p(probs, p):
    probs_sort, probs_idx = torch.sort(probs, dim=-1, descending=True)
    probs_sum = torch.cumsum(probs_sort, dim=-1)
    mask = probs_sum - probs_sort > p
    probs_sort[mask] = 0.0
    probs_sort.div_(probs_sort.sum(dim=-1, keepdim=True))
    next_token = torch.multinomial(probs_sort, num_samples=1)
    next_token = torch.gather(probs_idx, -1, next_token)
    return next_token


probs = torch.softmax(torch.tensor([[2.0, 1.0, 0.5, -1.0, 0.0], [0.1, 0.2, 3.0, 0.3, 0.4]]), dim=-1)
print(sample_top_p(probs, 0.9), sample_top_p(probs, 0.5))


def text_completion(model, prompt_tokens, temperature=0.6, top_p=0.9, max_gen_len=None, pad_id=-1, eos_id=2):
    if max_gen_len is None:
        max_gen_len = model.args.max_seq_len - 1
    batch_size = len(prompt_tokens)
    assert batch_size <= model.args.max_batch_size, f"batch size must be less than or equal to {model.args.max_batch_size}"
    max_prompt_len = max(len(prompt) for prompt in prompt_tokens)
    assert max_prompt_len <= model.args.max_seq_len
    total_len = min(model.args.max_seq_len, max_gen_len + max_prompt_len)
    tokens = torch.full((batch_size, total_len), pad_id, dtype=torch.long, device=device)
    for k, t in enumerate(prompt_tokens):
        tokens[k, : len(t)] = torch.tensor(t, dtype=torch.long, device=device)
    eos_reached = torch.tensor([False] * batch_size, device=device)
    prompt_tokens_mask = tokens != pad_id
    for cur_pos in range(1, total_len):
        with torch.no_grad():
            logits = model.forward(tokens[:, cur_pos - 1:cur_pos], cur_pos)
        if temperature > 0:
            probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
            next_token = sample_top_p(probs, top_p)
        else:
            next_token = torch.argmax(logits[:, -1], dim=-1)
        next_token = next_token.reshape(-1)
        next_token = torch.where(prompt_tokens_mask[:, cur_pos], tokens[:, cur_pos], next_token)
        tokens[:, cur_pos] = next_token
        eos_reached |= (~prompt_tokens_mask[:, cur_pos]) & (next_token == eos_id)
        if all(eos_reached):
            break
    out_tokens = []
    for prompt_index, current_prompt_tokens in enumerate(tokens.tolist()):
        if eos_id in current_prompt_tokens:
            eos_idx = current_prompt_tokens.index(eos_id)
            current_prompt_tokens = current_prompt_tokens[:eos_idx]
        out_tokens.append(current_prompt_tokens)
    return out_tokens, tokens, eos_reached


out_tokens, tokens, eos_reached = text_completion(model, [[1, 5, 6], [1, 9]], max_gen_len=6)
print(out_tokens)
print(tokens, eos_reached)
for layer in model.layers:
    layer.attention.cache_k.zero_()
out_tokens, tokens, eos_reached = text_completion(model, [[1, 5, 6], [1, 9]], temperature=0.0, max_gen_len=6)
print(out_tokens, tokens.dtype, model.layers[1].attention.cache_v[1, 2, 0])
