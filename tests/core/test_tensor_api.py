"""The Tensor surface tutorials use: creation rules, attributes, conversions, printing, random numbers.
Each case runs the same expression on tinygrad_rnn and torch and compares what a user would see."""
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

CASES = [
    lambda m: m.tensor([1.0, 2]), lambda m: m.tensor([1, 2]), lambda m: m.tensor([True, False]),
    lambda m: m.tensor(3), lambda m: m.tensor(3.5), lambda m: m.tensor(np.arange(3)), lambda m: m.tensor(np.float32(2)),
    lambda m: m.tensor(np.int32(2)), lambda m: m.tensor([np.float64(1), 2]), lambda m: m.tensor([[1, 2], [3, 4]], dtype=m.float64),
    lambda m: m.Tensor(2, 3).shape, lambda m: m.Tensor([1, 2]), lambda m: m.Tensor(np.arange(3.0)), lambda m: m.Tensor(),
    lambda m: m.Tensor(m.Size([2])).shape, lambda m: m.FloatTensor([1, 2]), lambda m: m.LongTensor([1.7, 2, -1.7]),
    lambda m: m.DoubleTensor([[1]]), lambda m: m.from_numpy(np.arange(3)).float(), lambda m: m.as_tensor([1.0, 2]),
    lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3), dtype=m.long), lambda m: m.ones(2, dtype=m.bool),
    lambda m: m.full((2,), 3), lambda m: m.full((2,), 1.5), lambda m: m.empty(0).shape, lambda m: m.zeros(1, 1, 3),
    lambda m: m.zeros_like(m.ones(2, dtype=m.float64)), lambda m: m.ones_like(m.ones(2), dtype=m.long),
    lambda m: m.full_like(m.ones(2), 7), lambda m: m.arange(5), lambda m: m.arange(5.0), lambda m: m.arange(1, 2, 0.25),
    lambda m: m.eye(3), lambda m: m.eye(2, 3, dtype=m.long), lambda m: m.linspace(0, 1, 5),
    lambda m: m.ones(2).new_zeros(3), lambda m: m.ones(2, dtype=m.float64).new_ones((2, 2)),
    lambda m: m.ones(2).new_tensor([1, 2]), lambda m: m.ones(2).new_full((2,), 4.0),
    lambda m: m.ones(2, 3).size(), lambda m: m.ones(2, 3).size(-1), lambda m: m.ones(2, 3).shape[0],
    lambda m: m.ones(2, 3).dim(), lambda m: m.ones(2, 3).ndim, lambda m: m.ones(2, 3).numel(), lambda m: len(m.ones(2, 3)),
    lambda m: str(m.ones(2).dtype), lambda m: str(m.ones(2).device), lambda m: m.ones(2).is_leaf,
    lambda m: m.ones(2).requires_grad, lambda m: m.ones(2).type(), lambda m: m.ones(2).long().type(),
    lambda m: m.ones(2).type(m.float64), lambda m: m.ones(2).type("torch.LongTensor"), lambda m: m.ones(2).to("cpu"),
    lambda m: m.ones(2).to(m.float64), lambda m: m.ones(2).double().float(), lambda m: m.ones(2).cpu(),
    lambda m: m.tensor([[7]]).item(), lambda m: m.tensor(2.5).item(), lambda m: m.tensor([1, 2]).tolist(),
    lambda m: m.ones(2, 3).sum().item(), lambda m: (m.tensor([1, 2]) == m.tensor([1, 3])).sum().item(),
    lambda m: m.tensor([[1.0, 2], [3, 4]]).max(1)[1], lambda m: m.tensor([[1.0, 2], [3, 4]]).argmax(dim=1),
    lambda m: int(m.tensor(3.7)), lambda m: float(m.tensor([2])), lambda m: bool(m.tensor([0.0])),
    lambda m: [1, 2, 3][m.tensor(1)], lambda m: f"{m.tensor(1.23456):.2f}", lambda m: f"{m.tensor([1.0, 2])}",
    lambda m: f"{m.tensor(3)}", lambda m: [t.tolist() for t in m.tensor([[1, 2], [3, 4]])],
    lambda m: m.tensor(5) == 5, lambda m: bool(m.tensor(5) == 5), lambda m: m.ones(2).data,
    lambda m: m.ones(2, requires_grad=True).detach().numpy().tolist(), lambda m: m.cuda.is_available(),
    lambda m: str(m.device("cpu")), lambda m: m.zeros(2, device=m.device("cpu")), lambda m: m.zeros(2, device="cpu"),
    lambda m: m.ones(2).to(m.device("cpu")), lambda m: m.get_default_dtype(), lambda m: m.is_tensor(m.ones(1)),
    lambda m: m.ones(2).allclose(m.ones(2) + 1e-9), lambda m: m.allclose(m.ones(2), m.zeros(2)),
    lambda m: m.ones(3).is_floating_point(), lambda m: m.ones(2, 3).t().is_contiguous(), lambda m: m.ones(2, 3).stride(),
    lambda m: m.ones(2, 3).t().contiguous().stride(), lambda m: isinstance(m.ones(2), m.FloatTensor),
    lambda m: isinstance(m.ones(2), m.LongTensor), lambda m: m.Size([2, 3]), lambda m: m.ones(2, 3).shape == (2, 3),
    lambda m: m.ones(2, 3).shape == [2, 3], lambda m: m.float32 == m.float, lambda m: m.long is m.int64,
]


def _show(v):
    if isinstance(v, (list, tuple)):
        return type(v).__name__ + "(" + ", ".join(_show(x) for x in v) + ")"
    return repr(v).replace("tinygrad_rnn", "torch")


@pytest.mark.parametrize("case", range(len(CASES)))
def test_tensor_surface_matches_torch(case):
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _show(CASES[case](tinygrad_rnn)) == _show(CASES[case](torch))


REPRS = [
    lambda m: m.tensor([1.0, 2.5]), lambda m: m.tensor([1.0, 2.0]), lambda m: m.tensor([1e-5, 1.0]),
    lambda m: m.tensor([1e10, 1.0]), lambda m: m.tensor([[1, 2], [3, 4]]), lambda m: m.tensor([True]),
    lambda m: m.arange(2000.0), lambda m: m.zeros(2, 0), lambda m: m.tensor([], dtype=m.long),
    lambda m: m.ones(2, dtype=m.float64), lambda m: m.ones(2, requires_grad=True),
    lambda m: m.ones(2, requires_grad=True) * 2, lambda m: m.tensor([float("nan"), float("inf"), -1.0]),
    lambda m: m.linspace(-1, 1, 30).reshape(3, 10), lambda m: m.tensor(2.0) * m.ones(1, requires_grad=True).sum(),
    lambda m: m.ones(2, 2, 2), lambda m: m.tensor([0.1, -123.456]), lambda m: m.tensor(7),
]


@pytest.mark.parametrize("case", range(len(REPRS)))
def test_repr_matches_torch(case):
    torch = require_torch()
    ours, theirs = repr(REPRS[case](tinygrad_rnn)), repr(REPRS[case](torch))
    assert ours == theirs


def test_from_numpy_and_legacy_float32_share_memory_and_data_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t, legacy = tinygrad_rnn.from_numpy(a), tinygrad_rnn.Tensor(a)
    a[0] = 5.0
    assert t[0].item() == 5.0 and legacy[0].item() == 5.0
    p = tinygrad_rnn.ones(2, requires_grad=True)
    p.data.add_(tinygrad_rnn.ones(2), alpha=-0.5)
    assert p.detach().tolist() == [0.5, 0.5] and p.is_leaf


def test_legacy_constructor_warns_like_torch_on_a_list_of_arrays(monkeypatch):
    from tinygrad_rnn.core import warn_once
    monkeypatch.setattr(warn_once, "_WARNED", set())  # torch warns once per process: as in a fresh one
    with pytest.warns(UserWarning, match="list of numpy.ndarrays is extremely slow"):
        t = tinygrad_rnn.Tensor([np.ones(2), np.zeros(2)])
    assert t.dtype == tinygrad_rnn.float32 and t.shape == (2, 2)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        tinygrad_rnn.tensor(t)



def test_copy_constructing_warns_with_torchs_text_at_the_users_line():
    """Tensor.new_tensor(t) names itself in the warning (not torch.tensor), and both warnings point at the
    caller's line: under Python's default once-per-line filter each line of user code warns once, as torch's."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.zeros(2).new_tensor(m.ones(2))
            m.tensor(m.ones(2))
        seen.append([(str(w.message), w.filename) for w in caught])
    assert seen[0] == seen[1] and seen[0][0][1] == __file__


def test_reading_the_grad_of_a_non_leaf_warns_with_torchs_whole_text():
    """micrograd's lecture reads `.grad` of an intermediate tensor: torch warns on every read, with a
    pointer to its pull request and the C++ line that raised it (tutorial programs compare warnings)."""
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        t = m.ones(2, requires_grad=True) * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert t.grad is None and t.grad is None
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] and len(messages[1]) == 2


RANDOM = [
    lambda m: m.randn(3), lambda m: (m.randn(3), m.randn(3)), lambda m: m.randn(2, 3, dtype=m.float64),
    lambda m: m.randn(40, dtype=m.float64), lambda m: m.rand(5), lambda m: m.rand(33, dtype=m.float64),
    lambda m: m.randint(0, 10, (6,)), lambda m: m.randint(5, (2, 2)), lambda m: m.randperm(9),
    lambda m: m.empty(4, 3).uniform_(-0.5, 0.5), lambda m: m.empty(3).normal_(1.0, 2.0),
    lambda m: m.bernoulli(m.full((8,), 0.4)), lambda m: m.empty(20).bernoulli_(0.3),
    lambda m: m.randn(3, generator=m.Generator().manual_seed(7)), lambda m: m.randn_like(m.ones(2, 2)),
]


@pytest.mark.parametrize("case", range(len(RANDOM)))
def test_seeded_random_numbers_are_torchs(case):
    torch = require_torch()
    outs = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(1234)
        got = RANDOM[case](m)
        outs.append([g.numpy() for g in (got if isinstance(got, tuple) else (got,))])
    for ours, theirs in zip(*outs):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


def test_seeded_float32_normals_are_torchs_bits():
    """torch fills 16+ float32 normals with 8-lane float32 log/sin/cos approximations, which we emulate."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
    ours, theirs = tinygrad_rnn.randn(160, 128).numpy(), torch.randn(160, 128).numpy()
    np.testing.assert_array_equal(ours.view(np.int32), theirs.view(np.int32))


def test_manual_seed_returns_a_generator_and_accepts_negative_and_float_seeds():
    torch = require_torch()
    for seed in (-1, 1.5, 2**63):
        assert tinygrad_rnn.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed()


LEGACY_ALIAS_AND_RANGE_CASES = [
    lambda m: m.Tensor(m.ones(2, dtype=m.long)),  # torch.Tensor(t) is t under a new name, whatever its dtype
    lambda m: m.Tensor(m.ones(2, dtype=m.float64)).dtype,
    lambda m: m.FloatTensor(m.ones(2, dtype=m.long)),  # a typed constructor takes only its own dtype
    lambda m: m.DoubleTensor(m.ones(2)), lambda m: m.CharTensor(m.ones(2, dtype=m.bool)),
    lambda m: m.HalfTensor(m.ones(2, dtype=m.uint8)), lambda m: m.ShortTensor(m.ones(1, dtype=m.int32)),
    lambda m: m.FloatTensor(m.ones(2), device="cpu"),
    lambda m: m.ByteTensor([1, 300]), lambda m: m.ByteTensor([-1]), lambda m: m.CharTensor([200]),
    lambda m: m.ShortTensor([70000]), lambda m: m.IntTensor([2 ** 31]), lambda m: m.IntTensor([1.7, -1.7]),
    lambda m: m.BoolTensor([2, 0]), lambda m: m.ShortTensor(2).dtype, lambda m: m.CharTensor([[1], [2]]),
    lambda m: isinstance(m.ones(1, dtype=m.int16), m.ShortTensor), lambda m: m.ByteTensor([]),
]


@pytest.mark.parametrize("case", LEGACY_ALIAS_AND_RANGE_CASES)
def test_legacy_constructors_alias_tensors_and_check_ranges_as_torch(case):
    torch = require_torch()
    try:
        theirs = repr(case(torch))
    except Exception as e:
        theirs = f"{type(e).__name__}: {e}"
    try:
        ours = repr(case(tinygrad_rnn))
    except Exception as e:
        ours = f"{type(e).__name__}: {e}"
    assert ours == theirs


def test_legacy_constructor_of_a_tensor_is_a_view_in_the_graph():
    a = tinygrad_rnn.ones(2, requires_grad=True)
    for b in (tinygrad_rnn.Tensor(a), tinygrad_rnn.FloatTensor(a)):
        assert b is not a and b._base is a and b.grad_fn.name() == "AliasBackward0"
    b = tinygrad_rnn.Tensor(tinygrad_rnn.ones(2, dtype=tinygrad_rnn.long))
    b.add_(1)  # the memory is shared
    assert b._base.tolist() == [2, 2]


def test_a_float_beyond_the_dtypes_range_becomes_inf_without_a_numpy_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tinygrad_rnn.tensor([70000.0], dtype=tinygrad_rnn.half).isinf().all()
        assert tinygrad_rnn.HalfTensor([1e300]).isinf().all()


@pytest.mark.parametrize("target", ["Tensor", "float", "int", "Parameter", "np.float32", "3", "DoubleTensor"])
def test_type_takes_tensor_types_only_as_torch(target):
    """torch.Tensor is the default type; Python and numpy types are 'invalid type'; other values a TypeError."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        given = eval(target, {"np": np, "Tensor": m.Tensor, "Parameter": m.nn.Parameter, "DoubleTensor": m.DoubleTensor})
        try:
            results.append(str(m.tensor([1]).type(given).dtype))
        except (ValueError, TypeError) as error:
            results.append(f"{type(error).__name__}: {error}")
    assert results[0] == results[1]


def test_a_tuple_plus_a_size_is_a_size():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        joined = (4,) + m.ones(2, 3).shape[1:]
        assert type(joined) is m.Size and joined == (4, 3) and repr(joined) == "torch.Size([4, 3])"


def test_a_size_repeated_is_a_size():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        shape = m.ones(2, 3).shape
        for repeated, expected in ((shape * 2, "torch.Size([2, 3, 2, 3])"), (2 * shape, "torch.Size([2, 3, 2, 3])"),
                                   (shape * 0, "torch.Size([])")):
            assert type(repeated) is m.Size and repr(repeated) == expected


# forum mistakes: `x.shape(0)`, `x.size[0]`, `shape + [1]`, `f"{loss.item:.4f}"`; Python's errors name the types
# as torch's C types are named (torch.Size, builtin_function_or_method)
PYTHON_TYPE_MISTAKES = {
    "shape called": lambda m: m.ones(2).shape(0),
    "weight.shape called": lambda m: m.nn.Linear(1, 1).weight.shape(),
    "shape attribute": lambda m: m.ones(2).shape.x,
    "size indexed": lambda m: m.ones(2).size[0],
    "size plus one": lambda m: m.ones(2).size + 1,
    "len of size": lambda m: len(m.ones(2).size),
    "size attribute": lambda m: m.ones(2).size.x,
    "view of size": lambda m: m.ones(2).view(m.ones(2).size),
    "item plus one": lambda m: m.ones(1).item + 1,
    "item formatted": lambda m: f"{m.ones(1).item:.4f}",
    "float of item": lambda m: float(m.ones(1).item),
    "numpy plus one": lambda m: m.ones(1).numpy + 1,
    "tolist indexed": lambda m: m.ones(1).tolist[0],
    "shape plus a list": lambda m: m.ones(2).shape + [1],
    "shape plus an int": lambda m: m.ones(2).shape + 1,
    "a list plus shape": lambda m: [1] + m.ones(2).shape,
}


@pytest.mark.parametrize("case", list(PYTHON_TYPE_MISTAKES))
def test_python_errors_name_the_types_as_torchs(case):
    check_error(PYTHON_TYPE_MISTAKES[case])


def test_a_size_keeps_its_name_and_adds_to_tuples_and_arrays_as_torchs():
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        shape = m.ones(2, 3).shape
        seen.append((type(shape).__name__, str(type(shape)), shape + (4,), (4,) + shape, (shape + np.ones(2)).tolist()))
    assert seen[0] == seen[1]


class _Five:
    def __index__(self):
        return 5


@pytest.mark.parametrize("entries", [[2, 3], [True, 2], [np.int64(3)], [_Five()], range(1, 3), [],
                                     "tensor(3)", "tensor([[3]], dtype=torch.uint8)", "tensor(True)"])
def test_size_reads_its_entries_as_torch(entries):
    torch = require_torch()
    sizes = []
    for m in (tinygrad_rnn, torch):
        given = [eval(entries, {"tensor": m.tensor, "torch": m})] if isinstance(entries, str) else entries
        sizes.append(m.Size(list(given) if not isinstance(given, list) else given))
    assert all(type(s) is int for s in sizes[0])  # torch keeps a numpy int as it is; it prints the same
    assert repr(sizes[0]) == repr(sizes[1])


@pytest.mark.parametrize("entries", [[2.0], [2, None], [np.float64(3)], [np.bool_(True)], ["a"], "ab", 3,
                                     "tensor(3.5)", "tensor([1, 2])"])
def test_size_refuses_what_is_not_an_int_as_torch(entries):
    def make(m):
        given = [eval(entries, {"tensor": m.tensor})] if isinstance(entries, str) and entries != "ab" else entries
        return m.Size(given)
    check_error(make)


@pytest.mark.parametrize("expr", ["m.tensor([1, 2]) in m.tensor([1, 2, 3])", "m.tensor([1, 2]) in m.tensor([[1, 2], [3, 4]])",
                                  "'a' in m.tensor([1])", "[1] in m.tensor([1])", "1.0 in m.tensor([1])",
                                  "bool(m.zeros(0, 3))", "bool(m.ones(2))"])
def test_membership_and_truth_value_as_torch(expr):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        try:
            results.append(eval(expr, {"m": m}))
        except RuntimeError as error:
            results.append(str(error))
    assert results[0] == results[1]


def test_the_type_of_a_shape_prints_as_torch_size_and_still_pickles():
    """`print(type(x.shape))` shows <class 'torch.Size'> in torch; pickling must not look for it in torch."""
    import copy
    import pickle
    torch = require_torch()
    ours = tinygrad_rnn.ones(2, 3).shape
    assert str(type(ours)) == str(type(torch.ones(2, 3).shape))
    for copied in (pickle.loads(pickle.dumps(ours)), copy.deepcopy(ours), copy.copy(ours)):
        assert type(copied) is type(ours) and copied == (2, 3)


def _set_grad_fn(m, requires_grad, value):
    t = m.ones(2, requires_grad=True) * 2 if requires_grad else m.ones(2)
    t.grad_fn = value(t)


def _delete_grad_fn(m):
    del (m.ones(2, requires_grad=True) * 2).grad_fn


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("value", [lambda t: None, lambda t: t.grad_fn, lambda t: 5])
def test_grad_fn_is_read_only_as_torch(requires_grad, value):
    """Only ops make a tensor's node: torch refuses an assignment (we once took it, cutting the graph)."""
    check_error(_set_grad_fn, requires_grad, value)


def test_grad_fn_cannot_be_deleted_as_torch():
    check_error(_delete_grad_fn)
