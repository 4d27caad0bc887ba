"""torch.ao: dynamic quantization (quantize_dynamic, its modules) and per-tensor quantized tensors.

    qmodel = torch.quantization.quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8)

The arithmetic mirrors torch's CPU (fbgemm) kernels bit for bit; see quantize_rules.py and linear_dynamic.py.
"""
from . import nn, quantization
from .qdtypes import (
    per_channel_affine,
    per_channel_affine_float_qparams,
    per_channel_symmetric,
    per_tensor_affine,
    per_tensor_symmetric,
    qint8,
    qint32,
    qscheme,
    quint8,
)
from .quantized_tensor import QuantizedTensor, quantize_per_tensor

__all__ = ["QuantizedTensor", "nn", "per_channel_affine", "per_channel_affine_float_qparams", "per_channel_symmetric",
           "per_tensor_affine", "per_tensor_symmetric", "qint8", "qint32", "qscheme", "quantization",
           "quantize_per_tensor", "quint8"]
