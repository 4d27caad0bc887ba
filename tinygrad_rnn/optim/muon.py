"""`Muon`: momentum whose update is orthogonalised, for the 2-D weight matrices of hidden layers.

Per matrix parameter, with g the gradient:

    buf = lerp(buf, g, 1 - momentum)                    momentum buffer
    u = lerp(g, buf, momentum)  (nesterov)  or  buf
    O = NewtonSchulz(u)                                 ~ the nearest semi-orthogonal matrix U V^T
    p = p * (1 - lr * weight_decay)
    p = p - lr * ratio * O      ratio = sqrt(max(1, rows / cols))  ('original')
                                      or 0.2 * sqrt(max(rows, cols))  ('match_rms_adamw')

Newton-Schulz: X = u / ||u||, then `ns_steps` times  A = X X^T;  B = b A + c A A;  X = a X + B X.
The polynomial pushes every singular value of X towards 1 without computing an SVD.

torch runs the iteration in bfloat16, which numpy lacks. It is reproduced here in float32 with
every result rounded to bfloat16 where torch's would be: each op accumulates in float32 and rounds
once, as torch's CPU bfloat16 kernels do.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from .checks import check_tensor_hyperparameter
from .optimizer import Optimizer, scalar_hyperparameter, zero_buffer
from .step_math import lerp_

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.775, 2.0315
DEFAULT_NS_STEPS = 5


def to_bfloat16(x: Any) -> np.ndarray:
    """Round to the nearest bfloat16 (8 significant bits, ties to even), returned as float32.

    frexp splits x = m * 2**e with 0.5 <= |m| < 1; m * 256 rounded to an integer keeps 8 bits.
    Rounding straight from float64 (not via float32) avoids double rounding, as torch does.
    """
    mantissa, exponent = np.frexp(np.asarray(x, dtype=np.float64))
    return np.ldexp(np.rint(mantissa * 256.0) / 256.0, exponent).astype(np.float32)


def _newton_schulz(update: np.ndarray, coefficients: tuple[float, float, float], steps: int,
                   eps: float) -> np.ndarray:
    """The orthogonalised update, as torch's bfloat16 iteration computes it (float32 values)."""
    if steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if update.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (np.float32(k) for k in coefficients)  # scalars enter the float32 accumulation unrounded
    x = to_bfloat16(update)
    tall = x.shape[0] > x.shape[1]
    if tall:
        x = x.T
    norm = to_bfloat16(np.sqrt(np.sum(x * x, dtype=np.float32)))
    x = to_bfloat16(x / max(norm, to_bfloat16(eps)))
    for _ in range(steps):
        gram = to_bfloat16(x @ x.T)
        gram_update = to_bfloat16(b * gram + c * (gram @ gram))
        x = to_bfloat16(a * x + gram_update @ x)
    return x.T if tall else x


def _adjusted_lr(lr: Any, adjust_lr_fn: str | None, shape: tuple) -> Any:
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """torch.optim.Muon: `Muon(params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
    ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5, adjust_lr_fn=None)`; 2-D params only."""

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = (DEFAULT_A, DEFAULT_B, DEFAULT_C),
                 eps: float = EPS, ns_steps: int = DEFAULT_NS_STEPS, adjust_lr_fn: str | None = None) -> None:
        check_tensor_hyperparameter("lr", lr)
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def _update(self, param: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        if group.get("maximize"):  # Muon has no `maximize` option: undo the base class's negation
            grad = -grad
        p, state = param._data, self.state[param]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = zero_buffer(grad)
        lr, momentum = scalar_hyperparameter(group["lr"]), group["momentum"]
        buf = state["momentum_buffer"]._data
        lerp_(buf, grad, 1 - momentum)
        if group["nesterov"]:
            update = grad.copy()
            lerp_(update, buf, momentum)
        else:
            update = buf
        orthogonal = _newton_schulz(update, group["ns_coefficients"], group["ns_steps"], group["eps"])
        p *= 1 - lr * group["weight_decay"]
        p += -_adjusted_lr(lr, group["adjust_lr_fn"], p.shape) * orthogonal.astype(p.dtype)
