"""A quantized tensor: integers plus one scale and zero point (`torch.quantize_per_tensor`).

    value = (integer - zero_point) * scale

It is a small stand-alone object, not a `Tensor`: it has torch's quantized tensor's reading side
(`int_repr`, `dequantize`, `q_scale`, `q_zero_point`, `qscheme`, printing); no op computes with it.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.size import Size
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from ..creation import from_numpy
from ..serialization.torch_pickle import Call, Global, StoredArray
from ..surface.print_options import PRINT_OPTS
from ..surface.printing import _add_suffixes, _format, _formatter
from . import qdtypes
from .quantize_rules import quantize_values

_DEPRECATED = ("torch.quantize_per_tensor, torch.quantize_per_channel and other quantized tensor creation functions "
               "that produce tensors with dtype torch.quint8, torch.qint8, and torch.qint32 are deprecated and will be "
               "removed in a future PyTorch release. Please see https://github.com/pytorch/pytorch/issues/184982 for "
               "more information. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/quantized/"
               "Quantizer.cpp:111.)")


class QuantizedTensor:
    """Integers `_ints` (numpy, of `dtype.np`) with a per-tensor `scale` and `zero_point`."""

    is_quantized = True
    requires_grad = False

    def __init__(self, ints: np.ndarray, scale: float, zero_point: int, dtype: qdtypes.QuantizedDtype) -> None:
        self._ints, self._scale, self._zero_point, self.dtype = ints, float(scale), int(zero_point), dtype

    @property
    def shape(self) -> Size:
        return Size(self._ints.shape)

    def size(self, dim: int | None = None) -> Any:
        return self.shape if dim is None else self.shape[dim]

    def dim(self) -> int:
        return self._ints.ndim

    def numel(self) -> int:
        return int(self._ints.size)

    def int_repr(self) -> Tensor:
        return from_numpy(self._ints.copy())

    def dequantize(self) -> Tensor:
        return from_numpy(self._float_values())

    def _float_values(self) -> np.ndarray:
        # torch's dequantize works in float32: (q - zero_point) * float(scale)
        return (self._ints.astype(np.int64) - self._zero_point).astype(np.float32) * np.float32(self._scale)

    def q_scale(self) -> float:
        return self._scale

    def q_zero_point(self) -> int:
        return self._zero_point

    def qscheme(self) -> qdtypes.qscheme:
        return qdtypes.per_tensor_affine

    def __torch_pickle__(self) -> Call:
        """As torch saves a per-tensor quantized tensor: its integers as a QInt8Storage (...) and its qparams."""
        strides = tuple(s // self._ints.itemsize for s in np.ascontiguousarray(self._ints).strides)
        qparams = (self.qscheme(), self._scale, self._zero_point)
        return Call(Global("torch._utils", "_rebuild_qtensor"),
                    (StoredArray(self._ints, self.dtype), 0, tuple(self._ints.shape), strides, qparams, False,
                     OrderedDict()))

    def __repr__(self) -> str:
        data = self._float_values()
        prefix = "tensor("
        fmt, width = _formatter(data)
        body = _format(data, fmt, width, len(prefix), data.size > PRINT_OPTS.threshold)
        suffixes = [f"size={tuple(data.shape)}", f"dtype={self.dtype}", f"quantization_scheme={self.qscheme()}",
                    f"scale={self._scale}", f"zero_point={self._zero_point}"]
        return _add_suffixes(prefix + body, suffixes, len(prefix))


def quantize_per_tensor(input: Tensor, scale: float, zero_point: int, dtype: Any) -> QuantizedTensor:
    """torch.quantize_per_tensor(input, scale, zero_point, dtype) for dtype qint8, quint8 or qint32."""
    if not isinstance(dtype, qdtypes.QuantizedDtype):
        raise NotImplementedError(f"quantize_per_tensor: dtype={dtype} is not supported by tinygrad_rnn "
                                  "(only torch.qint8, torch.quint8 and torch.qint32)")
    if input.dtype != dtypes.float32:
        raise NotImplementedError(f"quantize_per_tensor: an input of dtype {input.dtype} is not supported by "
                                  "tinygrad_rnn (only torch.float32)")
    return quantize_array(input.detach().numpy(), scale, zero_point, dtype)


def quantize_array(values: np.ndarray, scale: float, zero_point: int, dtype: qdtypes.QuantizedDtype) -> QuantizedTensor:
    """float32 values quantized; warns, once per process, as torch's every quantized tensor creation does."""
    warn_once("quantize_per_tensor", _DEPRECATED, stacklevel=3)
    return QuantizedTensor(quantize_values(values, scale, zero_point, dtype), scale, zero_point, dtype)
