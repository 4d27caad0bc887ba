"""`torch.cuda` on a machine without a GPU: tutorials ask `torch.cuda.is_available()` first."""
from __future__ import annotations

from typing import Any

from .device import device as _device
from .surface.legacy import CUDA_TYPES

# torch.cuda.FloatTensor, ...: torch's CPU build names them, and refuses to make one
(FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
 BoolTensor) = CUDA_TYPES


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Seeding a GPU that does not exist does nothing, as in torch (which still takes int(seed))."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """Seeding a GPU that does not exist does nothing, as in torch (which still takes int(seed))."""
    int(seed)


def seed() -> None:
    """A random seed for a GPU that does not exist: nothing, as in torch."""


def seed_all() -> None:
    """A random seed for GPUs that do not exist: nothing, as in torch."""


def get_rng_state_all() -> list:
    """One RNG state for each GPU: none here. Checkpoints that resume a run save this unguarded."""
    return []


def set_rng_state(new_state: Any, device: Any = "cuda") -> None:
    """torch keeps a copy of the state for when CUDA starts, which it never does here: the state is copied
    (so it must be a tensor) and the device checked, and nothing else happens."""
    new_state.clone()
    if isinstance(device, str):
        _device(device)


def set_rng_state_all(new_states: Any) -> None:
    """set_rng_state for each state saved by get_rng_state_all (none, on a machine without a GPU)."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """False, as torch's CPU build answers (nanoGPT asks before it picks bfloat16)."""
    return False


def is_tf32_supported() -> bool:
    return False


def is_initialized() -> bool:
    return False


def empty_cache() -> None:
    """Nothing is cached on a GPU that does not exist: a no-op, as in torch (fast.ai's clean_mem calls it)."""


def memory_allocated(device: object = None) -> int:
    return 0


def max_memory_allocated(device: object = None) -> int:
    return 0


def memory_reserved(device: object = None) -> int:
    return 0


def get_arch_list() -> list[str]:
    return []


def _no_cuda(*args: object, **kwargs: object) -> Any:
    """What torch's CPU build answers a question only a GPU can: torch's AssertionError."""
    raise AssertionError("Torch not compiled with CUDA enabled")


synchronize = current_device = get_device_name = get_device_properties = get_device_capability = _no_cuda
mem_get_info = init = ipc_collect = current_stream = _no_cuda
get_rng_state = initial_seed = _no_cuda  # (they start CUDA, which torch's CPU build cannot)



from .amp import cuda_amp as amp  # noqa: E402, F401  (torch.cuda.amp: the deprecated spellings, amp/cuda_amp.py)
