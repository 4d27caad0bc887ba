"""torch.func.jvp and jacfwd: Jacobian-vector products, by the double-vjp trick.

There is no forward-mode AD here yet, so J v is computed with two reverse passes:

    g(u) = u^T J        (one backward pass with a dummy cotangent u, building its graph)
    J v  = d(g(u) . v) / d u    (g is linear in u, so its gradient with respect to u is J v)

The values equal forward mode's. The costs differ: two backward passes instead of one forward
pass, and it relies on every backward formula being differentiable, which the built-in ops are
(gradgradcheck checks them). Forward-mode AD proper replaces this once each op declares a jvp rule.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import grad_mode
from ..core.engine import grad as autograd_grad
from ..core.tensor import Tensor
from ..ops.shape import stack
from . import _tree
from ._differentiate import check_tensors, finish, reaches_outside, stand_in, zeros_like
from .grad import check_outputs, replace_argnums, select_argnums, split_aux
from .vmap import no_random_draws


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """(func(*primals), J tangents[, aux]). primals and tangents are tuples of the same structure.

        >>> import tinygrad_rnn as torch
        >>> from tinygrad_rnn.func import jvp
        >>> jvp(torch.sin, (torch.tensor([0.0]),), (torch.tensor([2.0]),))[1]
        tensor([2.])
    """
    where = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{where}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    leaves, spec = _tree.flatten(primals)
    tangent_leaves, tangent_spec = _tree.flatten(tangents)
    if tangent_spec != spec:
        raise RuntimeError(
            f"{where}: Expected primals and tangents to have the same python structure. For example, if primals "
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
    with grad_mode.enable_grad():
        ins = [stand_in(x) for x in leaves]
        output, aux = split_aux(func(*_tree.unflatten(ins, spec)), has_aux, where)
        outs, out_spec = _tree.flatten(output)
        check_outputs(outs, where)
        if strict and not all(o.requires_grad for o in outs):
            raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is independent of the inputs. "
                               "This is not allowed with strict=True.")
        keep = reaches_outside(outs, ins) or any(t.requires_grad for t in tangent_leaves)
        linear = _Linearized(outs, ins, keep)
        columns = linear.jvp([t.to(x.dtype) for t, x in zip(tangent_leaves, ins)])
    value = _tree.unflatten([finish(o, keep) for o in outs], out_spec)
    result = (value, _tree.unflatten(columns, out_spec))
    if has_aux:
        aux_leaves, aux_spec = _tree.flatten(aux)
        return (*result, _tree.unflatten([finish(a, keep) for a in aux_leaves], aux_spec))
    return result


class _Linearized:
    """u^T J as a graph in the dummy cotangents u (see the module docstring); `jvp(v)` is then
    one more backward pass per tangent."""

    # The double-vjp trick stands in for forward-mode AD: once every op declares a jvp rule,
    # J v comes from one forward pass with dual numbers and this class goes away.

    def __init__(self, outputs: list, inputs: list, keep_graph: bool) -> None:
        self.outputs, self.inputs, self.keep_graph = outputs, inputs, keep_graph
        # u^T J is linear in u, so u's value does not matter: zeros keep every product finite.
        self.us = [Tensor._make(np.zeros(o.shape, o.dtype.np)).requires_grad_() for o in outputs]
        pairs = [(o, u) for o, u in zip(outputs, self.us) if o.requires_grad]
        self.u_t_j: list = []
        if pairs:
            grads = autograd_grad([o for o, _ in pairs], inputs, [u for _, u in pairs], retain_graph=True,
                                  create_graph=True, allow_unused=True)
            self.u_t_j = [(g, v) for g, v in zip(grads, range(len(inputs))) if g is not None and g.requires_grad]

    def jvp(self, tangents: list) -> list:
        """J v for tangents v (one per input): one tensor per output, zeros where J is zero."""
        if not self.u_t_j:
            return [zeros_like(o) for o in self.outputs]
        with grad_mode.set_grad_enabled(self.keep_graph):
            columns = autograd_grad([g for g, _ in self.u_t_j], self.us, [tangents[j] for _, j in self.u_t_j],
                                    retain_graph=True, create_graph=self.keep_graph, allow_unused=True)
        return [finish(zeros_like(o) if c is None else c, self.keep_graph) for c, o in zip(columns, self.outputs)]


def jacfwd(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian of func with respect to args[argnums], one column J e_k per input element.

    Same layout as jacrev: output.shape + input.shape, nested as the outputs and argnums are.
    func runs once for all columns, so with randomness 'same' or 'different' every column sees the
    same draws; 'error' (the default) raises if func draws random numbers, as in torch."""

    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        diff = select_argnums(args, argnums)
        leaves, spec = _tree.flatten(diff)
        check_tensors(leaves)
        with grad_mode.enable_grad():
            ins = [stand_in(x) for x in leaves]
            new_args = _replace(args, argnums, _tree.unflatten(ins, spec))
            with no_random_draws() if randomness == "error" else contextlib.nullcontext():
                result = func(*new_args, **kwargs)
            output, aux = split_aux(result, has_aux, "jacfwd(f, ...)(*args)")
            outs, out_spec = _tree.flatten(output)
            check_outputs(outs, "jacfwd(f, ...)(*args)")
            keep = reaches_outside(outs, ins)
            linear = _Linearized(outs, ins, keep)
            blocks: list[list[Any]] = [[None] * len(ins) for _ in outs]  # blocks[i][j]: d out_i / d in_j
            for j, x in enumerate(ins):
                columns = [linear.jvp(_one_hot_tangents(ins, j, k)) for k in range(x.numel())]
                for i, o in enumerate(outs):
                    blocks[i][j] = _columns_to_block([c[i] for c in columns], o, x)
        jac = _tree.assemble(blocks, out_spec, spec)
        if has_aux:
            aux_leaves, aux_spec = _tree.flatten(aux)
            return jac, _tree.unflatten([finish(a, keep) for a in aux_leaves], aux_spec)
        return jac

    return wrapper


def _one_hot_tangents(ins: list, j: int, k: int) -> list:
    tangents = [zeros_like(x) for x in ins]
    tangents[j]._data.reshape(-1)[k] = 1
    return tangents


def _columns_to_block(columns: list, out: Tensor, x: Tensor) -> Tensor:
    """Stack the columns J e_k (each shaped like out) into out.shape + x.shape."""

    if not columns:
        return Tensor._make(np.zeros((*out.shape, *x.shape), out.dtype.np))
    block = stack([c.reshape(-1) for c in columns], dim=1)  # (out elements, in elements)
    return block.reshape((*out.shape, *x.shape))


def _replace(args: tuple, argnums: Any, values: Any) -> tuple:

    return replace_argnums(args, argnums, values)
