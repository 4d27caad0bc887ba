"""torch's QConfig and the one dynamic qconfig we build: qint8 weights (MinMaxObserver, per-tensor symmetric)
and activations quantized at run time (quint8, PlaceholderObserver). The observers are named, not built:
the arithmetic they stand for is in ao/quantize_rules.py."""
from __future__ import annotations

from collections import namedtuple

QConfig = namedtuple("QConfig", ["activation", "weight"])

default_dynamic_qconfig = QConfig(activation="PlaceholderObserver(dtype=torch.quint8, is_dynamic=True)",
                                  weight="MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)")
