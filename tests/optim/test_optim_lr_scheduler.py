"""lr schedulers against torch: the lr sequence, get_last_lr, state_dict, and the step-order warning."""
from __future__ import annotations

import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _optimizer(m: object, groups: int = 2) -> object:
    params = [{"params": [m.zeros(2, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    return m.optim.SGD(params, lr=0.1)


SCHEDULES = {
    "StepLR": lambda m, o: m.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "ExponentialLR": lambda m, o: m.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "LambdaLR": lambda m, o: m.optim.lr_scheduler.LambdaLR(o, lambda epoch: 1 / (epoch + 1)),
    "LambdaLR list": lambda m, o: m.optim.lr_scheduler.LambdaLR(o, [lambda e: 0.9**e, lambda e: e // 4 + 1]),
    "MultiStepLR": lambda m, o: m.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "CosineAnnealingLR": lambda m, o: m.optim.lr_scheduler.CosineAnnealingLR(o, T_max=6, eta_min=0.01),
}


def _lr_sequence(m: object, make: object, epochs: int = 20) -> tuple:
    opt = _optimizer(m)
    sched = make(m, opt)
    seq = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr())
    return seq, [g["lr"] for g in opt.param_groups], sched


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_lr_sequence_matches_torch(name: str) -> None:
    torch = require_torch()
    (ours, lr_ours, s_ours), (theirs, lr_theirs, s_theirs) = (_lr_sequence(m, SCHEDULES[name]) for m in (tinygrad_rnn, torch))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a == pytest.approx(b, rel=1e-12)
    assert lr_ours == pytest.approx(lr_theirs, rel=1e-12)
    assert s_ours.last_epoch == s_theirs.last_epoch == 20
    state_ours, state_theirs = s_ours.state_dict(), s_theirs.state_dict()
    assert set(state_ours) == set(state_theirs)
    for key in state_ours:
        if key not in ("lr_lambdas", "_last_lr", "base_lrs"):
            assert state_ours[key] == state_theirs[key], key


@pytest.mark.parametrize("name", ["StepLR", "ExponentialLR", "MultiStepLR", "CosineAnnealingLR"])
def test_step_with_epoch_uses_closed_form_and_warns(name: str) -> None:
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        opt = _optimizer(m)
        sched = SCHEDULES[name](m, opt)
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
            sched.step(7)
        results.append(sched.get_last_lr())
    assert results[0] == pytest.approx(results[1], rel=1e-12)


def test_state_dict_round_trip_resumes() -> None:
    opt = _optimizer(tinygrad_rnn)
    sched = tinygrad_rnn.optim.lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(3):
        opt.step()
        sched.step()
    opt2 = _optimizer(tinygrad_rnn)
    sched2 = tinygrad_rnn.optim.lr_scheduler.StepLR(opt2, step_size=5)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for _ in range(3):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
    assert sched.get_last_lr() == sched2.get_last_lr() and sched2.last_epoch == 6


def _warning_messages(m: object, optimizer_first: bool) -> list:
    opt = _optimizer(m, groups=1)
    sched = m.optim.lr_scheduler.StepLR(opt, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if optimizer_first:
            opt.step()
        sched.step()
        opt.step()
        sched.step()
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("optimizer_first", [True, False])
def test_step_order_warning_matches_torch(optimizer_first: bool) -> None:
    torch = require_torch()
    ours, theirs = _warning_messages(tinygrad_rnn, optimizer_first), _warning_messages(torch, optimizer_first)
    assert ours == theirs
    assert bool(ours) == (not optimizer_first)


def test_get_lr_outside_step_warns_like_torch() -> None:
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        sched = m.optim.lr_scheduler.StepLR(_optimizer(m), 2)
        with pytest.warns(UserWarning) as caught:
            value = sched.get_lr()
        messages.append((value, str(caught[0].message)))
    assert messages[0] == messages[1]


def _plateau_run(m: object, **kw: object) -> list:
    opt = _optimizer(m)
    sched = m.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.8, 0.85, 0.86, 0.87, 0.88, 0.8, 0.7, 0.75, 0.75, 0.9, 0.9, 0.9, 0.9]
    out = []
    for metric in metrics:
        opt.step()
        sched.step(m.tensor(metric) if len(out) % 2 else metric)
        out.append((sched.get_last_lr(), sched.num_bad_epochs, sched.best))
    return out


@pytest.mark.parametrize("kwargs", [dict(patience=1), dict(patience=2, factor=0.5, cooldown=2, min_lr=0.03),
                                    dict(mode="max", patience=1, threshold=0.05, threshold_mode="abs"),
                                    dict(patience=0, min_lr=[0.01, 0.1])])
def test_reduce_lr_on_plateau_matches_torch(kwargs: dict) -> None:
    torch = require_torch()
    ours, theirs = _plateau_run(tinygrad_rnn, **kwargs), _plateau_run(torch, **kwargs)
    for (lr_a, bad_a, best_a), (lr_b, bad_b, best_b) in zip(ours, theirs):
        assert lr_a == pytest.approx(lr_b, rel=1e-12) and bad_a == bad_b and best_a == pytest.approx(best_b)


ERRORS = {
    "plateau factor": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), factor=1.0),
    "plateau mode": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), mode="up"),
    "plateau threshold_mode": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), threshold_mode="x"),
    "plateau min_lrs": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), min_lr=[0.1]),
    "plateau not an optimizer": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(None),
    "not an optimizer": lambda m: m.optim.lr_scheduler.StepLR(3, 2),
    "lambda count": lambda m: m.optim.lr_scheduler.LambdaLR(_optimizer(m), [lambda e: 1.0]),
    "resume without initial_lr": lambda m: m.optim.lr_scheduler.StepLR(_optimizer(m), 2, last_epoch=3),
    "step_size 0": lambda m: m.optim.lr_scheduler.StepLR(_optimizer(m), 0).step(),
}


@pytest.mark.filterwarnings("ignore:Detected call of")
@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def test_schedulers_name_the_lr_scheduler_module_as_torch() -> None:
    """d2l's train loop asks `scheduler.__module__ == torch.optim.lr_scheduler.__name__` to tell torch's
    schedulers from its own callables; ours were named after the file each is written in."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        module = m.optim.lr_scheduler
        names = [n for n in module.__all__ if isinstance(getattr(module, n), type) and n != "Optimizer"]
        assert all(getattr(module, n).__module__ == module.__name__ for n in names + ["_LRScheduler"])
        sched = module.MultiStepLR(_optimizer(m), milestones=[1])
        assert sched.__module__ == module.__name__
