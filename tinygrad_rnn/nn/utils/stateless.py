"""torch.nn.utils.stateless: the first home of `functional_call`, kept by torch with a warning."""
from __future__ import annotations

import warnings
from typing import Any

from ...func.functional_call import functional_call as _functional_call


def functional_call(module: Any, parameters_and_buffers: dict, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """torch.func.functional_call with one dict, after torch's FutureWarning that it moved there."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed "
                  "in a future version of PyTorch. Please use `torch.func.functional_call` instead which is a "
                  "drop-in replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)


__all__ = ["functional_call"]
