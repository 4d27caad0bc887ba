"""torch.amp (GradScaler, autocast, the torch.cuda.amp spellings) against torch: a scaled training run with an
overflow in it (skipped step, backed-off and grown scale, unscale_ before step), the errors, the state dict, and
the disabled CUDA scaler and autocast with torch's warnings. float64 parameters, so values agree to rounding."""
from __future__ import annotations

import math
import re
import warnings

from helpers import require_torch

import tinygrad_rnn


def _outcome(call):
    try:
        return call()
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return type(e).__name__, str(e)[:80]


def _training(m):
    """Six scaled steps of float64 SGD; the third loss overflows (skipped step, halved scale); the fourth
    unscales by hand first; the scale doubles after every two clean steps."""
    m.manual_seed(0)
    model = m.nn.Linear(3, 2).double()
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    scaler = m.amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
    seen = []
    for it in range(6):
        opt.zero_grad()
        loss = model(m.randn(4, 3, dtype=m.float64)).pow(2).sum() * (float("inf") if it == 2 else 1.0)
        scaled = scaler.scale(loss)
        seen.append((scaled.item(), scaled.grad_fn.name()))
        scaled.backward()
        if it == 3:
            scaler.unscale_(opt)
            seen.append(model.weight.grad.tolist())
            seen.append(_outcome(lambda: scaler.unscale_(opt)))
        seen.append(scaler.step(opt))
        scaler.update()
        seen.append((scaler.get_scale(), scaler.state_dict()))
    seen.append(model.weight.tolist())
    seen.append(_outcome(lambda: scaler.step(opt, closure=lambda: 0)))
    scaler.update(8.0)
    restored = m.amp.GradScaler("cpu")
    restored.load_state_dict(scaler.state_dict())
    seen.append((scaler.get_scale(), restored.state_dict()))
    return seen


def _errors(m):
    scaled_without_grads = m.amp.GradScaler("cpu")
    scaled_without_grads.scale(m.ones(1))
    no_grads = m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=1)
    return [_outcome(call) for call in (
        lambda: m.amp.GradScaler("cpu", growth_factor=1.0), lambda: m.amp.GradScaler("cpu", backoff_factor=1.0),
        lambda: m.amp.GradScaler("cpu").update(), lambda: m.amp.GradScaler("cpu").load_state_dict({}),
        lambda: scaled_without_grads.step(no_grads), lambda: m.autocast(3), lambda: m.autocast("xyz"))]


def _disabled(m):
    loss = m.ones(1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = m.amp.GradScaler()
        seen = [scaler.is_enabled(), scaler.get_scale(), scaler.state_dict(), scaler.scale(loss) is loss,
                m.cuda.amp.GradScaler().is_enabled()]
        with m.autocast("cuda"):
            pass
        with m.cuda.amp.autocast():
            pass
        with m.autocast("cpu", enabled=False):
            seen.append(m.is_autocast_enabled())
    return seen + [(w.category.__name__, str(w.message)) for w in caught]


def _close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def test_grad_scaler_and_autocast_behave_as_torch():
    torch = require_torch()
    for script in (_training, _errors, _disabled):
        ours, theirs = script(tinygrad_rnn), script(torch)
        assert len(ours) == len(theirs)
        for n, (a, b) in enumerate(zip(ours, theirs)):
            assert _close(a, b), (script.__name__, n, a, b)


def test_cpu_autocast_is_named_as_not_built():
    import pytest
    with pytest.raises(NotImplementedError, match="bfloat16"):
        with tinygrad_rnn.autocast("cpu"):
            pass


def test_the_top_level_grad_scaler_is_amps():
    """torch.GradScaler("cpu") (torch 2.3's spelling, in newer tutorials) is torch.amp.GradScaler."""
    torch = require_torch()
    assert (tinygrad_rnn.GradScaler is tinygrad_rnn.amp.GradScaler) == (torch.GradScaler is torch.amp.GradScaler)


def _printed_amp_objects(m):
    """print() of the scalers and autocast contexts, addresses left out (the cuda ones warn: ignored here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        objects = [m.amp.GradScaler(), m.cuda.amp.GradScaler(), m.autocast("cpu", enabled=False),
                   m.amp.autocast("cuda", enabled=False), m.cuda.amp.autocast(enabled=False),
                   m.cpu.amp.autocast(enabled=False), m.cpu.amp.GradScaler()]
    return [re.sub("0x[0-9a-f]+", "0x?", repr(o)) for o in objects]


def test_scalers_and_autocast_print_as_torchs():
    torch = require_torch()
    assert _printed_amp_objects(tinygrad_rnn) == _printed_amp_objects(torch)


def _cpu_amp_spellings(m):
    """torch.cpu.amp (Intel's bfloat16 tutorials): each call warns that it is deprecated, then acts as torch.amp's."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = m.cpu.amp.GradScaler(init_scale=8.0)
        seen = [scaler.is_enabled(), scaler.get_scale(), scaler.scale(m.ones(1)).item()]
        with m.cpu.amp.autocast(enabled=False) as ctx:
            seen += [m.is_autocast_enabled("cpu"), str(ctx.fast_dtype)]
        with m.cpu.amp.autocast(dtype=m.float64):  # not a dtype CPU autocast takes: it warns and disables itself
            seen.append(m.is_autocast_enabled("cpu"))
    return seen + [(w.category.__name__, str(w.message)) for w in caught]


def test_cpu_amp_spellings_warn_and_act_as_torchs():
    torch = require_torch()
    assert _cpu_amp_spellings(tinygrad_rnn) == _cpu_amp_spellings(torch)


def test_cpu_amp_autocast_enabled_is_not_implemented():
    import pytest
    with pytest.warns(FutureWarning, match="torch.cpu.amp.autocast"), pytest.raises(NotImplementedError,
                                                                                   match="bfloat16"):
        tinygrad_rnn.cpu.amp.autocast()
