"""Nested Python containers of tensors ("pytrees"): flatten to a list of leaves and back.

torch.func accepts arguments and results that are tuples, lists and dicts of tensors, nested to
any depth. Every transform here works on the flat list of leaves and rebuilds the structure at
the end; `TreeSpec` remembers that structure. Its repr follows torch's (`TreeSpec(tuple, None,
[*, *])`), because torch's error messages about mismatched structures print it.
"""
from __future__ import annotations

from typing import Any

_CONTAINERS = (tuple, list, dict)


class TreeSpec:
    """The shape of a nested container: its type, its dict keys, and the specs of its children.
    A leaf has kind None."""

    def __init__(self, kind: type | None, keys: list | None = None, children: list | None = None) -> None:
        self.kind, self.keys, self.children = kind, keys, children or []
        # A plain tuple of leaves (the usual *args): rebuilt without walking the structure.
        self.is_flat_tuple = kind is tuple and all(c.kind is None for c in self.children)

    @property
    def num_leaves(self) -> int:
        return 1 if self.kind is None else sum(c.num_leaves for c in self.children)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TreeSpec) and self.kind is other.kind and self.keys == other.keys
                and self.children == other.children)

    def __repr__(self, indent: int = 0) -> str:
        if self.kind is None:
            return "*"
        inner = (",\n" + " " * (indent + 2)).join(c.__repr__(indent + 2) for c in self.children)
        context = None if self.keys is None else self.keys
        return f"TreeSpec({self.kind.__name__}, {context}, [{inner}])"


def pretty(spec: TreeSpec) -> str:
    """The short form torch prints in some messages: `(*, [*, *])`, `{'a': *}`."""
    if spec.kind is None:
        return "*"
    inner = [pretty(c) for c in spec.children]
    if spec.keys is not None:
        return "{" + ", ".join(f"{k!r}: {v}" for k, v in zip(spec.keys, inner)) + "}"
    if issubclass(spec.kind, list):
        return "[" + ", ".join(inner) + "]"
    return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"


def _kind(tree: Any) -> type | None:
    if not isinstance(tree, _CONTAINERS):  # a leaf: the common case, answered first
        return None
    if type(tree) is tuple:
        return tuple
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)  # a namedtuple keeps its own type
    for kind in _CONTAINERS:
        if type(tree) is kind or (kind is dict and isinstance(tree, dict)):
            return type(tree)
    return None


LEAF = TreeSpec(None)


def flatten(tree: Any) -> tuple[list, TreeSpec]:
    """(the leaves in order, the structure): dicts in their key order."""
    kind = _kind(tree)
    if kind is None:
        return [tree], LEAF
    keys = list(tree.keys()) if isinstance(tree, dict) else None
    items = [tree[k] for k in keys] if keys is not None else list(tree)
    leaves: list = []
    children = []
    for item in items:
        sub_leaves, sub_spec = flatten(item)
        leaves += sub_leaves
        children.append(sub_spec)
    return leaves, TreeSpec(kind, keys, children)


def unflatten(leaves: list, spec: TreeSpec) -> Any:
    """The inverse of `flatten`."""
    it = iter(leaves)
    return _build(it, spec)


def _build(it: Any, spec: TreeSpec) -> Any:
    if spec.kind is None:
        return next(it)
    if spec.is_flat_tuple:  # the common case, quickly
        return tuple(next(it) for _ in spec.children)
    items = [_build(it, c) for c in spec.children]
    if spec.keys is not None:
        return spec.kind(zip(spec.keys, items))
    if hasattr(spec.kind, "_fields"):
        return spec.kind(*items)
    return spec.kind(items)


def broadcast_prefix(prefix: Any, spec: TreeSpec) -> list | None:
    """One value per leaf of `spec`, where `prefix` is a tree whose leaves stand for whole subtrees
    (vmap's in_dims=(0, None) against inputs ((a, b), c)). None when the structures do not match."""
    kind = _kind(prefix)
    if kind is None:
        return [prefix] * spec.num_leaves
    if spec.kind is None or not _same_container(kind, spec.kind):
        return None
    if isinstance(prefix, dict):
        if list(prefix.keys()) != spec.keys and set(prefix.keys()) != set(spec.keys or ()):
            return None
        items = [prefix[k] for k in spec.keys]  # type: ignore[union-attr]
    else:
        items = list(prefix)
        if len(items) != len(spec.children):
            return None
    result: list = []
    for item, child in zip(items, spec.children):
        sub = broadcast_prefix(item, child)
        if sub is None:
            return None
        result += sub
    return result


def _same_container(a: type, b: type) -> bool:
    if issubclass(a, dict) and issubclass(b, dict):
        return True
    return a is b


def assemble(blocks: list, out_spec: TreeSpec, in_spec: TreeSpec) -> Any:
    """Nest the Jacobian blocks as torch does: the outputs' structure outside, argnums' inside."""
    return unflatten([unflatten(row, in_spec) for row in blocks], out_spec)
