"""Transformer encoder/decoder layers, stacks and nn.Transformer against torch: seeded weights,
outputs and every gradient in train mode (dropout masks drawn as torch draws them) and eval mode."""
import inspect
import warnings

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import TOL, check_error, check_parity, require_torch

import tinygrad_rnn

# Several layers of float32 attention and LayerNorm: allow a few float32 roundings per layer.
F32_STACK = dict(rtol=2e-4, atol=2e-5)

MODELS = {
    "encoder, batch first": lambda m: m.nn.TransformerEncoder(
        m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True), 2),
    "encoder, norm first, gelu string, final norm": lambda m: m.nn.TransformerEncoder(
        m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, activation="gelu", norm_first=True), 2,
        norm=m.nn.LayerNorm(8)),
    "decoder layer, callable activation": lambda m: m.nn.TransformerDecoderLayer(
        8, 2, 16, dropout=0.2, activation=m.nn.functional.silu),
    "transformer": lambda m: m.nn.Transformer(8, 2, 2, 2, 16, dropout=0.2),
    "transformer, batch first, norm first, no bias": lambda m: m.nn.Transformer(
        8, 2, 1, 2, 16, dropout=0.1, batch_first=True, norm_first=True, bias=False),
}


def _run(m, name, dtype, train, masks):
    m.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor's warning; tested on its own below
        model = MODELS[name](m)
    model = model.to(m.float64 if dtype == np.float64 else m.float32).train(train)
    batch_first = "batch first" in name or name.startswith("encoder, batch")
    rng = np.random.default_rng(2)
    src = m.tensor(rng.standard_normal((2, 5, 8) if batch_first else (5, 2, 8)).astype(dtype), requires_grad=True)
    tgt = m.tensor(rng.standard_normal((2, 4, 8) if batch_first else (4, 2, 8)).astype(dtype), requires_grad=True)
    mask_dtype = m.float64 if dtype == np.float64 else m.float32
    padding = m.tensor(np.array([[False] * 4 + [True], [False] * 5]))
    m.manual_seed(5)
    if name.startswith("encoder"):
        kwargs = dict(mask=m.nn.Transformer.generate_square_subsequent_mask(5, dtype=mask_dtype),
                      src_key_padding_mask=padding) if masks else {}
        out = model(src, **kwargs)
    else:
        kwargs = dict(tgt_mask=m.nn.Transformer.generate_square_subsequent_mask(4, dtype=mask_dtype),
                      memory_key_padding_mask=padding) if masks else {}
        out = model(tgt, src, **kwargs) if name.startswith("decoder") else model(src, tgt, **kwargs)
    out.backward(m.tensor(rng.standard_normal(tuple(out.shape)).astype(dtype)))
    return model, [out, src.grad, tgt.grad] + [p.grad for p in model.parameters()]


@pytest.mark.filterwarnings("ignore:Support for mismatched")  # bool padding with a float mask: both warn
@pytest.mark.parametrize("masks", [False, True])
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(MODELS))
def test_transformer_models_match_torch(name, dtype, train, masks):
    torch = require_torch()
    ours_model, ours = _run(tinygrad_rnn, name, dtype, train, masks)
    theirs_model, theirs = _run(torch, name, dtype, train, masks)
    ours_state, theirs_state = ours_model.state_dict(), theirs_model.state_dict()
    assert list(ours_state) == list(theirs_state)
    for key in theirs_state:
        np.testing.assert_array_equal(ours_state[key].numpy(), theirs_state[key].numpy(), err_msg=key)
    tol = TOL[np.float64] if dtype == np.float64 else F32_STACK
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert (a is None) == (b is None), i
        if b is not None:
            assert str(a.dtype) == str(b.dtype)
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), err_msg=f"result {i}", **tol)


def test_default_sizes_match_torch():
    """torch's defaults (d_model=512, nhead=8, 6 + 6 layers, ...); a full default model draws 44M
    weights, too slow for a unit test, so the defaults are compared as signatures."""
    torch = require_torch()
    for name in ["Transformer", "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
                 "TransformerDecoder"]:
        ours, theirs = (inspect.signature(getattr(m.nn, name)).parameters for m in (tinygrad_rnn, torch))
        assert list(ours) == list(theirs), name
        for arg in theirs:
            default = theirs[arg].default
            if arg == "activation":
                assert ours[arg].default is tinygrad_rnn.nn.functional.relu and default is torch.nn.functional.relu
            else:
                assert ours[arg].default == default, (name, arg)


def test_transformer_repr_and_parameter_names_match_torch():
    torch = require_torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = (m.nn.Transformer(16, 4, 2, 1, 32) for m in (tinygrad_rnn, torch))
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_square_subsequent_mask_matches_torch():
    torch = require_torch()
    for dtype in [None, "float64"]:
        ours = tinygrad_rnn.nn.Transformer.generate_square_subsequent_mask(
            4, dtype=None if dtype is None else tinygrad_rnn.float64)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(
            4, dtype=None if dtype is None else torch.float64)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert str(ours.dtype) == str(theirs.dtype)


def test_enable_nested_tensor_warning_matches_torch():
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8), 1)
        messages.append([str(w.message) for w in caught if "enable_nested_tensor" in str(w.message)])
    assert messages[0] == messages[1] and messages[0]


ERRORS = {
    "unknown activation": lambda m: m.nn.TransformerEncoderLayer(4, 2, 8, activation="tanh"),
    "batch sizes differ": lambda m: m.nn.Transformer(4, 2, 1, 1, 8)(m.zeros(3, 2, 4), m.zeros(3, 1, 4)),
    "wrong d_model": lambda m: m.nn.Transformer(4, 2, 1, 1, 8)(m.zeros(3, 2, 5), m.zeros(3, 2, 5)),
    "int mask": lambda m: m.nn.TransformerEncoderLayer(4, 2, 8)(m.zeros(3, 2, 4), src_mask=m.zeros(3, 3, dtype=m.int64)),
}


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
@pytest.mark.parametrize("case", list(ERRORS))
def test_transformer_errors_match_torch(case):
    check_error(ERRORS[case])


def test_unbatched_input_and_custom_encoder_match_torch():
    """2-D (unbatched) src/tgt through a Transformer whose encoder is a user's module."""
    def fn(m, src, tgt):
        m.manual_seed(0)
        encoder = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 1,
                                          enable_nested_tensor=False)
        model = m.nn.Transformer(8, 2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0,
                                 custom_encoder=encoder).double()
        mask = m.nn.Transformer.generate_square_subsequent_mask(4, dtype=m.float64)
        return model(src, tgt, tgt_mask=mask, tgt_is_causal=True)

    check_parity(fn, shapes=[(5, 8), (4, 8)])


NESTED_CASES = {  # (padding rows, mask_check, fast path on): torch's inference fast path runs a nested tensor
    "prefix padding": ([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], True, True),
    "all padding in a row": ([[1, 1, 1, 1, 1], [0, 0, 0, 0, 1]], True, True),
    "padding not at the end": ([[0, 1, 0, 1, 1], [0, 0, 0, 0, 0]], True, True),
    "... without mask_check: the first k positions": ([[0, 1, 0, 1, 1], [0, 0, 0, 0, 0]], False, True),
    "fast path off": ([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], True, False),
}


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("case", list(NESTED_CASES))
def test_encoder_inference_with_padding_is_zero_where_torchs_nested_path_pads(case, grad):
    """In eval mode with no gradient wanted, torch runs a batch_first encoder over a padded batch as a
    nested tensor: the output is 0 at the padding (then the final norm), the rest as usual."""
    torch = require_torch()
    rows, mask_check, fastpath = NESTED_CASES[case]
    outs = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        encoder = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2,
                                          norm=m.nn.LayerNorm(8), mask_check=mask_check).eval()
        with m.no_grad():
            encoder.norm.bias.fill_(0.5)
        x = m.tensor(np.random.default_rng(1).standard_normal((2, 5, 8)), dtype=m.float32)
        m.backends.mha.set_fastpath_enabled(fastpath)
        try:
            with m.set_grad_enabled(grad):
                outs.append(encoder(x, src_key_padding_mask=m.tensor(rows).bool()).detach().numpy())
        finally:
            m.backends.mha.set_fastpath_enabled(True)
    np.testing.assert_allclose(outs[0], outs[1], **TOL[np.float32])


def test_nested_path_warns_once_per_process_with_torchs_text():
    require_torch()
    program = ("import warnings, {} as m\nwarnings.simplefilter('always')\n"
               "enc = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1).eval()\n"
               "padding = m.tensor([[False, True], [False, False]])\n"
               "with m.no_grad():\n    enc(m.ones(2, 2, 4), src_key_padding_mask=padding)\n"
               "    enc(m.ones(2, 2, 4), src_key_padding_mask=padding)\n")
    stderr = fresh_stderr(program)
    warned = [[line.split("UserWarning: ", 1)[1] for line in text.splitlines() if "UserWarning: " in line]
              for text in stderr]
    assert warned[0] == warned[1] and len(warned[1]) == 1
