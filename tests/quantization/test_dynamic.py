"""Dynamic quantization (torch's "Dynamic Quantization on an LSTM Word Language Model" tutorial) against torch:
the quantized Linear and LSTM give torch's numbers to float32 rounding, the quantized weights are torch's
integers exactly, and reprs, state_dict keys and errors are torch's."""
import warnings

import numpy as np
import pytest

import tinygrad_rnn
from tests.helpers import check_error, require_torch


@pytest.fixture(autouse=True, scope="module")
def _use_up_the_once_per_process_warning():
    """Quantizing warns once per process in torch (TORCH_WARN_ONCE) as here. Some tests below quantize with one
    framework only: use up both warnings first, so that a tutorial run later in this process sees the same."""
    torch = require_torch()
    for fw in (tinygrad_rnn, torch):
        _quiet(fw.quantize_per_tensor, fw.ones(1), 1.0, 0, fw.qint8)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _both_linear(in_features, out_features, bias=True, seed=0):
    """The same nn.Linear in both frameworks, each quantized with quantize_dynamic."""
    torch = require_torch()
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, (out_features, in_features)).astype(np.float32)
    b = rng.uniform(-1, 1, out_features).astype(np.float32)
    quantized = []
    for fw in (tinygrad_rnn, torch):
        m = fw.nn.Linear(in_features, out_features, bias=bias)
        with fw.no_grad():
            m.weight.copy_(fw.tensor(w))
            if bias:
                m.bias.copy_(fw.tensor(b))
        quantized.append(_quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(m), {fw.nn.Linear},
                                dtype=fw.qint8)[0])
    return quantized


@pytest.mark.parametrize("shape, scale, shift, bias", [((4, 7), 1.0, 0.0, True), ((3, 2, 30), 0.01, 0.0, False),
                                                        ((5, 30), 20.0, 30.0, True), ((6, 30), 1.0, -3.0, True),
                                                        ((2, 30), 0.0, 0.0, True)])
def test_linear_matches_torch(shape, scale, shift, bias):
    torch = require_torch()
    ours, theirs = _both_linear(shape[-1], 9, bias=bias)
    x = (np.random.default_rng(1).standard_normal(shape) * scale + shift).astype(np.float32)
    np.testing.assert_array_equal(ours.weight().int_repr().numpy(), theirs.weight().int_repr().numpy())
    assert ours.weight().q_scale() == theirs.weight().q_scale()
    np.testing.assert_allclose(ours(tinygrad_rnn.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


def test_activation_rounding_ties_go_to_even_after_adding_the_zero_point():
    """x/scale lands on k + 0.5: fbgemm rounds zero_point + x/scale (fused) half to even."""
    torch = require_torch()
    ours, theirs = _both_linear(8, 8, bias=False)
    x = np.array([[-63.5, -0.25, -0.75, -1.25, 0.25, 0.75, 1.25, 2.25]], np.float32)
    np.testing.assert_allclose(ours(tinygrad_rnn.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)


def _language_model(fw, seed=0):
    """The tutorial's LSTMModel, small: Embedding -> LSTM -> Linear, with shared random weights."""
    class LSTMModel(fw.nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = fw.nn.Dropout(0.5)
            self.encoder = fw.nn.Embedding(50, 16)
            self.rnn = fw.nn.LSTM(16, 32, 2, dropout=0.5)
            self.decoder = fw.nn.Linear(32, 50)

        def forward(self, x, hidden):
            output, hidden = self.rnn(self.drop(self.encoder(x)), hidden)
            return self.decoder(self.drop(output)), hidden

    model = LSTMModel()
    rng = np.random.default_rng(seed)
    with fw.no_grad():
        for p in model.parameters():
            p.copy_(fw.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)))
    return model


def test_lstm_language_model_matches_torch():
    torch = require_torch()
    tokens = np.random.default_rng(2).integers(0, 50, (7, 3))
    hidden = np.random.default_rng(3).standard_normal((2, 2, 3, 32)).astype(np.float32)
    results = []
    for fw in (tinygrad_rnn, torch):
        q = _quiet(fw.quantization.quantize_dynamic, _language_model(fw), {fw.nn.LSTM, fw.nn.Linear},
                   dtype=fw.qint8)
        out, (h, c) = q(fw.tensor(tokens), (fw.tensor(hidden[0]), fw.tensor(hidden[1])))
        results.append([t.detach().numpy() for t in (out, h, c)] + [repr(q), list(q.state_dict())])
    for a, b in zip(*results):
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        else:
            assert a == b


@pytest.mark.parametrize("kind, kwargs", [("LSTM", dict(batch_first=True)),
                                          ("LSTM", dict(bidirectional=True, num_layers=2)),
                                          ("GRU", dict(num_layers=2)), ("GRU", dict(bidirectional=True))])
def test_lstm_and_gru_options_match_torch(kind, kwargs):
    torch = require_torch()
    x = np.random.default_rng(4).standard_normal((3, 5, 6)).astype(np.float32)
    results = []
    for fw in (tinygrad_rnn, torch):
        fw.manual_seed(0)
        lstm = getattr(fw.nn, kind)(6, 4, **kwargs)
        rng = np.random.default_rng(5)
        with fw.no_grad():
            for p in lstm.parameters():
                p.copy_(fw.tensor(rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)))
        q = _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(lstm), {type(lstm)}, dtype=fw.qint8)[0]
        out, state = q(fw.tensor(x))
        states = state if kind == "LSTM" else (state,)
        results.append([t.numpy() for t in (out, *states)] + [repr(q), list(q.state_dict())])
    for a, b in zip(*results):
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
        else:
            assert a == b


def test_reprs_and_state_dict_match_torch():
    torch = require_torch()
    ours, theirs = _both_linear(3, 2)
    assert repr(ours) == repr(theirs)
    assert repr(ours.weight()) == repr(theirs.weight())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.state_dict()["_packed_params.dtype"] is tinygrad_rnn.qint8
    assert repr(ours.bias()) == repr(theirs.bias())
    assert repr(ours._packed_params) == repr(theirs._packed_params)
    assert [name for name, _ in ours.named_modules()] == [name for name, _ in theirs.named_modules()]
    assert list(ours.parameters()) == [] == list(theirs.parameters())
    assert isinstance(torch, object)


def test_quantize_dynamic_copies_and_sets_eval_unless_inplace():
    model = tinygrad_rnn.nn.Sequential(tinygrad_rnn.nn.Linear(3, 2))
    q = _quiet(tinygrad_rnn.quantization.quantize_dynamic, model, {tinygrad_rnn.nn.Linear})
    assert q is not model and model.training and not q.training
    assert type(model[0]) is tinygrad_rnn.nn.Linear
    same = _quiet(tinygrad_rnn.quantization.quantize_dynamic, model, {tinygrad_rnn.nn.Linear}, inplace=True)
    assert same is model and type(model[0]).__name__ == "Linear" and repr(model[0]).startswith("DynamicQuantized")


def test_quantize_dynamic_warns_as_torch():
    torch = require_torch()
    caught = {}
    for fw in (tinygrad_rnn, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fw.quantization.quantize_dynamic(fw.nn.Sequential(fw.nn.Linear(3, 2)), {fw.nn.Linear})
        caught[fw] = [(x.category, str(x.message)) for x in w if x.category is DeprecationWarning]
    assert caught[tinygrad_rnn] == caught[torch][:1]  # torch's convert() warns a second time, from inside torch


def test_errors_match_torch():
    ours, _ = _both_linear(3, 2)
    check_error(lambda fw: _both_linear(3, 2)[fw is not tinygrad_rnn](fw.ones(2, 3, dtype=fw.float64)))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Linear(2, 2), {fw.nn.Linear},
                                  dtype=fw.float32))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Linear(2, 2), None, dtype=fw.float32))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(fw.nn.LSTM(2, 3)),
                                  {fw.nn.LSTM})[0](fw.ones(4, 2)))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(fw.nn.LSTM(2, 3)),
                                  {fw.nn.LSTM})[0](fw.ones(4, 1, 2), (fw.zeros(1, 2, 3), fw.zeros(1, 1, 3))))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(fw.nn.GRU(2, 3)),
                                  {fw.nn.GRU})[0](fw.ones(4, 1, 2), fw.zeros(1, 2, 3)))
    check_error(lambda fw: _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(fw.nn.LSTM(2, 3)),
                                  {fw.nn.LSTM})[0](fw.ones(4, 1, 5)))


def test_what_is_not_built_raises_not_implemented():
    nn = tinygrad_rnn.nn
    with pytest.raises(NotImplementedError, match="float16"):
        _quiet(tinygrad_rnn.quantization.quantize_dynamic, nn.Sequential(nn.Linear(2, 2)), dtype=tinygrad_rnn.float16)
    with pytest.raises(NotImplementedError, match="GRUCell"):
        _quiet(tinygrad_rnn.quantization.quantize_dynamic, nn.Sequential(nn.GRUCell(2, 2)), {nn.GRUCell})


def test_saved_quantized_state_dict_loads_in_torch_with_torch_outputs():
    """torch.save writes the quantized weights as torch does (_rebuild_qtensor, ScriptObject states)."""
    import io
    torch = require_torch()
    rng = np.random.default_rng(6)
    arrays = None
    files = {}
    for fw in (tinygrad_rnn, torch):
        m = fw.nn.Sequential(fw.nn.LSTM(3, 4, bidirectional=True), fw.nn.Linear(8, 2))
        arrays = arrays or [rng.uniform(-1, 1, tuple(p.shape)).astype(np.float32) for p in m.parameters()]
        with fw.no_grad():
            for p, a in zip(m.parameters(), arrays):
                p.copy_(fw.tensor(a))
        q = _quiet(fw.quantization.quantize_dynamic, m, {fw.nn.LSTM, fw.nn.Linear}, dtype=fw.qint8)
        files[fw] = io.BytesIO()
        fw.save(q.state_dict(), files[fw])
        files[fw].seek(0)
    x = torch.tensor(rng.standard_normal((5, 2, 3)).astype(np.float32))
    outputs = []
    for fw in (tinygrad_rnn, torch):
        loaded = _quiet(torch.quantization.quantize_dynamic, torch.nn.Sequential(torch.nn.LSTM(3, 4, bidirectional=True),
                        torch.nn.Linear(8, 2)), {torch.nn.LSTM, torch.nn.Linear}, dtype=torch.qint8)
        loaded.load_state_dict(torch.load(files[fw], weights_only=False))
        outputs.append(loaded[1](loaded[0](x)[0]).numpy())
    np.testing.assert_array_equal(outputs[0], outputs[1])


@pytest.mark.parametrize("module", ["Linear", "LSTM", "GRU"])
def test_backward_warns_and_gives_no_gradient_as_torch(module):
    """torch's quantized ops have no autograd kernel: the output requires grad under a WarnNotImplemented
    node, and backward warns, naming the op, and leaves x.grad None."""
    torch = require_torch()
    seen = []
    for fw in (tinygrad_rnn, torch):
        layer = getattr(fw.nn, module)(3, 2)
        q = _quiet(fw.quantization.quantize_dynamic, fw.nn.Sequential(layer), {type(layer)})[0]
        x = fw.ones(1, 2, 3, requires_grad=True)
        out = q(x)
        out = out[0] if isinstance(out, tuple) else out
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out.sum().backward()
        seen.append((out.requires_grad, out.grad_fn.name(), x.grad, [str(w.message) for w in caught]))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("dtype, scale, zero_point", [("qint8", 0.1, 3), ("quint8", 0.05, 128), ("qint32", 0.1, -7),
                                                      ("qint8", 1.0, 0)])
def test_quantize_per_tensor_matches_torch(dtype, scale, zero_point):
    """Ties (x/scale = k + 0.5) round half to even after the zero point is added; values past the range clamp."""
    torch = require_torch()
    x = np.array([[-1.0, 0.0, 0.25, 0.35, 0.5, 1.5, 2.5], [1.234, -2.5, 12.7, -13.0, 300.0, -300.0, 0.05]], np.float32)
    shown = []
    for fw in (tinygrad_rnn, torch):
        q = _quiet(fw.quantize_per_tensor, fw.tensor(x), scale, zero_point, getattr(fw, dtype))
        shown.append((repr(q), repr(q.int_repr()), repr(q.dequantize()), q.q_scale(), q.q_zero_point(),
                      repr(q.qscheme()), repr(q.dtype), tuple(q.shape)))
    assert shown[0] == shown[1]


def test_quantized_engine_as_torch():
    torch = require_torch()
    quantized = tinygrad_rnn.backends.quantized
    assert (quantized.engine, quantized.supported_engines) == (torch.backends.quantized.engine,
                                                               torch.backends.quantized.supported_engines)
    check_error(lambda fw: setattr(fw.backends.quantized, "engine", "bogus"))
    ours, _ = _both_linear(3, 2)
    quantized.engine = "fbgemm"
    try:
        ours(tinygrad_rnn.ones(1, 3))
        quantized.engine = "qnnpack"  # its rounding differs from fbgemm's: refused rather than approximated
        with pytest.raises(NotImplementedError, match="qnnpack"):
            ours(tinygrad_rnn.ones(1, 3))
    finally:
        quantized.engine = "x86"
