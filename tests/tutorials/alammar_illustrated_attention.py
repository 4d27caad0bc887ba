import tinygrad_rnn as torch
# "The Illustrated Transformer / word2vec / GPT-2" style notebooks: self-attention computed step by step
# (query/key/value vectors, scores, softmax, weighted values), the same with nn.MultiheadAttention using
# separate key/value sizes (kdim/vdim), bias and zero attention slots, then scaled_dot_product_attention
# with grouped query heads, and skip-gram with negative sampling trained with logsigmoid.
import math

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# --- self-attention, one word at a time ---
words = ["Thinking", "Machines"]
d_model, d_k = 4, 3
x = torch.randn(2, d_model)  # the two word embeddings
W_q, W_k, W_v = (torch.randn(d_model, d_k) for _ in range(3))
q, k, v = x @ W_q, x @ W_k, x @ W_v
for i, word in enumerate(words):
    scores = torch.stack([q[i].dot(k[j]) for j in range(2)])
    weights = (scores / math.sqrt(d_k)).softmax(dim=0)
    z = (weights.unsqueeze(1) * v).sum(0)
    print(f"{word}: scores {scores} weights {weights} z {z}")
Z = F.softmax(q @ k.T / math.sqrt(d_k), dim=-1) @ v
print("matrix form:", Z)
print("sdpa agrees:", torch.allclose(Z, F.scaled_dot_product_attention(q, k, v), atol=1e-6))

# --- multi-head attention with a memory of another size (encoder-decoder attention) ---
tgt = torch.randn(2, 3, 8)  # (batch, target length, embed)
memory = torch.randn(2, 5, 6)  # keys from a 6-wide encoder
values = torch.randn(2, 5, 10)
mha = nn.MultiheadAttention(8, num_heads=2, kdim=6, vdim=10, batch_first=True)
print(mha)
print([(n, tuple(p.shape)) for n, p in mha.named_parameters()])
out, attn = mha(tgt, memory, values)
print("out:", out.shape, "attn:", attn.shape, "rows sum:", attn.sum(-1))
padding = torch.tensor([[False] * 5, [False, False, False, True, True]])
out, attn = mha(tgt, memory, values, key_padding_mask=padding, average_attn_weights=False)
print("per-head attn:", attn.shape, "masked columns:", attn[1, :, :, 3:].abs().max().item())

mha_bias = nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True, batch_first=True)
print("bias_k:", mha_bias.bias_k.shape, "bias_v:", mha_bias.bias_v.shape)
out, attn = mha_bias(tgt, tgt, tgt)
print("with bias and zero slots:", out.shape, attn.shape)  # two extra key slots
print(attn[0])

# --- GPT-2 style causal attention with grouped query heads ---
B, T, Hq, Hkv, D = 1, 4, 4, 2, 3
qh = torch.randn(B, Hq, T, D)
kh = torch.randn(B, Hkv, T, D)
vh = torch.randn(B, Hkv, T, D)
y = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True, enable_gqa=True)
y_manual = F.scaled_dot_product_attention(qh, kh.repeat_interleave(2, dim=1), vh.repeat_interleave(2, dim=1),
                                          attn_mask=torch.ones(T, T, dtype=torch.bool).tril())
print("gqa:", y.shape, "same as repeated heads:", torch.allclose(y, y_manual, atol=1e-6))
print("scale=0.1:", F.scaled_dot_product_attention(qh, qh, qh, scale=0.1)[0, 0])
keep = (torch.tensor([[5, 7, 9, 0]]) != 0).long()  # a 0/1 integer padding mask is refused: bool or float
try:
    F.scaled_dot_product_attention(qh, qh, qh, attn_mask=keep)
except RuntimeError as e:
    print("RuntimeError:", e)
print("bool mask:", F.scaled_dot_product_attention(qh, qh, qh, attn_mask=keep.bool())[0, 0, -1])
mask = nn.Transformer.generate_square_subsequent_mask(T)
try:  # a float64 additive mask beside float32 activations
    nn.MultiheadAttention(3, 1, batch_first=True)(qh[0], qh[0], qh[0], attn_mask=mask.double())
except RuntimeError as e:
    print("RuntimeError:", e)
print(mask)
scores = (qh @ qh.transpose(-2, -1)) / math.sqrt(D) + mask
print("masked softmax row 0:", scores.softmax(-1)[0, 0, 0])

# --- word2vec: skip-gram with negative sampling ---
corpus = "the quick brown fox jumps over the lazy dog the fox".split()
vocab = sorted(set(corpus))
idx = {w: i for i, w in enumerate(vocab)}
pairs = [(idx[corpus[i]], idx[corpus[j]]) for i in range(len(corpus))
         for j in range(max(0, i - 2), min(len(corpus), i + 3)) if i != j]
centers = torch.tensor([c for c, _ in pairs])
contexts = torch.tensor([o for _, o in pairs])
counts = torch.bincount(torch.tensor([idx[w] for w in corpus]), minlength=len(vocab)).float()
noise = counts ** 0.75 / (counts ** 0.75).sum()
print("vocab:", len(vocab), "pairs:", len(pairs), "noise:", noise)


class SkipGramNeg(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.in_embed = nn.Embedding(vocab_size, dim)
        self.out_embed = nn.Embedding(vocab_size, dim)
        self.in_embed.weight.data.uniform_(-1, 1)
        self.out_embed.weight.data.uniform_(-1, 1)

    def forward(self, center, context, negatives):
        c = self.in_embed(center).unsqueeze(2)  # (batch, dim, 1)
        pos = torch.bmm(self.out_embed(context).unsqueeze(1), c).squeeze()
        neg = torch.bmm(self.out_embed(negatives).neg(), c).squeeze(2)
        return -(F.logsigmoid(pos) + F.logsigmoid(neg).sum(1)).mean()


model = SkipGramNeg(len(vocab), 5)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(1, 31):
    negatives = torch.multinomial(noise, len(pairs) * 3, replacement=True).view(len(pairs), 3)
    loss = model(centers, contexts, negatives)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}")
emb = F.normalize(model.in_embed.weight.detach(), dim=1)
sims = emb @ emb[idx["fox"]]
print("closest to fox:", [vocab[i] for i in sims.topk(3).indices.tolist()])
print("logsigmoid module:", nn.LogSigmoid()(torch.tensor([-100.0, 0.0, 20.0])))
