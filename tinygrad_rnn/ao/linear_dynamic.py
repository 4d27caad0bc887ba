"""torch.ops.quantized.linear_dynamic on fbgemm, in numpy: y = x @ W^T + b with x quantized on the fly.

1. x's one scale and zero point come from its min and max (quint8 0..127, reduce_range=True);
2. x is quantized, and the integer product (x_q - zp) @ W_q^T is exact (here in float64, which holds it exactly);
3. y = fma(float32(acc), x_scale * w_scale, bias), rounded to float32 once, as fbgemm's output stage.
"""
from __future__ import annotations

import numpy as np

from .. import backends
from . import qdtypes
from .quantize_rules import activation_qparams, quantize_values

F32 = np.float32


def linear_dynamic(x: np.ndarray, weight, bias: np.ndarray | None) -> np.ndarray:
    """x (float32, any leading shape) times the QuantizedTensor `weight` (out, in), plus the float bias."""
    if backends.quantized.engine not in ("x86", "fbgemm"):
        raise NotImplementedError(f"quantized::linear_dynamic with torch.backends.quantized.engine = "
                                  f"'{backends.quantized.engine}' is not supported by tinygrad_rnn (only fbgemm's "
                                  "arithmetic: engines 'x86' and 'fbgemm')")
    rows = x.reshape(-1, x.shape[-1])
    scale, zero_point = activation_qparams(rows.min(), rows.max()) if rows.size else (F32(1), 0)
    codes = quantize_values(rows, scale, zero_point, qdtypes.quint8).astype(np.float64) - zero_point
    acc = (codes @ weight._ints.astype(np.float64).T).astype(F32)
    out = acc.astype(np.float64) * np.float64(scale * F32(weight.q_scale()))
    if bias is not None:
        out += bias.astype(np.float64)
    return out.astype(F32).reshape(*x.shape[:-1], weight._ints.shape[0])
