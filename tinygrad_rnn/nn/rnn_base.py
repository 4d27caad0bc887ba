"""`RNNBase`: what every multi-layer recurrent module shares (RNN, LSTM, GRU), and `RNNCellBase`.

RNNBase owns the parts that do not depend on the cell's math:

- the constructor: torch's argument checks (in torch's order, with torch's messages) and the
  parameters `weight_ih_l{k}{_reverse}`, `weight_hh_l...`, `bias_ih_l...`, `bias_hh_l...`
  (`weight_hr_l...` for an LSTM with proj_size), in torch's layout and order;
- forward's input handling: batch_first, unbatched input, the default zero state, and every
  input check of torch (see `_check_forward`);
- the layer loop (`_run_layers`): layer k reads layer k-1's output (with dropout in between when
  training), runs each direction with `_run_direction`, and collects the final states.

A subclass says what one direction of one layer computes, in `_run_direction`. The state is a
tuple of tensors: `(h,)` for RNN and GRU, `(h, c)` for LSTM.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, NamedTuple

import numpy as np

from ..autograd import no_grad
from ..core.tensor import Tensor
from ..creation import zeros
from ..device import check_device
from ..ops.shape import cat, stack
from ..random import bernoulli
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence, lengths_from_batch_sizes, packed_to_padded, padded_to_packed

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}  # rows of W_ih per hidden unit


class DirectionWeights(NamedTuple):
    """The parameters of one (layer, direction); absent ones (bias=False, no projection) are None."""

    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor | None = None
    b_hh: Tensor | None = None
    w_hr: Tensor | None = None


def new_weight(shape: tuple, dtype: Any = None, device: Any = None) -> Parameter:
    """An (uninitialised) Parameter of `shape`, rejecting bad sizes with torch.empty's messages."""
    check_device(device)
    for pos, size in enumerate(shape):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(
                f"empty(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(size).__name__} at pos {pos}"
            )
    if any(size < 0 for size in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {[int(s) for s in shape]}")
    return Parameter(zeros(tuple(int(s) for s in shape), dtype=dtype))


def init_uniform(module: Module, hidden_size: int) -> None:
    """torch's RNN init: every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    with no_grad():
        for weight in module.parameters():
            weight.uniform_(-bound, bound)


def _select_batch(state: Tensor, order: Tensor) -> Tensor:
    """state[:, order] (torch's index_select on dim 1), with torch's error for a too-small dim 1."""
    if state.dim() < 2:
        return state[:, order]  # fails with the indexing error
    too_big = order._data[order._data >= state.shape[1]]
    if too_big.size:
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={too_big[0]} axis_dim={state.shape[1]}")
    return state[:, order]


class RNNBase(Module):
    """Base of RNN, LSTM and GRU (`mode` is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU')."""

    # Start of forward's rank error: "RNN: Expected input to be 2D or 3D, got 1D tensor instead"
    # for RNN, while torch's GRU and LSTM say "... got 1D instead".
    _rank_error = "{name}: Expected input to be 2D or 3D, got {dim}D instead"

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                self._add_direction(layer, direction, dtype, device)
        self._init_flat_weights()
        self.reset_parameters()

    def _add_direction(self, layer: int, direction: int, dtype: Any, device: Any) -> None:
        """Register the parameters of one (layer, direction), in torch's order and shapes."""
        gates = GATES[self.mode]
        # (not 1 * hidden_size: torch keeps hidden_size=True as is, and then torch.empty rejects it)
        gate_size = self.hidden_size if gates == 1 else gates * self.hidden_size
        out_size = self.proj_size if self.proj_size > 0 else self.hidden_size  # what h holds
        num_directions = 2 if self.bidirectional else 1
        layer_input_size = self.input_size if layer == 0 else out_size * num_directions
        shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, out_size)}
        if self.bias:
            shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
        if self.proj_size > 0:
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        suffix = "_reverse" if direction == 1 else ""
        names = []
        for role, shape in shapes.items():
            name = f"{role}_l{layer}{suffix}"
            setattr(self, name, new_weight(shape, dtype, device))
            names.append(name)
        self._flat_weights_names.extend(names)
        self._all_weights.append(names)

    # ------------------------------------------------------------ the weights as torch exposes them
    def _init_flat_weights(self) -> None:
        self._flat_weights = [getattr(self, name, None) for name in self._flat_weights_names]

    def __setattr__(self, name: str, value: Any) -> None:
        # Reassigning `rnn.weight_ih_l0 = Parameter(...)` must update _flat_weights too, as in torch.
        if name in self.__dict__.get("_flat_weights_names", ()) and "_flat_weights" in self.__dict__:
            self._flat_weights[self._flat_weights_names.index(name)] = value
        super().__setattr__(name, value)

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per (layer, direction): `all_weights[0][0] is weight_ih_l0`."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op, as in torch on the CPU (cuDNN wants one contiguous weight buffer; numpy does not)."""

    def _apply(self, fn: Any) -> RNNBase:
        result = super()._apply(fn)
        self._init_flat_weights()
        return result

    def reset_parameters(self) -> None:
        init_uniform(self, self.hidden_size)

    def _direction_weights(self, layer: int, direction: int) -> DirectionWeights:
        """The current parameters of one (layer, direction), by role."""
        names = self._all_weights[layer * (2 if self.bidirectional else 1) + direction]
        by_name = dict(zip(self._flat_weights_names, self._flat_weights))
        # 'weight_ih_l0_reverse' -> role 'w_ih'; 'bias_hh_l1' -> 'b_hh'
        return DirectionWeights(**{name[0] + "_" + name.split("_")[1]: by_name[name] for name in names})

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    # ------------------------------------------------------------ forward
    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        """`(output, h_n)` (LSTM: `(output, (h_n, c_n))`), a builtin tuple as in torch.

        input: `(L, N, H_in)`, `(N, L, H_in)` with batch_first, or unbatched `(L, H_in)`.
        hx: the initial state `(D*num_layers, N, H)` (unbatched: `(D*num_layers, H)`), zeros if None.
        A PackedSequence input gives a PackedSequence output (see `_forward_packed`).
        """
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        if input.dim() not in (2, 3):
            raise ValueError(self._rank_error.format(name=self._name_in_errors, dim=input.dim()))
        batched = input.dim() == 3
        state = self._state_tuple(hx, batched)
        # Work seq-first and batched: (L, N, H_in).
        x = input if not batched or not self.batch_first else input.transpose(0, 1)
        x = x if batched else x.unsqueeze(1)
        self._check_forward(x, state)
        output, state = self._run_layers(x, state)  # state None: zeros, made only where needed
        if not batched:
            return output.squeeze(1), self._state_result(tuple(s.squeeze(1) for s in state))
        if self.batch_first:
            output = output.transpose(0, 1)  # a non-contiguous view, as torch's
        return output, self._state_result(state)

    _name_in_errors = "RNN"

    # ------------------------------------------------------------ packed input
    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple:
        """Run a PackedSequence: every sequence behaves exactly as if it ran alone.

        The packed rows are gathered into a padded `(T, B, H_in)` batch in the packed (sorted)
        order, the layers run with each sequence's length (padding steps keep the state and output
        0; the reverse direction starts at the sequence's own last step), and the valid output rows
        are gathered back into packed order. hx and the final states are in the caller's ORIGINAL
        batch order, so they are permuted by sorted_indices on the way in and back on the way out.
        batch_first does not apply to packed input.
        """
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        state = None if hx is None else self._packed_state_tuple(hx)
        if state is not None and sorted_indices is not None:
            state = tuple(_select_batch(s, sorted_indices) for s in state)
        self._check_packed_data(data)
        steps = batch_sizes._data
        x = packed_to_padded(data, steps, len(steps)) if data.dim() == 2 else data
        self._check_forward(x, state)
        output, state = self._run_layers(x, state, lengths_from_batch_sizes(steps))
        if unsorted_indices is not None:
            state = tuple(s[:, unsorted_indices] for s in state)
        output = PackedSequence(padded_to_packed(output, steps), batch_sizes, sorted_indices, unsorted_indices)
        return output, self._state_result(state)

    def _packed_state_tuple(self, hx: Any) -> tuple:
        """hx for packed input as a state tuple; no rank check (torch has none for packed input)."""
        return (hx,)

    def _check_packed_data(self, data: Tensor) -> None:
        """torch's check that packed data is 2-D (a dtype mismatch is reported first)."""
        if data.dim() != 2 and data.dtype is self._flat_weights[0].dtype:
            raise RuntimeError(f"input must have 2 dimensions, got {data.dim()}")

    def _state_tuple(self, hx: Any, batched: bool) -> tuple | None:
        """The caller's hx as a tuple of batched `(D*num_layers, N, *)` tensors (RNN and GRU: `(h,)`)."""
        if hx is None:
            return None
        if batched and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        if not batched and hx.dim() != 2:
            raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
        return (hx if batched else hx.unsqueeze(1),)

    def _state_result(self, state: tuple) -> Any:
        """What forward returns as the final state (RNN and GRU: h_n itself)."""
        return state[0]

    def _state_sizes(self) -> list[int]:
        """The feature size of each state tensor (LSTM: `[P or H, H]`)."""
        return [self.hidden_size]

    def _zero_state(self, x: Tensor) -> tuple:
        layers = self.num_layers * (2 if self.bidirectional else 1)
        return tuple(zeros(layers, x.shape[1], size, dtype=x.dtype) for size in self._state_sizes())

    def _check_forward(self, x: Tensor, state: tuple | None) -> None:
        """torch's checks, in torch's order, on seq-first batched x and the state tuple (None: zeros)."""
        weight_dtype = self._flat_weights[0].dtype
        if x.dtype is not weight_dtype:
            raise ValueError(
                f"RNN input dtype ({x.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: model.to({x.dtype})"
            )
        if x.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {x.shape[-1]}"
            )
        layers = self.num_layers * (2 if self.bidirectional else 1)
        state = () if state is None else state  # the default zero state is right by construction
        many = len(state) > 1  # LSTM says "hidden[0]", "hidden[1]"
        for k, (s, size) in enumerate(zip(state, self._state_sizes())):
            expected = (layers, x.shape[1], size)
            if tuple(s.shape) != expected:
                what = f"hidden[{k}] size" if many else "hidden size"
                raise RuntimeError(f"Expected {what} {expected}, got {list(s.shape)}")
        if x.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        for s in state:
            if s.dtype is not weight_dtype:
                raise RuntimeError(
                    f"mat1 and mat2 must have the same dtype, but got {s.dtype._legacy} and {weight_dtype._legacy}"
                )

    def _run_layers(self, x: Tensor, state: tuple | None, lengths: np.ndarray | None = None) -> tuple:
        """All layers and directions: `(output (L, N, D*H), final state tuple of (D*NL, N, *))`.

        Layer k's input is layer k-1's output `[forward | reverse]`, through dropout when training
        (never after the last layer, never on the states). `state[i][k*D + d]` starts direction d
        of layer k, and its final value lands at the same index; state None starts from zeros.
        """
        num_directions = 2 if self.bidirectional else 1
        if state is None:
            state = self._zero_state(x)
        masks = self._dropout_masks(x, lengths)
        finals = []
        for layer in range(self.num_layers):
            if layer > 0 and masks is not None:  # dropout between layers: inverted, drawn as torch draws it
                x = x * Tensor._make(masks[layer - 1])
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                initial = tuple(s[index] for s in state)
                out, final = self._run_direction(
                    x, initial, self._direction_weights(layer, direction), reverse=direction == 1, lengths=lengths
                )
                outputs.append(out)
                finals.append(final)
            x = outputs[0] if num_directions == 1 else cat(outputs, 2)
        return x, tuple(stack([f[i] for f in finals]) for i in range(len(state)))

    def _run_direction(self, x: Tensor, state: tuple, weights: DirectionWeights, reverse: bool,
                       lengths: np.ndarray | None) -> tuple:
        """One direction of one layer over x `(L, N, *)`: `(output (L, N, H), final state tuple)`."""
        raise NotImplementedError

    def _dropout_masks(self, x: Tensor, lengths: np.ndarray | None = None) -> tuple | None:
        """The arrays that inverted dropout multiplies into the inputs of layers 1.., drawn now, in
        layer order, from the same stream as `dropout()` (so seeded runs match torch). None when no
        dropout applies.

        Packed input (`lengths` given, in packed order): torch draws each mask over the packed rows,
        `(sum(lengths), D*H)`, so it is drawn in that shape and spread into the padded layout; the
        padding steps get 0 (their inputs are never read)."""
        p = self.dropout
        if not self.training or p == 0 or self.num_layers == 1:
            return None
        shape = (x.shape[0], x.shape[1], self.hidden_size * (2 if self.bidirectional else 1))
        dtype = x._data.dtype
        if p == 1:  # dropout() multiplies by 0.0 without drawing
            return (np.zeros(shape, dtype),) * (self.num_layers - 1)
        valid = None if lengths is None else np.arange(shape[0])[:, None] < np.asarray(lengths)[None, :]
        drawn_shape = shape if valid is None else (int(valid.sum()), shape[2])

        def draw() -> np.ndarray:
            mask = bernoulli(Tensor._make(np.empty(drawn_shape, dtype)), 1 - p)._data / dtype.type(1 - p)
            if valid is None:
                return mask
            padded = np.zeros(shape, dtype)
            padded[valid] = mask  # boolean indexing walks time-major, the packed row order
            return padded

        return tuple(draw() for _ in range(self.num_layers - 1))


def _check_arguments(input_size: Any, hidden_size: Any, num_layers: Any, bias: Any, batch_first: Any,
                     dropout: Any, proj_size: Any) -> None:
    """torch's constructor checks, in torch's order (the first failing one wins)."""
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError(
            "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
        )
    if dropout > 0 and num_layers == 1:
        warnings.warn(
            "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
            f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
            UserWarning,
            stacklevel=4,
        )
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class RNNCellBase(Module):
    """Base of RNNCell, LSTMCell and GRUCell: `weight_ih (G*H, H_in)`, `weight_hh (G*H, H)`, two biases.

    Unlike RNNBase it checks nothing: torch's cells accept any arguments that torch.empty accepts.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = new_weight((num_chunks * hidden_size, input_size), dtype, device)
        self.weight_hh = new_weight((num_chunks * hidden_size, hidden_size), dtype, device)
        if bias:
            self.bias_ih = new_weight((num_chunks * hidden_size,), dtype, device)
            self.bias_hh = new_weight((num_chunks * hidden_size,), dtype, device)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_uniform(self, self.hidden_size)

    def _batched(self, input: Tensor, hx: Tensor | None, name: str) -> tuple[Tensor, Tensor, bool]:
        """torch's rank checks of RNNCell and GRUCell, then `(x, h, batched)`: a batch dim of 1 is
        added to unbatched input and state, and hx None becomes a zero state."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            return x, zeros(x.shape[0], self.hidden_size, dtype=x.dtype), batched
        return x, hx if batched else hx.unsqueeze(0), batched

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.__dict__.get("bias", True) is not True:
            text += f", bias={self.bias}"
        if self.__dict__.get("nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

