"""`@op`: declare an op once; `torch.X`, `Tensor.X`, `Tensor.X_` and its tests come from that.

An op is its `Function` (forward and backward, side by side) and one declared public function:

    class Exp(Function):
        ...forward and backward...

    @op(inplace=True, samples=unary())
    def exp(input: Tensor) -> Tensor:
        return Exp.apply(to_float(input))   # the dtype rule: integers compute in the default float

The declaration says what the torch-shaped surface needs and nothing else: the names it goes by
(`aliases`: `torch.arcsin` is `asin`), whether it is a function `torch.X` (`function`; `view` is a
method only) and a method (`method`), whether the method also takes its second argument spread out
(`varargs_method`: `t.flip(0, 1)` is `flip(t, (0, 1))`; `renumber_method_errors` where torch's
TypeError of the method counts its arguments without self), whether it has an in-place variant
(`inplace`: `t.exp_()`; `inplace="view"` where that variant changes the tensor's shape, as `t.t_()`,
with the node names torch gives it in `inplace_names`; `inplace_function` where torch also has it
as a function, `torch.exp_(t)`), whether torch's function takes `out=`
(`out`), and sample inputs (`samples`) from which tests/ops/test_op_db.py checks it against torch:
values and dtypes in float32 and float64, gradients with a random upstream gradient, gradcheck and
gradgradcheck in float64, broadcasting, sizes 0 and 1, and the in-place variant. An op may return a
tuple of tensors (each is checked) or a Python value (`equal`: checked as a value, no gradient).
`checked_on` and `checked_as` let the database check an op whose input must be of a kind (cholesky's
symmetric matrix) or whose result is unique only up to a choice (svd's signs).

`surface/ops.py` binds every declared op; the decorator returns the function unchanged, so it stays
an ordinary module-level function that a reader (and a type checker) can follow.
See docs/add_an_op.md.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Sample:
    """One call of an op: `fn(*args, **kwargs)`. A float numpy array in `args` becomes an input
    tensor (of the dtype under test, requiring grad); anything else is passed as it is."""

    args: tuple  # a tuple or list of arrays in args becomes a tuple or list of tensors (index_put, meshgrid)
    kwargs: dict = field(default_factory=dict)


SampleMaker = Callable[[np.random.Generator], Sequence[Sample]]


@dataclass(frozen=True)
class OpDecl:
    """What one `@op` declared; see the module docstring."""

    name: str
    function: Callable[..., Any]
    module: str
    samples: SampleMaker
    method: bool = True
    inplace: bool | str = False  # "view": the in-place variant changes the tensor's shape (t_, squeeze_)
    out: bool = False
    aliases: tuple[str, ...] = ()
    twice_differentiable: bool = True  # False where the first derivative has kinks (abs, relu)
    differentiable: bool = True  # False for ops outside the graph (comparisons): no gradient checks
    is_function: bool = True  # False for a method only (t.view(...): torch has no torch.view)
    # t.flip(0, 1) as well as t.flip((0, 1)); "several": only two or more (t.squeeze(0) keeps its int overload)
    varargs_method: bool | str = False
    inplace_names: dict = field(default_factory=dict)  # node name of X -> torch's node name of X_
    # torch's TypeError of the method leaves self out: softmax(): argument 'dim' (position 2) is
    # (position 1) in t.softmax(...), squeeze()'s "got (Tensor, NoneType)" is "got (NoneType)"
    renumber_method_errors: bool = False
    inplace_function: bool = False  # torch also has the in-place variant as a function: torch.exp_(t)
    # For an op defined on part of its inputs' space, or whose result is unique only up to a choice:
    # the op database calls fn(checked_on(x), ...) for the first input x (or the input numbered
    # `checked_input`), and compares checked_as(result), alike for ours and torch's (cholesky reads a
    # symmetric matrix; cholesky_solve's second input one triangle; svd's vectors have a free sign).
    checked_on: Callable[[Any], Any] | None = None
    checked_as: Callable[[Any], Any] | None = None
    checked_input: int = 0
    # torch's X_ checks shapes its own way before what X checks (masked_fill_: self against the mask, where
    # masked_fill names the mask first): called as inplace_check(t, *args) before X runs
    inplace_check: Callable[..., None] | None = None


DECLARED: dict[str, OpDecl] = {}  # by name, in the order the op modules declare them


def op(*, samples: SampleMaker, method: bool = True, inplace: bool | str = False, out: bool = False,
       aliases: tuple[str, ...] = (), twice_differentiable: bool = True, differentiable: bool = True,
       function: bool = True, varargs_method: bool | str = False, inplace_names: dict | None = None,
       renumber_method_errors: bool = False, inplace_function: bool = False,
       checked_on: Callable[[Any], Any] | None = None, checked_as: Callable[[Any], Any] | None = None,
       checked_input: int = 0, inplace_check: Callable[..., None] | None = None) -> Callable[[F], F]:
    """Declare the decorated function as the public op `torch.<its name>` (see module docstring)."""

    def declare(fn: F) -> F:
        if fn.__name__ in DECLARED:
            raise RuntimeError(f"op {fn.__name__!r} is declared twice")
        DECLARED[fn.__name__] = OpDecl(fn.__name__, fn, fn.__module__, samples, method, inplace, out,
                                       tuple(aliases), twice_differentiable, differentiable, function,
                                       varargs_method, dict(inplace_names or {}), renumber_method_errors,
                                       inplace_function, checked_on, checked_as, checked_input, inplace_check)
        return fn

    return declare


# ---------------------------------------------------------------------------- sample inputs
# Shapes every op meets: a matrix, a vector of one element, an empty batch, a 0-d tensor.
UNARY_SHAPES = [(3, 4), (1,), (0, 3), ()]
# Pairs that broadcast: trailing dim, stretched size-1 dims, an empty batch, a 0-d operand.
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((0, 3), (1, 3)), ((1,), ())]


def unary(domain: Callable[[np.ndarray], np.ndarray] = lambda x: x, **kwargs: Any) -> SampleMaker:
    """One input of each shape in UNARY_SHAPES, mapped into the op's `domain` (e.g. `positive`)."""
    return lambda rng: [Sample((np.asarray(domain(rng.standard_normal(s))),), kwargs) for s in UNARY_SHAPES]


def binary(first: Callable[[np.ndarray], np.ndarray] = lambda x: x,
           second: Callable[[np.ndarray], np.ndarray] = lambda x: x, **kwargs: Any) -> SampleMaker:
    """Two inputs of each shape pair in BINARY_SHAPES, each mapped into its domain."""
    return lambda rng: [Sample((np.asarray(first(rng.standard_normal(a))), np.asarray(second(rng.standard_normal(b)))), kwargs)
                        for a, b in BINARY_SHAPES]


def positive(x: np.ndarray) -> np.ndarray:
    """Values in [0.5, ...): inside the domain of log, sqrt, 1/x, far from 0."""
    return np.abs(x) + 0.5


def inside_unit(x: np.ndarray) -> np.ndarray:
    """Values in (-0.8, 0.8): inside the domain of asin and acos, away from the poles of the slope."""
    return 0.8 * np.tanh(x)


def away_from_kinks(x: np.ndarray) -> np.ndarray:
    """Values at least 0.1 from 0 and from each other's sign change (abs, relu, clamp at 0)."""
    return np.where(x >= 0, x + 0.1, x - 0.1)
