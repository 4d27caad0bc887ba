"""Tensors from numpy arrays (creation.py): the checks and the warning torch gives, in torch's order; and
the factories' reading of their arguments (arange's bounds, as_tensor's device)."""
from __future__ import annotations

import collections
import decimal
import warnings

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

MAKERS = [lambda m, a: m.tensor(a), lambda m, a: m.as_tensor(a), lambda m, a: m.from_numpy(a),
          lambda m, a: m.Tensor(a), lambda m, a: m.LongTensor(a), lambda m, a: m.ones(2).new(a)]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("array", [np.arange(3, dtype=">f4"), np.arange(3, dtype=">i8"), np.arange(3, dtype=">f4")[::-1]],
                         ids=["big-endian", "big-endian-int", "flipped"])
def test_numpy_arrays_torch_refuses_are_refused_with_its_error(make, array):
    """A big-endian array: torch's ValueError about the byte order (the dtype is checked first, then the strides)."""
    check_error(lambda m: make(m, array))


def test_new_reads_a_numpy_array_as_data_and_shares_its_memory():
    torch = require_torch()
    import tinygrad_rnn
    for m in (torch, tinygrad_rnn):
        a = np.ones(2, dtype=np.float32)
        t = m.ones(3).new(a)
        a[0] = 5.0
        assert t.tolist() == [5.0, 1.0]
        assert m.ones(3).long().new(np.arange(3.5)).tolist() == [0, 1, 2, 3]
    for bad in (2.5, "ab", None, True, np.float64(2.0)):
        check_error(lambda m, data: m.ones(3).new(data), bad)


READ_ONLY = """import {} as m, numpy as np, warnings
warnings.simplefilter("always")
a = np.arange(3.0)
a.flags.writeable = False
m.tensor(a)  # a copy: no warning
m.{}(a)
m.from_numpy(a)  # once per process: no second warning
m.as_tensor(np.broadcast_to(np.ones(2), (3, 2)))
"""


@pytest.mark.parametrize("first", ["from_numpy", "as_tensor", "Tensor"])
def test_sharing_a_read_only_array_warns_once_per_process_as_torch(first):
    """torch's TORCH_WARN_ONCE: each framework runs in a fresh interpreter."""
    stderr = fresh_stderr(READ_ONLY, first)
    assert stderr[1].count("The given NumPy array is not writable") == 1
    assert stderr[0].count("UserWarning: The given NumPy array is not writable, and PyTorch does not support "
                           "non-writable tensors.") == 1
    assert stderr[0].splitlines()[-1] == stderr[1].splitlines()[-1]  # the message, to the last word


@pytest.mark.parametrize("call", [
    lambda m: m.as_tensor(m.ones(2), device="cuda"), lambda m: m.as_tensor(np.ones(2), device=m.device("cuda")),
    lambda m: m.as_tensor(m.ones(2), device="nowhere"),
])
def test_as_tensor_of_shared_data_still_checks_the_device(call):
    check_error(call)  # (an array or tensor that could be shared skipped the check: device='cuda' was ignored)


@pytest.mark.parametrize("call", [lambda m: m.as_tensor([[0.5, None]], device="cuda"),
                                  lambda m: m.as_tensor([[1], [1, 2]], device="cuda")])
def test_as_tensor_reads_a_list_before_it_checks_the_device(call):
    check_error(call)  # (device='cuda' was refused first, where torch reports the bad data)


def test_arange_of_0d_integer_tensors_is_int64_as_torch():
    torch = require_torch()
    for call in (lambda m: m.arange(m.tensor(3)), lambda m: m.arange(1, m.tensor(4)), lambda m: m.arange(m.tensor(3.0)),
                 lambda m: m.arange(m.tensor(3, dtype=m.uint8))):
        ours, theirs = call(tinygrad_rnn), call(torch)
        assert (str(ours.dtype), ours.tolist()) == (str(theirs.dtype), theirs.tolist())  # (a 0-d int tensor was a float)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
@pytest.mark.parametrize("value", [1j, 2 + 0j])
def test_complex_fill_values_as_torch(dtype, value):
    torch = require_torch()
    outcomes = []
    for m in (tinygrad_rnn, torch):
        try:
            outcomes.append(m.ones(3, dtype=getattr(m, dtype)).masked_fill(m.ones(3, dtype=m.bool), value).tolist())
        except RuntimeError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


LIST_OF_ARRAYS = """import {} as m, numpy as np, warnings
warnings.simplefilter("always")
m.tensor([1.0, 2.0])  # numbers only: no warning
m.{}
m.tensor([np.zeros(2), np.ones(2)])  # once per process: no second warning
m.as_tensor((np.zeros(2), np.ones(2)))
"""


@pytest.mark.parametrize("first", ["tensor([np.zeros(2), np.ones(2)])", "as_tensor([[np.zeros(2)]])",
                                   "tensor([[1.0, 2.0], [np.float64(3.0), np.zeros(())]])", "Tensor([np.ones(2)])"])
def test_a_list_of_numpy_arrays_warns_once_per_process_as_torch(first):
    """torch's TORCH_WARN_ONCE in tensor(): a numpy array anywhere inside the nested lists (a pack_collate
    of Godoy's book does torch.as_tensor(list of arrays)); each framework runs in a fresh interpreter."""
    stderr = fresh_stderr(LIST_OF_ARRAYS, first)
    assert [s.count("extremely slow") for s in stderr] == [1, 1]
    assert stderr[0].splitlines()[-1] == stderr[1].splitlines()[-1]  # the message, to the last word


SCALARS_NEEDING_GRAD = ("import warnings\nimport {} as m\nwarnings.simplefilter('always')\n"
                       "l = m.ones((), requires_grad=True) * 2\nl2 = m.ones(2, requires_grad=True) * 2\n"
                       "with m.no_grad():\n    m.tensor([l, 1.0])\n"  # no warning outside grad mode
                       "try:\n    m.tensor([l], dtype=m.long)\nexcept TypeError:\n    pass\n"  # read as an index
                       "{}\nm.tensor([[l, l]])\n")


@pytest.mark.parametrize("first", ["m.tensor([l, 2.0])", "m.FloatTensor([l])",
                                   "m.tensor([l], dtype=m.float64)", "m.set_warn_always(True)",
                                   "try:\n    m.tensor([l2])\nexcept ValueError:\n    pass"])
def test_a_list_holding_a_tensor_that_requires_grad_warns_as_float_does(first):
    """torch.tensor([loss, ...]) reads each tensor with float(), which warns once per process (torch's
    TORCH_WARN_ONCE, again each time after set_warn_always(True)); each framework runs in a fresh interpreter."""
    stderr = fresh_stderr(SCALARS_NEEDING_GRAD, first)
    counts = [s.count("UserWarning: Converting a tensor with requires_grad=True to a scalar") for s in stderr]
    assert counts[0] == counts[1] and counts[1] >= 1
    endings = [[line for line in s.splitlines() if line.startswith("Consider")] for s in stderr]
    assert endings[0] == endings[1]  # the message, to the last word


def test_a_list_of_numpy_scalars_does_not_warn(monkeypatch):
    from tinygrad_rnn.core import warn_once
    monkeypatch.setattr(warn_once, "_WARNED", set())  # as in a fresh process
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tinygrad_rnn.tensor([np.float32(1.0), np.int64(2)])
        tinygrad_rnn.tensor([[1.0, 2.0], (3.0, np.float64(4.0))])


INFERRED = [[np.int32(1), 2], [np.uint8(1), 2], [np.float16(1), 2.0], [np.float16(1), 2], [np.int8(1), True],
            [np.bool_(True), 2.0], [np.float32(1), 2], [np.int32(1), 2.0], [np.float64(1), 2], [[np.int16(1)], [3]],
            [np.uint8(200), np.int8(1)], [np.zeros(0)], [np.ones(2, dtype=np.int8), np.ones(2, dtype=np.uint8)]]


@pytest.mark.parametrize("data", INFERRED, ids=[str(i) for i in range(len(INFERRED))])
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_tensor_promotes_numpy_values_with_python_numbers_as_torch(data, default):
    """torch's infer_scalar_type promotes every value's own dtype: a Python int is int64 and a float the
    default dtype, so [np.int32(1), 2] is int64 and [np.float16(1), 2.0] float32 (np.mean's losses, a
    list of np.int32 labels with a Python int...)."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        m.set_default_dtype(getattr(m, default))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (a list of arrays warns)
                answers.append((str(m.tensor(data).dtype), str(m.as_tensor(data).dtype)))
        finally:
            m.set_default_dtype(m.float32)
    assert answers[0] == answers[1]


@pytest.mark.parametrize("make", [lambda m: m.tensor([np.bool_(True), 2]),
                                  lambda m: m.tensor([np.bool_(True)], dtype=m.long),
                                  lambda m: m.tensor([np.array(True), 3]), lambda m: m.tensor([[np.zeros(())]]),
                                  lambda m: m.tensor([np.zeros(()), 1.0])])
def test_values_torch_cannot_store_raise_its_type_error(make):
    """A numpy bool is no integer to torch (no __index__); a 0-d array as a first item has no length."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(make)


@pytest.mark.parametrize("make", [lambda m: m.ones(3).new(2, None), lambda m: m.ones(3).new(2, 1.5),
                                  lambda m: m.zeros(4).resize_(2.0), lambda m: m.zeros(4).resize_(True),
                                  lambda m: m.zeros(4).resize_(None)])
def test_legacy_sizes_that_are_not_ints_raise_torchs_type_error(make):
    check_error(make)


LEGACY_CALLS = {"list": lambda m: m.Tensor([1, 2]), "sizes": lambda m: m.Tensor(2, 3), "empty": lambda m: m.Tensor(),
                "array": lambda m: m.Tensor(np.ones(2, dtype=np.float32)), "bools": lambda m: m.Tensor([True]),
                "tensor": lambda m: m.Tensor(m.tensor([1.0], dtype=m.float32)), "typed": lambda m: m.FloatTensor([1]),
                "parameter": lambda m: m.nn.Parameter(m.Tensor(2))}


@pytest.mark.parametrize("set_default", ["set_default_dtype", "set_default_tensor_type"])
@pytest.mark.parametrize("default", ["float64", "float16"])
@pytest.mark.parametrize("call", sorted(LEGACY_CALLS))
def test_legacy_tensor_constructor_follows_the_default_dtype(call, default, set_default):
    """torch.Tensor(X_train) was always float32; torch makes it the default dtype (a tensor argument is
    returned as it is, and FloatTensor stays float32)."""
    torch = require_torch()
    dtypes = []
    for m in (tinygrad_rnn, torch):
        legacy = {"float64": m.DoubleTensor, "float16": m.HalfTensor}[default]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # set_default_tensor_type is deprecated
            try:
                if set_default == "set_default_dtype":
                    m.set_default_dtype(getattr(m, default))
                else:
                    m.set_default_tensor_type(legacy)
                dtypes.append(str(LEGACY_CALLS[call](m).dtype))
            finally:
                m.set_default_dtype(m.float32)
    assert dtypes[0] == dtypes[1]


def test_legacy_sizes_take_ints_or_a_size():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        assert m.ones(3).new(m.Size([2, 1])).shape == (2, 1) and m.ones(3).new(2, True).shape == (2, 1)
        assert m.zeros(4).resize_(2, True).shape == (2, 1) and m.zeros(4).resize_([2]).shape == (2,)


# forum mistakes: torch.Tensor(data, dtype=...) (torch.tensor takes it; the legacy constructor does not),
# torch.Tensor("abc"), Tensor(2, 3.0), FloatTensor(data, device="cuda")
LEGACY_CONSTRUCTOR_MISTAKES = {
    "dtype keyword": lambda m: m.Tensor([1], dtype=m.float64),
    "requires_grad keyword": lambda m: m.FloatTensor([1.0], requires_grad=True),
    "two keywords": lambda m: m.Tensor([1], dtype=m.float64, requires_grad=True),
    "sizes and a dtype": lambda m: m.Tensor(2, 3, dtype=m.float64),
    "device and dtype": lambda m: m.Tensor([1], device="cpu", dtype=m.float32),
    "a str": lambda m: m.Tensor("abc"),
    "a float size": lambda m: m.Tensor(2, 3.0),
    "a list size": lambda m: m.LongTensor(2, [3]),
    "a float first size": lambda m: m.Tensor(2.0, 3),
    "a bool first size": lambda m: m.Tensor(True, 2),
    "two lists": lambda m: m.Tensor([1], [2]),
    "a tensor and an int": lambda m: m.Tensor(m.ones(1), 2),
    "a float tensor size": lambda m: m.Tensor(2, m.tensor(3.0)),
    "data and size keywords": lambda m: m.Tensor(size=(2,), data=[1]),
    "an int and a size keyword": lambda m: m.Tensor(2, size=(2,)),
    "a cuda device": lambda m: m.FloatTensor([1], device="cuda:1"),
    "a meta device": lambda m: m.Tensor(2, device="meta"),
    "a tensor on a cuda device": lambda m: m.Tensor(m.ones(1), device="cuda"),
    "new with a dtype": lambda m: m.ones(1).new([1], dtype=m.float64),
    "new on a cuda device": lambda m: m.ones(1).new([1], device="cuda"),
}


@pytest.mark.parametrize("case", list(LEGACY_CONSTRUCTOR_MISTAKES))
def test_legacy_constructor_mistakes_fail_as_torch(case):
    check_error(LEGACY_CONSTRUCTOR_MISTAKES[case])


def test_legacy_constructors_take_their_one_argument_by_name_and_sizes_that_read_as_ints():
    torch = require_torch()
    shapes = []
    for m in (tinygrad_rnn, torch):
        shapes.append([tuple(t.shape) for t in (
            m.Tensor(size=(2, 3)), m.Tensor(data=[1.0, 2.0], device="cpu"), m.ones(1).new(size=(2,)),
            m.Tensor(2, True), m.Tensor(m.tensor(2), 3), m.Tensor(np.int64(2), m.tensor([3])))])
    assert shapes[0] == shapes[1]


UNCONVERTIBLE = [np.array(["a"]), np.array([b"a"]), np.array([None]), np.array([1, [2]], dtype=object),
                 np.zeros(1, dtype="M8[s]"), np.zeros(1, dtype="m8[s]"), np.zeros(1, dtype=np.longdouble)]


@pytest.mark.parametrize("make", MAKERS[:5])
@pytest.mark.parametrize("array", UNCONVERTIBLE, ids=lambda a: a.dtype.str)
def test_an_array_torch_cannot_convert_names_numpys_scalar_type_as_torch(make, array):
    """A ragged list made into an object array, then into a tensor: torch's TypeError names numpy.object_
    (the scalar type), where ours named the dtype (object, str32) and listed fewer supported types."""
    check_error(make, array)


@pytest.mark.parametrize("call", [lambda m: m.tensor([1, collections.deque([1])]), lambda m: m.tensor([decimal.Decimal(1)]),
                                  lambda m: m.tensor(decimal.Decimal(1)), lambda m: m.from_numpy(np.float64(1.0)),
                                  lambda m: m.from_numpy([1])])
def test_errors_name_types_from_other_modules_as_torch(call):
    """torch's C++ messages name a type by CPython's tp_name: decimal.Decimal, collections.deque, numpy.float64."""
    check_error(call)


@pytest.mark.parametrize("make", MAKERS[:3] + [lambda m, a: m.tensor([a[0]])])
@pytest.mark.parametrize("kind", ["u2", "u4", "u8"])
def test_an_unsigned_array_wider_than_a_byte_says_we_have_no_such_tensors(make, kind):
    """torch makes uint16/32/64 tensors (with few ops); we have none, and say so with a NotImplementedError (a gap of
    ours, not a wrong argument) rather than list them as supported."""
    with pytest.raises(NotImplementedError, match=f"tinygrad_rnn has no {np.dtype(kind).name} tensors"):
        make(tinygrad_rnn, np.zeros(2, dtype=kind))


CONVERTERS = [lambda m, a: m.tensor(a, dtype=m.long), lambda m, a: m.as_tensor(a, dtype=m.float64),
              lambda m, a: m.tensor(a, dtype=m.uint8), lambda m, a: m.asarray(a, dtype=m.bool),
              lambda m, a: m.Tensor(a), lambda m, a: m.LongTensor(a), lambda m, a: m.ones(2).new(a),
              lambda m, a: m.ones(2, dtype=m.int32).new_tensor(a)]


@pytest.mark.parametrize("make", CONVERTERS)
@pytest.mark.parametrize("kind", ["u2", "u4", "u8"])
def test_an_unsigned_array_wider_than_a_byte_converts_to_a_dtype_we_store_as_torch(make, kind):
    """A uint16 token file read with np.memmap (CS336's, nanoGPT's train.bin) becomes a tensor through
    torch.tensor(tokens, dtype=torch.long) or torch.LongTensor(tokens): torch converts it, never storing a
    uint16 tensor, and so do we (values wrap as in a C cast: 300 is 44 as uint8)."""
    check_parity(lambda m, a: make(m, a.numpy().astype(kind)), [np.array([1, 300, 7, 0])])


@pytest.mark.parametrize("make", CONVERTERS[4:6])
def test_a_converted_unsigned_array_gets_from_numpys_checks_as_torch(make):
    """torch.Tensor(a) reads a as from_numpy does: a flipped or big-endian uint16 array is its ValueError."""
    check_error(make, np.arange(3, dtype="u2")[::-1])
    check_error(make, np.arange(3, dtype=">u2"))


LIKE_INPUTS = {
    "transpose": lambda m: m.zeros(2, 3).t(),
    "permutation": lambda m: m.zeros(2, 3, 4).permute(2, 0, 1),
    "slice": lambda m: m.zeros(4, 6)[:, ::2],
    "sliced transpose": lambda m: m.zeros(4, 6)[:, ::2].t(),
    "size-1 dims": lambda m: m.zeros(3, 1, 2).transpose(0, 2),
    "expanded": lambda m: m.zeros(1, 4).expand(3, 4),
    "expanded transpose": lambda m: m.zeros(4, 1).expand(4, 3).t(),
    "attention heads": lambda m: m.zeros(2, 5, 12)[..., :8].view(2, 5, 2, 4).transpose(1, 2),
}


@pytest.mark.parametrize("case", list(LIKE_INPUTS))
def test_like_factories_keep_the_layout_as_torchs_preserve_format(case):
    """empty_like(x) of a transposed x is transposed in torch (its preserve_format): the flash attention
    kernel's output is made so, and `.view` after a transpose works or fails by it."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x = LIKE_INPUTS[case](m)
        made = [m.zeros_like(x), m.ones_like(x, dtype=m.float64), m.full_like(x, 3), m.empty_like(x), m.rand_like(x),
                m.randn_like(x), m.randint_like(x, 3), m.zeros_like(x, memory_format=m.contiguous_format),
                m.rand_like(x, memory_format=m.contiguous_format)]
        seen.append(([t.stride() for t in made], [(str(t.dtype), t.tolist()) for t in made[:3]]))
    assert seen[0] == seen[1]


TENSORS_IN_DATA = {  # found by the dtype_conversions fuzz family
    "a list of int tensors": lambda m: m.tensor([m.tensor([1, 2]), m.tensor([3, 4])]),
    "a bool tensor": lambda m: m.tensor([m.tensor([True, False])]),
    "a float tensor into int64": lambda m: m.tensor([m.tensor([2.5])], dtype=m.int64),
    "a float tensor's elements into int64": lambda m: m.tensor([[1, 2], m.tensor([1.5, 2.5])], dtype=m.int64),
    "too big for uint8": lambda m: m.tensor([[1, 2], m.tensor([300, 2])], dtype=m.uint8),
    "a 0-d tensor as a row": lambda m: m.tensor([[1, 2], m.tensor(3)]),
}


@pytest.mark.parametrize("case", list(TENSORS_IN_DATA))
def test_tensors_inside_data_fail_as_in_torch(case):
    """A multi-element tensor where torch.tensor wants a scalar: read with __index__ for an integer or bool
    result (a TypeError), with float() for a float one (a ValueError)."""
    check_error(TENSORS_IN_DATA[case])


def test_a_tensor_after_the_first_row_is_read_as_a_row():
    """The first item decides the shape; a tensor later on is read element by element, as torch does."""
    check_parity(lambda m: m.tensor([[1, 2], m.tensor([3, 4])]))
    check_parity(lambda m: m.tensor([[1, 2], m.tensor([1.5, 2.5])]))
    check_parity(lambda m: m.tensor([[1, 2], (5, 6), m.tensor([True, False])]))


@pytest.mark.parametrize("data", [[2**64], [2**64, None], [-2**64, 0], [2**63, 1.5], [3, 0]])
def test_a_bool_tensor_takes_any_python_int_as_its_truth_as_torch(data):
    """torch.tensor([2**64], dtype=torch.bool) is tensor([True]): no int64 overflow check for bool (fuzz draw)."""
    call = lambda m: m.tensor(data, dtype=m.bool)  # noqa: E731
    if None in data:
        check_error(call)
    else:
        check_parity(call)
