"""torch.autograd.functional: derivatives of a whole function, `f(*inputs) -> outputs`.

- `vjp(f, x, v)`: v^T J, one backward pass;
- `jvp(f, x, v)`: J v, by the *double-vjp trick*: g(u) = u^T J is linear in u, so the gradient of
  g(u) . v with respect to u is J v. Two backward passes, no forward-mode AD needed;
- `jacobian(f, x)`: one vjp per output element, with a one-hot v (row k of J);
- `hessian(f, x)`: the jacobian of the gradient (f must return one element);
- `hvp`, `vhp`: Hessian-vector products, through a gradient built with `create_graph=True`.

Inputs are a Tensor or a tuple of Tensors; results follow the same shape (a tuple only where a
tuple was given), as in torch. The inputs are detached first, so the caller's graph is untouched
unless `create_graph=True`. `strict=True` raises when an output does not depend on an input
instead of returning zeros. `vectorize=True` computes all rows of a Jacobian, for all outputs
together, in one batched backward pass (tinygrad_rnn.func.batching) instead of one pass per row.
`strategy="forward-mode"` (which torch allows only with `vectorize=True`) computes the Jacobian by
forward-mode AD, a column per input element, and returns it as torch does: in lists, not detached;
for `hessian`, `outer_jacobian_strategy="forward-mode"` is forward over reverse.
As in torch, `jvp`, `hvp` and `vhp` stay on the double-backward trick.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import grad_mode
from ..core.engine import grad
from ..core.function import rename
from ..core.tensor import Tensor
from ..func import _transforms, batching
from ..func._differentiate import fresh_leaf
from ..func.jvp import jacfwd
from ..ops.shape import stack


# ---------------------------------------------------------------------------- public API
def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), v^T J): the vector-Jacobian product at `inputs`."""
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare_inputs(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_outputs_require_grad(outputs, strict)
        v = _checked_v(v, outputs, outputs_tuple, "vjp")
    with grad_mode.set_grad_enabled(bool(create_graph) or grad_mode.is_grad_enabled()):
        grads = _grad(outputs, inputs, v, create_graph)
        result = _zeros_for_none(grads, inputs, strict, create_graph, "back")
    return _unpack(_finish(outputs, create_graph), outputs_tuple), _unpack(_finish(result, create_graph), inputs_tuple)


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), J v): the Jacobian-vector product at `inputs`, by the double-vjp trick."""
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare_inputs(inputs, create_graph)
        v = _checked_v(v, inputs, inputs_tuple, "jvp")
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_outputs_require_grad(outputs, strict)
        # u^T J is linear in u, so the value of u does not matter; zeros keep it finite.
        u = tuple(Tensor._make(np.zeros(o.shape, o.dtype.np)).requires_grad_() for o in outputs)
        u_t_j = _grad(outputs, inputs, u, create_graph=True)
        if strict:
            for i, g in enumerate(u_t_j):
                if g is None or not g.requires_grad:
                    raise RuntimeError(
                        f"The gradient with respect to input {i} is independent of the inputs of the "
                        "user-provided function. This is not allowed in strict mode."
                    )
    with grad_mode.set_grad_enabled(bool(create_graph) or grad_mode.is_grad_enabled()):
        j_v = _grad(u_t_j, u, v, create_graph)
        result = _zeros_for_none(j_v, outputs, strict, create_graph, "back_trick")
    return _unpack(_finish(outputs, create_graph), outputs_tuple), _unpack(_finish(result, create_graph), outputs_tuple)


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """d func(inputs) / d inputs: for output i and input j, a Tensor of shape out_i.shape + in_j.shape.

    With one Tensor input and output the result is one Tensor; otherwise tuples mirror the tuples
    given ([output][input] when both are tuples)."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        _check_forward_mode_options(create_graph, strict)
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
        return _forward_mode_jacobian(func, inputs_tuple, inputs)
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare_inputs(inputs, create_graph)
        outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_outputs_require_grad(outputs, strict)
        if vectorize:
            if strict:
                raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                                   "supported together. Please either set `strict=False` or `vectorize=False`.")
            result = _vectorized_jacobian(outputs, inputs, create_graph)
            return _unpack_nested(_finish_nested(result, create_graph), outputs_tuple, inputs_tuple)
        result = []
        for i, out in enumerate(outputs):
            rows: list[list] = [[] for _ in inputs]  # rows[j][k]: d out[k] / d input j
            flat = out.reshape(-1)
            for k in range(out.numel()):
                grads = _grad((flat[k],), inputs, None, create_graph, retain_graph=True)
                for j, (g, x) in enumerate(zip(grads, inputs)):
                    rows[j].append(_zero_or(g, x, strict, create_graph, j, i))
            result.append(tuple(
                _stack_rows(stack, rows[j], out, x) for j, x in enumerate(inputs)
            ))
    return _unpack_nested(_finish_nested(result, create_graph), outputs_tuple, inputs_tuple)


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """Second derivatives of a function that returns one element: shape in_i.shape + in_j.shape."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("reverse-mode", "forward-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*xs: Any) -> Any:
        out = func(*xs)
        _check_outputs_require_grad(_as_tuple(out, "outputs of the user-provided function", "hessian")[1], strict)
        _check_single_element(out, "hessian")
        return out.squeeze()

    def gradient(*xs: Any) -> tuple:
        if outer_jacobian_strategy == "forward-mode":
            # as torch: the dual inputs must require grad, or the inner jacobian would detach them
            xs = tuple(x.requires_grad_(True) for x in xs)
        jac = jacobian(single_output, xs, create_graph=True)
        _check_jacobian_depends_on_inputs(jac, strict)
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    return _unpack_nested(result, inputs_tuple, inputs_tuple)


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), v^T H): vector-Hessian product of a function returning one element."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), H v): Hessian-vector product; the Hessian is symmetric, so it equals v^T H."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


# ---------------------------------------------------------------------------- helpers
def _check_forward_mode_options(create_graph: bool, strict: bool) -> None:
    """What torch's "forward-mode" strategy refuses, in torch's order."""
    if create_graph:
        raise NotImplementedError(
            "torch.autograd.functional.jacobian: `create_graph=True` and `strategy=\"forward-mode\"` are not "
            "supported together (yet). Please either set `create_graph=False` or `strategy=\"reverse-mode\"`."
        )
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `strategy=\"forward-mode\"` are not supported "
            "together (yet). Please either set `strict=False` or `strategy=\"reverse-mode\"`."
        )


def _forward_mode_jacobian(func: Callable, inputs_tuple: bool, inputs: tuple) -> Any:
    """torch's "forward-mode" strategy: the Jacobian a column at a time, one forward pass with dual
    numbers per input element (func.jacfwd over every input). As torch's, the blocks come in lists
    (where tuples were given) and are not detached: an input that requires grad gives blocks with a
    history, whose last node torch names ReshapeAliasBackward0."""
    outputs_tuple: list = []

    def checked(*xs: Any) -> Any:
        out = func(*xs)
        outputs_tuple[:] = [_as_tuple(out, "outputs", "jacobian")[0]]
        return out

    with _transforms.internal():
        jac = jacfwd(checked, argnums=tuple(range(len(inputs))))(*inputs)
    rows = [[rename(block, "ReshapeAliasBackward0") for block in row] for row in (jac if outputs_tuple[0] else (jac,))]
    if not inputs_tuple:
        return tuple(row[0] for row in rows) if outputs_tuple[0] else rows[0][0]
    return rows if outputs_tuple[0] else rows[0]


def _vectorized_jacobian(outputs: tuple, inputs: tuple, create_graph: bool) -> list:
    """d out_i / d input_j for every i and j, all rows e_k^T J from one batched backward pass over all
    the outputs together, as torch's: where two outputs reach one input their rows are added, so a
    zero row of one output makes a -0 of the other +0, as in torch."""
    numels = [out.numel() for out in outputs]
    total = sum(numels)
    eye = np.eye(total)
    starts = np.cumsum([0, *numels])
    basis = [Tensor._make(np.ascontiguousarray(eye[:, a:b].astype(out.dtype.np).reshape((total, *out.shape))))
             for out, a, b in zip(outputs, starts, starts[1:])]
    if total == 0 or not any(out.requires_grad for out in outputs):
        rows = [Tensor._make(np.zeros((total, *x.shape), x.dtype.np)) for x in inputs]
    else:
        rows = batching.batched_grad(list(outputs), inputs, basis, create_graph=create_graph)
    return [tuple(r[a:b].reshape((*out.shape, *x.shape)) for r, x in zip(rows, inputs))
            for out, a, b in zip(outputs, starts, starts[1:])]


def _hessian_product(func: Callable, inputs: Any, v: Any, create_graph: bool, strict: bool, name: str) -> tuple:
    with grad_mode.enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _prepare_inputs(inputs, create_graph)
        v = _checked_v(v, inputs, inputs_tuple, name)
        out = func(*inputs)
        _check_single_element(out, name)
        _check_outputs_require_grad((out,), strict)
        first = _zeros_for_none(_grad((out,), inputs, None, create_graph=True), inputs, strict, False, "back")
        _check_jacobian_depends_on_inputs(first, strict)
    with grad_mode.set_grad_enabled(bool(create_graph) or grad_mode.is_grad_enabled()):
        second = _grad(first, inputs, v, create_graph)
        result = _zeros_for_none(second, inputs, strict, create_graph, "double_back")
    return _finish((out,), create_graph)[0], _unpack(_finish(result, create_graph), inputs_tuple)


def _check_jacobian_depends_on_inputs(jacobian: tuple, strict: bool) -> None:
    """strict: a jacobian that does not depend on the inputs (a linear function) has no hessian."""
    for i, g in enumerate(jacobian):
        if strict and not g.requires_grad:
            raise RuntimeError(
                f"While computing the hessian, found that the jacobian of the user-provided function with respect to "
                f"input {i} is independent of the input. This is not allowed in strict mode. You should ensure that "
                "your function is twice differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example)."
            )


def _as_tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple]:
    """(whether x was a tuple, x as a tuple of Tensors), with torch's TypeError otherwise."""
    was_tuple = isinstance(x, tuple)
    items = x if was_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"value at index {i}" if was_tuple else f"given {what}"
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors but the "
                            f"{where} has type {type(item)}.")
    return was_tuple, items


def _prepare_inputs(inputs: tuple, create_graph: bool) -> tuple:
    """Fresh tensors that require grad: detached, unless the caller wants gradients to flow back
    (a tangent from forward mode stays on: hessian's forward-over-reverse strategy needs it)."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else fresh_leaf(x) for x in inputs)


def _checked_v(v: Any, refs: tuple, refs_tuple: bool, fn: str) -> tuple | None:
    """v, checked against what it multiplies (the outputs for vjp, the inputs otherwise). v may be
    left out only when that is a single Tensor of one element."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            single = ("the user-provided function returns a single Tensor" if fn == "vjp"
                      else "the input to the user-provided function is a single Tensor")
            raise RuntimeError(f"The vector v can only be None if {single} with a single element.")
        return None
    return _check_v(_as_tuple(v, "v", fn)[1], refs, refs_tuple)


def _check_v(v: tuple, others: tuple, others_tuple: bool) -> tuple:
    if len(v) != len(others):
        if others_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(others)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, others)):
        if a.shape != b.shape:
            where = f"Entry {i} in " if others_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {b.shape} but got {a.shape}.")
    return tuple(a.detach() for a in v)


def _check_outputs_require_grad(outputs: tuple, strict: bool) -> None:
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(
                    f"Output {i} of the user-provided function does not require gradients. The outputs must be "
                    "computed in a differentiable manner from the input when running in strict mode."
                )


def _check_single_element(out: Any, fn: str) -> None:
    if not isinstance(out, Tensor):
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain a single element")


def _grad(outputs: tuple, inputs: tuple, grad_outputs: Any, create_graph: bool,
          retain_graph: bool | None = None) -> tuple:
    """autograd.grad over the outputs that require grad; None for every input when there are none."""
    seeds = grad_outputs if grad_outputs is not None else (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, seeds) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs = [o for o, _ in pairs]
    given = [g for _, g in pairs]
    return grad(outs, inputs, None if all(g is None for g in given) else given, retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not "
                   "allowed in strict mode.",
}


def _zeros_for_none(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    """Replace a missing gradient (the output does not depend on that input) by zeros, or raise
    when strict."""
    result = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_STRICT_NONE[stage].format(i=i))
            g = Tensor._make(np.zeros(ref.shape, ref.dtype.np))
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is "
                               "not allowed in strict mode when create_graph=True.")
        result.append(g)
    return tuple(result)


def _zero_or(g: Any, x: Any, strict: bool, create_graph: bool, j: int, i: int) -> Any:
    """One Jacobian row: the gradient, or zeros when output i does not depend on input j."""
    if g is None:
        if strict:
            raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. This is "
                               "not allowed in strict mode.")
        return Tensor._make(np.zeros(x.shape, x.dtype.np))
    if strict and create_graph and not g.requires_grad:  # (torch names the output's index here)
        raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. This is not "
                           "allowed in strict mode when create_graph=True.")
    return g


def _stack_rows(stack: Callable, rows: list, out: Any, x: Any) -> Any:
    if not rows:  # an output with no elements
        return Tensor._make(np.zeros(tuple(out.shape) + tuple(x.shape), x.dtype.np))
    return stack(rows).reshape(tuple(out.shape) + tuple(x.shape))


def _finish(tensors: tuple, create_graph: bool) -> tuple:
    """Without create_graph the results are plain tensors, cut from the graph."""
    return tensors if create_graph else tuple(t.detach() for t in tensors)


def _finish_nested(rows: list, create_graph: bool) -> tuple:
    return tuple(_finish(row, create_graph) for row in rows)


def _unpack(result: tuple, was_tuple: bool) -> Any:
    return result if was_tuple else result[0]


def _unpack_nested(result: tuple, outer_tuple: bool, inner_tuple: bool) -> Any:
    if not inner_tuple:
        result = tuple(row[0] for row in result)
    return result if outer_tuple else result[0]
