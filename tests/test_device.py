"""torch.device as the "Changing default device" recipe uses it: a context manager, and
set_default_device / get_default_device around it."""
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _default_device_recipe(m):
    with m.device("cpu") as d:
        inside = (repr(d), m.nn.Linear(2, 3).weight.device.type, m.zeros(2).device.type, str(m.get_default_device()))
    m.set_default_device("cpu")
    chosen = str(m.get_default_device())
    m.set_default_device(None)
    return inside, chosen, str(m.get_default_device())


def test_a_cpu_device_is_a_context_manager_as_torchs():
    torch = require_torch()
    assert _default_device_recipe(tinygrad_rnn) == _default_device_recipe(torch)


def test_entering_a_device_we_do_not_have_raises():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        with tinygrad_rnn.device("cuda"):
            pass


@pytest.mark.parametrize("call", [lambda m: m.device(0), lambda m: m.device(-1), lambda m: m.device(3, 0),
                                  lambda m: m.ones(2).to(0), lambda m: m.nn.Linear(2, 2).to(1),
                                  lambda m: m.zeros(2, device=0), lambda m: m.zeros(2, device=-1),
                                  lambda m: m.tensor([1.0], device=0)])
def test_an_int_device_is_an_accelerator_index_as_in_torch(call):
    """model.to(0) and device=0 name the current accelerator's index: torch's error says there is none, where
    ours read '0' as a device type."""
    check_error(call)


# forum mistakes: a dtype given where the device goes (`x.to("float32")`), "cuda0", "gpu:0", "cuda:01"
@pytest.mark.parametrize("text", ["float32", "torch.float64", "cuda0", "gpu0", "cpu1", "cpu ", "cu-da", "1cpu",
                                  "cuda:01", "cuda:-1", "cuda:", "cuda:0:1", ":0", "", "gpu:0", "gpu:x", "Cuda"])
@pytest.mark.parametrize("where", ["device", "to", "factory", "module"])
def test_a_device_string_is_parsed_with_torchs_errors(text, where):
    calls = {"device": lambda m: m.device(text), "to": lambda m: m.zeros(1).to(text),
             "factory": lambda m: m.zeros(1, device=text), "module": lambda m: m.nn.Linear(1, 1).to(text)}
    check_error(calls[where])


@pytest.mark.parametrize("bad", [1.5, None, True, [0], ("cpu",)])
@pytest.mark.parametrize("call", [
    lambda m, d: m.zeros(2, device=d), lambda m, d: m.tensor([1.0], device=d), lambda m, d: m.randn(2, device=d),
    lambda m, d: m.arange(3, device=d), lambda m, d: m.zeros_like(m.ones(1), device=d),
    lambda m, d: m.ones(1).to(device=d), lambda m, d: m.ones(1).to("cpu", device=d),
    lambda m, d: m.nn.Linear(1, 1, device=d), lambda m, d: m.nn.LSTM(1, 1, device=d),
    lambda m, d: m.ones(1).new_zeros(2, device=d), lambda m, d: m.device(d)])
def test_a_device_argument_of_the_wrong_type_is_torchs_parser_error(call, bad):
    try:  # None is a valid device= everywhere but in torch.device(None)
        call(require_torch(), bad)
    except TypeError:
        check_error(call, bad)
    else:
        call(tinygrad_rnn, bad)


@pytest.mark.parametrize("number", [1.5, True, False])
def test_to_reads_a_number_as_a_tensor_of_its_type_as_torch(number):
    torch = require_torch()
    assert repr(tinygrad_rnn.ones(1).to(number).dtype) == repr(torch.ones(1).to(number).dtype)
