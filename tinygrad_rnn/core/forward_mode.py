"""Forward-mode AD: each op pushes its inputs' tangents to its outputs, as it computes them.

A dual tensor is a primal value x plus a tangent dx (a direction). Running f on it gives f(x) and
the directional derivative J_f(x) dx in the same pass, without building a backward graph. Here the
tangent lives on the tensor (`t._fw_grads`, {level: tangent}), and `Function.apply` hands the op to
`apply_with_tangents` whenever a dual level is active (`modes.dual_level`, per thread). When no
level is active, nothing here runs.

An op states its forward-mode rule beside forward and backward:

    @staticmethod
    def jvp(ctx, *tangents):  # one tangent per forward argument; None where it is not a float Tensor
        (x,) = ctx.saved_tensors
        return tangents[0] * cos(x)  # one tangent per output, written with Tensor ops

The rule runs with forward mode switched off (its own ops carry no tangents) but with grad mode as
the caller had it, so a tangent is differentiable in reverse mode (reverse-over-forward).
The public API (`dual_level`, `make_dual`, `unpack_dual`) is in autograd/forward_ad.py.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .function import Function, _SavedOutput
from .modes import modes
from .tensor import Tensor


def tangent_at(t: Any, level: Any) -> Any:
    """The tangent of `t` at `level`, or None (also for anything that is not a Tensor)."""
    fw = getattr(t, "_fw_grads", None)
    return None if fw is None else fw.get(level)


def set_tangent(t: Tensor, level: Any, tangent: Any) -> None:
    """Give `t` its tangent at `level` (None removes it). Tangents of a closed level go with it."""
    t._fw_grads = None if tangent is None else {level: tangent}


def apply_with_tangents(ctx: Any, args: tuple) -> Any:
    """`Function.apply` while a dual level is active: run the op, then its jvp rule if an input has a tangent."""
    level = modes.dual_level
    tangents = [tangent_at(a, level) for a in args]
    if all(t is None for t in tangents):
        return ctx._run(args)
    modes.dual_level = None  # the op's forward and its rule compute on primals only
    ctx.with_tangents = True  # (forward then saves what the rule reads, not only what backward does)
    try:
        out = ctx._run(args)
        outputs = out if isinstance(out, tuple) else (out,)
        results = _call_jvp(ctx, [_zeros_if_missing(a, t) for a, t in zip(args, tangents)], len(outputs))
    finally:
        modes.dual_level = level
    builtin = _is_builtin(ctx)
    fresh = []
    for o, t in zip(outputs, results):
        if isinstance(o, Tensor) and any(o is a for a in args):  # an input returned as is: its own tangent stays
            o = Tensor._make(o._data, o._grad_fn, o._output_nr)
        if _carries_tangent(ctx, o) and t is not None:
            set_tangent(o, level, _fit(t, o) if builtin else _check_size(t, o))
        fresh.append(o)
    _share_with_saved_outputs(ctx, fresh)
    return tuple(fresh) if isinstance(out, tuple) else fresh[0]


def _is_builtin(ctx: Any) -> bool:
    return type(ctx).__module__.startswith("tinygrad_rnn.")


def _zeros_if_missing(a: Any, tangent: Any) -> Any:
    """The tangent a rule receives: the input's, zeros for a float Tensor without one, else None."""
    if tangent is not None or not isinstance(a, Tensor) or a._data.dtype.kind != "f":
        return tangent
    zeros = Tensor._make(np.zeros_like(a._data))
    zeros._stands_in = True  # see given()
    return zeros


def given(tangent: Any) -> bool:
    """Whether a rule received a real tangent: not None, and not the zeros standing in for an input
    that has none. A rule may leave the term of a missing one out, as torch does: that saves work,
    and 0 * f'(x) is NaN, not 0, where f'(x) is infinite."""
    return tangent is not None and "_stands_in" not in tangent.__dict__


def _call_jvp(ctx: Any, tangents: list, n_outputs: int) -> tuple:
    """The op's rule, checked to give one tangent per output."""
    saved_for_backward = ctx._saved, ctx._saved_versions
    if not _is_builtin(ctx):  # as torch: a custom rule sees what ctx.save_for_forward kept
        ctx._saved, ctx._saved_versions = ctx.__dict__.get("_saved_for_forward", ()), ()
    try:
        result = type(ctx).jvp(ctx, *tangents)
    finally:
        ctx._saved, ctx._saved_versions = saved_for_backward
    results = result if isinstance(result, tuple) else (result,)
    if len(results) != n_outputs:
        raise RuntimeError(
            f"Function's jvp returned an invalid number of forward gradients (expected {n_outputs} but got {len(results)})"
        )
    return results


def _carries_tangent(ctx: Any, o: Any) -> bool:
    """Only float outputs that the op did not mark non-differentiable get a tangent."""
    if not isinstance(o, Tensor) or o._data.dtype.kind != "f":
        return False
    return not any(o is n for n in ctx._non_differentiable)


def _fit(tangent: Tensor, out: Tensor) -> Tensor:
    """A built-in rule may return a tangent of a broadcast operand (`ta + tb`): expand it to the
    output's shape, and cast it to the output's dtype."""
    if tangent._data.shape != out._data.shape:
        tangent = tangent.expand(out._data.shape)
    if tangent._data.dtype != out._data.dtype:
        tangent = tangent.to(dtypes.from_numpy_dtype(out._data.dtype))
    return tangent


def _check_size(tangent: Any, out: Tensor) -> Any:
    """A custom Function's rule must return tangents of its outputs' sizes (torch's check)."""
    if tangent._data.shape != out._data.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
            f"not supported. Tensor is of size {list(out.shape)} while the given forward gradient is of size "
            f"{list(tangent.shape)}."
        )
    return tangent


def _share_with_saved_outputs(ctx: Any, outputs: list) -> None:
    """Backward rebuilds the outputs it saved from arrays (core/function.py, _SavedOutput): give
    those the outputs' tangents too, so gradients carry tangents (forward-over-reverse)."""
    for s in ctx._saved or ():
        if isinstance(s, _SavedOutput):
            s.fw_grads = outputs[s.output_nr]._fw_grads


Function._apply_with_tangents = staticmethod(apply_with_tangents)  # (what Function.apply runs while a level is on)
