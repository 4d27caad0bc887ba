"""Code as public tutorials write it (a VAE's loss, REINFORCE, a tanh-squashed SAC policy, a PPO
Gaussian policy, a Beta policy), run verbatim on both frameworks: same losses, same gradients."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import require_torch, to_numpy

import tinygrad_rnn

VAE = '''
from {m}.distributions import Normal, Independent, kl_divergence
from {m}.distributions.normal import Normal as NormalAgain

def loss(mu, log_var, x):
    std = torch.exp(0.5 * log_var)
    q = Independent(Normal(mu, std), 1)
    prior = Independent(NormalAgain(torch.zeros_like(mu), torch.ones_like(std)), 1)
    z = q.rsample()
    recon = torch.distributions.Bernoulli(logits=z @ torch.ones(z.shape[-1], x.shape[-1], dtype=z.dtype))
    return (-recon.log_prob(x).sum(-1) + kl_divergence(q, prior)).mean()
'''

REINFORCE = '''
from {m}.distributions import Categorical

def loss(scores, returns):
    dist = Categorical(logits=scores)
    actions = dist.sample()
    return -(dist.log_prob(actions) * returns).sum() - 0.01 * dist.entropy().mean()
'''

SAC = '''
import math
from {m}.distributions import Normal
from {m}.distributions.transforms import TanhTransform
from {m}.distributions.transformed_distribution import TransformedDistribution

def loss(mu, log_std, q_weight):
    std = log_std.clamp(-20, 2).exp()
    pi = TransformedDistribution(Normal(mu, std), [TanhTransform(cache_size=1)])
    action = pi.rsample()
    log_prob = pi.log_prob(action).sum(-1)
    # the hand-written correction from the SAC paper's code, as many tutorials still write it
    u = Normal(mu, std).rsample()
    by_hand = (Normal(mu, std).log_prob(u) - 2 * (math.log(2) - u - torch.nn.functional.softplus(-2 * u))).sum(-1)
    return (log_prob - (action * q_weight).sum(-1)).mean() + by_hand.mean()
'''

PPO = '''
from {m}.distributions import MultivariateNormal

def loss(mean, log_std, old_log_prob, advantage):
    cov = torch.diag_embed(log_std.exp() ** 2)
    dist = MultivariateNormal(mean, covariance_matrix=cov)
    action = dist.sample()
    ratio = (dist.log_prob(action) - old_log_prob).exp()
    clipped = torch.clamp(ratio, 0.8, 1.2)
    return -torch.min(ratio * advantage, clipped * advantage).mean() - 0.01 * dist.entropy().mean()
'''

BETA = '''
from {m}.distributions import Beta

def loss(raw_a, raw_b, action):
    dist = Beta(torch.nn.functional.softplus(raw_a) + 1, torch.nn.functional.softplus(raw_b) + 1)
    return -dist.log_prob(action).mean() - dist.entropy().mean() + (dist.mean - action).pow(2).mean()
'''

RNG = np.random.default_rng(4)
CASES = {
    "VAE": (VAE, [RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3)) * 0.3,
                  RNG.integers(0, 2, (4, 5)).astype(np.float64)], [True, True, False]),
    "REINFORCE": (REINFORCE, [RNG.standard_normal((6, 4)), RNG.standard_normal(6)], [True, False]),
    "SAC": (SAC, [RNG.standard_normal((5, 2)), RNG.standard_normal((5, 2)) * 0.5, RNG.standard_normal(2)],
            [True, True, False]),
    "PPO": (PPO, [RNG.standard_normal((5, 2)), RNG.standard_normal((5, 2)) * 0.3, RNG.standard_normal(5) - 2,
                  RNG.standard_normal(5)], [True, True, False, False]),
    "Beta": (BETA, [RNG.standard_normal(4), RNG.standard_normal(4), RNG.uniform(0.1, 0.9, 4)], [True, True, False]),
}


def _run(module, source: str, arrays: list, flags: list, dtype) -> tuple:
    namespace = {"torch": module}
    exec(source.format(m=module.__name__), namespace)  # noqa: S102 - the same tutorial text on both
    module.manual_seed(0)
    inputs = [module.tensor(a.astype(dtype), requires_grad=f) for a, f in zip(arrays, flags)]
    loss = namespace["loss"](*inputs)
    loss.backward()
    return loss, [x.grad for x, f in zip(inputs, flags) if f]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES)
def test_tutorial_code_gives_torchs_loss_and_gradients(case: str, dtype) -> None:
    torch = require_torch()
    source, arrays, flags = CASES[case]
    ours, theirs = _run(tinygrad_rnn, source, arrays, flags, dtype), _run(torch, source, arrays, flags, dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-6)
    assert to_numpy(ours[0]).dtype == to_numpy(theirs[0]).dtype
    np.testing.assert_allclose(to_numpy(ours[0]), to_numpy(theirs[0]), **tol)
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), **tol)
