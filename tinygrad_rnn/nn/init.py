"""torch.nn.init: fill a tensor in place with a chosen distribution, and return it.

Every function works under `no_grad`, so it may be applied to a Parameter (a leaf that requires
grad) without recording anything. The `xavier_*` and `kaiming_*` schemes choose the spread from
the tensor's fan-in and fan-out: for a weight of shape (out, in, *kernel), fan_in = in * kernel
and fan_out = out * kernel.

    w = nn.Parameter(torch.empty(8, 4))
    nn.init.xavier_uniform_(w)              # U(-a, a), a = sqrt(6 / (fan_in + fan_out))
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..argcheck import invalid_combination, number_arg, type_name
from ..autograd import no_grad
from ..core.tensor import Tensor
from ..creation import empty, empty_like, from_numpy, integer_fill
from ..random import Generator, randperm

_LINEAR_LIKE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: int | float | None = None) -> float:
    """The factor by which a nonlinearity shrinks the spread of its input, to be undone by init."""
    if nonlinearity in _LINEAR_LIKE:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = int(np.prod(tensor.shape[2:])) if tensor.dim() > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: Any) -> Tensor:
    """Write values (a number, or an array of the tensor's shape) into the tensor, outside the graph."""
    with no_grad():
        if isinstance(values, np.ndarray):
            tensor.copy_(from_numpy(values))
        elif not tensor.dtype.is_floating_point and tensor.dtype.name != "bool":
            tensor.fill_(integer_fill(values, tensor.dtype))  # torch's conversion: truncated, and it must fit
        else:
            tensor.fill_(values)
    return tensor


# ------------------------------------------------------------------ plain distributions
# uniform_ and normal_ draw through the tensor's own methods, which follow torch's random stream:
# after the same manual_seed, nn.Linear gets the same weights as in torch.
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Generator | None = None) -> Tensor:
    """N(mean, std) restricted to [a, b], by rejection, drawing as torch does (so the numbers
    after manual_seed are torch's):

    - when [a, b] holds more than 30% of the mass, draw normals and redraw (a whole fresh
      tensor per round) the entries that fall outside;
    - otherwise propose uniformly on [a, b] and accept x with probability
      exp(-(x - mean)^2 / (2 std^2)) relative to the density's peak on [a, b].
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may "
                      "be incorrect.", stacklevel=2)
    mass = _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std)
    with no_grad():
        if mass > 0.3:
            values = _trunc_by_redrawing(tensor, mean, std, a, b, generator)
        else:
            values = _trunc_by_acceptance(tensor, mean, std, a, b, generator)
    return _fill(tensor, values)


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _fresh(tensor: Tensor) -> Tensor:
    return empty_like(tensor)


def _trunc_by_redrawing(tensor: Tensor, mean: float, std: float, a: float, b: float,
                        generator: Generator | None) -> np.ndarray:
    dtype = tensor.dtype.np.type
    if tensor.dtype.np.kind in "iu":  # an integer dtype must hold the bounds (torch's overflow error)
        info = np.iinfo(tensor.dtype.np)
        if not all(math.isfinite(v) and info.min <= v <= info.max for v in (a, b)):
            raise RuntimeError(f"value cannot be converted to type {tensor.dtype.name} without overflow")
    low, high = float(dtype(a)), float(dtype(b))  # the bounds as the tensor's dtype sees them
    result = tensor.normal_(mean, std, generator=generator).detach().numpy().copy()
    outside = (result < low) | (result > high)
    while outside.any():
        result = np.where(outside, _fresh(tensor).normal_(mean, std, generator=generator).numpy(), result)
        outside = (result < low) | (result > high)
    return result


def _trunc_by_acceptance(tensor: Tensor, mean: float, std: float, a: float, b: float,
                         generator: Generator | None) -> np.ndarray:
    dtype = tensor.dtype.np.type
    log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

    def log_ratio(x: np.ndarray) -> np.ndarray:  # log density relative to the peak, in the tensor's dtype
        return ((x - dtype(mean)) / dtype(std)) ** 2 * dtype(-0.5) - dtype(log_peak)

    def log_uniform() -> np.ndarray:
        with np.errstate(divide="ignore"):  # a draw of 0 (float16 draws it) has log -inf, as torch, without a word
            return np.log(_fresh(tensor).uniform_(generator=generator).numpy())

    result = tensor.uniform_(a, b, generator=generator).detach().numpy().copy()
    if isinstance(mean, bool):  # torch subtracts the mean from a tensor of candidates
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    pending = log_uniform() > log_ratio(result)
    while pending.any():
        candidates = _fresh(tensor).uniform_(a, b, generator=generator).numpy()
        result = np.where(pending, candidates, result)
        pending = np.where(pending, log_uniform() > log_ratio(candidates), pending)
    return result


def constant_(tensor: Tensor, val: float) -> Tensor:
    if not isinstance(val, Tensor):  # torch's fill_ takes a number or a tensor
        try:
            number_arg("fill_", "value", val, 1)
        except TypeError:
            raise invalid_combination("fill_", (val,), ("(Tensor value)", "(Number value)")) from None
    return _fill(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if 0 in tensor.stride():  # an expanded matrix: torch zeroes it, then fills the diagonal, through to its memory
        with no_grad():
            version = tensor._version
            tensor.zero_().fill_diagonal_(1)
            tensor._version = version + 1  # (torch's eye(out=) is one write)
        return tensor
    return _fill(tensor, np.eye(*tensor.shape))


# ------------------------------------------------------------------ scaled by fan
def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # a uniform's std is bound / sqrt(3)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float | None:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:
    """U(-b, b) with b = gain * sqrt(3 / fan) (He et al., 2015). nn.Linear uses a = sqrt(5),
    which makes b = 1 / sqrt(in_features)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:
    """N(0, std^2) with std = gain / sqrt(fan)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix: the Q of a QR decomposition of a Gaussian draw, with the signs
    fixed by R's diagonal so the result is uniformly distributed. Higher dims are flattened to
    (shape[0], rest)."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = normal_(empty(rows, cols, dtype=tensor.dtype), generator=generator).numpy()
    if tensor.dtype.name == "float16":  # torch's QR (after the draw) has no half kernel
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat.astype(np.float64))
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    _fill(tensor, q.reshape(tensor.shape))
    if isinstance(gain, str) or not hasattr(gain, "__float__"):  # torch scales with tensor.mul_(gain), after the fill
        raise TypeError(f"mul_(): argument 'other' (position 1) must be Tensor, not {type_name(gain)}")
    with no_grad():
        return tensor.mul_(gain)


# ------------------------------------------------------------------ structured
def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The identity of a convolution: for weights (out, in, *kernel), channel d of every group is
    copied through the kernel's centre."""
    dims = tensor.ndim
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if tensor.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = tensor.shape[0] // groups
    values = np.zeros(tensor.shape, tensor.dtype.np)
    centre = tuple(size // 2 for size in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, tensor.shape[1])):
            values[(g * out_per_group + d, d, *centre)] = 1
    return _fill(tensor, values)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    """N(0, std^2) with ceil(sparsity * rows) entries of every column set to zero (Martens, 2010).
    The zeroed rows of each column come from randperm on the global stream, as in torch."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col in range(cols):
            zero_rows = randperm(rows)[:num_zeros]
            tensor[zero_rows, col] = 0
    return tensor


# ------------------------------------------------------------------ torch's deprecated spellings
def _make_deprecate(method: Any) -> Any:
    """The old name without the trailing underscore: warns, then calls the new one."""
    new_name = method.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return method(*args, **kwargs)

    deprecated_init.__name__ = old_name
    deprecated_init.__doc__ = f"{old_name}(...): deprecated, use nn.init.{new_name}."
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
