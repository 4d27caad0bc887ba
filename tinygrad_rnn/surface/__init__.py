"""The torch-shaped surface: what makes the core and the ops look exactly like torch.

- ops.py: `torch.X`, `Tensor.X` and `Tensor.X_` of every op declared with `@op` in ops/;
- tensor_methods.py: the other methods of `Tensor` (`t + u`, `t.to(...)`, `t[0] = 1`, ...);
- legacy.py: the legacy constructors `Tensor(2, 3)`, `FloatTensor([...])`;
- functions.py: module-level spellings of methods (`torch.numel`, `torch.is_tensor`) and `out=`;
- printing.py: `repr(t)` as torch prints it;
- deprecated_overloads.py: torch 0.4's `t.add_(-lr, g)`, `t.addcmul_(v, a, b)`, which torch still takes.

`install()` binds the methods onto the core `Tensor` class; the package calls it once at import.
"""
from __future__ import annotations

from ..core.tensor import Tensor
from . import deprecated_overloads, dtype_keyword, legacy, ops, printing, removed, tensor_first, tensor_methods


def install() -> None:
    tensor_methods.bind()
    ops.bind_methods()
    legacy.install()
    removed.install()
    ops.parse_methods_as_torch()  # (the package does its functions once it has them all)
    # (named as Python's errors name torch's: "Tensor.backward() got an unexpected ...")
    Tensor.backward.__name__, Tensor.backward.__qualname__ = "backward", "Tensor.backward"
