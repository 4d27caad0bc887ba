"""Every declared op (ops/declare.py), checked against torch from its sample inputs alone.

A new op gets all of this by being declared with `@op(samples=...)`: nothing is listed here.

- value and dtype equal torch's, in float32 and float64, on every sample (the samples include
  broadcasting and sizes 0 and 1); for an op that returns several tensors, each of them; for one
  that answers with a Python value (`equal`), that value and its type;
- gradients equal torch's for a random upstream gradient on every differentiable output, and each
  output's graph node has torch's name;
- float64 gradcheck, and gradgradcheck where the op is twice differentiable, over all outputs;
- forward mode: the jvp rule's tangent for a random tangent equals torch.autograd.forward_ad's
  (value and dtype, float32 and float64) and float64 central finite differences along the tangent;
- `torch.X` and the method `t.X(...)` exist exactly where torch's do (a method-only op such as
  `view` is called as `Tensor.view(t, ...)`), and the method (also with its arguments spread out,
  `t.flip(0, 1)`, where declared) and the aliases agree with `torch.X(...)`;
- the in-place variant `t.X_(...)` (and the function `torch.X_(t, ...)`) exists exactly where
  torch's does, returns `t` and leaves in it
  what the function returns (or fails with torch's error type when the result does not fit `t`);
  an in-place view op (`t.t_()`, `t.squeeze_()`) takes the result's shape, its node torch's name,
  and gradients flow through it as through torch's.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import TOL, check_parity, require_torch, to_numpy

import tinygrad_rnn
from tinygrad_rnn.ops.declare import DECLARED, Sample

# One test per op, not per sample: pytest's and xdist's bookkeeping of a test (a few ms) cost more than most
# samples' checks, and per sample there were 11,000 tests. `_on_every_sample` names the sample that fails.
OPS = list(DECLARED.values())
NAMES = [decl.name for decl in OPS]
SAMPLE_COUNTS = {decl.name: len(decl.samples(np.random.default_rng(0))) for decl in OPS}


def _on_every_sample(check, decl, *args) -> None:
    """check(decl, index, *args) for each of decl's samples; a failure says which sample it was."""
    for index in range(SAMPLE_COUNTS[decl.name]):
        try:
            check(decl, index, *args)
        except BaseException as error:  # (pytest's failures are BaseExceptions)
            error.add_note(f"{decl.name}, sample {index}")
            raise


def _sample(decl, index: int) -> Sample:
    return decl.samples(np.random.default_rng(index))[index]


def _split(sample: Sample, dtype) -> tuple[list[np.ndarray], list]:
    """The sample's arrays (floats cast to `dtype`) and its arguments with each array's place marked;
    a tuple or list of arrays (index_put's indices, meshgrid's list) becomes one of tensors."""
    arrays: list[np.ndarray] = []

    def place(a):
        if isinstance(a, np.ndarray):
            arrays.append(a.astype(dtype) if a.dtype.kind == "f" else a)
            return ("array", len(arrays) - 1)
        if isinstance(a, (tuple, list)) and a and all(isinstance(x, np.ndarray) for x in a):
            return ("group", type(a), [place(x) for x in a])
        return ("value", a)

    template = [place(a) for a in sample.args]
    return arrays, template


def _fill(entry, tensors: tuple):
    if entry[0] == "array":
        return tensors[entry[1]]
    if entry[0] == "group":
        return entry[1](_fill(e, tensors) for e in entry[2])
    return entry[1]


def _call(fn, template: list, tensors: tuple, kwargs: dict):
    return fn(*[_fill(entry, tensors) for entry in template], **kwargs)


def _public(m, decl, compared: bool = True):
    """torch.X, or for a method-only op (view, expand) the method as a function: Tensor.X(t, ...);
    as the op database checks it (see _checked)."""
    return _checked(decl, getattr(m, decl.name) if decl.is_function else getattr(m.Tensor, decl.name), compared)


def _checked(decl, fn, compared: bool = True):
    """fn on checked_on(x) and giving checked_as(result), where the op declares them (cholesky, svd);
    `compared=False` leaves the result as it is (its graph nodes are the op's own)."""
    if decl.checked_on is None and (decl.checked_as is None or not compared):
        return fn

    def checked(*args, **kwargs):
        if decl.checked_on is not None:
            i = decl.checked_input
            args = (*args[:i], decl.checked_on(args[i]), *args[i + 1:])
        out = fn(*args, **kwargs)
        return decl.checked_as(out) if decl.checked_as is not None and compared else out

    return checked


def _kinds(out) -> list[str]:
    """The shape of a result: 'Tensor' for each tensor in it, or the type of a Python value."""
    return [type(o).__name__ for o in _flat(out)]


def test_every_op_is_declared_once_with_samples():
    assert len(DECLARED) >= 30
    for decl in DECLARED.values():
        assert decl.samples(np.random.default_rng(0)), f"{decl.name} has no sample inputs"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_value_dtype_and_gradient_match_torch(decl, dtype):
    _on_every_sample(_check_value_dtype_and_gradient, decl, dtype)


def _check_value_dtype_and_gradient(decl, index, dtype):
    torch = require_torch()
    sample = _sample(decl, index)
    arrays, template = _split(sample, dtype)
    kinds = [_kinds(_call(_public(m, decl), template, tuple(m.tensor(a) for a in arrays), sample.kwargs))
             for m in (tinygrad_rnn, torch)]
    assert kinds[0] == kinds[1], f"{decl.name} returned {kinds[0]}, torch {kinds[1]}"
    # Gradients only where there are any: torch's unique has a node that cannot differentiate.
    flags = None if decl.differentiable else [False] * len(arrays)
    check_parity(lambda m, *ts: _call(_public(m, decl), template, ts, sample.kwargs), arrays, seed=index,
                 requires_grad=flags)


@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_graph_node_has_torchs_name(decl):
    _on_every_sample(_check_graph_node_name, decl)


def _check_graph_node_name(decl, index):
    torch = require_torch()
    sample = _sample(decl, index)
    arrays, template = _split(sample, np.float64)
    names = []
    for m in (tinygrad_rnn, torch):
        tensors = tuple(m.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays)
        outs = _flat(_call(_public(m, decl, compared=False), template, tensors, sample.kwargs))
        nodes = [getattr(out, "grad_fn", None) for out in outs]  # a Python value (equal) has none
        names.append([(node.name(), type(node).__name__) if node is not None else None for node in nodes])
    assert names[0] == names[1]  # name() and the node's class name, both torch's, for every output


@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_float64_gradcheck_and_gradgradcheck(decl):
    _on_every_sample(_check_gradcheck_and_gradgradcheck, decl)


def _check_gradcheck_and_gradgradcheck(decl, index):
    sample = _sample(decl, index)
    arrays, template = _split(sample, np.float64)
    tensors = tuple(tinygrad_rnn.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays)
    if not decl.differentiable:  # a comparison's result is outside the graph; unique's has a node, as torch's
        torch = require_torch()
        theirs = tuple(torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays)
        flags = [[getattr(o, "requires_grad", None) for o in _flat(_call(_public(m, decl), template, ts, sample.kwargs))]
                 for m, ts in ((tinygrad_rnn, tensors), (torch, theirs))]
        assert flags[0] == flags[1], f"requires_grad of the outputs: ours {flags[0]}, torch {flags[1]}"
        return
    differentiable = tuple(t for t in tensors if t.requires_grad)

    def fn(*xs):
        it = iter(xs)
        return _call(_public(tinygrad_rnn, decl), template, tuple(next(it) if t.requires_grad else t
                                                                  for t in tensors), sample.kwargs)

    assert tinygrad_rnn.autograd.gradcheck(fn, differentiable)
    # An empty tuple of results (unbind of a size-0 dim) has no second derivative to check; torch's
    # gradgradcheck cannot take a function of no outputs either.
    if decl.twice_differentiable and _flat(fn(*differentiable)):
        assert tinygrad_rnn.autograd.gradgradcheck(fn, differentiable)


# Ops whose Tensor method is written by hand (surface/tensor_methods.py), and why.
HAND_WRITTEN_METHODS = {
    "where": "Tensor.where(condition, other) takes its arguments in another order",
    "split": "torch.split's argument is split_size_or_sections, the method's split_size",
    "norm": "torch.norm's fifth argument is out, the method's dtype",
}


@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_method_and_aliases_agree_with_the_function(decl):
    _on_every_sample(_check_method_and_aliases, decl)


def _check_method_and_aliases(decl, index):
    torch = require_torch()
    sample = _sample(decl, index)
    arrays, template = _split(sample, np.float64)
    tensors = tuple(tinygrad_rnn.tensor(a) for a in arrays)
    expected = [to_numpy(o) for o in _flat(_call(_public(tinygrad_rnn, decl), template, tensors, sample.kwargs))]
    assert hasattr(torch.Tensor, decl.name) == (decl.method or decl.name in HAND_WRITTEN_METHODS)
    assert hasattr(torch, decl.name) == decl.is_function == hasattr(tinygrad_rnn, decl.name)
    spellings = [getattr(tinygrad_rnn, alias) for alias in decl.aliases]
    if decl.name in HAND_WRITTEN_METHODS and decl.name != "where":
        spellings.append(getattr(tinygrad_rnn.Tensor, decl.name))
    if decl.method:
        spellings += [getattr(tinygrad_rnn.Tensor, name) for name in (decl.name, *decl.aliases)]
    spreadable = len(template) > 1 and template[1][0] == "value" and isinstance(template[1][1], (tuple, list))
    if decl.varargs_method and spreadable and len(template[1][1]):  # t.flip(0, 1)
        spellings.append(lambda t, packed, *rest, **kwargs: getattr(t, decl.name)(*packed, *rest, **kwargs))
    for alias in decl.aliases:
        assert hasattr(torch, alias), f"torch has no {alias}"
    for fn in spellings:
        got = [to_numpy(o) for o in _flat(_call(_checked(decl, fn), template, tensors, sample.kwargs))]
        assert len(got) == len(expected)
        for g, want in zip(got, expected):
            np.testing.assert_array_equal(g, want)


@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_inplace_variant_matches_torchs(decl):
    torch = require_torch()
    for name in (decl.name, *decl.aliases):
        has = bool(decl.inplace)
        assert hasattr(torch.Tensor, name + "_") == has, f"{name}_: torch has it = {not has}"
        assert hasattr(tinygrad_rnn.Tensor, name + "_") == has
        # torch.exp_(t) as well as t.exp_(), where torch has it
        assert hasattr(torch, name + "_") == decl.inplace_function == hasattr(tinygrad_rnn, name + "_"), f"torch.{name}_"
    _on_every_sample(_check_inplace_variant, decl)


def _check_inplace_variant(decl, index):
    torch = require_torch()
    sample = _sample(decl, index)
    if not decl.inplace or not isinstance(sample.args[0], np.ndarray):  # polygamma(n, x): t.polygamma_(n) has
        return  # the tensor first, so its samples cannot drive the in-place call (tests/ops/test_special.py does)
    arrays, template = _split(sample, np.float64)
    for spelling in ("method", "function") if decl.inplace_function else ("method",):
        results = []
        for m in (tinygrad_rnn, torch):
            tensors = tuple(m.tensor(a) for a in arrays)
            target = tensors[0].clone()
            inplace = getattr(type(target) if spelling == "method" else m, decl.name + "_")
            try:
                returned = _call(inplace, template, (target, *tensors[1:]), sample.kwargs)
            except RuntimeError as error:
                results.append(type(error))
                continue
            assert returned is target
            expected = _call(getattr(m, decl.name), template, tensors, sample.kwargs)
            assert target.shape == expected.shape  # an in-place view op (t_, squeeze_) takes the new shape
            np.testing.assert_allclose(target.numpy(), expected.numpy(), rtol=1e-12, atol=0)
            results.append(target.numpy().copy())
        if isinstance(results[1], type):
            assert results[0] is results[1], f"torch raises {results[1].__name__}, we gave {results[0]}"
        else:
            np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)
    if decl.inplace == "view":
        _check_inplace_view_in_the_graph(decl, index, sample)


def _check_inplace_view_in_the_graph(decl, index: int, sample: Sample) -> None:
    """t.X_() on a tensor inside a graph: torch's node name (X_ has its own), and gradients through it."""
    arrays, template = _split(sample, np.float64)
    names = []

    def inplace(m, x, *rest):
        y = x * 1  # not a leaf: an in-place op on a leaf that requires grad is an error, in torch as here
        out = _call(getattr(m.Tensor, decl.name + "_"), template, (y, *rest), sample.kwargs)
        names.append(out.grad_fn.name())
        return out

    check_parity(inplace, arrays, seed=index)
    assert names[0] == names[1], f"{decl.name}_: node {names[0]}, torch's {names[1]}"


def _flat(out) -> list:
    return [o for item in out for o in _flat(item)] if isinstance(out, (tuple, list)) else [out]


def _tangents_of(m, fwad, decl, template, arrays, tangents, kwargs) -> list:
    """Each output's tangent (None where it has none) with `tangents` on the float inputs."""
    with fwad.dual_level():
        inputs = tuple(fwad.make_dual(m.tensor(a), m.tensor(t)) if t is not None else m.tensor(a)
                       for a, t in zip(arrays, tangents))
        try:
            outs = _flat(_call(_public(m, decl), template, inputs, kwargs))
        except NotImplementedError as error:
            if decl.name in NEITHER_HAS_A_FORWARD_RULE:
                return [NotImplementedError]  # as torch: checked to be torch's answer too
            if m is not tinygrad_rnn and decl.name in TORCH_HAS_NO_FORWARD_RULE:
                return [None] * len(arrays)  # nothing of torch's to compare with: finite differences decide
            pytest.fail(f"{decl.name}: no forward-mode (jvp) rule: {error}")
        return [fwad.unpack_dual(o).tangent if hasattr(o, "shape") else None for o in outs]


def _central_difference(decl, template, arrays, tangents, kwargs, eps=1e-6) -> list:
    """(f(x + eps t) - f(x - eps t)) / 2 eps for each output, in float64."""
    def at(sign):
        moved = tuple(tinygrad_rnn.tensor(a if t is None else a + sign * eps * t) for a, t in zip(arrays, tangents))
        return [o.numpy() for o in _flat(_call(_public(tinygrad_rnn, decl), template, moved, kwargs))]
    return [(p - m) / (2 * eps) for p, m in zip(at(1), at(-1))]


# Where torch 2.13's forward mode falls short of a differentiable op, ours is checked against
# finite differences alone: index_reduce, igamma, igammac, ormqr and the deprecated cholesky have no forward
# rule in torch (NotImplementedError), and scatter_reduce(reduce="prod") silently gives no tangent (None).
TORCH_HAS_NO_FORWARD_RULE = {"index_reduce", "igamma", "igammac", "cholesky", "ormqr"}
# torch's forward rules for these disagree with finite differences (measured on 3x3 inputs: by 1.8 and 3.1):
# cholesky_inverse's (K + K^H with K = -X dL X L^H; ours is -X dA X), and the deprecated triangular_solve's,
# which moves the whole of A where its forward reads one triangle (ours: the triangle, as linalg.solve_triangular's)
TORCH_FORWARD_RULE_IS_WRONG = {"cholesky_inverse", "triangular_solve"}
# unique's (and unique_consecutive's, geqrf's) values have a node with no derivative in torch, so forward mode raises
# NotImplementedError there, and nonzero_static refuses a dual input; ours raise it too (checked: both must).
NEITHER_HAS_A_FORWARD_RULE = {"unique", "unique_consecutive", "nonzero_static", "geqrf"}


def _torch_drops_tangent(decl, sample) -> bool:
    reduce = sample.kwargs.get("reduce", next((a for a in sample.args if isinstance(a, str)), None))
    return decl.name in TORCH_HAS_NO_FORWARD_RULE | TORCH_FORWARD_RULE_IS_WRONG or \
        (decl.name, reduce) == ("scatter_reduce", "prod")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("decl", OPS, ids=NAMES)
def test_forward_mode_matches_torch_and_finite_differences(decl, dtype):
    _on_every_sample(_check_forward_mode, decl, dtype)


def _check_forward_mode(decl, index, dtype):
    torch = require_torch()
    from torch.autograd import forward_ad as torch_fwad  # torch is a test dependency: imported once found

    sample = _sample(decl, index)
    arrays, template = _split(sample, dtype)
    rng = np.random.default_rng(1000 + index)
    tangents = [rng.standard_normal(a.shape).astype(dtype) if a.dtype.kind == "f" else None for a in arrays]
    ours = _tangents_of(tinygrad_rnn, tinygrad_rnn.autograd.forward_ad, decl, template, arrays, tangents,
                        sample.kwargs)
    theirs = [None] * len(ours) if decl.name in TORCH_FORWARD_RULE_IS_WRONG else \
        _tangents_of(torch, torch_fwad, decl, template, arrays, tangents, sample.kwargs)  # (not even run: it can raise)
    if decl.name in TORCH_HAS_NO_FORWARD_RULE:
        theirs = [None] * len(ours)
    if decl.name in NEITHER_HAS_A_FORWARD_RULE:
        assert ours == theirs == [NotImplementedError]
        return
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if b is None and _torch_drops_tangent(decl, sample):
            continue
        assert (a is None) == (b is None), f"{decl.name} output {i}: tangent ours {a}, torch {b}"
        if a is not None:
            a, b = to_numpy(a), to_numpy(b)  # torch may hand a zero tangent over as a ZeroTensor (sgn)
            assert a.dtype == b.dtype and a.shape == b.shape, f"{decl.name} output {i}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
            np.testing.assert_allclose(a, b, err_msg=f"{decl.name} output {i}: tangent vs torch", **TOL[dtype])
    if dtype is np.float64 and decl.differentiable:
        for i, (a, fd) in enumerate(zip(ours, _central_difference(decl, template, arrays, tangents, sample.kwargs))):
            if a is not None:
                np.testing.assert_allclose(a.detach().numpy(), fd, rtol=1e-5, atol=1e-6,
                                           err_msg=f"{decl.name} output {i}: tangent vs finite differences")
