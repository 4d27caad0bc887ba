"""`torch.amp.GradScaler`: dynamic loss scaling.

    scaler = torch.amp.GradScaler("cpu")
    scaler.scale(loss).backward()   # the gradients come out multiplied by scale
    scaler.step(optimizer)          # unscale them; step only if all are finite
    scaler.update()                 # halve the scale after an overflow, double it after 2000 clean steps

The scale is a float32 tensor (a power of two, so scaling and unscaling are exact). A scaler for
"cuda" is disabled with torch's warning, since CUDA is absent: then scale() returns the loss, step()
is optimizer.step() and update() does nothing, as in torch.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core import dtypes
from ..core.grad_mode import no_grad
from ..core.tensor import Tensor
from ..creation import full

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"  # where each optimizer is in its iteration


class GradScaler:
    _torch_module = "torch.amp.grad_scaler"  # where torch's class lives, for print(scaler)

    def __repr__(self) -> str:
        """Python's default repr, at torch's path; a user's subclass keeps its own module."""
        kind = type(self)
        module = self._torch_module if kind.__module__.startswith("tinygrad_rnn.") else kind.__module__
        return f"<{module}.{kind.__qualname__} object at {id(self):#x}>"

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000, enabled: bool = True) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.", stacklevel=2)
            self._enabled = False
        if not self._enabled:
            return
        if growth_factor <= 1.0:
            raise AssertionError("The growth factor must be > 1.0.")
        if backoff_factor >= 1.0:
            raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = init_scale
        self._scale: Tensor | None = None  # made at the first scale(), as torch's
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._growth_tracker = 0  # consecutive steps without an overflow
        self._optimizers: dict[int, dict[str, Any]] = {}  # id(optimizer) -> its stage and whether it overflowed

    # ------------------------------------------------------------ the training step
    def scale(self, outputs: Any) -> Any:
        """outputs (a tensor, or an iterable of them) multiplied by the scale."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._scale = full((), self._init_scale, dtype=dtypes.float32)
        if isinstance(outputs, Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _state(self, optimizer: Any) -> dict[str, Any]:
        return self._optimizers.setdefault(id(optimizer), {"stage": _READY, "found_inf": None})

    def unscale_(self, optimizer: Any) -> None:
        """Divide optimizer's gradients by the scale, in place, and note whether any is inf or NaN."""
        if not self._enabled:
            return
        self._check_scaled("unscale_")
        state = self._state(optimizer)
        if state["stage"] == _UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = float(np.float32(1.0 / np.float64(self._scale.item())))  # torch: 1/scale in double, to float
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if any(g.dtype is dtypes.float16 for g in grads):
            raise ValueError("Attempting to unscale FP16 gradients.")
        with no_grad():
            for g in grads:
                g.mul_(inv_scale)
        # None: no gradient to check, which step() and update() refuse as torch does
        state["found_inf"] = None if not grads else not all(bool(np.isfinite(g._data).all()) for g in grads)
        state["stage"] = _UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale (unless unscale_ was called) and step, unless a gradient overflowed: then skip the step."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scaled("step")
        state = self._state(optimizer)
        if state["stage"] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """The scale for the next iteration: new_scale if given, else backed off after an overflow in any
        optimizer, grown after growth_interval clean steps in a row."""
        if not self._enabled:
            return
        self._check_scaled("update")
        if new_scale is not None:
            self._set_scale(new_scale)
        else:
            overflows = [s["found_inf"] for s in self._optimizers.values() if s["found_inf"] is not None]
            if not overflows:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._grow_or_back_off(any(overflows))
        self._optimizers = {}

    def _grow_or_back_off(self, overflowed: bool) -> None:
        scale = np.float32(self._scale.item())
        if overflowed:
            scale, self._growth_tracker = scale * np.float32(self._backoff_factor), 0
        elif self._growth_tracker + 1 == self._growth_interval:
            grown = scale * np.float32(self._growth_factor)
            scale = grown if np.isfinite(grown) else scale
            self._growth_tracker = 0
        else:
            self._growth_tracker += 1
        self._scale.fill_(float(scale))

    def _set_scale(self, new_scale: float | Tensor) -> None:
        if isinstance(new_scale, float):
            self._scale.fill_(new_scale)
            return
        if new_scale.numel() != 1 or new_scale.requires_grad:
            raise AssertionError("new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                                 "torch.FloatTensor with requires_grad=False.")
        self._scale.copy_(new_scale.reshape(()))

    def _check_scaled(self, name: str) -> None:
        if self._scale is None:
            raise AssertionError(f"Attempted {name} but _scale is None.  This may indicate your script did not "
                                 "use scaler.scale(loss or outputs) earlier in the iteration.")

    # ------------------------------------------------------------ settings and state
    def get_scale(self) -> float:
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker; empty when disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor, "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval, "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._growth_tracker = state_dict["_growth_tracker"]
