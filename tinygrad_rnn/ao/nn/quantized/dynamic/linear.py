"""`torch.ao.nn.quantized.dynamic.Linear` (prints as DynamicQuantizedLinear): a Linear whose weight is stored
as qint8 and whose input is quantized at each call. Inference only: its output has no gradient."""
from __future__ import annotations

from typing import Any

import numpy as np

from .....core import dtypes
from .....core.tensor import Tensor
from .....creation import from_numpy, tensor
from .....nn.module import Module
from .....nn.parameter import Parameter
from ....linear_dynamic import linear_dynamic
from ....no_autograd import without_autograd
from ....qdtypes import qint8
from ....quantize_rules import symmetric_weight_scale
from ....quantized_tensor import QuantizedTensor, quantize_array


def quantize_weight(weight: Tensor) -> QuantizedTensor:
    """The default dynamic qconfig's weight: qint8, per-tensor symmetric scale, zero point 0."""
    w = weight.detach().numpy().astype("float32")
    scale = symmetric_weight_scale(w)
    return quantize_array(w, scale, 0, qint8)


class LinearPackedParams(Module):
    """torch's LinearPackedParams: the quantized weight and the float bias, saved as `dtype` and
    `_packed_params` (a tuple) under the Linear's `_packed_params.` prefix."""

    _version = 3

    def __init__(self, weight: QuantizedTensor, bias: Parameter | None) -> None:
        super().__init__()
        self.dtype = weight.dtype
        self.set_weight_bias(weight, bias)

    def set_weight_bias(self, weight: QuantizedTensor, bias: Parameter | None) -> None:
        self.weight = weight
        object.__setattr__(self, "bias", bias)  # packed with the weight in torch: no registered parameter

    def __repr__(self) -> str:
        return repr((self.weight, self.bias))  # torch's: its (weight, bias)

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        destination[prefix + "dtype"] = self.dtype
        destination[prefix + "_packed_params"] = (self.weight, self.bias)


class Linear(Module):
    """A dynamically quantized Linear; build one with `Linear.from_float(nn.Linear)` or quantize_dynamic."""

    _version = 4

    def __init__(self, in_features: int, out_features: int, bias_: bool = True, dtype: Any = qint8) -> None:
        super().__init__()
        if dtype is not qint8:
            raise NotImplementedError(f"DynamicQuantizedLinear: dtype={dtype} is not supported by tinygrad_rnn "
                                      "(only torch.qint8)")
        self.in_features, self.out_features = in_features, out_features
        self.scale, self.zero_point = 1.0, 0  # torch's (unused by the dynamic forward)
        weight = QuantizedTensor(np.zeros((out_features, in_features), "int8"), 1.0, 0, qint8)
        bias = Parameter(from_numpy(np.zeros(out_features, "float32"))) if bias_ else None
        self._packed_params = LinearPackedParams(weight, bias)
        self.version = 4

    @classmethod
    def from_float(cls, mod: Module, use_precomputed_fake_quant: bool = False) -> Linear:
        qlinear = cls(mod.in_features, mod.out_features, mod.bias is not None)
        bias = None if mod.bias is None else Parameter(mod.bias.detach().clone())
        qlinear._packed_params.set_weight_bias(quantize_weight(mod.weight), bias)
        return qlinear

    def weight(self) -> QuantizedTensor:
        return self._packed_params.weight

    def bias(self) -> Tensor | None:
        return self._packed_params.bias

    def forward(self, x: Tensor) -> Tensor:
        if x.dtype != dtypes.float32:
            raise RuntimeError(f"expected scalar type Float but found {x.dtype._legacy}")
        bias = None if self.bias() is None else self.bias().detach().numpy()
        return without_autograd("quantized::linear_dynamic",
                                lambda: from_numpy(linear_dynamic(x.detach().numpy(), self.weight(), bias)), x)

    def _get_name(self) -> str:
        return "DynamicQuantizedLinear"

    def extra_repr(self) -> str:
        weight = self.weight()
        return (f"in_features={self.in_features}, out_features={self.out_features}, dtype={weight.dtype}, "
                f"qscheme={weight.qscheme()}")

    def __repr__(self) -> str:
        return f"{self._get_name()}({self.extra_repr()})"  # torch hides the packed params child

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        # torch's: the scale and zero point of the output (unused here), then the child's dtype and weights
        destination[prefix + "scale"] = tensor(self.scale)
        destination[prefix + "zero_point"] = tensor(self.zero_point)
