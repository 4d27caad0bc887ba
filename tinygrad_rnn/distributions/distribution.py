"""`Distribution`, the base of every distribution, and the helpers the distributions share.

A distribution has a `batch_shape` (independent distributions side by side, from the shape of its
parameters) and an `event_shape` (the shape of one draw; () for scalar distributions). A sample of
`sample_shape` has shape sample_shape + batch_shape + event_shape.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..creation import tensor
from ..ops.shape import broadcast_tensors
from . import constraints


class lazy_property:
    """A property computed on first use and then stored on the instance (so it is in `__dict__`,
    which is how validation and repr tell a given parameter from a derived one, as torch does)."""

    def __init__(self, compute: Callable) -> None:
        self.compute = compute
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.compute.__name__] = value
        return value


class Distribution:
    """Base class. Subclasses set `arg_constraints` and `support`, and implement what they can of
    sample / rsample / log_prob / entropy / mean / variance."""

    has_rsample = False
    has_enumerate_support = False
    # Checking is on by default, as torch (off under `python -O`, as torch).
    _validate_args = __debug__
    arg_constraints: dict[str, constraints.Constraint] = {}
    support: constraints.Constraint | None = None

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape: Any = (), event_shape: Any = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue  # it depends on other parameters: nothing to check on its own
                if name not in self.__dict__ and isinstance(getattr(type(self), name, None), lazy_property):
                    continue  # a parameter derived lazily from the given one is not checked
                self._check_parameter(name, constraint)

    def _init_broadcast(self, validate_args: bool | None, **params: Any) -> None:
        """`__init__` for families whose parameters are numbers or tensors broadcast together:
        store each under its name, then start with their shape as batch_shape (() when every one
        was given as a Python number, as torch: a number becomes a 0-d tensor)."""
        tensors = broadcast_all(*params.values())
        for name, value in zip(params, tensors):
            setattr(self, name, value)
        Distribution.__init__(self, tensors[0].size(), validate_args=validate_args)

    def _init_probs_or_logits(self, probs: Any, logits: Any, *others: Any) -> tuple[Tensor, ...]:
        """For families given by `probs` or `logits` (exactly one, as torch asks): broadcast the
        given one with `others` (such as total_count), store it under its name and as `_param`
        (the one given, for shapes and dtype), and return `others` broadcast."""
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name, given = ("probs", probs) if probs is not None else ("logits", logits)
        *broadcast_others, param = broadcast_all(*others, given)
        setattr(self, name, param)
        self._param = param
        return tuple(broadcast_others)

    def _check_parameter(self, name: str, constraint: constraints.Constraint) -> None:
        value = getattr(self, name)
        if not bool(constraint.check(value).all()):
            raise ValueError(f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"of distribution {self!r} to satisfy the constraint {constraint!r}, "
                             f"but found invalid values:\n{value}")

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """The same distribution repeated over a larger `batch_shape` (views of the parameters,
        no copy, no new checks). Every parameter named in `arg_constraints` (and any listed in
        `_expand_also`) that is on the instance is expanded; subclasses with more state override."""
        new = self._get_checked_instance(type(self), _instance)
        batch_shape = Size(batch_shape)
        new.__dict__.update(self.__dict__)
        for name in [*self.arg_constraints, *self._expand_also]:
            if name in self.__dict__:
                value = self.__dict__[name]
                event = tuple(value.shape[value.dim() - self._param_event_dims(name):])
                new.__dict__[name] = value.expand(tuple(batch_shape) + event)
        return self._finish_expand(new, batch_shape)

    def _finish_expand(self, new: Distribution, batch_shape: Any, event_shape: Any = None) -> Any:
        """The last step of every `expand`: give the copy `new` its shapes (event_shape defaults to
        this one's) without checking its parameters again, then this distribution's checking flag."""
        event_shape = self._event_shape if event_shape is None else event_shape
        Distribution.__init__(new, Size(batch_shape), event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    _expand_also: tuple[str, ...] = ()

    def _param_event_dims(self, name: str) -> int:
        """How many rightmost dims of parameter `name` belong to one event, not to the batch."""
        value = self.__dict__[name]
        return value.dim() - len(self._batch_shape)

    def _family(self) -> type:
        """The family whose __init__ a shared expand knows how to copy (see family_of)."""
        return family_of(self)

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {type(self).__name__} of {cls.__name__} that defines a custom "
                                      f"__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample_n(self, n: int) -> Tensor:
        """Deprecated in torch: `sample((n,))`, with torch's FutureWarning at the caller's line."""
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample(Size((n,)))

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    def sample(self, sample_shape: Any = ()) -> Tensor:
        """A draw of shape sample_shape + batch_shape + event_shape, cut from the graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """A draw that gradients flow through (the reparameterisation trick)."""
        raise NotImplementedError

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _extended_shape(self, sample_shape: Any = ()) -> Size:
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value: Any) -> None:
        """torch's checks of a value to score: a Tensor, broadcastable with the batch, in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        start = value.dim() - len(self._event_shape)
        if value.size()[start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual, expected = value.size(), self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {actual} vs {expected}.")
        if not bool(self.support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                             f"to be within the support ({self.support!r}) of the distribution {self!r}, "
                             f"but found invalid values:\n{value}")

    def __repr__(self) -> str:
        shown = [name for name in self.arg_constraints if name in self.__dict__]
        args = ", ".join(f"{n}: {self.__dict__[n] if self.__dict__[n].numel() == 1 else self.__dict__[n].size()}"
                         for n in shown)
        return f"{type(self).__name__}({args})"


class CentredAtLoc(Distribution):
    """Base of the families symmetric about their one peak at `loc` (Normal, Laplace, Cauchy, the
    multivariate normals, VonMises): the mode is loc, and so is the mean wherever it exists."""

    loc: Tensor

    @property
    def mean(self) -> Tensor:
        return self.loc

    mode = mean  # the same property: a subclass overriding mean (Cauchy's is nan) keeps this mode


class LocationScale(CentredAtLoc):
    """Base of the real families with a location `loc` and a positive `scale` (Normal, Laplace,
    Cauchy): loc and scale are numbers or tensors broadcast together, and draws are reparameterised."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        self._init_broadcast(validate_args, loc=loc, scale=scale)


def delegated(owner: str, name: str) -> property:
    """A read-only property that is attribute `name` of this object's attribute `owner` (the
    distribution it is built on): `mean = delegated("base_dist", "mean")`."""
    return property(lambda self: getattr(getattr(self, owner), name), doc=f"{owner}.{name}")


def family_of(obj: Any) -> type:
    """The nearest class of this package in type(obj)'s MRO: HalfNormal for HalfNormal and for a
    user's subclass of it (code shared by several classes still acts as each one's own would)."""
    return next(c for c in type(obj).__mro__ if c.__module__.startswith(__package__))


# What torch's distributions take for a plain number (torch.types._Number): Python's int, float and bool.
# numpy scalars other than np.float64 (a float subclass) are not among them: Normal(np.float32(0), 1) raises.
NUMBER = (int, float)


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """Tensors and numbers broadcast to one shape; numbers take the first tensor's dtype (or the
    default dtype when all are numbers), as torch's `broadcast_all`."""
    if not all(isinstance(v, (Tensor, *NUMBER)) for v in values):
        raise ValueError("Input arguments must all be instances of Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    first = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = first.dtype if first is not None else dtypes.get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype) for v in values]
    # torch.broadcast_tensors: its RuntimeError for shapes that do not broadcast, and a tensor that
    # already has the shape comes back as itself
    return broadcast_tensors(*tensors)


def clamp_probs(probs: Tensor) -> Tensor:
    """Probabilities moved into [eps, 1 - eps] so their logs stay finite."""
    eps = float(np.finfo(probs._data.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Log-probabilities (or, `is_binary`, log-odds of the event 1)."""
    clamped = clamp_probs(probs)
    if is_binary:
        return clamped.log() - (-clamped).log1p()
    return clamped.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities from log-odds (`is_binary`) or from unnormalised log-probabilities (softmax)."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


def sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """`value` summed over its `dim` rightmost dims (unchanged for dim 0)."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def finfo_of(t: Tensor) -> Any:
    """numpy's float limits (eps, tiny, max) for a tensor's dtype."""
    return np.finfo(t._data.dtype)


class SuccessOdds:
    """The two spellings of a success probability that Bernoulli-like distributions share: given one of
    `probs` or `logits` (log-odds), the other is derived on first use. `_param`, the one given
    (stored by Distribution._init_probs_or_logits), is expanded with them."""

    _expand_also = ("_param",)

    @lazy_property
    def logits(self) -> Tensor:
        """Log-odds of success, log(p / (1 - p)), with p kept away from 0 and 1."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        """Success probability, sigmoid(logits)."""
        return logits_to_probs(self.logits, is_binary=True)
