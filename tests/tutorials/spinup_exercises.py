import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# OpenAI Spinning Up's PyTorch exercises: 1.1 (a Gaussian log-likelihood written by hand and checked against
# torch.distributions.Normal), 1.2 (a diagonal Gaussian policy built from an mlp, sampling and log-probs with
# numpy constants in tensor math) and 2.2 (the DDPG bug: a Q-function whose (batch, 1) output broadcasts against a
# (batch,) backup, which MSE-style losses warn about and torch.squeeze fixes).
EPS = 1e-8


def gaussian_likelihood(x, mu, log_std):
    """
    Args:
        x: Tensor with shape [batch, dim]
        mu: Tensor with shape [batch, dim]
        log_std: Tensor with shape [batch, dim] or [dim]

    Returns:
        Tensor with shape [batch]
    """
    pre_sum = -0.5 * (((x - mu) / (torch.exp(log_std) + EPS)) ** 2 + 2 * log_std + np.log(2 * np.pi))
    return pre_sum.sum(axis=-1)


torch.manual_seed(0)
batch_size, dim = 32, 10
x = torch.rand(batch_size, dim)
mu = torch.rand(batch_size, dim)
log_std = torch.rand(dim, requires_grad=True)
your_gaussian_likelihood = gaussian_likelihood(x, mu, log_std)
true_gaussian_likelihood = torch.distributions.Normal(mu, torch.exp(log_std)).log_prob(x).sum(axis=-1)
your_result = your_gaussian_likelihood.detach().numpy()
true_result = true_gaussian_likelihood.detach().numpy()
correct = np.allclose(your_result, true_result)
print(your_result[:4], your_result.dtype, correct)
print(your_gaussian_likelihood.shape, true_gaussian_likelihood.grad_fn.name(), your_gaussian_likelihood.dtype)


def mlp(sizes, activation, output_activation=nn.Identity):
    layers = []
    for j in range(len(sizes) - 1):
        act = activation if j < len(sizes) - 2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]
    return nn.Sequential(*layers)


class DiagonalGaussianDistribution:

    def __init__(self, mu, log_std):
        self.mu = mu
        self.log_std = log_std

    def sample(self):
        return self.mu + torch.exp(self.log_std) * torch.randn_like(self.mu)

    def log_prob(self, value):
        return gaussian_likelihood(value, self.mu, self.log_std)

    def entropy(self):
        return 0.5 + 0.5 * np.log(2 * np.pi) + self.log_std.sum(axis=-1)


class MLPGaussianActor(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.log_std = nn.Parameter(-0.5 * torch.ones(act_dim, dtype=torch.float32))
        self.mu_net = mlp([obs_dim] + list(hidden_sizes) + [act_dim], activation)

    def _distribution(self, obs):
        mu = self.mu_net(obs)
        return DiagonalGaussianDistribution(mu, self.log_std)

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act)

    def forward(self, obs, act=None):
        pi = self._distribution(obs)
        logp_a = None
        if act is not None:
            logp_a = self._log_prob_from_distribution(pi, act)
        return pi, logp_a


torch.manual_seed(1)
actor = MLPGaussianActor(4, 2, (16, 16), nn.Tanh)
obs = torch.as_tensor(np.random.RandomState(0).randn(5, 4), dtype=torch.float32)
pi, _ = actor(obs)
a = pi.sample()
_, logp = actor(obs, a)
print(a, logp, pi.entropy())
(-logp.mean()).backward()
print(actor.log_std.grad, actor.mu_net[0].weight.grad.norm())
with torch.no_grad():
    a = actor._distribution(torch.as_tensor(np.zeros(4), dtype=torch.float32)).sample()
print(a.numpy(), a.requires_grad)
print(0.5 * np.log(2 * np.pi) + torch.zeros(2), (torch.ones(2) * np.float32(0.5)).dtype, (torch.ones(2) + np.float64(1)).dtype)


# ---------------------------------------------------------------- exercise 2.2: the shape bug
class BuggedMLPQFunction(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.q = mlp([obs_dim + act_dim] + list(hidden_sizes) + [1], activation)

    def forward(self, obs, act):
        return self.q(torch.cat([obs, act], dim=-1))  # (batch, 1): no squeeze


class MLPQFunction(BuggedMLPQFunction):
    def forward(self, obs, act):
        return torch.squeeze(super().forward(obs, act), -1)


torch.manual_seed(2)
o, a, r, o2, d = torch.randn(6, 3), torch.randn(6, 2), torch.randn(6), torch.randn(6, 3), torch.zeros(6)
for Q in (BuggedMLPQFunction, MLPQFunction):
    q_net = Q(3, 2, (8,), nn.ReLU)
    q = q_net(o, a)
    with torch.no_grad():
        backup = r + 0.99 * (1 - d) * torch.randn(6)
    loss_q = ((q - backup) ** 2).mean()
    print(Q.__name__, q.shape, (q - backup).shape, loss_q)
    print(F.mse_loss(q, backup))
