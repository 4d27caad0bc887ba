"""torch.utils.checkpoint: trade compute for memory by running part of a model again during backward.

    y = checkpoint(block, x, use_reentrant=True)

With `use_reentrant=True` (torch's default, with a warning when not said) the block runs without
recording a graph; backward runs it again from its saved inputs, with the random state it first saw
(so dropout draws the same mask), and backpropagates through that. The result's node is torch's
`CheckpointFunctionBackward`. With `use_reentrant=False` (torch's recommendation) the block records
its usual graph, but every tensor its ops save for backward goes through saved-tensor hooks
(`_Recomputation`): the node keeps only a number, and the first backward that needs the tensor runs
the block again, with the same random state, to get it back. So the block runs twice per forward and
backward, three times when the graph is backpropagated twice (`retain_graph=True`), as in torch.
"""
from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any

from .. import random
from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks
from ..core.engine import backward as run_backward
from ..core.grad_mode import enable_grad, no_grad
from ..core.tensor import Tensor


class CheckpointFunction(Function):
    """The re-entrant checkpoint: forward without a graph, backward by running the block again."""

    torch_name = "CheckpointFunctionBackward"  # torch names it as a user's Function, without the 0

    @staticmethod
    def forward(ctx: Any, run_function: Callable, preserve_rng_state: bool, *args: Any) -> Any:
        if not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=4)
        ctx.run_function, ctx.preserve_rng_state = run_function, preserve_rng_state
        ctx.rng_state = random.get_rng_state() if preserve_rng_state else None
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        saved = iter(ctx.saved_tensors)
        inputs = [_detached(next(saved)) if a is None else a for a in ctx.args]
        with random.fork_rng(enabled=ctx.preserve_rng_state):  # the block's draws leave no trace outside
            if ctx.preserve_rng_state:
                random.set_rng_state(ctx.rng_state)
            with enable_grad():
                outputs = ctx.run_function(*inputs)
        outputs = (outputs,) if isinstance(outputs, Tensor) else outputs
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        run_backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None for x in inputs)


def _detached(t: Tensor) -> Tensor:
    return t.detach().requires_grad_(t.requires_grad)


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None, context_fn: Any = None,
               determinism_check: str = "default", debug: bool = False, early_stop: bool = True,
               preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """`function(*args, **kwargs)`, checkpointed (see the module docstring)."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between the "
                      "two variants.", stacklevel=2)
        use_reentrant = True
    if not use_reentrant:
        if determinism_check not in ("default", "none"):
            raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
        contexts = noop_context_fn() if context_fn is None else context_fn()
        return _Recomputation(function, args, kwargs, preserve_rng_state, determinism_check == "default",
                              contexts).run()
    if context_fn is not None or debug:
        raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


class _Recomputation:
    """The non-reentrant checkpoint of one call: what the block saves is replaced by its position in
    the order of saving (pack), and recomputed when backward asks for it (unpack)."""

    def __init__(self, function: Callable, args: tuple, kwargs: dict, preserve_rng_state: bool,
                 check: bool, contexts: tuple) -> None:
        self.function, self.args, self.kwargs, self.check = function, args, kwargs, check
        self.forward_context, self.recompute_context = contexts  # what context_fn() gave: one for each run
        self.rng_state = random.get_rng_state() if preserve_rng_state else None
        self.metadata: list[dict] = []  # of each tensor the block's first run saved, to check the recomputed ones
        self.recomputed: dict[int, Tensor] = {}  # position -> tensor, until backward takes it

    def run(self) -> Any:
        with self.forward_context, saved_tensors_hooks(self.pack, self.unpack):
            return self.function(*self.args, **self.kwargs)

    def pack(self, t: Tensor) -> int:
        self.metadata.append(_metadata(t))
        return len(self.metadata) - 1

    def unpack(self, position: int) -> Tensor:
        if position not in self.recomputed:  # first need of this backward pass: run the block again
            self._recompute()
        return self.recomputed.pop(position)  # each backward pass takes each saved tensor once

    def _recompute(self) -> None:
        saved: list[Tensor] = []

        def keep(t: Tensor) -> int:
            saved.append(t)  # with its recomputed graph, so a double backward reaches the block's inputs
            return len(saved) - 1

        with random.fork_rng(enabled=self.rng_state is not None):  # the block's draws leave no trace outside
            if self.rng_state is not None:
                random.set_rng_state(self.rng_state)
            with enable_grad(), self.recompute_context, saved_tensors_hooks(keep, saved.__getitem__):
                self.function(*self.args, **self.kwargs)
        if self.check:
            _check_recomputed(self.metadata, [_metadata(t) for t in saved])
        self.recomputed = dict(enumerate(saved))


def noop_context_fn() -> tuple:
    """The default `context_fn` of the non-reentrant checkpoint: nothing around either run of the block."""
    return contextlib.nullcontext(), contextlib.nullcontext()


@contextlib.contextmanager
def set_checkpoint_early_stop(enable: bool) -> Any:
    """torch stops a recomputation once it has every saved tensor; here the block always runs to its
    end, which gives the same tensors, so this switch changes nothing (it is accepted for torch code)."""
    yield


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled: bool | None) -> Any:
    """torch's switch for longer CheckpointError messages; accepted, the messages stay as they are."""
    yield


def detach_variable(inputs: tuple) -> tuple:
    """Each tensor of `inputs` detached, keeping whether it requires grad; other values as they are."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    return tuple(_detached(x) if isinstance(x, Tensor) else x for x in inputs)


def check_backward_validity(inputs: Any) -> None:
    """Warn when no input requires grad: the reentrant checkpoint then gives no gradients."""
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


def _metadata(t: Tensor) -> dict:
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


class CheckpointError(RuntimeError):
    """The recomputation in backward did not save what the first run of the block saved."""


_DEBUG_TIP = ("\n\nTip: To see a more detailed error message, either pass `debug=True` to\n"
              "`torch.utils.checkpoint.checkpoint(...)` or wrap the code block\n"
              "with `with torch.utils.checkpoint.set_checkpoint_debug_enabled(True):` to\n"
              "enable checkpoint\u2011debug mode globally.\n")


def _check_recomputed(first: list[dict], again: list[dict]) -> None:
    """torch's determinism check: at least as many saved tensors (torch stops the recomputation once it
    has them all), each with the shape, dtype and device of the first run's."""
    if len(again) < len(first):
        raise CheckpointError(
            "torch.utils.checkpoint: A different number of tensors was saved during the original forward and "
            f"recomputation.\nNumber of tensors saved during forward: {len(first)}\nNumber of tensors saved during "
            f"recomputation: {len(again)}." + _DEBUG_TIP)
    differing = [f"tensor at position {i}:\nsaved metadata: {a}\nrecomputed metadata: {b}\n"
                 for i, (a, b) in enumerate(zip(first, again)) if a != b]
    if differing:
        raise CheckpointError("torch.utils.checkpoint: Recomputed values for the following tensors have different "
                              "metadata than during the forward pass.\n" + "".join(differing) + "." + _DEBUG_TIP)


def checkpoint_sequential(functions: Any, segments: int, input: Tensor, use_reentrant: bool | None = None,
                          **kwargs: Any) -> Tensor:
    """Run a Sequential (or a list of modules) in `segments` pieces, every piece but the last checkpointed."""
    if use_reentrant is None:
        warnings.warn("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between the "
                      "two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = len(functions) // segments

    def run(start: int, end: int) -> Callable:
        def forward(x: Tensor) -> Tensor:
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
