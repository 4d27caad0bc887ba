"""torch.autograd.grad and backward as torch spells them: the engine's plus the options that live above it.

`core.engine.grad` is the learner's gradient: one backward pass, results by input. This wrapper
adds what torch's Python `grad` adds on top of its engine:

- `is_grads_batched=True`: the first dimension of every grad_output is a batch; the result is the
  stack of the vjps, one per batch element, as torch computes it by vmapping its engine. Here the
  batch is carried through one walk of the graph by `func.batching.batched_grad` (nodes without a
  native batched backward loop over the batch), so this lives above the core;
- `only_inputs` is deprecated and ignored, with torch's FutureWarning when it is False;
- `materialize_grads` with `allow_unused=False` is refused, as torch refuses it;
- an input may be a `GradientEdge` (autograd/graph.py): the gradient arriving at that edge.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..core import engine
from ..core.engine import topological_order
from ..core.tensor import Tensor
from ..func.batching import batched_grad
from .graph import GradientEdge, edge_stand_in


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """torch.autograd.grad: d(outputs)/d(inputs), without touching any `.grad`.

        >>> import tinygrad_rnn as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.grad((x * x).sum(), x)
        (tensor([2., 4.]),)
    """
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.",
                      FutureWarning, stacklevel=2)
    outputs, inputs = _listed(outputs), _listed(inputs)
    if not inputs:  # torch checks this before it looks at the outputs
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if grad_outputs is not None or not is_grads_batched:  # (torch's batched None seeds fail in its vmap)
        grad_outputs = _paired_grads(outputs, grad_outputs)
    _check_inputs(inputs)
    if any(isinstance(i, GradientEdge) for i in inputs):
        inputs = tuple(edge_stand_in(i) if isinstance(i, GradientEdge) else i for i in inputs)
    if not is_grads_batched:
        return engine.grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                           allow_unused=allow_unused, materialize_grads=materialize_grads)
    return _batched(outputs, inputs, grad_outputs, create_graph, bool(allow_unused or materialize_grads),
                    materialize_grads)


def _batched(outputs: Any, inputs: Any, grad_outputs: Any, create_graph: bool, allow_unused: bool,
             materialize_grads: bool) -> tuple:
    """is_grads_batched: one batched backward pass; None (or torch's unbatched zeros with
    materialize_grads) for an input the outputs do not reach."""
    outs = _as_tuple(outputs)
    targets = _as_tuple(inputs)
    seeds = _as_tuple(grad_outputs)
    for t in targets:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if len(seeds) != len(outs) or any(s is None for s in seeds):
        raise RuntimeError("grad can be implicitly created only for scalar outputs")
    for i, (out, g) in enumerate(zip(outs, seeds)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g.ndim == 0 or tuple(g.shape[1:]) != tuple(out.shape):
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of "
                f"corresponding output, but a mismatch was detected: grad_output[{i}] has a shape of "
                f"{g.shape[1:]} and output[{i}] has a shape of {out.shape}. If you only want some tensors in "
                "`grad_output` to be considered batched, consider using vmap."
            )
    stacked = batched_grad(list(outs), list(targets), list(seeds), create_graph=create_graph)
    reached = _reached_keys(outs)
    result = []
    for i, (t, g) in enumerate(zip(targets, stacked)):
        if t._key() not in reached:
            if materialize_grads:
                g = Tensor._make(np.zeros(t.shape, t.dtype.np))  # torch's zeros here are not batched
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            else:
                g = None
        result.append(g)
    return tuple(result)


def _reached_keys(outputs: tuple) -> set:
    """Every place a gradient from `outputs` arrives: the outputs themselves and each edge behind them."""
    keys = {o._key() for o in outputs}
    for node in topological_order([o.grad_fn for o in outputs if o.grad_fn is not None]):
        keys.update((id(e[0]), e[1]) for e in node.edges if e is not None)
    return keys


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, Tensor) or x is None:
        return (x,)
    return tuple(x)


def _paired_grads(outputs: tuple, grads: Any) -> tuple:
    """The gradient of each output, checked as torch checks them before its engine runs. torch pairs them with
    zip, so extra gradients are dropped and too few are counted only after the pairs are checked."""
    grads = (None,) * len(outputs) if grads is None else _listed(grads)
    paired = []
    for out, g in zip(outputs, grads):
        if not isinstance(out, Tensor):
            raise AssertionError("Expected output to be a torch.Tensor")
        if g is None:
            if out.requires_grad and out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        paired.append(g)
    if len(paired) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(paired)} gradients")
    return tuple(paired)


def _check_inputs(inputs: tuple) -> None:
    for i in inputs:
        if not isinstance(i, (Tensor, GradientEdge)):
            raise RuntimeError(f"all inputs have to be Tensors or GradientEdges, but got {type(i).__name__}")


def _listed(x: Any) -> tuple:
    """One tensor (or GradientEdge, itself a tuple) as a 1-tuple, any other iterable as a tuple: torch takes
    `model.parameters()`, a generator, wherever it takes a sequence of tensors. None raises torch's TypeError."""
    if isinstance(x, (Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables: Any = None, inputs: Any = None) -> None:
    """torch.autograd.backward: the engine's `backward`, plus torch's deprecated `grad_variables` (the old
    name of grad_tensors, with its FutureWarning)."""
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    if inputs is not None:
        inputs = _listed(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    tensors = _listed(tensors)
    grad_tensors = _paired_grads(tensors, grad_tensors)
    if inputs is not None:
        _check_inputs(inputs)
    engine.backward(tensors, grad_tensors, retain_graph, create_graph, inputs)
