"""Every lr scheduler against torch: the lr (and momentum) sequence, exactly, as floats.

Each case builds the same optimiser and scheduler in both frameworks, steps both 30 times
(optimizer first, as torch asks) and compares every `get_last_lr()` and every group's lr and
momentum with `==`: the schedules are plain Python float arithmetic, so they must agree to the bit.
state_dicts are compared key by key (callables excepted).
"""
from __future__ import annotations

import copy
import re
import warnings

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

EPOCHS = 30
ADDRESS = re.compile(r"0x[0-9a-f]+")  # object addresses differ from run to run


def _optimizer(m: object, name: str = "SGD", groups: int = 2) -> object:
    params = [{"params": [m.zeros(2, requires_grad=True)], "lr": 0.1 * (i + 1)} for i in range(groups)]
    if name == "SGD":
        return m.optim.SGD(params, lr=0.1, momentum=0.9)
    return getattr(m.optim, name)(params, lr=0.1)


class Scale:
    """A callable object (not a function): its attributes travel in the state_dict."""

    def __init__(self, factor: float) -> None:
        self.factor = factor

    def __call__(self, epoch: int) -> float:
        return self.factor ** (epoch % 4)


def _sched(m: object) -> object:
    return m.optim.lr_scheduler


SCHEDULES = {
    "MultiplicativeLR": lambda m, o: _sched(m).MultiplicativeLR(o, lambda e: 0.95),
    "MultiplicativeLR list": lambda m, o: _sched(m).MultiplicativeLR(o, [lambda e: 0.9, Scale(0.97)]),
    "ConstantLR": lambda m, o: _sched(m).ConstantLR(o),
    "ConstantLR factor": lambda m, o: _sched(m).ConstantLR(o, factor=0.3, total_iters=7),
    "LinearLR": lambda m, o: _sched(m).LinearLR(o),
    "LinearLR down": lambda m, o: _sched(m).LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12),
    "PolynomialLR": lambda m, o: _sched(m).PolynomialLR(o),
    "PolynomialLR power": lambda m, o: _sched(m).PolynomialLR(o, total_iters=20, power=2.5),
    "CosineAnnealingWarmRestarts": lambda m, o: _sched(m).CosineAnnealingWarmRestarts(o, T_0=7),
    "CosineAnnealingWarmRestarts mult": lambda m, o: _sched(m).CosineAnnealingWarmRestarts(o, 3, T_mult=2,
                                                                                           eta_min=0.001),
    "CyclicLR": lambda m, o: _sched(m).CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR triangular2": lambda m, o: _sched(m).CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=3, step_size_down=5,
                                                            mode="triangular2"),
    "CyclicLR exp_range": lambda m, o: _sched(m).CyclicLR(o, 0.01, 0.1, 5, mode="exp_range", gamma=0.95,
                                                          base_momentum=0.7, max_momentum=0.95),
    "CyclicLR scale_fn": lambda m, o: _sched(m).CyclicLR(o, 0.01, 0.1, 4, scale_fn=Scale(0.5),
                                                         scale_mode="iterations", cycle_momentum=False),
    "OneCycleLR": lambda m, o: _sched(m).OneCycleLR(o, max_lr=1.0, total_steps=EPOCHS),
    "OneCycleLR linear three_phase": lambda m, o: _sched(m).OneCycleLR(
        o, max_lr=[1.0, 0.5], epochs=6, steps_per_epoch=5, pct_start=0.4, anneal_strategy="linear",
        three_phase=True, div_factor=10.0, final_div_factor=100.0),
    "SequentialLR": lambda m, o: _sched(m).SequentialLR(
        o, [_sched(m).LinearLR(o, 0.1, total_iters=5), _sched(m).ExponentialLR(o, 0.9)], milestones=[5]),
    "SequentialLR three": lambda m, o: _sched(m).SequentialLR(
        o, [_sched(m).ConstantLR(o, 0.5, total_iters=3), _sched(m).StepLR(o, 4, 0.5),
            _sched(m).CosineAnnealingLR(o, 6)], milestones=[3, 12]),
    "ChainedScheduler": lambda m, o: _sched(m).ChainedScheduler(
        [_sched(m).ConstantLR(o, 0.1, total_iters=4), _sched(m).ExponentialLR(o, 0.9)]),
    "ChainedScheduler with optimizer": lambda m, o: _sched(m).ChainedScheduler(
        [_sched(m).LinearLR(o, 0.5, total_iters=6), _sched(m).MultiStepLR(o, [3, 9], 0.5)], optimizer=o),
}
ADAM_SCHEDULES = {"CyclicLR", "OneCycleLR", "CyclicLR exp_range"}  # these move Adam's beta1 instead


def _run(m: object, make: object, optimizer_name: str) -> tuple:
    opt = _optimizer(m, optimizer_name)
    sched = make(m, opt)
    key = "betas" if optimizer_name == "Adam" else "momentum"
    seq = [(sched.get_last_lr(), [g["lr"] for g in opt.param_groups], [g[key] for g in opt.param_groups])]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        seq.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups], [g[key] for g in opt.param_groups]))
    return seq, sched


def _plain_state(state: dict) -> dict:
    """A scheduler state_dict without what cannot be compared across frameworks (functions, bound methods)."""
    skip = {"_scale_fn_ref", "lr_lambdas"}
    out = {}
    for key, value in state.items():
        if key in skip:
            continue
        if key == "_schedulers":
            value = [_plain_state(s) for s in value]
        out[key] = value
    return out


CASES = [(name, "SGD") for name in SCHEDULES] + [(name, "Adam") for name in sorted(ADAM_SCHEDULES)]


@pytest.mark.parametrize("name,optimizer_name", CASES, ids=[f"{n}-{o}" for n, o in CASES])
def test_sequence_equals_torch_exactly(name: str, optimizer_name: str) -> None:
    torch = require_torch()
    (ours, s_ours), (theirs, s_theirs) = (_run(m, SCHEDULES[name], optimizer_name) for m in (tinygrad_rnn, torch))
    for epoch, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"{name} epoch {epoch}: {a} != torch's {b}"
    assert getattr(s_ours, "last_epoch", None) == getattr(s_theirs, "last_epoch", None)
    state_ours, state_theirs = _plain_state(s_ours.state_dict()), _plain_state(s_theirs.state_dict())
    assert list(state_ours) == list(state_theirs)
    assert state_ours == state_theirs


@pytest.mark.parametrize("name", ["MultiplicativeLR list", "CyclicLR scale_fn"])
def test_callable_objects_keep_their_state_like_torch(name: str) -> None:
    torch = require_torch()
    saved = []
    for m in (tinygrad_rnn, torch):
        _, sched = _run(m, SCHEDULES[name], "SGD")
        state = sched.state_dict()
        saved.append(state.get("lr_lambdas", state.get("_scale_fn_custom")))
    assert saved[0] == saved[1]


CLOSED_FORMS = ["ConstantLR factor", "LinearLR down", "PolynomialLR power"]


@pytest.mark.parametrize("name", CLOSED_FORMS)
@pytest.mark.parametrize("epoch", [2, 9, 25])
def test_step_with_epoch_uses_the_closed_form_like_torch(name: str, epoch: int) -> None:
    torch = require_torch()
    lrs = []
    for m in (tinygrad_rnn, torch):
        opt = _optimizer(m)
        sched = SCHEDULES[name](m, opt)
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter"):
            sched.step(epoch)
        lrs.append(sched.get_last_lr())
    assert lrs[0] == lrs[1]


@pytest.mark.parametrize("epochs", [[0.5, 1.5, 2.25, 3.0, 9.5, 20.0], [7, 3, 14, 40]])
@pytest.mark.parametrize("t_mult", [1, 2, 3])
def test_warm_restarts_fractional_epochs_like_torch(epochs: list, t_mult: int) -> None:
    torch = require_torch()
    seqs = []
    for m in (tinygrad_rnn, torch):
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=t_mult, eta_min=0.01)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # stepping with an epoch is documented here: no deprecation warning
            for epoch in epochs:
                opt.step()
                sched.step(epoch)
                seq.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        seqs.append(seq)
    assert seqs[0] == seqs[1]


def test_one_cycle_past_the_end_raises_like_torch() -> None:
    def run(m: object) -> None:
        opt = _optimizer(m)
        sched = m.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=3)
        for _ in range(4):
            opt.step()
            sched.step()

    check_error(run)


@pytest.mark.parametrize("name", ["SequentialLR three", "ChainedScheduler", "CyclicLR triangular2", "OneCycleLR",
                                  "CosineAnnealingWarmRestarts mult"])
def test_state_dict_round_trip_resumes_the_sequence(name: str) -> None:
    """Save after 10 epochs, load into fresh objects, continue: the same lrs as never stopping."""
    m = tinygrad_rnn
    full, _ = _run(m, SCHEDULES[name], "SGD")
    opt = _optimizer(m)
    sched = SCHEDULES[name](m, opt)
    for _ in range(10):
        opt.step()
        sched.step()
    saved_opt, saved_sched = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    opt2 = _optimizer(m)
    sched2 = SCHEDULES[name](m, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    for epoch in range(11, EPOCHS + 1):
        opt2.step()
        sched2.step()
        assert sched2.get_last_lr() == full[epoch][0], epoch


def test_tensor_lr_is_updated_in_place_like_torch() -> None:
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        lr = m.tensor(0.5, dtype=m.float64)
        opt = m.optim.SGD([m.zeros(2, requires_grad=True)], lr=lr)
        sched = m.optim.lr_scheduler.StepLR(opt, 2, gamma=0.5)
        seq = []
        for _ in range(5):
            opt.step()
            sched.step()
            last = sched.get_last_lr()[0]
            seq.append((float(lr), float(last), last is not lr))
        results.append(seq)
    assert results[0] == results[1]
    assert all(not_aliased for _, _, not_aliased in results[0])


@pytest.mark.parametrize("name", ["SequentialLR", "OneCycleLR", "ChainedScheduler"])
def test_print_shows_torchs_class_path(name: str) -> None:
    """`print(scheduler)` is Python's default object repr, with torch's module path in it."""
    torch = require_torch()
    texts = [ADDRESS.sub("0x?", repr(SCHEDULES[name](m, _optimizer(m)))) for m in (tinygrad_rnn, torch)]
    assert texts[0] == texts[1]


def test_print_of_a_users_scheduler_names_its_own_module() -> None:
    class Halving(tinygrad_rnn.optim.lr_scheduler.LRScheduler):
        def get_lr(self) -> list:
            return [group["lr"] / 2 for group in self.optimizer.param_groups]

    assert repr(Halving(_optimizer(tinygrad_rnn))).startswith(f"<{__name__}.{Halving.__qualname__} object at 0x")


def test_lr_scheduler_names_match_torch() -> None:
    torch = require_torch()
    public = {n for n in dir(torch.optim.lr_scheduler) if not n.startswith("_") and n[0].isupper()}
    public -= {"Any", "Counter", "Literal", "Self", "SupportsFloat", "TypedDict", "Tensor", "TYPE_CHECKING"}
    missing = {n for n in public if not hasattr(tinygrad_rnn.optim.lr_scheduler, n)}
    assert not missing


def _bad_sequential(m: object, kind: str) -> object:
    opt = _optimizer(m)
    other = _optimizer(m)
    s = m.optim.lr_scheduler
    if kind == "empty":
        return s.SequentialLR(opt, [], [])
    if kind == "milestones":
        return s.SequentialLR(opt, [s.StepLR(opt, 2), s.StepLR(opt, 3)], [1, 2])
    if kind == "plateau":
        return s.SequentialLR(opt, [s.StepLR(opt, 2), s.ReduceLROnPlateau(opt)], [2])
    if kind == "chained plateau":
        return s.ChainedScheduler([s.StepLR(opt, 2), s.ReduceLROnPlateau(opt)])
    if kind == "chained empty":
        return s.ChainedScheduler([])
    if kind == "no optimizer":
        return s.SequentialLR(opt, [s.StepLR(opt, 2), object()], [2])
    return s.ChainedScheduler([s.StepLR(opt, 2), s.StepLR(other, 2)])


ERRORS = {
    "constant factor": lambda m: m.optim.lr_scheduler.ConstantLR(_optimizer(m), factor=1.5),
    "linear start": lambda m: m.optim.lr_scheduler.LinearLR(_optimizer(m), start_factor=0),
    "linear end": lambda m: m.optim.lr_scheduler.LinearLR(_optimizer(m), end_factor=1.5),
    "multiplicative not callable": lambda m: m.optim.lr_scheduler.MultiplicativeLR(_optimizer(m), 0.9),
    "multiplicative count": lambda m: m.optim.lr_scheduler.MultiplicativeLR(_optimizer(m), [lambda e: 1.0]),
    "warm T_0": lambda m: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(m), 0),
    "warm T_0 float": lambda m: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(m), 2.0),
    "warm T_mult": lambda m: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(m), 2, T_mult=0),
    "warm eta_min": lambda m: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(m), 2, eta_min="0"),
    "warm negative epoch": lambda m: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(_optimizer(m), 2).step(-1),
    "cyclic mode": lambda m: m.optim.lr_scheduler.CyclicLR(_optimizer(m), 0.1, 1.0, mode="sine"),
    "cyclic not optimizer": lambda m: m.optim.lr_scheduler.CyclicLR(None, 0.1, 1.0),
    "cyclic no momentum": lambda m: m.optim.lr_scheduler.CyclicLR(_optimizer(m, "Adagrad"), 0.1, 1.0),
    "cyclic base_lr count": lambda m: m.optim.lr_scheduler.CyclicLR(_optimizer(m), [0.1], 1.0),
    "onecycle nothing": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0),
    "onecycle total_steps": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0, total_steps=0),
    "onecycle epochs": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0, epochs=0, steps_per_epoch=2),
    "onecycle steps_per_epoch": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0, epochs=2,
                                                                         steps_per_epoch=-1),
    "onecycle pct_start": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0, 10, pct_start=1),
    "onecycle anneal": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m), 1.0, 10, anneal_strategy="exp"),
    "onecycle no momentum": lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m, "Adagrad"), 1.0, 10),
    "sequential empty": lambda m: _bad_sequential(m, "empty"),
    "sequential milestones": lambda m: _bad_sequential(m, "milestones"),
    "sequential plateau": lambda m: _bad_sequential(m, "plateau"),
    "sequential no optimizer": lambda m: _bad_sequential(m, "no optimizer"),
    "chained plateau": lambda m: _bad_sequential(m, "chained plateau"),
    "chained empty": lambda m: _bad_sequential(m, "chained empty"),
}


@pytest.mark.filterwarnings("ignore:Detected call of")
@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case: str) -> None:
    check_error(ERRORS[case])


def test_chained_with_two_optimizers_raises_valueerror_like_torch() -> None:
    """The message names the optimizer's repr (which differs by nature); type and start must agree."""
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
            _bad_sequential(m, "two optimizers")


def _warnings_of_a_careless_loop(m: object, name: str) -> list:
    """scheduler.step() before optimizer.step(), then get_lr() outside step: the messages torch gives."""
    opt = _optimizer(m)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched = SCHEDULES[name](m, opt)
        for _ in range(3):
            sched.step()
            opt.step()
        inner = getattr(sched, "_schedulers", [sched])[-1]
        inner.get_lr()
    return [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_warnings_match_torch(name: str) -> None:
    torch = require_torch()
    ours, theirs = _warnings_of_a_careless_loop(tinygrad_rnn, name), _warnings_of_a_careless_loop(torch, name)
    assert ours == theirs
    assert any("get_last_lr" in message for _, message in ours)  # the get_lr() warning is always there


def test_scheduler_signatures_match_torch() -> None:
    import inspect

    torch = require_torch()
    for module_name in ("lr_scheduler", "swa_utils"):
        theirs_module, ours_module = getattr(torch.optim, module_name), getattr(tinygrad_rnn.optim, module_name)
        for name in dir(theirs_module):
            theirs = getattr(theirs_module, name)
            if name.startswith("_") or not callable(theirs) or not getattr(theirs, "__module__", "").startswith(
                    f"torch.optim.{module_name}"):
                continue
            ours = getattr(ours_module, name)
            target_t, target_o = (theirs.__init__, ours.__init__) if inspect.isclass(theirs) else (theirs, ours)
            params_t = [(p.name, p.kind, p.default) for p in inspect.signature(target_t).parameters.values()]
            params_o = [(p.name, p.kind, p.default) for p in inspect.signature(target_o).parameters.values()]
            assert params_o == params_t, f"{module_name}.{name}"


def _two_schedulers_on_one_optimizer(m: object) -> list:
    """Without ChainedScheduler: each scheduler's chainable form builds on the lr the other left."""
    opt = _optimizer(m)
    s = m.optim.lr_scheduler
    first, second = s.LinearLR(opt, 0.2, total_iters=5), s.MultiStepLR(opt, [3, 8], gamma=0.5)
    seq = []
    for _ in range(12):
        opt.step()
        first.step()
        second.step()
        seq.append((first.get_last_lr(), second.get_last_lr()))
    return seq


def test_two_schedulers_on_one_optimizer_chain_like_torch() -> None:
    torch = require_torch()
    assert _two_schedulers_on_one_optimizer(tinygrad_rnn) == _two_schedulers_on_one_optimizer(torch)


@pytest.mark.parametrize("name", ["LinearLR down", "PolynomialLR power", "CosineAnnealingWarmRestarts", "OneCycleLR"])
def test_resuming_with_last_epoch_matches_torch(name: str) -> None:
    """Rebuild a scheduler with last_epoch=k on an optimiser that already has 'initial_lr' (a resumed run)."""
    torch = require_torch()
    makers = {
        "LinearLR down": lambda m, o, e: m.optim.lr_scheduler.LinearLR(o, 1.0, 0.1, 12, last_epoch=e),
        "PolynomialLR power": lambda m, o, e: m.optim.lr_scheduler.PolynomialLR(o, 20, 2.5, last_epoch=e),
        "CosineAnnealingWarmRestarts": lambda m, o, e: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(
            o, 7, last_epoch=e),
        "OneCycleLR": lambda m, o, e: m.optim.lr_scheduler.OneCycleLR(o, 1.0, total_steps=EPOCHS, last_epoch=e),
    }
    seqs = []
    for m in (tinygrad_rnn, torch):
        opt = _optimizer(m)
        makers[name](m, opt, -1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = makers[name](m, opt, 5)
        seq = [sched.get_last_lr()]
        for _ in range(6):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append(seq)
    assert seqs[0] == seqs[1]


def test_dir_lists_the_capitalised_names_torchs_does():
    """fast.ai's 12_accel_sgd prints `' '.join(o for o in dir(lr_scheduler) if o[0].isupper() and o[1].islower())`."""
    torch = require_torch()

    def offered(module):
        return [o for o in dir(module) if o[0].isupper() and o[1].islower()]
    assert offered(tinygrad_rnn.optim.lr_scheduler) == offered(torch.optim.lr_scheduler)
    assert offered(tinygrad_rnn.optim) == offered(torch.optim)
