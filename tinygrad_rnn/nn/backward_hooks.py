"""A module's full backward hooks, as torch runs them.

    module.register_full_backward_pre_hook(lambda m, grad_output: ...)          # may replace grad_output
    module.register_full_backward_hook(lambda m, grad_input, grad_output: ...)  # may replace grad_input

While a module with such hooks runs, its tensor inputs and its outputs each pass through one identity node
(torch's `BackwardHookFunctionBackward`). In backward the outputs' node sees the gradients of the outputs
first: the pre-hooks run there. The inputs' node then sees the gradients of the inputs: the hooks run
there, with both. When no input requires grad, the hooks run at the outputs' node instead (with a
grad_input of Nones), and warn as torch does.

As in torch, grad_output holds None for an output that got no gradient (unused, or not requiring
grad), while grad_input holds zeros for a tensor input that got none (e.g. one that does not
require grad, when another input does): the inputs' node materializes its gradients, the outputs'
node does not.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ..autograd.function import Function
from ..core.tensor import Tensor

_NO_INPUT_GRADIENTS = ("Full backward hook is firing when gradients are computed with respect to module outputs "
                       "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                       "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.")


class BackwardHookFunction(Function):
    """The identity on some tensors; its backward hands their gradients to `on_backward` and returns what
    that gives back (missing gradients as zeros if `materialize`, else as None). A custom Function, as torch's:
    its outputs share the inputs' memory, so an in-place change to one (a ReLU(inplace=True) after a hooked
    module) raises torch's error."""

    torch_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx: Any, on_backward: Callable, materialize: bool, *tensors: Tensor) -> tuple:
        ctx.on_backward = on_backward
        ctx.set_materialize_grads(materialize)
        outputs = tuple(Tensor._make(t._data) for t in tensors)
        ctx.mark_non_differentiable(*[o for o, t in zip(outputs, tensors) if not t.requires_grad])
        return outputs

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        return (None, None, *ctx.on_backward(grads))


class BackwardHooks:
    """The hooks of one call of `module`, and the gradients they share."""

    def __init__(self, module: Any, hooks: list, pre_hooks: list) -> None:
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_output: tuple | None = None
        self.inputs_need_grad: list = []
        self.output_positions: list = []  # where the output tuple holds tensors (grad_output: None elsewhere)
        self.n_outputs = 0

    def wrap_inputs(self, args: tuple) -> tuple:
        """args with their tensors passed through the inputs' node (only if there are hooks to call)."""
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.inputs_need_grad = [args[i].requires_grad for i in positions]
        if not self.hooks or not any(self.inputs_need_grad):
            return args
        wrapped = list(args)
        for i, tensor in zip(positions, BackwardHookFunction.apply(self._on_input_grads, True,
                                                                      *[args[i] for i in positions])):
            wrapped[i] = tensor
        return tuple(wrapped)

    def wrap_outputs(self, output: Any) -> Any:
        """output (a tensor, or a tuple) with its tensors passed through the outputs' node. Only the tuple's
        own tensors: LSTM's (out, (h, c)) passes `out` only, and its grad_output is (d out, None), as torch's."""
        single = isinstance(output, Tensor)
        items = (output,) if single else output
        if not isinstance(items, tuple):
            return output
        positions = [i for i, t in enumerate(items) if isinstance(t, Tensor)]
        if not any(items[i].requires_grad for i in positions):
            return output
        self.output_positions, self.n_outputs = positions, len(items)
        wrapped = BackwardHookFunction.apply(self._on_output_grads, False, *[items[i] for i in positions])
        if single:
            return wrapped[0]
        result = list(items)
        for i, tensor in zip(positions, wrapped):
            result[i] = tensor
        return tuple(result)

    def _on_output_grads(self, grads: tuple) -> tuple:
        packed = [None] * self.n_outputs  # one place per output, None where it is no tensor
        for i, g in zip(self.output_positions, grads):
            packed[i] = g
        grad_output = tuple(packed)
        for hook in self.pre_hooks:
            replaced = hook(self.module, grad_output)
            if replaced is not None:
                grad_output = _checked(replaced, grad_output, "backward pre hook")
        self.grad_output = grad_output
        if self.hooks and not any(self.inputs_need_grad):
            warnings.warn(_NO_INPUT_GRADIENTS, stacklevel=2)
            self._on_input_grads((None,) * len(self.inputs_need_grad))
        return tuple(grad_output[i] for i in self.output_positions)

    def _on_input_grads(self, grads: tuple) -> tuple:
        if self.grad_output is None:  # the gradient reached the inputs without passing the outputs (LSTM's h
            return grads  # alone, in its nested tuple): torch calls no hook then
        for hook in self.hooks:
            replaced = hook(self.module, grads, self.grad_output)
            if not any(self.inputs_need_grad) and not _all_none(replaced):
                raise RuntimeError("Backward hook for Modules where no input requires gradient should always return "
                                   "None or None for all gradients.")
            if replaced is not None:
                grads = _checked(replaced, grads, "backward hook")
        self.grad_output = None  # used: a later backward that reaches the inputs only calls no hook
        return grads


def _all_none(replaced: Any) -> bool:
    return replaced is None or (isinstance(replaced, tuple) and all(g is None for g in replaced))


def _checked(replaced: Any, grads: tuple, kind: str) -> tuple:
    """A hook's replacement gradients, checked as torch checks them: a sequence (torch takes its len(),
    so a bare tensor is one too, of its rows) as long as what the hook was given, of tensors of the
    same type and size."""
    if len(replaced) != len(grads):
        raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(replaced)}, but "
                           f"expected {len(grads)}" if kind == "backward hook" else
                           f"Backward pre hook returned an invalid number of grad_output, got {len(replaced)}, "
                           f"but expected {len(grads)}")
    for new, old in zip(replaced, grads):
        _check_replacement(new, old)
    return tuple(replaced)


def _check_replacement(new: Any, old: Any) -> None:
    """torch's engine's checks of a hook's result ('hook' is the name of torch's own wrapper)."""
    if new is None or old is None:  # a gradient the input does not need is dropped, as in torch
        return
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if new.dtype != old.dtype:
        raise RuntimeError(f"hook 'hook' has changed the type of value (was {old.type()} got {new.type()})")
    if new.shape != old.shape:
        raise RuntimeError("hook 'hook' has changed the size of value")


def hook_last_node(module: Any, hooks: list, args: tuple, output: Any) -> None:
    """torch's deprecated non-full backward hooks (`module.register_backward_hook`): each becomes a hook of
    the graph node that made the output's first tensor, called as `hook(module, grad_input, grad_output)`
    with that node's gradients. They are the module's only where forward made one node from its inputs;
    torch warns when it cannot tell that it did, and so does this."""
    first = output
    while not isinstance(first, Tensor):
        first = next(v for v in first.values() if isinstance(v, Tensor)) if isinstance(first, dict) else first[0]
    node = first.grad_fn
    if node is None:
        return
    for hook in hooks:
        node.register_hook(lambda grad_input, grad_output, hook=hook: hook(module, grad_input, grad_output))
    warning = _non_full_hook_warning(args, output, node)
    if warning:
        warnings.warn(warning, FutureWarning, stacklevel=3)


def _non_full_hook_warning(args: tuple, output: Any, node: Any) -> str | None:
    """torch's FutureWarning for a non-full hook that will miss some gradients (its own checks, in order)."""
    outputs = (output,) if isinstance(output, Tensor) else output
    if not (isinstance(outputs, tuple) and all(isinstance(o, Tensor) for o in outputs)):
        return ("Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of "
                "Tensors is deprecated and will be removed in future versions. This hook will be missing some of "
                "the grad_output. Please use register_full_backward_hook to get the documented behavior.")
    if not all(isinstance(a, Tensor) for a in args):
        return ("Using non-full backward hooks on a Module that does not take as input a single Tensor or a tuple "
                "of Tensors is deprecated and will be removed in future versions. This hook will be missing some "
                "of the grad_input. Please use register_full_backward_hook to get the documented behavior.")
    output_nodes = {o.grad_fn for o in outputs if o.grad_fn is not None}
    if not output_nodes or (len(output_nodes) == 1 and node not in output_nodes):
        return ("Using a non-full backward hook when outputs are nested in python data structure is deprecated and "
                "will be removed in future versions. This hook will be missing some grad_output.")
    if len(output_nodes) > 1:
        return ("Using a non-full backward hook when outputs are generated by different autograd Nodes is "
                "deprecated and will be removed in future versions. This hook will be missing some grad_output. "
                "Please use register_full_backward_hook to get the documented behavior.")
    if {a.grad_fn for a in args if a.grad_fn is not None} != {n[0] for n in node.next_functions}:
        return ("Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated "
                "and will be removed in future versions. This hook will be missing some grad_input. Please use "
                "register_full_backward_hook to get the documented behavior.")
    return None
