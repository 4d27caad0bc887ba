import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# Graves (2013), "Generating Sequences With Recurrent Neural Networks", section 4 (unconditional
# handwriting), as the PyTorch re-implementations write it (e.g. the "pytorch-handwriting-synthesis"
# repos and Sketch-RNN ports): strokes as (dx, dy, end-of-stroke) offsets, stacked LSTMs with skip
# connections from the input, an output layer split into end-of-stroke logit, mixture weights, means,
# log standard deviations and correlations (torch.split, tanh, exp, softmax), the bivariate Gaussian
# mixture NLL written out with logsumexp and checked against MixtureSameFamily over MultivariateNormal,
# gradient clipping by value, and sampling with a bias (sharper mixtures) one point at a time.
torch.manual_seed(2013)
M = 3  # mixture components


def make_strokes(n_points, phase):
    t = torch.linspace(-1, 1, n_points) + phase  # a loop drawn by polynomials (the repos read IAM-OnDB pen data)
    xy = torch.stack([t * (1 + 0.3 * t), t ** 3 - t], dim=1)
    offsets = torch.diff(xy, dim=0, prepend=xy[:1]) * 5
    eos = torch.zeros(n_points, 1)
    eos[n_points // 2] = 1
    eos[-1] = 1
    return torch.cat([offsets, eos], dim=1)


strokes = torch.stack([make_strokes(12, p) for p in (0.0, 0.25, 0.5, 0.75)])
print(strokes.shape, strokes.dtype, strokes[0, :3])
print(strokes[..., 2].sum(1), torch.cumsum(strokes[0, :, :2], dim=0)[-1])
mean, std = strokes[..., :2].reshape(-1, 2).mean(0), strokes[..., :2].reshape(-1, 2).std(0)
strokes[..., :2] = (strokes[..., :2] - mean) / std
print(mean, std, strokes[..., :2].std().item())
x, y = strokes[:, :-1], strokes[:, 1:]


class HandwritingLSTM(nn.Module):
    def __init__(self, hidden=16, n_layers=3, n_mix=M):
        super().__init__()
        self.n_mix = n_mix
        self.layers = nn.ModuleList(
            [nn.LSTM(3 if i == 0 else 3 + hidden, hidden, batch_first=True) for i in range(n_layers)])
        self.out = nn.Linear(hidden * n_layers, 1 + 6 * n_mix)

    def forward(self, x, states=None):
        states = states or [None] * len(self.layers)
        outs, new_states = [], []
        h = x
        for i, (lstm, state) in enumerate(zip(self.layers, states)):
            inp = x if i == 0 else torch.cat([x, h], dim=-1)  # skip connection from the input
            h, s = lstm(inp, state)
            outs.append(h)
            new_states.append(s)
        y_hat = self.out(torch.cat(outs, dim=-1))
        return y_hat, new_states


def mixture_params(y_hat, bias=0.0):
    eos_logit, pi_hat, mu1, mu2, log_s1, log_s2, rho_hat = torch.split(y_hat, [1] + [M] * 6, dim=-1)
    pi = F.softmax(pi_hat * (1 + bias), dim=-1)
    s1, s2 = torch.exp(log_s1 - bias), torch.exp(log_s2 - bias)
    rho = torch.tanh(rho_hat)
    return eos_logit.squeeze(-1), pi, mu1, mu2, s1, s2, rho


def bivariate_log_normal(x1, x2, mu1, mu2, s1, s2, rho):
    z1, z2 = (x1 - mu1) / s1, (x2 - mu2) / s2
    z = z1 ** 2 + z2 ** 2 - 2 * rho * z1 * z2
    one_minus = 1 - rho ** 2
    return -z / (2 * one_minus) - torch.log(2 * math.pi * s1 * s2 * torch.sqrt(one_minus))


def mdn_loss(y_hat, target):
    eos_logit, pi, mu1, mu2, s1, s2, rho = mixture_params(y_hat)
    x1, x2, eos = target[..., 0:1], target[..., 1:2], target[..., 2]
    log_gauss = bivariate_log_normal(x1, x2, mu1, mu2, s1, s2, rho)
    nll_xy = -torch.logsumexp(torch.log(pi) + log_gauss, dim=-1)
    nll_eos = F.binary_cross_entropy_with_logits(eos_logit, eos, reduction="none")
    return (nll_xy + nll_eos).mean(), nll_xy, nll_eos


print("-- model and one forward")
model = HandwritingLSTM()
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()][:4], model.out.out_features)
y_hat, states = model(x)
print(y_hat.shape, len(states), states[2][0].shape, states[0][1].shape)
eos_logit, pi, mu1, mu2, s1, s2, rho = mixture_params(y_hat)
print(pi.shape, pi.sum(-1)[0, :3], s1.min() > 0, rho.abs().max() < 1, eos_logit.shape)
loss, nll_xy, nll_eos = mdn_loss(y_hat, y)
print(loss, nll_xy.shape, nll_eos.mean())

print("-- the same NLL with torch.distributions")
loc = torch.stack([mu1, mu2], dim=-1)
cov = torch.stack([torch.stack([s1 ** 2, rho * s1 * s2], -1), torch.stack([rho * s1 * s2, s2 ** 2], -1)], -2)
print(loc.shape, cov.shape)
mvn = D.MultivariateNormal(loc, covariance_matrix=cov)
mix = D.MixtureSameFamily(D.Categorical(probs=pi), mvn)
print(mix.batch_shape, mix.event_shape, mvn.batch_shape)
lp = mix.log_prob(y[..., :2])
print(torch.allclose(-lp, nll_xy, atol=1e-4), (-lp - nll_xy).abs().max() < 1e-4)
eos_dist = D.Bernoulli(logits=eos_logit)
print(torch.allclose(-eos_dist.log_prob(y[..., 2]), nll_eos, atol=1e-5), eos_dist.mean.shape)

print("-- train with gradient clipping by value")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.95, eps=1e-4, momentum=0.5)
print(optimizer.defaults["alpha"], optimizer.defaults["centered"])
for step in range(6):
    y_hat, _ = model(x)
    loss, nll_xy, nll_eos = mdn_loss(y_hat, y)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), clip_value=1.0)
    grad_max = max(p.grad.abs().max().item() for p in model.parameters())
    optimizer.step()
    print(step, round(loss.item(), 4), round(nll_xy.mean().item(), 4), grad_max <= 1.0)

print("-- sample with bias")
model.eval()


def sample(model, n_points, bias, generator):
    point = torch.zeros(1, 1, 3)
    states = None
    points = []
    with torch.no_grad():
        for _ in range(n_points):
            y_hat, states = model(point, states)
            eos_logit, pi, mu1, mu2, s1, s2, rho = mixture_params(y_hat[0, 0], bias)
            k = torch.multinomial(pi, 1, generator=generator).item()
            mean = torch.stack([mu1[k], mu2[k]])
            cov = torch.tensor([[s1[k] ** 2, rho[k] * s1[k] * s2[k]], [rho[k] * s1[k] * s2[k], s2[k] ** 2]])
            z = torch.randn(2, generator=generator)
            xy = mean + torch.linalg.cholesky(cov) @ z
            eos = torch.bernoulli(torch.sigmoid(eos_logit), generator=generator)
            point = torch.cat([xy, eos.view(1)]).view(1, 1, 3)
            points.append(point.view(3))
    return torch.stack(points)


for bias in (0.0, 2.0):
    g = torch.Generator().manual_seed(4)
    drawn = sample(model, 6, bias, g)
    print(bias, drawn.shape)
    print(drawn)
coords = torch.cumsum(drawn[:, :2] * std + mean, dim=0)
print(coords[-1], torch.nonzero(drawn[:, 2]).flatten().tolist())
print(torch.linalg.cholesky(torch.tensor([[4.0, 1.2], [1.2, 1.0]])))
