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
from ....qdtypes import qint8
from ....quantize_rules import symmetric_weight_scale
from ....quantized_tensor import QuantizedTensor, quantize_array


def quantize_weight(weight: Tensor) -> QuantizedTensor:
    """The default dynamic qconfig's weight: qint8, per-tensor symmetric scale, zero point 0."""
    w = weight.detach().numpy().astype("float32")
    scale = symmetric_weight_scale(w)
    return quantize_array(w, scale, 0, qint8)


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
        self._qweight = QuantizedTensor(np.zeros((out_features, in_features), "int8"), 1.0, 0, qint8)
        self._set_bias(Parameter(from_numpy(np.zeros(out_features, "float32"))) if bias_ else None)
        self.version = 4

    @classmethod
    def from_float(cls, mod: Module, use_precomputed_fake_quant: bool = False) -> Linear:
        qlinear = cls(mod.in_features, mod.out_features, mod.bias is not None)
        qlinear._qweight = quantize_weight(mod.weight)
        qlinear._set_bias(None if mod.bias is None else Parameter(mod.bias.detach().clone()))
        return qlinear

    def _set_bias(self, bias: Parameter | None) -> None:
        object.__setattr__(self, "_bias", bias)  # packed with the weight in torch: no registered parameter

    def weight(self) -> QuantizedTensor:
        return self._qweight

    def bias(self) -> Tensor | None:
        return self._bias

    def forward(self, x: Tensor) -> Tensor:
        if x.dtype != dtypes.float32:
            raise RuntimeError(f"expected scalar type Float but found {x.dtype._legacy}")
        bias = None if self._bias is None else self._bias.detach().numpy()
        return from_numpy(linear_dynamic(x.detach().numpy(), self._qweight, bias))

    def _get_name(self) -> str:
        return "DynamicQuantizedLinear"

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, dtype={self._qweight.dtype}, "
                f"qscheme={self._qweight.qscheme()}")

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        # torch's keys: its own scale and zero point, then its LinearPackedParams child's dtype and (weight, bias)
        destination[prefix + "scale"] = tensor(self.scale)
        destination[prefix + "zero_point"] = tensor(self.zero_point)
        destination[prefix + "_packed_params.dtype"] = self._qweight.dtype
        destination[prefix + "_packed_params._packed_params"] = (self._qweight, self._bias)
