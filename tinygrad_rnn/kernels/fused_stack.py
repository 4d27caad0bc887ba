"""`FusedStack`: every layer and direction of a gated nn.LSTM / nn.GRU call as ONE graph node, and
`FusedRunner`, which runs it (or, when no gradient is wanted, the same loop with no node at all).

On a small model the time of a call is Python bookkeeping, not arithmetic. Run as one node per
(layer, direction), a call also made zero states, indexed the initial states, concatenated the
directions, multiplied the dropout masks and stacked the final states, each a Tensor op of
20-60 us of Python, and each a node for backward to visit again. The stack node instead runs the
layer loop on numpy arrays (`recurrence.infer_layers`, the loop inference already used), keeping
each direction's arrays for its backward, and its backward walks the layers top down:

- each direction's own kernel backward (`direction_grads` of the variant) gives its dx, its
  initial state's gradient and its weights' gradients;
- a layer's dx is the sum of its directions' dx, times the layer's dropout mask: the gradient
  that reaches the layer below's output. These are the very numpy calls the engine made on the
  op-by-op graph (cat, dropout's multiply, the sum of two uses), so the numbers are bit-identical.

A variant subclasses FusedStack with `state_count`, its per-direction array kernels and its
`composed` twin (the fallback of a double backward and of forward-mode AD: sequence_function.py).

Arguments of `apply`: `(x, layers, *states, *weights)`, layers the tuple `(num_layers,
num_directions, masks, lengths)` (one argument, not four: the graph's bookkeeping walks every
argument of a node, at every output and every saved value); states one Tensor per state (h, and c for LSTM) of `(D*num_layers, N, size)`, or Nones for zeros;
weights `WEIGHTS_PER_DIRECTION` per (layer, direction), layer-major, in DirectionWeights' order,
None for an absent one. Outputs: `(output, *final states)`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.function import Function
from ..core.modes import modes
from ..core.tensor import Tensor
from .recurrence import DirectionWeights, infer_layers, records_graph
from .sequence_function import SequenceFunction

WEIGHTS_PER_DIRECTION = len(DirectionWeights._fields)


def grouped(flat: Sequence[Any]) -> list[DirectionWeights]:
    """The flat weight arguments (Nones included) as one DirectionWeights per (layer, direction)."""
    per, make = WEIGHTS_PER_DIRECTION, DirectionWeights._make  # (_make: tuple.__new__ in C, ~3x cheaper than a call)
    return [make(flat[i:i + per]) for i in range(0, len(flat), per)]


class FusedStack(SequenceFunction):
    """The node of a whole stack (see the module docstring); a variant fills in the hooks below."""

    state_count = 1
    # state_sizes(w) -> the feature size of each state tensor (the variant's `state_sizes`)
    state_sizes: Callable[[DirectionWeights], tuple[int, ...]]
    # direction_arrays(x, state, w, reverse, lengths, keep) -> (output, final state, kept or None):
    # one layer and direction on numpy arrays (x, state), in the caller's order; the final states are
    # arrays of their own (no views of the output or of work space: infer_layers hands them out as they are).
    direction_arrays: Callable[..., tuple]
    # direction_grads(kept, x, state, w, g_out, g_final, need_dx) -> (dx, state grads, weight grads
    # in DirectionWeights' order, None for an absent weight); dx is None when not need_dx.
    direction_grads: Callable[..., tuple]

    torch_name = "StackBackward0"

    @staticmethod
    def output_name(x: Tensor, num_directions: int, weights: list[DirectionWeights]) -> str:
        """torch's grad_fn name of the output (its final states always show StackBackward0)."""
        return "CatBackward0" if num_directions == 2 else "StackBackward0"

    def node_name(self, x: Tensor, layers: tuple, *rest: Any) -> str:
        """The node's class is named as torch's node of the output (core/function.py's `node_name`)."""
        return self.output_name(x, layers[1], grouped(rest[self.state_count:]))

    @staticmethod
    def forward(ctx, x, layers, *rest):
        num_layers, num_directions, masks, lengths = layers
        states, flat = rest[:ctx.state_count], rest[ctx.state_count:]
        kept: list = []  # per (layer, direction): its input, initial state, kernel's arrays and weights

        def direction(x_in: np.ndarray, state: tuple, w: DirectionWeights, reverse: bool, lengths: Any) -> tuple:
            out, final, arrays = ctx.direction_arrays(x_in, state, w, reverse, lengths, True)
            kept.append((x_in, state, arrays, w))  # (w: backward need not group the weights again)
            return out, final

        weights = grouped(flat)
        start = None if states[0] is None else tuple([s._data for s in states])
        out, finals = infer_layers(ctx.state_sizes, direction, x._data, start, weights, num_layers, num_directions,
                                   masks, lengths)
        outputs = (Tensor._make(out), *[Tensor._make(f) for f in finals])  # (lists, not generators: see recurrence)
        # torch's oneDNN LSTM node saves its output: changed in place, backward raises torch's error.
        # So does this node then (its kernel arrays hold the output), and no copy is made; other
        # torch nodes keep copies, as run_variant keeps one of our output for them.
        if ctx.output_name(x, num_directions, weights) == "MkldnnRnnLayerBackward0":
            ctx.saves_output = True
            ctx.save_for_backward(x, layers, *rest, kept, outputs[0])
        else:
            ctx.save_for_backward(x, layers, *rest, kept)
        return outputs

    @classmethod
    def run_composed(cls, args: tuple) -> tuple:
        x, layers, *rest = args
        return cls.composed(x, *layers, *rest)  # (the variant's composed takes the layers' four one by one)

    @staticmethod
    def backward_arrays(ctx, g_out, *g_finals):
        # (saved_tensors also checks that no saved tensor, the weights included, changed in place since)
        saved, needs, count = ctx.saved_tensors, ctx.needs_input_grad, ctx.state_count
        num_layers, num_directions, masks, _ = saved[1]  # (saved[0]: x, kept in `kept` as each layer's input)
        kept = saved[len(needs)]  # after the arguments (the initial states and weights: in `kept` too)
        d_states = [np.empty(g.shape, g.dtype) if needs[2 + i] else None for i, g in enumerate(g_finals)]
        d_weights: list = [None] * (len(needs) - 2 - count)
        g_y = g_out
        for layer in range(num_layers - 1, -1, -1):
            dx = None
            width = g_y.shape[2] // num_directions
            for d in range(num_directions):
                index = layer * num_directions + d
                x_in, state, arrays, w = kept[index]
                g_part = g_y if num_directions == 1 else g_y[..., d * width:(d + 1) * width]
                # the first layer's input gradient only when the input wants one (training usually
                # feeds data that does not): it is a matrix product as big as the weights' gradient
                dx_d, d_state, d_w = ctx.direction_grads(arrays, x_in, state, w, g_part,
                                                         tuple([g[index] for g in g_finals]), layer > 0 or needs[0])
                dx = dx_d if dx is None else dx + dx_d  # (as the engine added the two uses of the input)
                for into, g in zip(d_states, d_state):
                    if into is not None:
                        into[index] = g
                d_weights[index * WEIGHTS_PER_DIRECTION:(index + 1) * WEIGHTS_PER_DIRECTION] = d_w
            if layer > 0:
                g_y = dx if masks is None else dx * masks[layer - 1]  # (dropout's multiply, backward)
        d_weights = [g if n else None for g, n in zip(d_weights, needs[2 + count:])]
        return (dx if needs[0] else None, None, *d_states, *d_weights)


class ShowAsStack(Function):
    """Passes the final states through unchanged, so their grad_fn shows torch's name for them
    (StackBackward0) when the stack node is named otherwise (torch's LSTM output shows
    MkldnnRnnLayerBackward0, a bidirectional output CatBackward0). Costs one cheap node."""

    torch_name = "StackBackward0"

    @staticmethod
    def forward(ctx, *states):
        return tuple([Tensor._make(s._data) for s in states])

    @staticmethod
    def backward(ctx, *grads):
        return grads

    @staticmethod
    def jvp(ctx, *tangents):
        return tangents


class FusedRunner:
    """The fused runner of a gated variant (LSTM, GRU), a `StackRunner`: the whole stack as one
    `FusedStack` node, or, when no gradient is wanted (no_grad, or nothing requires grad), the
    same layer loop on numpy arrays: no graph node, nothing kept for a backward.

    `direction` runs one layer and direction as the variant's one-direction node `node(x, state,
    weights, reverse, lengths) -> (output, final state)` (tests compare it with `run_direction`).
    """

    def __init__(self, stack: type[FusedStack], node: Callable[..., tuple]) -> None:
        self.stack, self.node = stack, node
        arrays = stack.direction_arrays

        def infer_direction(x_in: np.ndarray, start: tuple, w: DirectionWeights, reverse: bool, lengths: Any) -> tuple:
            """One layer and direction for `infer_layers`: `(output, final state)`, nothing kept."""
            return arrays(x_in, start, w, reverse, lengths, False)[:2]

        self.infer_direction = infer_direction  # (made once, not at every call)

    def direction(self, x: Tensor, state: tuple, w: DirectionWeights, reverse: bool = False,
                  lengths: Any = None) -> tuple[Tensor, tuple]:
        """One layer and direction: `(output, final state)`, as `run_direction`."""
        if records_graph(x, *state, *w):
            return self.node(x, state, w, reverse, lengths)
        out, final = self.infer_direction(x._data, tuple([s._data for s in state]), w, reverse, lengths)
        return Tensor._make(out), tuple([Tensor._make(f) for f in final])

    def __call__(self, x: Tensor, state: tuple | None, weights: Sequence[DirectionWeights], num_layers: int,
                 num_directions: int, masks: tuple | None = None, lengths: Any = None) -> tuple:
        """Every layer and direction: one node when a gradient is wanted, else arrays only."""
        if modes.grad_enabled or modes.dual_level is not None:  # (else no node is needed: nothing to look at)
            flat = [w for group in weights for w in group]
            if records_graph(x, *(state or ()), *flat):
                states = state or (None,) * self.stack.state_count
                out, *finals = self.stack.apply(x, (num_layers, num_directions, masks, lengths), *states, *flat)
                if out.grad_fn is not None and out.grad_fn.name() != "StackBackward0":
                    finals = ShowAsStack.apply(*finals)
                return out, tuple(finals)
        out, final = infer_layers(self.stack.state_sizes, self.infer_direction, x._data,
                                  None if state is None else tuple([s._data for s in state]), weights, num_layers,
                                  num_directions, masks, lengths)
        return Tensor._make(out), tuple([Tensor._make(f) for f in final])
