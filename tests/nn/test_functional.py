"""nn.functional against torch: activations, linear, dropout, embedding, one_hot, pad, and their errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.testing.strategies import arrays, shapes

F = tinygrad_rnn.nn.functional
FLOATS = [np.float64, np.float32]

ACTIVATIONS = {
    "relu": lambda F, x: F.relu(x),
    "tanh": lambda F, x: F.tanh(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2),
    "elu": lambda F, x: F.elu(x, 0.7),
    "selu": lambda F, x: F.selu(x),
    "silu": lambda F, x: F.silu(x),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "softplus": lambda F, x: F.softplus(x, beta=2.0, threshold=3.0),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "hardtanh": lambda F, x: F.hardtanh(x, -0.5, 1.5),
    "relu6": lambda F, x: F.relu6(x * 3),
    "softsign": lambda F, x: F.softsign(x),
    "softmax": lambda F, x: F.softmax(x, dim=-1),
    "log_softmax": lambda F, x: F.log_softmax(x, dim=0),
    "softmin": lambda F, x: F.softmin(x, dim=-1),
}


@settings(max_examples=30)
@given(name=st.sampled_from(sorted(ACTIVATIONS)), x=arrays(shapes(min_dims=1)), dtype=st.sampled_from(FLOATS))
def test_activations_match_torch(name, x, dtype):
    check_parity(lambda m, t: ACTIVATIONS[name](m.nn.functional, t), [x.astype(dtype)])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_at_kinks_and_extremes_match_torch(name):
    x = np.array([-1e4, -50.0, -1.0, -0.5, 0.0, 1.5, 6.0, 50.0, 1e4])
    check_parity(lambda m, t: ACTIVATIONS[name](m.nn.functional, t), [x])


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu", "silu", "selu", "hardtanh"])
def test_inplace_activations_write_into_the_input(name):
    def fn(m, x):
        y = x * 1.0
        out = getattr(m.nn.functional, name)(y, inplace=True)
        assert out is y
        return y

    check_parity(fn, [np.linspace(-2, 2, 7)])


@pytest.mark.parametrize("name", ["gelu", "logsigmoid", "softplus", "elu"])
def test_activation_second_derivatives_match_torch(name):
    torch = require_torch()
    x0 = np.linspace(-3, 3, 8)  # away from the kinks, where second derivatives are a convention
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(x0, requires_grad=True)
        (g,) = m.autograd.grad(ACTIVATIONS[name](m.nn.functional, x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        results.append(gg.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-12)


GELU_LAYOUTS = {
    "contiguous": lambda a: a,
    "one element": lambda a: a[2:3, 5:6],
    "row slice": lambda a: a[:, :17],
    "transposed": lambda a: a.t(),
    "transposed slice": lambda a: a[:, :33].t(),
    "broadcast": lambda a: a[0:1, :].expand(3, 40),
}


@pytest.mark.parametrize("layout", GELU_LAYOUTS)
def test_float32_gelu_takes_torchs_vector_and_scalar_values(layout):
    """F.gelu(torch.linspace(-10, 10, 5)) printed -0.0000 where torch prints 0.0000: torch's float32 kernel
    takes an approximate erf in its vector steps (with a fused multiply-add for a contiguous tensor), the C
    library's in its scalar tails; which elements each takes depends on the layout."""
    torch = require_torch()
    base = np.concatenate([np.full(40, -7.0), np.linspace(-4, 4, 200)]).astype(np.float32).reshape(6, 40)
    ours, theirs = (m.nn.functional.gelu(GELU_LAYOUTS[layout](m.tensor(base))).numpy() for m in (tinygrad_rnn, torch))
    assert np.array_equal(np.signbit(ours), np.signbit(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-9)  # (an ulp of erf: torch's exp is not numpy's)
    assert str(tinygrad_rnn.nn.functional.gelu(tinygrad_rnn.linspace(-10, 10, 5))) == str(
        torch.nn.functional.gelu(torch.linspace(-10, 10, 5)))


@pytest.mark.parametrize("layout", ["contiguous", "row slice", "transposed"])
def test_float32_gelu_gradient_rounds_as_torchs_vector_steps(layout):
    """torch's vector steps add x phi(x) to 1/2 before the erf's half, so below x = -6.5 the float32 slope is
    exactly 0 (we gave -6.4e-11 at x = -7, and the printed gradient switched to scientific notation)."""
    torch = require_torch()
    base = np.concatenate([np.linspace(-10, -6, 40), np.linspace(-4, 4, 200)]).astype(np.float32).reshape(6, 40)
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor(base, requires_grad=True)
        m.nn.functional.gelu(GELU_LAYOUTS[layout](x)).sum().backward()
        grads.append(x.grad.numpy())
    ours, theirs = grads
    assert np.array_equal(ours[theirs == 0], theirs[theirs == 0])
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1.2e-7)  # (an ulp of 1/2 where the terms cancel)
    x = tinygrad_rnn.tensor([-7.0, -3.0, 0.0, 2.0], requires_grad=True)
    tinygrad_rnn.nn.functional.gelu(x).sum().backward()
    y = torch.tensor([-7.0, -3.0, 0.0, 2.0], requires_grad=True)
    torch.nn.functional.gelu(y).sum().backward()
    assert str(x.grad) == str(y.grad)


@pytest.mark.parametrize("name", ["logsigmoid", "softplus"])
def test_float32_log1p_exp_activations_round_each_step_as_torch(name):
    """minGRU's log-space scan (-softplus(-x), logsigmoid) drifted from torch by an ulp in 1 of 5 inputs:
    torch takes e^x and then log1p, each the nearest float32 nearly always; numpy's float32 ones are not."""
    torch = require_torch()
    x0 = np.linspace(-30, 30, 60001).astype(np.float32)
    ours, theirs = (getattr(m.nn.functional, name)(m.tensor(x0)).numpy() for m in (tinygrad_rnn, torch))
    assert (ours != theirs).mean() < 0.07  # (was 0.2; the rest is torch's exp or log1p an ulp off the nearest)
    np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=0)
    check_parity(lambda m, x: getattr(m.nn.functional, name)(x), [np.array(0.3)])  # (0-d: numpy scalars inside)


def test_activation_scalars_given_as_0d_tensors_are_read_as_numbers():
    """F.softplus(x, beta=torch.tensor(2.)) and F.leaky_relu(x, torch.tensor(0.2)) raised a numpy TypeError."""
    x0 = np.array([-1.0, 0.5, 3.0])
    check_parity(lambda m, x: F_of(m).softplus(x, beta=m.tensor(2), threshold=m.tensor(1.5)), [x0])
    check_parity(lambda m, x: F_of(m).softplus(x, m.tensor(2.0)), [x0])
    check_parity(lambda m, x: F_of(m).leaky_relu(x, m.tensor(0.2)), [x0])
    check_parity(lambda m, x: F_of(m).rrelu(x, m.tensor(0.1), m.tensor(0.3)), [x0])
    check_error(lambda m: m.nn.functional.softplus(m.ones(2), m.tensor([2.0, 3.0])))


def F_of(m):
    return m.nn.functional


def test_softmax_without_dim_warns_as_torch():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax has been deprecated"):
            m.nn.functional.log_softmax(m.zeros(2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for shape in [(3,), (2, 3), (2, 3, 4), (2, 2, 3, 2)]:
            check_parity(lambda m, x: m.nn.functional.softmax(x), shapes=[shape])


# ------------------------------------------------------------------ linear
@settings(max_examples=25)
@given(lead=shapes(min_dims=0, max_dims=3), sizes=st.tuples(st.integers(1, 5), st.integers(1, 4)),
       bias=st.booleans(), dtype=st.sampled_from(FLOATS))
def test_linear_matches_torch_on_any_leading_dims(lead, sizes, bias, dtype):
    in_f, out_f = sizes
    arrays_ = [np.random.default_rng(0).standard_normal(s).astype(dtype)
               for s in [lead + (in_f,), (out_f, in_f)] + ([(out_f,)] if bias else [])]
    check_parity(lambda m, *a: m.nn.functional.linear(*a), arrays_)


LINEAR_ERRORS = {
    "shapes": lambda m: m.nn.functional.linear(m.zeros(3, 3), m.zeros(2, 4)),
    "shapes_1d": lambda m: m.nn.functional.linear(m.zeros(3), m.zeros(2, 4), m.zeros(2)),
    "shapes_3d": lambda m: m.nn.functional.linear(m.zeros(5, 3, 3), m.zeros(2, 4), m.zeros(2)),
    "dtype_with_bias": lambda m: m.nn.functional.linear(m.zeros(3, 4, dtype=m.float64), m.zeros(2, 4), m.zeros(2)),
    "dtype_of_bias": lambda m: m.nn.functional.linear(m.zeros(3, 4), m.zeros(2, 4), m.zeros(2, dtype=m.float64)),
    "dtype_without_bias": lambda m: m.nn.functional.linear(m.zeros(3, 4, dtype=m.float64), m.zeros(2, 4)),
    "bias_size": lambda m: m.nn.functional.linear(m.zeros(5, 3, 4), m.zeros(2, 4), m.zeros(3)),
    "0d_input": lambda m: m.nn.functional.linear(m.tensor(1.0), m.zeros(2, 4)),
    "3d_weight": lambda m: m.nn.functional.linear(m.zeros(3, 4), m.zeros(2, 2, 4)),
    "1d_weight_with_bias": lambda m: m.nn.functional.linear(m.zeros(3, 4), m.zeros(4), m.zeros(())),
}


@pytest.mark.parametrize("case", sorted(LINEAR_ERRORS))
def test_linear_errors_match_torch(case):
    check_error(LINEAR_ERRORS[case])


# ------------------------------------------------------------------ dropout
def test_dropout_zeroes_about_p_and_scales_the_rest():
    x = tinygrad_rnn.ones(200, 100, requires_grad=True)
    y = F.dropout(x, p=0.3)
    values = y.detach().numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == tinygrad_rnn.float32
    g = np.random.default_rng(0).standard_normal(values.shape).astype(np.float32)
    y.backward(tinygrad_rnn.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), g * kept / np.float32(0.7), rtol=1e-6)


def test_dropout_edge_cases_match_torch():
    x = tinygrad_rnn.ones(3, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    dropped = F.dropout(x, 1.0)
    assert dropped.tolist() == [0.0, 0.0, 0.0]
    dropped.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]  # p = 1 gives zeros, never NaN
    check_error(lambda m: m.nn.functional.dropout(m.ones(3), 1.5))
    check_error(lambda m: m.nn.functional.dropout(m.ones(3), -0.1))
    check_error(lambda m: m.nn.functional.dropout(m.ones(3, dtype=m.long), 0.5))


# ------------------------------------------------------------------ embedding and one_hot
@settings(max_examples=20)
@given(data=st.data(), padding=st.sampled_from([None, 0, 2, -1]), by_freq=st.booleans(),
       dtype=st.sampled_from(FLOATS))
def test_embedding_matches_torch(data, padding, by_freq, dtype):
    rows = data.draw(st.integers(3, 6))
    idx_shape = data.draw(shapes(min_dims=0, max_dims=2))
    indices = data.draw(arrays(idx_shape, np.int64, elements=st.integers(0, rows - 1)))
    weight = np.random.default_rng(rows).standard_normal((rows, 3)).astype(dtype)
    check_parity(lambda m, w, i: m.nn.functional.embedding(i, w, padding_idx=padding, scale_grad_by_freq=by_freq),
                 [weight, indices])


def test_embedding_max_norm_renormalises_used_rows_like_torch():
    torch = require_torch()
    weight = np.random.default_rng(1).standard_normal((5, 3)) * 3
    indices = np.array([[0, 2], [2, 4]])
    ours, theirs = tinygrad_rnn.tensor(weight), torch.tensor(weight)
    out_ours = F.embedding(tinygrad_rnn.tensor(indices), ours, max_norm=1.5, norm_type=3.0)
    out_theirs = torch.nn.functional.embedding(torch.tensor(indices), theirs, max_norm=1.5, norm_type=3.0)
    np.testing.assert_allclose(out_ours.numpy(), out_theirs.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)  # changed in place, row 1 and 3 untouched


def test_embedding_double_backward_matches_torch():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        w = m.tensor(np.arange(12.0).reshape(4, 3) / 10, requires_grad=True)
        out = m.nn.functional.embedding(m.tensor([1, 1, 3]), w, padding_idx=3)
        (g,) = m.autograd.grad((out**3).sum(), w, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), w)
        results.append(gg.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


EMBEDDING_ERRORS = {
    "float_indices": lambda m: m.nn.functional.embedding(m.tensor([1.0, 2.0]), m.zeros(10, 4)),
    "byte_indices": lambda m: m.nn.functional.embedding(m.tensor([1, 2], dtype=m.uint8), m.zeros(10, 4)),
    "bool_indices": lambda m: m.nn.functional.embedding(m.tensor([True]), m.zeros(10, 4)),
    "index_too_large": lambda m: m.nn.functional.embedding(m.tensor([1, 10]), m.zeros(10, 4)),
    "negative_index": lambda m: m.nn.functional.embedding(m.tensor([1, -1]), m.zeros(10, 4)),
    "padding_idx": lambda m: m.nn.functional.embedding(m.tensor([1]), m.zeros(10, 4), padding_idx=10),
    "1d_weight": lambda m: m.nn.functional.embedding(m.tensor([1]), m.zeros(10)),
}


@pytest.mark.parametrize("case", sorted(EMBEDDING_ERRORS))
def test_embedding_errors_match_torch(case):
    check_error(EMBEDDING_ERRORS[case])


@pytest.mark.parametrize("labels,classes", [([1, 2], -1), ([[0, 3], [2, 2]], 5), (1, 3), ([], 4)])
def test_one_hot_matches_torch(labels, classes):
    check_parity(lambda m, t: m.nn.functional.one_hot(t, classes), [np.array(labels, dtype=np.int64)])


ONE_HOT_ERRORS = {
    "float": lambda m: m.nn.functional.one_hot(m.tensor([1.0, 2.0])),
    "int32": lambda m: m.nn.functional.one_hot(m.tensor([1, 2], dtype=m.int32)),
    "negative": lambda m: m.nn.functional.one_hot(m.tensor([1, -1])),
    "too_large": lambda m: m.nn.functional.one_hot(m.tensor([1, 4]), 3),
    "empty_infer": lambda m: m.nn.functional.one_hot(m.zeros(0, dtype=m.long)),
    "empty_no_classes": lambda m: m.nn.functional.one_hot(m.zeros(0, 3, dtype=m.long), 0),  # not an empty result
    "empty_negative_classes": lambda m: m.nn.functional.one_hot(m.zeros(0, dtype=m.long), -2),
}


@pytest.mark.parametrize("case", sorted(ONE_HOT_ERRORS))
def test_one_hot_errors_match_torch(case):
    check_error(ONE_HOT_ERRORS[case])


# ------------------------------------------------------------------ pad
@pytest.mark.parametrize("pad,value", [((1, 2), None), ((0, 1, 2, 0), 3.5), ((1, -1, -1, 2), -1.0), ((1, 1, 0, 0, 1, 0), 0.0)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_constant_pad_matches_torch(pad, value, dtype):
    check_parity(lambda m, x: m.nn.functional.pad(x, pad, value=value), shapes=[(2, 3, 4)], dtype=dtype)


def test_pad_errors_match_torch():
    check_error(lambda m: m.nn.functional.pad(m.ones(2, 3), (1,)))
    check_error(lambda m: m.nn.functional.pad(m.ones(2, 3), (1, 1, 1, 1, 1, 1)))
    check_error(lambda m: m.nn.functional.gelu(m.ones(2), approximate="foo"))


@pytest.mark.parametrize("weight_shape", [(), (3,), (1, 1, 1)])
@pytest.mark.parametrize("keywords", [{}, {"padding_idx": 0}, {"padding_idx": 1}, {"max_norm": 1.0}])
def test_embedding_of_a_weight_not_2d_is_refused_as_torch(weight_shape, keywords):
    check_error(lambda m: m.nn.functional.embedding(m.tensor([0]), m.ones(weight_shape), **keywords))


def test_cosine_similarity_takes_integers_beside_a_float_and_refuses_them_alone():
    # torch casts only the integer (or bool) input to the common dtype; a float16 one keeps its own norm
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    cos = lambda m: m.nn.functional.cosine_similarity  # noqa: E731
    check_parity(lambda m, b: cos(m)(m.tensor([[1, 2, 0]]), b), [x])
    check_parity(lambda m, a, b: cos(m)(a.half(), b.float()), [x, x[::-1].copy()], requires_grad=[False, False])
    check_error(lambda m: cos(m)(m.tensor([1, 2]), m.tensor([2, 1]), dim=0))
    check_error(lambda m: cos(m)(m.tensor([True]), m.tensor([True]), dim=0))
    check_error(lambda m: cos(m)(m.ones(2, 3, dtype=m.long), m.ones(3, 3, dtype=m.long)))  # dtype before shapes


def test_embedding_takes_padding_idx_0_of_an_empty_table_and_checks_max_norm_rows_as_select():
    """(fuzz: padding_idx=0 of a 0-row weight was refused; with max_norm, an index out of range is torch's renorm
    select() IndexError, smallest first, before the lookup's own check)"""
    check_parity(lambda m: m.nn.functional.embedding(m.tensor([], dtype=m.int64), m.zeros(0, 3), padding_idx=0))
    check_error(lambda m: m.nn.functional.embedding(m.tensor([1]), m.zeros(0, 3), padding_idx=0))
    for indices in ([5, 1], [-3, 1, 7], [1, 1]):
        check_error(lambda m, i=indices: m.nn.functional.embedding(m.tensor(i), m.ones(2 if i != [1, 1] else 0, 3),
                                                                   max_norm=1.0))
    check_error(lambda m: m.nn.functional.embedding(m.tensor([-1, 1]), m.ones(2, 3), max_norm=1.0))
