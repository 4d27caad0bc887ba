"""torch.autograd.function: `Function`, the base of custom differentiable ops (see core/function.py),
and `once_differentiable`, for a backward that is not itself differentiable."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..core.function import Function
from ..core.grad_mode import is_grad_enabled, no_grad
from ..core.tensor import Tensor

__all__ = ["Function", "once_differentiable"]

_TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"


class DelayedError(Function):
    """Passes its inputs through; differentiating through it raises (torch's Error node)."""

    torch_name = "torch::autograd::Error"

    @staticmethod
    def forward(ctx, *tensors):
        outs = tuple(Tensor._make(t._data) for t in tensors)
        return outs if len(outs) > 1 else outs[0]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(_TWICE)


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a custom Function's backward that autograd cannot record (numpy code, in-place tricks).

    It runs under no_grad. When a double backward could follow (grad mode on and an incoming gradient
    requires grad, as with `create_graph=True`), its results hang off an Error node instead, so the
    second backward raises "trying to differentiate twice ..." rather than giving wrong numbers."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        with no_grad():
            outputs = backward(ctx, *grads)
        if not is_grad_enabled() or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return outputs
        results = outputs if isinstance(outputs, tuple) else (outputs,)
        # The Error node needs inputs that require grad to be recorded: detached copies that do, as torch.
        present = [r.detach().requires_grad_() for r in results if r is not None]
        linked = DelayedError.apply(*present) if present else ()
        linked = iter(linked if isinstance(linked, tuple) else (linked,))
        results = tuple(None if r is None else next(linked) for r in results)
        return results if isinstance(outputs, tuple) else results[0]

    return wrapper
