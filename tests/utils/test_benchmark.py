"""torch.utils.benchmark: Timer, Measurement and Compare against torch's.

Wall times differ from run to run, so the printed layouts are compared on injected times (a
Measurement built from fixed numbers) and the timing loops on a fake clock that the statement
itself advances: then the block sizes and block counts are fixed and must be torch's.
"""
import importlib
import inspect
import re

import pytest
from helpers import check_error, require_torch

import tinygrad_rnn as tg

ADDRESS = re.compile(r"0x[0-9a-f]+")


def _benchmark(m):
    return importlib.import_module(f"{m.__name__}.utils.benchmark")  # (torch does not import it itself)


def _on_both(fn):
    """fn(benchmark module) on ours and on torch's, with object addresses blanked."""
    torch = require_torch()
    return [ADDRESS.sub("?", str(fn(_benchmark(m)))) for m in (tg, torch)]


def _spread(n, base, spread):
    """n fixed times around `base`, spread over a fraction `spread` of it (no randomness)."""
    return [base * (1 + spread * ((7 * i) % n) / max(n - 1, 1)) for i in range(n)]


SPECS = [dict(stmt="x + 1", setup="pass"), dict(stmt="a = f(x)\nb = g(a)", setup="y = 1\nz = 2", sub_label="S",
                                                  description="D"),
         dict(stmt="f(x)", setup="y = 1", label="L", sub_label="S"),
         dict(stmt="f(x)", setup="", label="L", description="d", env="e", num_threads=4)]


def test_statistics_are_computed_once_and_kept_as_torchs():
    """torch computes a Measurement's median, mean and quartiles at the first question and keeps them
    (times appended later do not move them), which is also what makes a big Compare table quick."""
    def run(b):
        spec = b.TaskSpec(stmt="x", setup="pass")
        m = b.Measurement(number_per_run=1, raw_times=[1e-6, 2e-6, 3e-6], task_spec=spec)
        before = (m.median, m.mean, m.iqr)
        m.raw_times.append(9e-6)
        return before, (m.median, m.mean, m.iqr), len(m.times)
    ours, theirs = _on_both(run)
    assert ours == theirs


@pytest.mark.parametrize("spec", SPECS, ids=range(len(SPECS)))
@pytest.mark.parametrize("n", [1, 3, 4, 9])
@pytest.mark.parametrize("base", [3e-9, 1e-6, 0.99999e-3, 7.0])
@pytest.mark.parametrize("spread", [0.0, 0.05, 1.0])
def test_measurement_repr_and_statistics_match_torch(spec, n, base, spread):
    def shown(b):
        m = b.Measurement(100, [t * 100 for t in _spread(n, base, spread)], b.TaskSpec(**spec))
        return (repr(m), m.times, m.median, m.mean, m.iqr, m.significant_figures, m.has_warnings, m.title,
                m.as_row_name, m.env, m.label, m.num_threads, m.metadata)
    ours, theirs = _on_both(shown)
    assert ours == theirs


def test_measurement_is_a_dataclass_with_torchs_fields_and_merge():
    ours, theirs = _on_both(lambda b: [
        (m.number_per_run, m.raw_times, m.task_spec.stmt) for m in b.Measurement.merge([
            b.Measurement(10, [1.0, 2.0], b.TaskSpec("x", "pass")), b.Measurement(2, [1.0], b.TaskSpec("y", "pass")),
            b.Measurement(5, [3.0], b.TaskSpec("x", "pass"), metadata={"k": 1})])])
    assert ours == theirs
    measurement = _benchmark(tg).Measurement(1, [1.0], _benchmark(tg).TaskSpec("x", "pass"))
    with pytest.raises(AttributeError, match="'Measurement' object has no attribute 'nope'"):
        measurement.nope  # noqa: B018  (the attribute read is what raises)


@pytest.mark.parametrize("t", [1e-6, 0.999e-6, 9.9999999e-4, 1e-9, 1e-12, 5.0, 0.0, -1.0])
def test_select_unit_matches_torch(t):
    try:
        ours, theirs = _on_both(lambda b: b.select_unit(t))
    except ValueError:  # 0 and negative times: both fail converting NaN to an int
        check_error(lambda m: _benchmark(m).select_unit(t))
        return
    assert ours == theirs


@pytest.mark.parametrize("args", [(3.14159, 2), (123.456, 4), (0.000123456, 2), (-3.14159, 2), (999.96, 4)])
def test_trim_sigfig_matches_torch_in_float32(args):
    ours, theirs = _on_both(lambda b: b.trim_sigfig(*args))
    assert ours == theirs


@pytest.mark.parametrize("args", [(0, 2), (1.5, 2.5)])
def test_trim_sigfig_errors_match_torch(args):
    check_error(lambda m: _benchmark(m).trim_sigfig(*args))


def _measurements(b):
    rows = [("x + y", None, 1, "n=1", 1e-6, 0.02), ("x + y", None, 1, "n=100", 3.3e-5, 0.3),
            ("x + y", "int", 1, "n=1", 1.1e-6, 0.0), ("x + y", "int", 1, "n=100", 2.9e-4, 0.12),
            ("x + y", None, 4, "n=1", 0.9e-6, 0.5), ("x * y", "float", 4, "n=100", 5.5e-6, 0.01),
            ("mm", None, 1, "n=1", 2e-3, 0.0)]
    label = {"mm": "matmul"}
    return [b.Measurement(10, [10 * t for t in _spread(8, base, spread)],
                          b.TaskSpec(stmt, "pass", label=label.get(stmt, "add"), sub_label=sub, description=desc,
                                     num_threads=threads))
            for stmt, sub, threads, desc, base, spread in rows]


@pytest.mark.parametrize("options", [(), ("trim",), ("colorize",), ("rowwise",), ("highlight",),
                                     ("trim", "colorize", "highlight")])
def test_compare_table_matches_torch(options):
    def table(b):
        compare = b.Compare(_measurements(b))
        if "trim" in options:
            compare.trim_significant_figures()
        if "colorize" in options:
            compare.colorize()
        if "rowwise" in options:
            compare.colorize(rowwise=True)
        if "highlight" in options:
            compare.highlight_warnings()
        return str(compare)
    ours, theirs = _on_both(table)
    assert ours == theirs


def test_compare_shows_envs_and_replicates_merge_as_torch():
    def table(b):
        spec = {"stmt": "f()", "setup": "pass", "label": "L", "description": "d"}
        return str(b.Compare([b.Measurement(1, [1e-3, 1.1e-3], b.TaskSpec(**spec, env="old")),
                              b.Measurement(1, [1.2e-3], b.TaskSpec(**spec, env="old")),
                              b.Measurement(1, [0.7e-3, 0.8e-3], b.TaskSpec(**spec, env="newer"))]))
    ours, theirs = _on_both(table)
    assert ours == theirs


def test_compare_print_and_extend_results(capsys):
    b = _benchmark(tg)
    compare = b.Compare(_measurements(b)[:2])
    compare.extend_results(_measurements(b)[2:])
    compare.print()
    assert capsys.readouterr().out == str(b.Compare(_measurements(b))) + "\n"


@pytest.mark.parametrize("make", [
    lambda b: b.Compare([1.0]),
    lambda b: b.Timer(stmt=lambda: 1),
    lambda b: b.Timer("x", global_setup="#include <x>"),
    lambda b: b.Timer("x", language="rust"),
    lambda b: b.Timer("x").repeat(),
    lambda b: b.Timer("x").autorange(),
])
def test_argument_errors_match_torch(make):
    check_error(lambda m: make(_benchmark(m)))


@pytest.mark.parametrize("make", [lambda b: b.Timer("x", language="c++"), lambda b: b.Timer("x", language=b.Language.CPP),
                                  lambda b: b.Timer("pass").collect_callgrind()])
def test_what_is_not_implemented_says_so_by_name(make):
    with pytest.raises(NotImplementedError, match=r"language=|collect_callgrind"):
        make(_benchmark(tg))


def test_public_names_and_signatures_are_torchs():
    torch = require_torch()
    ours, theirs = _benchmark(tg), _benchmark(torch)
    assert tg.utils.benchmark is ours
    assert all(hasattr(theirs, name) for name in ours.__all__)
    for cls, methods in {"Timer": ["__init__", "timeit", "repeat", "autorange", "blocked_autorange",
                                   "adaptive_autorange", "collect_callgrind"],
                         "Compare": ["__init__", "extend_results", "trim_significant_figures", "colorize",
                                     "highlight_warnings", "print"]}.items():
        for method in methods:
            mine, torchs = (inspect.signature(getattr(getattr(b, cls), method)) for b in (ours, theirs))
            assert list(mine.parameters) == list(torchs.parameters), (cls, method)
            assert [str(p.default) for p in mine.parameters.values() if p.name != "timer"] == \
                [str(p.default) for p in torchs.parameters.values() if p.name != "timer"], (cls, method)


class FakeClock:
    """A clock the timed statement moves forward by `step` seconds: timings without noise."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        return self.now

    def tick(self):
        self.now += self.step


@pytest.mark.parametrize("step", [1e-7, 3e-4, 0.03])
@pytest.mark.parametrize("how", ["timeit", "blocked_autorange", "adaptive_autorange"])
def test_timing_loops_pick_torchs_block_sizes_and_counts(how, step):
    def run(b):
        clock, seen = FakeClock(step), []
        timer = b.Timer("clock.tick()", timer=clock, globals={"clock": clock})
        if how == "timeit":
            m = timer.timeit(50)
        elif how == "blocked_autorange":
            m = timer.blocked_autorange(callback=lambda n, t: seen.append(n), min_run_time=0.1)
        else:
            m = timer.adaptive_autorange(threshold=0.2, max_run_time=0.5, callback=lambda n, t: seen.append(n))
        return m.number_per_run, len(m.raw_times), [round(t, 12) for t in m.raw_times], seen, clock.now
    ours, theirs = _on_both(run)
    assert ours == theirs


def test_statement_sees_torch_globals_and_setup():
    b = _benchmark(tg)
    timer = b.Timer("y = torch.ones(2) * x", setup="x = 3", num_threads=2)
    m = timer.timeit(3)
    assert m.number_per_run == 3 and len(m.times) == 1 and m.times[0] > 0 and m.task_spec.num_threads == 2
    assert timer._globals["torch"] is tg  # the statement's `torch` is this package, as torch adds itself


@pytest.mark.parametrize("how", ["timeit", "blocked_autorange"])
@pytest.mark.parametrize("labels", [{}, {"label": "L", "sub_label": "S", "description": "D"}])
def test_real_timings_print_as_torch(how, labels):
    """On the real clock: the lines that do not depend on the times are torch's."""
    torch = require_torch()
    shown = []
    for m in (tg, torch):
        timer = _benchmark(m).Timer(stmt="x * 2", setup="y = 1", globals={"x": m.ones(3)}, **labels)
        measurement = timer.timeit(20) if how == "timeit" else timer.blocked_autorange(min_run_time=0.02)
        assert all(t > 0 for t in measurement.times) and measurement.mean > 0 and measurement.median > 0
        shown.append(repr(measurement).splitlines()[1:3 + bool(labels)])
    assert shown[0] == shown[1]
