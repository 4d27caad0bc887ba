"""`torch.nn.grad`: the gradients of a convolution with respect to its input and its weight, as
functions (custom autograd Functions call them in backward, e.g. a fused conv + batch norm).

Each one is what backward of `F.conv{1,2,3}d` computes: the convolution is run on zeros of the
missing tensor's size (a convolution is linear in each argument, so the values do not matter,
only the shape) and differentiated with `autograd.grad`. When the given tensors require grad and
grad mode is on, the result is differentiable in turn, as torch's is.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from ..autograd import grad as _autograd_grad
from ..autograd import is_grad_enabled
from ..core.tensor import Tensor
from ..creation import zeros
from . import functional as F

_Ints = int | Sequence[int]


def _backward_of(conv: Callable, wanted: str, input: Tensor, weight: Tensor, grad_output: Tensor,
                 stride: _Ints, padding: _Ints | str, dilation: _Ints, groups: int) -> Tensor:
    """d(conv(input, weight)) / d(wanted), contracted with grad_output."""
    given = [t for t in (input, weight, grad_output) if t.requires_grad]
    differentiable = is_grad_enabled() and bool(given)
    target = (input if wanted == "input" else weight).detach().requires_grad_(True)
    if wanted == "input":
        output = conv(target, weight, None, stride, padding, dilation, groups)
    else:
        output = conv(input, target, None, stride, padding, dilation, groups)
    (result,) = _autograd_grad(output, target, grad_output, create_graph=differentiable)
    return result


def _input_grad(conv: Callable, name: str) -> Callable:
    def conv_input(input_size: Sequence[int], weight: Tensor, grad_output: Tensor, stride: _Ints = 1,
                   padding: _Ints | str = 0, dilation: _Ints = 1, groups: int = 1) -> Tensor:
        placeholder = zeros(tuple(input_size), dtype=weight.dtype)
        return _backward_of(conv, "input", placeholder, weight, grad_output, stride, padding, dilation, groups)
    conv_input.__name__ = conv_input.__qualname__ = name
    conv_input.__doc__ = f"The gradient of {conv.__name__} with respect to its input, given grad_output."
    return conv_input


def _weight_grad(conv: Callable, name: str) -> Callable:
    def conv_weight(input: Tensor, weight_size: Sequence[int], grad_output: Tensor, stride: _Ints = 1,
                    padding: _Ints | str = 0, dilation: _Ints = 1, groups: int = 1) -> Tensor:
        placeholder = zeros(tuple(weight_size), dtype=input.dtype)
        return _backward_of(conv, "weight", input, placeholder, grad_output, stride, padding, dilation, groups)
    conv_weight.__name__ = conv_weight.__qualname__ = name
    conv_weight.__doc__ = f"The gradient of {conv.__name__} with respect to its weight, given grad_output."
    return conv_weight


conv1d_input = _input_grad(F.conv1d, "conv1d_input")
conv2d_input = _input_grad(F.conv2d, "conv2d_input")
conv3d_input = _input_grad(F.conv3d, "conv3d_input")
conv1d_weight = _weight_grad(F.conv1d, "conv1d_weight")
conv2d_weight = _weight_grad(F.conv2d, "conv2d_weight")
conv3d_weight = _weight_grad(F.conv3d, "conv3d_weight")
