"""Grad mode and anomaly mode belong to a thread, as in torch; the default generator is shared.

Regression (issue 11): grad mode was one process-wide switch. While one thread was inside
`no_grad`, another thread's forward recorded nothing; a worker that called
`set_grad_enabled(False)` turned gradients off in the main thread for good; two threads each
training their own LSTM crashed in 5 of 10 runs.
"""
from __future__ import annotations

import threading

import numpy as np

import tinygrad_rnn as torch
from tinygrad_rnn import nn


def _in_thread(fn) -> list:
    """Run fn in a new thread, wait for it, and return what it put in the list (or re-raise)."""
    out: list = []
    errors: list = []

    def run():
        try:
            out.append(fn())
        except BaseException as e:  # noqa: BLE001 - handed back to the test's thread
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if errors:
        raise errors[0]
    return out


def test_a_thread_inside_no_grad_does_not_stop_another_from_recording():
    inside, release = threading.Event(), threading.Event()
    seen = {}

    def worker():
        with torch.no_grad():
            seen["worker"] = torch.is_grad_enabled()
            inside.set()
            release.wait(10)

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(10)
    x = torch.ones(3, requires_grad=True)
    y = (x * 2).sum()  # recorded here while the worker sits inside no_grad
    release.set()
    t.join()
    assert seen["worker"] is False
    assert torch.is_grad_enabled() and y.requires_grad and y.grad_fn is not None


def test_main_thread_inside_no_grad_does_not_stop_a_worker_from_recording():
    with torch.no_grad():
        (recorded,) = _in_thread(lambda: (torch.ones(2, requires_grad=True) * 3).requires_grad)
        assert not (torch.ones(2, requires_grad=True) * 3).requires_grad
    assert recorded is True


def test_set_grad_enabled_in_a_worker_leaves_the_main_thread_alone():
    _in_thread(lambda: torch.set_grad_enabled(False))
    assert torch.is_grad_enabled()
    assert (torch.ones(2, requires_grad=True) * 2).requires_grad


def test_inference_mode_and_anomaly_mode_are_per_thread_too():
    def worker():
        with torch.inference_mode():
            torch.autograd.set_detect_anomaly(True)
            return torch.is_grad_enabled(), torch.is_anomaly_enabled()

    assert _in_thread(worker) == [(False, True)]
    assert torch.is_grad_enabled() and not torch.is_anomaly_enabled()


def test_the_default_generator_is_shared_by_all_threads():
    """As torch's: seeding in one thread sets the stream every thread draws from."""
    _in_thread(lambda: torch.manual_seed(123))
    drawn = torch.rand(3)
    torch.manual_seed(123)
    np.testing.assert_array_equal(drawn.numpy(), torch.rand(3).numpy())


def _make_model(kind: str, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Linear(4, 3) if kind == "linear" else nn.RNN(4, 3, batch_first=True)


def _train(model: nn.Module, kind: str, seed: int, steps: int = 20) -> None:
    """A few SGD steps on fixed data (made with numpy, so no thread draws from the shared generator)."""
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.standard_normal((5, 6, 4) if kind == "rnn" else (5, 4)).astype(np.float32))
    target = torch.tensor(rng.standard_normal((5, 6, 3) if kind == "rnn" else (5, 3)).astype(np.float32))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        out = model(x)
        out = out[0] if isinstance(out, tuple) else out
        loss = ((out - target) ** 2).mean()
        loss.backward()
        opt.step()
        with torch.no_grad():  # each thread toggles its own grad mode, many times over
            model(x)


def _parameters(model: nn.Module) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_two_threads_training_their_own_models_match_sequential_training():
    jobs = [("linear", 1), ("rnn", 2), ("linear", 3), ("rnn", 4)]
    sequential = []
    for kind, seed in jobs:
        model = _make_model(kind, seed)
        _train(model, kind, seed)
        sequential.append(_parameters(model))

    models = [_make_model(kind, seed) for kind, seed in jobs]  # made here: the generator is shared
    errors: list = []

    def run(i: int) -> None:
        try:
            _train(models[i], *jobs[i])
        except BaseException as e:  # noqa: BLE001 - handed back to the test's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i, model in enumerate(models):
        for ours, reference in zip(_parameters(model), sequential[i]):
            np.testing.assert_array_equal(ours, reference)


def test_rare_switches_are_counted_so_plain_ops_skip_reading_them():
    """Inference and anomaly modes keep a process-wide count of threads that have them on
    (core/modes.py): ops read the per-thread flag only when the count is not zero. The count
    must come back down, or every op would pay for a mode no thread uses."""
    from tinygrad_rnn.core.modes import SWITCHED_ON

    before = SWITCHED_ON[0]
    with torch.inference_mode():
        with torch.inference_mode():  # nested: still one thread with it on
            assert SWITCHED_ON[0] == before + 1
        with torch.inference_mode(False):
            assert SWITCHED_ON[0] == before
        assert torch.ones(1).is_inference() and SWITCHED_ON[0] == before + 1
    with torch.autograd.detect_anomaly():
        assert SWITCHED_ON[0] == before + 1
        inside = _in_thread(lambda: (torch.ones(1).is_inference(), torch.is_anomaly_enabled()))
    assert inside == [(False, False)]
    assert SWITCHED_ON[0] == before and not torch.ones(1).is_inference()


def test_a_mode_switched_in_another_thread_still_acts_only_there():
    """While a worker is inside inference_mode (the count is up), this thread's tensors stay normal."""
    inside, release = threading.Event(), threading.Event()

    def worker():
        with torch.inference_mode():
            inside.set()
            release.wait(10)
            return torch.ones(1).is_inference()

    t_out: list = []
    t = threading.Thread(target=lambda: t_out.append(worker()))
    t.start()
    inside.wait(10)
    x = torch.ones(2, requires_grad=True)
    y = (x * 2).sum()
    release.set()
    t.join()
    assert t_out == [True] and not y.is_inference() and y.grad_fn is not None


def test_a_dual_level_belongs_to_its_thread_and_is_counted_while_on():
    """Ops read the dual level only while some thread has one on (modes.SWITCHED_ON, kept by its setter): inside
    `dual_level()` this thread's ops carry tangents, another thread's do not, and the count is back after it."""
    from tinygrad_rnn.autograd import forward_ad as fwAD
    from tinygrad_rnn.core.modes import SWITCHED_ON

    before = SWITCHED_ON[0]
    with fwAD.dual_level():
        assert SWITCHED_ON[0] == before + 1
        x = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.5]))
        assert fwAD.unpack_dual(x * 3.0).tangent.tolist() == [3.0, 1.5]
        assert _in_thread(lambda: fwAD.unpack_dual(torch.tensor([1.0]) * 3.0).tangent) == [None]
    assert SWITCHED_ON[0] == before
