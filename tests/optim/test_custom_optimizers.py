"""A user's own optimiser, written as tutorials write it (`from torch.optim.optimizer import Optimizer,
required`), against torch: each case runs on both frameworks and returns what a script would print;
one test lists every case that differs."""
from __future__ import annotations

import importlib
from typing import Any

from helpers import require_torch

import tinygrad_rnn


def _optimizer_module(m: Any) -> Any:
    return importlib.import_module(m.__name__ + ".optim.optimizer")


def _plain_sgd_class(m: Any) -> type:
    """The custom SGD of many tutorials: `required` lr, @torch.no_grad() step, momentum in self.state."""
    om = _optimizer_module(m)

    class PlainSGD(om.Optimizer):
        def __init__(self, params: Any, lr: Any = om.required, momentum: float = 0.0) -> None:
            super().__init__(params, dict(lr=lr, momentum=momentum))

        @m.no_grad()
        def step(self, closure: Any = None) -> Any:
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    d_p, state = p.grad, self.state[p]
                    if group["momentum"]:
                        if "buf" not in state:
                            state["buf"] = d_p.clone()
                        else:
                            state["buf"].mul_(group["momentum"]).add_(d_p)
                        d_p = state["buf"]
                    p.add_(d_p, alpha=-group["lr"])

    return PlainSGD


def _params(m: Any) -> list:
    p = m.nn.Parameter(m.tensor([1.0, -2.0, 0.5]))
    p.grad = m.tensor([0.5, 0.25, -1.0])
    return [p]


def _required_lr_missing(m: Any) -> Any:
    return _plain_sgd_class(m)(_params(m))


def _required_lr_per_group(m: Any) -> Any:
    a, b = _params(m), _params(m)
    opt = _plain_sgd_class(m)([{"params": a, "lr": 0.1}, {"params": b, "lr": 0.2}], momentum=0.9)
    opt.step()
    opt.step()
    return repr(opt), [p.tolist() for p in a + b], str(opt.state_dict())


def _required_lr_missing_in_added_group(m: Any) -> Any:
    opt = _plain_sgd_class(m)(_params(m), lr=0.1)
    opt.add_param_group({"params": _params(m)})


def _required_repr(m: Any) -> Any:
    om = _optimizer_module(m)
    return repr(om.required), type(om.required).__name__, repr(_plain_sgd_class(m)(_params(m), lr=0.5))


def _use_grad_decorator(m: Any) -> Any:
    """A step copied from torch's sources: grad mode follows `differentiable` inside, restored after."""
    om = _optimizer_module(m)
    seen = []

    class Copied(om.Optimizer):
        def __init__(self, params: Any, lr: float = 0.1, differentiable: bool = False) -> None:
            super().__init__(params, dict(lr=lr, differentiable=differentiable))

        @om._use_grad_for_differentiable
        def step(self, closure: Any = None) -> Any:
            seen.append(m.is_grad_enabled())
            return "done"

    out = [Copied(_params(m)).step(), Copied(_params(m), differentiable=True).step.__name__, m.is_grad_enabled()]
    return out, seen


def _use_grad_without_differentiable_default(m: Any) -> Any:
    om = _optimizer_module(m)

    class NoFlag(om.Optimizer):
        def __init__(self, params: Any) -> None:
            super().__init__(params, dict(lr=0.1))

        @om._use_grad_for_differentiable
        def step(self, closure: Any = None) -> Any:
            return None

    NoFlag(_params(m)).step()


def _small_helpers(m: Any) -> Any:
    om = _optimizer_module(m)
    return (om._get_value(m.tensor(3.0)), om._get_value(2), str(om._get_scalar_dtype()),
            str(om._get_scalar_dtype(is_fused=True)), str(om._to_scalar(m.tensor([0.5]))), om._to_scalar(0.25))


def _profile_hook_step(m: Any) -> Any:
    """Optimizer.profile_hook_step wraps a step so the step hooks run around it, once."""
    log = []
    opt = _plain_sgd_class(m)(_params(m), lr=0.1)
    opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", len(a))))
    opt.register_step_post_hook(lambda o, a, k: log.append(("post", len(a))))
    wrapped = m.optim.Optimizer.profile_hook_step(type(opt).step)
    wrapped(opt)
    opt.step()
    return log, wrapped.__name__


def _adagrad_share_memory(m: Any) -> Any:
    opt = m.optim.Adagrad(_params(m), lr=0.1)
    opt.share_memory()
    return [s["sum"].is_shared() for s in opt.state.values()]


def _shared_adam_class(m: Any, make_step: Any) -> type:
    """The SharedAdam of A3C scripts: Adam whose state is made (and shared) up front, its step counter
    whatever the script makes it (a tensor of one element, or a plain number)."""
    class SharedAdam(m.optim.Adam):
        def __init__(self, params: Any, lr: float = 1e-3) -> None:
            super().__init__(params, lr=lr)
            for group in self.param_groups:
                for p in group["params"]:
                    state = self.state[p]
                    state["step"] = make_step(m)
                    state["exp_avg"] = m.zeros_like(p.data).share_memory_()
                    state["exp_avg_sq"] = m.zeros_like(p.data).share_memory_()
    return SharedAdam


def _shared_adam_steps(m: Any, make_step: Any, optimizer: str = "Adam") -> Any:
    params = _params(m)
    opt = _shared_adam_class(m, make_step)(params, lr=0.1) if optimizer == "Adam" else \
        getattr(m.optim, optimizer)(params, lr=0.1)
    for p in params:
        p.grad = m.ones_like(p)
    if optimizer != "Adam":
        opt.step()
        for state in opt.state.values():
            state["step"] = make_step(m)
    opt.step()
    opt.step()
    return [p.tolist() for p in params], [repr(s["step"]) for s in opt.state.values()]


def _shared_adam_one_element_step(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: m.zeros(1))


def _shared_adam_int_step(m: Any) -> Any:
    """Older torch counted in plain numbers; torch 2's steps refuse them."""
    return _shared_adam_steps(m, lambda m: 0)


def _multi_element_step(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: m.zeros(2))


def _rmsprop_counts_a_multi_element_step(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: m.zeros(2), "RMSprop")


def _asgd_counts_from_a_plain_number(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: 3, "ASGD")


def _adafactor_refuses_a_plain_number(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: 3.0, "Adafactor")


def _bool_step(m: Any) -> Any:
    return _shared_adam_steps(m, lambda m: m.tensor(True), "NAdam")


def _hook_type_aliases(m: Any) -> Any:
    om = _optimizer_module(m)
    names = ("ParamsT", "StateDict", "Args", "Kwargs", "GlobalOptimizerPreHook", "GlobalOptimizerPostHook")
    return [hasattr(om, n) for n in names], hasattr(om.Optimizer, "OptimizerPreHook"), \
        hasattr(om.Optimizer, "OptimizerPostHook")


def _base_step_is_abstract(m: Any) -> Any:
    """Optimizer's own step raises NotImplementedError, even with no gradient to apply."""
    return m.optim.Optimizer([m.nn.Parameter(m.ones(2))], {"lr": 0.1}).step()


def _subclass_without_step(m: Any) -> Any:
    class Forgetful(m.optim.Optimizer):
        pass

    opt = Forgetful(_params(m), {"lr": 0.1})
    opt.zero_grad()
    return repr(opt), opt.step()


CASES = [_required_lr_missing, _required_lr_per_group, _required_lr_missing_in_added_group, _required_repr,
         _use_grad_decorator, _use_grad_without_differentiable_default, _small_helpers, _profile_hook_step,
         _adagrad_share_memory, _hook_type_aliases, _base_step_is_abstract, _subclass_without_step,
         _shared_adam_one_element_step, _shared_adam_int_step, _multi_element_step, _rmsprop_counts_a_multi_element_step,
         _asgd_counts_from_a_plain_number, _adafactor_refuses_a_plain_number, _bool_step]


def _outcome(case: Any, m: Any) -> Any:
    """What the case returns, or the error it raises (type and message)."""
    try:
        return case(m)
    except Exception as error:  # noqa: BLE001 -- the error is the outcome compared
        return type(error).__name__, str(error)


def test_custom_optimizers_behave_as_torchs() -> None:
    torch = require_torch()
    differences = []
    for case in CASES:
        ours, theirs = _outcome(case, tinygrad_rnn), _outcome(case, torch)
        if ours != theirs:
            differences.append(f"{case.__name__}: ours {ours!r}, torch {theirs!r}")
    assert not differences, "\n".join(differences)
