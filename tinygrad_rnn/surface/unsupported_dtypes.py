"""torch dtypes that tinygrad_rnn can name but not store: bfloat16, the complex types, uint16/32/64 and the float8s.

numpy has no bfloat16, and complex tensors (with their conjugate gradients) are out of this project's scope.
torch's uint16, uint32 and uint64 run only a few ops (copies, views, comparisons for equality, bitwise and,
or, xor, multiplication; no addition, ordering or promotion with another dtype), a set not built here yet.
Code written for torch often names them without making a tensor of them, as nanoGPT's table
`{'float32': torch.float32, 'bfloat16': torch.bfloat16, 'float16': torch.float16}[dtype]` or a check
`x.dtype == torch.bfloat16` does: that works. Asking for storage (a tensor, a cast, the default dtype) raises
NotImplementedError naming the dtype, where torch would work.
"""
from __future__ import annotations

from ..core import dtypes
from ..core.dtypes import dtype
from ..core.size import name_in_errors


class UnsupportedDtype(dtype):
    """A dtype with torch's name, kind and size, whose numpy type (`.np`, what storage needs) raises."""

    __slots__ = ()

    def __init__(self, name: str, legacy: str, itemsize: int, is_complex: bool, unsigned: bool = False,
                 floating: bool | None = None) -> None:
        self.name, self._legacy, self.itemsize = name, legacy, itemsize
        self.is_floating_point = not (is_complex or unsigned) if floating is None else floating
        self.is_complex, self.is_signed = is_complex, not unsigned

    @property  # type: ignore[override]
    def np(self):  # noqa: ANN201
        why = ("complex numbers are outside this project's scope" if self.is_complex else "numpy has no such type"
               if self.is_floating_point else "the few ops torch runs on them are not built yet")
        raise NotImplementedError(f"tinygrad_rnn has no {self.name} tensors ({why}): "
                                  f"torch.{self.name} can be named and compared, not stored")

    def __reduce__(self) -> str:
        return self.name  # this module's singleton


name_in_errors(UnsupportedDtype, "torch.dtype")  # as dtype's (core/dtypes.py): one torch type
bfloat16 = UnsupportedDtype("bfloat16", "BFloat16", 2, is_complex=False)
complex32 = UnsupportedDtype("complex32", "ComplexHalf", 4, is_complex=True)
complex64 = UnsupportedDtype("complex64", "ComplexFloat", 8, is_complex=True)
complex128 = UnsupportedDtype("complex128", "ComplexDouble", 16, is_complex=True)
chalf, cfloat, cdouble = complex32, complex64, complex128  # torch's aliases
uint16 = UnsupportedDtype("uint16", "UInt16", 2, is_complex=False, unsigned=True)
uint32 = UnsupportedDtype("uint32", "UInt32", 4, is_complex=False, unsigned=True)
uint64 = UnsupportedDtype("uint64", "UInt64", 8, is_complex=False, unsigned=True)
# the 8-bit floats of fp8 training recipes; e8m0fnu (a bare exponent, for scales) has no sign
float8_e4m3fn = UnsupportedDtype("float8_e4m3fn", "Float8_e4m3fn", 1, is_complex=False)
float8_e5m2 = UnsupportedDtype("float8_e5m2", "Float8_e5m2", 1, is_complex=False)
float8_e4m3fnuz = UnsupportedDtype("float8_e4m3fnuz", "Float8_e4m3fnuz", 1, is_complex=False)
float8_e5m2fnuz = UnsupportedDtype("float8_e5m2fnuz", "Float8_e5m2fnuz", 1, is_complex=False)
float8_e8m0fnu = UnsupportedDtype("float8_e8m0fnu", "Float8_e8m0fnu", 1, is_complex=False, unsigned=True, floating=True)


# dtype.to_complex() / to_real(): a real dtype and its complex counterpart, both ways. Defined here, where
# the complex dtypes are, and bound onto the one dtype class.
_COMPLEX_OF = {"float16": complex32, "float32": complex64, "float64": complex128, "bfloat16": complex64}
_REAL_OF = {"complex32": "float16", "complex64": "float32", "complex128": "float64"}


def to_complex(self: dtype) -> dtype:
    """The complex dtype with this dtype's parts (a complex dtype is its own)."""
    if self.is_complex:
        return self
    if self.name not in _COMPLEX_OF:
        raise RuntimeError(f"Unknown Complex ScalarType for {self._legacy}")
    return _COMPLEX_OF[self.name]


def to_real(self: dtype) -> dtype:
    """The real dtype of a complex dtype's parts (a real dtype is its own)."""
    if not self.is_complex:
        return self
    return getattr(dtypes, _REAL_OF[self.name])


dtype.to_complex = to_complex  # type: ignore[attr-defined]
dtype.to_real = to_real  # type: ignore[attr-defined]
