"""`torch.cuda` on a machine without a GPU: tutorials ask `torch.cuda.is_available()` first."""
from __future__ import annotations


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



from .amp import cuda_amp as amp  # noqa: E402, F401  (torch.cuda.amp: the deprecated spellings, amp/cuda_amp.py)
