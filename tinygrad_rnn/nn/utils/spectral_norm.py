"""Spectral normalisation (Miyato et al., 2018): weight / sigma, with sigma the largest singular
value of the weight (reshaped to a matrix), estimated by power iteration: the vectors u and v
are kept between calls and refined by `n_power_iterations` steps per forward in training mode.

This file is torch's older hook API (`spectral_norm` / `remove_spectral_norm`: parameter
`weight_orig`, buffers `weight_u`, `weight_v`); `parametrizations.spectral_norm` is the newer
form. Both draw u and v from the seeded stream in torch's order, so the numbers match torch's.
As torch's, state_dict() records the hook's version in its metadata, and load_state_dict() reads
a checkpoint without it (torch before 1.0 saved `weight` and no `weight_v`) by solving for v.
"""
from __future__ import annotations

from typing import Any

from ...autograd import no_grad
from ...core.tensor import Tensor
from ..conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..module import Module
from ..parameter import Parameter
from .weight_norm import remove_norm_hook

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook", "remove_spectral_norm",
           "spectral_norm"]


def _normalize(x: Tensor, eps: float) -> Tensor:
    """x / max(||x||, eps) for a vector (torch's F.normalize(x, dim=0))."""
    return x / x.norm(2, 0, keepdim=True).clamp_min(eps)


def _reshape_weight_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """The weight as a matrix whose rows run along `dim`."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.reshape(weight.shape[0], -1)


def _copy_into(dest: Tensor, src: Tensor) -> None:
    """torch's `out=` of the power method: u and v are updated in place, so buffers stay the same objects."""
    with no_grad():
        dest.copy_(src)


class SpectralNorm:
    """The forward pre-hook: recompute module.<name> = <name>_orig / sigma before each forward."""

    _version: int = 1  # version 1 saves u, v and <name>_orig; version None (torch < 1.0) saved <name> and no v

    def __init__(self, name: str = "weight", n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.name, self.dim, self.n_power_iterations, self.eps = name, dim, n_power_iterations, eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        weight = getattr(module, self.name + "_orig")
        u, v = getattr(module, self.name + "_u"), getattr(module, self.name + "_v")
        weight_mat = _reshape_weight_to_matrix(weight, self.dim)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    _copy_into(v, _normalize(weight_mat.t().mv(u), self.eps))
                    _copy_into(u, _normalize(weight_mat.mv(v), self.eps))
                u, v = u.clone(), v.clone()  # the graph must keep this step's u, v
        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def remove(self, module: Module) -> None:
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        for suffix in ("", "_u", "_v", "_orig"):
            delattr(module, self.name + suffix)
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat: Tensor, u: Tensor, target_sigma: Tensor) -> Tensor:
        """The v with u = W v / ||W v|| and u . W v = sigma (for a checkpoint that saved no v)."""
        v = weight_mat.t().mm(weight_mat).pinverse().mm(weight_mat.t()).mv(u)
        return v.mul_(target_sigma / u.dot(weight_mat.mv(v)))

    @staticmethod
    def apply(module: Module, name: str, n_power_iterations: int, dim: int, eps: float) -> SpectralNorm:
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        with no_grad():
            height, width = _reshape_weight_to_matrix(weight, dim).shape
            u = _normalize(weight.new_empty(height).normal_(0, 1), eps)
            v = _normalize(weight.new_empty(width).normal_(0, 1), eps)
        delattr(module, name)
        module.register_parameter(name + "_orig", weight)
        setattr(module, name, weight.detach())
        module.register_buffer(name + "_u", u)
        module.register_buffer(name + "_v", v)
        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(SpectralNormStateDictHook(fn))
        module._register_load_state_dict_pre_hook(SpectralNormLoadStateDictPreHook(fn))
        return fn


class SpectralNormStateDictHook:
    """Records the hook's version in the module's state_dict metadata, as torch's does."""

    def __init__(self, fn: SpectralNorm) -> None:
        self.fn = fn

    def __call__(self, module: Module, state_dict: dict, prefix: str, local_metadata: dict) -> None:
        versions = local_metadata.setdefault("spectral_norm", {})
        key = self.fn.name + ".version"
        if key in versions:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        versions[key] = self.fn._version


class SpectralNormLoadStateDictPreHook:
    """Reads a checkpoint saved before version 1: it has <name> (= <name>_orig / sigma) and u but
    no v, so v is solved for from sigma = mean(<name>_orig / <name>)."""

    def __init__(self, fn: SpectralNorm) -> None:
        self.fn = fn

    def __call__(self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool, missing_keys: list,
                 unexpected_keys: list, error_msgs: list) -> None:
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        weight_key = prefix + fn.name
        if version is None and all(weight_key + s in state_dict for s in ("_orig", "_u", "_v")) \
                and weight_key not in state_dict:
            return  # a current checkpoint whose metadata was lost (a plain dict): nothing to convert
        missing = [weight_key + s for s in ("_orig", "", "_u") if weight_key + s not in state_dict]
        if missing:
            if strict:
                missing_keys.extend(missing)
            return
        with no_grad():
            weight_orig = state_dict[weight_key + "_orig"]
            sigma = (weight_orig / state_dict.pop(weight_key)).mean()
            weight_mat = _reshape_weight_to_matrix(weight_orig, fn.dim)
            state_dict[weight_key + "_v"] = fn._solve_v_and_rescale(weight_mat, state_dict[weight_key + "_u"], sigma)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide parameter `name` by its spectral norm before every forward (old hook API)."""
    SpectralNorm.apply(module, name, n_power_iterations, default_dim(module) if dim is None else dim, eps)
    return module


def default_dim(module: Module) -> int:
    """The dim whose entries are the rows of the matrix normalised: the output channels, which a
    transposed convolution keeps in dim 1 of its weight (in_channels, out_channels, ...)."""
    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Take spectral_norm off parameter `name`: the normalised weight becomes a plain parameter."""
    remove_norm_hook(module, SpectralNorm, name, "spectral_norm")
    hooks = module._state_hook_registry("_state_dict_hooks")
    for key, hook in list(hooks.items()):
        if isinstance(hook, SpectralNormStateDictHook) and hook.fn.name == name:
            del hooks[key]
            break
    # torch means to drop the load pre-hook too, but its search misses it (the hook is wrapped), so
    # a strict load_state_dict afterwards asks for <name>_orig and <name>_u: we keep it as torch does
    return module
