"""torch.func.linearize: a function's value at a point, and its Jacobian-vector product there.

    out, jvp_fn = linearize(f, x)
    jvp_fn(v)        # J(x) v, for any number of tangents v

torch traces f once and replays the linear part. Here `jvp_fn` runs `jvp(f, primals, tangents)`
each time (forward-mode AD, one pass): the same numbers for a deterministic f, without a tracer.
A random f (dropout) draws anew on each call, where torch's replay would reuse the first draw.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.tensor import Tensor
from . import _tree
from .jvp import jvp


def linearize(func: Callable[..., Any], *primals: Tensor) -> tuple[Any, Callable[..., Any]]:
    """`(func(*primals), jvp_fn)`, where `jvp_fn(*tangents)` is `J tangents` at `primals`.

        >>> import tinygrad_rnn as torch
        >>> out, jvp_fn = torch.func.linearize(torch.sin, torch.zeros(2))
        >>> jvp_fn(torch.ones(2))
        tensor([1., 1.])
    """
    for x in _tree.flatten(primals)[0]:
        if not isinstance(x, Tensor):  # torch fails on the first non-tensor primal as it tries to copy it
            raise AttributeError(f"'{type(x).__name__}' object has no attribute 'new_empty'")
    output = func(*primals)
    primal_leaves, primal_spec = _tree.flatten(primals)

    def jvp_fn(*tangents: Tensor) -> Any:
        leaves, spec = _tree.flatten(tangents)
        if spec != primal_spec:
            raise RuntimeError(f"Expected the tangents {spec!r} to have the same argspec as the primals {primal_spec!r}")
        for k, (t, x) in enumerate(zip(leaves, primal_leaves)):
            if t.shape != x.shape:
                raise RuntimeError(f"tangent:{k} with shape {t.shape} in flattened pytree doesn't match the shape "
                                   f"{x.shape} of the corresponding primal.")
            if t.dtype != x.dtype:
                raise RuntimeError(f"tangent:{k} with dtype {t.dtype} in flattened pytree doesn't match the dtype "
                                   f"{x.dtype} of the corresponding primal.")
        return jvp(func, primals, tangents)[1]

    return output, jvp_fn
