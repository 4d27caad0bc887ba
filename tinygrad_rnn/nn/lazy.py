"""`LazyLinear`: a Linear layer that learns `in_features` from its first input.

    layer = nn.LazyLinear(10)     # weight not made yet: <UninitializedParameter>
    layer(torch.ones(2, 4))       # now weight is (10, 4), initialised as Linear(4, 10) would be,
    type(layer)                   # and the layer has become an ordinary nn.Linear, as in torch

The parameters are drawn at the first call exactly as `Linear.__init__` draws them, so with the
same seed the numbers are torch's.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..creation import empty
from .layers import Linear
from .module import Module
from .parameter import Parameter


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet; it holds no values."""

    def __repr__(self) -> str:
        return "<UninitializedParameter>"

    __str__ = __repr__


class LazyLinear(Linear):
    """Linear(in_features, out_features) with in_features taken from the first input's last dim."""

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self._factory = {"device": device, "dtype": dtype}
        self.weight = UninitializedParameter(empty(0, device=device, dtype=dtype))
        self.register_parameter("bias", UninitializedParameter(empty(0, device=device, dtype=dtype)) if bias else None)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:
        self.in_features = input.shape[-1]
        self.weight = Parameter(empty(self.out_features, self.in_features, **self._factory))
        if self.bias is not None:
            self.bias = Parameter(empty(self.out_features, **self._factory))
        del self._factory
        self.__class__ = Linear  # as torch's cls_to_become: from now on an ordinary Linear
        self.reset_parameters()
        return self.forward(input)
