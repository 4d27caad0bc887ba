import tinygrad_rnn as torch
# CMU 11-785 homework style (HW3P1/HW3P2): CTC written by hand (extended target with blanks, forward
# alphas, backward betas, posteriors, the loss) checked against F.ctc_loss and nn.CTCLoss, the
# reduction modes and input forms the speech homework uses, then greedy and beam-search decoding.
import numpy as np

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)
np.random.seed(0)

SYMBOLS = ["-", "a", "b", "c"]  # index 0 is the blank


class CTC:
    def __init__(self, BLANK=0):
        self.BLANK = BLANK

    def extend_target_with_blank(self, target):
        extended = [self.BLANK]
        for symbol in target:
            extended += [symbol, self.BLANK]
        skip_connect = [0] * len(extended)
        for i in range(3, len(extended), 2):
            if extended[i] != extended[i - 2]:
                skip_connect[i] = 1
        return np.array(extended), np.array(skip_connect)

    def get_forward_probs(self, logits, extended, skip_connect):
        T, S = logits.shape[0], len(extended)
        alpha = np.zeros((T, S))
        alpha[0, 0] = logits[0, extended[0]]
        alpha[0, 1] = logits[0, extended[1]]
        for t in range(1, T):
            alpha[t, 0] = alpha[t - 1, 0] * logits[t, extended[0]]
            for i in range(1, S):
                alpha[t, i] = alpha[t - 1, i] + alpha[t - 1, i - 1]
                if skip_connect[i]:
                    alpha[t, i] += alpha[t - 1, i - 2]
                alpha[t, i] *= logits[t, extended[i]]
        return alpha

    def get_backward_probs(self, logits, extended, skip_connect):
        T, S = logits.shape[0], len(extended)
        beta = np.zeros((T, S))
        beta[T - 1, S - 1] = beta[T - 1, S - 2] = 1
        for t in range(T - 2, -1, -1):
            for i in range(S):
                beta[t, i] = beta[t + 1, i] * logits[t + 1, extended[i]]
                if i + 1 < S:
                    beta[t, i] += beta[t + 1, i + 1] * logits[t + 1, extended[i + 1]]
                if i + 2 < S and skip_connect[i + 2]:
                    beta[t, i] += beta[t + 1, i + 2] * logits[t + 1, extended[i + 2]]
        return beta

    def get_posterior_probs(self, alpha, beta):
        gamma = alpha * beta
        return gamma / gamma.sum(axis=1, keepdims=True)


T, N, C = 8, 3, len(SYMBOLS)
logits = torch.randn(T, N, C, dtype=torch.float64, requires_grad=True)
log_probs = logits.log_softmax(2)
targets = torch.tensor([[1, 2, 2, 3], [3, 1, 0, 0], [2, 2, 1, 0]])
input_lengths = torch.tensor([8, 7, 6])
target_lengths = torch.tensor([4, 2, 3])
print(log_probs.shape, log_probs.dtype, log_probs.grad_fn.name(), targets.dtype)

ctc = CTC()
probs = log_probs.exp().detach().numpy()
hand = []
for b in range(N):
    target = targets[b, :target_lengths[b]].numpy()
    extended, skip = ctc.extend_target_with_blank(target)
    seq_probs = probs[:input_lengths[b], b]
    alpha = ctc.get_forward_probs(seq_probs, extended, skip)
    beta = ctc.get_backward_probs(seq_probs, extended, skip)
    gamma = ctc.get_posterior_probs(alpha, beta)
    hand.append(-np.log(alpha[-1, -1] + alpha[-1, -2]))
    print(b, extended.tolist(), skip.tolist(), gamma.shape, np.round(gamma[0], 6).tolist())
hand = np.array(hand)
loss_none = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
print("none", loss_none, loss_none.grad_fn.name(), np.allclose(loss_none.detach().numpy(), hand, rtol=1e-10))
loss_sum = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="sum")
loss_mean = F.ctc_loss(log_probs, targets, input_lengths, target_lengths)
print("sum", loss_sum, np.isclose(loss_sum.item(), hand.sum()))
print("mean", loss_mean, loss_mean.grad_fn.name(), np.isclose(loss_mean.item(), (hand / target_lengths.numpy()).mean()))
loss_mean.backward()
print(logits.grad.shape, logits.grad.dtype, logits.grad[0], logits.grad[7, 2], logits.grad.sum(2).abs().max() < 1e-12)

# the same loss through nn.CTCLoss, with concatenated 1-D targets, list/tuple lengths and float32 inputs
criterion = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=False)
print(criterion, criterion.blank, criterion.reduction, criterion.zero_infinity)
lp32 = log_probs.detach().float().requires_grad_()
flat = torch.cat([targets[b, :target_lengths[b]] for b in range(N)])
print(flat, flat.shape)
l1 = criterion(lp32, flat, tuple(input_lengths.tolist()), tuple(target_lengths.tolist()))
l2 = criterion(lp32, targets.int(), input_lengths.int(), target_lengths.int())
l3 = criterion(lp32, targets, [8, 7, 6], [4, 2, 3])
print(l1, l2, l3, l1.dtype, torch.allclose(l1, l2), l1.grad_fn.name())
l1.backward()
print(lp32.grad[0], lp32.grad[6:, 2])

# an impossible alignment (target longer than the input) gives inf, or 0 with zero_infinity
short = torch.full((2,), 2, dtype=torch.long)
lp_short = torch.randn(2, 2, C).log_softmax(2).requires_grad_()
tg = torch.tensor([[1, 2, 3], [1, 1, 0]])
print(F.ctc_loss(lp_short, tg, short, torch.tensor([3, 2]), reduction="none"))
zi = F.ctc_loss(lp_short, tg, short, torch.tensor([3, 2]), reduction="none", zero_infinity=True)
print(zi)
zi.sum().backward()
print(lp_short.grad)
print(F.ctc_loss(lp_short, tg, short, torch.tensor([3, 1]), reduction="mean", zero_infinity=True))
print(nn.CTCLoss(blank=3, reduction="sum")(lp_short, torch.tensor([[1, 0], [2, 2]]), short, torch.tensor([2, 1])))

# unbatched input: (T, C) log-probs with a (S,) target and 0-d lengths
un = F.ctc_loss(log_probs[:, 0].detach(), targets[0], torch.tensor(8), torch.tensor(4))
print(un, un.shape, torch.isclose(un, loss_none[0].detach() / 4))


def greedy_decode(y_probs):
    """Best symbol at every step, then collapse repeats and drop blanks; the path probability is the
    product of the chosen symbols' probabilities."""
    path_prob = 1.0
    decoded = []
    best = torch.argmax(y_probs, dim=0)
    for t in range(y_probs.shape[1]):
        path_prob *= y_probs[best[t], t].item()
        decoded.append(best[t].item())
    out, prev = [], None
    for s in decoded:
        if s != prev and s != 0:
            out.append(SYMBOLS[s])
        prev = s
    return "".join(out), path_prob


y_probs = log_probs[:, 0].detach().exp().T  # (C, T) as the homework hands them
print(y_probs.shape, y_probs.sum(0))
print(greedy_decode(y_probs))
best_path = log_probs.argmax(-1).T
print(best_path, torch.unique_consecutive(best_path[0]), torch.unique_consecutive(best_path[1], return_counts=True))


def beam_search(y_probs, beam_width):
    """Prefix beam search over blank-ending and symbol-ending paths, merging identical prefixes."""
    blank_paths = {"": y_probs[0, 0].item()}
    symbol_paths = {SYMBOLS[c]: y_probs[c, 0].item() for c in range(1, len(SYMBOLS))}
    for t in range(1, y_probs.shape[1]):
        scores = sorted(list(blank_paths.values()) + list(symbol_paths.values()), reverse=True)
        cutoff = scores[beam_width - 1] if len(scores) >= beam_width else scores[-1]
        blank_paths = {p: s for p, s in blank_paths.items() if s >= cutoff}
        symbol_paths = {p: s for p, s in symbol_paths.items() if s >= cutoff}
        new_blank, new_symbol = {}, {}
        for p, s in blank_paths.items():
            new_blank[p] = new_blank.get(p, 0.0) + s * y_probs[0, t].item()
        for p, s in symbol_paths.items():
            new_blank[p] = new_blank.get(p, 0.0) + s * y_probs[0, t].item()
        for p, s in blank_paths.items():
            for c in range(1, len(SYMBOLS)):
                q = p + SYMBOLS[c]
                new_symbol[q] = new_symbol.get(q, 0.0) + s * y_probs[c, t].item()
        for p, s in symbol_paths.items():
            for c in range(1, len(SYMBOLS)):
                q = p if SYMBOLS[c] == p[-1] else p + SYMBOLS[c]
                new_symbol[q] = new_symbol.get(q, 0.0) + s * y_probs[c, t].item()
        blank_paths, symbol_paths = new_blank, new_symbol
    merged = dict(blank_paths)
    for p, s in symbol_paths.items():
        merged[p] = merged.get(p, 0.0) + s
    best = max(merged, key=merged.get)
    return best, {p: round(s, 8) for p, s in sorted(merged.items(), key=lambda kv: -kv[1])[:4]}


for width in (1, 3):
    print(width, beam_search(y_probs, width))
topk = torch.topk(log_probs[0].detach(), k=2, dim=-1)
print(topk.values, topk.indices, torch.sort(log_probs[1, 0].detach(), descending=True))
