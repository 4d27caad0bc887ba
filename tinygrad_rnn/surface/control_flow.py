"""torch.cond and torch.while_loop, run eagerly.

torch traces them with torch.compile into one graph that holds both branches (or the loop body), so that a
data-dependent branch can be exported. Here nothing is traced: cond calls the branch the predicate picks and
while_loop runs its body while cond_fn holds, after torch's checks of the arguments. The results, and their
gradients through the branch taken, are torch's; the nodes are the branch's own (torch names its one node
CondAutogradOpBackward / WhileLoopAutogradOpBackward).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..argcheck import type_repr
from ..core.tensor import Tensor


def _leaves(tree: Any) -> list:
    """The leaves of nested dicts, lists and tuples, as torch's pytree walks them."""
    if isinstance(tree, dict):
        return [leaf for value in tree.values() for leaf in _leaves(value)]
    if isinstance(tree, (list, tuple)):
        return [leaf for value in tree for leaf in _leaves(value)]
    return [tree]


def cond(pred: bool | int | float | Tensor, true_fn: Callable, false_fn: Callable,
         operands: tuple | list = ()) -> Any:
    """`true_fn(*operands)` if pred else `false_fn(*operands)`; a tensor pred must hold one element."""
    if isinstance(pred, (bool, int, float)):  # torch runs a constant predicate's branch without checks
        return true_fn(*operands) if pred else false_fn(*operands)
    if not isinstance(pred, Tensor):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")
    if pred.numel() != 1:
        raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got {pred}.")
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError("Expect both branches to be callable.")
    if not isinstance(operands, (tuple, list)) or not all(isinstance(t, Tensor) for t in _leaves(operands)):
        raise RuntimeError("Expect operands to be a tuple of possibly nested dict/list/tuple that only consists of "
                           f"tensor leaves, but got {operands}.")
    return true_fn(*operands) if pred.item() else false_fn(*operands)


def while_loop(cond_fn: Callable, body_fn: Callable, carried_inputs: tuple | list) -> Any:
    """Run `carried = body_fn(*carried)` while `cond_fn(*carried)` (a bool, or a 0-d bool tensor) holds; the
    last carried values, or copies of the inputs if the loop never ran."""
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError("Expect cond_fn and body_fn to be callable.")
    leaves = _leaves(carried_inputs)
    if not all(isinstance(t, (Tensor, int)) for t in leaves):
        raise AssertionError(f"{leaves} can only be of (<class 'torch.Tensor'>, <class 'int'>, <class "
                             f"'torch.SymInt'>) but got ({', '.join(type_repr(t) for t in leaves)})")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"carried_inputs must be a tuple or list but got {type(carried_inputs)}")
    carried: Any = tuple(carried_inputs)
    if not _holds(cond_fn(*carried)):
        return tuple(value.clone() if isinstance(value, Tensor) else value for value in carried)
    while True:
        out = body_fn(*carried)
        as_tuple = out if isinstance(out, tuple) else (out,)  # (one value may come back bare: so is the result)
        if len(as_tuple) != len(carried_inputs):
            raise AssertionError(f"body_fn should return the same number of elements as carried_inputs, got "
                                 f"{len(as_tuple)} vs {len(carried_inputs)}")
        carried = as_tuple
        if not _holds(cond_fn(*carried)):
            return out


def _holds(pred: Any) -> bool:
    if isinstance(pred, bool) or (isinstance(pred, Tensor) and pred.ndim == 0 and pred.dtype.name == "bool"):
        return bool(pred)
    raise RuntimeError(f"cond_fn must return a boolean scalar tensor or a boolean but got {pred}")
