import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Beam search as seq2seq repos write it (OpenNMT/fairseq-style batched beams, the "beam search decoding"
# blog posts): log-probabilities summed over beams, topk over the flattened beam x vocab scores, beam and
# token ids recovered with integer division and remainder, histories reordered with index_select/gather,
# finished beams masked with masked_fill and torch.where, length penalties; along the way the integer
# and bool tensor arithmetic that such code relies on (floor/trunc division, remainder of negatives,
# bitwise and logical ops, bool sums, cumsum of masks, scatter_add_ counts, searchsorted/bucketize).
torch.manual_seed(0)

print("-- integer and bool arithmetic")
a = torch.tensor([7, -7, 5, -5, 0])
b = torch.tensor([2, 2, -3, -3, 4])
print(a // b, torch.floor_divide(a, b), a % b, torch.remainder(a, b), torch.fmod(a, b))
print(torch.div(a, b), torch.div(a, b, rounding_mode="trunc"), torch.div(a, b, rounding_mode="floor"))
print(a / 2, a * 2.5, a + True, (a > 0) + (a < 0), a.abs().sum(), a.float().mean(), a.sum().dtype)
print(a & 3, a | 8, a ^ 5, ~a, a << 1, torch.tensor([16, -16]) >> 2, torch.bitwise_and(a, b))
m1, m2 = a > 0, b > 0
print(m1 & m2, m1 | m2, m1 ^ m2, ~m1, torch.logical_and(a, b), torch.logical_not(a), torch.logical_xor(m1, b))
print(m1.sum(), m1.sum().dtype, m1.float().mean(), m1.cumsum(0), m1.long().cumsum(0).dtype, m1.any(), m1.all())
print(a.clamp(min=-1, max=3), a.clamp(-1), torch.clamp(a, max=2).dtype, a.max(), a.argmax(), a.min(dim=0))
print(torch.tensor([3, 1, 2]).pow(2), torch.tensor([2]) ** torch.tensor([10]), 2 ** torch.tensor([0, 1, 5]))
print(torch.tensor([5, 3], dtype=torch.uint8) - 4, torch.tensor([100], dtype=torch.int8) + torch.tensor([100], dtype=torch.int8))
print(torch.tensor([1, 2], dtype=torch.int32) + torch.tensor([1, 2]), torch.tensor([1, 2], dtype=torch.int16) * 2)
print(torch.tensor([True, False]) + torch.tensor([True, True]), torch.tensor([True]) * 3, torch.tensor([True, False]).sum())
print(a.sign(), a.neg(), torch.tensor([9, 16]).sqrt(), torch.tensor([1, 2]).exp(), torch.tensor([4, 6]).true_divide(4))
print(a.sort(), a.sort(descending=True).indices, torch.argsort(a, stable=True), a.unique(), a.unique(return_counts=True))
print(torch.tensor([1, 1, 2, 2, 2, 3, 1]).unique_consecutive(return_counts=True), torch.tensor([3, 0, 3, 1]).bincount())
print(torch.tensor([2, 0, 2, 1]).bincount(weights=torch.tensor([0.5, 1.0, 1.5, 2.0]), minlength=5))
edges = torch.tensor([0.0, 1.0, 2.5, 4.0])
vals = torch.tensor([-1.0, 0.0, 1.2, 2.5, 3.9, 7.0])
print(torch.bucketize(vals, edges), torch.bucketize(vals, edges, right=True), torch.searchsorted(edges, vals))
print(torch.searchsorted(edges, vals, side="right"), torch.searchsorted(edges, torch.tensor([[0.5], [3.0]])))
print(torch.cumsum(torch.tensor([1, 0, 1, 1]), 0) * torch.tensor([1, 0, 1, 1]), torch.tensor([3, 1, 2]).cumprod(0))
counts = torch.zeros(5, dtype=torch.long).scatter_add_(0, torch.tensor([1, 3, 1, 4, 1]), torch.ones(5, dtype=torch.long))
print(counts, torch.zeros(2, 4).scatter_add(1, torch.tensor([[0, 0, 3], [2, 1, 2]]), torch.ones(2, 3)))
print(torch.zeros(3, dtype=torch.long).index_add_(0, torch.tensor([0, 2, 0]), torch.tensor([5, 6, 7])))
print(torch.nonzero(a > 0), torch.nonzero(a > 0, as_tuple=True), (a > 0).nonzero().squeeze(1), torch.where(a > 0))
print(torch.count_nonzero(a), torch.tensor([[1, 0], [0, 0]]).count_nonzero(dim=0), torch.tensor([0, 2]).bool())
print(torch.arange(10).view(2, 5).flip(1), torch.arange(6).roll(2), torch.arange(6).view(2, 3).roll(1, dims=1))
print(torch.tril_indices(3, 3), torch.triu_indices(3, 3, offset=1), torch.combinations(torch.tensor([1, 2, 3])))
print(torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4])), torch.arange(5).repeat_interleave(torch.tensor([1, 0, 2, 0, 1])))
print(torch.tensor([[1, 2], [3, 4]]) @ torch.tensor([[1], [1]]), torch.tensor([1, 2, 3]).dot(torch.tensor([4, 5, 6])))
print(torch.tensor([1, 2, 3]).to(torch.float16) / 3, torch.tensor([1.7, -1.7]).long(), torch.tensor([1.7, -1.7]).int().dtype)
print(torch.tensor([300.0, -1.0]).to(torch.uint8), torch.tensor([2.5, 3.5, -2.5]).round().long())

print("-- batched beam search")
vocab, hidden, beam, batch, max_len = 7, 8, 3, 2, 5
BOS, EOS, PAD = 0, 1, 2
emb = nn.Embedding(vocab, hidden)
cell = nn.GRUCell(hidden, hidden)
out = nn.Linear(hidden, vocab)
for p in out.parameters():
    nn.init.normal_(p, std=1.0)
memory = torch.randn(batch, hidden)


@torch.no_grad()
def beam_search(memory, beam, max_len, alpha=0.7):
    b = memory.size(0)
    h = memory.repeat_interleave(beam, dim=0)
    tokens = torch.full((b * beam, 1), BOS, dtype=torch.long)
    scores = torch.zeros(b, beam)
    scores[:, 1:] = float("-inf")
    scores = scores.view(-1)
    finished = torch.zeros(b * beam, dtype=torch.bool)
    for step in range(max_len):
        h = cell(emb(tokens[:, -1]), h)
        logp = F.log_softmax(out(h), dim=-1)
        logp = torch.where(finished.unsqueeze(1), torch.full_like(logp, float("-inf")), logp)
        logp[:, PAD] = torch.where(finished, torch.zeros(b * beam), logp[:, PAD])
        total = (scores.unsqueeze(1) + logp).view(b, beam * vocab)
        top_scores, top_ids = total.topk(beam, dim=1)
        beam_ids = top_ids // vocab
        token_ids = top_ids % vocab
        base = (torch.arange(b) * beam).unsqueeze(1)
        order = (base + beam_ids).view(-1)
        tokens = torch.cat([tokens.index_select(0, order), token_ids.view(-1, 1)], dim=1)
        h = h[order]
        finished = finished[order] | (token_ids.view(-1) == EOS) | (token_ids.view(-1) == PAD)
        scores = top_scores.view(-1)
        print(step, beam_ids.tolist(), token_ids.tolist(), [round(s, 3) for s in scores.tolist()], finished.int().tolist())
        if finished.all():
            break
    lengths = (tokens != PAD).sum(dim=1)
    penalty = ((5 + lengths.float()) / 6) ** alpha
    normed = (scores / penalty).view(b, beam)
    best = normed.argmax(dim=1)
    best_tokens = tokens.view(b, beam, -1).gather(1, best.view(b, 1, 1).expand(b, 1, tokens.size(1))).squeeze(1)
    return tokens, lengths, normed, best, best_tokens


tokens, lengths, normed, best, best_tokens = beam_search(memory, beam, max_len)
print(tokens)
print(lengths, lengths.dtype, normed, best)
print(best_tokens, best_tokens.masked_fill(best_tokens == PAD, -1))

print("-- greedy vs sampled, masks")
logits = out(torch.randn(4, hidden)).detach()
banned = torch.zeros(4, vocab, dtype=torch.bool)
banned[torch.arange(4), torch.tensor([3, 3, 0, 6])] = True
masked = logits.masked_fill(banned, -1e9)
print(masked.argmax(-1), logits.argmax(-1), F.softmax(masked, -1).sum(-1))
top_v, top_i = logits.topk(3, dim=-1, sorted=True)
keep = torch.zeros_like(logits, dtype=torch.bool).scatter_(1, top_i, True)
filtered = logits.masked_fill(~keep, float("-inf"))
print(keep.sum(1), filtered.isinf().sum().item(), torch.multinomial(F.softmax(filtered, -1), 2))
sorted_logits, sorted_idx = logits.sort(dim=-1, descending=True)
cum = F.softmax(sorted_logits, -1).cumsum(-1)
remove = cum > 0.8
remove[..., 1:] = remove[..., :-1].clone()
remove[..., 0] = False
to_remove = remove.scatter(1, sorted_idx, remove)
print(remove.int(), to_remove.sum(dim=1), torch.multinomial(F.softmax(logits.masked_fill(to_remove, -float("inf")), -1), 1).squeeze(1))
