"""The few constraints the distributions here check, with torch's names (their repr is in torch's
error messages). `check(value)` returns a boolean Tensor: True where the value is allowed."""
from __future__ import annotations

from ..core.tensor import Tensor


class Constraint:
    """A set of allowed values. `event_dim` is how many rightmost dims form one value."""

    event_dim = 0

    def check(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Real(Constraint):
    def check(self, value: Tensor) -> Tensor:
        return value == value  # False exactly at NaN


class GreaterThan(Constraint):
    def __init__(self, lower_bound: float) -> None:
        self.lower_bound = lower_bound

    def check(self, value: Tensor) -> Tensor:
        return value > self.lower_bound

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class Interval(Constraint):
    def __init__(self, lower_bound: float, upper_bound: float) -> None:
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value: Tensor) -> Tensor:
        return (value >= self.lower_bound) & (value <= self.upper_bound)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class IntegerInterval(Interval):
    def check(self, value: Tensor) -> Tensor:
        return (value % 1 == 0) & super().check(value)


class Boolean(Constraint):
    def check(self, value: Tensor) -> Tensor:
        return (value == 0) | (value == 1)


class Simplex(Constraint):
    """Non-negative vectors (the last dim) that sum to 1 (to 1e-6, as torch)."""

    event_dim = 1

    def check(self, value: Tensor) -> Tensor:
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class IndependentConstraint(Constraint):
    """`base` on every element, with the rightmost `reinterpreted_batch_ndims` dims forming one value."""

    def __init__(self, base: Constraint, reinterpreted_batch_ndims: int) -> None:
        self.base, self.reinterpreted_batch_ndims = base, reinterpreted_batch_ndims
        self.event_dim = base.event_dim + reinterpreted_batch_ndims

    def check(self, value: Tensor) -> Tensor:
        ok = self.base.check(value)
        for _ in range(self.reinterpreted_batch_ndims):
            ok = ok.all(-1)
        return ok

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base!r}, {self.reinterpreted_batch_ndims})"


real = Real()
real_vector = IndependentConstraint(real, 1)
positive = GreaterThan(0.0)
unit_interval = Interval(0.0, 1.0)
boolean = Boolean()
simplex = Simplex()
integer_interval = IntegerInterval
