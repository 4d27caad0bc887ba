"""The RNN family's constructors and forwards show torch's parameters (issue 16), and binding bad
arguments still fails exactly as in torch."""
import inspect
import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

# torch 2.13 declares RNN, LSTM and GRU as `__init__(self, *args, **kwargs)`; these are the
# parameters its documentation gives them (and its RNNBase binds them in this order).
DOCUMENTED = {
    "RNN": [("input_size", inspect.Parameter.empty), ("hidden_size", inspect.Parameter.empty), ("num_layers", 1),
            ("nonlinearity", "tanh"), ("bias", True), ("batch_first", False), ("dropout", 0.0),
            ("bidirectional", False), ("device", None), ("dtype", None)],
    "LSTM": [("input_size", inspect.Parameter.empty), ("hidden_size", inspect.Parameter.empty), ("num_layers", 1),
             ("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False), ("proj_size", 0),
             ("device", None), ("dtype", None)],
    "GRU": [("input_size", inspect.Parameter.empty), ("hidden_size", inspect.Parameter.empty), ("num_layers", 1),
            ("bias", True), ("batch_first", False), ("dropout", 0.0), ("bidirectional", False), ("device", None),
            ("dtype", None)],
}


def _parameters(fn):
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values() if p.name != "self"]


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_multilayer_constructors_show_the_documented_parameters_with_types(name):
    signature = inspect.signature(getattr(tinygrad_rnn.nn, name).__init__)
    assert _parameters(getattr(tinygrad_rnn.nn, name).__init__) == DOCUMENTED[name]
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values() if p.name != "self")
    assert "input_size" in _help_text(getattr(tinygrad_rnn.nn, name))


@pytest.mark.parametrize("name", ["RNNBase", "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU"])
def test_parameter_names_and_defaults_equal_torchs_where_torch_declares_them(name):
    torch = require_torch()
    ours, theirs = getattr(tinygrad_rnn.nn, name), getattr(torch.nn, name)
    if _parameters(theirs.__init__) != [("args", inspect.Parameter.empty), ("kwargs", inspect.Parameter.empty)]:
        assert _parameters(ours.__init__) == _parameters(theirs.__init__)
    if name != "RNNBase":  # torch's RNNBase.forward is the abstract `*input`
        assert _parameters(ours.forward) == _parameters(theirs.forward)
    signature = inspect.signature(ours.forward)
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values() if p.name != "self")


def _help_text(cls):
    import pydoc

    return pydoc.render_doc(cls, renderer=pydoc.plaintext)


BINDING_CASES = {
    "RNN()": lambda m: m.nn.RNN(),
    "RNN(4)": lambda m: m.nn.RNN(4),
    "RNN(foo)": lambda m: m.nn.RNN(4, 2, foo=1),
    "RNN(nonlinearity twice)": lambda m: m.nn.RNN(4, 2, 1, "relu", nonlinearity="tanh"),
    "RNN(mode)": lambda m: m.nn.RNN(4, 2, mode="LSTM"),
    "RNN(too many)": lambda m: m.nn.RNN(4, 2, 1, "tanh", True, False, 0.0, False, 0, None, None, 1),
    "LSTM()": lambda m: m.nn.LSTM(),
    "LSTM(4)": lambda m: m.nn.LSTM(4),
    "LSTM(foo)": lambda m: m.nn.LSTM(4, 2, foo=1),
    "LSTM(nonlinearity)": lambda m: m.nn.LSTM(4, 2, nonlinearity="tanh"),
    "LSTM(too many)": lambda m: m.nn.LSTM(4, 2, 1, True, False, 0.0, False, 0, None, None, 1),
    "GRU()": lambda m: m.nn.GRU(),
    "GRU(4)": lambda m: m.nn.GRU(4),
    "GRU(foo)": lambda m: m.nn.GRU(4, 2, foo=1),
    "GRU(proj_size)": lambda m: m.nn.GRU(4, 2, proj_size=0),
    "RNNCell()": lambda m: m.nn.RNNCell(),
    "LSTMCell(foo)": lambda m: m.nn.LSTMCell(4, 2, foo=1),
    "GRUCell(too many)": lambda m: m.nn.GRUCell(4, 2, True, None, None, 1),
    "RNN.forward()": lambda m: m.nn.RNN(4, 2)(),
    "LSTM.forward(3 args)": lambda m: m.nn.LSTM(4, 2)(m.zeros(3, 4), None, None),
}


@pytest.mark.parametrize("case", sorted(BINDING_CASES))
def test_argument_binding_errors_match_torch(case):
    def build(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return BINDING_CASES[case](m)

    check_error(build)


def test_positional_and_keyword_calls_bind_as_torchs():
    rnn = tinygrad_rnn.nn.RNN(4, 8, 2)
    assert (rnn.input_size, rnn.hidden_size, rnn.num_layers) == (4, 8, 2)
    lstm = tinygrad_rnn.nn.LSTM(4, 8, 2, False, True, 0.0, True, 3)
    assert (lstm.bias, lstm.batch_first, lstm.bidirectional, lstm.proj_size) == (False, True, True, 3)
    gru = tinygrad_rnn.nn.GRU(input_size=4, hidden_size=8, bidirectional=True)
    assert gru.bidirectional is True and gru.mode == "GRU"
