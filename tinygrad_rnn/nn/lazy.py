"""`LazyLinear` (and the Lazy conv, batch-norm and instance-norm layers): layers that learn their
input size from the first input.

    layer = nn.LazyLinear(10)     # weight not made yet: <UninitializedParameter>
    layer(torch.ones(2, 4))       # now weight is (10, 4), initialised as Linear(4, 10) would be,
    type(layer)                   # and the layer has become an ordinary nn.Linear, as in torch

The parameters are drawn at the first call exactly as `Linear.__init__` draws them, so with the
same seed the numbers are torch's.
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..creation import empty
from ..random import get_rng_state, set_rng_state
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .layers import BatchNorm1d, Linear
from .module import Module
from .normalization import BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter


class LazyLinear(Linear):
    """Linear(in_features, out_features) with in_features taken from the first input's last dim."""

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self._factory = {"device": device, "dtype": dtype}
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.register_parameter("bias", UninitializedParameter(device=device, dtype=dtype) if bias else None)

    def reset_parameters(self) -> None:
        if not isinstance(self.weight, UninitializedParameter):
            super().reset_parameters()

    def forward(self, input: Tensor) -> Tensor:
        loaded = not isinstance(self.weight, UninitializedParameter)  # load_state_dict gave the weights
        self.in_features = self.weight.shape[1] if loaded else input.shape[-1]
        if not loaded:
            self.weight = Parameter(empty(self.out_features, self.in_features, **self._factory))
            if self.bias is not None:
                self.bias = Parameter(empty(self.out_features, **self._factory))
        del self._factory
        self.__class__ = Linear  # as torch's cls_to_become: from now on an ordinary Linear
        if not loaded:
            self.reset_parameters()
        return self.forward(input)


class _LazyChannels(Module):
    """A conv or norm layer that learns its channel count from the first input's dim 1, then becomes
    the ordinary layer (`_target`), with parameters drawn as that layer's constructor draws them."""

    _target: type
    _spatial_dims = 0  # convs: an input of this many + 1 dims is unbatched, its channels at dim 0
    _defaults: dict = {}  # keyword defaults that differ from the target's: {name: (position, value)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Module.__init__(self)
        for name, (position, value) in self._defaults.items():
            if len(args) <= position:
                kwargs.setdefault(name, value)
        # A stand-in with one channel per group gives the attributes torch shows before the first
        # call; the numbers it draws are put back, so the first call draws what torch draws.
        saved = get_rng_state()
        stand_in = self._target(max(int(kwargs.get("groups", 1)), 1), *args, **kwargs)
        set_rng_state(saved)
        self._take_state_of(stand_in)
        setattr(self, self._channels_name(), 0)
        for name, value in list(self._parameters.items()):
            if value is not None:
                self._parameters[name] = UninitializedParameter(dtype=value.dtype)
        for name, value in list(self._buffers.items()):
            if value is not None and name != "num_batches_tracked":
                self._buffers[name] = UninitializedBuffer(dtype=value.dtype)
        self._lazy_arguments = (args, kwargs)

    def _channels_name(self) -> str:
        return "num_features" if hasattr(self, "num_features") else "in_channels"

    def _take_state_of(self, other: Module) -> None:
        for name, value in vars(other).items():
            if "hook" not in name and name != "training":  # this module keeps its own hooks and mode
                object.__setattr__(self, name, value)

    def extra_repr(self) -> str:
        return self._target.extra_repr(self)

    def forward(self, input: Tensor) -> Tensor:
        unbatched = self._spatial_dims and input.dim() == self._spatial_dims + 1
        channels = input.shape[0] if unbatched else input.shape[1]
        args, kwargs = self._lazy_arguments
        del self._lazy_arguments
        placeholders = (UninitializedParameter, UninitializedBuffer)
        if any(isinstance(v, placeholders) for v in [*self._parameters.values(), *self._buffers.values()]):
            self._take_state_of(self._target(channels, *args, **kwargs))
        # else load_state_dict gave every tensor: they stay, and (as in torch) the channel count stays 0
        self.__class__ = self._target  # as torch's cls_to_become
        return self.forward(input)


def _lazy(target: type, spatial_dims: int = 0, defaults: dict | None = None) -> type:
    doc = f"{target.__name__} whose channel count is taken from the first input; it then becomes a {target.__name__}."
    # the target's plain class attributes (a conv's `_nd`, ...), which its methods read before the first call
    shared = {name: value for klass in reversed(target.__mro__[:-1]) for name, value in vars(klass).items()
              if not name.startswith("__") and not callable(value) and not isinstance(value, (property, staticmethod))}
    return type(f"Lazy{target.__name__}", (_LazyChannels,),
                {**shared, "_target": target, "_spatial_dims": spatial_dims, "_defaults": defaults or {},
                 "__doc__": doc, "__module__": __name__})


LazyConv1d, LazyConv2d, LazyConv3d = _lazy(Conv1d, 1), _lazy(Conv2d, 2), _lazy(Conv3d, 3)
LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d = (
    _lazy(ConvTranspose1d, 1), _lazy(ConvTranspose2d, 2), _lazy(ConvTranspose3d, 3))
LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d = _lazy(BatchNorm1d), _lazy(BatchNorm2d), _lazy(BatchNorm3d)
# torch's lazy instance norms default to affine=True and track_running_stats=True (the plain ones to False)
_AFFINE_TRACKED = {"affine": (2, True), "track_running_stats": (3, True)}
LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d = (
    _lazy(InstanceNorm1d, 0, _AFFINE_TRACKED), _lazy(InstanceNorm2d, 0, _AFFINE_TRACKED),
    _lazy(InstanceNorm3d, 0, _AFFINE_TRACKED))
