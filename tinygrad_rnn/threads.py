"""torch's thread controls: `set_num_threads`, `get_num_threads`, `set_num_interop_threads`,
`get_num_interop_threads`, with torch's defaults and argument errors.

    import tinygrad_rnn as torch
    torch.set_num_threads(1)        # every matmul and fused RNN kernel now uses one BLAS thread

The intra-op count is the number of threads numpy's BLAS splits a product over (see
kernels/blas_threads.py). It is fixed until the program changes it, so the same seed and the same
setting give bit-identical numbers whatever else runs on the machine. We run nothing in parallel
between ops, so the inter-op count is only kept and reported, as torch does on a program that has
not started inter-op work.
"""
from __future__ import annotations

from typing import Any

from .backend.blas_threads import blas_threads, physical_cores, set_blas_threads

__all__ = ["get_num_interop_threads", "get_num_threads", "init_num_threads", "set_num_interop_threads",
           "set_num_threads"]

_interop: int | None = None  # None: never set, torch's default applies


def _check_count(name: str, value: Any) -> int:
    """torch's checks of a thread count: a positive Python (or numpy) int, not a bool."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")
    count = value.__index__()
    if count <= 0:
        raise RuntimeError(f"{name} expects a positive integer")
    if count >= 1 << 31:  # torch reads it as a C int
        raise ValueError("Overflow when unpacking long")
    return count


def set_num_threads(count: int, /) -> None:
    """Use `count` threads for every BLAS product (matmul, the fused RNN kernels) from now on."""
    set_blas_threads(_check_count("set_num_threads", count))


def init_num_threads() -> None:
    """torch propagates set_num_threads onto a new thread with this; the BLAS setting here is the process's
    already, so there is nothing to do."""


def get_num_threads() -> int:
    """The number of threads BLAS products use (torch's default: the physical cores, or fewer
    when MKL_NUM_THREADS / OMP_NUM_THREADS say so)."""
    return blas_threads()


def set_num_interop_threads(count: int, /) -> None:
    """Record the inter-op thread count; as in torch, only once per program."""
    global _interop
    count = _check_count("set_num_interop_threads", count)
    if _interop is not None:
        raise RuntimeError(
            "Error: cannot set number of interop threads after parallel work has started or "
            "set_num_interop_threads called"
        )
    _interop = count


def get_num_interop_threads() -> int:
    """The inter-op thread count (torch's default: the physical cores, whatever the environment says)."""
    return physical_cores() if _interop is None else _interop
