"""torch.utils.benchmark: time PyTorch statements the way torch does, and print the results as torch does.

    >>> import tinygrad_rnn as torch
    >>> from tinygrad_rnn.utils import benchmark
    >>> x = torch.randn(64, 64)
    >>> m = benchmark.Timer(stmt="x @ x", globals={"x": x}, label="matmul").blocked_autorange(min_run_time=0.01)
    >>> m.median > 0
    True

`timer.py` says how a Timer keeps noise out of its numbers; `common.py` holds what a timing is
(TaskSpec, Measurement and its statistics); `compare.py` prints many of them as tables. Timing
C++ statements (`language="c++"`), Valgrind instruction counts (`collect_callgrind`) and the
fuzzers are not implemented.
"""
from .common import Measurement, TaskSpec, ordered_unique, select_unit, set_torch_threads, trim_sigfig, unit_to_english
from .compare import Colorize, Compare
from .timer import Language, Timer, timer

__all__ = ["Colorize", "Compare", "Language", "Measurement", "TaskSpec", "Timer", "ordered_unique", "select_unit",
           "set_torch_threads", "timer", "trim_sigfig", "unit_to_english"]
