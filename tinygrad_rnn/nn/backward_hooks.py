"""A module's full backward hooks, as torch runs them.

    module.register_full_backward_pre_hook(lambda m, grad_output: ...)          # may replace grad_output
    module.register_full_backward_hook(lambda m, grad_input, grad_output: ...)  # may replace grad_input

While a module with such hooks runs, its tensor inputs and its outputs each pass through one identity node
(torch's `BackwardHookFunctionBackward`). In backward the outputs' node sees the gradients of the outputs
first: the pre-hooks run there. The inputs' node then sees the gradients of the inputs: the hooks run
there, with both. When no input requires grad, the hooks run at the outputs' node instead (with a
grad_input of Nones), and warn as torch does.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ..core.function import Function
from ..core.tensor import Tensor

_NO_INPUT_GRADIENTS = ("Full backward hook is firing when gradients are computed with respect to module outputs "
                       "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                       "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.")


class BackwardHookFunction(Function):
    """The identity on some tensors; its backward hands their gradients to `on_backward` and returns what
    that gives back."""

    torch_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx: Any, on_backward: Callable, *tensors: Tensor) -> tuple:
        ctx.on_backward = on_backward
        outputs = tuple(Tensor._make(t._data) for t in tensors)
        ctx.mark_non_differentiable(*[o for o, t in zip(outputs, tensors) if not t.requires_grad])
        return outputs

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        return (None, *ctx.on_backward(grads))


class BackwardHooks:
    """The hooks of one call of `module`, and the gradients they share."""

    def __init__(self, module: Any, hooks: list, pre_hooks: list) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_output: tuple | None = None
        self.inputs_need_grad: list = []

    def wrap_inputs(self, args: tuple) -> tuple:
        """args with their tensors passed through the inputs' node (only if there are hooks to call)."""
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.inputs_need_grad = [args[i].requires_grad for i in positions]
        if not self.hooks or not any(self.inputs_need_grad):
            return args
        wrapped = list(args)
        for i, tensor in zip(positions, BackwardHookFunction.apply(self._on_input_grads, *[args[i] for i in positions])):
            wrapped[i] = tensor
        return tuple(wrapped)

    def wrap_outputs(self, output: Any) -> Any:
        """output (a tensor or a tuple of them) passed through the outputs' node."""
        single = isinstance(output, Tensor)
        tensors = (output,) if single else output
        if not (isinstance(tensors, tuple) and tensors and all(isinstance(t, Tensor) for t in tensors)):
            return output
        if not any(t.requires_grad for t in tensors):
            return output
        wrapped = BackwardHookFunction.apply(self._on_output_grads, *tensors)
        return wrapped[0] if single else wrapped

    def _on_output_grads(self, grads: tuple) -> tuple:
        for hook in self.pre_hooks:
            replaced = hook(self.module, grads)
            if replaced is not None:
                grads = _checked(replaced, grads, "backward pre hook")
        self.grad_output = grads
        if self.hooks and not any(self.inputs_need_grad):
            warnings.warn(_NO_INPUT_GRADIENTS, stacklevel=2)
            self._on_input_grads((None,) * len(self.inputs_need_grad))
        return grads

    def _on_input_grads(self, grads: tuple) -> tuple:
        grads = tuple(g if need else None for g, need in zip(grads, self.inputs_need_grad))
        for hook in self.hooks:
            replaced = hook(self.module, grads, self.grad_output)
            if replaced is not None:
                grads = _checked(replaced, grads, "backward hook")
        return grads


def _checked(replaced: Any, grads: tuple, kind: str) -> tuple:
    """A hook's replacement gradients: as many as it was given, as torch insists."""
    replaced = (replaced,) if isinstance(replaced, Tensor) else tuple(replaced)
    if len(replaced) != len(grads):
        raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(replaced)}, but "
                           f"expected {len(grads)}" if kind == "backward hook" else
                           f"Backward pre hook returned an invalid number of grad_output, got {len(replaced)}, "
                           f"but expected {len(grads)}")
    return replaced
