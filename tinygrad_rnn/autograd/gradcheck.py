"""Check derivative formulas against finite differences: `gradcheck` and `gradgradcheck`.

For a function f and every pair (output i, input j) there are two Jacobians to compare:

- the *analytical* one, from backward: `autograd.grad(output_i, inputs, e_k)` with a one-hot
  upstream gradient e_k gives row k of the Jacobian, d(output_i)[k] / d(input_j);
- the *numerical* one, from the forward alone: nudge one input element by +-eps and take the
  central difference (f(x + eps) - f(x - eps)) / (2 eps), one column per input element.

They must agree elementwise within `atol + rtol * |numerical|` (torch's `allclose`). Like torch,
each Jacobian is laid out as (number of input elements, number of output elements).

Why float64: the central difference has error ~ eps^2 * f''' from the formula and ~ u * |f| / eps
from rounding (u is the unit roundoff). With eps = 1e-6 that rounding term is ~1e-10 in float64
but ~0.1 in float32, larger than the tolerance: float32 checks fail for correct code.

`fast_mode=True` compares one number per (output, input) pair instead: v^T J u for random unit
vectors u (over the input) and v (over the output). Backward gives v^T J with one call; a single
directional difference (f(x + eps u) - f(x - eps u)) / (2 eps) gives J u. Checking an RNN's weight
matrices this way costs two forwards per input instead of two per weight.

The other checks, each on by its flag:
- `check_undefined_grad`: backward called with no gradient for some outputs (None, or zeros
  when the node materializes them) must give zero or no input gradients, not crash;
- `check_batched_grad`: the vjps for a batch of upstream gradients computed in one batched
  backward pass (tinygrad_rnn.func.batching, what `vmap` over grad_outputs does) must equal the
  loop of single vjps. A node declared to batch natively whose batched backward is wrong is named;
- `check_backward_ad=False` skips the reverse-mode checks, as in torch;
- `check_forward_ad`: the Jacobian by forward mode (`forward_ad`: one forward pass with dual
  numbers per input element, tangent e_k, gives column k) against the numerical one, and, when
  the reverse checks run too, against the reverse-mode one; in `fast_mode` one forward pass per
  input with tangent u gives J u, compared with the directional difference. With
  `check_undefined_grad`, an input given no tangent must give the same output tangents as one
  given a zero tangent;
- `check_batched_forward_grad`: a batch of tangents carried through `vmap` in one call (the input
  stacked, each copy with its own tangent) must give the loop of single forward passes. A call
  vmap batches natively (an elementwise op, matmul, a custom Function's `vmap` rule) runs its
  forward-mode rule on the whole batch of tangents, so a wrong batching rule shows; any other
  function runs as vmap's loop over the rows (through unbind's and stack's own rules);
- gradgradcheck's `check_fwd_over_rev`: forward mode through the function that backward builds.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..core.dtypes import float64
from ..core.engine import grad
from ..core.tensor import Tensor
from ..creation import empty
from ..func import _transforms
from ..func.batching import BatchingRuleError, batched_grad
from ..func.vmap import vmap
from ..random import Generator, rand
from . import forward_ad
from .function import Function

# Jacobians with more elements than this are described, not printed, in an error message.
_PRINT_LIMIT = 400


class GradcheckError(RuntimeError):
    """Error raised by `gradcheck` and `gradgradcheck` (torch.autograd.gradcheck.GradcheckError)."""


# ---------------------------------------------------------------------------- public API
def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True, fast_mode: bool = False,
              masked: bool | None = None) -> bool:
    """Check the gradients of `func` at `inputs` (a Tensor or a tuple) against finite differences.

    Every output that requires grad is checked against every input that requires grad; inputs
    should be float64 (see the module docstring). Returns True, or raises `GradcheckError` naming
    the output, the input and the worst element (returns False instead when `raise_exception`
    is False).

        >>> import tinygrad_rnn as torch
        >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradcheck(torch.tanh, (x,))
        True

    `masked=True` (sparse tensors) is not built: it raises NotImplementedError.
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    _refuse_unbuilt(masked=bool(masked))
    try:
        return _gradcheck(func, _as_tuple(inputs), eps=eps, atol=atol, rtol=rtol, nondet_tol=nondet_tol,
                          check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                          check_batched_grad=check_batched_grad,
                          check_batched_forward_grad=check_batched_forward_grad, check_forward_ad=check_forward_ad,
                          check_backward_ad=check_backward_ad, fast_mode=fast_mode)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True, fast_mode: bool = False,
                  masked: bool = False) -> bool:
    """Check second derivatives: `gradcheck` of the function (inputs, v) -> v^T J(inputs).

    The gradients that backward returns are differentiated again (they were built with
    `create_graph=True`), with respect to the inputs and to the upstream gradients v.
    `grad_outputs` are the v's; by default random values in [-1, 1) that require grad, drawn from
    the global generator as torch draws them (so a seeded program's later random numbers match).
    With `gen_non_contig_grad_outputs` they are strided views (every other element of a larger
    array), as torch makes them non-contiguous, so a backward that assumes contiguity is caught.
    """

    _refuse_unbuilt(masked=masked)
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_undefined_grad=True requires check_rev_over_rev to be True")
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError("Setting check_batched_grad=True requires check_rev_over_rev to be True")
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outs = _differentiable_outputs(func(*inputs))
        grad_outputs = tuple(
            empty(o.shape, dtype=o.dtype if o.dtype.is_floating_point else float64).uniform_(-1, 1).requires_grad_()
            for o in outs
        )
    grad_outputs = _as_tuple(grad_outputs)
    if gen_non_contig_grad_outputs:
        grad_outputs = tuple(_non_contiguous(g) for g in grad_outputs)
    n_out = len(grad_outputs)
    diff_inputs = [i for i, x in enumerate(inputs) if _needs_grad(x)]

    diff_grad_outputs = {i for i, g in enumerate(grad_outputs) if _needs_grad(g)}

    def vjp(*args: Any) -> tuple:
        # Forward mode runs on detached copies: give back the requires_grad the caller set.
        args = tuple(x.requires_grad_() if _is_tensor(x) and not x.requires_grad and
                     (i in diff_inputs or i - len(inputs) in diff_grad_outputs) else x for i, x in enumerate(args))
        outputs = _differentiable_outputs(func(*args[:-n_out]))
        grads = grad(outputs, [args[i] for i in diff_inputs], args[-n_out:], create_graph=True,
                     allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     check_batched_grad=check_batched_grad, fast_mode=fast_mode,
                     check_forward_ad=check_fwd_over_rev, check_backward_ad=check_rev_over_rev)


def _refuse_unbuilt(masked: bool) -> None:
    """Raise for a requested check that is not built, naming it: never pass a check not made."""
    if masked:
        raise NotImplementedError("gradcheck: masked=True is not supported: sparse (masked) gradients are not "
                                  "built yet")


def _non_contiguous(g: Any) -> Any:
    """The same values in a strided view: every other element of an array twice as long."""

    if g.ndim == 0:
        return g
    wide = np.zeros((*g.shape[:-1], 2 * g.shape[-1]), g._data.dtype)
    wide[..., ::2] = g._data
    view = Tensor._make(wide[..., ::2])
    return view.requires_grad_() if g.requires_grad else view


# ---------------------------------------------------------------------------- the check
def _gradcheck(func: Callable, inputs: tuple, *, eps: float, atol: float, rtol: float, nondet_tol: float,
               check_undefined_grad: bool, check_grad_dtypes: bool, check_batched_grad: bool,
               check_batched_forward_grad: bool, check_forward_ad: bool, check_backward_ad: bool,
               fast_mode: bool) -> bool:
    _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    outputs = _differentiable_outputs(func_out)
    if not outputs:
        _check_no_differentiable_outputs(func, inputs, func_out, eps)
        return True
    if check_backward_ad:
        if fast_mode:
            _fast_check(func, inputs, func_out, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
        else:
            _slow_check(func, inputs, func_out, outputs, eps, atol, rtol, nondet_tol, check_grad_dtypes)
    if check_forward_ad:
        check = _fast_forward_check if fast_mode else _slow_forward_check
        check(func, inputs, func_out, outputs, eps, atol, rtol, check_backward_ad)
        if check_undefined_grad:
            _check_undefined_forward(func, inputs, func_out)
    if check_batched_forward_grad:
        _check_batched_forward_grad(func, inputs, func_out, atol, rtol)
    if not check_backward_ad:  # the rest are checks of backward
        return True
    _check_backward_scales_with_grad_output(inputs, outputs)
    if check_batched_grad:
        _check_batched_grad(inputs, outputs, atol, rtol)
    if check_undefined_grad:
        _check_undefined_grad(func, inputs)
    return True


def _slow_check(func: Callable, inputs: tuple, func_out: tuple, outputs: tuple, eps: float, atol: float, rtol: float,
                nondet_tol: float, check_grad_dtypes: bool) -> None:
    """Compare whole Jacobians, one (output, input) pair at a time."""
    numerical = numerical_jacobians(func, inputs, eps)  # [input][output]
    diff_out_index = _differentiable_output_positions(func_out)
    for i, out in enumerate(outputs):
        analytical = _analytical_jacobians(inputs, out, nondet_tol, check_grad_dtypes)
        for j, a in enumerate(analytical):
            n = numerical[j][diff_out_index[i]]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch_message(a, n, i, j, inputs, out, atol, rtol))


def _fast_check(func: Callable, inputs: tuple, func_out: tuple, outputs: tuple, eps: float, atol: float, rtol: float,
                nondet_tol: float, check_grad_dtypes: bool) -> None:
    """Compare v^T J u for random unit vectors u, v (see the module docstring)."""
    diff = [k for k, x in enumerate(inputs) if _needs_grad(x)]
    us, vs = _fast_vectors([inputs[k] for k in diff], outputs)
    diff_out_index = _differentiable_output_positions(func_out)
    for j, (k, u) in enumerate(zip(diff, us)):
        ju = _numerical_jvp(func, inputs, k, u.reshape(inputs[k].shape), eps)  # J u per output
        for i, (out, v) in enumerate(zip(outputs, vs)):
            vtj = _analytical_jacobians(inputs, out, nondet_tol, check_grad_dtypes, v)[j]  # (n_in, 1)
            analytical = float(vtj[:, 0] @ u)
            numerical = float(v @ ju[diff_out_index[i]])
            scaled_atol = atol * float(u.sum()) * float(v.sum())  # atol summed over the entries of u, v
            if not abs(analytical - numerical) <= scaled_atol + rtol * abs(numerical):
                slow_a = _analytical_jacobians(inputs, out, float("inf"), False)[j]
                slow_n = numerical_jacobians(func, inputs, eps)[j][diff_out_index[i]]
                raise GradcheckError(_fast_mismatch_message(repr(numerical), repr(analytical), slow_a, slow_n, i, j,
                                                            inputs, out, atol, rtol))


def _fast_vectors(inputs: list, outputs: Sequence) -> tuple[list, list]:
    """torch's fast-mode vectors, drawn as torch draws them so that both report the same numbers: from a
    fresh Generator (its default seed), for each input that requires grad and then each output, uniform
    [0, 1) float32 draws, one per element, cast to the tensor's dtype and scaled to length 1."""
    generator = Generator()

    def unit(t: Tensor) -> np.ndarray:
        draws = rand(t._data.size, generator=generator)._data.astype(t._data.dtype)
        norm = np.sqrt(np.add.reduce(draws * draws))
        return draws / norm if norm else draws

    return [unit(x) for x in inputs], [unit(o) for o in outputs]


def _fast_mismatch_message(numerical: str, analytical: str, slow_a: np.ndarray, slow_n: np.ndarray, i: int, j: int,
                           inputs: tuple, output: Any, atol: float, rtol: float, mode: str = "") -> str:
    """torch's fast-mode report: the two quantities, then both Jacobians recomputed in slow mode and
    their largest difference (then, ours, where the worst element is: see _mismatch_message)."""
    computed = f"computed with {mode} " if mode else ""
    diff_inputs = [k for k, x in enumerate(inputs) if _needs_grad(x)]
    slow = _mismatch_message(slow_a, slow_n, i, j, inputs, output, atol, rtol, mode)
    worst = slow[slow.index("\nWorst element"):] if "\nWorst element" in slow else ""
    largest = float(np.max(np.abs(slow_a - slow_n))) if slow_a.shape == slow_n.shape and slow_a.size else 0.0
    return (f"Jacobian {computed}mismatch for output {i} with respect to input {j},\n"
            f"numerical:{numerical}\nanalytical:{analytical}\n\n"
            "The above quantities relating the numerical and analytical jacobians are computed \n"
            "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
            "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
            f"Numerical:\n {_show(slow_n, output.dtype)}\nAnalytical:\n{_show(slow_a, inputs[diff_inputs[j]].dtype)}\n\n"
            f"The max per-element difference (slow mode) is: {largest!r}.\n" + worst)


# ---------------------------------------------------------------------------- Jacobians
def numerical_jacobians(func: Callable, inputs: tuple, eps: float) -> list[list[np.ndarray]]:
    """Central-difference Jacobians: result[j][i] is d(output i)/d(input j), shape (n_in, n_out),
    for each input j that requires grad and every Tensor output i."""
    result = []
    for x in inputs:
        if not _needs_grad(x):
            continue
        data = x._data
        columns: list[list[np.ndarray]] = []
        for idx in np.ndindex(data.shape):
            original = data[idx].copy()
            data[idx] = original + eps
            plus = _evaluate(func, inputs)
            data[idx] = original - eps
            minus = _evaluate(func, inputs)
            data[idx] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        outputs = _evaluate(func, inputs)  # an input of no elements: (0, n_out) Jacobians, as the analytical ones
        result.append([
            np.stack([c[i].reshape(-1) for c in columns]) if columns else np.zeros((0, np.size(o)))
            for i, o in enumerate(outputs)
        ])
    return result


def _numerical_jvp(func: Callable, inputs: tuple, k: int, u: np.ndarray, eps: float) -> list[np.ndarray]:
    """J u for input k: one directional central difference, one flat vector per output."""
    data = inputs[k]._data
    original = data.copy()
    data[...] = original + eps * u
    plus = _evaluate(func, inputs)
    data[...] = original - eps * u
    minus = _evaluate(func, inputs)
    data[...] = original
    return [((p - m) / (2 * eps)).reshape(-1) for p, m in zip(plus, minus)]


def _evaluate(func: Callable, inputs: tuple) -> list[np.ndarray]:
    """The Tensor outputs of func as float64 arrays. Grad mode stays on: gradgradcheck's func
    calls backward inside."""
    outs = _as_tuple(func(*inputs))
    return [o._data.astype(np.float64) for o in outs if _is_tensor(o)]


def _analytical_jacobians(inputs: tuple, output: Any, nondet_tol: float, check_grad_dtypes: bool,
                          v: np.ndarray | None = None) -> list[np.ndarray]:
    """d(output)/d(input j) through backward, shape (n_in, n_out); with `v`, the single column v^T J.

    Computed twice: backward must give the same numbers for the same upstream gradient."""
    first = _vjp_columns(inputs, output, check_grad_dtypes, v)
    second = _vjp_columns(inputs, output, False, v)
    for a, b in zip(first, second):
        if a.size and np.abs(a - b).max() > nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                "times gives different values, although analytical gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {nondet_tol}."
            )
    return first


def _vjp_columns(inputs: tuple, output: Any, check_grad_dtypes: bool, v: np.ndarray | None) -> list[np.ndarray]:

    diff = [x for x in inputs if _needs_grad(x)]
    n_columns = 1 if v is not None else output._data.size
    seeds = [v] if v is not None else _one_hots(n_columns)
    jacobians = [np.zeros((x._data.size, n_columns)) for x in diff]
    for col, seed in enumerate(seeds):
        upstream = Tensor._make(seed.reshape(output.shape).astype(output.dtype.np))
        grads = grad(output, diff, upstream, retain_graph=True, allow_unused=True)
        for j, (g, x) in enumerate(zip(grads, diff)):
            if g is None:
                continue
            if g.shape != x.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            if check_grad_dtypes and g.dtype is not x.dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            jacobians[j][:, col] = g._data.reshape(-1)
    return jacobians


def _one_hots(n: int) -> Iterator[np.ndarray]:
    """The rows of the n x n identity, one at a time (building the whole identity per row made a
    1250-element output take seconds)."""
    for k in range(n):
        row = np.zeros(n)
        row[k] = 1.0
        yield row


# ---------------------------------------------------------------------------- forward mode
def _slow_forward_check(func: Callable, inputs: tuple, func_out: tuple, outputs: tuple, eps: float, atol: float,
                        rtol: float, against_reverse: bool) -> None:
    """The forward-mode Jacobian, a column per input element, against the numerical one and
    (when the reverse checks run) the reverse-mode one."""
    numerical = numerical_jacobians(func, inputs, eps)  # [input][output], (n_in, n_out)
    positions = _differentiable_output_positions(func_out)
    forward = forward_jacobians(func, inputs, positions)
    for j, per_output in enumerate(forward):
        for i, a in enumerate(per_output):
            n = numerical[j][positions[i]]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_mismatch_message(a, n, i, j, inputs, outputs[i], atol, rtol, "forward mode"))
    if against_reverse:
        for i, out in enumerate(outputs):
            for j, r in enumerate(_vjp_columns(inputs, out, False, None)):
                if not _allclose(forward[j][i], r, rtol, atol):
                    raise GradcheckError(_modes_disagree_message(forward[j][i], r, i, j))


def _fast_forward_check(func: Callable, inputs: tuple, func_out: tuple, outputs: tuple, eps: float, atol: float,
                        rtol: float, against_reverse: bool) -> None:
    """J u for a random unit vector u per input: one forward pass with tangent u, against the
    directional difference (and, with the reverse checks, v^T J u against backward's v^T J)."""
    rng = np.random.default_rng(0)
    diff = [k for k, x in enumerate(inputs) if _needs_grad(x)]
    us, _ = _fast_vectors([inputs[k] for k in diff], ())
    positions = _differentiable_output_positions(func_out)
    for j, (k, u) in enumerate(zip(diff, us)):
        numerical = _numerical_jvp(func, inputs, k, u.reshape(inputs[k].shape), eps)
        analytical = _output_tangents(func, inputs, k, u.reshape(inputs[k].shape), positions)
        for i, (a, out) in enumerate(zip(analytical, outputs)):
            n = numerical[positions[i]]
            if not _allclose(a, n, rtol, atol * float(u.sum())):
                slow_a = forward_jacobians(func, inputs, positions)[j][i]
                slow_n = numerical_jacobians(func, inputs, eps)[j][positions[i]]
                raise GradcheckError(_fast_mismatch_message(_show(n, out.dtype), _show(a, out.dtype), slow_a, slow_n,
                                                            i, j, inputs, out, atol, rtol, "forward mode"))
            if against_reverse:
                v = rng.standard_normal(a.size)
                v_j = _vjp_columns(inputs, out, False, v)[j][:, 0]
                forward_value, reverse_value = float(v @ a), float(v_j @ u)
                if not abs(forward_value - reverse_value) <= atol * float(np.abs(v).sum()) + rtol * abs(reverse_value):
                    raise GradcheckError(_modes_disagree_message(np.array([[forward_value]]),
                                                                 np.array([[reverse_value]]), i, j))


def forward_jacobians(func: Callable, inputs: tuple, positions: list[int]) -> list[list[np.ndarray]]:
    """Forward-mode Jacobians: result[j][i] is d(output i)/d(input j), shape (n_in, n_out) as the
    numerical ones, for each input j that requires grad and each output that requires grad (at
    `positions` among the Tensor outputs). Row k comes from one forward pass with tangent e_k."""
    result = []
    for k, x in enumerate(inputs):
        if not _needs_grad(x):
            continue
        rows = [_output_tangents(func, inputs, k, e.reshape(x.shape), positions) for e in np.eye(x._data.size)]
        sizes = [np.size(o) for o in _evaluate(func, inputs)]
        result.append([np.stack([r[i] for r in rows]) if rows else np.zeros((0, sizes[p]))
                       for i, p in enumerate(positions)])
    return result


def _output_tangents(func: Callable, inputs: tuple, k: int, direction: np.ndarray, positions: list[int]) -> list:
    """J_k direction, flat per output: func run on dual inputs, input k's tangent `direction`, the
    other differentiable inputs' tangents zero (as torch makes them). No tangent out means zeros."""
    with forward_ad.dual_level():
        duals = [_dual(x, direction if i == k else np.zeros(x.shape)) if _needs_grad(x) else x
                 for i, x in enumerate(inputs)]
        outs = [o for o in _as_tuple(func(*duals)) if _is_tensor(o)]
        return [_flat_tangent(outs[p]) for p in positions]


def _dual(x: Tensor, tangent: np.ndarray) -> Tensor:
    return forward_ad.make_dual(x.detach(), Tensor._make(np.array(tangent, dtype=x.dtype.np)))


def _flat_tangent(out: Tensor) -> np.ndarray:
    tangent = forward_ad.unpack_dual(out).tangent
    if tangent is None:
        return np.zeros(out._data.size)
    return tangent._data.astype(np.float64).reshape(-1)


def _modes_disagree_message(forward: np.ndarray, reverse: np.ndarray, i: int, j: int) -> str:
    return (f"Jacobian computed with forward mode does not match the one computed with reverse mode for output {i} "
            f"with respect to input {j},\nforward mode:{_show(forward, float64)}\n"
            f"reverse mode:{_show(reverse, float64)}\n")


def _check_undefined_forward(func: Callable, inputs: tuple, func_out: tuple) -> None:
    """An input given no tangent at all must act as one given a zero tangent."""
    rng = np.random.default_rng(1)
    positions = _differentiable_output_positions(func_out)
    diff = [k for k, x in enumerate(inputs) if _needs_grad(x)]
    with forward_ad.dual_level():
        duals = {k: _dual(inputs[k], _unit_vector(rng, inputs[k]._data.size).reshape(inputs[k].shape))
                 for k in diff}
        for k in diff:
            with_zero = [_dual(x, np.zeros(x.shape)) if i == k else duals.get(i, x) for i, x in enumerate(inputs)]
            without = [x.detach() if i == k else duals.get(i, x) for i, x in enumerate(inputs)]
            first = [o for o in _as_tuple(func(*with_zero)) if _is_tensor(o)]
            second = [o for o in _as_tuple(func(*without)) if _is_tensor(o)]
            for i, p in enumerate(positions):
                t1, t2 = forward_ad.unpack_dual(first[p]).tangent, forward_ad.unpack_dual(second[p]).tangent
                if t1 is not None and t2 is not None and not np.allclose(t1._data, t2._data):
                    raise GradcheckError(
                        f"Mismatch in tangent values for output with index: {i} when input: {k} has an undefined "
                        f"tangent value. Got: {t1._data!r} but expected: {t2._data!r}"
                    )


def _check_batched_forward_grad(func: Callable, inputs: tuple, func_out: tuple, atol: float, rtol: float,
                                batch: int = 2) -> None:
    """vmap over tangents: the input stacked `batch` times, each copy with its own tangent, mapped
    through func by vmap in one call, must give the loop of single forward passes."""
    rng = np.random.default_rng(2)
    positions = _differentiable_output_positions(func_out)
    for k, x in enumerate(inputs):
        if not _needs_grad(x) or not x.dtype.is_floating_point:
            continue
        tangents = rng.standard_normal((batch, *x.shape))
        expected = [[_output_tangents(func, inputs, k, t, positions)[i] for t in tangents]
                    for i in range(len(positions))]
        try:
            got = _vmapped_tangents(func, inputs, k, tangents, positions)
        except Exception as e:  # the batched call crashed: say so, with the cause, as torch does
            raise GradcheckError(f"While computing batched gradients, got: {e}\n\n{_BATCHED_FORWARD_HINT}") from e
        for i, (many, single) in enumerate(zip(got, expected)):
            if not np.allclose(many, np.stack(single), rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"For output {i} and input {k}:\n\nBatched grad computed with forward mode and vmap over the "
                    f"tangents does not match the loop of jvps.\nExpected:\n{np.stack(single)!r}\n\nGot:\n"
                    f"{many!r}\n\n{_BATCHED_FORWARD_HINT}"
                )


def _vmapped_tangents(func: Callable, inputs: tuple, k: int, tangents: np.ndarray, positions: list[int]) -> list:
    """The output tangents, (batch, n_out) per output, of vmap(func) over input k stacked with one
    tangent per copy (the other inputs passed whole, without tangents)."""
    x = inputs[k]
    with forward_ad.dual_level():
        stacked = Tensor._make(np.ascontiguousarray(np.broadcast_to(x._data, tangents.shape)))
        dual = forward_ad.make_dual(stacked, Tensor._make(tangents.astype(x.dtype.np)))
        args = [dual if i == k else (a.detach() if _is_tensor(a) else a) for i, a in enumerate(inputs)]
        in_dims = tuple(0 if i == k else None for i in range(len(inputs)))
        with _transforms.internal():  # (torch's check uses its older vmap: custom Functions need no rule)
            outs = [o for o in _as_tuple(vmap(func, in_dims=in_dims)(*args)) if _is_tensor(o)]
        return [_flat_tangent(outs[p]).reshape(len(tangents), -1) for p in positions]


_BATCHED_FORWARD_HINT = ("gradcheck failed while testing batched gradient computation with forward-mode AD. Either "
                         "an op that vmap batches natively has a wrong forward-mode rule for batched tangents, or "
                         "pass check_batched_forward_grad=False.")


# ---------------------------------------------------------------------------- the other checks
def _check_inputs(inputs: tuple) -> None:
    """Warn about inputs that are not float64, and insist that something requires grad."""
    any_requires_grad = False
    for idx, x in enumerate(inputs):
        if _is_tensor(x) and x._requires_grad:
            if x.dtype.np != np.float64:
                warnings.warn(
                    f"Input #{idx} requires gradient and is not a double precision floating point or complex. "
                    "This check will likely fail if all the inputs are not of double precision floating point "
                    "or complex. ",
                    stacklevel=4,
                )
            if x._data.size and any(s == 0 and n > 1 for s, n in zip(x._data.strides, x._data.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports inputs that are "
                    "non-overlapping to be able to compute the numerical gradients correctly. You should call "
                    ".contiguous on the input before passing it to gradcheck."
                )
            any_requires_grad = True
    if not any_requires_grad:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have "
            "requires_grad=True."
        )


def _check_no_differentiable_outputs(func: Callable, inputs: tuple, func_out: tuple, eps: float) -> None:
    """An output that does not require grad claims a zero derivative: finite differences must agree."""
    for per_input in numerical_jacobians(func, inputs, eps):
        for jacobian in per_input:
            if np.any(jacobian != 0):
                raise GradcheckError("Numerical gradient for function expected to be zero")


def _check_backward_scales_with_grad_output(inputs: tuple, outputs: tuple) -> None:
    """A zero upstream gradient must give zero input gradients (backward multiplies by it)."""

    diff = [x for x in inputs if _needs_grad(x)]
    zeros = [Tensor._make(np.zeros(o.shape, o.dtype.np)) for o in outputs]
    grads = grad(outputs, diff, zeros, retain_graph=True, allow_unused=True)
    for g in grads:
        if g is not None and np.any(g._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")


def _check_batched_grad(inputs: tuple, outputs: tuple, atol: float, rtol: float, batch: int = 2) -> None:
    """vmap over grad_outputs: one batched backward pass for `batch` random upstream gradients per
    output must give the loop of single backward passes. The batched pass compares every node that
    declares a native batched backward with its per-element loop, and names the first that differs."""

    rng = np.random.default_rng(0)
    diff = [x for x in inputs if _needs_grad(x)]
    for i, out in enumerate(outputs):
        v = rng.standard_normal((batch, *out.shape)).astype(out.dtype.np)
        try:
            batched = batched_grad([out], diff, [Tensor._make(v)], check=True)
        except BatchingRuleError as e:
            raise GradcheckError(f"For output {i}: while computing batched gradients, got: {e}\n\n{_BATCHED_HINT}") from e
        except Exception as e:  # the batched pass crashed: say so, with the cause, as torch does
            raise GradcheckError(f"While computing batched gradients, got: {e}\n\n{_BATCHED_HINT}") from e
        for b in range(batch):
            single = grad(out, diff, Tensor._make(v[b]), retain_graph=True, allow_unused=True)
            for j, (g, many) in enumerate(zip(single, batched)):
                expected = np.zeros(many.shape[1:]) if g is None else g._data
                if not np.allclose(many._data[b], expected, rtol=rtol, atol=atol):
                    raise GradcheckError(
                        f"For output {i} and input {j}:\n\nBatched grad computed with vmap over grad_outputs does "
                        f"not match the loop of vjps (batch element {b}).\nExpected:\n{expected!r}\n\nGot:\n"
                        f"{many._data[b]!r}\n\n{_BATCHED_HINT}"
                    )


_BATCHED_HINT = ("gradcheck or gradgradcheck failed while testing batched gradient computation. Either a node "
                 "declared to batch natively (tinygrad_rnn.func.batching) has a wrong batched backward, or pass "
                 "check_batched_grad=False.")


def _check_undefined_grad(func: Callable, inputs: tuple) -> None:
    """Backward must cope when some outputs get no gradient at all (None reaches the node, or
    zeros when it materializes them), and then give zero or no input gradients."""
    n_outputs = len(_differentiable_outputs(func(*inputs)))
    patterns = [set(range(n_outputs))]  # every output undefined ...
    if n_outputs > 1:
        patterns += [{i} for i in range(n_outputs)]  # ... and one at a time
    for undefined in patterns:
        outputs = _differentiable_outputs(func(*inputs))
        cut = tuple(_UndefinedGrad.apply(o) if i in undefined else o for i, o in enumerate(outputs))
        _check_zero_grads_from_zero_outputs(inputs, cut)


def _check_zero_grads_from_zero_outputs(inputs: tuple, outputs: tuple) -> None:

    diff = [x for x in inputs if _needs_grad(x)]
    zeros = [Tensor._make(np.zeros(o.shape, o.dtype.np)) for o in outputs]
    try:
        grads = grad(outputs, diff, zeros, allow_unused=True)
    except RuntimeError as e:
        raise GradcheckError(
            "Expected backward function to handle undefined output grads. Please look at \"Notes about "
            "undefined output gradients\" in \"tools/autograd/derivatives.yaml\""
        ) from e
    for g in grads:
        if g is not None and np.any(g._data != 0):
            raise GradcheckError(
                "Expected all input grads to be undefined or zero when all output grads are undefined or zero. "
                "Please look at \"Notes about undefined output gradients\" in \"tools/autograd/derivatives.yaml\""
            )


class _UndefinedGrad(Function):
    """Identity whose backward sends no gradient on: what torch's UndefinedGrad node does."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:

        return Tensor._make(x._data)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return None

    @staticmethod
    def jvp(ctx: Any, tx: Any) -> Any:  # an identity in forward mode
        return tx


# ---------------------------------------------------------------------------- the error message
def _allclose(a: np.ndarray, n: np.ndarray, rtol: float, atol: float) -> bool:
    """torch.allclose(analytical, numerical): |a - n| <= atol + rtol * |n| everywhere."""
    return a.shape == n.shape and bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))


def _mismatch_message(a: np.ndarray, n: np.ndarray, i: int, j: int, inputs: tuple, output: Any,
                      atol: float, rtol: float, mode: str = "") -> str:
    """torch's header and Jacobians, then where the worst element is and what was allowed.
    `mode` is "forward mode" for a Jacobian computed by forward-mode AD, as torch says it."""
    diff_inputs = [k for k, x in enumerate(inputs) if _needs_grad(x)]
    x = inputs[diff_inputs[j]]
    computed = f"computed with {mode} " if mode else ""
    msg = (f"Jacobian {computed}mismatch for output {i:d} with respect to input {j:d},\n"
           f"numerical:{_show(n, output.dtype)}\nanalytical:{_show(a, x.dtype)}\n")
    if a.shape != n.shape:
        return msg
    excess = np.abs(a - n) - (atol + rtol * np.abs(n))
    row, col = np.unravel_index(int(np.argmax(np.where(np.isnan(excess), np.inf, excess))), a.shape)
    in_pos = np.unravel_index(row, x.shape) if x.ndim else ()
    out_pos = np.unravel_index(col, output.shape) if output.ndim else ()
    argument = f" (argument {diff_inputs[j]} of func)" if diff_inputs[j] != j else ""
    worst_a, worst_n = float(a[row, col]), float(n[row, col])
    return msg + (
        f"\nWorst element: d(output {i})[{_index(out_pos)}] / d(input {j}){argument}[{_index(in_pos)}] "
        f"is {worst_a!r} by {mode or 'backward'} (analytical) but {worst_n!r} by finite differences (numerical); "
        f"allowed difference atol + rtol * |numerical| = {atol} + {rtol} * {abs(worst_n)!r} "
        f"= {atol + rtol * abs(worst_n)!r}.\n"
    )


def _show(jacobian: np.ndarray, dtype: Any) -> str:

    if jacobian.size > _PRINT_LIMIT:
        return f"<{' x '.join(map(str, jacobian.shape))} Jacobian, too large to print>"
    return repr(Tensor._make(jacobian.astype(dtype.np)))


def _index(pos: Sequence[int]) -> str:
    return ", ".join(str(int(p)) for p in pos)


# ---------------------------------------------------------------------------- small helpers
def _is_tensor(x: Any) -> bool:

    return isinstance(x, Tensor)


def _needs_grad(x: Any) -> bool:
    return _is_tensor(x) and x._requires_grad


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_output_positions(func_out: tuple) -> list[int]:
    """Where each output that requires grad sits among the Tensor outputs (numerical Jacobians
    are computed for every Tensor output)."""
    tensors = [o for o in func_out if _is_tensor(o)]
    return [k for k, o in enumerate(tensors) if o._requires_grad]


def _differentiable_outputs(x: Any) -> tuple:
    return tuple(o for o in _as_tuple(x) if _is_tensor(o) and o._requires_grad)


def _unit_vector(rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniform [0, 1) entries scaled to length 1, as torch's fast mode draws them."""
    u = rng.random(n)
    norm = np.linalg.norm(u)
    return u / norm if norm else u
