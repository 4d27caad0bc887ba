import tinygrad_rnn as torch
import importlib
import re
benchmark = importlib.import_module(torch.__name__ + ".utils.benchmark")  # `import torch.utils.benchmark`
nn = torch.nn
# PyTorch recipes "PyTorch Benchmark" and "Timer quick start" (torch.utils.benchmark): Timer with
# stmt / setup / globals / label / sub_label / description / num_threads, timeit, blocked_autorange,
# adaptive_autorange, the Measurement and its fields, Compare tables. Timings are the machine's own:
# only their structure is printed (every number in a repr is masked), never a time.
torch.manual_seed(0)
NUMBER = re.compile(r"\d+(\.\d+)?")


TIMING = re.compile(r"\d (ns|us|ms|s)\b|measurement|WARNING|This suggests|Times are in")


def masked(text):
    """The lines of a repr or table that do not depend on the timings, numbers and spacing masked."""
    kept = [line for line in text.splitlines() if not TIMING.search(line)]
    kept = [re.sub(r"-{2,}", "--", re.sub(r" +", " ", line)).rstrip() for line in kept]
    return NUMBER.sub("#", re.sub(r"0x[0-9a-f]+", "0x?", "\n".join(kept)))


def batched_dot_mul_sum(a, b):
    """Computes batched dot by multiplying and summing"""
    return a.mul(b).sum(-1)


def batched_dot_bmm(a, b):
    """Computes batched dot by reducing to ``bmm``"""
    a = a.reshape(-1, 1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1], 1)
    return torch.bmm(a, b).flatten(-3)


x = torch.randn(50, 16)
print(torch.allclose(batched_dot_mul_sum(x, x), batched_dot_bmm(x, x)))

t0 = benchmark.Timer(stmt="batched_dot_mul_sum(x, x)", setup="import math",
                     globals={"x": x, "batched_dot_mul_sum": batched_dot_mul_sum})
t1 = benchmark.Timer(stmt="batched_dot_bmm(x, x)", globals={"x": x, "batched_dot_bmm": batched_dot_bmm})
m0 = t0.timeit(20)
m1 = t1.timeit(20)
print(type(m0).__name__, type(m0.task_spec).__name__)
print(masked(repr(m0)))
print(masked(repr(m1)))
print(m0.number_per_run, len(m0.times), len(m0.raw_times), m0.stmt, m0.label, m0.sub_label, m0.description,
      m0.num_threads)
print(m0.mean > 0, m0.median > 0, m0.iqr >= 0, m0.mean == m0.times[0], m0.has_warnings)
print(m0.title, m0.env, m0.as_row_name)
print(masked(str(m0.task_spec.summarize())), m0.task_spec.setup, m0.task_spec.global_setup)

# labels, descriptions and threads, as the recipe's comparison uses them
lstm = nn.LSTM(4, 8, batch_first=True)
inputs = {n: torch.randn(2, n, 4) for n in (3, 6)}
results = []
for n, inp in inputs.items():
    label = "LSTM forward"
    sub_label = f"[2, {n}, 4]"
    for num_threads in (1, 2):
        results.append(benchmark.Timer(stmt="lstm(inp)", globals={"lstm": lstm, "inp": inp}, label=label,
                                       sub_label=sub_label, description="nn.LSTM",
                                       num_threads=num_threads).timeit(3))
        results.append(benchmark.Timer(stmt="torch.tanh(inp)", setup="n = inp.numel()",
                                       globals={"inp": inp}, label=label, sub_label=sub_label,
                                       description="tanh", num_threads=num_threads).timeit(3))
print([(r.sub_label, r.description, r.num_threads, len(r.times)) for r in results])
print(masked(repr(results[0])))
print(masked(repr(results[-1])))

compare = benchmark.Compare(results)
table = str(compare)
lines = table.splitlines()
print(len(lines))
print(masked(table))
print([line.split("|")[0].strip() for line in lines if "|" in line])
print(any("threads" in line for line in lines), sum("-----" in line for line in lines))
compare.trim_significant_figures()
compare.colorize()
print(len(str(compare).splitlines()) == len(lines), "\x1b[" in str(compare))
compare = benchmark.Compare(results[:2])
compare.extend_results(results[2:4])
print(len(str(compare).splitlines()))

# blocked_autorange: as many runs as fit in min_run_time, at least one block
m = benchmark.Timer(stmt="y = x * 2", globals={"x": x}, label="mul", description="x * 2").blocked_autorange(
    min_run_time=0.02)
print(masked(repr(m)))
print(m.number_per_run >= 1, len(m.times) >= 1, m.label, m.description, m.median > 0)
m = benchmark.Timer(stmt="x.sum()", globals={"x": x}).adaptive_autorange(min_run_time=0.01, max_run_time=0.1)
print(type(m).__name__, m.number_per_run >= 1, len(m.times) >= 1)
merged = benchmark.Measurement.merge([m0, m0])
print(len(merged), len(merged[0].times), merged[0].number_per_run)

# helpers the module exports
print(benchmark.select_unit(2.5e-6), benchmark.select_unit(0.3), benchmark.select_unit(4e-9))
print(benchmark.unit_to_english("us"), benchmark.unit_to_english("ms"), benchmark.trim_sigfig(123.456, 2))
print(benchmark.ordered_unique([3, 1, 3, 2, 1]))
print(torch.get_num_threads() >= 1, callable(benchmark.timer))
with benchmark.set_torch_threads(1):
    print(torch.get_num_threads())
print(list(benchmark.Language), benchmark.Language.PYTHON)
try:
    benchmark.Timer(stmt="x", globals={"x": x}).repeat()
except NotImplementedError as e:
    print("NotImplementedError:", e)

# a Compare table of made-up timings prints the same digits everywhere
made_up = []
for sub_label, seconds in (("[2, 3, 4]", [1.234e-5, 1.3e-5, 1.25e-5]), ("[2, 6, 4]", [2.5e-4])):
    for description, factor in (("nn.LSTM", 1.0), ("tanh", 3.7)):
        for num_threads in (1, 2):
            spec = benchmark.TaskSpec(stmt="lstm(inp)", setup="pass", label="made up", sub_label=sub_label,
                                      description=description, num_threads=num_threads)
            made_up.append(benchmark.Measurement(number_per_run=10, raw_times=[t * factor * 10 for t in seconds],
                                                 task_spec=spec))
print(made_up[0])
print(made_up[0].median, made_up[0].mean, made_up[0].iqr, made_up[0].significant_figures, made_up[0].has_warnings)
compare = benchmark.Compare(made_up)
compare.print()
compare.trim_significant_figures()
compare.print()
compare.colorize(rowwise=True)
print(repr(str(compare).splitlines()[3]))
