"""VonMises: the circular normal distribution of an angle, with mean direction `loc` and
concentration kappa."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd import no_grad
from ..core import dtypes
from ..core.tensor import Tensor
from ..ops.pointwise import where
from ..random import rand
from . import constraints
from .distribution import CentredAtLoc, lazy_property

# Polynomial approximations of the modified Bessel functions I0 and I1 (Abramowitz and Stegun 9.8.1
# to 9.8.4): in (x / 3.75)^2 below 3.75, in 3.75 / x above. torch evaluates these same series, so
# log_prob agrees with torch's to rounding (the series itself is accurate to ~1e-7 relative).
_SMALL = {0: [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2],
          1: [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3]}
_LARGE = {0: [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1,
              -0.1647633e-1, 0.392377e-2],
          1: [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1,
              0.1787654e-1, -0.420059e-2]}


def _polynomial(y: Tensor, coefficients: list[float]) -> Tensor:
    """sum c_i y^i by Horner's rule."""
    result: Any = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = c + y * result
    return result


def log_modified_bessel(x: Tensor, order: int) -> Tensor:
    """log I_order(x) for order 0 or 1 and x > 0, from the polynomial approximations above."""
    if order not in (0, 1):
        raise AssertionError(f"order must be 0 or 1, got {order}")
    small = _polynomial((x / 3.75) ** 2, _SMALL[order])
    if order == 1:
        small = x.abs() * small
    large = x - 0.5 * x.log() + _polynomial(3.75 / x, _LARGE[order]).log()
    return where(x < 3.75, small.log(), large)


class VonMises(CentredAtLoc):
    """p(x) = exp(kappa cos(x - loc)) / (2 pi I0(kappa)) on the circle (values in [-pi, pi)).
    The mean (the circular mean) and the mode are loc (from CentredAtLoc).

    `sample()` is Best and Fisher's rejection sampler (1979) in float64 with three `rand` draws a
    round, as torch's, so after the same `manual_seed` the draws equal torch's. Not reparameterised.
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Tensor | float, concentration: Tensor | float, validate_args: bool | None = None) -> None:
        self._init_broadcast(validate_args, loc=loc, concentration=concentration)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - log_modified_bessel(self.concentration, order=0))

    @lazy_property
    def _proposal_r(self) -> np.ndarray:
        """The envelope parameter r of Best and Fisher's sampler (float64; 1/kappa + kappa for tiny kappa)."""
        kappa = self.concentration.detach().numpy().astype(np.float64)
        tau = 1 + np.sqrt(1 + 4 * kappa**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            r = (1 + rho**2) / (2 * rho)
            return np.where(kappa < 1e-5, 1 / kappa + kappa, r)

    def sample(self, sample_shape: Any = ()) -> Tensor:
        shape = tuple(self._extended_shape(sample_shape))
        loc = np.broadcast_to(self.loc.detach().numpy().astype(np.float64), shape)
        kappa = np.broadcast_to(self.concentration.detach().numpy().astype(np.float64), shape)
        r = np.broadcast_to(self._proposal_r, shape)
        x, done = np.zeros(shape), np.zeros(shape, bool)
        with no_grad():
            while not done.all():
                u1, u2, u3 = rand((3,) + shape, dtype=dtypes.float64).numpy()
                z = np.cos(math.pi * u1)
                f = (1 + r * z) / (r + z)
                c = kappa * (r - f)
                with np.errstate(divide="ignore", invalid="ignore"):
                    accept = ((c * (2 - c) - u2) > 0) | (np.log(c / u2) + 1 - c >= 0)
                x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(f), x)
                done |= accept
            angle = np.fmod(x + math.pi + loc, 2 * math.pi)
            angle = np.where(angle < 0, angle + 2 * math.pi, angle) - math.pi  # Python's % on floats
            return Tensor._make(angle.astype(self.loc._data.dtype))

    def expand(self, batch_shape: Any, _instance: Any = None) -> VonMises:
        new = super().expand(batch_shape, _instance)
        for derived in ("_proposal_r", "variance"):  # cached for the old batch shape
            new.__dict__.pop(derived, None)
        return new

    @lazy_property
    def variance(self) -> Tensor:  # type: ignore[override]
        """The circular variance 1 - I1(kappa) / I0(kappa)."""
        c = self.concentration
        return 1 - (log_modified_bessel(c, order=1) - log_modified_bessel(c, order=0)).exp()
