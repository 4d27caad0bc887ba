"""Optimizer hooks against torch: which hooks run, in what order, with what arguments, and what
their return values change. Each scenario records a log on both frameworks and compares the logs."""
from __future__ import annotations

import importlib

import pytest
from helpers import require_torch

import tinygrad_rnn


def _optimizer(m: object) -> object:
    p = m.tensor([1.0, -2.0], requires_grad=True)
    p.grad = m.tensor([0.5, 0.25])
    return m.optim.SGD([p], lr=0.1, momentum=0.5)


def _step_hooks_log(m: object) -> list:
    log: list = []
    opt = _optimizer(m)
    opt_module = importlib.import_module(m.__name__ + ".optim.optimizer")

    def record(tag: str) -> object:
        # args hold the optimiser itself first (torch passes the method's full args)
        return lambda o, a, k: log.append((tag, type(o).__name__, len(a), a[0] is o, a[1:], k))

    handles = [
        opt_module.register_optimizer_step_pre_hook(record("global pre")),
        opt_module.register_optimizer_step_post_hook(record("global post")),
        opt.register_step_pre_hook(record("pre")),
        opt.register_step_post_hook(record("post")),
    ]
    try:
        opt.step()
        opt.step(closure=None)
        handles[2].remove()
        with handles[3]:  # leaving the block removes it, as torch's handle does
            opt.step()
        opt.step()
    finally:
        for h in handles:
            h.remove()
    opt.step()  # no hooks at all now
    return log


def test_step_hooks_run_in_torchs_order() -> None:
    torch = require_torch()
    assert _step_hooks_log(tinygrad_rnn) == _step_hooks_log(torch)


def _replacing_pre_hook_log(m: object) -> tuple:
    opt = _optimizer(m)
    calls = []

    def closure() -> float:
        calls.append("closure")
        return 3.0

    opt.register_step_pre_hook(lambda o, a, k: ((o,), {"closure": closure}))  # the hook swaps in a closure
    loss = opt.step()
    return loss, calls, opt.param_groups[0]["params"][0].tolist()


def test_a_pre_hook_can_replace_the_arguments_like_torch() -> None:
    torch = require_torch()
    assert _replacing_pre_hook_log(tinygrad_rnn) == _replacing_pre_hook_log(torch)


def test_a_pre_hook_returning_junk_raises_runtimeerror_like_torch() -> None:
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        opt = _optimizer(m)
        opt.register_step_pre_hook(lambda o, a, k: "junk")
        with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwargs\), but got junk"):
            opt.step()


def test_hooks_run_once_for_a_subclass_step_calling_super() -> None:
    log = []

    class Logged(tinygrad_rnn.optim.SGD):
        def step(self, closure: object = None) -> object:
            log.append("subclass step")
            return super().step(closure)

    p = tinygrad_rnn.ones(2, requires_grad=True)
    p.grad = tinygrad_rnn.ones(2)
    opt = Logged([p], lr=0.1)
    opt.register_step_pre_hook(lambda o, a, k: log.append("pre"))
    opt.register_step_post_hook(lambda o, a, k: log.append("post"))
    opt.step()
    assert log == ["pre", "subclass step", "post"]
    assert p.tolist() == pytest.approx([0.9, 0.9])


def _state_dict_hooks_log(m: object) -> list:
    log: list = []
    opt = _optimizer(m)
    opt.step()
    opt.register_state_dict_pre_hook(lambda o: log.append("pre A"))
    opt.register_state_dict_pre_hook(lambda o: log.append("pre B"), prepend=True)
    opt.register_state_dict_post_hook(lambda o, sd: log.append(("post A", sorted(sd))))

    def add_note(o: object, sd: dict) -> dict:
        log.append("post B")
        return {**sd, "note": "saved"}

    opt.register_state_dict_post_hook(add_note, prepend=True)
    saved = opt.state_dict()
    log.append(sorted(saved))

    def load_pre(o: object, sd: dict) -> dict:
        log.append(("load pre", sorted(sd)))
        sd = dict(sd)
        sd.pop("note")
        sd["param_groups"] = [dict(g, lr=0.5) for g in sd["param_groups"]]
        return sd

    opt.register_load_state_dict_pre_hook(load_pre)
    opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("load pre first"), prepend=True)
    opt.register_load_state_dict_post_hook(lambda o: log.append(("load post", o.param_groups[0]["lr"])))
    opt.register_load_state_dict_post_hook(lambda o: log.append("load post first"), prepend=True)
    opt.load_state_dict(saved)
    log.append(("saved dict untouched", sorted(saved), saved["param_groups"][0]["lr"]))
    return log


def test_state_dict_hooks_run_in_torchs_order_and_can_replace_the_dict() -> None:
    torch = require_torch()
    assert _state_dict_hooks_log(tinygrad_rnn) == _state_dict_hooks_log(torch)


def test_hooks_survive_load_state_dict_and_unpickled_optimizers_start_without() -> None:
    import pickle

    opt = _optimizer(tinygrad_rnn)
    log = []
    opt.register_step_post_hook(lambda o, a, k: log.append("post"))
    opt.load_state_dict(opt.state_dict())
    opt.step()
    assert log == ["post"]
    state = pickle.loads(pickle.dumps(opt.__getstate__()))
    fresh = object.__new__(type(opt))
    fresh.__setstate__(state)
    assert fresh._optimizer_step_post_hooks == {}
