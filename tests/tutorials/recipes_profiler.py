import tinygrad_rnn as torch
import json
import os
import tempfile
nn = torch.nn
profile, record_function, ProfilerActivity = torch.profiler.profile, torch.profiler.record_function, torch.profiler.ProfilerActivity
# The PyTorch Profiler recipe (and the autograd tutorial's torch.autograd.profiler), on a small model:
# profile with a record_function label, read the averages and their table, group by input shapes,
# profile memory, export a Chrome trace, profile steps on a schedule and write TensorBoard traces.
# Times are the machine's own: only what does not depend on them is printed.
torch.manual_seed(0)

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
inputs = torch.randn(5, 8)

# 1. Which ops ran, and how often
with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_inference"):
        model(inputs)
averages = prof.key_averages()
counts = {e.key: e.count for e in averages}
for key in ["model_inference", "aten::linear", "aten::relu"]:
    print(key, counts[key])
print(type(averages).__name__, type(averages[0]).__name__, type(prof.events()[0]).__name__)
inference = next(e for e in prof.events() if e.name == "model_inference")
print("inside model_inference:", sorted({c.name for c in inference.cpu_children}))
print("total >= self:", all(e.cpu_time_total >= e.self_cpu_time_total for e in averages))

table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=3)
lines = table.splitlines()
print(len(lines), lines[1].split())
print(lines[-1].split(":")[0], lines[-1].endswith(("us", "ms", "s")))
print("first row:", lines[3].split()[0])  # the label holds everything: the longest CPU total

# 2. The same ops, split by the shapes they ran on
by_shape = prof.key_averages(group_by_input_shape=True)
print(sorted(str(e.input_shapes) for e in by_shape if e.key == "aten::linear"))
print("Input Shapes" in by_shape.table(sort_by="cpu_time_total", row_limit=10).splitlines()[1])

# 3. Memory: the bytes each op's results take
with profile(activities=[ProfilerActivity.CPU], profile_memory=True, record_shapes=True) as prof:
    model(inputs)
relu = next(e for e in prof.events() if e.name == "aten::relu")
print("relu allocated", relu.cpu_memory_usage, "bytes")
memory_table = prof.key_averages().table(sort_by="self_cpu_memory_usage", row_limit=10)
print([head for head in ("CPU Mem", "Self CPU Mem") if head in memory_table.splitlines()[1]])

# 4. A trace for chrome://tracing
with profile(activities=[ProfilerActivity.CPU]) as prof:
    with record_function("model_inference"):
        model(inputs)
folder = tempfile.mkdtemp()
prof.export_chrome_trace(os.path.join(folder, "trace.json"))
with open(os.path.join(folder, "trace.json")) as f:
    trace = json.load(f)
names = [e["name"] for e in trace["traceEvents"] if e.get("ph") == "X"]
print("trace:", "model_inference" in names, "aten::linear" in names)

# 5. Long runs: a schedule and a trace handler
ready = []


def trace_handler(p):
    ready.append(p.step_num)
    steps = {e.key: e.count for e in p.key_averages()}["ProfilerStep*"]
    print("cycle ready at step", p.step_num, "steps recorded:", steps)


with profile(activities=[ProfilerActivity.CPU],
             schedule=torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=1),
             on_trace_ready=trace_handler) as p:
    for idx in range(8):
        model(inputs)
        p.step()
print(ready)

logs = os.path.join(folder, "logs")
with profile(activities=[ProfilerActivity.CPU],
             schedule=torch.profiler.schedule(wait=0, warmup=1, active=1, repeat=1),
             on_trace_ready=torch.profiler.tensorboard_trace_handler(logs, worker_name="worker0")) as p:
    for idx in range(3):
        model(inputs)
        p.step()
files = os.listdir(logs)
print(len(files), files[0].startswith("worker0."), files[0].endswith(".pt.trace.json"))


# 6. record_function on a function
@record_function("train_step")
def train_step(x):
    loss = model(x).pow(2).mean()
    loss.backward()
    return loss


with profile(activities=[ProfilerActivity.CPU]) as prof:
    train_step(inputs)
    train_step(inputs)
counts = {e.key: e.count for e in prof.key_averages()}
print("train_step", counts["train_step"], "AccumulateGrad", counts["torch::autograd::AccumulateGrad"])
print("nodes:", sorted(k for k in counts if k.endswith("Backward0") and "evaluate_function" not in k))

# The autograd tutorial's profiler
x = torch.randn(3, requires_grad=True)
with torch.autograd.profiler.profile(use_device=None) as prf:
    y = x * 2
    z = (y ** 2).sum()
    z.backward()
counts = {e.key: e.count for e in prf.key_averages()}
print({k: counts[k] for k in ["aten::pow", "aten::sum", "PowBackward0", "MulBackward0", "SumBackward0"]})
print(prf.key_averages().table(sort_by="self_cpu_time_total").splitlines()[1].split())
