"""Shared test settings: hypothesis profiles and the rule for tests that need torch."""
import os
import sys
import warnings

import pytest
from hypothesis import HealthCheck, settings

import tinygrad_rnn

# Tests live in folders that mirror the package (tests/nn for tinygrad_rnn/nn, ...); every one of
# them imports the shared helpers as `from helpers import ...`, from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=30, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# torch's intra-op threads and numpy's BLAS threads share the two cores of our machines within one
# process; after a threaded call each library's threads spin and starve the other's (a tutorial test
# took 40 s instead of 1.5 s). Parity tests need torch's numbers, not its speed: one thread.
try:
    import torch
except ImportError:
    pass
else:
    torch.set_num_threads(1)


# torch's own warnings read like failures of ours, so they are dropped; ours stay. A warning's
# reported location is no guide (torch warns from C++, or with a stacklevel pointing at the test
# that called it), and our messages copy torch's word for word, so the call stack decides: a
# warning raised with tinygrad_rnn code on the stack is ours, one raised inside torch's code (or
# by torch's C++, which says "Triggered internally at") with no tinygrad_rnn code on it is torch's.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(tinygrad_rnn.__file__)) + os.sep


def _raised_by_torch(message: warnings.WarningMessage) -> bool:
    frame, torch_frame = sys._getframe(2), False
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_PACKAGE_DIR):
            return False
        torch_frame = torch_frame or f"{os.sep}torch{os.sep}" in path
        frame = frame.f_back
    return torch_frame or "Triggered internally at" in str(message.message)


@pytest.fixture(autouse=True)
def _hide_torchs_own_warnings(monkeypatch):
    record = warnings._showwarnmsg_impl  # what pytest's warning capture installed for this test
    monkeypatch.setattr(warnings, "_showwarnmsg_impl",
                        lambda message: None if _raised_by_torch(message) else record(message))


@pytest.fixture(autouse=True)
def _torch_validates_distribution_arguments():
    """Each test starts from torch's default of validating distribution arguments.

    Importing torch._dynamo (a test or tutorial program that calls torch.compile does) switches it off
    for the whole process, so without this a test would depend on which tests ran before it in its worker.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.distributions.Distribution.set_default_validate_args(True)


def _settings(m) -> tuple:
    """The process-wide settings of torch or tinygrad_rnn that a test or a tutorial program may change
    and leave changed (in a script they end with the process; here the next test in the worker gets them)."""
    options = m._tensor_str.PRINT_OPTS if m.__name__ == "torch" else tinygrad_rnn.surface.print_options.PRINT_OPTS
    return (m.get_default_dtype(), m.is_grad_enabled(), m.is_warn_always_enabled(),
            m.are_deterministic_algorithms_enabled(), m.is_deterministic_algorithms_warn_only_enabled(),
            m.get_float32_matmul_precision(), dict(vars(options)))


def _restore(m, found: tuple) -> None:
    dtype, grad, warn_always, deterministic, warn_only, precision, print_options = found
    m.set_default_dtype(dtype)
    m.set_grad_enabled(grad)
    m.set_warn_always(warn_always)
    m.use_deterministic_algorithms(deterministic, warn_only=warn_only)
    m.set_float32_matmul_precision(precision)
    m.set_printoptions(**print_options)


@pytest.fixture(autouse=True)
def _settings_restored():
    """Each test ends with both frameworks' settings as it found them, so no test depends on which tests ran
    before it in its xdist worker."""
    frameworks = [m for m in (tinygrad_rnn, sys.modules.get("torch")) if m is not None]
    before = [_settings(m) for m in frameworks]
    yield
    for m, found in zip(frameworks, before):
        if _settings(m) != found:
            _restore(m, found)
