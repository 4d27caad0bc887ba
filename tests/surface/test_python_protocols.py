"""Python's protocols on a tensor (`reversed(t)`, ...) answer as torch's do."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


@pytest.mark.parametrize("shape", [(4,), (3, 2), (2, 3, 2)])
def test_reversed_flips_the_first_dim(shape):
    """d2l's BiRNNScratch runs its backward RNN over `reversed(inputs)`: torch gives a flipped tensor."""
    check_parity(lambda m, x: reversed(x), shapes=[shape])


def test_reversed_is_a_tensor_with_torchs_node_and_a_0d_tensor_is_itself():
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(6.0).view(3, 2).requires_grad_()
        scalar = m.tensor(2.0)
        answers.append((type(reversed(x)).__name__, reversed(x).grad_fn.name(), reversed(scalar) is scalar,
                        reversed(m.arange(3)).tolist()))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("ndim", [0, 1, 2, 3])
@pytest.mark.parametrize("attr", ["T", "mT", "H", "mH"])
def test_transpose_properties_match_torch_at_every_rank(attr, ndim):
    """x.T reverses any rank (deprecated beyond 2-D); mT/mH want matrices (a 1-d tensor is an error, a 0-d
    one is itself); H wants a matrix."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(float(2 ** ndim)).reshape((2,) * ndim).requires_grad_() * 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # which warn, and once: test_transpose_warnings_are_torchs
                y = getattr(x, attr)
            answers.append((y.tolist(), y.grad_fn.name()))
        except RuntimeError as error:
            answers.append(str(error))
    assert answers[0] == answers[1]


def test_transpose_warnings_are_torchs():
    """torch warns once per process (C++ TORCH_WARN_ONCE): x.T beyond 2-D, and T/mT/H/mH of a 0-d tensor.
    Each framework runs in a fresh interpreter."""
    require_torch()
    program = ("import warnings, {} as m\nwarnings.simplefilter('always')\n"
               "for x in (m.ones(2, 2, 2), m.ones(2, 2, 2, 2), m.ones(3), m.ones(2, 2), m.tensor(1.0)):\n"
               "    for attr in ('T', 'mT', 'H', 'mH', 'T'):\n"
               "        try:\n            getattr(x, attr)\n        except RuntimeError:\n            pass\n")
    stderr = fresh_stderr(program)
    warned = [[line.split("UserWarning: ", 1)[1] for line in text.splitlines() if "UserWarning: " in line]
              for text in stderr]
    assert warned[0] == warned[1] and len(warned[1]) == 5


def test_transpose_of_a_vector_warns_as_torch(monkeypatch):
    """x.T of a 1-d tensor is deprecated too (any rank but 2): the warning x.T of a 3-d tensor gives."""
    torch = require_torch()
    from tinygrad_rnn.core import warn_once
    monkeypatch.setattr(warn_once, "_WARNED", set())  # as in a fresh process
    torch.set_warn_always(True)  # torch's once-per-process warning, every time
    try:
        warned = [_warnings_of(lambda m=m: m.ones(3).T) for m in (tinygrad_rnn, torch)]
    finally:
        torch.set_warn_always(False)
    assert warned[0] == warned[1] and len(warned[0]) == 1


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("value", [[3.5], [1.0, 2.0], [[2.0]], 3.5, 3])
@pytest.mark.parametrize("spec", ["", ".2f", "d", ">10", "s"])
def test_format_spec_answers_as_torch(value, spec):
    """A 0-d tensor formats its number (f"{loss:.4f}"); any other refuses a spec as object.__format__ does."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        try:
            answers.append(format(m.tensor(value), spec))
        except (TypeError, ValueError) as error:
            answers.append(f"{type(error).__name__}: {error}")
    assert answers[0] == answers[1]


@pytest.mark.parametrize("spec", ["", ".2f"])
@pytest.mark.parametrize("shape", [(), (2,)])
def test_format_of_a_parameter_prints_it_whole_as_torch(spec, shape):
    """torch formats the number of a plain 0-d tensor only: a Parameter (a subclass) goes to object.__format__,
    so f"{w}" shows "Parameter containing: ..." and f"{w:.2f}" is a TypeError naming Parameter."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        try:
            answers.append(format(m.nn.Parameter(m.full(shape, 1.5)), spec))
        except TypeError as error:
            answers.append(f"TypeError: {error}")
    assert answers[0] == answers[1]


TARGETS = {"float_leaf": lambda m: m.zeros(2, requires_grad=True), "float": lambda m: m.zeros(2),
           "parameter": lambda m: m.nn.Parameter(m.zeros(2))}
VALUES = {"long": lambda m: m.ones(2, dtype=m.int64), "double3": lambda m: m.ones(3, dtype=m.float64),
          "list": lambda m: [1, 2], "ndarray": lambda m: np.ones(2), "number": lambda m: 3.0,
          "bool": lambda m: m.ones(2, dtype=m.bool)}


@pytest.mark.parametrize("target, value", [
    ("float_leaf", "long"), ("float", "long"), ("float_leaf", "double3"), ("float", "list"), ("float", "ndarray"),
    ("float", "number"), ("parameter", "bool"),
])
def test_setting_data_checks_as_torch(target, value):
    """`t.data = other` takes other's dtype and shape; a tensor that requires grad takes floating point only."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        t = TARGETS[target](m)
        try:
            t.data = VALUES[value](m)
            answers.append((t.tolist(), str(t.dtype), t.requires_grad))
        except (TypeError, RuntimeError) as error:
            answers.append(f"{type(error).__name__}: {error}")
    assert answers[0] == answers[1]


@pytest.mark.parametrize("how", ["attribute", "method", "factory", "parameter"])
def test_integer_tensor_refuses_to_require_grad_with_torchs_words(how):
    """torch words the refusal three ways: the attribute and the factories mention complex dtypes, the method not."""
    ask = {"attribute": lambda m: setattr(m.arange(3), "requires_grad", True),
           "method": lambda m: m.arange(3).requires_grad_(), "factory": lambda m: m.tensor([1, 2], requires_grad=True),
           "parameter": lambda m: m.nn.Parameter(m.arange(2))}[how]
    check_error(ask)


NUMPY_ON_TENSORS = [
    lambda m, t: np.clip(t, 0.0, 1.0), lambda m, t: np.sin(t), lambda m, t: np.exp(t[0]), lambda m, t: np.isnan(t),
    lambda m, t: np.greater(t, 0), lambda m, t: np.argmax(t), lambda m, t: np.round(t, 1), lambda m, t: np.cumsum(t),
    lambda m, t: np.reshape(t, (3, 1)), lambda m, t: np.repeat(t, 2), lambda m, t: np.argsort(t),
    lambda m, t: np.round(m.tensor([True])), lambda m, t: np.clip(m.tensor([1, 5]), 0, 3), lambda m, t: np.array(t),
    lambda m, t: np.array(t, dtype=np.float64), lambda m, t: np.asarray(t), lambda m, t: np.asarray(t, dtype=np.int32),
    lambda m, t: np.maximum(t, t), lambda m, t: np.where(t > 0, t, 0), lambda m, t: np.linalg.norm(t),
]


@pytest.mark.parametrize("call", NUMPY_ON_TENSORS)
def test_numpy_functions_on_tensors_give_back_what_torchs_give(call):
    """The Udacity autoencoder clips its noisy images with np.clip(images, 0., 1.) and feeds the result to the
    model: torch's tensors come back from numpy as tensors (__array_wrap__; a bool result as uint8), and numpy 2
    warns about the signatures of torch's __array__ and __array_wrap__, which ours share."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = call(m, m.tensor([-1.0, 0.5, 2.0]))
        value = result.tolist() if hasattr(result, "tolist") else result
        seen.append((type(result).__name__, str(getattr(result, "dtype", "")), value,
                     [f"{w.category.__name__}: {w.message}" for w in caught]))
    assert seen[0] == seen[1]


def _objects_with_torch_classes(m):
    x = m.tensor([[3.0, 1.0], [0.0, 5.0]])
    return [m.device("cpu"), m.strided, m.contiguous_format, m.finfo(m.float32), m.iinfo(m.int8), m.Generator(),
            x.max(1), x.sort(), m.linalg.svd(x), m.nn.utils.rnn.pack_sequence([m.ones(2), m.ones(1)]), x.dtype,
            m.bfloat16, m.no_grad(), m.inference_mode(), m.set_grad_enabled(True)]


def test_type_of_each_object_prints_torchs_class():
    """print(type(x.max(1))) and the like: torch's class path, though the class is ours."""
    torch = require_torch()
    assert [repr(type(o)) for o in _objects_with_torch_classes(tinygrad_rnn)] == \
        [repr(type(o)) for o in _objects_with_torch_classes(torch)]


def test_a_users_subclass_prints_its_own_class():
    class Packed(tinygrad_rnn.nn.utils.rnn.PackedSequence):
        pass

    assert repr(Packed) == f"<class '{__name__}.{Packed.__qualname__}'>"


_STAND_INS = [lambda m: m.float32, lambda m: m.bfloat16, lambda m: m.device("cpu"), lambda m: m.finfo(m.float32),
              lambda m: m.iinfo(m.int32), lambda m: m.Generator(), lambda m: m.strided, lambda m: m.contiguous_format,
              lambda m: m.Size([2])]


@pytest.mark.parametrize("make", _STAND_INS)
@pytest.mark.parametrize("misuse", [lambda v: v(), lambda v: v + 1, lambda v: len(v), lambda v: v[0]])
def test_pythons_errors_name_torchs_c_types_as_torch(make, misuse):
    """x.dtype() says "'torch.dtype' object is not callable" (CPython names a type by its tp_name)."""
    try:
        misuse(make(require_torch()))
    except TypeError:
        check_error(lambda m: misuse(make(m)))


@pytest.mark.parametrize("make", _STAND_INS)
def test_the_classes_keep_torchs_short_name_and_repr(make):
    torch = require_torch()
    ours, theirs = type(make(tinygrad_rnn)), type(make(torch))
    assert repr(ours) == repr(theirs)
    if ours.__qualname__ != "UnsupportedDtype":  # (our bfloat16 is a dtype subclass: torch's one dtype class)
        assert (ours.__name__, ours.__qualname__) == (theirs.__name__, theirs.__qualname__)
