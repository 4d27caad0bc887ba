"""Random numbers: `Generator`, `manual_seed`, `randn`, `rand`, `randint`, `randperm`, `multinomial`.

They are torch's numbers: after `manual_seed(0)`, `randn(3)` is `[1.5410, -0.2934, -2.1788]` here too.
torch's CPU generator is a Mersenne Twister (mt19937) seeded with the low 32 bits of the seed,
which is numpy's `MT19937` with its legacy seeding; on top of its 32-bit outputs we rebuild torch's
recipes (`TorchStream` below):

- a float32 uniform is the low 24 bits of one output / 2^24; a float64 uniform is the low 53 bits
  of two outputs (the first one high) / 2^53; `uniform_(a, b)` is u * (b - a) + a, except that a
  value rounding up to b becomes a;
- an integer in [low, high) is output % (high - low) + low;
- `multinomial` without replacement (or with one sample) races exponential draws; with
  replacement it takes one float64 uniform per sample and searches a cumulative distribution;
- normals come from the Box-Muller transform: tensors of 16 or more elements are filled with
  uniforms and transformed 16 at a time (the last block of an odd size is redrawn; half draws
  uniforms for the whole blocks only before that); smaller ones draw one pair of float64 uniforms
  per two values, and keep the second value for the next call.

float16, float32 and float64 results match torch bit for bit on any x86 CPU, without depending on
numpy's SIMD code: torch's float (and half) normals use 8-lane float32 approximations of log and sincos (Cephes
polynomials, compiled with fused multiply-adds), which we emulate operation by operation; its double
kernels call the C library per element (we call `math`); and where torch's compiled `a * b + c` is one
fused multiply-add we compute that exactly (`_fma64`, `_fma32`).
"""
from __future__ import annotations

import contextlib
import functools
import math
import struct
from collections.abc import Iterator
from typing import Any

import numpy as np

from .argcheck import (
    TorchClass,
    bool_arg,
    checked_ints,
    float_arg,
    int_arg,
    invalid_combination,
    is_int,
    matched_int_list,
    tensor_arg,
    type_name,
)
from .argcheck import _where as arg_where
from .backend.fma import fma32 as _fma32
from .backend.fma import fma64 as _fma64
from .core import dtypes, views
from .core.modes import modes
from .core.size import name_in_errors
from .core.tensor import Tensor
from .creation import _check_out, _finish, _size, check_like_arguments, check_size, factory, like_array, write_into
from .device import check_device, check_device_name
from .device import device as _device
from .layout import check_layout, check_pin_memory, preserve_format
from .layout import layout as layout_type
from .ops.promotion import check_shapes_broadcast
from .overload_table import FUNCTIONS

_MASK24, _MASK53 = np.uint64((1 << 24) - 1), np.uint64((1 << 53) - 1)


class TorchStream:
    """torch's CPU random stream, with the draw methods of a numpy Generator (`uniform`, `normal`,
    `random`, `integers`, `permutation`, `choice`) so numpy-style code can draw from it."""

    def __init__(self, seed: int) -> None:
        self.engine = np.random.MT19937()
        self.engine._legacy_seeding(seed & 0xFFFFFFFF)
        self.next_normal: float | None = None  # the second value of the last Box-Muller pair

    # ---------------------------------------------------------------- raw draws
    def random32(self, n: int) -> np.ndarray:
        return self.engine.random_raw(n).astype(np.uint64)

    def random64(self, n: int) -> np.ndarray:
        raw = self.random32(2 * n)
        return (raw[0::2] << np.uint64(32)) | raw[1::2]

    def unit(self, n: int, dtype: Any) -> np.ndarray:
        """n uniforms in [0, 1) as torch draws them for `dtype` (24 bits for float32, 53 for float64)."""
        if np.dtype(dtype) == np.float64:
            return (self.random64(n) & _MASK53).astype(np.float64) * 2.0**-53
        return ((self.random32(n) & _MASK24).astype(np.float32) * np.float32(2.0**-24)).astype(dtype)

    # ---------------------------------------------------------------- torch's kernels
    def uniform_values(self, n: int, low: float, high: float, dtype: Any) -> np.ndarray:
        dtype = np.dtype(dtype)
        u = self.unit(n, np.float32 if dtype == np.float16 else dtype)  # half: a float draw, rounded last
        if u.dtype == np.float64:
            values = _fma64(u, high - low, low)  # torch's u * (high - low) + low is one fused multiply-add
        else:  # the same in float (a half result is then rounded from that float)
            lo, span = np.float32(low), np.float32(high) - np.float32(low)
            with np.errstate(over="ignore"):  # (beyond float16 is inf, as torch's)
                values = _fma32(u, span, lo).astype(dtype)
        # a value that rounds up to `high` becomes `low`, as in torch, so the range stays [low, high)
        # (a float16 one that rounds beyond it too: high may be no float16)
        top = values >= dtype.type(high) if dtype == np.float16 else values == dtype.type(high)
        return np.where(top, dtype.type(low), values)

    def normal_values(self, n: int, mean: float, std: float, dtype: Any, one_at_a_time: bool = False) -> np.ndarray:
        if n >= 16 and not one_at_a_time:
            return self._normal_fill(n, mean, std, np.dtype(dtype))
        z = np.array([self._one_normal() for _ in range(n)])
        out = _fma64(z, std, mean)  # torch's z * std + mean is one fused multiply-add
        return out.astype(np.float32).astype(dtype) if np.dtype(dtype) == np.float16 else out.astype(dtype)

    def _one_normal(self) -> float:
        if self.next_normal is not None:
            value, self.next_normal = self.next_normal, None
            return value
        u1, u2 = self.unit(2, np.float64)
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self.next_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def _normal_fill(self, n: int, mean: float, std: float, dtype: np.dtype) -> np.ndarray:
        work = np.float64 if dtype == np.float64 else np.float32
        # float and double draw a uniform for every element first; half draws only the whole blocks
        # (the redrawn last block then continues the stream right after them)
        drawn = n if dtype.itemsize >= 4 else n - n % 16
        uniforms = self.unit(drawn, work)
        whole = n - n % 16
        box_muller = _box_muller_double if dtype == np.float64 else _box_muller_float  # half: float's, rounded
        out = np.empty(n, dtype)
        out[:whole] = box_muller(uniforms[:whole], mean, std)
        if n % 16:  # torch redraws the last (overlapping) block of 16
            out[n - 16:] = box_muller(self.unit(16, work), mean, std)
        return out

    # ---------------------------------------------------------------- numpy Generator methods
    def random(self, size: Any = None, dtype: Any = np.float64) -> Any:
        return self._shaped(size, lambda n: self.unit(n, dtype))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
        return self._shaped(size, lambda n: self.uniform_values(n, low, high, np.float64))

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None) -> Any:
        return self._shaped(size, lambda n: self.normal_values(n, loc, scale, np.float64))

    def standard_normal(self, size: Any = None, dtype: Any = np.float64) -> Any:
        return self._shaped(size, lambda n: self.normal_values(n, 0.0, 1.0, dtype))

    def integers(self, low: int, high: Any = None, size: Any = None, dtype: Any = np.int64,
                 wide_from: int = 2**28) -> Any:
        """low + a draw modulo the span: a 64-bit draw for a span of `wide_from` or more, else a 32-bit one.
        torch's from/to kernel (random_(from, to), randint) widens from 2^28 (measured on 2.13: a span of
        2^28 - 1 takes one 32-bit draw, 2^28 one 64-bit draw); random_() of a whole type's range from 2^32."""
        if high is None:
            low, high = 0, low
        span = int(high) - int(low)
        draw = self.random64 if span >= wide_from else self.random32
        return self._shaped(size, lambda n: ((draw(n) % np.uint64(span)).astype(np.int64) + int(low)).astype(dtype))

    def permutation(self, n: Any) -> np.ndarray:
        """torch's randperm: a Fisher-Yates shuffle, swapping i with i + output % (n - i)."""
        if not isinstance(n, (int, np.integer)):
            arr = np.array(n)
            return arr[self.permutation(len(arr))]
        perm = np.arange(n)
        draws = self.random32(max(n - 1, 0))
        for i in range(n - 1):
            j = i + int(draws[i] % np.uint64(n - i))
            perm[i], perm[j] = perm[j], perm[i]
        return perm

    def choice(self, a: Any, size: Any = None, replace: bool = True, p: Any = None) -> Any:
        """Not a torch recipe: a numpy draw seeded from this stream (reproducible, not torch's numbers)."""
        return np.random.default_rng(int(self.random64(1)[0])).choice(a, size, replace, p)

    @staticmethod
    def _shaped(size: Any, draw: Any) -> Any:
        if size is None:
            return draw(1)[0]
        shape = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
        return draw(math.prod(shape)).reshape(shape)


# ------------------------------------------------------------------ Box-Muller, as torch's kernels round it
# Each function turns blocks of 16 uniforms into 16 normals: the pairs (u[j], u[j + 8]) give
# radius = sqrt(-2 log(1 - u[j])) and theta = 2 pi u[j + 8]; radius * cos(theta) goes to j and
# radius * sin(theta) to j + 8, each then scaled as one fused multiply-add z * std + mean.
def _box_muller_double(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """torch's double kernel: the C library's log, cos and sin per element."""
    u = u.reshape(-1, 16)
    radius = np.sqrt(-2 * _per_element(math.log, 1 - u[:, :8]))
    theta = 2 * math.pi * u[:, 8:]
    cos, sin = _per_element(math.cos, theta), _per_element(math.sin, theta)
    return _fma64(np.hstack([radius * cos, radius * sin]), std, mean).ravel()


def _box_muller_float(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """torch's float kernel (AVX2, also used on AVX-512 machines, and for half, whose normals are these
    floats rounded): 8-lane float32 approximations of log and sincos (Cephes polynomials, avx_mathfun.h)
    as GCC compiles them, with fused multiply-adds."""
    u = u.reshape(-1, 16)
    radius = np.sqrt(np.float32(-2) * _cephes_log(np.float32(1) - u[:, :8]))
    sin, cos = _cephes_sincos(np.float32(2 * math.pi) * u[:, 8:])
    z = np.hstack([radius * cos, radius * sin])
    return _fma32(z, np.float32(std), np.float32(mean)).ravel()


_F = np.float32
_LOG_POLY = [_F(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                             1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_LOG2_LOW, _LOG2_HIGH = _F(-2.12194440e-4), _F(0.693359375)  # log(2) in two parts
_SIN_POLY = [_F(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_POLY = [_F(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)]
_MINUS_PI_4_PARTS = [_F(c) for c in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)]


def _horner(coefficients: list, x: np.ndarray) -> np.ndarray:
    y = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        y = _fma32(y, x, c)
    return y


def _cephes_log(x: np.ndarray) -> np.ndarray:
    """log of floats in (0, 1]: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), then a polynomial in m - 1."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float32)
    m = ((bits & 0x007FFFFF) | 0x3F000000).view(np.float32)  # the mantissa in [0.5, 1)
    small = m < _F(0.707106781186547524)
    e -= small
    m = m - _F(1) + np.where(small, m, _F(0))  # m - 1, or 2m - 1 when m was small
    z = m * m
    y = _horner(_LOG_POLY, m) * m
    y = _fma32(y, z, e * _LOG2_LOW)
    y = y - z * _F(0.5)
    return _fma32(e, _LOG2_HIGH, m + y)


def _cephes_sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of non-negative floats: reduce by the octant j (pi/4 in three parts), then one
    polynomial for sin and one for cos of the remainder, swapped and negated as the octant says."""
    j = (x * _F(1.27323954473516)).astype(np.int32)  # 4 / pi, truncated as cvttps does
    j = (j + 1) & ~1
    r = x
    for part in _MINUS_PI_4_PARTS:
        r = _fma32(j.astype(np.float32), part, r)
    z = r * r
    cos_poly = _fma32(_horner(_COS_POLY, z) * z, z, -(z * _F(0.5))) + _F(1)
    sin_poly = _fma32(_horner(_SIN_POLY, z) * z, r, r)
    use_sin_poly = (j & 2) == 0
    sin = np.where(use_sin_poly, sin_poly, cos_poly)
    cos = np.where(use_sin_poly, cos_poly, sin_poly)
    return np.where((j & 4) != 0, -sin, sin), np.where(((j - 2) & 4) == 0, -cos, cos)


class Generator(metaclass=TorchClass):
    """A random stream with its own seed, as `torch.Generator`."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = _generator_device(device)
        self.manual_seed(67280421310721)  # torch's default seed for a new Generator

    def __repr__(self) -> str:  # torch's class lives in its C extension; a notebook shows torch.manual_seed(0)
        return f"<torch._C.Generator object at {hex(id(self))}>"

    def manual_seed(self, seed: Any) -> Generator:
        _check_seed_is_int(seed)
        if not -(2**63) <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2**64  # torch accepts negative seeds and wraps them
        self.np = TorchStream(self._seed)
        self._float_normal = (0.0, False)  # torch's cached float normal: never drawn here, kept for get_state
        return self

    def seed(self) -> int:
        self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The whole state as torch's 5056-byte uint8 tensor (torch's CPUGeneratorImplState layout)."""
        return Tensor._make(np.frombuffer(_pack_state(self), dtype=np.uint8).copy())

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from `get_state` (ours or torch's: the bytes are the same)."""
        _unpack_state(self, _state_bytes(new_state))
        return self

    def clone_state(self, *args: Any, **kwargs: Any) -> Generator:
        """A new Generator at this one's state: the two then draw the same numbers, apart."""
        _check_c_method_arguments("clone_state", args, kwargs, 0)
        clone = Generator(self.device)
        _unpack_state(clone, _pack_state(self))
        return clone

    def graphsafe_get_state(self, *args: Any, **kwargs: Any) -> Generator:
        """CUDA graphs' state handle: torch's CPU generator has none."""
        _check_c_method_arguments("graphsafe_get_state", args, kwargs, 0)
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, *args: Any, **kwargs: Any) -> Generator:
        """CUDA graphs' state handle: torch's CPU generator takes none (a Generator, checked first)."""
        _check_c_method_arguments("graphsafe_set_state", args, kwargs, 1)
        if not isinstance(args[0], Generator):
            raise TypeError(f"expected a Generator, but got {type_name(args[0])}")
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")


name_in_errors(Generator, "torch._C.Generator")  # in CPython's errors, as torch's


def _check_c_method_arguments(name: str, args: tuple, kwargs: dict, count: int) -> None:
    """Python's own errors for a C method of torch.Generator that takes `count` (0 or 1) positional arguments."""
    if kwargs:
        raise TypeError(f"Generator.{name}() takes no keyword arguments")
    if len(args) != count:
        wanted = "no arguments" if count == 0 else "exactly one argument"
        raise TypeError(f"Generator.{name}() takes {wanted} ({len(args)} given)")


def _check_seed_is_int(seed: Any) -> None:
    """A Generator's seed must be a Python int, as in torch (which names the type it got instead)."""
    if isinstance(seed, int) and not isinstance(seed, bool):
        return
    if isinstance(seed, np.integer):
        raise TypeError("an integer is required")
    kind = type(seed)
    name = "Tensor" if isinstance(seed, Tensor) else \
        kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    raise RuntimeError(f"manual_seed expected a long, but got {name}")


_NO_CUDA = ("Cannot get CUDA generator without ATen_cuda library. PyTorch splits its backend into two shared "
            "libraries: a CPU library and a CUDA library; this error has occurred because you are trying to use some "
            "CUDA functionality, but the CUDA library has not been loaded by the dynamic linker for some reason.  The "
            "CUDA library MUST be loaded, EVEN IF you don't directly use any symbols from the CUDA library! One common "
            "culprit is a lack of -Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic "
            "library dependencies if you don't depend on any of their symbols.  You can check if this has occurred by "
            "using ldd on your binary to see if there is a dependency on *_cuda.so library.")


_NO_GENERATOR = {"cuda": _NO_CUDA, "mps": "Cannot execute getNewGenerator() without MPS backend.",
                 "meta": "META device type not an accelerator."}


def _generator_device(device: Any) -> _device:
    """A generator's device: torch.device('cpu') (without an index, as torch's, for 'cpu:0' too); torch's
    error for a device this machine lacks."""
    name = check_device_name(device) if isinstance(device, (str, _device)) else None
    if device is None or name == "cpu":
        return _device("cpu")
    raise RuntimeError(_NO_GENERATOR.get(name, "Cannot access accelerator device when none is available."))


# torch's CPUGeneratorImplState, little-endian: the initial seed, mt19937's `left` and `seeded`,
# its read position `next`, its 624 words (each in 64 bits), the cached double normal (x, y, rho,
# valid), then the cached float normal and its flag; padded to 5056 bytes.
_HEAD, _NORMAL, _FLOAT_NORMAL = struct.Struct("<QiiQ"), struct.Struct("<dddi"), struct.Struct("<f?")
_WORDS_AT, _NORMAL_AT = _HEAD.size, _HEAD.size + 624 * 8
_FLOAT_NORMAL_AT, _STATE_SIZE = _NORMAL_AT + 32, 5056


def _pack_state(g: Generator) -> bytes:
    key, pos = g.np.engine.state["state"]["key"], int(g.np.engine.state["state"]["pos"])
    # numpy's pos counts the words read since the last twist; torch counts down `left` to the next
    # one. A freshly seeded engine (pos 624, not twisted yet) is torch's left=1, next=0.
    fresh = pos == 624 and np.array_equal(key, _seeded_key(g._seed))
    left, next_ = (1, 0) if fresh else (625 - pos, pos)
    out = bytearray(_STATE_SIZE)
    _HEAD.pack_into(out, 0, g._seed, left, 1, next_)
    out[_WORDS_AT:_NORMAL_AT] = key.astype("<u8").tobytes()
    cached = g.np.next_normal
    _NORMAL.pack_into(out, _NORMAL_AT, 0.0, cached or 0.0, 0.0, int(cached is not None))
    _FLOAT_NORMAL.pack_into(out, _FLOAT_NORMAL_AT, *g._float_normal)
    return bytes(out)


def _seeded_key(seed: int) -> np.ndarray:
    engine = np.random.MT19937()
    engine._legacy_seeding(seed & 0xFFFFFFFF)
    return engine.state["state"]["key"]


def _state_bytes(state: Any) -> bytes:
    """torch's checks on a state tensor, then its bytes."""
    if not isinstance(state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type_name(state)}")
    if state.dtype is not dtypes.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    if not state.is_contiguous():
        raise RuntimeError("RNG state must be contiguous")
    if state.numel() != _STATE_SIZE:
        raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input "
                           f"RNG state size to be {state.numel()}")
    return state.numpy().tobytes()


def _unpack_state(g: Generator, raw: bytes) -> None:
    seed, left, seeded, next_ = _HEAD.unpack_from(raw, 0)
    if not (1 <= left <= 624 and seeded and next_ <= 624):
        raise RuntimeError("Invalid mt19937 state")
    key = np.frombuffer(raw, dtype="<u8", count=624, offset=_WORDS_AT).astype(np.uint32)
    _, cached, _, valid = _NORMAL.unpack_from(raw, _NORMAL_AT)
    g._seed = seed
    # torch reads the next word only after counting `left` down: left=1 means "twist first".
    g.np.engine.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624 if left == 1 else next_}}
    g.np.next_normal = cached if valid else None
    g._float_normal = _FLOAT_NORMAL.unpack_from(raw, _FLOAT_NORMAL_AT)


default_generator = Generator()
default_generator.seed()  # torch seeds its default generator non-deterministically at start-up


def manual_seed(seed: Any) -> Generator:
    """Seed the global generator; unlike Generator.manual_seed, torch's function takes anything int() takes."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state: a uint8 tensor of 5056 bytes, the same bytes as torch's."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: str | None = None) -> Iterator[None]:
    """Run a block and put the default generator back as it was: draws inside leave no trace outside."""
    if device_type == "meta" or not enabled:
        yield
        return
    if devices is not None and list(devices):
        raise NotImplementedError(f"{_caller}({_devices_kw}=...): there are no accelerator devices here, only the CPU")
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


def check_generator(generator: Any, fn: str = "") -> None:
    """torch's parser refuses a generator that is not a Generator before any value is looked at (a negative size,
    a p out of range), so every sampler calls this first; `fn` names the caller in the TypeError."""
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{fn + '(): ' if fn else ''}argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")


def _rng(generator: Generator | None, fn: str = "") -> TorchStream:
    """The stream of `generator` (the default one for None); `fn` names the caller in the TypeError."""
    check_generator(generator, fn)
    return (generator or default_generator).np


def _float_dtype(dtype: Any, kernel: str) -> dtypes.dtype:
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if not d.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{d._legacy}\'')
    return d


def _generator_first(fn: Any) -> Any:
    """fn, refusing a generator that is not one before anything else (before factory's out= checks)."""
    @functools.wraps(fn)
    def checked(*args: Any, **kw: Any) -> Tensor:
        check_generator(kw.get("generator"), fn.__name__)
        return fn(*args, **kw)

    return checked


def _randperm_generator_first(fn: Any) -> Any:
    """randperm, refusing a generator that is not one before factory's out= checks, with torch's parser error."""
    @functools.wraps(fn)
    def checked(*args: Any, **kw: Any) -> Tensor:
        generator = kw.get("generator")
        if generator is not None and not isinstance(generator, Generator):
            raise invalid_combination("randperm", args, _RANDPERM_SIGNATURES,
                                      {k: v for k, v in kw.items() if v is not None and v is not False})
        return fn(*args, **kw)

    return checked


@_generator_first
@factory
def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:
    """Standard normal values of the default float dtype (float32)."""
    shape = check_size(_size(size, kw, "randn", device))  # torch parses the size before it looks at the dtype
    if not math.prod(shape) and dtype is not None:  # torch runs no kernel for an empty result, whatever the dtype
        return _finish(Tensor._make(np.empty(shape, dtypes.as_dtype(dtype).np)), requires_grad, device)
    d = _float_dtype(dtype, "normal_kernel_cpu")
    data = _rng(generator).normal_values(math.prod(shape), 0.0, 1.0, d.np).reshape(shape)
    return _finish(Tensor._make(data), requires_grad, device)


@_generator_first
@factory
def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False, **kw: Any) -> Tensor:
    """Uniform values in [0, 1)."""
    shape = check_size(_size(size, kw, "rand", device))
    d = _float_dtype(dtype, "check_uniform_bounds")
    data = _rng(generator).uniform_values(math.prod(shape), 0.0, 1.0, d.np).reshape(shape)
    return _finish(Tensor._make(data), requires_grad, device)


def randint(*args: Any, **kwargs: Any) -> Tensor:
    """Integers in [low, high): `randint(high, size)` starts at 0, `randint(low, high, size)`; keywords generator,
    out, dtype (int64 by default), layout, device, pin_memory, requires_grad. The arguments are read as torch's
    parser reads them (randint_args), so a bad call gets torch's error."""
    given = randint_args(args, kwargs)
    device, out, dtype = given.get("device"), given.get("out"), given.get("dtype")
    check_device(device)  # torch reads the device before it unpacks the numbers (measured)
    shape = checked_ints("randint", "size", given["size"], None)
    high, low = (_long(given[name]) if name in given else 0 for name in ("high", "low"))
    check_layout("randint", given.get("layout"))
    check_pin_memory("randint", given.get("pin_memory"))
    if out is not None:
        _check_out("randint", out, dtype)
    d = out.dtype if out is not None else dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    check_size(shape)
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    _check_integer_range(low, high, d)
    data = _rng(given.get("generator")).integers(low, high, shape).astype(d.np)
    if out is not None:
        return _finish(write_into(out, data), given.get("requires_grad") or False)
    return _finish(Tensor._make(data), given.get("requires_grad") or False, device)


# ------------------------------------------------------------------ randint's arguments, as torch's parser reads them
_OPTIONS = ("out", "dtype", "layout", "device", "pin_memory", "requires_grad")
_OPTION_TEXT = ("Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
                "bool pin_memory = False, bool requires_grad = False")
# torch's four overloads, in the order its parser tries them: (positional parameters, whether a generator is named)
_RANDINT_OVERLOADS = ((("high", "size"), True), (("high", "size"), False),
                      (("low", "high", "size"), True), (("low", "high", "size"), False))
_RANDINT_SIGNATURES = FUNCTIONS["randint"]
_TYPE_TEXT = {"low": "int", "high": "int", "size": "tuple of ints", "generator": "torch.Generator", "out": "Tensor",
              "dtype": "torch.dtype", "layout": "torch.layout", "device": "torch.device", "pin_memory": "bool",
              "requires_grad": "bool"}


def _fits(name: str, value: Any) -> bool:
    """The parser's match of one argument: its type (and a size's first element; the others are read later)."""
    if name in ("low", "high"):
        return is_int(value)
    if name == "size":
        return isinstance(value, (tuple, list)) and (not value or is_int(value[0]))
    if value is None:
        return True
    kinds = {"generator": Generator, "out": Tensor, "dtype": dtypes.dtype, "layout": layout_type,
             "device": (str, _device, int), "pin_memory": bool, "requires_grad": bool}[name]
    return isinstance(value, kinds) or (name == "dtype" and any(value is kind for kind in (float, int, bool)))


def _parameters(overload: tuple) -> tuple[tuple, tuple]:
    """An overload's parameter names, and those without a default (the generator, when named, has none)."""
    positional, generator = overload
    required = positional + (("generator",) if generator else ())
    return required + _OPTIONS, required


def _bound(overload: tuple, args: tuple, kwargs: dict) -> dict | None:
    """The call's arguments by name under one overload, or None when they do not fit it."""
    names, required = _parameters(overload)
    positional = overload[0]
    if len(args) > len(positional) or any(k not in names or k in positional[:len(args)] for k in kwargs):
        return None
    given = {**dict(zip(positional, args)), **kwargs}
    if any(n not in given for n in required) or not all(_fits(n, v) for n, v in given.items()):
        return None
    return given


def randint_args(args: tuple, kwargs: dict) -> dict:
    """randint's arguments by name under the first overload they fit. Fitting none, torch's error: the one
    overload that takes as many arguments explains itself; with several (or none), 'invalid combination'."""
    for overload in _RANDINT_OVERLOADS:
        given = _bound(overload, args, kwargs)
        if given is not None:
            return given
    count = len(args) + len(kwargs)
    plausible = [o for o in _RANDINT_OVERLOADS if len(_parameters(o)[1]) <= count <= len(_parameters(o)[0])]
    if len(plausible) == 1:
        _explain_mismatch(plausible[0], args, kwargs)
    raise invalid_combination("randint", args, _RANDINT_SIGNATURES, kwargs)


def _explain_mismatch(overload: tuple, args: tuple, kwargs: dict) -> None:
    """torch's error for a call that does not fit an overload: the first parameter in order that is missing
    or of the wrong type, else a keyword it does not have."""
    names, required = _parameters(overload)
    for i, name in enumerate(names):
        if i < len(args) or name in kwargs:
            value, position = (args[i], i + 1) if i < len(args) else (kwargs[name], None)
            if name == "size" and isinstance(value, (tuple, list)):
                matched_int_list("randint", name, value, position, scalar_ok=False)
            if not _fits(name, value):
                raise TypeError(f"randint(): {arg_where(name, position)} must be {_TYPE_TEXT[name]}, "
                                f"not {type_name(value)}")
        elif name in required:  # torch names every parameter from here on that has no default
            missing = [n for n in names[i:] if n in required]
            plural = "s" if len(missing) == 1 else ""  # (sic: torch's own test is the wrong way round)
            raise TypeError(f"randint() missing {len(missing)} required positional argument{plural}: "
                            + ", ".join(f'"{n}"' for n in missing))
    unknown = next(k for k in kwargs if k not in names)
    raise TypeError(f"randint() got an unexpected keyword argument '{unknown}'")


def _long(value: Any) -> int:
    """An int argument as a C long, as torch unpacks it."""
    number = int(value.__index__())
    if not -(2 ** 63) <= number < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    return number


_C_TYPE_NAMES = {"uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int", "int64": "long",
                 "bool": "bool"}


def _check_integer_range(low: int, high: int, d: dtypes.dtype) -> None:
    """torch's errors when [low, high) does not fit an integer dtype (named as its C type)."""
    if d.is_floating_point:
        return
    least, most = (0, 1) if d is dtypes.bool else (int(np.iinfo(d.np).min), int(np.iinfo(d.np).max))
    for what, bound in (("from", low), ("to - 1", high - 1)):
        if not least <= bound <= most:
            raise RuntimeError(f"{what} is out of bounds for {_C_TYPE_NAMES[d.name]}")


_RANDPERM_SIGNATURES = FUNCTIONS["randperm"]


@_randperm_generator_first
@factory
def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    given = {k: v for k, v in (("generator", generator), ("dtype", dtype), ("device", device),
                                ("requires_grad", requires_grad)) if v is not None and v is not False}
    n_fits = is_int(n) or (isinstance(n, Tensor) and n.ndim == 0 and not n.dtype.is_floating_point)
    bad_generator = generator is not None and not isinstance(generator, Generator)
    if not isinstance(requires_grad, bool) and requires_grad is not None or given and not n_fits or bad_generator:
        # torch's parser: with a keyword it cannot tell which of the two overloads was meant (before n's value),
        # and a generator that is not one fits neither (random_split(..., generator=5) meets this error)
        raise invalid_combination("randperm", (n,), _RANDPERM_SIGNATURES, given)
    check_device(device)  # before n's value is looked at, as torch
    n = check_size((int_arg("randperm", "n", n, 1, symint=True),))[0]
    d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.int64
    if d is dtypes.bool:
        raise NotImplementedError('"randperm" not implemented for \'Bool\'')
    return _finish(Tensor._make(_rng(generator).permutation(n).astype(d.np)), requires_grad, device)


def _like(input: Tensor, values: Any, dtype: Any, requires_grad: bool) -> Tensor:
    """A new tensor in input's shape holding values(n, contiguous), drawn in input's memory order: torch's
    *_like factories keep input's layout (transposed stays transposed) and fill it in memory order."""
    order = _memory_order(input)
    contiguous = [d for d in order if input.shape[d] > 1] == [d for d in range(input.ndim) if input.shape[d] > 1]
    drawn = values(input.numel(), contiguous)
    in_memory_order = np.empty(input.shape, drawn.dtype).transpose(order)
    in_memory_order[...] = drawn.reshape(in_memory_order.shape)
    out = like_array(input, dtypes.as_dtype(dtype).np)  # and laid out as input, as torch's
    out[...] = in_memory_order.transpose(np.argsort(order))
    return _finish(Tensor._make(out), requires_grad, None)


def _contiguous_asked(kw: dict) -> bool:
    """memory_format=torch.contiguous_format: a row-major result, drawn in its own order."""
    return kw.get("memory_format") not in (None, preserve_format)


def _check_like_generator(name: str, input: Tensor, generator: Any, dtype: Any, requires_grad: Any,
                          kw: dict) -> None:
    """A generator that is not one fits neither of torch's overloads of rand_like / randn_like (with and
    without `generator`): torch's parser error, before the other keywords are looked at."""
    if generator is not None and not isinstance(generator, Generator):
        given = {"generator": generator, **({} if dtype is None else {"dtype": dtype}),
                 **({"requires_grad": requires_grad} if requires_grad else {}), **kw}
        raise invalid_combination(name, (input,), FUNCTIONS[name], given)


def randn_like(input: Tensor, *, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
               **kw: Any) -> Tensor:
    """Standard normal values in input's shape, dtype (unless told) and layout, from `generator` if given."""
    _check_like_generator("randn_like", input, generator, dtype, requires_grad, kw)
    check_like_arguments("randn_like", requires_grad, kw)
    if input.is_contiguous() or not input.numel() or _contiguous_asked(kw):
        return randn(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)
    d = _float_dtype(dtype or input.dtype, "normal_kernel_cpu")
    # a layout that is not contiguous gets torch's one-normal-at-a-time fill
    return _like(input, lambda n, contiguous: _rng(generator).normal_values(n, 0.0, 1.0, d.np, not contiguous), d,
                 requires_grad)


def rand_like(input: Tensor, *, generator: Generator | None = None, dtype: Any = None, requires_grad: bool = False,
              **kw: Any) -> Tensor:
    """Uniform values in [0, 1) in input's shape, dtype (unless told) and layout, from `generator` if given."""
    _check_like_generator("rand_like", input, generator, dtype, requires_grad, kw)
    check_like_arguments("rand_like", requires_grad, kw)
    if input.is_contiguous() or not input.numel() or _contiguous_asked(kw):
        return rand(input.shape, generator=generator, dtype=dtype or input.dtype, requires_grad=requires_grad)
    d = _float_dtype(dtype or input.dtype, "check_uniform_bounds")
    return _like(input, lambda n, _: _rng(generator).uniform_values(n, 0.0, 1.0, d.np), d, requires_grad)


def randint_like(input: Tensor, low: int, high: Any = None, *, generator: Generator | None = None,
                 dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    """Integers in [low, high) (or [0, low) given one bound) in input's shape and, unless told, its dtype."""
    check_like_arguments("randint_like", requires_grad, kw)
    if high is None:
        low, high = 0, low
    if not input.is_contiguous() and input.numel() and not _contiguous_asked(kw):  # drawn in input's memory order
        randint(low, high, (0,), dtype=dtype or input.dtype)
        stream = _rng(generator, "randint_like")
        return _like(input, lambda n, _: stream.integers(low, high, n), dtype or input.dtype, requires_grad)
    return randint(low, high, tuple(input.shape), generator=generator, dtype=dtype or input.dtype,
                   requires_grad=requires_grad)


_NUMBERS = (int, float, np.number)
_NORMAL_OVERLOADS = (
    "(Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)",
    "(Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)",
    "(float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)",
    "(float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)")


def _normal_overload_fits(mean: Any, std: Any) -> bool:
    """Without a size, torch.normal takes a tensor and a tensor or a number, in either order."""
    return (isinstance(mean, Tensor) and isinstance(std, (Tensor, *_NUMBERS))) or \
        (isinstance(std, Tensor) and isinstance(mean, _NUMBERS))


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: Any = None, device: Any = None, requires_grad: bool = False, layout: Any = None,
           pin_memory: Any = False) -> Tensor:
    """Normal values: of `size` from the numbers mean and std (the only overload that takes dtype, device,
    requires_grad, layout, pin_memory, and 0-d tensors as the numbers), or of the broadcast shape of mean
    and std when either is a tensor."""
    check_generator(generator, "normal")
    options = dtype is not None or device is not None or requires_grad or layout is not None or pin_memory
    if size is not None or options:
        if size is None or any(isinstance(x, Tensor) and x.ndim for x in (mean, std)):  # no such overload
            raise invalid_combination("normal", (mean, std, size))
        mean, std = (x.item() if isinstance(x, Tensor) else x for x in (mean, std))
    elif not _normal_overload_fits(mean, std):
        if not isinstance(mean, (Tensor, *_NUMBERS)) and not isinstance(std, Tensor):  # torch.normal(array)
            raise TypeError(f"normal(): argument 'mean' (position 1) must be Tensor, not {type_name(mean)}")
        raise invalid_combination("normal", (mean, std), _NORMAL_OVERLOADS)
    check_layout("normal", layout)
    check_pin_memory("normal", pin_memory)
    shape = None if size is None else check_size(_size((size,)))  # the parser's check comes first
    if isinstance(std, Tensor):
        if bool(np.any(std._data < 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0.0:  # NaN too
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if shape is not None:
        d = dtypes.as_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
        return _finish(fill_normal(Tensor._make(np.empty(shape, d.np)), mean, std, generator), requires_grad, device)
    mean_shape, std_shape = np.shape(getattr(mean, "_data", mean)), np.shape(getattr(std, "_data", std))
    check_shapes_broadcast(mean_shape, std_shape)  # (torch's message, not numpy's ValueError)
    shape = np.broadcast_shapes(mean_shape, std_shape)
    d = mean.dtype if isinstance(mean, Tensor) else std.dtype
    drawn = randn(shape, generator=generator, dtype=d) * std + mean
    return drawn if drawn.dtype is d else drawn.to(d)  # torch writes into a tensor of mean's dtype


def bernoulli(input: Tensor, p: Any = None, *, generator: Generator | None = None) -> Tensor:
    """1 with probability p (the values of `input`, or the number p), else 0."""
    check_generator(generator, "bernoulli")
    if p is not None and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={float(p):g}")
    stream = _rng(generator)
    if p is None and input._data.dtype.kind in "iub" and input.numel():  # the kernel (skipped when empty) checks
        raise NotImplementedError(f'"bernoulli_tensor_cpu_p_" not implemented for \'{input.dtype._legacy}\'')
    if p is None and input.dtype.is_floating_point and not bool(np.all((input._data >= 0) & (input._data <= 1))):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    if p is None:  # torch draws a uniform per element (double for float64 input, else float32) and compares
        width = np.float64 if input._data.dtype == np.float64 else np.float32
        draw = stream.unit(input.numel(), width).reshape(input.shape) < input._data
    else:
        draw = stream.unit(input.numel(), np.float64).reshape(input.shape) < p
    return Tensor._make(draw.astype(input._data.dtype))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Draw indices with probability proportional to the (non-negative) weights in each row."""
    check_generator(generator, "multinomial")
    tensor_arg("multinomial", "input", input, 1)
    num_samples = int_arg("multinomial", "num_samples", num_samples, 2)
    replacement = bool_arg("multinomial", "replacement", replacement, 3)
    rng = _rng(generator, "multinomial")
    w = input._data.astype(np.float64)
    if w.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype._legacy}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = w.reshape(math.prod(w.shape[:-1]), w.shape[-1])  # (not -1: an empty row is one row, of no weights)
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if rows.shape[1] > 1 << 24:  # (torch's bound: 2^24 is the last integer float32 counts to without a gap)
        raise RuntimeError("number of categories cannot exceed 2^24")
    if not replacement or num_samples == 1:
        _check_weights(rows)
    else:
        _check_weights_row_by_row(rows)
    if not replacement or num_samples == 1:
        out = _exponential_race(input._data.reshape(rows.shape), num_samples, rng)
    else:
        out = _cumulative_search(input._data.reshape(rows.shape), num_samples, rng)
    return Tensor._make(out.reshape(w.shape[:-1] + (num_samples,)).astype(np.int64))


def check_bernoulli_out(out: Any, args: tuple, kwargs: dict) -> None:
    """torch.bernoulli(input, p, out=o): the overload with a number p takes no out (torch's parser refuses it)."""
    p = args[1] if len(args) > 1 else kwargs.get("p")
    if p is not None:
        raise invalid_combination("bernoulli", args, None, {**kwargs, "out": out})


def check_multinomial_out(out: Any, args: tuple, kwargs: dict) -> None:
    """torch.multinomial(..., out=o) writes int64 indices into no other dtype."""
    check_generator(kwargs.get("generator"), "multinomial")
    if isinstance(out, Tensor) and out.dtype is not dtypes.int64:
        raise RuntimeError(f"multinomial expects Long tensor out, got: {out.dtype._legacy}")


def _check_weights(rows: np.ndarray) -> None:
    """torch's checks before its exponential race: all the weights at once, then each row's sum."""
    if rows.size == 0 and rows.shape[0]:  # torch checks the weights with aminmax, which fails on an empty row
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def _check_weights_row_by_row(rows: np.ndarray) -> None:
    """torch's checks as its cumulative search runs: row by row, each weight in turn (a NaN fails the
    `>= 0` test first), then the row's sum."""
    for row in rows:
        bad = ~(row >= 0) | ~np.isfinite(row)
        if bad.any():
            first = row[bad.argmax()]
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)"
                               if not first >= 0 else
                               "invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if row.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def _exponential_race(rows: np.ndarray, num_samples: int, rng: TorchStream) -> np.ndarray:
    """torch's way to draw without replacement: q ~ Exp(1) per weight, then the indices of the
    largest w / q (the Gumbel-max trick, exponentiated). Same draws, so seeded runs match torch."""
    u = rng.unit(rows.size, np.float64).reshape(rows.shape)
    q = -_per_element(math.log1p, -u)  # torch's exponential_: -log(1 - u), u drawn as a double
    q = q.astype(np.float32).astype(rows.dtype) if rows.dtype == np.float16 else q.astype(rows.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        race = rows / q
    if num_samples == 1:
        return race.argmax(axis=1)[:, None]
    return np.argsort(-race, axis=1, kind="stable")[:, :num_samples]


def _cumulative_search(rows: np.ndarray, num_samples: int, rng: TorchStream) -> np.ndarray:
    """torch's way to draw with replacement: per row, a running sum of the weights divided by the
    total (in the weights' dtype; float32 for half types), with the last entry forced to 1; then,
    per draw, one float64 uniform u and the first index whose cumulative value is >= u."""
    work = np.float64 if rows.dtype == np.float64 else np.float32
    u = rng.unit(rows.shape[0] * num_samples, np.float64).reshape(-1, num_samples)
    out = np.empty(u.shape, np.int64)
    for r, row in enumerate(rows.astype(work)):
        cumulative = np.cumsum(row)  # numpy's cumsum adds left to right, as torch's loop does
        cumulative /= cumulative[-1]
        cumulative[-1] = 1  # so rounding can never leave a uniform past the end
        # torch compares each float32 value with the double uniform, so search in float64
        out[r] = np.searchsorted(cumulative.astype(np.float64), u[r], side="left")
    return out


def _memory_order(t: Tensor) -> list[int]:
    """t's dimensions from the slowest-moving in memory to the fastest: torch's kernels visit the
    elements of a transposed or sliced tensor in memory order, not in index order."""
    return sorted(range(t.ndim), key=lambda d: -abs(t._data.strides[d]))


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    """Write `values` (flat, in the order they were drawn) into t in memory order."""
    t._check_inplace()
    if t._data.dtype == np.float16 and values.dtype == np.float64:
        values = values.astype(np.float32)  # torch's double -> half goes through float: two roundings
    if modes.grad_enabled and t._requires_grad:  # the graph records it: the old value gets no gradient
        filled = np.empty_like(t._data)
        filled.transpose(_memory_order(t))[...] = values.reshape(filled.transpose(_memory_order(t)).shape)
        return t._assign(Tensor._make(filled.astype(t._data.dtype)))
    in_memory_order = t._data.transpose(_memory_order(t))
    with np.errstate(over="ignore"):  # a draw too large for half (cauchy_) is inf in torch too, unwarned
        in_memory_order[...] = values.reshape(in_memory_order.shape)
    t._version += 1
    views.record_inplace(t, None)
    return t


_CPP_FLOAT = {"float16": "c10::Half", "float32": "float", "float64": "double"}


def _check_uniform_bounds(t: Tensor, a: float, b: float) -> None:
    """torch's checks of uniform_'s range: each bound within the dtype's finite range, from <= to, and a
    span the dtype can hold."""
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{t.dtype._legacy}'")
    largest = float(np.finfo(t._data.dtype).max)
    for name, bound in (("from", a), ("to", b)):
        if not -largest <= float(bound) <= largest:
            raise RuntimeError(f"{name} is out of bounds for {_CPP_FLOAT[t.dtype.name]}")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={float(a):g} > "
                           f"to={float(b):g}")
    if float(b) - float(a) > largest:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{t.dtype._legacy}>::max(), but found "
                           f"to={float(b):g} and from={float(a):g} which result in to-from to exceed the limit")


def fill_uniform(t: Tensor, a: float, b: float, generator: Generator | None) -> Tensor:
    """In place: U(a, b), drawn as torch draws for the tensor's dtype."""
    check_generator(generator, "uniform_")
    a, b = float_arg("uniform_", "from", a, 1), float_arg("uniform_", "to", b, 2)  # (a 0-d tensor as its float)
    _check_uniform_bounds(t, a, b)
    return _fill(t, _rng(generator).uniform_values(t.numel(), a, b, t._data.dtype))


def fill_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Tensor:
    check_generator(generator, "normal_")
    mean, std = float_arg("normal_", "mean", mean, 1), float_arg("normal_", "std", std, 2)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {float(std):g}")
    if not t.dtype.is_floating_point and t.numel():  # torch's kernel, which checks the dtype, skips an empty tensor
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{t.dtype._legacy}'")
    stream = _rng(generator)
    if t.is_contiguous():
        return _fill(t, stream.normal_values(t.numel(), mean, std, t._data.dtype))
    # torch fills 16 at a time only a contiguous tensor; any other it fills one normal at a time
    return _fill(t, stream.normal_values(t.numel(), mean, std, t._data.dtype, one_at_a_time=True))


def fill_bernoulli(t: Tensor, p: Any, generator: Generator | None) -> Tensor:
    """In place: 1 with probability p (a number, or a tensor of probabilities), else 0."""
    check_generator(generator, "bernoulli_")
    if isinstance(p, Tensor):
        probabilities = np.broadcast_to(p._data, t.shape).transpose(_memory_order(t)).ravel()
        return _fill(t, bernoulli(Tensor._make(probabilities), generator=generator)._data)
    return _fill(t, bernoulli(t, p, generator=generator)._data.ravel())  # one draw per element, in order


def _value_range(kind: np.dtype) -> tuple:
    """The smallest and largest value a dtype holds (random_'s bounds must fit it)."""
    if kind == np.bool_:
        return 0, 1
    if kind.kind in "iu":
        return int(np.iinfo(kind).min), int(np.iinfo(kind).max)
    return -float(np.finfo(kind).max), float(np.finfo(kind).max)


def fill_random(t: Tensor, low: int, high: Any, generator: Generator | None, whole_range: bool = False) -> Tensor:
    """In place: integers in [low, high), or [0, low) when high is None; `whole_range`: random_() with no
    bounds, whose kernel is another one than random_(from, to)'s."""
    check_generator(generator, "random_")
    if high is None:
        low, high = 0, low
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    smallest, largest = _value_range(t._data.dtype)
    for what, value in (("from", low), ("to - 1", high - 1)):
        if not smallest <= value <= largest:
            raise RuntimeError(f"{what} is out of bounds for {_C_TYPE.get(t.dtype.name) or _CPP_FLOAT[t.dtype.name]}")
    return _fill(t, _rng(generator).integers(low, high, t.numel(), wide_from=2**32 if whole_range else 2**28))


# ------------------------------------------------------------------ more in-place fills (torch's draws)
def _continuous(t: Tensor, name: str) -> None:
    if not t.dtype.is_floating_point:  # torch names the dtype in C++ for Cauchy, as a legacy type for Exponential
        given = _C_TYPE.get(t.dtype.name, t.dtype.name) if name == "Cauchy" else t.dtype._legacy
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. dtype must be a floating "
                           f"point but you specified {given}")


_C_TYPE = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
           "bool": "bool"}


def _per_element(fn: Any, values: np.ndarray) -> np.ndarray:
    """fn (a `math` function) of each double: torch's CPU kernels for these fills call the C library per
    element, and numpy's vectorised log, exp and tan (AVX-512) can differ from it in the last bit."""
    return np.fromiter(map(fn, values.ravel().tolist()), np.float64, count=values.size).reshape(values.shape)


def _positive(value: float, what: str, name: str) -> None:
    if not value > 0:
        raise RuntimeError(f"{name} expects {what} > 0.0, but found {what}={value:g}")


def fill_cauchy(t: Tensor, median: float, sigma: float, generator: Generator | None) -> Tensor:
    """In place: median + sigma * tan(pi * (u - 1/2)), one double uniform u per element, as torch."""
    check_generator(generator, "cauchy_")
    median, sigma = float_arg("cauchy_", "median", median, 1), float_arg("cauchy_", "sigma", sigma, 2)
    _positive(sigma, "sigma", "cauchy_")
    _continuous(t, "Cauchy")
    u = _rng(generator).unit(t.numel(), np.float64)
    return _fill(t, median + sigma * _per_element(math.tan, math.pi * (u - 0.5)))


def fill_exponential(t: Tensor, lambd: float, generator: Generator | None) -> Tensor:
    """In place: -1 / lambd * log1p(-u), one double uniform u per element, as torch."""
    check_generator(generator, "exponential_")
    lambd = float_arg("exponential_", "lambd", lambd, 1)
    _positive(lambd, "lambda", "exponential_")
    if t.numel():  # torch checks the dtype in its kernel, which an empty tensor skips
        _continuous(t, "Exponential")
    u = _rng(generator).unit(t.numel(), np.float64)
    return _fill(t, -1.0 / lambd * _per_element(math.log1p, -u))


def fill_geometric(t: Tensor, p: float, generator: Generator | None) -> Tensor:
    """In place: the number of trials to the first success, ceil(log(u) / log(1 - p)), as torch."""
    check_generator(generator, "geometric_")
    p = float_arg("geometric_", "p", p, 1)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if t.dtype.name == "bool" and t.numel():
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    u = _rng(generator).unit(t.numel(), np.float64)
    return _fill(t, np.ceil(_per_element(math.log, u) / math.log1p(-p)))


def fill_log_normal(t: Tensor, mean: float, std: float, generator: Generator | None) -> Tensor:
    """In place: exp of a normal(mean, std) draw per element, drawn one at a time as torch does."""
    check_generator(generator, "log_normal_")
    mean, std = float_arg("log_normal_", "mean", mean, 1), float_arg("log_normal_", "std", std, 2)
    _positive(std, "std", "log_normal_")
    if not t.dtype.is_floating_point and t.numel():  # the kernel checks the dtype; an empty tensor skips it
        raise NotImplementedError(f"\"log_normal_cpu\" not implemented for '{t.dtype._legacy}'")
    stream = _rng(generator)
    z = np.array([stream._one_normal() for _ in range(t.numel())])
    return _fill(t, _per_element(math.exp, _fma64(z, std, mean)))  # z * std + mean: one fused multiply-add
