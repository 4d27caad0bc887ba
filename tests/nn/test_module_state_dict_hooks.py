"""Module.state_dict / load_state_dict as torch builds them: each module saves and loads its own
part (`_save_to_state_dict`, `_load_from_state_dict`, which subclasses override to migrate an
older `_version`), the hooks around both, and get_extra_state / set_extra_state. Each test runs the
same code on both frameworks and compares what it records."""
from collections import OrderedDict

import pytest
from helpers import require_torch

import tinygrad_rnn


def _both(fn):
    torch = require_torch()
    ours, theirs = fn(tinygrad_rnn), fn(torch)
    assert ours == theirs
    return ours


def _versioned_scaler(m):
    class Scaler(m.nn.Module):
        _version = 2  # version 2 renamed `scale` to `gain`

        def __init__(self):
            super().__init__()
            self.gain = m.nn.Parameter(m.ones(3))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                  error_msgs):
            self.seen = (prefix, dict(local_metadata), strict, sorted(state_dict))
            if local_metadata.get("version", 1) < 2 and prefix + "scale" in state_dict:
                state_dict[prefix + "gain"] = state_dict.pop(prefix + "scale")
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                          unexpected_keys, error_msgs)

    return Scaler


def test_metadata_holds_each_modules_version():
    def run(m):
        model = m.nn.Sequential(_versioned_scaler(m)(), m.nn.Sequential(m.nn.Linear(2, 2)))
        return dict(model.state_dict()._metadata), dict(model.state_dict(prefix="net.")._metadata)
    _both(run)


def test_an_overridden_load_from_state_dict_migrates_an_old_checkpoint():
    def run(m):
        model = m.nn.Sequential(_versioned_scaler(m)(), m.nn.Linear(3, 2))
        old = OrderedDict([("0.scale", m.tensor([1.0, 2.0, 3.0])), ("1.weight", m.ones(2, 3)), ("1.bias", m.zeros(2))])
        old._metadata = OrderedDict([("", {"version": 1}), ("0", {"version": 1})])
        result = model.load_state_dict(old)
        current = model.load_state_dict(model.state_dict(), assign=True)
        return str(result), str(current), model[0].seen, model[0].gain.tolist(), sorted(old)  # the caller's dict is untouched
    _both(run)


def test_load_state_dict_pre_and_post_hooks_run_as_torchs():
    def run(m):
        calls = []
        model = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Sequential(m.nn.Linear(2, 1)))

        def old_style(state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
            calls.append(("old", prefix, sorted(state_dict), local_metadata, strict, list(missing)))
            state_dict[prefix + "bias"] = m.full((1,), 7.0)

        def with_module(module, state_dict, prefix, *rest):
            calls.append(("module", type(module).__name__, prefix, len(rest)))

        def post(module, incompatible):
            calls.append(("post", type(module).__name__, list(incompatible.missing_keys),
                          list(incompatible.unexpected_keys)))
            incompatible.missing_keys.clear()  # forgiven: the strict check sees the cleared list

        model[1][0]._register_load_state_dict_pre_hook(old_style)
        model[1]._register_load_state_dict_pre_hook(with_module, with_module=True)
        handle = model.register_load_state_dict_pre_hook(with_module)
        model[1].register_load_state_dict_post_hook(post)
        state = {k: v for k, v in model.state_dict().items() if k != "0.bias"}
        calls.append(str(model.load_state_dict(state)))
        handle.remove()
        model.load_state_dict(model.state_dict())
        return calls, model[1][0].bias.tolist()
    _both(run)


def test_state_dict_hooks_run_as_torchs():
    def run(m):
        calls = []
        model = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.Linear(2, 1))
        model[0].register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append(("pre", prefix, keep_vars)))

        def public(module, state_dict, prefix, local_metadata):
            calls.append(("post", prefix, list(state_dict), local_metadata))
            state_dict[prefix + "extra"] = m.tensor(1.0)

        model[1].register_state_dict_post_hook(public)
        model._register_state_dict_hook(lambda mod, sd, prefix, meta: OrderedDict(reversed(list(sd.items()))))
        keys = list(model.state_dict(keep_vars=True))
        bad = m.nn.Linear(1, 1)
        bad.register_state_dict_post_hook(lambda *args: {})
        with pytest.raises(RuntimeError) as error:
            bad.state_dict()
        return calls, keys, str(error.value)
    _both(run)


def test_an_overridden_child_state_dict_is_called_by_its_parent():
    def run(m):
        class Renamed(m.nn.Linear):
            def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
                destination = super().state_dict(destination=destination, prefix=prefix, keep_vars=keep_vars)
                destination[prefix + "note"] = m.tensor(3.0)
                return destination

        return list(m.nn.Sequential(Renamed(1, 1), m.nn.ReLU()).state_dict())
    _both(run)


def test_extra_state_is_saved_and_loaded_as_torchs():
    def run(m):
        class Counter(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.count = 0
                self.lin = m.nn.Linear(1, 1)

            def get_extra_state(self):
                return {"count": self.count}

            def set_extra_state(self, state):
                self.count = state["count"]

        source, target = Counter(), Counter()
        source.count = 5
        state = source.state_dict()
        target.load_state_dict(state)
        missing = {k: v for k, v in state.items() if k != "_extra_state"}
        with pytest.raises(RuntimeError) as error:
            Counter().load_state_dict(missing)
        with pytest.raises(RuntimeError) as unexpected:
            m.nn.Linear(1, 1).load_state_dict({**m.nn.Linear(1, 1).state_dict(), "_extra_state": 1})
        return list(state), state["_extra_state"], target.count, str(error.value), str(unexpected.value)
    _both(run)


def test_hook_registries_print_as_torchs():
    def run(m):
        lin = m.nn.Linear(1, 1)
        handle = lin.register_forward_pre_hook(print)
        handle.remove()
        lin.register_full_backward_hook(print).remove()
        return repr(lin._forward_pre_hooks), repr(lin._forward_hooks), repr(lin._backward_hooks)
    _both(run)


def test_batch_norm_is_version_2_and_loads_a_checkpoint_without_num_batches_tracked():
    def run(m):
        bn = m.nn.BatchNorm1d(3)
        bn.num_batches_tracked.fill_(5)
        old = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
        results = [str(bn.load_state_dict(old)), bn.num_batches_tracked.item()]
        versioned = OrderedDict(old)
        versioned._metadata = {"": {"version": 2}}  # a version-2 checkpoint must have it
        with pytest.raises(RuntimeError) as error:
            bn.load_state_dict(versioned)
        model = m.nn.Sequential(m.nn.Linear(3, 3), m.nn.BatchNorm2d(3, track_running_stats=False))
        return results, str(error.value), dict(model.state_dict()._metadata)
    _both(run)


def test_consume_prefix_in_state_dict_if_present_strips_a_data_parallel_prefix_as_torch():
    def run(m):
        wrapped = m.nn.DataParallel(m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU()))
        state = wrapped.state_dict()
        m.nn.modules.utils.consume_prefix_in_state_dict_if_present(state, "module.")
        plain = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
        return list(state), dict(state._metadata), str(plain.load_state_dict(state))
    _both(run)


def test_module_file_helpers_are_where_torch_keeps_them():
    def run(m):
        return m.nn.modules.module._addindent("a\nb", 2), str(m.nn.modules.module._IncompatibleKeys([], []))
    _both(run)


def test_a_module_may_keep_its_own_hooks_attribute():
    """Feature extractors often keep their handles in `self._hooks`: state_dict must not rely on that name."""
    def run(m):
        class Extractor(m.nn.Module):
            def __init__(self):
                super().__init__()
                self.body = m.nn.Linear(2, 2)
                self._hooks = [self.body.register_forward_hook(lambda *a: None)]

        model = Extractor()
        return list(model.state_dict()), str(model.load_state_dict(model.state_dict()))
    _both(run)
