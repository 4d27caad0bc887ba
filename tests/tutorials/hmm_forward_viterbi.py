import tinygrad_rnn as torch
import itertools
# Hidden Markov models in PyTorch the way blog posts write them (Loren Lugosch's "Implementing a Hidden Markov
# Model Toolkit in PyTorch" and the usual course notes): the forward algorithm in log space with
# torch.logsumexp over the previous state (unsqueeze broadcasting of log_alpha + log_transition), batched
# sequences of different lengths, Viterbi with torch.max returning (values, indices) and back-pointers walked
# with gather, brute-force checks over every path, a semi-Markov (segment) dynamic program started from
# torch.full(-inf), and the maximum-likelihood fit of the HMM's parameters by Adam through the forward
# algorithm, with the matrices parameterised by log_softmax of free tensors.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)
N, M = 3, 4  # hidden states, observation symbols


class HMM(nn.Module):
    """Unnormalised scores; log_softmax turns each into rows of log-probabilities."""

    def __init__(self, n_states, n_obs):
        super().__init__()
        self.unnormalized_state_priors = nn.Parameter(torch.randn(n_states))
        self.unnormalized_transition = nn.Parameter(torch.randn(n_states, n_states))  # [from, to]
        self.unnormalized_emission = nn.Parameter(torch.randn(n_states, n_obs))

    def log_params(self):
        return (F.log_softmax(self.unnormalized_state_priors, dim=0),
                F.log_softmax(self.unnormalized_transition, dim=1),
                F.log_softmax(self.unnormalized_emission, dim=1))

    def forward(self, x, lengths):
        """log p(x) for a batch of padded observation sequences x [B, T]."""
        log_prior, log_trans, log_emit = self.log_params()
        B, T = x.shape
        log_alpha = torch.zeros(B, T, log_prior.shape[0])
        log_alpha[:, 0, :] = log_prior + log_emit[:, x[:, 0]].transpose(0, 1)
        for t in range(1, T):
            # [B, from, 1] + [from, to] -> logsumexp over "from"
            scores = log_alpha[:, t - 1, :].unsqueeze(2) + log_trans.unsqueeze(0)
            log_alpha[:, t, :] = torch.logsumexp(scores, dim=1) + log_emit[:, x[:, t]].t()
        last = log_alpha.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, log_alpha.shape[2])).squeeze(1)
        return last.logsumexp(dim=-1)

    def viterbi(self, x, length):
        log_prior, log_trans, log_emit = self.log_params()
        delta = log_prior + log_emit[:, x[0]]
        backpointers = []
        for t in range(1, length):
            best, idx = torch.max(delta.unsqueeze(1) + log_trans, dim=0)
            backpointers.append(idx)
            delta = best + log_emit[:, x[t]]
        score, last = delta.max(dim=0)
        path = [last]
        for idx in reversed(backpointers):
            path.append(idx.gather(0, path[-1].view(1)).squeeze(0))
        return score, torch.stack(path[::-1])


def brute_force(hmm, x, length):
    log_prior, log_trans, log_emit = [p.detach() for p in hmm.log_params()]
    scores = {}
    for path in itertools.product(range(N), repeat=length):
        s = log_prior[path[0]] + log_emit[path[0], x[0]]
        for t in range(1, length):
            s = s + log_trans[path[t - 1], path[t]] + log_emit[path[t], x[t]]
        scores[path] = s
    return scores


hmm = HMM(N, M)
print(hmm)
print({k: tuple(v.shape) for k, v in hmm.state_dict().items()})
log_prior, log_trans, log_emit = hmm.log_params()
print(log_prior.exp(), log_trans.exp().sum(1), log_emit.dtype)

x = torch.tensor([[0, 1, 3, 2, 2], [3, 3, 0, 0, 0]])
lengths = torch.tensor([5, 2])
log_px = hmm(x, lengths)
print("log p(x):", log_px, log_px.grad_fn.name())
for b in range(2):
    scores = brute_force(hmm, x[b], lengths[b].item())
    total = torch.logsumexp(torch.stack(list(scores.values())), dim=0)
    best_path = max(scores, key=lambda p: scores[p].item())
    score, path = hmm.viterbi(x[b], lengths[b].item())
    print(f"seq {b}: brute {total.item():.5f} forward {log_px[b].item():.5f}; viterbi {path.tolist()} "
          f"{score.item():.5f} brute best {list(best_path)} {scores[best_path].item():.5f}")
    print("  path dtype", path.dtype, "values/indices types", type(torch.max(log_trans, 0)).__name__)

mx = torch.max(log_trans, dim=1, keepdim=True)
print(mx.values.shape, mx.indices.view(-1), mx[0].squeeze(1))
print(torch.logsumexp(log_trans, dim=(0, 1)), log_trans.logsumexp(0, keepdim=True))

# the posterior marginals are the gradient of log p(x) with respect to per-position emission scores
emis = torch.zeros(5, N, requires_grad=True)
log_alpha = log_prior + log_emit[:, x[0, 0]] + emis[0]
for t in range(1, 5):
    log_alpha = torch.logsumexp(log_alpha.unsqueeze(1) + log_trans, dim=0) + log_emit[:, x[0, t]] + emis[t]
marginals, = torch.autograd.grad(log_alpha.logsumexp(0), emis)
print("marginals:\n", marginals, marginals.sum(1))

# a semi-Markov segmentation: beta[j] = logsumexp over segment lengths d of beta[j-d] + seg_score(j-d, j)
T, D = 6, 3
seg_scores = torch.randn(T, D, requires_grad=True)  # seg_scores[end-1, d-1]: the segment of length d ending there
beta = torch.full((T + 1,), float("-inf"))
beta[0] = 0.0
print(beta, beta.dtype)
for j in range(1, T + 1):
    cands = torch.stack([beta[j - d] + seg_scores[j - 1, d - 1] for d in range(1, min(D, j) + 1)])
    beta[j] = torch.logsumexp(cands, dim=0)
print("semi-Markov log Z:", beta[T], beta.grad_fn.name())
beta[T].backward()
print("segment marginals:\n", seg_scores.grad)
# the same with torch.full(-inf) padding for impossible lengths, vectorised over d
padded = torch.full((T + 1, D), -float("inf"))
best = torch.full((T + 1,), float("-inf"))
best[0] = 0
arg = torch.zeros(T + 1, dtype=torch.long)
for j in range(1, T + 1):
    for d in range(1, min(D, j) + 1):
        padded[j, d - 1] = best[j - d] + seg_scores[j - 1, d - 1].detach()
    best[j], arg[j] = padded[j].max(0)
print(padded)
cuts, j = [], T
while j > 0:
    cuts.append(j)
    j -= arg[j].item() + 1
print("best segmentation ends:", cuts[::-1], best[T])

# maximum likelihood: Adam on the unnormalised scores through the forward algorithm
gen = torch.Generator().manual_seed(3)
data = torch.randint(0, M, (8, 6), generator=gen)
data[:, 1::2] = (data[:, ::2] + 1) % M  # odd positions follow the previous symbol
data_lengths = torch.tensor([6, 6, 5, 4, 6, 3, 6, 5])
opt = torch.optim.Adam(hmm.parameters(), lr=0.1)
for epoch in range(8):
    opt.zero_grad()
    nll = -hmm(data, data_lengths).mean()
    nll.backward()
    opt.step()
    if epoch % 2 == 0:
        print(f"epoch {epoch}: nll {nll.item():.4f}, grad norms "
              f"{[round(p.grad.norm().item(), 4) for p in hmm.parameters()]}")
print(hmm.log_params()[1].exp().detach())
print(hmm.viterbi(data[0], 6))
