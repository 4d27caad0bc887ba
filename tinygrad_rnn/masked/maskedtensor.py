"""torch.masked.MaskedTensor, the tensor subclass that carries its own mask: not built here.

The masked functions of masked/_ops.py take a plain tensor and `mask=` instead; a MaskedTensor (and
`masked_tensor`, `as_masked_tensor` that make one) raises NotImplementedError naming the feature.
"""
from __future__ import annotations

from typing import Any

_NOT_BUILT = "torch.masked.MaskedTensor (a tensor that carries its own mask) is not built in tinygrad_rnn; " \
             "pass mask= to the torch.masked functions instead"


class MaskedTensor:
    """Stands in for torch's class so that isinstance checks work; making one raises."""

    def __new__(cls, data: Any = None, mask: Any = None, requires_grad: bool = False) -> MaskedTensor:
        raise NotImplementedError(_NOT_BUILT)


def is_masked_tensor(obj: Any) -> bool:
    """Whether obj is a MaskedTensor: never, since none can be made here."""
    return isinstance(obj, MaskedTensor)


def masked_tensor(data: Any, mask: Any, requires_grad: bool = False) -> MaskedTensor:
    raise NotImplementedError(_NOT_BUILT)


def as_masked_tensor(data: Any, mask: Any) -> MaskedTensor:
    raise NotImplementedError(_NOT_BUILT)
