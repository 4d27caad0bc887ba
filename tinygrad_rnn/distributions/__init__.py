"""Probability distributions, as torch.distributions: sample, log_prob, entropy.

    dist = Categorical(logits=scores)
    action = dist.sample()
    loss = -dist.log_prob(action) * reward
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "constraints"]
