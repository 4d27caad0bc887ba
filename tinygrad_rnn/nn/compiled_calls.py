"""What torch.compile changes that a user can see, shared by `torch.compile` (compile.py) and
`Module.compile`: which options it takes, and the one graph node compiled code shows for its outputs.
Nothing is compiled here: every op already runs as it is called."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.tensor import Tensor
from ..ops.composite import composite

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("aot_eager", "aot_eager_decomp_partition", "aot_ts", "cudagraphs", "eager", "eager_debug", "inductor",
             "openxla", "openxla_eval", "ts", "tvm")


def check_options(*, fullgraph: bool = False, dynamic: bool | None = None, backend: str | Callable | None = "inductor",
                  mode: str | None = None, options: dict | None = None, name: str | None = None,
                  disable: bool = False, **later_options: Any) -> None:
    """torch.compile's checks of its options (the speed options then have nothing to change here)."""
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if callable(backend):
        raise NotImplementedError("torch.compile(backend=<a function>) is not implemented in tinygrad_rnn: there is no "
                                  "FX graph to hand a custom backend (every call runs as written, as backend='eager')")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` for available backends.")
    unknown = set(later_options) - {"recompile_limit", "isolate_recompiles", "shapes_spec"}
    if unknown:
        raise TypeError(f"compile() got an unexpected keyword argument '{min(unknown)}'")


def shows_compiled_node(backend: str | Callable | None) -> bool:
    """Whether torch's compiled code shows its outputs' CompiledFunctionBackward node: its AOT-autograd
    backends do (inductor, the default, too); "eager" runs torch's own ops."""
    return backend not in ("eager", "eager_debug")


def compiled_outputs(result: Any, inputs: list) -> Any:
    """torch.compile's view of a call's result (a tensor, or tensors in tuples, lists and dicts): each tensor
    the call computed shows one CompiledFunctionBackward node made from the tensors among `inputs` (the call's
    arguments, and a module's parameters). A view of an input keeps its view's node, as torch regenerates
    those outside the compiled graph; so does a tensor the call passed through."""
    tensors = [t for t in inputs if isinstance(t, Tensor)]
    inputs_nodes = {id(t.grad_fn) for t in tensors if t.grad_fn is not None}

    def shown(out: Any) -> Any:
        if isinstance(out, (tuple, list)):
            return type(out)(*map(shown, out)) if hasattr(out, "_fields") else type(out)(map(shown, out))
        if isinstance(out, dict):
            return type(out)((k, shown(v)) for k, v in out.items())
        if isinstance(out, Tensor) and out.grad_fn is not None and not out._is_view() \
                and id(out.grad_fn) not in inputs_nodes:
            composite(out, "CompiledFunctionBackward", *tensors)
        return out

    return shown(result)
