"""Gradient clipping: `clip_grad_norm_` (rescale all grads together) and `clip_grad_value_`.

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)   # the usual guard against RNN blow-ups
    optimizer.step()

Both change `p.grad` in place and skip parameters whose grad is None.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from ...core.grad_mode import no_grad
from ...core.tensor import Tensor
from ...creation import from_numpy

TensorOrTensors = Tensor | Iterable[Tensor]


def _grads(parameters: TensorOrTensors) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def _vector_norm(array: np.ndarray, norm_type: float, kernel: str = "linalg.vector_norm") -> Any:
    """The p-norm of all elements, in the array's dtype (inf: max |x|, -inf: min |x|), with torch's rules:
    all zeros (or nothing) have norm 0 for every p but NaN, and an empty array has no norm of an order without an
    identity (inf: torch's per-tensor `_foreach_norm` refuses it, negative orders: `linalg.vector_norm`)."""
    a = np.abs(array.reshape(-1))
    if a.size == 0 and norm_type == np.inf and kernel == "_foreach_norm":
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor because the operation "
                           "does not have an identity")
    if a.size == 0 and norm_type < 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {norm_type:g} norm on an empty tensor because the "
                           f"operation does not have an identity")
    if norm_type != norm_type:  # a NaN order: nothing has norm 0, one element |x|, more NaN (zeros too)
        return a[0] if a.size == 1 else a.dtype.type(0 if a.size == 0 else np.nan)
    if not a.any():
        return a.dtype.type(0)
    if norm_type == np.inf:
        return a.max() if a.size else a.dtype.type(0)
    if norm_type == -np.inf:
        return a.min() if a.size else a.dtype.type(np.inf)
    if norm_type == 0:
        return a.dtype.type(np.count_nonzero(a))
    return a.dtype.type(np.sum(a**norm_type) ** (1.0 / norm_type))


def get_total_norm(tensors: TensorOrTensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The norm of the norms of the tensors, i.e. the norm of all their elements together."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return from_numpy(np.asarray(0.0, np.float32))
    for t in tensors:  # torch's norm kernel refuses integer grads (a frozen integer buffer given a .grad)
        if not t.dtype.is_floating_point:
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                               f"Got {t.dtype._legacy}")
    norms = [_vector_norm(t.detach().numpy(), norm_type, "_foreach_norm") for t in tensors]
    stacked = np.array(norms, dtype=np.result_type(*norms))  # torch stacks the norms: their dtypes promote
    total = np.asarray(_vector_norm(stacked, norm_type), dtype=stacked.dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return from_numpy(total)


def clip_grads_with_norm_(parameters: TensorOrTensors, max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Scale every grad by min(1, max_norm / (total_norm + 1e-6))."""
    grads = _grads(parameters)
    max_norm = float(max_norm)
    if not grads:
        return
    # torch's own steps, in the norm's dtype: max_norm / t is reciprocal(t) * max_norm (rounded twice), and
    # mul_ by the 0-d coefficient promotes as any mul_ (a 0-d grad multiplies in the coefficient's dtype).
    # An infinite norm gives 0 (and inf * 0 = NaN where a grad is inf).
    with np.errstate(invalid="ignore"), no_grad():
        coef = (max_norm / (total_norm + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)


def clip_grad_norm_(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Rescale the grads so that their total norm is at most max_norm; return the norm before clipping."""
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)  # a generator is read once
    total = get_total_norm(_grads(params), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(params, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The old name of clip_grad_norm_ (2017-era tutorials call it), with torch's FutureWarning."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every grad element to [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    grads = _grads(parameters)
    if not grads:  # torch groups the grads by device and dtype, which refuses an empty list
        raise RuntimeError("Expected !nested_tensorlist[0].empty() to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    with no_grad():
        for g in grads:
            g.clamp_(-clip_value, clip_value)
