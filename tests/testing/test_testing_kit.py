"""tinygrad_rnn.testing: assert_close against torch.testing.assert_close (same passes, same
exception types and messages), and the hypothesis strategies users are pointed to."""
import numpy as np
import pytest
from helpers import require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn as tg
from tinygrad_rnn.testing import assert_close
from tinygrad_rnn.testing.strategies import arrays, broadcastable_shapes, rnn_configs, shapes, tensors


def outcome(m, make_args, kwargs):
    """(exception type name, message) of m.testing.assert_close, or None when it passes."""
    convert = (lambda x: m.tensor(x)) if m is not None else None
    args = make_args(m, convert)
    try:
        m.testing.assert_close(*args, **kwargs)
    except Exception as e:
        return type(e).__name__, str(e).replace("tinygrad_rnn.core.tensor.Tensor", "torch.Tensor")
    return None


F32, F64 = "float32", "float64"
CASES = [
    ("one float32 element off", lambda m, t: (m.tensor([1., 2., 3.]), m.tensor([1., 2.1, 3.])), {}),
    ("float64 defaults", lambda m, t: (m.tensor([1., 2., 3.], dtype=m.float64), m.tensor([1., 2.1, 3.], dtype=m.float64)), {}),
    ("2-d index", lambda m, t: (m.tensor([[1., 2.], [3., 4.]]), m.tensor([[1., 2.], [3., 5.]])), {}),
    ("0-d tensors", lambda m, t: (m.tensor(1.), m.tensor(1.5)), {}),
    ("integers exact", lambda m, t: (m.tensor([1, 2]), m.tensor([1, 3])), {}),
    ("dtype mismatch", lambda m, t: (m.tensor([1., 2.]), m.tensor([1., 2.], dtype=m.float64)), {}),
    ("dtype unchecked", lambda m, t: (m.tensor([1., 2.]), m.tensor([1., 2.], dtype=m.float64)), {"check_dtype": False}),
    ("shape mismatch", lambda m, t: (m.tensor([1., 2.]), m.tensor([1., 2., 3.])), {}),
    ("python floats", lambda m, t: (1.0, 1.1), {}),
    ("python ints", lambda m, t: (1, 2), {}),
    ("float vs int", lambda m, t: (1.0, 1), {}),
    ("list of floats", lambda m, t: ([1.0, 2.0], [1.0, 2.5]), {}),
    ("tuple of tensors", lambda m, t: ((m.tensor([1.]), m.tensor([2.])), (m.tensor([1.]), m.tensor([2.5]))), {}),
    ("mapping", lambda m, t: ({"a": m.tensor([1.]), "b": m.tensor([2.])}, {"a": m.tensor([1.]), "b": m.tensor([2.5])}), {}),
    ("mapping keys", lambda m, t: ({"a": m.tensor([1.])}, {"b": m.tensor([1.])}), {}),
    ("sequence lengths", lambda m, t: ([1.0], [1.0, 2.0]), {}),
    ("numpy arrays", lambda m, t: (np.array([1., 2.]), np.array([1., 2.5])), {}),
    ("numpy vs tensor", lambda m, t: (np.array([1., 2.]), m.tensor([1., 2.], dtype=m.float64)), {}),
    ("nan unequal", lambda m, t: (m.tensor([float("nan")]), m.tensor([float("nan")])), {}),
    ("nan equal", lambda m, t: (m.tensor([float("nan")]), m.tensor([float("nan")])), {"equal_nan": True}),
    ("rtol without atol", lambda m, t: (m.tensor([1.]), m.tensor([1.1])), {"rtol": 0.2}),
    ("explicit tolerances", lambda m, t: (m.tensor([1.]), m.tensor([1.1])), {"rtol": 0.2, "atol": 0}),
    ("custom message", lambda m, t: (m.tensor([1.]), m.tensor([1.5])), {"msg": "custom"}),
    ("message callable", lambda m, t: ([m.tensor([1.])], [m.tensor([1.5])]), {"msg": lambda s: "X" + s}),
    ("bool tensors", lambda m, t: (m.tensor([True, False]), m.tensor([True, True])), {}),
    ("requires_grad ignored", lambda m, t: (m.tensor([1., 2.], requires_grad=True), m.tensor([1., 2.])), {}),
    ("expected zero", lambda m, t: (m.tensor([0., 2.]), m.tensor([1e-3, 2.])), {}),
    ("equal infinities", lambda m, t: (m.tensor([1., float("inf")]), m.tensor([1., float("inf")])), {}),
    ("opposite infinities", lambda m, t: (m.tensor([1., float("inf")]), m.tensor([1., -float("inf")])), {}),
    ("strings", lambda m, t: ("a", "b"), {}),
    ("tensor vs float", lambda m, t: (m.tensor([1.]), 1.0), {}),
    ("all differ", lambda m, t: (m.zeros(2, 3), m.ones(2, 3)), {}),
    ("int32 vs int64", lambda m, t: (m.tensor([1, 2], dtype=m.int32), m.tensor([1, 2])), {}),
    ("bools", lambda m, t: (True, False), {}),
    ("None", lambda m, t: (None, m.tensor(1.)), {}),
    ("within float32 default", lambda m, t: (m.tensor([1000.0]), m.tensor([1000.001])), {}),
    ("float16", lambda m, t: (m.tensor([1.0], dtype=m.float16), m.tensor([1.002], dtype=m.float16)), {}),
]


@pytest.mark.parametrize("make_args,kwargs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_assert_close_matches_torch(make_args, kwargs):
    torch = require_torch()
    assert outcome(tg, make_args, kwargs) == outcome(torch, make_args, kwargs)


@settings(max_examples=30)
@given(arrays(shapes(min_dims=1), dtype=tg.float32), st.floats(-1e-4, 1e-4), st.integers(0, 10**6))
def test_random_perturbations_agree_with_torch(a, delta, seed):
    torch = require_torch()
    b = a.copy()
    b.reshape(-1)[seed % b.size] += np.float32(delta)
    mine = outcome(tg, lambda m, t: (m.tensor(a), m.tensor(b)), {})
    assert mine == outcome(torch, lambda m, t: (m.tensor(a), m.tensor(b)), {})


# ---------------------------------------------------------------------------- strategies
@settings(max_examples=20)
@given(tensors(shape=(2, 3), requires_grad=True))
def test_tensors_strategy_gives_float64_leaves(x):
    assert x.shape == (2, 3) and x.dtype is tg.float64 and x.requires_grad and x.is_leaf
    assert np.all(np.abs(x.detach().numpy()) <= 3)


@settings(max_examples=20)
@given(broadcastable_shapes(num_shapes=3))
def test_broadcastable_shapes_broadcast(shapes3):
    expected = np.broadcast_shapes(*shapes3)
    total = sum(tg.zeros(s) for s in shapes3)
    assert tuple(total.shape) == expected


@settings(max_examples=10, deadline=None)
@given(rnn_configs(max_size=3, max_layers=2))
def test_rnn_configs_build_an_rnn_that_runs(c):
    rnn = tg.nn.RNN(c["input_size"], c["hidden_size"], num_layers=c["num_layers"], bias=c["bias"],
                    batch_first=c["batch_first"], bidirectional=c["bidirectional"], nonlinearity=c["nonlinearity"])
    batch = () if c["batch"] is None else (c["batch"],)
    shape = (batch + (c["seq_len"],) if c["batch_first"] else (c["seq_len"],) + batch) + (c["input_size"],)
    out, h = rnn(tg.randn(*shape))
    directions = 2 if c["bidirectional"] else 1
    assert out.shape[-1] == directions * c["hidden_size"]
    assert h.shape == (directions * c["num_layers"],) + batch + (c["hidden_size"],)


def test_testing_module_points_to_the_strategies():
    assert "strategies" in tg.testing.__doc__ and "hypothesis" in tg.testing.__doc__
    assert tg.testing.assert_close is assert_close


def test_regression_format_of_a_0d_tensor_is_its_number_like_torch():
    """f"{loss}" printed `tensor(0.5000)` instead of torch's `0.5` (found through assert_close's
    None message, which formats the tensor)."""
    torch = require_torch()
    for value in (1.5, 2, True):
        assert f"{tg.tensor(value)}" == f"{torch.tensor(value)}"
        assert f"{tg.tensor(value):>8}" == f"{torch.tensor(value):>8}"
    assert f"{tg.tensor([1.5])}" == f"{torch.tensor([1.5])}"


@pytest.mark.parametrize("dtype", [tg.uint8, tg.int8, tg.int64, tg.bool, tg.float16, tg.float32, tg.float64])
def test_arrays_default_elements_work_for_every_dtype(dtype):
    """The default elements used to fail for uint8 (negative values) and float16 (width 32)."""
    seen = []

    @settings(max_examples=15, deadline=None)
    @given(arrays(dtype=dtype))
    def check(a):
        assert a.dtype == dtype.np
        seen.append(a)

    check()
    assert seen


@pytest.mark.parametrize("case", [
    "m.ones(1), m.zeros(1)", "m.ones(2), [1.0, 1.00001]", "m.ones(2), [1.0, 1.001]", "m.tensor([1, 2]), m.tensor([1.0, 2.0])",
    "m.tensor([float('nan')]), [float('nan')]", "m.ones(2, dtype=m.float64), m.ones(2) + 1e-6",
    "m.ones(2), m.ones(2) + 1e-3, None, None, True, 'boom'"])
def test_deprecated_assert_allclose_as_torch(case):
    """Its older defaults, no dtype check, NaNs equal, and a FutureWarning."""
    torch = require_torch()
    outcomes = []
    for m in (tg, torch):
        with pytest.warns(FutureWarning, match="assert_allclose"):
            try:
                eval(f"m.testing.assert_allclose({case})", {"m": m})
                outcomes.append("close")
            except AssertionError as error:
                outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("pair", ["m.ones(2), [1.0, 1.0]", "m.nn.Parameter(m.ones(2)), np.ones(2)"])
def test_no_comparison_pair_names_the_types_as_torch(pair):
    torch = require_torch()
    messages = []
    for m in (tg, torch):
        with pytest.raises(TypeError) as error:
            eval(f"m.testing.assert_close({pair})", {"m": m, "np": np})
        messages.append(str(error.value))
    assert messages[0] == messages[1]
