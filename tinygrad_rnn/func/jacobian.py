"""torch.func.jacrev and hessian.

jacrev computes the Jacobian a row at a time, one vjp per output element (e_k^T J), and runs
those vjps as one batched backward pass (`vmap` of the vjp function, see batching.py). hessian
is, as torch defines it, jacfwd(jacrev(f)).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.tensor import Tensor
from ..ops.shape import cat
from . import _tree
from .grad import check_argnums, check_outputs, vjp
from .jvp import jacfwd


def jacrev(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, *, has_aux: bool = False,
           chunk_size: int | None = None, _preallocate_and_copy: bool = False) -> Callable[..., Any]:
    """The Jacobian of func with respect to args[argnums], by reverse mode.

    For one output tensor and an int argnums, a tensor of shape output.shape + input.shape; a
    tuple argnums gives a tuple, a nested output a nested result. `chunk_size` limits how many rows
    one batched backward pass carries (1 is a plain loop of vjps).

        >>> import tinygrad_rnn as torch
        >>> from tinygrad_rnn.func import jacrev
        >>> jacrev(torch.sin)(torch.zeros(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    del _preallocate_and_copy  # torch's choice of how to lay out memory; the Jacobian is the same either way

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_argnums(argnums, len(args))
        numbers = argnums if isinstance(argnums, tuple) else (argnums,)

        def with_diff_args(*diff: Any) -> Any:
            new = list(args)
            for a, d in zip(numbers, diff):
                new[a] = d
            return func(*new, **kwargs)

        primals = tuple(args[a] for a in numbers)
        result = vjp(with_diff_args, *primals, has_aux=has_aux)
        output, vjp_fn = result[0], result[1]
        outs, out_spec = _tree.flatten(output)
        check_outputs(outs, "jacrev(f, ...)(*args)")
        rows = _rows(vjp_fn, outs, chunk_size)  # one (n_out_total, *in_j.shape) tensor per input leaf
        in_spec = _tree.flatten(primals if isinstance(argnums, tuple) else primals[0])[1]
        blocks = _split_rows(rows, outs)
        jac = _tree.assemble(blocks, out_spec, in_spec)
        return (jac, result[2]) if has_aux else jac

    return wrapper


def _rows(vjp_fn: Any, outs: list, chunk_size: int | None) -> list:
    """e_k^T J for every output element k, batched: one row per element, all outputs in sequence."""
    sizes = [o.numel() for o in outs]
    total = sum(sizes)
    inputs = vjp_fn.inputs
    if total == 0:
        return [Tensor._make(np.zeros((0, *x.shape), x.dtype.np)) for x in inputs]
    step = chunk_size or total
    pieces = []
    for start in range(0, total, step):
        basis = _basis(outs, sizes, start, min(start + step, total))
        pieces.append(_flat(vjp_fn.batched(basis)))
    return [p[0] if len(pieces) == 1 else cat([piece[j] for piece in pieces]) for j, p in enumerate(zip(*pieces))]


def _basis(outs: list, sizes: list, start: int, stop: int) -> list:
    """Rows start..stop of the identity over all output elements, cut into one cotangent per output
    (each of shape (rows, *output.shape))."""
    eye = np.eye(sum(sizes))[start:stop]
    cotangents, offset = [], 0
    for o, n in zip(outs, sizes):
        block = eye[:, offset:offset + n].astype(o.dtype.np).reshape((stop - start, *o.shape))
        cotangents.append(Tensor._make(np.ascontiguousarray(block)))
        offset += n
    return cotangents


def _flat(tree: Any) -> list:
    return _tree.flatten(tree)[0]


def _split_rows(rows: list, outs: list) -> list:
    """blocks[i][j] = d out_i / d in_j, shape out_i.shape + in_j.shape, from the stacked rows."""
    blocks, offset = [], 0
    for o in outs:
        n = o.numel()
        blocks.append([r[offset:offset + n].reshape((*o.shape, *r.shape[1:])) for r in rows])
        offset += n
    return blocks


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """Second derivatives: jacfwd(jacrev(func, argnums), argnums), as torch.func defines it."""
    return jacfwd(jacrev(func, argnums), argnums)



