import tinygrad_rnn as torch
import math
from typing import Optional, List
nn = torch.nn
# labml.ai "annotated deep learning paper implementations": Transformer-XL's relative multi-head attention
# (the shift_right trick that re-indexes relative scores, key_pos_embeddings / query biases as nn.Parameters,
# einsum scores 'ibhd,jbhd->ijbh' and 'ibhd,jhd->ijbh'), fixed sinusoidal positional encodings in a
# persistent=False buffer, a pre-norm TransformerLayer with memory concatenation, ALiBi slopes and biases,
# and a Generator head with log_softmax. Their labml helpers and configs are left out.
torch.manual_seed(0)
def shift_right(x: torch.Tensor):
    zero_pad = x.new_zeros(x.shape[0], 1, *x.shape[2:])
    x_padded = torch.cat([x, zero_pad], dim=1)
    x_padded = x_padded.view(x.shape[1] + 1, x.shape[0], *x.shape[2:])
    x = x_padded[:-1].view_as(x)
    return x
x = torch.arange(1, 10).view(3, 3)
print(x)
print(shift_right(x))

class PrepareForMultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, d_k: int, bias: bool):
        super().__init__()
        self.linear = nn.Linear(d_model, heads * d_k, bias=bias)
        self.heads = heads
        self.d_k = d_k
    def forward(self, x: torch.Tensor):
        head_shape = x.shape[:-1]
        x = self.linear(x)
        return x.view(*head_shape, self.heads, self.d_k)
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
    def forward(self, *, query, key, value, mask: Optional[torch.Tensor] = None):
        seq_len, batch_size, _ = query.shape
        if mask is not None:
            mask = mask.unsqueeze(-1)
        query = self.query(query)
        key = self.key(key)
        value = self.value(value)
        scores = self.get_scores(query, key)
        scores *= self.scale
        if mask is not None:
            scores = scores.masked_fill(mask == 0, float('-inf'))
        attn = self.softmax(scores)
        self.attn = attn.detach()
        attn = self.dropout(attn)
        x = torch.einsum("ijbh,jbhd->ibhd", attn, value)
        x = x.reshape(seq_len, batch_size, -1)
        return self.output(x)
class RelativeMultiHeadAttention(MultiHeadAttention):
    def __init__(self, heads: int, d_model: int, dropout_prob: float = 0.1):
        super().__init__(heads, d_model, dropout_prob, bias=False)
        self.P = 2 ** 4
        self.key_pos_embeddings = nn.Parameter(torch.zeros((self.P * 2, heads, self.d_k)), requires_grad=True)
        self.key_pos_bias = nn.Parameter(torch.zeros((self.P * 2, heads)), requires_grad=True)
        self.query_pos_bias = nn.Parameter(torch.zeros((heads, self.d_k)), requires_grad=True)
    def get_scores(self, query: torch.Tensor, key: torch.Tensor):
        key_pos_emb = self.key_pos_embeddings[self.P - key.shape[0]:self.P + query.shape[0]]
        key_pos_bias = self.key_pos_bias[self.P - key.shape[0]:self.P + query.shape[0]]
        query_pos_bias = self.query_pos_bias[None, None, :, :]
        ac = torch.einsum('ibhd,jbhd->ijbh', query + query_pos_bias, key)
        b = torch.einsum('ibhd,jhd->ijbh', query, key_pos_emb)
        d = key_pos_bias[None, :, None, :]
        bd = shift_right(b + d)
        bd = bd[:, -key.shape[0]:]
        return ac + bd
rel = RelativeMultiHeadAttention(heads=2, d_model=8, dropout_prob=0.0)
for p in (rel.key_pos_embeddings, rel.key_pos_bias, rel.query_pos_bias):
    nn.init.normal_(p, std=0.1)
print([(n, tuple(p.shape)) for n, p in rel.named_parameters()])
q = torch.randn(3, 2, 8)
mem = torch.randn(2, 2, 8)
kv = torch.cat((mem, q), dim=0)
mask = torch.tril(torch.ones(3, 5), diagonal=2).bool().unsqueeze(-1)
print(mask[:, :, 0])
out = rel(query=q, key=kv, value=kv, mask=mask)
print(out.shape, out.grad_fn.name(), rel.attn[:, :, 0, 0])
out.square().mean().backward()
print(rel.key_pos_embeddings.grad.abs().sum(dim=(1, 2)), rel.query_pos_bias.grad)
print(rel.key_pos_bias.grad[10:], rel.query.linear.bias)

# ------------------------------------------------------------------ positional encodings, transformer layer
def get_positional_encoding(d_model: int, max_len: int = 5000):
    encodings = torch.zeros(max_len, d_model)
    position = torch.arange(0, max_len, dtype=torch.float32).unsqueeze(1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)
    div_term = torch.exp(two_i * -(math.log(10000.0) / d_model))
    encodings[:, 0::2] = torch.sin(position * div_term)
    encodings[:, 1::2] = torch.cos(position * div_term)
    encodings = encodings.unsqueeze(1).requires_grad_(False)
    return encodings
class EmbeddingsWithPositionalEncoding(nn.Module):
    def __init__(self, d_model: int, n_vocab: int, max_len: int = 5000):
        super().__init__()
        self.linear = nn.Embedding(n_vocab, d_model)
        self.d_model = d_model
        self.register_buffer('positional_encodings', get_positional_encoding(d_model, max_len), False)
    def forward(self, x: torch.Tensor):
        pe = self.positional_encodings[:x.shape[0]].requires_grad_(False)
        return self.linear(x) * math.sqrt(self.d_model) + pe
class EmbeddingsWithLearnedPositionalEncoding(nn.Module):
    def __init__(self, d_model: int, n_vocab: int, max_len: int = 5000):
        super().__init__()
        self.linear = nn.Embedding(n_vocab, d_model)
        self.d_model = d_model
        self.positional_encodings = nn.Parameter(torch.zeros(max_len, 1, d_model), requires_grad=True)
    def forward(self, x: torch.Tensor):
        pe = self.positional_encodings[:x.shape[0]]
        return self.linear(x) * math.sqrt(self.d_model) + pe
class FeedForward(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.1):
        super().__init__()
        self.layer1 = nn.Linear(d_model, d_ff)
        self.layer2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(dropout)
        self.activation = nn.ReLU()
    def forward(self, x):
        return self.layer2(self.dropout(self.activation(self.layer1(x))))
class TransformerLayer(nn.Module):
    def __init__(self, *, d_model: int, self_attn: MultiHeadAttention, feed_forward: FeedForward, dropout_prob: float):
        super().__init__()
        self.size = d_model
        self.self_attn = self_attn
        self.feed_forward = feed_forward
        self.dropout = nn.Dropout(dropout_prob)
        self.norm_self_attn = nn.LayerNorm([d_model])
        self.norm_ff = nn.LayerNorm([d_model])
        self.is_save_ff_input = False
    def forward(self, *, x: torch.Tensor, mask: torch.Tensor, mem: Optional[torch.Tensor] = None):
        z = self.norm_self_attn(x)
        if mem is not None:
            m_z = torch.cat((mem, z), dim=0)
        else:
            m_z = z
        self_attn = self.self_attn(query=z, key=m_z, value=m_z, mask=mask)
        x = x + self.dropout(self_attn)
        z = self.norm_ff(x)
        if self.is_save_ff_input:
            self.ff_input = z.clone()
        ff = self.feed_forward(z)
        x = x + self.dropout(ff)
        return x
class Generator(nn.Module):
    def __init__(self, n_vocab: int, d_model: int):
        super().__init__()
        self.projection = nn.Linear(d_model, n_vocab)
    def forward(self, x):
        return self.projection(x)
emb = EmbeddingsWithPositionalEncoding(8, 11, max_len=20)
print(list(emb.state_dict().keys()), [n for n, _ in emb.named_buffers()], emb.positional_encodings.shape)
lemb = EmbeddingsWithLearnedPositionalEncoding(8, 11, max_len=20)
layer = TransformerLayer(d_model=8, self_attn=RelativeMultiHeadAttention(2, 8, 0.0), feed_forward=FeedForward(8, 16, 0.0),
                         dropout_prob=0.0)
gen = Generator(11, 8)
tokens = torch.tensor([[1, 2], [3, 4], [5, 6], [7, 8]])
h = emb(tokens)
print(h[0, 0], h.grad_fn.name(), lemb(tokens).shape)
memory: List[torch.Tensor] = []
optimizer = torch.optim.Adam(list(layer.parameters()) + list(gen.parameters()) + list(emb.parameters()), lr=1e-2)
for step in range(3):
    x = emb(tokens)
    m = memory[-1] if memory else None
    m_len = 0 if m is None else m.shape[0]
    mask = torch.tril(torch.ones(4, 4 + m_len), diagonal=m_len).bool().unsqueeze(-1)
    layer.is_save_ff_input = step == 2
    y = layer(x=x, mask=mask, mem=m)
    memory.append(x.detach())
    logits = gen(y)
    loss = nn.functional.cross_entropy(logits.view(-1, 11), torch.roll(tokens, -1, 0).reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(step, mask.shape, round(loss.item(), 5), logits.log_softmax(dim=-1)[0, 0, :3], layer.self_attn.attn.shape)
print(layer.ff_input.shape, layer.norm_ff.weight[:3], emb.linear.weight.grad[0])
print(torch.distributions.Categorical(logits=logits[-1]).sample().shape, logits.argmax(-1))
