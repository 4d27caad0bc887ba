"""Dropout1d/2d/3d, AlphaDropout and FeatureAlphaDropout against torch. Our random stream is
torch's, and the draws follow torch's CPU recipe, so after the same manual_seed the outputs,
the gradients and the stream state afterwards are identical (not just statistically alike)."""
import warnings

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

DTYPES = [np.float64, np.float32]
F = lambda m: m.nn.functional  # noqa: E731

CASES = [
    ("dropout1d", (4, 6, 3)), ("dropout1d", (6, 3)), ("dropout2d", (4, 6, 3, 2)), ("dropout2d", (4, 6, 3)),
    ("dropout3d", (2, 6, 3, 2, 2)), ("dropout3d", (6, 3, 2, 2)), ("alpha_dropout", (4, 6, 3)),
    ("feature_alpha_dropout", (4, 6, 3)),
]


def _seeded(fn, seed=11):
    """fn run on each framework right after manual_seed(seed)."""
    def run(m, *args):
        m.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dropout2d's 3-D warning, on both
            return fn(m, *args)
    return run


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,shape", CASES)
@pytest.mark.parametrize("p", [0.3, 0.8])
def test_seeded_dropout_variant_equals_torch_bit_for_bit(name, shape, p, dtype):
    torch = require_torch()
    check_parity(_seeded(lambda m, x: getattr(F(m), name)(x, p, training=True)), shapes=[shape], dtype=dtype,
                 tol=dict(rtol=0, atol=0))
    np.testing.assert_array_equal(tinygrad_rnn.rand(4).numpy(), torch.rand(4).numpy())  # same stream state after


@pytest.mark.parametrize("name,shape", CASES)
def test_inplace_dropout_variant_equals_torch(name, shape):
    check_parity(_seeded(lambda m, x: getattr(F(m), name)(x * 1, 0.4, training=True, inplace=True)), shapes=[shape],
                 tol=dict(rtol=0, atol=0))


@pytest.mark.parametrize("name,shape", CASES)
def test_dropout_variant_is_identity_in_eval_or_p0_and_zero_at_p1(name, shape):
    x = tinygrad_rnn.randn(*shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = getattr(tinygrad_rnn.nn.functional, name)
        np.testing.assert_array_equal(fn(x, 0.5, training=False).numpy(), x.numpy())
        np.testing.assert_array_equal(fn(x, 0.0, training=True).numpy(), x.numpy())
    check_parity(_seeded(lambda m, x: getattr(F(m), name)(x, 1.0, training=True)), shapes=[shape])


def test_channel_dropout_drops_whole_channels_and_alpha_dropout_keeps_mean_and_variance():
    tinygrad_rnn.manual_seed(0)
    out = tinygrad_rnn.nn.functional.dropout2d(tinygrad_rnn.ones(8, 16, 3, 3), 0.5).numpy()
    per_channel = out.reshape(8, 16, 9)
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    assert (per_channel.min(-1) == per_channel.max(-1)).all()  # a channel is kept or dropped as a whole
    x = tinygrad_rnn.randn(200, 500, dtype=tinygrad_rnn.float64)
    y = tinygrad_rnn.nn.functional.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02


LAYERS = [
    lambda m: m.nn.Dropout1d(), lambda m: m.nn.Dropout2d(0.3), lambda m: m.nn.Dropout3d(0.2, inplace=True),
    lambda m: m.nn.AlphaDropout(0.1), lambda m: m.nn.FeatureAlphaDropout(0.4, True),
]


@pytest.mark.parametrize("make", LAYERS)
def test_dropout_variant_layers_match_torch_in_training_and_eval(make):
    torch = require_torch()
    ours, theirs = make(tinygrad_rnn), make(torch)
    assert repr(ours) == repr(theirs)
    shape = (2, 4, 3, 2, 2) if "3d" in repr(ours) else (3, 4, 5)
    run = _seeded(lambda m, x: (ours if m is tinygrad_rnn else theirs)(x * 1))
    check_parity(run, shapes=[shape], tol=dict(rtol=0, atol=0))
    ours.eval()
    theirs.eval()
    check_parity(run, shapes=[shape])


def test_dropout2d_warns_as_torch_for_3d_input():
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        tinygrad_rnn.nn.functional.dropout2d(tinygrad_rnn.randn(2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        tinygrad_rnn.nn.functional.dropout2d(tinygrad_rnn.randn(2, 3))


@pytest.mark.parametrize("call", [
    lambda m: F(m).dropout1d(m.zeros(2, 3, 4, 5)),
    lambda m: F(m).dropout1d(m.zeros(2, 3), 1.5),
    lambda m: F(m).alpha_dropout(m.zeros(2, 3), -0.1),
    lambda m: F(m).feature_alpha_dropout(m.zeros(3), 0.5, True),
    lambda m: m.nn.Dropout2d(2.0),
    lambda m: m.nn.AlphaDropout(-1),
])
def test_dropout_variant_errors_match_torch(call):
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.nn.Dropout(None), lambda m: m.nn.Dropout2d(None), lambda m: m.nn.AlphaDropout(None),
    lambda m: m.nn.Dropout("a"), lambda m: F(m).dropout(m.ones(2), None), lambda m: F(m).dropout2d(m.ones(1, 2, 2), None),
    lambda m: m.nn.functional.layer_norm(m.ones(2, 3), 3)])
def test_wrong_argument_types_fail_in_torchs_words(call):
    """torch's dropout modules compare p with the ints 0 and 1 (the functions with floats), so p=None
    is named in a TypeError saying 'int' there; F.layer_norm refuses an int normalized_shape, which only
    the LayerNorm module takes."""
    check_error(call)


def test_dropout_variant_of_integers_is_refused_as_in_torch():
    check_error(lambda m: F(m).dropout2d(m.ones(1, 2, 4, 4, dtype=m.int64), training=True))


# forum mistake: F.dropout(x, p, training="train") or training=1; torch's parser wants a bool (p is checked first)
@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.dropout(m.ones(2), 0.5, training=1),
    lambda m: m.nn.functional.dropout(m.ones(2), 0.5, training=None),
    lambda m: m.nn.functional.dropout(m.ones(2), 0.5, training="yes", inplace=True),
    lambda m: m.nn.functional.dropout(m.ones(2), 1.5, training="yes"),
    # the variants: the kernel torch's parser names (feature_/alpha_, in place or not, unbatched in place too)
    lambda m: m.nn.functional.dropout1d(m.ones(3, 4), 0.5, "t", inplace=True),
    lambda m: m.nn.functional.dropout1d(m.ones(2, 3, 4), 0.5, m.tensor(True)),
    lambda m: m.nn.functional.dropout2d(m.ones(2, 3, 4, 4), 0.5, 0, True),
    lambda m: m.nn.functional.dropout3d(m.ones(2, 3, 4, 4, 4), 0.5, None),
    lambda m: m.nn.functional.alpha_dropout(m.ones(3), 0.5, 1, inplace=True),
    lambda m: m.nn.functional.feature_alpha_dropout(m.ones(2, 3), 0.5, "x"),
])
def test_a_training_flag_that_is_no_bool_is_torchs_type_error(call):
    check_error(call)
