"""torch's quantized element types (`torch.qint8`, `torch.quint8`, `torch.qint32`) and quantization schemes
(`torch.per_tensor_affine`, ...). They live here, not in core/dtypes.py: no ordinary op accepts them; only the
quantized tensors of `ao/quantized_tensor.py` carry them."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..serialization.torch_pickle import Global


class QuantizedDtype(dtypes.dtype):
    """A quantized element type: the integers it stores (`np`) and their range."""

    __slots__ = ()

    def __init__(self, name: str, np_dtype: type, legacy: str) -> None:
        super().__init__(name, np_dtype, legacy)
        self.is_floating_point = False

    @property
    def range(self) -> tuple[int, int]:
        info = np.iinfo(self.np)
        return int(info.min), int(info.max)


# Each pickles by its name, looked up in this module (dtype.__reduce__).
qint8 = QuantizedDtype("qint8", np.int8, "QInt8")
quint8 = QuantizedDtype("quint8", np.uint8, "QUInt8")
qint32 = QuantizedDtype("qint32", np.int32, "QInt32")


class qscheme:
    """How a quantized tensor maps its integers to numbers (one object per scheme, as torch's)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name

    def __torch_pickle__(self) -> Global:
        return Global("torch", self.name)


per_tensor_affine = qscheme("per_tensor_affine")
per_tensor_symmetric = qscheme("per_tensor_symmetric")
per_channel_affine = qscheme("per_channel_affine")
per_channel_symmetric = qscheme("per_channel_symmetric")
per_channel_affine_float_qparams = qscheme("per_channel_affine_float_qparams")
