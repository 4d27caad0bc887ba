"""Any Python sequence is data and index as in torch (a deque, an array.array, a memoryview, a class with
__len__ and __getitem__), and torch's parser names a C type with its module (collections.deque, torch.dtype)."""
import array
import collections
import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


class Pair:
    def __len__(self):
        return 2

    def __getitem__(self, i):
        if i >= 2:
            raise IndexError(i)
        return float(i) + 0.5


DATA = {
    "deque": lambda: collections.deque([1.0, 2.0]),
    "nested_deque": lambda: collections.deque([[1, 2], [3, 4]]),
    "list_of_deques": lambda: [collections.deque([1, 2]), (3, 4)],
    "array": lambda: array.array("d", [1.0, 2.0]),
    "memoryview": lambda: memoryview(b"ab"),
    "bytearray": lambda: bytearray(b"ab"),
    "class_with_len_and_getitem": Pair,
}


def _made(lib, how, data):
    return {"tensor": lambda: lib.tensor(data), "as_tensor": lambda: lib.as_tensor(data),
            "Tensor": lambda: lib.Tensor(data), "LongTensor": lambda: lib.LongTensor(data),
            "new_tensor": lambda: lib.ones(1).new_tensor(data)}[how]()


@pytest.mark.parametrize("how", ["tensor", "as_tensor", "Tensor", "LongTensor", "new_tensor"])
@pytest.mark.parametrize("name", list(DATA))
def test_any_sequence_is_data(name, how):
    torch = require_torch()
    ours, theirs = _made(tinygrad_rnn, how, DATA[name]()), _made(torch, how, DATA[name]())
    assert (str(ours.dtype), ours.tolist()) == (str(theirs.dtype), theirs.tolist())


@pytest.mark.parametrize("call", [
    lambda m: m.tensor(b"ab"),
    lambda m: m.tensor([b"ab"]),
    lambda m: m.tensor({1: 2}),
    lambda m: m.tensor({1, 2}),
    lambda m: m.Tensor({1: 2}),
    lambda m: m.cat(collections.deque([m.ones(2)])),
    lambda m: m.stack(array.array("d", [1.0])),
    lambda m: m.cat(m.float32),
    lambda m: m.cat(m.device("cpu")),
    lambda m: m.cat(m.strided),
    lambda m: m.cat(m.finfo(m.float32)),
    lambda m: m.zeros(collections.deque([2, 3])),
    lambda m: m.ones(6).reshape(collections.deque([2, 3])),
])
def test_errors_name_the_type_as_torch(call):
    check_error(call)


KEYS = {
    "nested_lists": lambda m: [[0, 1], [1, 2]],
    "list_with_slice": lambda m: [0, slice(None)],
    "list_with_none": lambda m: [None, 0],
    "list_of_tensors": lambda m: [m.tensor([0, 1]), m.tensor([1, 2])],
    "list_with_ellipsis": lambda m: [Ellipsis, 1],
    "list_of_ints": lambda m: [0, 2],
    "list_of_bools": lambda m: [True, False, True],
    "deque_of_ints": lambda m: collections.deque([0, 2]),
    "deque_of_lists": lambda m: collections.deque([[0, 1], [1, 2]]),
    "deque_in_tuple": lambda m: (collections.deque([0, 1]),),
    "range_and_int": lambda m: (range(2), 1),
    "empty_deque": lambda m: collections.deque([]),
}


def _indexed(lib, name):
    x = lib.arange(12).view(3, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = x[KEYS[name](lib)].tolist()
        x[KEYS[name](lib)] = -1
    return read, x.tolist(), [str(w.message) for w in caught]


@pytest.mark.parametrize("name", list(KEYS))
def test_sequences_index_and_warn_as_torch(name):
    torch = require_torch()
    assert _indexed(tinygrad_rnn, name) == _indexed(torch, name)
