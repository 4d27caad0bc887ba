"""`torch.zeros(2, dtype=np.float32)`: factories that take only a torch dtype (or a Python number type).

torch's parser reads a factory's `dtype=` as a `torch.dtype`; Python's float, int, bool and complex
stand for float64, int64, bool and complex128, and anything else (a numpy type, a string) is a
TypeError. Our factories read dtypes with `dtypes.as_dtype`, which also takes numpy's, so the
package's own code can hand them numpy dtypes; the functions users call get torch's check here.
A `device=` that is no device (`torch.zeros(2, device=torch.float32)`) gets the parser's TypeError here too.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..argcheck import dtype_arg, invalid_combination, is_torch_dtype
from ..device import device_arg, is_device_arg

FACTORIES = ("tensor", "as_tensor", "asarray", "zeros", "ones", "empty", "full", "range", "zeros_like", "ones_like",
             "empty_like", "full_like", "empty_strided", "empty_permuted", "tril_indices", "triu_indices")
# Those with several overloads, whose parser lists them when none fits (randint checks its own arguments).
OVERLOADED = ("arange", "linspace", "logspace", "eye", "rand", "randn", "randperm", "rand_like", "randn_like",
              "randint_like", "bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window")


def refuse_other_dtypes(namespace: dict[str, Any]) -> None:
    """Replace each factory in `namespace` by itself behind the check."""
    for name in FACTORIES + OVERLOADED:
        namespace[name] = torch_dtype_only(namespace[name], name)


def torch_dtype_only(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """`fn`, refusing a `dtype=` that is neither a torch dtype nor a Python number type, and a `device=` that is
    no device, as torch's parser."""

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("dtype")
        if given is not None and not is_torch_dtype(given):
            if name in OVERLOADED:
                raise invalid_combination(name, args, (), kwargs)
            dtype_arg(name, given)
        if "device" in kwargs:
            if name in OVERLOADED and not is_device_arg(kwargs["device"]):
                raise invalid_combination(name, args, (), kwargs)
            device_arg(name, kwargs["device"])
        return fn(*args, **kwargs)

    return checked

