"""torch.func.vmap: run a function written for one example over a batch of examples.

    vmap(f, in_dims=0, out_dims=0)(xs)  ==  torch.stack([f(x) for x in xs.unbind(0)]).movedim(0, out_dims)

That loop is exactly what happens here unless vmap knows a native way (one batched call instead
of a loop): function_rules.py for whole functions, batching.py for vjp functions. The loop is
correct for every function and every op, nesting (`vmap(vmap(f))`), and autograd through it
(`vmap(grad(f))` gives per-sample gradients).

Randomness, as torch defines it:
- 'error' (default): calling a random op inside f raises (the default generator's stream is
  replaced by a guard while f runs; a Generator passed explicitly to an op is not guarded);
- 'different': each example draws its own numbers (the loop's natural behaviour; the same
  distribution as torch, not the same numbers, since torch draws a batch at once);
- 'same': every example gets the same numbers (the generator is rewound before each call).

`chunk_size` bounds how many examples a native call carries at once; the loop carries one.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .. import random as _random
from ..core.function import rename
from ..core.tensor import Tensor
from ..ops.shape import cat, stack
from . import _transforms, _tree, function_rules
from .grad import VjpFunction

_RANDOMNESS = ("error", "different", "same")


def vmap(func: Callable[..., Any], in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable[..., Any]:
    """f mapped over dimension `in_dims` of its arguments, results stacked at `out_dims`.

    in_dims / out_dims: an int for every tensor, or a (nested) tuple matching the arguments /
    outputs, with None for an argument that is not mapped (passed whole to every call) or an
    output that is the same for every example. Keyword arguments are never mapped.

        >>> import tinygrad_rnn as torch
        >>> from tinygrad_rnn.func import vmap
        >>> vmap(torch.dot)(torch.ones(4, 3), torch.ones(4, 3))
        tensor([3., 3., 3., 3.])
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return _Call(func, in_dims, out_dims, randomness, chunk_size).run(args, kwargs)

    return wrapped


class _Call:
    """One call of a vmapped function: check and split the arguments, map, stack the results."""

    def __init__(self, func: Callable, in_dims: Any, out_dims: Any, randomness: str, chunk_size: int | None) -> None:
        self.func, self.in_dims, self.out_dims = func, in_dims, out_dims
        self.randomness, self.chunk_size = randomness, chunk_size
        self.name = getattr(func, "__name__", repr(func))

    def run(self, args: tuple, kwargs: dict) -> Any:
        leaves, spec = _tree.flatten(args)
        dims = self._input_dims(args, leaves, spec)
        size = self.size = self._batch_size(leaves, dims)
        # Every mapped argument gets its batch dimension in front.
        moved = [x.movedim(d, 0) if d is not None and d != 0 else x for x, d in zip(leaves, dims)]
        batched = [d is not None for d in dims]
        with _transforms.running("vmap"):
            native = self._native(moved, batched, spec, size, kwargs)
            if native is not None:
                return native
            return self._loop(moved, batched, spec, size, kwargs)

    # ------------------------------------------------------------------ checking the arguments
    def _where(self) -> str:
        return f"vmap({self.name}, in_dims={self.in_dims!r}, ...)(<inputs>)"

    def _input_dims(self, args: tuple, leaves: list, spec: _tree.TreeSpec) -> list:
        if not args:
            raise ValueError(f"vmap({self.name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
                             "are trying to vmap over a function with no inputs. The latter is unsupported.")
        if not (isinstance(self.in_dims, (int, tuple)) and not isinstance(self.in_dims, bool)):
            raise ValueError(f"{self._where()}: expected `in_dims` to be int or a (potentially nested) tuple "
                             f"matching the structure of inputs, got: {type(self.in_dims)}.")
        dims = _tree.broadcast_prefix(self.in_dims, spec)
        if dims is None:
            raise ValueError(f"{self._where()}: in_dims is not compatible with the structure of `inputs`. in_dims has "
                             f"structure {_tree.flatten(self.in_dims)[1]!r} but inputs has structure {spec!r}.")
        for x, d in zip(leaves, dims):
            self._check_dim(x, d)
        return [None if d is None else d % x.ndim for x, d in zip(leaves, dims)]

    def _check_dim(self, x: Any, d: Any) -> None:
        if d is None:
            return
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"{self._where()}: Got in_dim={d} for an input but in_dim must be either an integer "
                             "dimension or None.")
        if not isinstance(x, Tensor):
            raise ValueError(f"{self._where()}: Got in_dim={d} for an input but the input is of type {type(x)}. We "
                             "cannot vmap over non-Tensor arguments, please use None as the respective in_dim")
        if not -x.ndim <= d < x.ndim:
            raise ValueError(f"{self._where()}: Got in_dim={d} for some input, but that input is a Tensor of "
                             f"dimensionality {x.ndim} so expected in_dim to satisfy -{x.ndim} <= in_dim < {x.ndim}.")

    @staticmethod
    def _batch_size(leaves: list, dims: list) -> int:
        sizes = [x.shape[d] for x, d in zip(leaves, dims) if d is not None]
        if not sizes:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        return sizes[0]

    # ------------------------------------------------------------------ the native path
    def _native(self, moved: list, batched: list, spec: _tree.TreeSpec, size: int, kwargs: dict) -> Any:
        """One batched call, in chunks of chunk_size; None when there is no native way."""
        vjp_fn = self.func
        if isinstance(vjp_fn, VjpFunction):
            # Anything unusual (a structure that does not match, a cotangent not mapped) takes the
            # loop, whose single calls check it and raise torch's errors.
            if kwargs or spec.num_leaves != len(moved) or len(spec.children) != 1 or \
                    spec.children[0] != vjp_fn.out_spec or not all(batched) or size == 0:
                return None
            return self._finish_native(self._chunked(vjp_fn.batched, moved, batched, size))
        rule = function_rules.native_function_rule(self.func)
        if rule is None or not spec.is_flat_tuple or size == 0:
            return None
        if getattr(rule, "custom", False):
            return self._custom_function(rule, moved, batched, size, kwargs)

        def call(xs: list) -> Any:
            return rule(xs, batched, **kwargs)

        out = self._chunked(call, moved, batched, size)
        return None if out is None else self._finish_native(out)

    def _chunked(self, call: Callable, moved: list, batched: list, size: int) -> Any:
        step = self.chunk_size or size
        pieces = []
        for start in range(0, size, step):
            xs = [x[start:start + step] if b else x for x, b in zip(moved, batched)]
            out = call(xs)
            if out is None:
                return None
            pieces.append(out)
        if len(pieces) == 1:
            return pieces[0]
        leaves = [_tree.flatten(p)[0] for p in pieces]
        return _tree.unflatten([cat(list(col)) for col in zip(*leaves)], _tree.flatten(pieces[0])[1])

    def _finish_native(self, out: Any) -> Any:
        leaves, spec = _tree.flatten(out)
        return self._place_outputs(leaves, [True] * len(leaves), spec)

    def _custom_function(self, rule: Callable, moved: list, batched: list, size: int, kwargs: dict) -> Any:
        """A Function's own vmap staticmethod: it returns its outputs and where their batch dim is."""
        info = function_rules.VmapInfo(size, self.randomness)
        outputs, out_dims = rule(moved, batched, info=info, **kwargs)
        leaves, spec = _tree.flatten(outputs)
        dims = _tree.broadcast_prefix(out_dims, spec)
        if dims is None:
            raise ValueError(f"The vmap staticmethod of {self.name} returned out_dims that do not match its outputs.")
        front = [x.movedim(d, 0) if d is not None and d != 0 else x for x, d in zip(leaves, dims)]
        return self._place_outputs(front, [d is not None for d in dims], spec)

    # ------------------------------------------------------------------ the loop
    def _loop(self, moved: list, batched: list, spec: _tree.TreeSpec, size: int, kwargs: dict) -> Any:
        """f once per example, results stacked: correct for every function."""
        results = []
        # Each mapped argument split into its examples by one op (unbind), not one index op per example.
        if size:
            slices = [x.unbind(0) if m else None for x, m in zip(moved, batched)]
        else:
            slices = [(_zero_example(x),) if m else None for x, m in zip(moved, batched)]
        if self.randomness == "error":
            with no_random_draws():
                for b in range(max(size, 1)):
                    results.append(self._call_one(moved, slices, b, spec, kwargs))
        else:
            before = _random.default_generator.get_state() if self.randomness == "same" else None
            for b in range(max(size, 1)):
                if before is not None:  # 'same': every example starts from the same generator state
                    _random.default_generator.set_state(before)
                results.append(self._call_one(moved, slices, b, spec, kwargs))
        out_spec = results[0][1]
        if any(r[1] != out_spec for r in results[1:]):
            raise ValueError(f"vmap({self.name}, ...): `{self.name}` returned outputs of different structures for "
                             "different examples; vmap needs one structure for the whole batch.")
        columns = [list(col) for col in zip(*(r[0] for r in results))]
        if size == 0:  # f ran once on zeros only to learn the shapes of its outputs
            columns = [[c[0]] for c in columns]
        return self._stack_and_place(columns, out_spec, size)

    def _call_one(self, moved: list, slices: list, b: int, spec: _tree.TreeSpec, kwargs: dict) -> tuple:
        example = [s[b] if s is not None else x for x, s in zip(moved, slices)]
        args = example if spec.is_flat_tuple else _tree.unflatten(example, spec)
        return _tree.flatten(self.func(*args, **kwargs))

    def _stack_and_place(self, columns: list, out_spec: _tree.TreeSpec, size: int) -> Any:
        dims = self._output_dims(out_spec)
        stacked, is_batched = [], []
        for column, d in zip(columns, dims):
            first = column[0]
            if d is None:
                if isinstance(first, Tensor) and size and any(not _equal(first, c) for c in column[1:]):
                    raise ValueError(f"vmap({self.name}, ...): `{self.name}` can not return a BatchedTensor when "
                                     "out_dim is None")
                stacked.append(first)
                is_batched.append(False)
                continue
            if not isinstance(first, Tensor):
                raise ValueError(f"vmap({self.name}, ...): `{self.name}` must only return Tensors, got type "
                                 f"{type(first)}. Did you mean to set out_dims= to None for output?")
            stacked.append(_named_as_torch(stack(column), column) if size else first.unsqueeze(0)[:0])
            is_batched.append(True)
        return self._place_outputs(stacked, is_batched, out_spec, dims)

    # ------------------------------------------------------------------ outputs
    def _output_dims(self, out_spec: _tree.TreeSpec) -> list:
        dims = _tree.broadcast_prefix(self.out_dims, out_spec)
        if dims is None:
            raise ValueError(
                f"vmap({self.name}, ..., out_dims={self.out_dims!r})(<inputs>): out_dims is not compatible with the "
                f"structure of `outputs`. out_dims has structure {_tree.flatten(self.out_dims)[1]!r} but outputs "
                f"has structure {out_spec!r}."
            )
        return dims

    def _place_outputs(self, leaves: list, is_batched: list, spec: _tree.TreeSpec, dims: list | None = None) -> Any:
        """Move each output's batch dimension from 0 to its out_dim."""
        dims = self._output_dims(spec) if dims is None else dims
        placed = []
        for x, b, d in zip(leaves, is_batched, dims):
            if d is None and b:
                raise ValueError(f"vmap({self.name}, ...): `{self.name}` can not return a BatchedTensor when "
                                 "out_dim is None")
            if b and not isinstance(x, Tensor):
                raise ValueError(f"vmap({self.name}, ...): `{self.name}` must only return Tensors, got type "
                                 f"{type(x)}. Did you mean to set out_dims= to None for output?")
            if d is not None and not b and isinstance(x, Tensor):  # the same for every example: repeat it
                x, b = x.unsqueeze(0).expand(self.size, *x.shape), True
            placed.append(x.movedim(0, d) if b and d != 0 else x)
        return _tree.unflatten(placed, spec)


def _named_as_torch(stacked: Tensor, column: list) -> Tensor:
    """torch runs f once on the whole batch, so its output's node is f's last op (ReluBackward0), or,
    for a tensor f returned as it was for every example, the expand that batched it; ours would show
    the stack that gathers the examples. Named as torch's; the node computes what stack's does."""
    if stacked.grad_fn is None:
        return stacked
    if all(c is column[0] for c in column):
        return rename(stacked, "ExpandBackward0")
    names = {None if c.grad_fn is None else c.grad_fn.name() for c in column}
    return rename(stacked, names.pop()) if len(names) == 1 and None not in names else stacked


def _zero_example(x: Tensor) -> Tensor:
    """An example of the right shape and dtype for a batch of size 0 (f still runs once): the sum
    over the empty batch dimension is exactly zeros, and stays in x's graph."""
    return x.sum(0).to(x.dtype)


def _equal(a: Tensor, b: Any) -> bool:
    return isinstance(b, Tensor) and a.shape == b.shape and bool(np.array_equal(a._data, b._data, equal_nan=True))


class _RandomnessError:
    """Stands in for the default generator's stream while f runs in randomness='error' mode: any
    draw (every random op reads the stream) raises torch's error before a number is drawn."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            "vmap: called random operation while in randomness error mode. Please either use the 'same' or "
            "'different' randomness flags on vmap or perform the randomness operation out of vmap"
        )


@contextlib.contextmanager
def no_random_draws() -> Iterator[None]:
    generator = _random.default_generator
    stream = generator.np
    generator.np = _RandomnessError()  # type: ignore[assignment]
    try:
        yield
    finally:
        generator.np = stream
