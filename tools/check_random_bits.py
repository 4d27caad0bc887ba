"""Does our random stream give torch's bits on this machine? A longer check than the unit tests.

    python tools/check_random_bits.py            # 10 seeds x 1e6 normals per dtype, then all 2^24 float uniforms
    python tools/check_random_bits.py --quick    # the seeds only

Needs torch installed and imports tinygrad_rnn from the working tree. Prints the number of values
that differ (expected: 0 everywhere).

The exhaustive part feeds every float32 uniform torch's float normal kernel can draw (2^24 of them)
to torch through a crafted generator state (mt19937 with `left` = 624 reads its stored words before
it twists, so we choose the next 623 outputs), once as the log input (angle 0) and once as the angle
(radius near 1), and compares torch's normals with our emulation of its kernel.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import tinygrad_rnn  # noqa: E402
from tinygrad_rnn.random import _box_muller_float  # noqa: E402


def seeded_normals() -> None:
    for dtype in ("float16", "float32", "float64"):
        differ = 0
        for seed in range(10):
            results = []
            for m in (tinygrad_rnn, torch):
                m.manual_seed(seed)
                results.append(m.empty(10**6, dtype=getattr(m, dtype)).normal_(0.25 * seed - 1, 0.5 + seed).numpy())
            differ += int((results[0] != results[1]).sum())
        print(f"normal_ {dtype}: {differ} of 10,000,000 differ", flush=True)


def untemper(y: np.ndarray) -> np.ndarray:
    """The mt19937 state word whose tempered output is y."""
    y = y ^ (y >> 18)
    y = y ^ ((y << 15) & 0xEFC60000)
    x = y
    for _ in range(5):
        x = y ^ ((x << 7) & 0x9D2C5680)
    y, x = x & 0xFFFFFFFF, x & 0xFFFFFFFF
    for _ in range(3):
        x = y ^ (x >> 11)
    return x


def torch_normals_of(outputs: np.ndarray, state: np.ndarray) -> np.ndarray:
    """torch.randn(len(outputs)) from a state whose next outputs are `outputs` (at most 623)."""
    words = np.zeros(624, np.uint64)
    words[:len(outputs)] = untemper(outputs.astype(np.uint64))
    state[24:24 + 624 * 8] = words.view(np.uint8)
    torch.set_rng_state(torch.from_numpy(state))
    return torch.randn(len(outputs)).numpy()


def every_float_uniform() -> None:
    torch.manual_seed(0)
    state = torch.get_rng_state().numpy().copy()
    state[8:12] = np.frombuffer(np.int32(624).tobytes(), np.uint8)  # left
    state[16:24] = 0  # next
    blocks = 38  # randn(608): 38 blocks of 8 log inputs and 8 angles
    everything = np.arange(2**24, dtype=np.uint64)
    for part, column in (("log", slice(0, 8)), ("sincos", slice(8, 16))):
        differ = 0
        for start in range(0, 2**24, blocks * 8):
            chunk = everything[start:start + blocks * 8]
            outputs = np.zeros((blocks, 16), np.uint64)
            if part == "sincos":
                outputs[:, :8] = 6_600_000  # radius near 1
            outputs[:, column].flat[:len(chunk)] = chunk
            outputs = outputs.ravel()
            theirs = torch_normals_of(outputs, state.copy())
            ours = _box_muller_float(outputs.astype(np.float32) * np.float32(2**-24), 0.0, 1.0)
            differ += int((theirs.view(np.int32) != ours.view(np.int32)).sum())
        print(f"float normals, all 2^24 uniforms as the {part} input: {differ} differ", flush=True)


if __name__ == "__main__":
    seeded_normals()
    if "--quick" not in sys.argv:
        every_float_uniform()
