"""`LazyLinear` (and the Lazy conv, batch-norm and instance-norm layers): layers that learn their
input size from the first input.

    layer = nn.LazyLinear(10)     # weight not made yet: <UninitializedParameter>
    layer(torch.ones(2, 4))       # now weight is (10, 4), initialised as Linear(4, 10) would be,
    type(layer)                   # and the layer has become an ordinary nn.Linear, as in torch

As in torch, a Lazy layer is its target layer built with zero input features, whose parameters are then
swapped for placeholders (`UninitializedParameter`). A forward pre-hook reads the input size on the first
call, materializes the placeholders (in their dtype, so `.double()` before the first call holds), draws
them as the target's `reset_parameters` does, and turns the layer into the target class.
"""
from __future__ import annotations

from typing import Any

from ..core.grad_mode import no_grad
from ..core.tensor import Tensor
from ..creation import tensor
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .layers import BatchNorm1d, Linear
from .normalization import BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy


class LazyModuleMixin:
    """What every Lazy layer shares: `cls_to_become`, and the pre-hook that initializes the layer on the
    first call (through `initialize_parameters`, which each kind of layer defines)."""

    cls_to_become: type
    _parameters: dict
    _buffers: dict

    def _watch_first_call(self) -> None:
        self._initialize_hook = self.register_forward_pre_hook(  # type: ignore[attr-defined]
            _infer_parameters, with_kwargs=True)

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer is still a placeholder."""
        return any(is_lazy(t) for t in [*self._parameters.values(), *self._buffers.values()])

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")


def _infer_parameters(module: Any, args: tuple, kwargs: dict) -> None:
    """The first call's pre-hook: size the placeholders from the inputs, then become the target class
    (a load_state_dict may have sized them already: then nothing is drawn)."""
    module.initialize_parameters(*args, **kwargs)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """Linear(in_features, out_features) with in_features taken from the first input's last dim."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        Linear.__init__(self, 0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._watch_first_call()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            Linear.reset_parameters(self)

    def initialize_parameters(self, input: Tensor) -> None:  # type: ignore[override]
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # loaded from a checkpoint: the weight knows the size
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


class _LazyConvMixin(LazyModuleMixin):
    """A conv whose in_channels is read from the first input (dim 1, or dim 0 of an unbatched one)."""

    in_channels: int
    out_channels: int
    groups: int
    kernel_size: tuple
    transposed: bool
    _nd: int
    weight: Any
    bias: Any

    def _make_placeholders(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        self._watch_first_call()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            self.cls_to_become.reset_parameters(self)

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if not self.has_uninitialized_params():
            return
        self.in_channels = self._in_channels_of(input)
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
        else:
            self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()

    def _in_channels_of(self, input: Tensor) -> int:
        unbatched = self._nd + 1  # the class's spatial dims (an odd kernel_size may have another length)
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]


class _LazyConv(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        self.cls_to_become.__init__(self, 0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                                    device, dtype)
        self._make_placeholders(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self.cls_to_become.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, groups, False,
                                    dilation, padding_mode, device, dtype)
        self._make_placeholders(out_channels, bias, device, dtype)


class _LazyNorm(LazyModuleMixin):
    """A batch or instance norm whose num_features is read from the first input's dim 1. Unlike the
    plain instance norms, the lazy ones default to affine=True and track_running_stats=True."""

    num_features: int
    affine: bool
    track_running_stats: bool
    weight: Any
    bias: Any
    running_mean: Any
    running_var: Any

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        # affine and track_running_stats False at first: nothing is made that the placeholders replace
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)  # _BatchNorm's or _InstanceNorm's
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, device=device)
        self._watch_first_call()

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            self.cls_to_become.reset_parameters(self)

    def initialize_parameters(self, input: Tensor) -> None:  # type: ignore[override]
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]
        placeholders = [self.weight, self.bias] if self.affine else []
        if self.track_running_stats:
            placeholders += [self.running_mean, self.running_var]
        for placeholder in placeholders:
            if placeholder is not None:
                placeholder.materialize((self.num_features,))
        self.reset_parameters()


def _lazy(mixin: type, target: type) -> type:
    doc = f"{target.__name__} whose input size is taken from the first input; it then becomes a {target.__name__}."
    return type(f"Lazy{target.__name__}", (mixin, target),
                {"cls_to_become": target, "__doc__": doc, "__module__": __name__})


LazyConv1d, LazyConv2d, LazyConv3d = (_lazy(_LazyConv, c) for c in (Conv1d, Conv2d, Conv3d))
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = (
    _lazy(_LazyConvTranspose, c) for c in (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d))


def _lazy_norm(target: type) -> type:
    """As torch's, a lazy norm is a sibling of the layer it becomes (under _BatchNorm or _InstanceNorm, so
    isinstance(LazyBatchNorm2d(), nn.BatchNorm2d) is False until its first call), with that layer's input check."""
    own = {name: value for name, value in vars(target).items() if name in ("_check_input_dim", "_nd")}
    doc = f"{target.__name__} whose input size is taken from the first input; it then becomes a {target.__name__}."
    return type(f"Lazy{target.__name__}", (_LazyNorm, target.__base__),
                {"cls_to_become": target, "__doc__": doc, "__module__": __name__, **own})


LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d = (_lazy_norm(n) for n in (BatchNorm1d, BatchNorm2d, BatchNorm3d))
LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d = (
    _lazy_norm(n) for n in (InstanceNorm1d, InstanceNorm2d, InstanceNorm3d))
