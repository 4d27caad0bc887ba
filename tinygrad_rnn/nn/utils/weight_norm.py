"""Weight normalisation (Salimans & Kingma, 2016): weight = g * v / ||v||, so the length g and the
direction v of each output row are learned separately.

`norm_except_dim` and `_weight_norm` are the two functions torch builds it from (also used by
`parametrizations.weight_norm`); `weight_norm` / `remove_weight_norm` are torch's older API, a
forward pre-hook that recomputes `module.weight` from the parameters `weight_g` and `weight_v`
(torch marks it deprecated in favour of the parametrization).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ...core.forward_mode import given
from ...core.function import Function
from ...core.tensor import Tensor
from ..module import Module
from ..parameter import Parameter

__all__ = ["WeightNorm", "norm_except_dim", "remove_weight_norm", "weight_norm"]


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The pow-norm of v over every dim but `dim`, shaped to broadcast against v (all dims when dim=-1)."""
    if dim == -1:
        return v.norm(pow)
    if dim == 0:
        return v.reshape(v.shape[0], -1).norm(pow, 1).reshape(v.shape[0], *[1] * (v.dim() - 1))
    if dim == v.dim() - 1:
        return v.reshape(-1, v.shape[-1]).norm(pow, 0).reshape(*[1] * (v.dim() - 1), v.shape[-1])
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """g * v / ||v|| (the norm taken over every dim but `dim`). For dim 0 or the last dim (counted
    from the front) torch runs one fused op, whose node is WeightNormInterfaceBackward0; for any
    other dim (-1 and None included) it composes it, ending in a MulBackward0. So do we."""
    if dim == 0 or dim == v.dim() - 1:
        return _WeightNormInterface.apply(v, g, dim)
    return v * (g / norm_except_dim(v, 2, dim))


class _WeightNormInterface(Function):
    """w = v * g / n, n = ||v|| over every dim but `dim` (kept, so it broadcasts). With S the sum
    over those dims of (grad * v): g gets S / n, and v gets grad * g / n - v * g * S / n^3.
    The backward is written with differentiable ops (n recomputed from v), so it differentiates again."""

    torch_name = "WeightNormInterfaceBackward0"

    @staticmethod
    def forward(ctx: Any, v: Tensor, g: Tensor, dim: int) -> Tensor:
        others = tuple(d for d in range(v.dim()) if d != dim)
        norms = np.sqrt(np.sum(np.square(v._data), axis=others, keepdims=True))
        ctx.save_for_backward(v, g)
        ctx.others = others
        return Tensor._make(v._data * (g._data.reshape(norms.shape) / norms))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        v, g = ctx.saved_tensors
        n = (v * v).sum(ctx.others, keepdim=True).sqrt()
        g_kept = g.reshape(n.shape)
        s = (grad * v).sum(ctx.others, keepdim=True)
        return grad * (g_kept / n) - v * (g_kept * s / n ** 3), (s / n).reshape(g.shape), None

    @staticmethod
    def jvp(ctx: Any, tv: Any, tg: Any, t_dim: Any) -> Tensor:
        v, g = ctx.saved_tensors
        n = (v * v).sum(ctx.others, keepdim=True).sqrt()
        g_kept = g.reshape(n.shape)
        change = 0
        if given(tv):
            change = tv * (g_kept / n) - v * (g_kept * (v * tv).sum(ctx.others, keepdim=True) / n ** 3)
        if given(tg):
            change = change + v * (tg.reshape(n.shape) / n)
        return change


class WeightNorm:
    """The forward pre-hook of the old API: recompute module.<name> from <name>_g and <name>_v."""

    def __init__(self, name: str, dim: int | None) -> None:
        self.name, self.dim = name, -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Tensor:
        return _weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> WeightNorm:
        warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                      "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Replace parameter `name` by `name_g` (norms) and `name_v` (directions); deprecated in torch."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    return remove_norm_hook(module, WeightNorm, name, "weight_norm")


def remove_norm_hook(module: Module, kind: type, name: str, label: str) -> Module:
    """Take off the forward pre-hook of class `kind` that reparametrizes `name` (weight_norm's and
    spectral_norm's remove_* functions), restoring the plain parameter."""
    for key, hook in module._forward_pre_hooks.items():
        if isinstance(hook, kind) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"{label} of '{name}' not found in {module}")
