import tinygrad_rnn as torch
# Harvard NLP style structured prediction (Sasha Rush's CRF / structured attention notes): a batched
# linear-chain CRF whose log-partition is the forward algorithm in log space (logsumexp over the previous
# tag), marginals as the gradient of the log-partition (torch.autograd.grad), Viterbi with max/argmax and a
# back-pointer walk with gather, brute-force checks over every tag sequence, and a segmental "structured
# attention" layer whose attention weights are the CRF marginals.
import itertools

nn = torch.nn
torch.manual_seed(3)
B, N, C = 2, 4, 3  # batch, length, tags
lengths = torch.tensor([4, 3])


def forward_alg(log_potentials, lengths):
    """log_potentials[b, n, c_prev, c]: score of tag c at n+1 after c_prev at n (n = 0 holds the start in row 0)."""
    batch, n, c, _ = log_potentials.shape
    alpha = log_potentials[:, 0, 0, :]
    alphas = [alpha]
    for i in range(1, n):
        alpha = torch.logsumexp(alpha.unsqueeze(-1) + log_potentials[:, i], dim=1)
        alphas.append(alpha)
    alphas = torch.stack(alphas, dim=1)
    last = alphas.gather(1, (lengths - 1).view(-1, 1, 1).expand(batch, 1, c)).squeeze(1)
    return torch.logsumexp(last, dim=-1)


def score(log_potentials, tags):
    batch, n = tags.shape
    s = log_potentials[torch.arange(batch), 0, 0, tags[:, 0]]
    for i in range(1, n):
        s = s + log_potentials[torch.arange(batch), i, tags[:, i - 1], tags[:, i]]
    return s


def viterbi(log_potentials, length):
    _, c, _ = log_potentials.shape
    best = log_potentials[0, 0]
    pointers = []
    for i in range(1, length):
        scores = best.unsqueeze(1) + log_potentials[i]
        best, argbest = scores.max(dim=0)
        pointers.append(argbest)
    tag = best.argmax().item()
    path = [tag]
    for argbest in reversed(pointers):
        tag = argbest[tag].item()
        path.append(tag)
    return best.max(), list(reversed(path))


emissions = torch.randn(B, N, C)
transitions = torch.randn(C, C)
log_potentials = (emissions.unsqueeze(2) + transitions.unsqueeze(0).unsqueeze(0)).clone()
log_potentials[:, 0] = emissions[:, 0].unsqueeze(1).expand(B, C, C)
log_potentials.requires_grad_()
print(log_potentials.shape, log_potentials.is_leaf)

logZ = forward_alg(log_potentials, lengths)
print("logZ", logZ)
for b in range(B):
    n = lengths[b].item()
    every = torch.tensor(list(itertools.product(range(C), repeat=n)))
    scores = score(log_potentials[b:b + 1, :n].expand(len(every), n, C, C), every)
    print("brute force", b, every.shape, torch.logsumexp(scores, 0).item(), torch.allclose(torch.logsumexp(scores, 0), logZ[b]))

marginals, = torch.autograd.grad(logZ.sum(), log_potentials, create_graph=True)
print("edge marginals", marginals.shape, marginals.sum(dim=(2, 3)))
unary = marginals.sum(dim=2)
print("unary marginals\n", unary[0])
print("second order", torch.autograd.grad(marginals[0, 1, 0, 2], log_potentials, retain_graph=True)[0][0, 1])

for b in range(B):
    best_score, path = viterbi(log_potentials[b].detach(), lengths[b].item())
    print("viterbi", b, path, round(best_score.item(), 4),
          round(score(log_potentials[b:b + 1, :len(path)].detach(), torch.tensor([path])).item(), 4))

gold = torch.tensor([[0, 2, 1, 1], [1, 1, 0, 0]])
nll = (logZ - torch.stack([score(log_potentials[b:b + 1, :lengths[b]], gold[b:b + 1, :lengths[b]])[0]
                           for b in range(B)])).mean()
nll.backward()
print("nll", nll.item(), log_potentials.grad.abs().sum().item(), log_potentials.grad[1, 3].abs().max().item())


class StructuredAttention(nn.Module):
    """Attention over the positions of a sequence whose weights are the marginals of a 2-state CRF."""

    def __init__(self, dim):
        super().__init__()
        self.query = nn.Linear(dim, 2)
        self.pair = nn.Parameter(torch.zeros(2, 2))

    def forward(self, x):
        batch, n, _ = x.shape
        unary = self.query(x)
        potentials = unary.unsqueeze(2) + self.pair.view(1, 1, 2, 2)
        potentials = torch.cat([unary[:, :1].unsqueeze(2).expand(batch, 1, 2, 2), potentials[:, 1:]], dim=1)
        logZ = forward_alg(potentials, torch.full((batch,), n, dtype=torch.long))
        edge, = torch.autograd.grad(logZ.sum(), potentials, create_graph=True)
        attention = edge.sum(dim=2)[..., 1]
        return (attention.unsqueeze(-1) * x).sum(1), attention


torch.manual_seed(0)
layer = StructuredAttention(5)
head = nn.Linear(5, 1)
xs = torch.randn(8, 6, 5)
ys = (xs[:, :, 0].max(1)[0] > 1).float()
opt = torch.optim.Adam(list(layer.parameters()) + list(head.parameters()), lr=0.05)
print(layer)
for step in range(25):
    pooled, attention = layer(xs)
    loss = nn.functional.binary_cross_entropy_with_logits(head(pooled).squeeze(-1), ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 6 == 0:
        print(step, round(loss.item(), 5), attention[0].detach().numpy().round(3))
print(layer.pair.data, layer.pair.grad.norm())
