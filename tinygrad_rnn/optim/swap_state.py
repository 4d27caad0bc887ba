"""`swap_in_optimizer_params_and_state`: run an optimiser on other parameters and state for a while.

    with swap_in_optimizer_params_and_state(optimizer, {"w": w_copy}, saved_state_dict):
        optimizer.step()            # steps w_copy, with the saved moments
    # here the optimiser has its own parameters, hyper-parameters and state again

`swapin_parameters` lists the stand-in tensors in the order of the optimiser's groups;
`swapin_optim_state` is an `optimizer.state_dict()`-shaped dict (parameters as packed ids).
Unlike `load_state_dict`, nothing is copied into the live optimiser: the swap is undone on exit,
even after an exception.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.tensor import Tensor
from .optimizer import Optimizer

_NAME = "swap_in_optimizer_params_and_state"


def _check_state(state: Any) -> dict:
    if not isinstance(state, dict):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter ids "
                           f"to per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.")
    return state


def _check_groups(optimizer: Optimizer, groups: Any) -> list:
    if not isinstance(groups, list):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group dicts, "
                           f"got {type(groups).__name__}.")
    if len(optimizer.param_groups) != len(groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    return groups


def _check_group(idx: int, live: dict, saved: Any) -> list[int]:
    """The saved group must look like the live one: same keys, same number of params (as ids)."""
    if not isinstance(saved, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = saved.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries keyed by "
                           "packed parameter ids.")
    if len(live["params"]) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of params than the live "
                           "optimizer param group.")
    saved_only, live_only = [k for k in saved if k not in live], [k for k in live if k not in saved]
    if saved_only or live_only:
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match the live "
                           f"optimizer group keys for group {idx}. Keys only in swap-in: {saved_only}. Keys only in "
                           f"live: {live_only}.")
    return ids


def _plan(optimizer: Optimizer, parameters: dict[str, Tensor], saved: Any) -> tuple[dict, list]:
    """Validate everything first; return the saved per-id state and, per group, (saved group, stand-ins)."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(saved, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = _check_state(saved.get("state"))
    groups = _check_groups(optimizer, saved.get("param_groups"))
    stand_ins, offset, seen = list(parameters.values()), 0, set()
    plan = []
    for idx, (live, saved_group) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, live, saved_group)
        seen.update(ids)
        if offset + len(ids) > len(stand_ins):
            raise RuntimeError(f"{_NAME} requires the explicit parameter state to match optimizer.param_groups "
                               "ordering.")
        plan.append((saved_group, stand_ins[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids "
                           f"from param_groups[*]['params']; got extra keys {extra!r}.")
    return state, plan


@contextmanager
def swap_in_optimizer_params_and_state(optimizer: Optimizer, swapin_parameters: dict[str, Tensor],
                                       swapin_optim_state: dict[str, Any]) -> Iterator[None]:
    """Inside the block the optimiser's groups hold `swapin_parameters` and the saved hyper-parameters,
    and its state is the saved state (shallow copies per parameter); on exit all is restored."""
    state, plan = _plan(optimizer, swapin_parameters, swapin_optim_state)
    live_state, live_groups = optimizer.state, [dict(g) for g in optimizer.param_groups]
    try:
        swapped: defaultdict[Tensor, Any] = defaultdict(dict)
        for group, (saved_group, stand_ins) in zip(optimizer.param_groups, plan):
            group.update({k: v for k, v in saved_group.items() if k != "params"})
            group["params"] = stand_ins
            for param, pid in zip(stand_ins, saved_group["params"]):
                swapped[param] = dict(state.get(pid, {}))
        optimizer.state = swapped
        yield
    finally:
        for group, snapshot in zip(optimizer.param_groups, live_groups):
            group.clear()
            group.update(snapshot)
        optimizer.state = live_state
