"""LogisticNormal: a Normal vector pushed onto the simplex by stick breaking."""
from __future__ import annotations

from ..core.tensor import Tensor
from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedFamily
from .transforms import StickBreakingTransform


class LogisticNormal(TransformedFamily):
    """StickBreaking(X), X ~ Normal(loc, scale) over K - 1 coordinates: a point of the K-simplex.
    Samples are transformed Normal samples, so after the same `manual_seed` they equal torch's."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Tensor | float, scale: Tensor | float, validate_args: bool | None = None) -> None:
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand([1])
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    @property
    def loc(self) -> Tensor:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.base_dist.scale
