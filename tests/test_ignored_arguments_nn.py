"""Arguments torch accepts that we used to accept and ignore (issue 14): each now works as torch's
or raises NotImplementedError naming it. Every behaviour is measured against torch."""
import numpy as np
import pytest

import tinygrad_rnn
from tests.helpers import check_error, check_parity, require_torch


# ------------------------------------------------------------ load_state_dict(assign=True)
def _assign_outcome(m, weight_dtype, weight_as_parameter, module_requires_grad):
    """Load with assign=True; report what the module holds afterwards (identity, type, dtype, grad flag)."""
    layer = m.nn.Linear(3, 2)
    layer.weight.requires_grad_(module_requires_grad)
    rng = np.random.default_rng(0)
    weight = m.tensor(rng.standard_normal((2, 3)), dtype=weight_dtype)
    if weight_as_parameter:
        weight = m.nn.Parameter(weight, requires_grad=not module_requires_grad)
    bias = m.tensor(rng.standard_normal(2)).float()
    result = layer.load_state_dict({"weight": weight, "bias": bias}, assign=True)
    return dict(
        result=repr(result),
        weight_is_given=layer.weight is weight,
        bias_is_given=layer.bias is bias,
        shares_memory=np.shares_memory(layer.weight.detach().numpy(), weight.detach().numpy()),
        weight_type=type(layer.weight).__name__, bias_type=type(layer.bias).__name__,
        dtype=str(layer.weight.dtype), requires_grad=layer.weight.requires_grad,
        in_parameters=[p is layer.weight for p in layer.parameters()],
        values=layer.weight.detach().numpy().tolist(),
    )


@pytest.mark.parametrize("weight_dtype", ["float32", "float64"])
@pytest.mark.parametrize("weight_as_parameter", [False, True])
@pytest.mark.parametrize("module_requires_grad", [True, False])
def test_load_state_dict_assign_keeps_the_given_tensors(weight_dtype, weight_as_parameter, module_requires_grad):
    torch = require_torch()
    ours = _assign_outcome(tinygrad_rnn, getattr(tinygrad_rnn, weight_dtype), weight_as_parameter, module_requires_grad)
    theirs = _assign_outcome(torch, getattr(torch, weight_dtype), weight_as_parameter, module_requires_grad)
    assert ours == theirs


def test_load_state_dict_assign_a_buffer_keeps_the_tensor_and_its_dtype():
    require_torch()

    def outcome(m):
        norm = m.nn.BatchNorm1d(2)
        mean = m.tensor([0.25, -1.5], dtype=m.float64)
        norm.load_state_dict({**norm.state_dict(), "running_mean": mean}, assign=True)
        return norm.running_mean is mean, str(norm.running_mean.dtype), type(norm.running_mean).__name__

    assert outcome(tinygrad_rnn) == outcome(require_torch())


def test_load_state_dict_assign_into_an_rnn_is_used_by_forward():
    """RNN keeps a list of its weights for the forward pass; an assigned weight must be in it."""
    check_parity(lambda m, w, x: (_rnn_with_assigned_weight(m, w)(x)[0]), shapes=[(3, 2), (4, 1, 2)])


def _rnn_with_assigned_weight(m, weight):
    m.manual_seed(0)
    rnn = m.nn.RNN(2, 3).double()
    rnn.load_state_dict({**rnn.state_dict(), "weight_ih_l0": weight}, assign=True)
    return rnn


def test_load_state_dict_assign_gradient_reaches_the_new_parameter():
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        layer = m.nn.Linear(3, 2).double()
        weight = m.tensor(np.arange(6.0).reshape(2, 3))
        layer.load_state_dict({"weight": weight, "bias": m.zeros(2, dtype=m.float64)}, assign=True)
        (layer(m.tensor(np.ones((4, 3)))) * m.tensor(np.linspace(-1, 1, 8).reshape(4, 2))).sum().backward()
        grads.append((layer.weight.grad.numpy(), weight.grad))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    assert grads[0][1] is None and grads[1][1] is None  # the given tensor itself is not the leaf


@pytest.mark.parametrize("case", ["shape", "int dtype", "missing", "unexpected"])
def test_load_state_dict_assign_errors_match_torch(case):
    def load(m):
        layer = m.nn.Linear(3, 2)
        old_bias = layer.bias
        state = {"weight": m.zeros(2, 3), "bias": m.zeros(2)}
        if case == "shape":
            state["bias"] = m.zeros(3)
        elif case == "int dtype":
            state["weight"] = m.zeros(2, 3, dtype=m.int64)
        elif case == "missing":
            del state["bias"]
        else:
            state["extra"] = m.zeros(1)
        try:
            layer.load_state_dict(state, assign=True)
        finally:
            assert layer.bias is old_bias or case not in ("shape", "int dtype")
    check_error(load)


def test_load_state_dict_assign_refuses_values_it_cannot_keep():
    """Without assign we copy numpy arrays in (an extension); with assign there is no tensor to keep,
    so we give torch's error, which torch gives for any non-tensor."""
    def load(m, assign):
        layer = m.nn.Linear(3, 2)
        layer.load_state_dict({"weight": np.zeros((2, 3), np.float32), "bias": m.zeros(2)}, assign=assign)
    check_error(load, True)
    load(tinygrad_rnn, False)
