"""`torch.cuda` on a machine without a GPU: tutorials ask `torch.cuda.is_available()` first."""
from __future__ import annotations

from typing import Any

from .surface.legacy import CUDA_TYPES

# torch.cuda.FloatTensor, ...: torch's CPU build names them, and refuses to make one
(FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor,
 BoolTensor) = CUDA_TYPES


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Seeding a GPU that does not exist does nothing, as in torch."""


def manual_seed_all(seed: int) -> None:
    """Seeding a GPU that does not exist does nothing, as in torch."""


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



from .amp import cuda_amp as amp  # noqa: E402, F401  (torch.cuda.amp: the deprecated spellings, amp/cuda_amp.py)
