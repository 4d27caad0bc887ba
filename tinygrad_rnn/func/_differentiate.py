"""What every torch.func transform shares: stand-ins for the inputs, and one reverse pass.

A transform differentiates with respect to *stand-ins*, not the caller's tensors:

- a tensor that needs no gradient gets a fresh leaf that does (`x.detach().requires_grad_()`);
- a tensor that already requires grad (an outer `grad`, or the caller's own graph) gets a view
  of itself, `x.view_as(x)`: a new node, so this transform's gradient is taken with respect to
  this use of x only, while an outer transform can still differentiate through it.

That view is how transforms nest (`grad(grad(f))`, `jacfwd(jacrev(f))`) without torch's levels:
a gradient is built with `create_graph=True` exactly when the function's graph reaches a tensor
from outside the transform (`reaches_outside`); otherwise the results are plain tensors, as
torch.func returns them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd import forward_ad
from ..core import grad_mode
from ..core.engine import grad as autograd_grad
from ..core.engine import topological_order
from ..core.tensor import Tensor


def check_tensors(leaves: Sequence[Any]) -> None:
    """torch's error for a non-Tensor where a transform differentiates."""
    for x in leaves:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


def stand_in(x: Tensor) -> Tensor:
    """The tensor a transform differentiates with respect to (see the module docstring). A
    tangent that x carries (a reverse transform inside `jvp` or `jacfwd`) stays on it."""
    if x.requires_grad:
        return x.view_as(x)
    return fresh_leaf(x)


def fresh_leaf(x: Tensor) -> Tensor:
    """x.detach().requires_grad_(), still carrying the tangent x carries in forward mode (a
    reverse transform inside `jvp` or `jacfwd`: forward over reverse)."""
    tangent = forward_ad.unpack_dual(x).tangent
    if tangent is None:
        return x.detach().requires_grad_()
    leaf = x.detach().requires_grad_()
    leaf._forward_over_reverse = True  # not the caller's graph: see reaches_outside
    return forward_ad.make_dual(leaf, tangent)


def reaches_outside(outputs: Sequence[Any], stand_ins: Sequence[Tensor]) -> bool:
    """Whether the graph of `outputs` reaches a tensor that requires grad and is not one of this
    transform's own fresh leaves: then the results must stay differentiable for whoever made it.
    (The leaves a reverse transform inside `jvp` made for its tangents are nobody's outside.)"""
    if not grad_mode.is_grad_enabled():
        return False
    own = {id(t) for t in stand_ins if t.grad_fn is None}
    if any(t.grad_fn is not None for t in stand_ins):
        return True  # a view of a tensor that requires grad outside
    roots = [o.grad_fn for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    for o in outputs:
        if isinstance(o, Tensor) and o.requires_grad and o.grad_fn is None and id(o) not in own:
            return True  # f returned an outer leaf itself
    for node in topological_order(roots):
        for edge in node.edges:
            if edge is not None and isinstance(edge[0], Tensor) and id(edge[0]) not in own and \
                    "_forward_over_reverse" not in edge[0].__dict__:
                return True
    return False


def vjp_leaves(outputs: Sequence[Tensor], inputs: Sequence[Tensor], cotangents: Sequence[Any],
               create_graph: bool) -> list[Tensor]:
    """sum_i cotangent_i^T d(output_i)/d(input_j) for each input j; zeros where nothing flows
    (torch.func never returns None). The graph is kept: a vjp function may be called again."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    grads: Sequence[Any] = [None] * len(inputs)
    if pairs:
        with grad_mode.set_grad_enabled(bool(create_graph)):
            grads = autograd_grad([o for o, _ in pairs], list(inputs), [c for _, c in pairs],
                                  retain_graph=True, create_graph=create_graph, allow_unused=True)
    return [zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]


def zeros_like(x: Tensor) -> Tensor:
    return Tensor._make(np.zeros(x.shape, x.dtype.np))


def finish(t: Any, keep_graph: bool) -> Any:
    """A result as the caller gets it: cut from this transform's graph unless it must stay in it."""
    if keep_graph or not isinstance(t, Tensor):
        return t
    return t.detach()
