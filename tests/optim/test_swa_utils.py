"""optim.swa_utils against torch: averaged weights (SWA, EMA, custom), buffers, update_bn, SWALR."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _model(m: object) -> object:
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4), m.nn.Tanh(), m.nn.Linear(4, 2))
    return model.double()


def _perturb(model: object, rng: np.random.Generator) -> None:
    """Move the model's weights and buffers, as training would."""
    for tensor in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
        tensor.data = tensor.data + tensor.data.new_tensor(rng.standard_normal(tuple(tensor.shape)) * 0.1)


def _averages(m: object, how: str) -> tuple:
    model = _model(m)
    swa = m.optim.swa_utils
    kwargs = {
        "swa": {},
        "ema multi": dict(multi_avg_fn=swa.get_ema_multi_avg_fn(0.9)),
        "ema one": dict(avg_fn=swa.get_ema_avg_fn(0.8)),
        "swa multi": dict(multi_avg_fn=swa.get_swa_multi_avg_fn()),
        "swa one": dict(avg_fn=swa.get_swa_avg_fn()),
        "buffers": dict(use_buffers=True),
    }[how]
    averaged = swa.AveragedModel(model, **kwargs)
    rng = np.random.default_rng(1)
    for _ in range(5):
        _perturb(model, rng)
        averaged.update_parameters(model)
    state = averaged.state_dict()
    return {k: v.detach().numpy().copy() for k, v in state.items()}, int(averaged.n_averaged)


@pytest.mark.parametrize("how", ["swa", "ema multi", "ema one", "swa multi", "swa one", "buffers"])
def test_averaged_model_matches_torch(how: str) -> None:
    torch = require_torch()
    (ours, n_ours), (theirs, n_theirs) = _averages(tinygrad_rnn, how), _averages(torch, how)
    assert list(ours) == list(theirs) and n_ours == n_theirs == 5
    for key in theirs:
        assert ours[key].dtype == theirs[key].dtype, key
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-12, atol=1e-14, err_msg=key)


def _update_bn(m: object) -> dict:
    model = _model(m)
    rng = np.random.default_rng(2)
    batches = [m.tensor(rng.standard_normal((6, 3))) for _ in range(4)]
    loader = [(b, m.zeros(6)) for b in batches[:2]] + batches[2:]  # tuples contribute their first element
    model.eval()
    m.optim.swa_utils.update_bn(loader, model)
    bn = model[1]
    return dict(training=model.training, momentum=bn.momentum, mean=bn.running_mean.numpy().copy(),
                var=bn.running_var.numpy().copy(), count=int(bn.num_batches_tracked))


def test_update_bn_matches_torch() -> None:
    torch = require_torch()
    ours, theirs = _update_bn(tinygrad_rnn), _update_bn(torch)
    assert (ours["training"], ours["momentum"], ours["count"]) == (theirs["training"], theirs["momentum"],
                                                                    theirs["count"]) == (False, 0.1, 4)
    np.testing.assert_allclose(ours["mean"], theirs["mean"], rtol=1e-12)
    np.testing.assert_allclose(ours["var"], theirs["var"], rtol=1e-12)


def _swalr(m: object, **kwargs: object) -> list:
    opt = m.optim.SGD([{"params": [m.zeros(2, requires_grad=True)]}, {"params": [m.zeros(1, requires_grad=True)],
                                                                       "lr": 0.3}], lr=0.5)
    sched = m.optim.swa_utils.SWALR(opt, **kwargs)
    seq = [sched.get_last_lr()]
    for _ in range(12):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr())
    state = {k: v for k, v in sched.state_dict().items() if k != "anneal_func"}
    return seq, state


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05), dict(swa_lr=[0.05, 0.01], anneal_epochs=4,
                                                             anneal_strategy="linear"),
                                    dict(swa_lr=0.1, anneal_epochs=0)])
def test_swalr_sequence_equals_torch_exactly(kwargs: dict) -> None:
    torch = require_torch()
    assert _swalr(tinygrad_rnn, **kwargs) == _swalr(torch, **kwargs)


ERRORS = {
    "ema decay": lambda m: m.optim.swa_utils.get_ema_multi_avg_fn(1.5),
    "ema one decay": lambda m: m.optim.swa_utils.get_ema_avg_fn(-0.1),
    "both fns": lambda m: m.optim.swa_utils.AveragedModel(m.nn.Linear(2, 2), avg_fn=m.optim.swa_utils.get_swa_avg_fn(),
                                                          multi_avg_fn=m.optim.swa_utils.get_swa_multi_avg_fn()),
    "swalr strategy": lambda m: m.optim.swa_utils.SWALR(m.optim.SGD([m.zeros(1, requires_grad=True)]), 0.1,
                                                        anneal_strategy="exp"),
    "swalr epochs": lambda m: m.optim.swa_utils.SWALR(m.optim.SGD([m.zeros(1, requires_grad=True)]), 0.1,
                                                      anneal_epochs=-1),
    "swalr lr count": lambda m: m.optim.swa_utils.SWALR(m.optim.SGD([m.zeros(1, requires_grad=True)]), [0.1, 0.2]),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def _averaged_forward_backward(m: object) -> tuple:
    model = _model(m)
    averaged = m.optim.swa_utils.AveragedModel(model)
    rng = np.random.default_rng(4)
    for _ in range(3):
        _perturb(model, rng)
        averaged.update_parameters(model)
    x = m.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    out = averaged(x)
    out.backward(m.tensor(rng.standard_normal((5, 2))))
    grads = {name: p.grad.numpy().copy() for name, p in averaged.named_parameters()}
    return out.detach().numpy(), x.grad.numpy().copy(), grads


def test_averaged_model_forward_and_every_gradient_match_torch() -> None:
    torch = require_torch()
    (out_a, gx_a, g_a), (out_b, gx_b, g_b) = (_averaged_forward_backward(m) for m in (tinygrad_rnn, torch))
    np.testing.assert_allclose(out_a, out_b, rtol=1e-12)
    np.testing.assert_allclose(gx_a, gx_b, rtol=1e-10, atol=1e-12)
    assert list(g_a) == list(g_b)
    for name in g_b:
        np.testing.assert_allclose(g_a[name], g_b[name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_averaged_model_passes_gradcheck_in_float64() -> None:
    m = tinygrad_rnn
    model = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 2)).double()
    averaged = m.optim.swa_utils.AveragedModel(model, multi_avg_fn=m.optim.swa_utils.get_ema_multi_avg_fn(0.5))
    averaged.update_parameters(model)
    with m.no_grad():
        model[0].weight.mul_(0.5)
    averaged.update_parameters(model)
    x = m.tensor(np.random.default_rng(5).standard_normal((4, 3)), requires_grad=True)
    assert m.autograd.gradcheck(lambda inp: averaged(inp), (x,))
