"""Writing a result into memory an input also uses: out=, in-place ops, copy_ and slice assignment
refuse it where torch does, with torch's message (surface/overlap.py)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn
from tinygrad_rnn.ops.declare import DECLARED
from tinygrad_rnn.surface.overlap import UNCHECKED, overlap, rule_of


def _first_sample(name: str):
    return DECLARED[name].samples(np.random.default_rng(0))[0]


def _arguments(m, sample, first=None):
    """The sample's arguments as `m`'s tensors (float64), the first replaced by `first` if given."""
    def convert(value):
        if isinstance(value, np.ndarray):
            return m.tensor(value.astype(np.float64) if value.dtype.kind == "f" else value)
        if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
            return type(value)(convert(v) for v in value)
        return value
    args = [convert(a) for a in sample.args]
    if first is not None:
        args[0] = first
    return args, {k: convert(v) for k, v in sample.kwargs.items()}


def _result(name: str):
    """Our result of the op's first sample when it is one tensor of its first input's dtype, else None."""
    sample = _first_sample(name)
    if not isinstance(sample.args[0], np.ndarray):
        return None
    args, kwargs = _arguments(tinygrad_rnn, sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = getattr(tinygrad_rnn, name)(*args, **kwargs)
        except Exception:  # noqa: BLE001 - an op whose first sample needs another input kind: left out
            return None
    if not isinstance(result, tinygrad_rnn.Tensor) or result.dtype is not args[0].dtype or result.numel() == 0:
        return None
    return result


OPS_WITH_OUT = [name for name, decl in DECLARED.items() if decl.out and _result(name) is not None]


def _call_into(m, name: str, how: str):
    """op(first sample, out=...) with out overlapping the first input as `how` says."""
    sample = _first_sample(name)
    x = np.asarray(sample.args[0], dtype=np.float64 if sample.args[0].dtype.kind == "f" else None)
    result = _result(name)
    size = max(x.size, result.numel()) + 1
    dtype = m.tensor(x).dtype
    memory = m.zeros(size, dtype=dtype)
    memory[:x.size].copy_(m.tensor(x.reshape(-1)))
    first = memory[:x.size].view(x.shape)
    if how == "full":
        out = first
    elif how == "partial":
        out = memory[1:1 + result.numel()].view(tuple(result.shape))
    else:  # an expanded out: one element at every place
        out = m.zeros(1, dtype=dtype).expand(*result.shape)
    args, kwargs = _arguments(m, sample, first)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(m, name)(*args, **kwargs, out=out)


def _outcome(m, name: str, how: str) -> str:
    try:
        _call_into(m, name, how)
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error itself
        return f"{type(error).__name__}: {error}"
    return "written"


@pytest.mark.parametrize("name", OPS_WITH_OUT)
def test_out_overlapping_an_input_is_refused_as_torch_refuses_it(name):
    torch = require_torch()
    same_shape = tuple(_result(name).shape) == DECLARED[name].samples(np.random.default_rng(0))[0].args[0].shape
    for how in ("full", "partial") if same_shape else ("partial",):
        assert _outcome(tinygrad_rnn, name, how) == _outcome(torch, name, how), how


@pytest.mark.parametrize("name", [n for n in OPS_WITH_OUT if _result(n).numel() > 1])
def test_expanded_out_is_refused_or_written_as_torch(name):
    ours = _outcome(tinygrad_rnn, name, "expanded")
    if rule_of(name, DECLARED[name].module)[1]:
        torch = require_torch()
        assert ours == _outcome(torch, name, "expanded")  # torch refuses before it writes
    else:  # torch writes through (some of its kernels past the single element: not run here)
        assert ours == "written"


def test_the_rules_cover_unchecked_ops_torch_leaves_alone():
    assert rule_of("sum", "tinygrad_rnn.ops.reduce") == UNCHECKED
    assert rule_of("exp", "tinygrad_rnn.ops.pointwise") == ("partial", True)


CASES = {
    "in-place add of a shifted view": lambda m, x: x[1:4].add_(x[:3]),
    "in-place add of itself": lambda m, x: x.add_(x),
    "in-place addcmul": lambda m, x: x[1:4].addcmul_(x[:3], x[:3]),
    "in-place lerp": lambda m, x: x[1:4].lerp_(x[:3], 0.5),
    "in-place clamp by a tensor": lambda m, x: x[1:4].clamp_(x[:3]),
    "in-place masked_scatter (unchecked)": lambda m, x: x[3:].masked_scatter_(x[3:] > 0, x[:4]),
    "in-place ldexp (unchecked)": lambda m, x: x[1:4].ldexp_(x[:3]),
    "+= of a shifted view": lambda m, x: x[1:4].__iadd__(x[:3]),
    "*= of itself": lambda m, x: x.__imul__(x),
    "copy_ of a shifted view": lambda m, x: x[1:4].copy_(x[:3]),
    "copy_ of itself": lambda m, x: x.copy_(x),
    "slice assignment of a shifted view": lambda m, x: x.__setitem__(slice(1, 4), x[:3]),
    "slice assignment of another part": lambda m, x: x.__setitem__(slice(3, 6), x[:3]),
    "index_select into its input": lambda m, x: m.index_select(x, 0, m.tensor([0, 1]), out=x[:2]),
    "gather into its input": lambda m, x: m.gather(x, 0, m.tensor([0, 1, 2, 3, 4, 5]), out=x),
    "cat into its inputs": lambda m, x: m.cat([x[:2], x[2:4]], out=x[:4]),
    "cat into other memory": lambda m, x: m.cat([x[:2]], out=x[2:4]),
    "stack into an expanded out": lambda m, x: m.stack([x[:2], x[2:4]], out=m.zeros(1).expand(2, 2)),
    "sort's values over its input": lambda m, x: m.sort(x, out=(x, m.zeros(6, dtype=m.long))),
    "topk's values over its input": lambda m, x: m.topk(x, 2, out=(x[:2], m.zeros(2, dtype=m.long))),
    "max over a dim into its input": lambda m, x: m.max(x.view(2, 3), 0, out=(x[1:4], m.zeros(3, dtype=m.long))),
    "max of everything into its input": lambda m, x: m.max(x, out=x[1:2].view(())),
    "mm into an expanded out": lambda m, x: m.mm(x.view(2, 3), x.view(3, 2), out=m.zeros(1).expand(2, 2)),
    "sum into an expanded out": lambda m, x: m.sum(x.view(2, 3), 0, out=m.zeros(1).expand(3)),
    "mm into an expanded out of another shape": lambda m, x: m.mm(x[:4].view(2, 2), x[:4].view(2, 2),
                                                                  out=m.zeros(1).expand(3, 2)),
    "cat into an expanded out of another shape": lambda m, x: m.cat([x[:4]], out=m.zeros(1).expand(3, 2)),
    "add into an expanded out of another shape": lambda m, x: m.add(x[:4], 1, out=m.zeros(1).expand(3, 2)),
    "add into an overlapping out of another shape": lambda m, x: m.add(x[:3], 1, out=x[1:5]),
    "an empty out (numpy gives it a zero stride)": lambda m, x: m.sub(x[0], x[1], out=m.zeros(2, 0, dtype=m.float64)),
    "column slices (not dense) are not checked": lambda m, x: x.view(2, 3)[:, :2].add_(x.view(2, 3)[:, 1:]),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_overlapping_writes_as_torch(case):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(6.0)
        try:
            case(m, x)
            outcomes.append(("written", x.tolist()))
        except RuntimeError as error:
            outcomes.append(("refused", str(error)))
    assert outcomes[0] == outcomes[1]


def _add_into_shifted_view(m):
    x = m.arange(6.0)
    return m.add(x[:3], 1, out=x[1:4])


def test_refusal_message_is_torchs():
    check_error(_add_into_shifted_view)


def test_overlap_status_of_arrays():
    a = np.arange(8.0)
    assert overlap(a, a) == "full"
    assert overlap(a[:4], a[2:6]) == "partial"
    assert overlap(a[:4], a[4:]) == "none"
    assert overlap(a[::2], a[1::2]) == "none"  # not dense: torch does not try
    assert overlap(a.reshape(2, 4), a.reshape(4, 2)) == "partial"  # the same bytes, other strides


def _and_into_shifted_view(t):
    x = t.arange(5)
    y = x[1:]
    y &= x[:-1]  # the operator is bitwise_and_, which reads what it already wrote: refused
    return x


def test_bitwise_augmented_assignment_refuses_an_overlapping_input():
    check_error(_and_into_shifted_view)


def _inference_tensor(m):
    with m.inference_mode():
        return m.arange(3.0, requires_grad=True)


ORDER_CASES = {
    # torch's autograd layer refuses a leaf's view before its kernel looks at the memory
    "add_ into a leaf's expanded view": lambda m: m.arange(3.0, requires_grad=True).expand(2, 3).add_(1),
    "sigmoid_ of a leaf's expanded view": lambda m: m.arange(3.0, requires_grad=True).expand(2, 3).sigmoid_(),
    "setitem into a leaf's expanded view": lambda m: m.arange(3.0, requires_grad=True).expand(2, 3).__setitem__(0, 1),
    "add_ of an overlapping part of a leaf": lambda m: (lambda x: x[:2].add_(x[1:]))(m.arange(3.0, requires_grad=True)),
    # an inference tensor's views are no autograd views: the kernel's overlap check, then the version bump's
    "add_ into an inference tensor's expanded view": lambda m: _inference_tensor(m).expand(2, 3).add_(1),
    "add_ into an inference tensor's slice": lambda m: _inference_tensor(m)[:2].add_(1),
}


@pytest.mark.parametrize("case", ORDER_CASES.values(), ids=ORDER_CASES.keys())
def test_autograd_refusals_come_before_the_overlap_check_as_in_torch(case):
    check_error(case)
