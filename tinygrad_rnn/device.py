"""`device`: tinygrad_rnn runs on the CPU only; 'cpu' is accepted everywhere torch takes a device."""
from __future__ import annotations

import re
from typing import Any

from .argcheck import TorchClass, invalid_combination, type_name
from .core.size import name_in_errors

_SIGNATURES = ("(torch.device device)", "(str type, int index = -1)")


class device(metaclass=TorchClass):
    """torch.device('cpu'). Naming another known device type is allowed, as in torch (d2l prints
    `torch.device('cuda:1')`); putting a tensor or module there raises, as torch does on a machine without it."""

    def __init__(self, type: Any = "cpu", index: Any = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        elif not (isinstance(type, str) or _is_index(type)):  # torch.device(None), torch.device(1.5)
            raise invalid_combination("device", (type,), _SIGNATURES)
        if _is_index(type):
            if index is not None:
                raise TypeError("device(): argument 'type' (position 1) must be str, not int")
            check_device_name(type)  # torch.device(0): the accelerator's error
        if index is not None:
            _check_index(index)
        name = str(type)
        if ":" in name and index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {name}")
        name, parsed_index = parse_device_string(name)
        self.type, self.index = name, index if parsed_index is None else parsed_index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:  # a device never equals a string in torch 2.13: device('cpu') != 'cpu'
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __enter__(self) -> device:
        """`with torch.device('cpu'):` makes the CPU the default device inside the block: here it
        always is. Another device cannot hold tensors here, so entering it raises (torch raises
        at the first tensor made inside)."""
        check_device(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


name_in_errors(device, "torch.device")  # "'torch.device' object is not callable", as torch's


def _check_index(index: Any) -> None:
    """torch's checks of an explicit device index: a non-negative int."""
    if type(index) is not int:
        raise TypeError(f"device(): argument 'index' (position 2) must be int, not {type_name(index)}")
    if index < 0:
        raise RuntimeError("Device index must not be negative")


_KNOWN = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")  # the device types torch's parser knows


# torch's device string: a type of ASCII letters and underscores, then maybe ':' and an index without leading zeros
_DEVICE_STRING = re.compile(r"([A-Za-z_]+)(?::(0|[1-9][0-9]*))?")


def parse_device_string(text: str) -> tuple[str, int | None]:
    """(type, index) of a device string, with the errors of torch's parser: first the string's form
    ('float32', 'cuda0', 'cuda:01' are no device strings), then whether it names a device type."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    name, index = match.group(1), match.group(2)
    if name not in _KNOWN:
        raise RuntimeError(f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {name}")
    return name, None if index is None else int(index)


def _is_index(d: Any) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def check_device_name(d: Any) -> str:
    """The device's type, or torch's parser error for a string that names no device type (its first check,
    before the data or values are looked at; whether the device is there comes later)."""
    if _is_index(d):  # device=0, .to(0): the current accelerator's index, and there is none
        raise RuntimeError("Device index must not be negative" if d < 0 else
                           "Cannot access accelerator device when none is available.")
    return d.type if isinstance(d, device) else parse_device_string(str(d))[0]


def is_device_arg(value: Any) -> bool:
    """What torch's parser takes for a `device=`: None, a torch.device, a device string or an index (not a bool)."""
    return value is None or isinstance(value, (str, device)) or _is_index(value)


def device_arg(fn: str, value: Any) -> None:
    """torch's parser error for `fn`'s `device=` when it is none of those."""
    if not is_device_arg(value):
        raise TypeError(f"{fn}(): argument 'device' must be torch.device, not {type_name(value)}")


def check_device(d: Any) -> None:
    """Accept 'cpu' (or None); anything else cannot run here."""
    if d is None:
        return
    name = check_device_name(d)
    if name == "cpu":
        return
    if name in ("cuda", "xpu"):  # torch's CPU build asserts it was not compiled for these
        raise AssertionError(f"Torch not compiled with {name.upper() if name == 'xpu' else 'CUDA'} enabled")
    if name == "meta":  # torch has tensors with a shape and no data there; we do not
        raise NotImplementedError("device='meta' is not implemented: tinygrad_rnn has no meta tensors (shapes "
                                  "without data); use device='cpu'")
    if name in ("mtia", "lazy"):
        raise AssertionError(f"{name} is not available")
    raise RuntimeError(f"PyTorch is not linked with support for {name} devices")  # (what .to(name) says)


def set_default_device(d: Any) -> None:
    """Only the CPU exists here: 'cpu' (or None) is accepted, anything else raises as torch does."""
    check_device(d)


def get_default_device() -> device:
    return device("cpu")


def check_cuda_call(device: Any = None) -> None:
    """`t.cuda(device)` / `module.cuda(device)` on this CPU build: a device index asks for an accelerator
    (torch's RuntimeError), a name or none for CUDA itself (torch's AssertionError)."""
    if isinstance(device, int) and not isinstance(device, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    check_device("cuda" if device is None else device)


# What `t.xpu()`, `t.ipu()` and `t.mtia()` raise on torch's CPU build, whatever device they are given.
_NOT_BUILT_FOR = {
    "xpu": (AssertionError, "Torch not compiled with XPU enabled"),
    "ipu": (RuntimeError, "PyTorch is not linked with support for ipu devices"),
    "mtia": (AssertionError, "Torch not compiled with MTIA enabled. Ensure you have `import "
             "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
             "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!"),
}


def refuse_backend_call(backend: str) -> None:
    """`t.xpu()` (or ipu, mtia) on this CPU build: torch's error for that backend."""
    error, message = _NOT_BUILT_FOR[backend]
    raise error(message)
