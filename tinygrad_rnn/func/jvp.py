"""torch.func.jvp and jacfwd: Jacobian-vector products by forward-mode AD.

    jvp(f, (x,), (v,))  ->  (f(x), J v)

`jvp` opens a dual level (`autograd.forward_ad`), gives each primal its tangent with `make_dual`,
runs f once, and reads each output's tangent with `unpack_dual`: one forward pass, whatever the
sizes. `jacfwd` is `vmap` of that over the basis tangents e_k, one forward pass per input element
(a column of the Jacobian each), as torch defines it; `randomness` is vmap's.

Nesting: forward_ad has one dual level at a time (as torch's). When a level is already open (a jvp
inside jvp or jacfwd, `hessian = jacfwd(jacrev(f))` does not need it), the inner jvp uses the
*double-vjp trick* instead: g(u) = u^T J is one backward pass that records its graph, linear in
u, so d(g(u) . v)/du = J v. Its ops are ordinary ops, so the outer tangents flow through it.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd import forward_ad
from ..core import grad_mode
from ..core.engine import grad as autograd_grad
from ..core.function import rename
from ..core.modes import modes
from ..core.tensor import Tensor
from . import _transforms, _tree
from ._differentiate import check_tensors, finish, reaches_outside, stand_in, zeros_like
from .grad import check_outputs, replace_argnums, select_argnums, split_aux
from .vmap import vmap

_WHERE = "jvp(f, primals, tangents)"
_STRICT = ("jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. This is not allowed "
           "with strict=True.")


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """(func(*primals), J tangents[, aux]). primals and tangents are tuples of the same structure.

        >>> import tinygrad_rnn as torch
        >>> from tinygrad_rnn.func import jvp
        >>> jvp(torch.sin, (torch.tensor([0.0]),), (torch.tensor([2.0]),))[1]
        tensor([2.])
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_WHERE}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    leaves, spec = _tree.flatten(primals)
    tangent_leaves, tangent_spec = _tree.flatten(tangents)
    if tangent_spec != spec:
        raise RuntimeError(
            f"{_WHERE}: Expected primals and tangents to have the same python structure. For example, if primals "
            f"is a tuple of 3 tensors, tangents also must be. Got primals with structure {spec!r} and tangents "
            f"with structure {tangent_spec!r}"
        )
    check_tensors(leaves)
    check_tensors(tangent_leaves)
    for x, t in zip(leaves, tangent_leaves):
        if x.shape != t.shape:
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the original Tensor, "
                f"this is not supported. Tensor is of size {list(x.shape)} while the given forward gradient is of "
                f"size {list(t.shape)}."
            )
    tangent_leaves = [t.to(x.dtype) for t, x in zip(tangent_leaves, leaves)]
    if modes.dual_level is None:  # no level open: this jvp opens one
        return _forward_jvp(func, leaves, spec, tangent_leaves, strict, has_aux)
    return _double_vjp_jvp(func, leaves, spec, tangent_leaves, strict, has_aux)


def _forward_jvp(func: Callable, leaves: list, spec: Any, tangents: list, strict: bool, has_aux: bool) -> tuple:
    """One forward pass with dual numbers."""
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(x, t) for x, t in zip(leaves, tangents)]
        with _transforms.running("jvp"):
            output, aux = split_aux(func(*_tree.unflatten(duals, spec)), has_aux, _WHERE)
        outs, out_spec = _tree.flatten(output)
        check_outputs(outs, _WHERE)
        pairs = [_unpack(o, strict) for o in outs]
        aux_leaves, aux_spec = _tree.flatten(aux)
        aux_leaves = [_primal(a) for a in aux_leaves]
        # Plain results unless the caller's graph reaches them (inner reverse transforms leave
        # their own graph attached, for the tangents to flow through it).
        keep = reaches_outside([t for pair in pairs for t in pair] + aux_leaves, [])
    result = (_tree.unflatten([finish(p, keep) for p, _ in pairs], out_spec),
              _tree.unflatten([finish(t, keep) for _, t in pairs], out_spec))
    if has_aux:
        return (*result, _tree.unflatten([finish(a, keep) for a in aux_leaves], aux_spec))
    return result


def _unpack(out: Tensor, strict: bool) -> tuple:
    """(primal, tangent) of an output; zeros for an output that carries no tangent."""
    primal, tangent = forward_ad.unpack_dual(out)
    if tangent is None:
        if strict:
            raise RuntimeError(_STRICT)
        tangent = zeros_like(primal)
    return (rename(primal, "AliasBackward0") if primal is not out else primal), tangent


def _primal(x: Any) -> Any:
    """What the caller gets back: the value without this level's tangent (torch's node: an alias)."""
    if not isinstance(x, Tensor):
        return x
    primal = forward_ad.unpack_dual(x).primal
    return rename(primal, "AliasBackward0") if primal is not x else primal


def _double_vjp_jvp(func: Callable, leaves: list, spec: Any, tangents: list, strict: bool, has_aux: bool) -> tuple:
    """J v by two reverse passes (see the module docstring): for a jvp inside an open dual level."""
    with grad_mode.enable_grad():
        ins = [stand_in(x) for x in leaves]
        with _transforms.running("jvp"):
            output, aux = split_aux(func(*_tree.unflatten(ins, spec)), has_aux, _WHERE)
        outs, out_spec = _tree.flatten(output)
        check_outputs(outs, _WHERE)
        if strict and not all(o.requires_grad for o in outs):
            raise RuntimeError(_STRICT)
        keep = reaches_outside(outs, ins) or any(t.requires_grad for t in tangents)
        columns = _Linearized(outs, ins, keep).jvp(tangents)
    value = _tree.unflatten([finish(o, keep) for o in outs], out_spec)
    result = (value, _tree.unflatten(columns, out_spec))
    if has_aux:
        aux_leaves, aux_spec = _tree.flatten(aux)
        return (*result, _tree.unflatten([finish(a, keep) for a in aux_leaves], aux_spec))
    return result


class _Linearized:
    """u^T J as a graph in the dummy cotangents u; `jvp(v)` is then one more backward pass."""

    def __init__(self, outputs: list, inputs: list, keep_graph: bool) -> None:
        self.outputs, self.keep_graph = outputs, keep_graph
        # u^T J is linear in u, so u's value does not matter: zeros keep every product finite.
        self.us = [Tensor._make(np.zeros(o.shape, o.dtype.np)).requires_grad_() for o in outputs]
        pairs = [(o, u) for o, u in zip(outputs, self.us) if o.requires_grad]
        self.u_t_j: list = []
        if pairs:
            grads = autograd_grad([o for o, _ in pairs], inputs, [u for _, u in pairs], retain_graph=True,
                                  create_graph=True, allow_unused=True)
            self.u_t_j = [(g, j) for j, g in enumerate(grads) if g is not None and g.requires_grad]

    def jvp(self, tangents: list) -> list:
        """J v for tangents v (one per input): one tensor per output, zeros where J is zero."""
        if not self.u_t_j:
            return [zeros_like(o) for o in self.outputs]
        with grad_mode.set_grad_enabled(bool(self.keep_graph)):
            columns = autograd_grad([g for g, _ in self.u_t_j], self.us, [tangents[j] for _, j in self.u_t_j],
                                    retain_graph=True, create_graph=self.keep_graph, allow_unused=True)
        return [finish(zeros_like(o) if c is None else c, self.keep_graph) for c, o in zip(columns, self.outputs)]


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian of func with respect to args[argnums], one column J e_k per input element.

    Same layout as jacrev: output.shape + input.shape, nested as the outputs and argnums are.
    It is vmap(jvp) over the basis tangents, as torch defines it: func runs once per column, and
    `randomness` is vmap's ('error' raises on a random draw, 'same' gives every column the same
    draws, 'different' its own)."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        diff = select_argnums(args, argnums)
        leaves, spec = _tree.flatten(diff)
        check_tensors(leaves)
        captured: list = []

        def push_forward(*basis_row: Tensor) -> tuple:
            def with_diff(*xs: Any) -> Any:
                return func(*replace_argnums(args, argnums, _tree.unflatten(list(xs), spec)), **kwargs)

            result = jvp(with_diff, tuple(leaves), tuple(basis_row), has_aux=has_aux)
            captured[:] = [result[0]] + ([result[2]] if has_aux else [])
            return tuple(_tree.flatten(result[1])[0])

        sizes = [x.numel() for x in leaves]
        if sum(sizes) == 0:  # no columns: run func once for the output shapes
            push_forward(*[zeros_like(x) for x in leaves])
            columns = [zeros_like(o).reshape((0, *o.shape)) for o in _tree.flatten(captured[0])[0]]
        else:
            columns = list(vmap(push_forward, randomness=randomness)(*_basis(leaves, sizes)))
        outs, out_spec = _tree.flatten(captured[0])
        check_outputs(outs, "jacfwd(f, ...)(*args)")
        blocks = [_split_columns(c, o, leaves, sizes) for c, o in zip(columns, outs)]
        jac = _tree.assemble(blocks, out_spec, spec)
        return (jac, captured[1]) if has_aux else jac

    return wrapper


def _basis(leaves: list, sizes: list) -> list:
    """The identity over all input elements, cut into one tangent per leaf: (total, *leaf.shape)."""
    eye = np.eye(sum(sizes))
    tangents, offset = [], 0
    for x, n in zip(leaves, sizes):
        block = eye[:, offset:offset + n].astype(x.dtype.np).reshape((-1, *x.shape))
        tangents.append(Tensor._make(np.ascontiguousarray(block)))
        offset += n
    return tangents


def _split_columns(columns: Tensor, out: Tensor, leaves: list, sizes: list) -> list:
    """d out / d leaf_j, shaped out.shape + leaf_j.shape, from the stacked columns (total, *out.shape):
    the columns moved last, split by leaf and unflattened, as torch does. (torch's unflatten of the
    last dim is a view, named so; ours copies a non-contiguous block, which would show UnsafeView.)"""
    rows = columns.movedim(0, -1)
    return [rename(block.unflatten(-1, x.shape), "ViewBackward0") for block, x in zip(rows.split(sizes, dim=-1), leaves)]
