"""Which implementation the recurrent modules run: the fused kernels (default) or the composed path.

    import tinygrad_rnn as torch
    rnn = torch.nn.RNN(4, 8)
    out, h = rnn(x)                              # fused: one graph node for all layers and directions
    with torch.backends.composed_rnn():
        out, h = rnn(x)                          # composed: the op-by-op code (kernels/recurrence.py)
    torch.backends.fused_rnn = False             # or switch it for the whole program

Both give the same values and gradients. The composed path is the one to read and step through;
the fused kernels (tinygrad_rnn/kernels/) compute the same math with far fewer Python calls.
nn's RNNBase._run_layers reads `fused_rnn`, the one place the choice is made, for RNN, LSTM and GRU.

`cuda`, `cudnn`, `mps`, `mkldnn`, `mkl` and `openmp` are stand-ins for torch.backends' namespaces, so
tutorial lines such as `torch.backends.cudnn.deterministic = True`, `torch.backends.mps.is_available()`
or nanoGPT's `torch.backends.cuda.matmul.allow_tf32 = True` run unchanged. They are modules, as
torch's are, so `import torch.backends.cudnn as cudnn` works too (see `_as_submodules`).
"""
from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .backend.cpu_capability import torch_capability

fused_rnn: bool = True
"""True: nn.RNN, LSTM and GRU run the fused kernels; False: the composed path."""


@contextmanager
def composed_rnn() -> Iterator[None]:
    """Within the block, recurrent modules run the composed op-by-op path."""
    module = sys.modules[__name__]
    previous = module.fused_rnn
    module.fused_rnn = False
    try:
        yield
    finally:
        module.fused_rnn = previous


class _Backend(ModuleType):
    """A torch.backends namespace for hardware we do not have: flags are stored and ignored."""

    def __init__(self, available: bool, **flags: bool) -> None:
        super().__init__("")
        self._available = available
        self.__dict__.update(flags)

    def is_available(self) -> bool:
        return self._available


class _Cudnn(_Backend):
    def version(self) -> None:
        """The cuDNN version: None, as in torch's CPU build (no cuDNN)."""
        return None

    def is_acceptable(self, tensor: Any) -> bool:
        """Whether cuDNN would take `tensor`: never, as in torch's CPU build (it is no CUDA tensor)."""
        return False

    @contextmanager
    def flags(self, enabled: bool = False, benchmark: bool = False, benchmark_limit: int = 10,
              deterministic: bool = False, allow_tf32: bool = True, **more: object) -> Iterator[None]:
        """torch.backends.cudnn.flags: within the block the flags take the values given, each one not
        given its default (so `enabled` is False unless named, as in torch); they are restored after."""
        previous = dict(self.__dict__)
        self.__dict__.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
        try:
            yield
        finally:
            self.__dict__.update(previous)


# Measured on torch 2.13 (CPU build): cudnn and mps are unavailable, mkldnn is available.
cudnn = _Cudnn(False, enabled=True, deterministic=False, benchmark=False, allow_tf32=True)
mps = _Backend(False)
mps.is_built = mps.is_available  # type: ignore[attr-defined]  (this build has no MPS, as torch's CPU build)
mkldnn = _Backend(True, enabled=True)
mkl = _Backend(True)
openmp = _Backend(True)


class _Float32Matmul:
    """The setting behind torch.set_float32_matmul_precision; it lives here because
    `torch.backends.cuda.matmul.allow_tf32` is its other spelling (True is "high", False "highest")."""

    precision = "highest"


FLOAT32_MATMUL = _Float32Matmul()


def _expect_bool(setter: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise RuntimeError(f"{setter} expects a bool, but got {type(value).__name__}")
    return value


class _CublasMatmul:
    """`torch.backends.cuda.matmul`: cuBLAS switches, stored and ignored (numpy computes every float32
    matmul in full float32); a name torch does not know is an AttributeError, as in torch."""

    def __init__(self) -> None:
        object.__setattr__(self, "_fp16_accumulation", False)
        object.__setattr__(self, "_reductions", {"allow_fp16_reduced_precision_reduction": True,
                                                 "allow_bf16_reduced_precision_reduction": True})

    def __getattr__(self, name: str) -> bool:
        if name == "allow_tf32":
            return FLOAT32_MATMUL.precision != "highest"
        if name == "allow_fp16_accumulation":
            return self._fp16_accumulation
        if name in self._reductions:
            return self._reductions[name]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "allow_tf32":
            FLOAT32_MATMUL.precision = "high" if _expect_bool("set_allow_tf32_cublas", value) else "highest"
        elif name == "allow_fp16_accumulation":
            object.__setattr__(self, "_fp16_accumulation", _expect_bool("set_allow_fp16_accumulation_cublas", value))
        elif name in self._reductions:
            if not isinstance(value, bool):  # torch also takes a (reduced precision, split-k) pair
                raise TypeError(f"{name} expects a bool or a tuple/list of bools, but got {type(value)!r}")
            self._reductions[name] = value
        else:
            raise AttributeError("Unknown attribute " + name)


class _Cuda(ModuleType):
    """`torch.backends.cuda` of a CPU build: not built; the scaled-dot-product-attention kernel
    switches are stored (F.scaled_dot_product_attention here has one path, the math one)."""

    def __init__(self) -> None:
        super().__init__("")
        self.matmul = _CublasMatmul()
        self._sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}

    def is_built(self) -> bool:
        return False

    def is_flash_attention_available(self) -> bool:
        return False

    def _enable(self, kind: str, enabled: bool) -> None:
        self._sdp[kind] = _expect_bool(f"set_sdp_use_{kind}", enabled)

    def enable_flash_sdp(self, enabled: bool) -> None:
        self._enable("flash", enabled)

    def enable_mem_efficient_sdp(self, enabled: bool) -> None:
        self._enable("mem_efficient", enabled)

    def enable_math_sdp(self, enabled: bool) -> None:
        self._enable("math", enabled)

    def enable_cudnn_sdp(self, enabled: bool) -> None:
        self._enable("cudnn", enabled)

    def flash_sdp_enabled(self) -> bool:
        return self._sdp["flash"]

    def mem_efficient_sdp_enabled(self) -> bool:
        return self._sdp["mem_efficient"]

    def math_sdp_enabled(self) -> bool:
        return self._sdp["math"]

    def cudnn_sdp_enabled(self) -> bool:
        return self._sdp["cudnn"]

    @contextmanager
    def sdp_kernel(self, enable_flash: bool = True, enable_math: bool = True, enable_mem_efficient: bool = True,
                   enable_cudnn: bool = True) -> Iterator[dict]:
        """torch's deprecated switch of the attention kernels (torch.nn.attention.sdpa_kernel's older
        form): within the block the kernels not enabled are off; all are restored after. It warns as
        torch's does, and gives the empty dict torch's gives."""
        warnings.warn("`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager will "
                      "be removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context manager, with "
                      "updated signature.", FutureWarning, stacklevel=3)
        previous = dict(self._sdp)
        self._sdp.update(flash=bool(enable_flash), math=bool(enable_math), mem_efficient=bool(enable_mem_efficient),
                         cudnn=bool(enable_cudnn))
        try:
            yield {}
        finally:
            self._sdp.update(previous)


cuda = _Cuda()


class _Mha(ModuleType):
    """`torch.backends.mha`: the switch of torch's inference fast path for MultiheadAttention and
    TransformerEncoder (nn/transformer.py reads it: a padded batch then comes out zero at its padding)."""

    def __init__(self) -> None:
        super().__init__("")
        self._fastpath = True

    def get_fastpath_enabled(self) -> bool:
        return self._fastpath

    def set_fastpath_enabled(self, value: bool) -> None:
        self._fastpath = value


mha = _Mha()


class _OptEinsum(ModuleType):
    """`torch.backends.opt_einsum`: whether einsum may ask the opt_einsum package for a contraction
    order. Present or not, einsum here contracts as numpy does; the flags answer as torch's would."""

    def __init__(self) -> None:
        super().__init__("")
        self.enabled = self.is_available()
        self.strategy = "auto" if self.enabled else None

    def is_available(self) -> bool:
        return importlib.util.find_spec("opt_einsum") is not None

    def get_opt_einsum(self) -> Any:
        return importlib.import_module("opt_einsum") if self.is_available() else None


opt_einsum = _OptEinsum()


class _Quantized(ModuleType):
    """`torch.backends.quantized`: the engine of the quantized ops. Any of torch's engines can be chosen, as
    in torch; the quantized modules (ao/) compute as fbgemm does (engines 'x86' and 'fbgemm') and refuse
    the others when they run."""

    supported_engines = ["qnnpack", "onednn", "x86", "fbgemm"]

    def __init__(self) -> None:
        super().__init__("")
        self._engine = "x86"

    @property
    def engine(self) -> str:
        return self._engine

    @engine.setter
    def engine(self, value: Any) -> None:
        if value not in self.supported_engines:
            raise RuntimeError(f"{value} is not a valid value for quantized engine")
        self._engine = value


quantized = _Quantized()


class _Cpu(ModuleType):
    """`torch.backends.cpu`: the instruction set torch's CPU kernels were picked for on this machine
    (the Performance Tuning Guide prints it); the ops that round as those kernels read the same answer."""

    def __init__(self) -> None:
        super().__init__("")

    def get_cpu_capability(self) -> str:
        return torch_capability()


cpu = _Cpu()


def _as_submodules(**namespaces: ModuleType) -> None:
    """Make the namespaces importable as this module's submodules: `import torch.backends.cudnn` asks
    the import system, which wants a package (one with a __path__) and the submodule in sys.modules."""
    for name, namespace in namespaces.items():
        namespace.__name__ = f"{__name__}.{name}"
        namespace.__spec__ = importlib.machinery.ModuleSpec(namespace.__name__, None)
        sys.modules[namespace.__name__] = namespace


__path__: list[str] = []  # a package to the import system; its submodules are the namespaces here
_as_submodules(cudnn=cudnn, mps=mps, mkldnn=mkldnn, mkl=mkl, openmp=openmp, cuda=cuda, mha=mha,
               opt_einsum=opt_einsum, quantized=quantized, cpu=cpu)


# torch's deprecated module attributes `torch.has_mps`, ...: each warns and answers its replacement's question
# (Umar Jamil's pytorch-transformer picks its device with `torch.has_mps or torch.backends.mps.is_available()`).
_DEPRECATED_MODULE_ATTRIBUTES = {"has_mps": ("mps", "is_built"), "has_cuda": ("cuda", "is_built"),
                                 "has_cudnn": ("cudnn", "is_available"), "has_mkldnn": ("mkldnn", "is_available")}


def deprecated_module_attribute(name: str) -> Any:
    """`torch.<name>` for a name the package does not define (the package's module __getattr__)."""
    if name not in _DEPRECATED_MODULE_ATTRIBUTES:
        raise AttributeError(f"module 'torch' has no attribute '{name}'")
    backend, question = _DEPRECATED_MODULE_ATTRIBUTES[name]
    warnings.warn(f"'{name}' is deprecated, please use 'torch.backends.{backend}.{question}()'", stacklevel=2)
    return getattr(globals()[backend], question)()
