import tinygrad_rnn as torch
# The less common arguments of the sequence API, as the PyTorch docs for nn.EmbeddingBag,
# nn.MultiheadAttention, F.scaled_dot_product_attention, the RNN cells and nn.CTCLoss show them:
# bags given by offsets with include_last_offset, per_sample_weights and padding_idx; attention with
# kdim/vdim, add_bias_kv, add_zero_attn and per-head weights; sdpa with scale and grouped-query heads;
# unbatched cells stepped by hand; one_hot targets; and a tiny CTC tagger over an unbatched utterance.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# --- EmbeddingBag: a bag-of-words document encoder ---
tokens = torch.tensor([1, 4, 4, 0, 2, 7, 3, 0, 5])  # three documents, 0 is padding
offsets = torch.tensor([0, 4, 4, 9])  # with include_last_offset the last offset closes the last bag
bag = nn.EmbeddingBag(8, 4, mode="mean", padding_idx=0, include_last_offset=True)
docs = bag(tokens, offsets)
print("mean bags (the middle one is empty):", docs)
tfidf = torch.rand(9)
weighted = nn.EmbeddingBag(8, 4, mode="sum", padding_idx=0, include_last_offset=True)
print("per_sample_weights:", weighted(tokens, offsets, per_sample_weights=tfidf))
print("max over 2-D bags:", nn.EmbeddingBag(8, 4, mode="max", max_norm=1.0)(torch.tensor([[1, 2], [3, 3]])))
docs.sum().backward()
print("padding row gets no gradient:", bag.weight.grad[0], "row 4 counted twice:", bag.weight.grad[4])

# --- attention with different key/value sizes, extra bias rows and a zero slot ---
mha = nn.MultiheadAttention(8, 2, kdim=5, vdim=3, add_bias_kv=True, add_zero_attn=True, batch_first=True)
print([(name, tuple(p.shape)) for name, p in mha.named_parameters()])
q, k, v = torch.randn(2, 3, 8), torch.randn(2, 4, 5), torch.randn(2, 4, 3)
key_padding = torch.tensor([[False, False, True, True], [False, False, False, False]])
out, per_head = mha(q, k, v, key_padding_mask=key_padding, average_attn_weights=False)
print("out:", out.shape, "per-head weights:", per_head.shape)
print("weights of query 0, head 1:", per_head[0, 1, 0])
x = torch.randn(4, 8)  # unbatched: (L, E)
out, avg = mha(x, torch.randn(4, 5), torch.randn(4, 3), need_weights=True)
print("unbatched:", out.shape, avg.shape)

q, k, v = torch.randn(1, 4, 3, 6), torch.randn(1, 2, 5, 6), torch.randn(1, 2, 5, 6)
y = F.scaled_dot_product_attention(q, k, v, scale=0.5, enable_gqa=True)
print("grouped-query sdpa:", y.shape, y[0, 3, 0])
causal = F.scaled_dot_product_attention(q, q, q, is_causal=True)
print("causal first row attends to itself only:", torch.allclose(causal[:, :, 0], q[:, :, 0]))

# --- cells on unbatched input, stepped by hand ---
cells = {"rnn": nn.RNNCell(3, 4, nonlinearity="relu"), "gru": nn.GRUCell(3, 4, bias=False), "lstm": nn.LSTMCell(3, 4)}
seq = torch.randn(5, 3)
h, hc = torch.zeros(4), (torch.zeros(4), torch.zeros(4))
hg = None
for t in range(5):
    h = cells["rnn"](seq[t], h)
    hg = cells["gru"](seq[t], hg)
    hc = cells["lstm"](seq[t], hc)
print("rnn:", h, "\ngru:", hg, "\nlstm h, c shapes:", hc[0].shape, hc[1].shape)
(h.sum() + hg.sum() + hc[0].sum()).backward()
print("gru weight_hh grad norm:", cells["gru"].weight_hh.grad.norm())

# --- one_hot targets ---
labels = torch.tensor([[0, 2], [1, -1]]).clamp(min=0)
print("one_hot:", F.one_hot(labels).shape, F.one_hot(labels, num_classes=5)[0])

# --- CTC over one unbatched utterance (T, C) with an LSTM tagger ---
T, C = 12, 5
feats = torch.randn(T, 3)
target = torch.tensor([1, 3, 3, 2])
tagger = nn.LSTM(3, 8, bidirectional=True)
proj = nn.Linear(16, C)
ctc = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
opt = torch.optim.SGD(list(tagger.parameters()) + list(proj.parameters()), lr=0.5)
for step in range(3):
    opt.zero_grad()
    log_probs = proj(tagger(feats)[0]).log_softmax(-1)  # (T, C): the unbatched form
    loss = ctc(log_probs, target, torch.tensor(T), torch.tensor(len(target)))
    loss.backward()
    opt.step()
    print(f"ctc step {step}: {loss.item():.5f}")
impossible = ctc(log_probs.detach(), torch.tensor([1, 1, 1, 1, 1, 1, 1]), torch.tensor(6), torch.tensor(7))
print("impossible alignment, zero_infinity:", impossible)
print("greedy path:", log_probs.argmax(-1).tolist())
