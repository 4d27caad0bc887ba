"""torch.func.grad, grad_and_value and vjp: reverse mode as function transforms.

    grad(f)(x)  ==  d f(x) / d x        for f returning one element
    vjp(f, x)   ->  (f(x), v -> v^T J)  for any f

The arguments differentiated (`argnums`) may be nested tuples, lists and dicts of tensors (a
model's parameters as a dict, see `functional_call`); the gradients come back in the same
structure. How the transforms nest is explained in `_differentiate.py`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import grad_mode
from ..core.tensor import Tensor
from . import _transforms, _tree
from ._differentiate import check_tensors, finish, reaches_outside, stand_in, vjp_leaves
from .batching import batched_grad

Argnums = int | tuple[int, ...]


# ---------------------------------------------------------------------------- public API
def grad(func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The function that returns d func / d args[argnums] (and func's aux output, with `has_aux`).

        >>> import tinygrad_rnn as torch
        >>> from tinygrad_rnn.func import grad
        >>> grad(lambda x: (x ** 2).sum())(torch.tensor([1.0, 2.0]))
        tensor([2., 4.])
    """
    transformed = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gradients, value = transformed(*args, **kwargs)
        if has_aux:
            return gradients, value[1]
        return gradients

    return wrapper


def grad_and_value(func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The function that returns (gradient, value), where value is func's output ((output, aux)
    with `has_aux`): one forward and one backward pass for both."""

    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        diff_args = select_argnums(args, argnums)
        leaves, spec = _tree.flatten(diff_args)
        check_tensors(leaves)
        with grad_mode.enable_grad():
            ins = [stand_in(x) for x in leaves]
            with _transforms.running("grad"):
                result = func(*replace_argnums(args, argnums, _tree.unflatten(ins, spec)), **kwargs)
            output, aux = split_aux(result, has_aux, "grad_and_value(f)(*args)", check=False)
            _check_scalar(output)
            if has_aux:
                check_aux(aux)
            keep = reaches_outside([output], ins)
            grads = vjp_leaves([output], ins, [None], keep)
        value = finish(output, keep)
        if has_aux:
            value = (value, _tree.unflatten([finish(a, keep) for a in _tree.flatten(aux)[0]], _tree.flatten(aux)[1]))
        return _tree.unflatten(grads, spec), value

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple:
    """(func(*primals), vjp_fn[, aux]): vjp_fn(cotangents) is v^T J for each primal, as a tuple.

    vjp_fn may be called many times (the graph is kept). Called through `vmap`, it runs one
    batched backward pass instead of a loop (see batching.py)."""
    leaves, spec = _tree.flatten(primals)
    check_tensors(leaves)
    with grad_mode.enable_grad():
        ins = [stand_in(x) for x in leaves]
        with _transforms.running("vjp"):
            result = func(*_tree.unflatten(ins, spec))
        output, aux = split_aux(result, has_aux, "vjp(f, *primals)")
        outs, out_spec = _tree.flatten(output)
        check_outputs(outs, "vjp(f, *primals)")
        keep = reaches_outside(outs, ins)
    vjp_fn = VjpFunction(outs, out_spec, ins, spec, keep)
    value = _tree.unflatten([finish(o, keep) for o in outs], out_spec)
    if has_aux:
        aux_leaves, aux_spec = _tree.flatten(aux)
        return value, vjp_fn, _tree.unflatten([finish(a, keep) for a in aux_leaves], aux_spec)
    return value, vjp_fn


class VjpFunction:
    """The vjp_fn that `vjp` returns: cotangents (shaped like func's output) -> one gradient per
    primal. A class rather than a closure so that `vmap` can recognise it and batch it natively."""

    def __init__(self, outputs: list, out_spec: _tree.TreeSpec, inputs: list, in_spec: _tree.TreeSpec,
                 keep_graph: bool) -> None:
        self.outputs, self.out_spec, self.inputs, self.in_spec = outputs, out_spec, inputs, in_spec
        self.keep_graph = keep_graph

    def __call__(self, cotangents: Any) -> tuple:
        leaves = self.check_cotangents(cotangents)
        create_graph = self.keep_graph or any(c.requires_grad for c in leaves)
        grads = vjp_leaves(self.outputs, self.inputs, leaves, create_graph)
        return _tree.unflatten([finish(g, create_graph) for g in grads], self.in_spec)

    def check_cotangents(self, cotangents: Any) -> list:
        leaves, spec = _tree.flatten(cotangents)
        if spec != self.out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the "
                f"function. cotangents: {_tree.pretty(spec)}, primal output: {_tree.pretty(self.out_spec)}"
            )
        check_tensors(leaves)
        return leaves

    def batched(self, cotangents: list) -> tuple:
        """vmap over cotangent leaves that carry a leading batch dimension: one backward pass
        that carries the whole batch (batching.batched_grad)."""

        create_graph = self.keep_graph or any(c.requires_grad for c in cotangents)
        grads = batched_grad(self.outputs, self.inputs, cotangents, create_graph)
        return _tree.unflatten([finish(g, create_graph) for g in grads], self.in_spec)


# ---------------------------------------------------------------------------- helpers
def check_argnums(argnums: Any, n_args: int) -> None:
    """torch's checks: an int or a non-empty tuple of distinct ints, each naming an argument."""
    numbers = argnums if isinstance(argnums, tuple) else (argnums,)
    if not isinstance(argnums, (int, tuple)) or isinstance(argnums, bool) or \
            not all(isinstance(a, int) and not isinstance(a, bool) for a in numbers):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not numbers:
        raise RuntimeError("argnums must be non-empty")
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    for a in numbers:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")


def select_argnums(args: tuple, argnums: Argnums) -> Any:
    check_argnums(argnums, len(args))
    if isinstance(argnums, int):
        return args[argnums]
    return tuple(args[a] for a in argnums)


def replace_argnums(args: tuple, argnums: Argnums, values: Any) -> tuple:
    new = list(args)
    if isinstance(argnums, int):
        new[argnums] = values
    else:
        for a, v in zip(argnums, values):
            new[a] = v
    return tuple(new)


def split_aux(result: Any, has_aux: bool, where: str, check: bool = True) -> tuple:
    """(output, aux) of func's result; aux checked now unless `check` is False (grad_and_value checks it later,
    after the output, as torch does)."""
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if has_aux is True")
    if check:
        check_aux(result[1])
    return result


def check_aux(aux: Any) -> None:
    """torch hands aux back through its transforms' unwrapping, which takes nested containers of tensors only:
    an int, a string or None anywhere in aux raises."""
    for leaf in _tree.flatten(aux)[0]:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(leaf)}")


def check_outputs(outs: list, where: str) -> None:
    for o in outs:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{where}: expected f(*primals) to return only tensors, got unsupported type {type(o)}")


def _check_scalar(output: Any) -> None:
    if not isinstance(output, Tensor):
        raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(output)}")
    if output.ndim != 0:
        raise RuntimeError(
            f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with "
            f"{output.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
        )
