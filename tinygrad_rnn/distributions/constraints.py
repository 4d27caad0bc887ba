"""The sets a distribution's parameters and values must lie in, with torch's names and reprs
(the reprs appear in torch's error messages). `check(value)` returns a boolean Tensor: True where
the value is allowed, one entry per event (the rightmost `event_dim` dims form one event)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import full, tensor
from ..linalg import eigvalsh
from ..ops.shape import cat as _cat
from ..ops.shape import stack as _stack


class Constraint:
    """A set of allowed values. `event_dim` is how many rightmost dims form one value."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dependent(Constraint):
    """A placeholder for a constraint that depends on other parameters: never checked."""

    def __init__(self, *, is_discrete: Any = NotImplemented, event_dim: Any = NotImplemented) -> None:
        self._is_discrete, self._event_dim = is_discrete, event_dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        if self._is_discrete is NotImplemented:
            raise NotImplementedError(".is_discrete cannot be determined statically")
        return self._is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        if self._event_dim is NotImplemented:
            raise NotImplementedError(".event_dim cannot be determined statically")
        return self._event_dim

    def __call__(self, *, is_discrete: Any = NotImplemented, event_dim: Any = NotImplemented) -> Dependent:
        return Dependent(is_discrete=self._is_discrete if is_discrete is NotImplemented else is_discrete,
                         event_dim=self._event_dim if event_dim is NotImplemented else event_dim)

    def check(self, value: Tensor) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """True for the placeholder constraints that validation skips."""
    return isinstance(constraint, Dependent)


class DependentProperty(property, Dependent):
    """A property on an instance (the real constraint), a `Dependent` on the class."""

    def __init__(self, fn: Any = None, *, is_discrete: Any = NotImplemented,
                 event_dim: Any = NotImplemented) -> None:
        property.__init__(self, fn)
        Dependent.__init__(self, is_discrete=is_discrete, event_dim=event_dim)

    def __call__(self, fn: Any) -> DependentProperty:  # type: ignore[override]
        return DependentProperty(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)


def dependent_property(fn: Any = None, *, is_discrete: Any = NotImplemented,
                       event_dim: Any = NotImplemented) -> DependentProperty:
    return DependentProperty(fn, is_discrete=is_discrete, event_dim=event_dim)


class IndependentConstraint(Constraint):
    """`base_constraint` on every element, with the rightmost `reinterpreted_batch_ndims` dims forming one value."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base_constraint, self.reinterpreted_batch_ndims = base_constraint, reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value: Tensor) -> Tensor:
        ok = self.base_constraint.check(value)
        if ok.dim() < self.reinterpreted_batch_ndims:
            expected = self.base_constraint.event_dim + self.reinterpreted_batch_ndims
            raise ValueError(f"Expected value.dim() >= {expected} but got {value.dim()}")
        for _ in range(self.reinterpreted_batch_ndims):
            ok = ok.all(-1)
        return ok

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class MixtureSameFamilyConstraint(Constraint):
    """A mixture's support: `base_constraint` (the components') checked against every component,
    all of which must accept the value."""

    def __init__(self, base_constraint: Constraint) -> None:
        if not isinstance(base_constraint, Constraint):
            raise AssertionError(f"base_constraint must be a Constraint, got {type(base_constraint).__name__}")
        self.base_constraint = base_constraint

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim

    def check(self, value: Tensor) -> Tensor:
        result = self.base_constraint.check(value.unsqueeze(-1 - self.event_dim))
        if value.dim() < self.event_dim:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {value.dim()}")
        keep = value.dim() - self.event_dim
        return result.reshape(tuple(result.shape[:keep]) + (-1,)).all(-1)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_constraint!r})"


class Bounded(Constraint):
    """Base of the constraints set by a lower and/or upper bound: repr shows the bounds given,
    as torch's (GreaterThan(lower_bound=0.0))."""

    def __repr__(self) -> str:
        bounds = [f"{name}={self.__dict__[name]}" for name in ("lower_bound", "upper_bound") if name in self.__dict__]
        return f"{type(self).__name__}({', '.join(bounds)})"


class Boolean(Constraint):
    is_discrete = True

    def check(self, value: Tensor) -> Tensor:
        return (value == 0) | (value == 1)


class OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


class IntegerInterval(Bounded):
    is_discrete = True

    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound) & (value <= self.upper_bound)


class IntegerGreaterThan(Bounded):
    is_discrete = True

    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value >= self.lower_bound)


class IntegerLessThan(Bounded):
    is_discrete = True

    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & (value <= self.upper_bound)


class Real(Constraint):
    def check(self, value: Tensor) -> Tensor:
        return value == value  # False exactly at NaN


class GreaterThan(Bounded):
    def __init__(self, lower_bound: Any) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return value > self.lower_bound


class GreaterThanEq(GreaterThan):
    def check(self, value: Tensor) -> Tensor:
        return value >= self.lower_bound


class LessThan(Bounded):
    def __init__(self, upper_bound: Any) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return value < self.upper_bound


class Interval(Bounded):
    def __init__(self, lower_bound: Any, upper_bound: Any) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value >= self.lower_bound) & (value <= self.upper_bound)


class HalfOpenInterval(Interval):
    def check(self, value: Tensor) -> Tensor:
        return (value >= self.lower_bound) & (value < self.upper_bound)


class Simplex(Constraint):
    """Non-negative vectors (the last dim) that sum to 1 (to 1e-6, as torch)."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class Multinomial(Constraint):
    """Non-negative integer counts (the last dim) that sum to at most `upper_bound`."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: int) -> None:
        self.upper_bound = upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & (value.sum(-1) <= self.upper_bound)


class LowerTriangular(Constraint):
    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        return (value.tril() == value).all(-1).all(-1)


class LowerCholesky(Constraint):
    """Lower-triangular matrices with a positive diagonal."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        positive_diagonal = (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)
        return (value.tril() == value).all(-1).all(-1) & positive_diagonal


class CorrCholesky(Constraint):
    """Lower Cholesky factors of correlation matrices: positive diagonal and rows of unit length
    (to 10 * eps * n, as torch)."""

    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        tol = float(np.finfo(value._data.dtype).eps) * value.size(-1) * 10
        row_norm = value.detach().pow(2).sum(-1).sqrt()
        unit_rows = ((row_norm - 1.0).abs() <= tol).all(-1)
        return LowerCholesky().check(value) & unit_rows


class Square(Constraint):
    event_dim = 2

    def check(self, value: Tensor) -> Tensor:
        return full(tuple(value.shape[:-2]), value.shape[-2] == value.shape[-1], dtype=dtypes.bool)


class Symmetric(Square):
    def check(self, value: Tensor) -> Tensor:
        square = super().check(value)
        if not bool(square.all()):
            return square
        return value.isclose(value.mT, atol=1e-6).all(-2).all(-1)


class PositiveSemidefinite(Symmetric):
    def check(self, value: Tensor) -> Tensor:
        symmetric = super().check(value)
        if not bool(symmetric.all()):
            return symmetric
        return (eigvalsh(value) >= 0).all(-1)


class PositiveDefinite(Symmetric):
    def check(self, value: Tensor) -> Tensor:
        symmetric = super().check(value)
        if not bool(symmetric.all()):
            return symmetric
        return _has_cholesky_factor(value)


def _has_cholesky_factor(value: Tensor) -> Tensor:
    """Per matrix: whether a Cholesky factorisation succeeds (torch's test, `cholesky_ex(...).info == 0`).
    Done in numpy, one matrix at a time, because linalg.cholesky_ex here raises instead of reporting."""
    matrices = value.detach().numpy()
    flat = matrices.reshape((-1,) + matrices.shape[-2:])
    ok = np.empty(len(flat), dtype=bool)
    for i, matrix in enumerate(flat):
        try:
            np.linalg.cholesky(matrix)
            ok[i] = True
        except np.linalg.LinAlgError:
            ok[i] = False
    return tensor(ok.reshape(matrices.shape[:-2]))


class Cat(Constraint):
    """Constraints `cseq` applied to consecutive slices (of `lengths`) along `dim`."""

    def __init__(self, cseq: Any, dim: int = 0, lengths: Any = None) -> None:
        self.cseq, self.dim = list(cseq), dim
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.cseq)

    def check(self, value: Tensor) -> Tensor:
        checks, start = [], 0
        for constraint, length in zip(self.cseq, self.lengths):
            checks.append(constraint.check(value.narrow(self.dim, start, length)))
            start += length
        return _cat(checks, self.dim)


class Stack(Constraint):
    """Constraints `cseq` applied to the slices along `dim`."""

    def __init__(self, cseq: Any, dim: int = 0) -> None:
        self.cseq, self.dim = list(cseq), dim

    def check(self, value: Tensor) -> Tensor:
        return _stack([c.check(value.select(self.dim, i)) for i, c in enumerate(self.cseq)], self.dim)


dependent = Dependent()
independent = IndependentConstraint
boolean = Boolean()
one_hot = OneHot()
nonnegative_integer = IntegerGreaterThan(0)
positive_integer = IntegerGreaterThan(1)
integer_interval = IntegerInterval
real = Real()
real_vector = independent(real, 1)
positive = GreaterThan(0.0)
nonnegative = GreaterThanEq(0.0)
greater_than = GreaterThan
greater_than_eq = GreaterThanEq
less_than = LessThan
multinomial = Multinomial
unit_interval = Interval(0.0, 1.0)
interval = Interval
half_open_interval = HalfOpenInterval
simplex = Simplex()
lower_triangular = LowerTriangular()
lower_cholesky = LowerCholesky()
corr_cholesky = CorrCholesky()
square = Square()
symmetric = Symmetric()
positive_semidefinite = PositiveSemidefinite()
positive_definite = PositiveDefinite()
cat = Cat
stack = Stack

# torch names its classes with a leading underscore (`constraints._Interval`); code written for torch
# checks constraints with isinstance by those names, so they name the same classes here.
_Dependent, _DependentProperty, _IndependentConstraint = Dependent, DependentProperty, IndependentConstraint
_Boolean, _OneHot, _IntegerInterval, _IntegerGreaterThan = Boolean, OneHot, IntegerInterval, IntegerGreaterThan
_IntegerLessThan = IntegerLessThan
_Real, _GreaterThan, _GreaterThanEq, _LessThan = Real, GreaterThan, GreaterThanEq, LessThan
_Interval, _HalfOpenInterval, _Simplex, _Multinomial = Interval, HalfOpenInterval, Simplex, Multinomial
_LowerTriangular, _LowerCholesky, _CorrCholesky, _Square = LowerTriangular, LowerCholesky, CorrCholesky, Square
_Symmetric, _PositiveSemidefinite, _PositiveDefinite = Symmetric, PositiveSemidefinite, PositiveDefinite
_Cat, _Stack = Cat, Stack
