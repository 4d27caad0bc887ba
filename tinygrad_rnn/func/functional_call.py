"""torch.func.functional_call and stack_module_state: a module as a function of its weights.

`functional_call(model, {"fc.weight": w}, x)` runs `model(x)` with `w` in place of
`model.fc.weight` for this one call: the module's parameters and buffers are swapped for the
given tensors, the forward runs, and the originals are put back (even if forward raises). That
is what lets `grad` and `vmap` treat a model's weights as arguments:

    params = dict(model.named_parameters())
    per_sample = vmap(grad(lambda p, x, y: loss(functional_call(model, p, (x,)), y)),
                      in_dims=(None, 0, 0))(params, xs, ys)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.tensor import Tensor
from ..ops.shape import stack


def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False) -> Any:
    """module(*args, **kwargs) with the named parameters and buffers replaced by the given tensors.

    parameter_and_buffer_dicts: one dict, or a sequence of dicts whose keys must not overlap.
    tie_weights: a tensor registered under several names (tied weights) is replaced under all of
    them when one is given. strict: every parameter and buffer must be given, and nothing else.
    """
    values = _merge(parameter_and_buffer_dicts)
    if tie_weights:
        values = _untie(module, values)
    if strict:
        _check_strict(module, values)
    args = () if args is None else args if isinstance(args, tuple) else (args,)
    originals = {name: _swap(module, name, value) for name, value in values.items()}
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for name, original in originals.items():
            _swap(module, name, original)


def stack_module_state(models: Sequence[Any]) -> tuple[dict, dict]:
    """(params, buffers) of identically built models, each entry stacked along a new dimension 0,
    for `vmap(functional_call)` over an ensemble. Stacked parameters are new leaves that require
    grad (if the originals did); the originals are left alone."""

    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]

    def stacked(dicts: list, name: str) -> Tensor:
        tensors = [d[name] for d in dicts]
        leaf = stack([t.detach() for t in tensors])
        return leaf.requires_grad_() if any(t.requires_grad for t in tensors) else leaf

    params = {name: stacked(all_params, name) for name in all_params[0]}
    buffers = {name: stacked(all_buffers, name) for name in all_buffers[0]}
    return params, buffers


# ---------------------------------------------------------------------------- helpers
def _merge(dicts: Any) -> dict:
    if isinstance(dicts, dict):
        return dict(dicts)
    merged: dict = {}
    counts: dict = {}  # insertion order is first appearance, the order torch names the repeated keys in
    for d in dicts:
        for k, v in d.items():
            counts[k] = counts.get(k, 0) + 1
            merged[k] = v
    repeated = [k for k, n in counts.items() if n > 1]
    if repeated:
        raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    return merged


def _tied_groups(module: Any) -> list[list[str]]:
    """The names that share one tensor, for every tensor registered under more than one name."""
    by_tensor: dict[int, list[str]] = {}
    for name, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        by_tensor.setdefault(id(t), []).append(name)
    return [names for names in by_tensor.values() if len(names) > 1]


def _untie(module: Any, values: dict) -> dict:
    values = dict(values)
    for names in _tied_groups(module):
        given = [n for n in names if n in values]
        if not given:
            continue
        if any(values[n] is not values[given[0]] for n in given[1:]):
            raise ValueError(f"functional_call got multiple values for keys {sorted(given)}, which are tied. Consider "
                             "using tie_weights=False")
        for n in names:
            values[n] = values[given[0]]
    return values


def _check_strict(module: Any, values: dict) -> None:
    expected = [n for n, _ in module.named_parameters(remove_duplicate=False)] + \
               [n for n, _ in module.named_buffers(remove_duplicate=False)]
    unexpected = [k for k in values if k not in expected]
    missing = sorted(k for k in expected if k not in values)
    if not (unexpected or missing):
        return
    lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
    if unexpected:
        lines.append("\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
    if missing:
        lines.append("\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
    raise RuntimeError("\n".join(lines))


_ABSENT = object()  # what _swap returns for a name the module did not have


def _swap(module: Any, name: str, value: Any) -> Any:
    """Put `value` under the dotted `name` and return what was there. Parameters and buffers are
    replaced in their dicts directly (assigning a plain tensor to a parameter's name is an error)."""
    *path, local = name.split(".")
    owner = module
    for part in path:
        owner = getattr(owner, part)
    for registry in (owner._parameters, owner._buffers):
        if local in registry:
            old = registry[local]
            registry[local] = value
            break
    else:
        old = owner.__dict__.get(local, _ABSENT)
        if value is _ABSENT:
            del owner.__dict__[local]
        else:
            object.__setattr__(owner, local, value)
    if "_flat_weights" in owner.__dict__:  # an RNN keeps its weights in a list too
        owner._init_flat_weights()
    return old
