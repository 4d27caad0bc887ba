"""`torch.distributed` for the one process tinygrad_rnn runs in: a default process group of world size 1.

Training scripts written for several processes (nanoGPT's train.py) import init_process_group and
DistributedDataParallel at the top and take the distributed path only when launched that way (RANK set).
Here the group can be made with world_size=1 and rank 0, where every collective leaves its tensors as they are
(the sum, mean, min or max over one process is its own value); a larger world raises NotImplementedError.
"""
from __future__ import annotations

import enum
import os
from typing import Any

_NOT_INITIALIZED = "Default process group has not been initialized, please make sure to call init_process_group."
_group: dict | None = None  # the default process group: its backend, once init_process_group has run


class RedOpType(enum.Enum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8
    UNUSED = 9


class ReduceOp:
    """The reductions a collective applies (`ReduceOp.SUM`, ...), torch's RedOpType values."""

    SUM, AVG, PRODUCT, MIN, MAX = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR, PREMUL_SUM, UNUSED = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR, RedOpType.PREMUL_SUM, \
        RedOpType.UNUSED
    RedOpType = RedOpType


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return _group is not None


def _from_environment(name: str, given: int) -> int:
    """rank or world_size (or, for -1, just the presence of the rendezvous address): as given, else from the
    environment, as torch's env:// rendezvous reads them."""
    if given != -1:
        return given
    if name not in os.environ:
        raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: environment variable {name} "
                         "expected, but not set")
    return int(os.environ[name]) if name in ("RANK", "WORLD_SIZE") else -1


def init_process_group(backend: Any = None, init_method: Any = None, timeout: Any = None, world_size: int = -1,
                       rank: int = -1, store: Any = None, group_name: str = "", pg_options: Any = None,
                       device_id: Any = None) -> None:
    """The default group; only a world of one process (rank 0) exists here."""
    global _group
    if _group is not None:
        raise ValueError("trying to initialize the default process group twice!")
    rank, world_size = _from_environment("RANK", rank), _from_environment("WORLD_SIZE", world_size)
    if init_method in (None, "env://") and store is None:  # the rendezvous address, which torch reads even for one
        for name in ("MASTER_ADDR", "MASTER_PORT"):
            _from_environment(name, -1)
    if world_size != 1 or rank != 0:
        raise NotImplementedError(f"init_process_group(world_size={world_size}, rank={rank}): tinygrad_rnn runs in "
                                  "one process; only world_size=1 with rank 0 is supported")
    _group = {"backend": str(backend or "gloo")}


def destroy_process_group(group: Any = None) -> None:
    global _group
    if _group is None:
        raise AssertionError("Process group cannot be None")
    _group = None


def _require_group() -> dict:
    if _group is None:
        raise ValueError(_NOT_INITIALIZED)
    return _group


def get_rank(group: Any = None) -> int:
    _require_group()
    return 0


def get_world_size(group: Any = None) -> int:
    _require_group()
    return 1


def get_backend(group: Any = None) -> str:
    return _require_group()["backend"]


def _collective(async_op: bool) -> None:
    """What every collective checks: a group, and a synchronous call (no Work objects to wait on here)."""
    _require_group()
    if async_op:
        raise NotImplementedError("async_op=True is not implemented: tinygrad_rnn's collectives finish at once")


def all_reduce(tensor: Any, op: Any = ReduceOp.SUM, group: Any = None, async_op: bool = False) -> None:
    """Reduce `tensor` over the processes, in place: over one process it keeps its values."""
    _collective(async_op)


def reduce(tensor: Any, dst: int = 0, op: Any = ReduceOp.SUM, group: Any = None, async_op: bool = False) -> None:
    _collective(async_op)


def broadcast(tensor: Any, src: int = 0, group: Any = None, async_op: bool = False) -> None:
    _collective(async_op)


def all_gather(tensor_list: list, tensor: Any, group: Any = None, async_op: bool = False) -> None:
    """tensor_list[i] gets process i's tensor: here the one process's."""
    _collective(async_op)
    tensor_list[0].copy_(tensor)


def barrier(group: Any = None, async_op: bool = False, device_ids: Any = None) -> None:
    _collective(async_op)
