"""torch.profiler and torch.autograd.profiler: the events a program produces (names, counts, nesting,
shapes, memory), torch's table to the character, schedules, traces and torch's errors.

Times differ from run to run and from torch's, so the tests compare what does not depend on them:
the table's layout is checked on events with fixed times, built alike in both frameworks."""
from __future__ import annotations

import gzip
import json
import sys
import warnings

import pytest
from helpers import require_torch

import tinygrad_rnn
from tinygrad_rnn.profiler import events as our_events

SMALL_MODEL_KEYS = {  # the events both frameworks record for the small model below, with torch's counts
    "model_inference": 1,
    "aten::linear": 1,
    "aten::relu": 1,
    "aten::sum": 2,  # the loss, and the bias gradient in AddmmBackward0
    "autograd::engine::evaluate_function: SumBackward0": 1,
    "SumBackward0": 1,
    "autograd::engine::evaluate_function: ReluBackward0": 1,
    "ReluBackward0": 1,
    "autograd::engine::evaluate_function: AddmmBackward0": 1,
    "AddmmBackward0": 1,
    "autograd::engine::evaluate_function: TBackward0": 1,
    "TBackward0": 1,
    "autograd::engine::evaluate_function: torch::autograd::AccumulateGrad": 3,
    "torch::autograd::AccumulateGrad": 3,
}


def _profile_small_model(torch, **options):
    torch.manual_seed(0)
    x = torch.randn(2, 3, requires_grad=True)
    lin = torch.nn.Linear(3, 4)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], **options) as prof:
        with torch.profiler.record_function("model_inference"):
            y = torch.relu(lin(x)).sum()
        y.backward()
    return prof


def _parents(prof):
    """Who ran inside what. (Not the bias gradient's aten::sum: torch's engine sums it after AddmmBackward0
    returns, ours inside it.)"""
    return {(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in prof.events()
            if e.name in SMALL_MODEL_KEYS and e.name != "aten::sum"}


def test_a_small_models_events_have_torchs_names_counts_and_parents():
    torch = require_torch()
    ours, theirs = _profile_small_model(tinygrad_rnn), _profile_small_model(torch)
    for prof in (ours, theirs):
        counts = {e.key: e.count for e in prof.key_averages()}
        assert {key: counts.get(key) for key in SMALL_MODEL_KEYS} == SMALL_MODEL_KEYS
    assert _parents(ours) == _parents(theirs)
    nodes = [e for e in ours.events() if e.name == "ReluBackward0"]
    assert nodes[0].cpu_parent.name == "autograd::engine::evaluate_function: ReluBackward0"
    assert ours.events()[0].is_user_annotation and not ours.events()[1].is_user_annotation


def test_input_shapes_as_torch_lists_them():
    torch = require_torch()
    ours, theirs = (_profile_small_model(t, record_shapes=True) for t in (tinygrad_rnn, torch))
    compared = ["aten::linear", "aten::relu", "SumBackward0", "ReluBackward0", "AddmmBackward0", "TBackward0",
                "torch::autograd::AccumulateGrad", "autograd::engine::evaluate_function: SumBackward0",
                "model_inference"]

    def shapes(prof):  # sorted: torch's engine adds a leaf's gradient into .grad when it is ready, ours last
        return sorted((e.name, str(e.input_shapes)) for e in prof.events() if e.name in compared)

    assert shapes(ours) == shapes(theirs)
    grouped = {(e.key, str(e.input_shapes)) for e in ours.key_averages(group_by_input_shape=True)}
    assert ("aten::linear", "[[2, 3], [4, 3], [4]]") in grouped
    assert all(e.input_shapes == "" for e in ours.key_averages())  # not grouped by shapes: none shown
    no_shapes = _profile_small_model(tinygrad_rnn)
    assert all(e.input_shapes == [] for e in no_shapes.events())


def test_memory_of_the_tensors_an_op_makes():
    torch = require_torch()
    ours, theirs = (_profile_small_model(t, profile_memory=True) for t in (tinygrad_rnn, torch))

    def memory(prof):  # totals: torch counts relu's bytes in its child clamp_min, we in relu itself
        return [(e.name, e.cpu_memory_usage) for e in prof.events() if e.name in ("aten::linear", "aten::relu")]

    assert memory(ours) == memory(theirs) == [("aten::linear", 32), ("aten::relu", 32)]
    first_sum = next(e for e in ours.events() if e.name == "aten::sum")
    assert first_sum.cpu_memory_usage == 4
    inference = ours.events()[0]
    assert inference.name == "model_inference"  # linear's and relu's results die inside it: freed there
    assert inference.self_cpu_memory_usage == inference.cpu_memory_usage - 68 < 0
    assert "CPU Mem" in ours.key_averages().table() and "CPU Mem" not in _profile_small_model(tinygrad_rnn).key_averages().table()


def _fixed_events(framework, memory=False, shapes=False):
    """Four events with fixed times: outer [0, 100] holding aten::mm and a long name, and a later aten::mm."""
    FunctionEvent = framework.FunctionEvent
    EventList = framework.EventList
    made = [
        FunctionEvent(1, "outer", 1, 0.0, 100.0, input_shapes=[[2, 3]] if shapes else [], stack=[],
                      cpu_memory_usage=64 if memory else 0),
        FunctionEvent(2, "aten::mm", 1, 10.0, 40.5, input_shapes=[[2, 3], [3, 4]] if shapes else [], stack=[],
                      cpu_memory_usage=32 if memory else 0),
        FunctionEvent(3, "x" * 60, 1, 50.0, 60.0, stack=[], cpu_memory_usage=2048 if memory else 0),
        FunctionEvent(4, "aten::mm", 1, 110.0, 1630.0, input_shapes=[[5]] if shapes else [], stack=[],
                      cpu_memory_usage=-4 if memory else 0),
    ]
    if framework is our_events:  # our recorder links events as it records them; torch links them by time
        for child in made[1:3]:
            made[0].append_cpu_child(child)
            child.set_cpu_parent(made[0])
    events = EventList(made, profile_memory=memory)
    events._build_tree()
    return events


TABLES = {
    "every event": lambda events: events.table(),
    "averages, sorted": lambda events: events.key_averages().table(sort_by="self_cpu_time_total"),
    "top level, ms, header, 2 rows": lambda events: events.key_averages().table(
        sort_by="cpu_time_total", row_limit=2, header="HEADER", top_level_events_only=True, time_unit="ms"),
    "count, narrow names": lambda events: events.table(sort_by="count", max_name_column_width=20, time_unit="s"),
    "by input shapes": lambda events: events.key_averages(group_by_input_shapes=True).table(sort_by="cpu_time"),
    "memory": lambda events: events.table(sort_by="self_cpu_memory_usage"),
}


@pytest.mark.parametrize("memory, shapes", [(False, False), (True, True)])
@pytest.mark.parametrize("which", TABLES)
def test_the_table_is_torchs_to_the_character(which, memory, shapes):
    require_torch()
    from torch.autograd import profiler_util

    ours = TABLES[which](_fixed_events(our_events, memory, shapes))
    theirs = TABLES[which](_fixed_events(profiler_util, memory, shapes))
    assert ours == theirs


def test_averages_and_totals_as_torchs():
    require_torch()
    from torch.autograd import profiler_util

    for framework in (our_events, profiler_util):
        events = _fixed_events(framework)
        averages = {e.key: e for e in events.key_averages()}
        assert averages["aten::mm"].count == 2 and averages["aten::mm"].cpu_time_total == 1550.5
        assert averages["aten::mm"].cpu_time == 775.25 and averages["aten::mm"].cpu_time_str == "775.250us"
        assert averages["outer"].self_cpu_time_total == 59.5
        assert events.self_cpu_time_total == 1620.0
        assert events.total_average().key == "Total" and events.total_average().count == 4
        assert [e.key for e in events.key_averages()] == ["outer", "aten::mm", "x" * 60]
        assert str(events) == events.table()


def test_an_unknown_sort_key_fails_as_torchs():
    require_torch()
    from torch.autograd import profiler_util

    for framework in (our_events, profiler_util):
        with pytest.raises(AttributeError, match="'FunctionEventAvg' object has no attribute 'no_such_column'"):
            _fixed_events(framework).key_averages().table(sort_by="no_such_column")
    for events in (_fixed_events(our_events), _fixed_events(our_events).key_averages()):
        assert events.table(sort_by="cuda_time_total") == events.table()  # a device time: 0 for every event here


def test_schedule_actions_as_torchs():
    torch = require_torch()
    for kwargs in [dict(wait=1, warmup=1, active=2, repeat=1), dict(wait=2, warmup=1, active=3),
                   dict(wait=0, warmup=2, active=1, repeat=2, skip_first=3),
                   dict(wait=3, warmup=1, active=1, skip_first=2, skip_first_wait=1)]:
        ours, theirs = tinygrad_rnn.profiler.schedule(**kwargs), torch.profiler.schedule(**kwargs)
        assert [ours(i).name for i in range(16)] == [theirs(i).name for i in range(16)]
    assert [a.name for a in tinygrad_rnn.profiler.ProfilerAction] == [a.name for a in torch.profiler.ProfilerAction]


def _run_schedule(torch, seen):
    def ready(prof):
        seen.append((prof.step_num, {e.key: e.count for e in prof.key_averages()}))

    with torch.profiler.profile(schedule=torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=2),
                                on_trace_ready=ready) as prof:
        for _ in range(10):
            torch.ones(3).relu()
            prof.step()
    return prof


def test_a_scheduled_profile_records_the_active_steps():
    torch = require_torch()
    ours, theirs = [], []
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        _run_schedule(tinygrad_rnn, ours)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        _run_schedule(torch, theirs)
    assert [step for step, _ in ours] == [step for step, _ in theirs] == [4, 8]
    for (_, our_counts), (_, their_counts) in zip(ours, theirs):
        assert our_counts["ProfilerStep*"] == their_counts["ProfilerStep*"] == 2
        assert our_counts["aten::relu"] == their_counts["aten::relu"] == 2
    told = [[str(w.message) for w in warned if "clears events" not in str(w.message)]  # (that one: once a process)
            for warned in (ours_warned, theirs_warned)]
    assert told[0] == told[1]


def test_chrome_trace_is_json_with_the_events(tmp_path):
    prof = _profile_small_model(tinygrad_rnn)
    prof.export_chrome_trace(str(tmp_path / "trace.json"))
    trace = json.loads((tmp_path / "trace.json").read_text())
    events = trace["traceEvents"]
    assert {"ph": "X", "cat": "user_annotation", "name": "model_inference"}.items() <= events[0].items()
    assert [e["name"] for e in events] == [e.trace_name for e in prof.events()]
    assert all(e["dur"] >= 0 and e["cat"] in ("cpu_op", "user_annotation") for e in events)
    prof.export_chrome_trace(str(tmp_path / "trace.json.gz"))
    with gzip.open(tmp_path / "trace.json.gz") as f:
        assert json.load(f)["traceEvents"][0]["name"] == "model_inference"


def test_tensorboard_handler_writes_one_trace_per_cycle(tmp_path):
    profiler = tinygrad_rnn.profiler
    handler = profiler.tensorboard_trace_handler(str(tmp_path / "logs"), worker_name="worker0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the second cycle says that it drops the first one's events
        with profiler.profile(schedule=profiler.schedule(wait=0, warmup=1, active=1, repeat=2),
                              on_trace_ready=handler) as p:
            for _ in range(5):
                tinygrad_rnn.ones(2).sum()
                p.step()
    files = sorted((tmp_path / "logs").iterdir())
    assert len(files) == 2 and all(f.name.startswith("worker0.") and f.name.endswith(".pt.trace.json") for f in files)
    assert any(e["name"] == "ProfilerStep#1" for e in json.loads(files[0].read_text())["traceEvents"])


def test_record_function_as_a_decorator_and_outside_a_profiler():
    torch = require_torch()

    def run(framework):
        @framework.profiler.record_function("double")
        def double(t):
            return t * 2

        double(framework.ones(2))  # not profiled: nothing recorded, nothing fails
        with framework.profiler.profile() as prof:
            double(double(framework.ones(2)))
        return {e.key: e.count for e in prof.key_averages()}

    ours, theirs = run(tinygrad_rnn), run(torch)
    assert ours["double"] == theirs["double"] == 2 and ours["aten::mul"] == theirs["aten::mul"] == 2


def test_the_hook_is_restored_and_an_outer_one_keeps_seeing_calls():
    calls = []

    def outer(frame, event, arg):
        if event == "call":
            calls.append(frame.f_code.co_name)

    sys.setprofile(outer)
    try:
        with tinygrad_rnn.autograd.profiler.profile() as prof:
            tinygrad_rnn.ones(2).exp()
        assert sys.getprofile() is outer
    finally:
        sys.setprofile(None)
    assert "exp" in calls and [e.name for e in prof.function_events] == ["aten::exp"]
    with tinygrad_rnn.profiler.profile() as outside:
        with tinygrad_rnn.profiler.profile() as inside:
            tinygrad_rnn.ones(2).exp()
    assert sys.getprofile() is None
    assert [e.name for e in outside.events()] == [e.name for e in inside.events()] == ["aten::exp"]


def test_the_legacy_profiler_as_torchs():
    torch = require_torch()

    def run(framework):
        x = framework.ones(2, 3, requires_grad=True)
        with framework.autograd.profiler.profile(use_device=None) as prf:
            (x * 2).sum().backward()
        return prf

    ours, theirs = run(tinygrad_rnn), run(torch)
    keys = {e.key for e in ours.key_averages()} & {e.key for e in theirs.key_averages()}
    assert {"aten::mul", "aten::sum", "SumBackward0", "MulBackward0", "torch::autograd::AccumulateGrad"} <= keys
    assert ours.key_averages().table(sort_by="self_cpu_time_total").splitlines()[:3] == \
        theirs.key_averages().table(sort_by="self_cpu_time_total").splitlines()[:3]
    unused = tinygrad_rnn.autograd.profiler.profile()
    assert str(unused) == "<unfinished torch.autograd.profile>" and list(unused.key_averages()) == []
    assert unused.key_averages().table() == ""
    with tinygrad_rnn.autograd.profiler.profile(enabled=False) as nothing:
        assert nothing is None


def _errors(framework):
    found = []
    profile, activity = framework.profiler.profile, framework.profiler.ProfilerActivity
    cases = [
        lambda: framework.profiler.schedule(wait=-1, warmup=1, active=0),
        lambda: framework.profiler.schedule(1, 1, 1),
        lambda: profile(activities=[]),
        lambda: profile(activities=["cpu"]),
        lambda: profile(activities=[activity.CPU, activity.CPU]),
        lambda: profile(activities=[activity.CUDA]).__enter__(),
        lambda: profile().key_averages(),
        lambda: framework.autograd.profiler.profile(use_cpu=False),
        lambda: framework.autograd.profiler.profile().export_stacks("unused.txt"),
    ]
    for case in cases:
        with pytest.raises(Exception) as caught, warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            case()
        found.append((caught.type, str(caught.value), [str(w.message) for w in warned]))
    legacy = framework.autograd.profiler.profile()
    with pytest.raises(RuntimeError, match="Profiler context manager is not reentrant"):
        with legacy:
            with legacy:
                pass
    return found


def test_errors_and_warnings_as_torchs():
    torch = require_torch()
    assert _errors(tinygrad_rnn) == _errors(torch)
    for device in ("cuda", "xpu", "tpu"):
        warned = []
        for framework in (tinygrad_rnn, torch):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                framework.autograd.profiler.profile(use_device=device)
            warned.append([str(m.message) for m in w])
        assert warned[0] == warned[1] and warned[0]


def test_what_this_build_cannot_do_says_so():
    with pytest.raises(NotImplementedError, match="with_flops"):
        tinygrad_rnn.profiler.profile(with_flops=True)
    with pytest.raises(NotImplementedError, match="experimental_config"):
        tinygrad_rnn.autograd.profiler.profile(experimental_config=object())


def test_activities_as_torchs():
    torch = require_torch()
    ours, theirs = tinygrad_rnn.profiler, torch.profiler
    assert {a.name for a in ours.supported_activities()} == {a.name for a in theirs.supported_activities()}
    assert {n: int(a.value) for n, a in ours.ProfilerActivity.__members__.items()} == \
        {n: int(a.value) for n, a in theirs.ProfilerActivity.__members__.items()}
    assert ours.kineto_available() == theirs.kineto_available()
    assert str(ours.ProfilerActivity.CPU) == str(theirs.ProfilerActivity.CPU)
    assert tinygrad_rnn.autograd.profiler.record_function is ours.record_function


def test_an_error_inside_an_op_closes_its_event_and_the_hook():
    x = tinygrad_rnn.ones(2, 3)
    with pytest.raises(RuntimeError):
        with tinygrad_rnn.profiler.profile() as prof:
            with tinygrad_rnn.profiler.record_function("step"):
                x.mm(x)  # (2, 3) @ (2, 3): shapes that cannot be multiplied
    assert sys.getprofile() is None
    step, mm = prof.events()[:2]
    assert (step.name, mm.name, mm.cpu_parent) == ("step", "aten::mm", step)
    assert step.time_range.end >= mm.time_range.end >= mm.time_range.start >= step.time_range.start


def test_with_stack_names_the_calling_lines():
    def double(t):
        return t * 2

    with tinygrad_rnn.profiler.profile(with_stack=True) as prof:
        with tinygrad_rnn.profiler.record_function("label"):
            double(tinygrad_rnn.ones(2))
    label, mul = [e for e in prof.events() if e.name in ("label", "aten::mul")]
    here = f"): {test_with_stack_names_the_calling_lines.__name__}"
    assert label.stack[0].startswith(f"{__file__}(") and label.stack[0].endswith(here)
    assert mul.stack[0].endswith("): double") and mul.stack[1].endswith(here) and mul.stack[1] != label.stack[0]
    assert "Source Location" in prof.key_averages(group_by_stack_n=1).table().splitlines()[1]
    with tinygrad_rnn.profiler.profile() as plain:
        double(tinygrad_rnn.ones(2))
    assert plain.events()[0].stack is None and "Source Location" not in plain.key_averages().table()


def _profile_training_steps(torch):
    torch.manual_seed(0)
    lstm, cell = torch.nn.LSTM(3, 4, batch_first=True), torch.nn.GRUCell(3, 4)
    params = list(lstm.parameters()) + list(cell.parameters())
    optimizer = torch.optim.Adam(params, lr=0.1)
    x = torch.randn(2, 5, 3)
    with torch.profiler.profile(record_shapes=True) as prof:
        for _ in range(2):
            loss = lstm(x)[0].sum() + cell(x[:, 0]).sum()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    return prof


def test_rnn_modules_and_optimizer_steps_as_torch_names_them():
    torch = require_torch()
    names = ["aten::lstm", "aten::gru_cell", "MkldnnRnnLayerBackward0", "Optimizer.step#Adam.step",
             "Optimizer.zero_grad#Adam.zero_grad"]
    counts = []
    for framework in (tinygrad_rnn, torch):
        averages = {e.key: e for e in _profile_training_steps(framework).key_averages()}
        counts.append({name: averages[name].count for name in names if name in averages})
        assert averages["Optimizer.step#Adam.step"].is_user_annotation
    assert counts[0] == counts[1] == dict.fromkeys(names, 2)


def test_export_stacks_writes_flame_graph_lines(tmp_path):
    def double(t):
        return (t * 2).exp()

    with tinygrad_rnn.profiler.profile(with_stack=True) as prof:
        double(tinygrad_rnn.ones(200, 200))
    prof.export_stacks(str(tmp_path / "stacks.txt"))
    lines = (tmp_path / "stacks.txt").read_text().splitlines()
    assert len(lines) == 2  # aten::mul and aten::exp, each below double, below this test
    for line in lines:
        frames, value = line.rsplit(" ", 1)
        assert int(value) > 0 and frames.split(";")[-1].endswith("):_double")
        assert ";" in frames and " " not in frames  # (spaces inside a frame become "_")
    with pytest.raises(ValueError, match="metric should be one of"):
        prof.export_stacks(str(tmp_path / "other.txt"), "cpu_time")
    with pytest.raises(NotImplementedError, match="export_memory_timeline"):
        prof.export_memory_timeline(str(tmp_path / "memory.html"))
