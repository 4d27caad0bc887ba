"""How much of torch's API exists here: writes docs/coverage.md.

    python tools/coverage_report.py            # rewrite docs/coverage.md
    python tools/coverage_report.py --stdout   # print it instead

Needs torch installed (it is the reference) and imports tinygrad_rnn from the working tree.

For each torch namespace it lists the public names of torch's *dense CPU* API, and for each name
whether the same name exists here (`hasattr` on our matching module, or on a Tensor for Tensor
methods). A name exists here or is missing; names of features this project does not build on
purpose (GPUs, sparse and quantized tensors, compilers, distributed training, ...) are listed
apart with the reason and left out of the percentage.

What counts as a torch name (the filter):
- public only: names starting with `_` are skipped;
- of the right kind: functions (and, at top level, Python classes) for function namespaces,
  classes for `torch.nn` and the optimisers, every attribute for `torch.Tensor`; submodules,
  constants, dtypes, typing helpers and C++-bound helper classes are not counted;
- defined by torch: an object whose `__module__` is outside torch (`typing.Any`, `math`) is a
  re-export, not API, and so are the classes in `REEXPORTS` (e.g. `Optimizer` in lr_scheduler);
- dense CPU: the rules in `NOT_BUILT` move a name to the "not built on purpose" list.
Presence is by name only: a name that exists here is expected to behave as torch's (the parity
tests check that), but this report does not run it.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "coverage.md"


@dataclass
class Namespace:
    """One torch namespace: where to find it in torch and here, and which kinds of names count."""

    label: str           # shown in the report, e.g. "torch.nn.functional"
    torch_path: str      # module path in torch ("torch" for the top level)
    ours_path: str       # module path here
    kind: str            # "functions", "classes", "functions+classes" or "tensor"
    goal: int | None = None  # the percentage issue 13 asks for, if any


NAMESPACES = [
    Namespace("torch", "torch", "tinygrad_rnn", "functions+classes"),
    Namespace("torch.Tensor", "torch", "tinygrad_rnn", "tensor", goal=80),
    Namespace("torch.nn", "torch.nn", "tinygrad_rnn.nn", "classes", goal=70),
    Namespace("torch.nn.functional", "torch.nn.functional", "tinygrad_rnn.nn.functional", "functions", goal=70),
    Namespace("torch.nn.init", "torch.nn.init", "tinygrad_rnn.nn.init", "functions"),
    Namespace("torch.optim", "torch.optim", "tinygrad_rnn.optim", "functions+classes", goal=85),
    Namespace("torch.optim.lr_scheduler", "torch.optim.lr_scheduler", "tinygrad_rnn.optim.lr_scheduler", "classes",
              goal=85),
    Namespace("torch.optim.swa_utils", "torch.optim.swa_utils", "tinygrad_rnn.optim.swa_utils", "functions+classes"),
    Namespace("torch.linalg", "torch.linalg", "tinygrad_rnn.linalg", "functions"),
    Namespace("torch.special", "torch.special", "tinygrad_rnn.special", "functions"),
    Namespace("torch.masked", "torch.masked", "tinygrad_rnn.masked", "functions+classes"),
    Namespace("torch.signal.windows", "torch.signal.windows", "tinygrad_rnn.signal.windows", "functions"),
    Namespace("torch.autograd", "torch.autograd", "tinygrad_rnn.autograd", "functions+classes"),
    Namespace("torch.autograd.functional", "torch.autograd.functional", "tinygrad_rnn.autograd.functional",
              "functions"),
    Namespace("torch.func", "torch.func", "tinygrad_rnn.func", "functions"),
    Namespace("torch.utils.data", "torch.utils.data", "tinygrad_rnn.utils.data", "functions+classes"),
    Namespace("torch.distributions", "torch.distributions", "tinygrad_rnn.distributions", "functions+classes"),
]


# ---------------------------------------------------------------- what is not built on purpose, and why
def _tokens(name: str) -> set[str]:
    """`to_sparse_csr` -> {to, sparse, csr}; `CUDAGraph` -> {cuda, graph}."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name))
    return {t for t in spaced.lower().split("_") if t}


def _has_token(*words: str) -> Callable[[str, str], bool]:
    wanted = set(words)
    return lambda namespace, name: bool(_tokens(name) & wanted)


def _named(*names: str) -> Callable[[str, str], bool]:
    wanted = set(names)
    return lambda namespace, name: name in wanted


def _any(*rules: Callable[[str, str], bool]) -> Callable[[str, str], bool]:
    return lambda namespace, name: any(rule(namespace, name) for rule in rules)


NOT_BUILT: list[tuple[str, Callable[[str, str], bool]]] = [
    ("GPUs and other devices: this project runs on the CPU only (`cuda` raises as torch does without CUDA)",
     _any(_has_token("cuda", "cudnn", "mps", "xpu", "mkldnn", "miopen", "hip", "mtia", "xla", "hpu", "vulkan",
                     "metal", "ipu", "fbgemm", "nnpack", "cufft", "mkl", "meta", "cutlass", "nccl"),
          _named("pin_memory", "is_pinned", "record_stream", "share_memory_", "is_shared", "Stream", "Event",
                 "AcceleratorError", "OutOfMemoryError"))),
    ("automatic mixed precision (autocast to float16/bfloat16, a GPU feature)",
     _any(_has_token("autocast"), _named("GradScaler"))),
    ("sparse layouts: tensors here are dense numpy arrays",
     lambda namespace, name: namespace != "torch.nn.init" and (
         bool(_tokens(name) & {"sparse", "coo", "csr", "csc", "bsr", "bsc", "crow", "ccol"})
         or name in {"coalesce", "is_coalesced", "indices", "values", "col_indices", "row_indices", "to_dense",
                     "dense_dim", "smm", "sspaddmm", "hspmm", "saddmm", "spmm", "SparseAdam"})),
    ("quantization: only dynamic qint8 quantization of nn.Linear, nn.LSTM and nn.GRU (`torch.quantization.quantize_dynamic`) "
     "and per-tensor quantized tensors (`quantize_per_tensor`) are built",
     lambda namespace, name: any(t.startswith(("quantiz", "dequantiz", "qint", "quint", "qparam", "qscheme"))
                                 for t in _tokens(name))
     or name in {"q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points",
                 "q_per_channel_axis", "int_repr", "is_quantized"}),
    ("compilers and graph capture (jit, fx, compile, export, onnx): eager numpy only",
     _any(_has_token("jit", "compile", "compiled", "compiler", "compiling", "fx", "dynamo", "onnx", "inductor",
                     "scripting", "tracing", "script", "export", "symbolic", "sym"),
          _named("functionalize", "debug_unwrap"))),
    ("distributed and multi-process training",
     _any(_has_token("distributed", "rpc", "ddp", "fsdp"), _named("DataParallel", "SyncBatchNorm"))),
    ("named tensors (a prototype in torch)",
     _named("names", "rename", "rename_", "refine_names", "align_to", "align_as", "has_names", "align_tensors")),
    ("complex numbers: real dtypes only",
     _named("view_as_complex", "view_as_real", "complex", "polar", "is_conj", "resolve_conj", "conj_physical",
            "conj_physical_", "is_neg", "resolve_neg", "chalf", "cfloat", "cdouble", "view_as_real_copy",
            "view_as_complex_copy", "ComplexType")),
    ("nested (jagged) tensors",
     lambda namespace, name: name != "NestedIOFunction" and ("nested" in _tokens(name) or name == "to_padded_tensor")),
    ("storage and raw memory: a tensor here owns a numpy array, not a torch storage",
     lambda namespace, name: name != "storage_offset" and (
         "storage" in _tokens(name) or name in {"data_ptr", "set_", "from_file", "module_load"})),
    ("the profiler", _any(_has_token("profiler", "kineto"), _named("DeviceType"))),
    ("DataPipes (deprecated in torch)",
     _any(lambda namespace, name: "datapipe" in name.lower(), _named("DataChunk", "functional_datapipe", "runtime_validation",
                                                       "runtime_validation_disabled", "argument_validation",
                                                       "guaranteed_datapipes_determinism", "non_deterministic"))),
    ("the __torch_function__ override machinery",
     _named("has_torch_function", "has_torch_function_unary", "has_torch_function_variadic",
            "handle_torch_function", "is_tensor_like", "DisableTorchFunction", "DisableTorchFunctionSubclass")),
    ("deprecated aliases (torch warns and points to the name with `_`)",
     lambda namespace, name: namespace == "torch.nn.init" and not name.endswith("_")
     and hasattr(importlib.import_module("torch.nn.init"), name + "_")),
]


def not_built_reason(namespace: str, name: str) -> str | None:
    """The reason a torch name is deliberately not built here, or None if it should exist."""
    for reason, applies in NOT_BUILT:
        if applies(namespace, name):
            return reason
    return None


# ---------------------------------------------------------------- collecting names
# Public names a namespace only re-exports (torch.Tensor is handled everywhere).
REEXPORTS = {"torch.optim.lr_scheduler": {"Optimizer"}, "torch.optim.swa_utils": {"LRScheduler", "Module"}}


def _defined_by_torch(obj: Any) -> bool:
    module = getattr(obj, "__module__", None)
    return module is None or module.startswith("torch")


def _is_function(obj: Any) -> bool:
    return inspect.isfunction(obj) or inspect.isbuiltin(obj) or type(obj).__name__ in (
        "_lru_cache_wrapper", "OpOverloadPacket")


def _counts(obj: Any, kind: str) -> bool:
    """Does this object belong to the kinds of names the namespace counts?"""
    if isinstance(obj, ModuleType) or not _defined_by_torch(obj):
        return False
    is_python_class = inspect.isclass(obj) and type(obj).__name__ not in ("pybind11_type", "_LegacyStorageMeta")
    if kind == "functions":
        return _is_function(obj)
    if kind == "classes":
        return is_python_class
    return _is_function(obj) or is_python_class


def torch_names(space: Namespace) -> list[str]:
    """The public names torch has in this namespace (before the not-built filter)."""
    if space.kind == "tensor":
        import torch

        return sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    from torch import Tensor

    module = importlib.import_module(space.torch_path)
    names = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(module, name)
        except Exception:  # a lazily-loaded attribute that cannot load here
            continue
        if (obj is Tensor and space.torch_path != "torch") or name in REEXPORTS.get(space.label, ()):
            continue  # a class another namespace owns, imported here for convenience: counted once, at home
        if _counts(obj, space.kind):
            names.append(name)
    return sorted(names)


def ours_object(space: Namespace) -> Any:
    """Our module for the namespace (a Tensor instance for Tensor methods), or None if absent."""
    try:
        module = importlib.import_module(space.ours_path)
    except ImportError:
        return None
    return module.zeros(1) if space.kind == "tensor" else module


def exists_here(ours: Any, name: str) -> bool:
    """Whether `name` exists on our object (a property that raises still exists)."""
    if ours is None:
        return False
    try:
        return hasattr(ours, name)
    except Exception:
        return True


@dataclass
class Coverage:
    """The verdict for one namespace."""

    space: Namespace
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_built: dict[str, list[str]] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        return len(self.present) + len(self.missing)

    @property
    def percent(self) -> float:
        return 100.0 * len(self.present) / self.counted if self.counted else 100.0


def measure(space: Namespace) -> Coverage:
    result = Coverage(space)
    ours = ours_object(space)
    for name in torch_names(space):
        reason = not_built_reason(space.label, name)
        if exists_here(ours, name):  # built after all (torch.compile, GradScaler): it counts
            result.present.append(name)
        elif reason is not None:
            result.not_built.setdefault(reason, []).append(name)
        else:
            result.missing.append(name)
    return result


# ---------------------------------------------------------------- the report
def _names(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "(none)"


def render(results: list[Coverage], torch_version: str) -> str:
    lines = [
        "# Coverage of torch's API",
        "",
        f"Generated by `tools/coverage_report.py` against torch {torch_version}; do not edit by hand.",
        "A name counts as present when the same name exists here (the parity tests check behaviour).",
        "Percentages are over torch's public dense-CPU names; what is not built on purpose is listed per",
        "namespace with the reason and left out of the percentage. The filter is described at the top of",
        "the script. To check one name yourself:",
        "",
        "```python",
        "import tinygrad_rnn as torch",
        "",
        "assert hasattr(torch.optim.lr_scheduler, 'OneCycleLR')",
        "```",
        "",
        "| namespace | dense-CPU names | present | missing | coverage | goal | not built on purpose |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        goal = f"{r.space.goal}%" if r.space.goal else ""
        excluded = sum(len(v) for v in r.not_built.values())
        lines.append(f"| [`{r.space.label}`](#{_anchor(r.space.label)}) | {r.counted} | {len(r.present)} | "
                     f"{len(r.missing)} | {r.percent:.0f}% | {goal} | {excluded} |")
    for r in results:
        lines += ["", f"## `{r.space.label}`", "",
                  f"{len(r.present)} of {r.counted} dense-CPU names ({r.percent:.0f}%).", "",
                  f"<details><summary>Present ({len(r.present)})</summary>", "", _names(r.present), "",
                  "</details>", "", f"**Missing ({len(r.missing)}):** {_names(r.missing)}"]
        if r.not_built:
            lines += ["", "**Not built on purpose:**", ""]
            lines += [f"- {reason} ({len(names)}): {_names(names)}" for reason, names in r.not_built.items()]
    return "\n".join(lines) + "\n"


def _anchor(label: str) -> str:
    """GitHub's heading anchor for "## `torch.nn`": lower case, punctuation dropped."""
    return re.sub(r"[^a-z0-9 _-]", "", label.lower()).replace(" ", "-")


def parse_present(markdown: str) -> dict[str, list[str]]:
    """From a written report: namespace label -> the names it claims are present."""
    claims: dict[str, list[str]] = {}
    for section in re.split(r"^## ", markdown, flags=re.M)[1:]:
        label = section.split("`")[1]
        block = section.split("<summary>Present", 1)[1].split("</details>", 1)[0]
        claims[label] = re.findall(r"`([^`]+)`", block)
    return claims


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stdout", action="store_true", help="print the report instead of writing docs/coverage.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import torch

    text = render([measure(space) for space in NAMESPACES], torch.__version__.split("+")[0])
    if args.stdout:
        print(text, end="")
    else:
        OUTPUT.write_text(text)
        print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
