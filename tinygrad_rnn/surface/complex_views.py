"""torch's functions between real and complex tensors, which tinygrad_rnn has not (see unsupported_dtypes.py).

Each checks its arguments as torch does, so bad input gets torch's error; what torch would then
compute is a complex tensor, refused with NotImplementedError. `view_as_real` reads a complex
tensor, and no tensor here is one: it raises torch's own error for a real input.
"""
from __future__ import annotations

from ..argcheck import refuse_complex, tensor_arg
from ..core.tensor import Tensor

_REAL_FLOATS = ("Half", "Float", "Double")


def view_as_real(input: Tensor) -> Tensor:
    tensor_arg("view_as_real", "input", input, 1)
    raise RuntimeError("view_as_real is only supported for complex tensors")


def view_as_complex(input: Tensor) -> Tensor:
    tensor_arg("view_as_complex", "input", input, 1)
    if input.dtype._legacy not in _REAL_FLOATS:
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {input.dtype._legacy}")
    if input.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    raise refuse_complex("view_as_complex()")


def _two_floats(name: str, a: Tensor, b: Tensor) -> None:
    tensor_arg(name, "real" if name == "complex" else "abs", a, 1)
    tensor_arg(name, "imag" if name == "complex" else "angle", b, 2)
    if a.dtype._legacy not in _REAL_FLOATS or b.dtype._legacy not in _REAL_FLOATS:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {a.dtype._legacy} and "
                           f"{b.dtype._legacy}")


def polar(abs: Tensor, angle: Tensor, *, out: Tensor | None = None) -> Tensor:
    _two_floats("polar", abs, angle)
    raise refuse_complex("polar()")


def complex(real: Tensor, imag: Tensor, *, out: Tensor | None = None) -> Tensor:
    _two_floats("complex", real, imag)
    raise refuse_complex("complex()")
