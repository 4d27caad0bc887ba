"""What torch records for its quantized ops, which have no autograd kernel: when an input requires grad the
outputs do too, under a node named WarnNotImplemented whose backward warns, naming the op, and gives the
inputs no gradient (x.grad stays None)."""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ..autograd import is_grad_enabled
from ..core.function import Function
from ..core.tensor import Tensor


class WarnNotImplemented(Function):
    """The node of a quantized op's outputs; `forward(ctx, op_name, compute, *inputs)` returns compute()."""

    torch_name = "torch::autograd::WarnNotImplemented"

    @staticmethod
    def forward(ctx: Any, op_name: str, compute: Callable, *inputs: Tensor) -> Any:
        ctx.op_name = op_name
        return compute()

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        warnings.warn(f"{ctx.op_name}: an autograd kernel was not registered to the Autograd key(s) but we are "
                      "trying to backprop through it. This may lead to silently incorrect behavior. This behavior is "
                      "deprecated and will be removed in a future version of PyTorch. If your operator is "
                      "differentiable, please ensure you have registered an autograd kernel to the correct Autograd "
                      "key (e.g. DispatchKey::Autograd, DispatchKey::CompositeImplicitAutograd). If your operator is "
                      "not differentiable, or to squash this warning and use the previous behavior, please register "
                      "torch::CppFunction::makeFallthrough() to DispatchKey::Autograd. (Triggered internally at "
                      "/__w/pytorch/pytorch/torch/csrc/autograd/autograd_not_implemented_fallback.cpp:76.)",
                      UserWarning, stacklevel=2)
        return (None,) * (len(ctx.needs_input_grad))


def without_autograd(op_name: str, compute: Callable, *inputs: Tensor) -> Any:
    """compute()'s tensors, recorded as torch records `op_name` when some input requires grad."""
    if is_grad_enabled() and any(t.requires_grad for t in inputs):
        return WarnNotImplemented.apply(op_name, compute, *inputs)
    return compute()
