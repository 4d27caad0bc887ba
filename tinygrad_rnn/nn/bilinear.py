"""`nn.Bilinear` and `F.bilinear`: y[o] = x1^T W[o] x2 + b[o], one matrix W[o] per output feature.

    layer = nn.Bilinear(3, 4, 5)       # weight (5, 3, 4), bias (5,)
    y = layer(x1, x2)                  # x1 (N, 3), x2 (N, 4) -> y (N, 5)
"""
from __future__ import annotations

import math
from typing import Any

from ..argcheck import tensor_arg
from ..core.tensor import Tensor
from . import init
from .layers import _empty
from .module import Module
from .parameter import Parameter


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x1^T W[o] x2 + b[o] over the last dims of input1 (..., in1) and input2 (..., in2)."""
    tensor_arg("bilinear", "input1", input1, 1)
    tensor_arg("bilinear", "input2", input2, 2)
    tensor_arg("bilinear", "weight", weight, 3)
    _check_bilinear(input1, input2, weight, bias)
    batch = tuple(input1.shape[:-1])
    rows = math.prod(batch)  # explicit sizes, not -1: any of them may be 0
    (outs, in1, in2), x1, x2 = weight.shape, input1.reshape(rows, input1.shape[-1]), input2.reshape(rows, input2.shape[-1])
    # x1 W[o] for every o at once: (B, in1) @ (in1, out * in2) -> (B, out, in2); then dot with x2
    left = x1.matmul(weight.permute(1, 0, 2).reshape(in1, outs * in2)).reshape(rows, outs, in2)
    out = (left * x2.unsqueeze(1)).sum(-1).reshape(*batch, outs)
    return out if bias is None else out + bias


# the C++ names torch's dtype message uses
_CPP_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool"}


def _check_bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    named = {"input1": input1, "input2": input2, "weight": weight} | ({} if bias is None else {"bias": bias})
    if len({t.dtype for t in named.values()}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{name}: {_CPP_NAMES.get(t.dtype.name, t.dtype.name)}" for name, t in named.items()))
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for d in range(input1.dim() - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{input1.shape[d]} and {input2.shape[d]}")
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
                           f"expected {weight.shape[1]}")
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
                           f"expected {weight.shape[2]}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but expected "
                           f"{weight.shape[0]}")


class Bilinear(Module):
    """weight (out_features, in1_features, in2_features) and bias (out_features,), both drawn from
    U(-1/sqrt(in1_features), 1/sqrt(in1_features)), weight first, as torch does."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(_empty((out_features, in1_features, in2_features), device, dtype))
        self.register_parameter("bias", Parameter(_empty((out_features,), device, dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features={self.in1_features})")
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
