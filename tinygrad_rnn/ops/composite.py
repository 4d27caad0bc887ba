"""`composite`: name a result built from smaller ops after the one node torch makes for it.

`rename` (core/function.py) gives the last small op's node torch's name, so `y.grad_fn` prints as
torch's. Torch's single node links straight to the op's own inputs; ours would link to the small
ops in between (gelu's MulBackward0, layer norm's DivBackward0). `composite` also records the edges
of the op's inputs, which `grad_fn.next_functions` then shows (autograd/graph.py). Only torch's view
of the graph changes: the engine still runs every small op's backward, along the real edges.

    return composite(x * 0.5 * (1 + erf(x / sqrt(2))), "GeluBackward0", x)
"""
from __future__ import annotations

from typing import Any

from ..core.function import NO_EDGE, rename
from ..core.tensor import Tensor


def composite(out: Any, torch_name: str, *inputs: Any) -> Any:
    """`out` with its node named `torch_name`, showing as next_functions one entry per torch input
    (a Tensor, or None for an optional input not given): its node, or torch's (None, 0)."""
    rename(out, torch_name)
    node = getattr(out, "grad_fn", None)
    if node is not None and all(node is not getattr(t, "grad_fn", None) for t in inputs):
        node.shown_edges = tuple(_edge(t) for t in inputs)  # (out is no input: a no-op result keeps its node's view)
    return out


def _edge(t: Any) -> tuple:
    """The edge the core's Function._connect would record for `t`."""
    if not isinstance(t, Tensor) or not t._requires_grad:
        return NO_EDGE
    if t.grad_fn is None:
        return NO_EDGE if t._grad_cut else (t, 0)
    return (t.grad_fn, t._output_nr)

