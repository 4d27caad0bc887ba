"""`torch.multiprocessing`: Python's multiprocessing, which torch's module wraps, with torch's sharing-strategy
settings. Scripts call `mp.set_start_method('spawn')` or `mp.cpu_count()` from it.

`t.share_memory_()` (and `module.share_memory()`) moves a tensor's memory into an anonymous shared mapping,
so a process forked afterwards (the default start method on Linux; Hogwild and A3C scripts) writes into the
parent's tensor, as with torch. A tensor pickled to a spawned process arrives as a copy: tinygrad_rnn's
tensors pickle by value (torch sends a handle to the shared storage instead).
"""
from __future__ import annotations

import multiprocessing
from multiprocessing import *  # noqa: F403  (torch.multiprocessing offers all of Python's names)
from typing import Any

_STRATEGIES = ("file_descriptor", "file_system")
_strategy = {"now": "file_descriptor"}  # torch's default on Linux


def get_all_sharing_strategies() -> set:
    return set(_STRATEGIES)


def get_sharing_strategy() -> str:
    return _strategy["now"]


def set_sharing_strategy(new_strategy: str) -> None:
    """How torch shares tensor storage between processes; ours are copied, so this only records the choice."""
    assert new_strategy in _STRATEGIES
    _strategy["now"] = new_strategy


def spawn(fn: Any, args: tuple = (), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn") -> Any:
    raise NotImplementedError("torch.multiprocessing.spawn is not implemented: tinygrad_rnn runs training in one "
                              "process (use multiprocessing's Process, which this module offers, for other work)")


start_processes = spawn
__all__ = [*multiprocessing.__all__, "get_all_sharing_strategies", "get_sharing_strategy", "set_sharing_strategy",
           "spawn", "start_processes"]
