"""Categorical: one of K classes, with probabilities along the last dim of `probs` or `logits`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import arange, full
from ..random import multinomial
from . import constraints
from .distribution import Distribution, delegated, lazy_property, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    """Integers 0..K-1. Give `probs` (non-negative, any positive sum: they are normalised) or
    `logits` (unnormalised log-probabilities: normalised by logsumexp), not both.

    `sample()` draws through `multinomial` (with replacement) as torch does, so after the same
    `manual_seed` the samples, of any `sample_shape`, equal torch's, and so do later random calls.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True
    _expand_also = ("_param",)

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self._param = self.probs
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
            self._param = self.logits
        self._num_events = self._param.shape[-1]
        batch_shape = self._param.shape[:-1] if self._param.dim() > 1 else Size()
        super().__init__(batch_shape, validate_args=validate_args)

    @lazy_property
    def logits(self) -> Tensor:
        """Normalised log-probabilities (from `probs` when those were given)."""
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        """Normalised probabilities (softmax of `logits` when those were given)."""
        return logits_to_probs(self.logits)

    @property
    def support(self) -> constraints.Constraint:
        return constraints.integer_interval(0, self._num_events - 1)

    param_shape = delegated("_param", "shape")

    @property
    def mean(self) -> Tensor:
        return full(self._extended_shape(), np.nan, dtype=self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return full(self._extended_shape(), np.nan, dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(dim=-1)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Class indices (int64) of shape sample_shape + batch_shape."""
        n = int(np.prod(tuple(sample_shape), dtype=np.int64))
        rows = self.probs.detach().reshape(-1, self._num_events)
        draws = multinomial(rows, n, True).T
        return draws.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """log P(value): the normalised logit picked out by each class index (differentiable)."""
        if self._validate_args:
            self._validate_sample(value)
        index = value.long().unsqueeze(-1)
        shape = np.broadcast_shapes(tuple(index.shape), tuple(self.logits.shape))
        log_pmf = self.logits.expand(shape)
        index = index.expand(shape)[..., :1]
        return log_pmf.gather(-1, index).squeeze(-1)

    def entropy(self) -> Tensor:
        """-sum p log p over classes; logits of -inf are clamped so 0 * log 0 counts as 0."""
        lowest = float(np.finfo(self.logits._data.dtype).min)
        return -(self.logits.clamp(min=lowest) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True) -> Tensor:
        values = arange(self._num_events).view((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values


class OnCategorical(Distribution):
    """Base of the families drawn from a Categorical over the last dim, kept as `_categorical`
    (Multinomial, OneHotCategorical, ExpRelaxedCategorical): its probs, logits and param_shape
    are theirs, and expand expands it, keeping the attributes named in `_kept_on_expand`."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    _categorical: Categorical
    _kept_on_expand: tuple[str, ...] = ()

    def expand(self, batch_shape: Any, _instance: Any = None) -> OnCategorical:
        new = self._get_checked_instance(self._family(), _instance)
        for name in self._kept_on_expand:
            setattr(new, name, getattr(self, name))
        new._categorical = self._categorical.expand(batch_shape)
        return self._finish_expand(new, batch_shape)

    param_shape = delegated("_categorical", "param_shape")
    probs = delegated("_categorical", "probs")
    logits = delegated("_categorical", "logits")
