"""What every recurrent variant (Elman RNN, LSTM, GRU) shares: the gate table entry, the composed
time loop and the ONE layer loop.

A variant is described by a `Variant` (its gate table entry):

- `gates`: rows of `weight_ih` per hidden unit (RNN 1, GRU 3, LSTM 4);
- `state_sizes(weights)`: the feature size of each state tensor (`(H,)`, LSTM `(P or H, H)`);
- `project(x, weights)`: the terms of a step that do not depend on the state, for every step at
  once (one matrix product for the whole sequence);
- `step(projected_t, state, weights)`: one step of the recurrence; the new state's first tensor is
  the step's output;
- `fused`: the variant's fused runner of a whole stack of layers (see below).

Both ways of running a stack of layers take the same arguments,
`(x, state, weights, num_layers, num_directions, masks, lengths) -> (output, final state)`:
`variant.composed` runs `step` op by op through `run_layers` (autograd then gives backpropagation
through time: the path to read); `variant.fused` runs the same math as few graph nodes with a
hand-written numpy backward. nn's RNNBase picks one of the two, in one place. `infer_layers` is
the same layer loop on numpy arrays: the LSTM and GRU fused runners (fused_stack.py) run it when no
gradient is wanted, and their one node per stack runs it too.

Shapes: x `(L, N, H_in)`; state a tuple of `(D*num_layers, N, size)` tensors, or None for zeros;
weights one `DirectionWeights` per (layer, direction), layer-major; masks None or one array per
layer after the first (dropout, multiplied into that layer's input); lengths None or N ints
(packed sequences: steps past an element's length keep its state and output 0).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..backend.scratch import KEEP_BYTES
from ..core.forward_mode import tangent_at
from ..core.modes import modes
from ..core.tensor import Tensor
from ..creation import zeros
from ..ops.linalg import addmm
from ..ops.pointwise import where
from ..ops.shape import cat, stack
from .step_layout import StepLayout


class DirectionWeights(NamedTuple):
    """The parameters of one (layer, direction); absent ones (bias=False, no projection) are None."""

    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor | None = None
    b_hh: Tensor | None = None
    w_hr: Tensor | None = None

    def for_steps(self) -> StepWeights:
        """What the steps multiply by, with the recurrent matrices transposed once for the whole
        sequence (one transpose node in the graph, as torch's, not one per time step)."""
        return StepWeights(self.w_hh.t(), self.b_hh, None if self.w_hr is None else self.w_hr.t())


def input_terms(x: Tensor, w: DirectionWeights) -> Tensor:
    """x W_ih^T + b_ih, the gates' terms that do not depend on h, for every step at once."""
    return _affine(x, w.w_ih.t(), w.b_ih)


def hidden_terms(h: Tensor, w: StepWeights) -> Tensor:
    """h W_hh^T + b_hh, the gates' terms from the previous state."""
    return _affine(h, w.w_hh_t, w.b_hh)


def _affine(x: Tensor, w_t: Tensor, b: Tensor | None) -> Tensor:
    """x @ w_t + b as torch's cells compute it: addmm(b, x, w_t) for one step's (N, features)."""
    if b is None:
        return x @ w_t
    return addmm(b, x, w_t) if x.ndim == 2 else x @ w_t + b


class StepWeights(NamedTuple):
    """One step's parameters: `h @ W_hh^T` is `h @ w_hh_t` (and `h @ W_hr^T` is `h @ w_hr_t`)."""

    w_hh_t: Tensor
    b_hh: Tensor | None = None
    w_hr_t: Tensor | None = None


StackRunner = Callable[..., tuple]  # (x, state, weights, num_layers, num_directions, masks, lengths)


class Variant(NamedTuple):
    """One recurrent variant: its gate table entry (see the module docstring)."""

    gates: int
    state_sizes: Callable[[DirectionWeights], tuple[int, ...]]
    project: Callable[[Tensor, DirectionWeights], Tensor]
    step: Callable[[Tensor, tuple, StepWeights], tuple]
    fused: StackRunner

    def composed(self, x: Tensor, state: tuple | None, weights: Sequence[DirectionWeights], num_layers: int,
                 num_directions: int, masks: tuple | None = None, lengths: Any = None) -> tuple:
        """Every layer and direction op by op: `run_direction` inside `run_layers`."""
        return run_layers(self.state_sizes, lambda *args: run_direction(self, *args), x, state, weights,
                          num_layers, num_directions, masks, lengths)


def run_direction(variant: Variant, x: Tensor, state: tuple, weights: DirectionWeights, reverse: bool = False,
                  lengths: Any = None) -> tuple[Tensor, tuple]:
    """One direction of one layer, op by op: `(output (L, N, H_out), final state)`.

    reverse walks t = L-1 .. 0 and stores each output at its own time index. With `lengths`, the
    steps t >= lengths[b] leave element b's state unchanged and output 0, so the final state is the
    one at the element's last valid step and the reverse direction starts there (`where` sends the
    padding no gradient).
    """
    projected = variant.project(x, weights).unbind(0)
    step_weights = weights.for_steps()
    steps = len(projected)
    running = None if lengths is None else StepLayout(steps, x.shape[1], lengths, reverse).running()
    outputs: list = [None] * steps
    for t in reversed(range(steps)) if reverse else range(steps):
        new = variant.step(projected[t], state, step_weights)
        if running is None:
            state = new
            outputs[t] = new[0]
        else:
            rows = Tensor._make(running[t])  # (N, 1) bool
            state = tuple(where(rows, n, s) for n, s in zip(new, state))
            outputs[t] = where(rows, new[0], 0.0)
    return stack(outputs), state


def run_layers(state_sizes: Callable, direction: Callable[..., tuple], x: Tensor, state: tuple | None,
               weights: Sequence[DirectionWeights], num_layers: int, num_directions: int,
               masks: tuple | None = None, lengths: Any = None) -> tuple:
    """The layer loop: layer k reads layer k-1's output `[forward | reverse]` (times its dropout
    mask), runs each direction with `direction(x, state, weights, reverse, lengths)`, and the final
    states are stacked as `state[i][k*D + d]`. state None starts every direction from zeros
    (made per direction: cheaper than indexing one big zero tensor, ~25 us an index)."""
    sizes = state_sizes(weights[0])
    finals = []
    for layer in range(num_layers):
        if layer > 0 and masks is not None:
            x = x * Tensor._make(masks[layer - 1])
        outputs = []
        for d in range(num_directions):
            index = layer * num_directions + d
            start = (tuple(zeros(x.shape[1], size, dtype=x.dtype) for size in sizes) if state is None
                     else tuple(s[index] for s in state))
            out, final = direction(x, start, weights[index], d == 1, lengths)
            outputs.append(out)
            finals.append(final)
        x = outputs[0] if num_directions == 1 else cat(outputs, 2)
    return x, tuple(stack([f[i] for f in finals]) for i in range(len(sizes)))


def infer_layers(state_sizes: Callable, direction: Callable[..., tuple], x: np.ndarray, state: tuple | None,
                 weights: Sequence[DirectionWeights], num_layers: int, num_directions: int,
                 masks: tuple | None = None, lengths: Any = None) -> tuple[np.ndarray, tuple]:
    """`run_layers` on numpy arrays, for inference (no gradient wanted): the same layer loop, same
    arguments and same numbers, without the Tensor ops that only a graph needs. On a small model
    those ops (zeros, indexing the state, stacking the final states, each ~20-60 us of Python)
    were half of a forward. `direction(x, state, weights, reverse, lengths)` takes and returns
    arrays; x and the state arrays here are numpy arrays too."""
    count = num_layers * num_directions
    if count == 1:  # one layer, one direction: the loop's bookkeeping was ~10% of a seed-size LSTM's inference
        return _infer_one(state_sizes, direction, x, state, weights[0], lengths)
    if state is None:
        state = [zero_state((count, x.shape[1], size), x.dtype) for size in state_sizes(weights[0])]
    # The final states are written into place as each direction ends (np.stack, a Python function,
    # cost ~3 us a state on a small model, more than the copy it makes).
    finals = [np.empty(s.shape, x.dtype) for s in state]  # (lists: a generator costs ~0.5 us more)
    for layer in range(num_layers):
        if layer > 0 and masks is not None:
            x = x * masks[layer - 1]
        outputs = []
        for d in range(num_directions):
            index = layer * num_directions + d
            out, final = direction(x, tuple([s[index] for s in state]), weights[index], d == 1, lengths)
            outputs.append(out)
            for into, f in zip(finals, final):
                into[index] = f
        x = outputs[0] if num_directions == 1 else np.concatenate(outputs, 2)
    return x, tuple(finals)


def _infer_one(state_sizes: Callable, direction: Callable[..., tuple], x: np.ndarray, state: tuple | None,
               weights: DirectionWeights, lengths: Any) -> tuple[np.ndarray, tuple]:
    """`infer_layers` for one layer and direction: `direction` once, its final states given the
    stack's leading axis of 1. No copy: the directions return final states of their own (a step's
    row copied out of the output, the inference cell state copied out of its work array), so a
    view of each owns its storage as the loop's stacked copies do (two copies cost ~2% of a
    seed-size LSTM's inference)."""
    if state is None:
        start = tuple([zero_state((x.shape[1], size), x.dtype) for size in state_sizes(weights)])
    else:
        start = tuple([s[0] for s in state])
    out, final = direction(x, start, weights, False, lengths)
    return out, tuple([f[None] for f in final])


_ZEROS_KEPT_AT_MOST = 16  # zero states kept (a program runs a handful of shapes)
_zeros: dict = {}


def zero_state(shape: tuple, dtype: Any) -> np.ndarray:
    """A read-only array of zeros, the same one for every call with this shape and dtype: the initial
    state of a call without hx. The kernels only read an initial state (a product's operand, a copy's
    source), and making one anew cost one np.zeros a state (~2% of a seed-size LSTM's inference)."""
    found = _zeros.get((shape, dtype))
    if found is None:
        found = np.zeros(shape, dtype)
        if found.nbytes >= KEEP_BYTES:  # (a big one is cheap to make, calloc's fresh pages: not worth holding)
            return found
        if len(_zeros) >= _ZEROS_KEPT_AT_MOST:
            _zeros.clear()
        _zeros[shape, dtype] = found
        found.flags.writeable = False  # (shared: a kernel that wrote into it would raise, not corrupt)
    return found


def records_graph(*tensors: Tensor | None) -> bool:
    """Whether an op on these inputs must run as a node: grad mode is on and one requires grad, or
    forward-mode AD is on and one carries a tangent (the node's jvp pushes it on). When not, the
    fused runners take their inference loops (nothing kept for a backward, no tangent to carry)."""
    if modes.dual_level is not None and any(tangent_at(t, modes.dual_level) is not None for t in tensors):
        return True
    if not modes.grad_enabled:  # (grad_mode.is_grad_enabled(), read as Function.apply reads it)
        return False
    for t in tensors:  # (a loop, not any(generator): a generator resumes once per tensor)
        if t is not None and t._requires_grad:
            return True
    return False


def flat_weights(weights: Sequence[DirectionWeights]) -> list[Tensor]:
    """The present weights in torch's `_flat_weights` order (per direction w_ih, w_hh, b_ih, b_hh, w_hr)."""
    return [w for group in weights for w in group if w is not None]


def group_weights(flat: Sequence[Any], count: int) -> list[DirectionWeights]:
    """The inverse of `flat_weights` for `count` directions without projections."""
    per = len(flat) // count
    return [DirectionWeights(*flat[i * per:(i + 1) * per]) for i in range(count)]
