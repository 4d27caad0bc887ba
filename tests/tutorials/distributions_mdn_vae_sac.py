import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# torch.distributions as three kinds of public notebooks use it: hardmaru's "Mixture Density Networks"
# (ported to PyTorch: a mixture of Gaussians over y given x, written with MixtureSameFamily), a
# Gaussian VAE whose KL term comes from kl_divergence between Independent Normals (Pyro/"VAE in
# PyTorch" posts), and SAC's squashed Gaussian policy (TransformedDistribution with TanhTransform);
# plus the smaller calls around them: reprs, batch/event shapes, sample vs rsample, entropy, cdf/icdf,
# Beta, Dirichlet, Bernoulli logits, Categorical's probs from logits, expand, and validate_args errors.
torch.manual_seed(0)

print("-- shapes and reprs")
n = D.Normal(torch.zeros(3), torch.ones(3))
print(n, n.batch_shape, n.event_shape, n.mean, n.stddev, n.variance)
ind = D.Independent(n, 1)
print(ind, ind.batch_shape, ind.event_shape, ind.log_prob(torch.zeros(3)), n.log_prob(torch.zeros(3)).sum())
print(D.Normal(0.0, 1.0), D.Normal(0.0, 1.0).sample(), D.Normal(0.0, 1.0).sample((2,)).shape)
print(D.Normal(torch.tensor([0.0]), 2.0).cdf(torch.tensor([1.0, -1.0])), D.Normal(1.0, 2.0).icdf(torch.tensor([0.5, 0.975])))
print(D.Normal(0.0, 1.0).entropy(), ind.entropy(), n.expand((2, 3)).batch_shape, D.Normal(0.0, 1.0).support)
c = D.Categorical(logits=torch.tensor([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0]]))
print(c, c.probs, c.logits, c.entropy(), c.sample(), c.sample((4,)).shape, c.log_prob(torch.tensor([1, 2])))
print(c.param_shape, c.mean.isnan().all(), c.mode, c.enumerate_support(), c.batch_shape)
bern = D.Bernoulli(logits=torch.tensor([-1.0, 0.0, 2.0]))
print(bern, bern.probs, bern.sample(), bern.entropy(), bern.log_prob(torch.tensor([1.0, 0.0, 1.0])))
beta = D.Beta(torch.tensor([2.0, 0.5]), torch.tensor([3.0, 0.5]))
print(beta, beta.mean, beta.variance, beta.rsample(), beta.log_prob(torch.tensor([0.3, 0.9])), beta.entropy())
dirich = D.Dirichlet(torch.tensor([1.0, 2.0, 3.0]))
s = dirich.sample((2,))
print(dirich, s, s.sum(-1), dirich.log_prob(s), dirich.mean, dirich.entropy())
oh = D.OneHotCategorical(probs=torch.tensor([0.2, 0.3, 0.5]))
print(oh, oh.sample((3,)), oh.log_prob(torch.tensor([0.0, 1.0, 0.0])), oh.event_shape)
mvn = D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 0.0], [0.5, 2.0]]))
print(mvn, mvn.covariance_matrix, mvn.rsample((2,)), mvn.log_prob(torch.tensor([0.5, -1.0])), mvn.entropy())
print(D.Uniform(-1.0, 3.0).sample((3,)), D.Uniform(0.0, 1.0).log_prob(torch.tensor(0.25)), D.Exponential(2.0).mean)
print(D.Poisson(torch.tensor([1.0, 4.0])).sample(), D.Gamma(2.0, 3.0).rsample((2,)), D.Laplace(0.0, 1.0).log_prob(torch.tensor(1.0)))
try:
    D.Normal(torch.zeros(2), torch.tensor([1.0, -1.0]))
except ValueError as e:
    print("ValueError:", e)
try:
    D.Categorical(probs=torch.tensor([0.5, 0.5])).log_prob(torch.tensor(3))
except ValueError as e:
    print("ValueError:", e)
print(D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)), D.kl_divergence(c, D.Categorical(logits=torch.zeros(2, 3))))
print(D.kl_divergence(D.Bernoulli(0.3), D.Bernoulli(0.6)), D.kl_divergence(beta, D.Beta(torch.ones(2), torch.ones(2))))

print("-- mixture density network")
torch.manual_seed(1)
N, K = 64, 3
y_data = torch.rand(N, 1) * 2 - 1
x_data = torch.sin(3.0 * y_data) + 0.3 * y_data + 0.05 * torch.randn(N, 1)


class MDN(nn.Module):
    def __init__(self, hidden=16, k=K):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(1, hidden), nn.Tanh())
        self.pi = nn.Linear(hidden, k)
        self.mu = nn.Linear(hidden, k)
        self.log_sigma = nn.Linear(hidden, k)

    def forward(self, x):
        h = self.body(x)
        mix = D.Categorical(logits=self.pi(h))
        comp = D.Normal(self.mu(h), self.log_sigma(h).exp())
        return D.MixtureSameFamily(mix, comp)


mdn = MDN()
opt = torch.optim.Adam(mdn.parameters(), lr=0.02)
for step in range(24):
    dist = mdn(x_data)
    loss = -dist.log_prob(y_data.squeeze(1)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0:
        print(step, f"{loss.item():.4f}")
dist = mdn(x_data[:4])
print(dist.batch_shape, dist.event_shape, dist.mixture_distribution.probs.shape, dist.component_distribution.loc.shape)
print(dist.mean.detach(), dist.variance.detach(), dist.sample().shape, dist.cdf(torch.zeros(4)).detach())

print("-- VAE with Independent Normals")
torch.manual_seed(2)
data = (torch.rand(32, 8) > 0.5).float()


class VAE(nn.Module):
    def __init__(self, d=8, z=2):
        super().__init__()
        self.enc = nn.Linear(d, 2 * z)
        self.dec = nn.Linear(z, d)
        self.z = z

    def forward(self, x):
        loc, log_scale = self.enc(x).chunk(2, dim=-1)
        q = D.Independent(D.Normal(loc, F.softplus(log_scale) + 1e-4), 1)
        p = D.Independent(D.Normal(torch.zeros_like(loc), torch.ones_like(loc)), 1)
        zs = q.rsample()
        likelihood = D.Independent(D.Bernoulli(logits=self.dec(zs)), 1)
        return likelihood.log_prob(x), D.kl_divergence(q, p), q


vae = VAE()
opt = torch.optim.Adam(vae.parameters(), lr=0.05)
for epoch in range(15):
    rec, kl, q = vae(data)
    elbo = (rec - kl).mean()
    opt.zero_grad()
    (-elbo).backward()
    opt.step()
    if epoch % 5 == 4:
        print(epoch, f"elbo {elbo.item():.4f} rec {rec.mean().item():.4f} kl {kl.mean().item():.4f}")
print(q, q.base_dist.scale.shape, kl.shape, kl.grad_fn is not None)

print("-- SAC squashed Gaussian policy")
torch.manual_seed(3)
obs = torch.randn(5, 4)
policy = nn.Linear(4, 4)
mu, log_std = policy(obs).chunk(2, dim=-1)
log_std = torch.clamp(log_std, -20, 2)
base = D.Normal(mu, log_std.exp())
squashed = D.TransformedDistribution(base, [D.transforms.TanhTransform(cache_size=1)])
action = squashed.rsample()
logp = squashed.log_prob(action).sum(-1)
u = base.rsample()
logp_manual = base.log_prob(u).sum(-1) - (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(-1)
print(action.shape, action.abs().max() < 1, logp.shape, logp_manual.shape)
print(squashed.batch_shape, squashed.event_shape, logp.detach())
(logp.mean() + action.pow(2).mean()).backward()
print(policy.weight.grad.norm() > 0, policy.bias.grad.shape)
affine = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.AffineTransform(loc=2.0, scale=3.0)])
print(affine.sample((2,)), affine.log_prob(torch.tensor(2.0)), D.Normal(2.0, 3.0).log_prob(torch.tensor(2.0)))
lognorm = D.TransformedDistribution(D.Normal(0.0, 0.5), D.transforms.ExpTransform())
print(lognorm.log_prob(torch.tensor([1.0, 2.0])), D.LogNormal(0.0, 0.5).log_prob(torch.tensor([1.0, 2.0])))
