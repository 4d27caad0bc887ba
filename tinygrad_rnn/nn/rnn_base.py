"""`RNNBase`: what every multi-layer recurrent module shares (RNN, LSTM, GRU), and `RNNCellBase`.

RNNBase owns the parts that do not depend on the cell's math:

- the constructor: torch's argument checks (in torch's order, with torch's messages) and the
  parameters `weight_ih_l{k}{_reverse}`, `weight_hh_l...`, `bias_ih_l...`, `bias_hh_l...`
  (`weight_hr_l...` for an LSTM with proj_size), in torch's layout and order;
- forward's input handling: batch_first, unbatched and packed input, and every input check of
  torch (see `_check_forward`), then dropout masks drawn as torch draws them;
- `_run_layers`, the ONE place that picks the fused or the composed path (`backends.fused_rnn`)
  for every variant alike.

The math lives below nn, in tinygrad_rnn/kernels: the variant's `Variant` (by `mode`) gives its
step, its composed and its fused runner of a whole stack of layers. The state is a tuple of
tensors: `(h,)` for RNN and GRU, `(h, c)` for LSTM. RNNCellBase holds the cells' checks.
"""
from __future__ import annotations

import inspect
import math
import numbers
import operator
import warnings
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import numpy as np

from .. import backends
from ..argcheck import size_arg
from ..autograd import no_grad
from ..backend.errstate import enter_all_quiet, leave_all_quiet
from ..core.function import rename
from ..core.modes import modes
from ..core.tensor import Tensor
from ..creation import from_numpy, zeros
from ..device import check_device, device_arg
from ..kernels import gru, lstm, rnn
from ..kernels.recurrence import DirectionWeights
from ..kernels.step_layout import StepLayout
from ..kernels.variants import VARIANTS
from ..ops.linalg import product
from ..random import bernoulli
from .module import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence, lengths_from_batch_sizes, packed_to_padded, padded_to_packed

P = ParamSpec("P")
R = TypeVar("R")


def takes_arguments_of(declared: Callable[P, R]) -> Callable[[Callable[..., R]], Callable[P, R]]:
    """Show `declared`'s parameters (names, types, defaults) as the signature of an `*args, **kwargs` method.

    torch's RNN, LSTM and GRU bind their arguments by hand (RNN takes `args[3]` as the nonlinearity
    and hands the rest to RNNBase), so their argument errors name `RNNBase.__init__()`. Our
    constructors do the same, and this decorator gives `help()`, `inspect.signature` and type
    checkers the documented parameters all the same.
    """

    def attach(method: Callable[..., R]) -> Callable[P, R]:
        method.__signature__ = inspect.signature(declared)  # type: ignore[attr-defined]
        method.__annotations__ = dict(declared.__annotations__)
        return method  # type: ignore[return-value]

    return attach


def new_weight(shape: tuple, dtype: Any = None, device: Any = None) -> Parameter:
    """An (uninitialised) Parameter of `shape`, rejecting bad sizes with torch.empty's messages."""
    device_arg("empty", device)
    check_device(device)
    shape = size_arg("empty", (shape,))  # torch.empty's rule: the first size a true int, later ones may be bools
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
    """state.index_select(1, order), as torch permutes a state (IndexSelectBackward0), with torch's error for a
    too-small dim 1."""
    if state.dim() < 2:
        return state[:, order]  # fails with the indexing error
    too_big = order._data[order._data >= state.shape[1]]
    if too_big.size:
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={too_big[0]} axis_dim={state.shape[1]}")
    return state.index_select(1, order)


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
        if mode not in VARIANTS:
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
        gates = VARIANTS[self.mode].gates
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
        # hasattr, then getattr: two reads of a parametrized weight, as torch's (see _update_flat_weights)
        self._flat_weights = [getattr(self, name) if hasattr(self, name) else None for name in self._flat_weights_names]

    def _update_flat_weights(self) -> None:
        """Re-read the weights once one is no longer the tensor in `_flat_weights`, as torch does
        at each forward; for a parametrized weight that is every time. The reads are torch's
        (hasattr and getattr to look, the same to re-read: four computations of the weight), since
        a parametrization may change at each read (spectral_norm's power iteration in training)."""
        for name, held in zip(self._flat_weights_names, self._flat_weights):
            current = getattr(self, name) if hasattr(self, name) else None
            if current is not None and held is not None and current is not held:
                self._init_flat_weights()
                return

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

    def _weights_by_direction(self) -> list[DirectionWeights]:
        """The current parameters of every (layer, direction), layer-major, by role (`_group_weights`),
        kept while `_flat_weights` holds the same tensors: regrouping them cost ~1 us a direction on
        every forward. The check is by identity, so a reassigned weight is always seen; the grouping
        holds the tensors themselves, so an in-place change of one is seen too."""
        flat, kept = self._flat_weights, self.__dict__.get("_grouped")
        if kept is not None and kept[0] is flat and len(kept[1]) == len(flat) and all(map(operator.is_, kept[1], flat)):
            return kept[2]
        grouped = self._group_weights(flat)
        self.__dict__["_grouped"] = (flat, tuple(flat), grouped)  # (a plain cache in __dict__, as _roles)
        return grouped

    def _group_weights(self, flat: list) -> list[DirectionWeights]:
        start, result = 0, []
        for roles in self._direction_roles():
            given = flat[start:start + len(roles)]
            # (roles in the fields' own order, all but a bias-free projection: positional, 3x cheaper)
            in_order = roles == DirectionWeights._fields[:len(roles)]
            result.append(DirectionWeights(*given) if in_order else DirectionWeights(**dict(zip(roles, given))))
            start += len(roles)
        return result

    def _direction_roles(self) -> list[tuple[str, ...]]:
        """Each (layer, direction)'s weights in `_flat_weights` as DirectionWeights roles:
        'weight_ih_l0_reverse' -> 'w_ih', 'bias_hh_l1' -> 'b_hh'. Worked out from the names once
        and kept (the names never change), as the string work cost ~10 us on every forward."""
        roles = self.__dict__.get("_roles")
        if roles is None:  # (set in __dict__ directly: a plain cache, not a module attribute)
            roles = self.__dict__["_roles"] = [tuple(name[0] + "_" + name.split("_")[1] for name in names)
                                               for names in self._all_weights]
        return roles

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
    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple[Any, Any]:
        """`(output, h_n)` (LSTM: `(output, (h_n, c_n))`), a builtin tuple as in torch.

        input: `(L, N, H_in)`, `(N, L, H_in)` with batch_first, or unbatched `(L, H_in)`.
        hx: the initial state `(D*num_layers, N, H)` (unbatched: `(D*num_layers, H)`), zeros if None.
        A PackedSequence input gives a PackedSequence output (see `_forward_packed`).
        """
        if "parametrizations" in self._modules:  # a parametrized weight is computed anew at each read
            self._update_flat_weights()
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        dim = input.dim()
        if dim not in (2, 3):
            raise ValueError(self._rank_error.format(name=self._name_in_errors, dim=dim))
        batched = dim == 3
        state = None if hx is None else self._state_tuple(hx, batched)  # (None: zeros, made where needed)
        # Work seq-first and batched: (L, N, H_in).
        x = input if not batched or not self.batch_first else input.transpose(0, 1)
        x = x if batched else x.unsqueeze(1)
        self._check_forward(x, state)
        output, state = self._run_layers(x, state)  # state None: zeros, made only where needed
        if not batched:
            return output.squeeze(1), self._state_result(tuple(s.squeeze(1) for s in state))
        if self.batch_first:  # non-contiguous, as torch's
            output = self._to_batch_first(output)
        return output, self._state_result(state)

    _name_in_errors = "RNN"

    @staticmethod
    def _to_batch_first(output: Tensor) -> Tensor:
        """torch's RNN and GRU kernels turn a batch_first output round in place (transpose_: not a view,
        TransposeBackward1, version 1); its LSTM kernel (mkldnn) returns a transposed view."""
        return output.transpose_(0, 1)

    # ------------------------------------------------------------ torch's checks, for subclasses' forwards
    # forward checks with `_check_forward` (one pass, in torch's order); these are torch's public
    # helpers, which a subclass that writes its own forward calls.
    def check_input(self, input: Tensor, batch_sizes: Tensor | None) -> None:
        """input's dtype, rank (2 when packed, else 3) and feature size."""
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def _expected_state_size(self, input: Tensor, batch_sizes: Tensor | None, size: int) -> tuple[int, int, int]:
        batch = int(batch_sizes[0]) if batch_sizes is not None else input.size(0 if self.batch_first else 1)
        return self.num_layers * (2 if self.bidirectional else 1), batch, size

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple[int, int, int]:
        return self._expected_state_size(input, batch_sizes, self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes: Tensor | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Tensor, permutation: Tensor | None) -> Tensor:
        """hx with its batch (dim 1) in `permutation`'s order (a PackedSequence's sorted_indices)."""
        return hx if permutation is None else _select_batch(hx, permutation)

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
        self._check_forward(x, state, packed=True)
        output, state = self._run_layers(x, state, lengths_from_batch_sizes(steps))
        if unsorted_indices is not None:
            state = tuple(_select_batch(s, unsorted_indices) for s in state)
        # torch's packed path concatenates the steps' outputs: its data shows CatBackward0
        data = rename(padded_to_packed(output, steps), "CatBackward0")
        output = PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)
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

    def _check_forward(self, x: Tensor, state: tuple | None, packed: bool = False) -> None:
        """torch's checks, in torch's order, on seq-first batched x and the state tuple (None: zeros)."""
        weight = self._flat_weights[0]
        if x._data.dtype != weight._data.dtype:  # (the arrays' dtypes: Tensor.dtype is a lookup at each read)
            weight_dtype = weight.dtype
            raise ValueError(
                f"RNN input dtype ({x.dtype}) does not match weight dtype ({weight_dtype}). "
                f"Convert input: input.to({weight_dtype}), or convert model: model.to({x.dtype})"
            )
        shape = x._data.shape  # (read once: Tensor.shape builds a Size object at each read)
        if shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {shape[-1]}"
            )
        layers = self.num_layers * (2 if self.bidirectional else 1)
        state = () if state is None else state  # the default zero state is right by construction
        many = len(state) > 1  # LSTM says "hidden[0]", "hidden[1]"
        for k, (s, size) in enumerate(zip(state, self._state_sizes() if state else ())):
            expected = (layers, shape[1], size)
            if s._data.shape != expected:  # (the array's: see `shape` above)
                what = f"hidden[{k}] size" if many else "hidden size"
                raise RuntimeError(f"Expected {what} {expected}, got {list(s.shape)}")
        if shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        self._check_state_dtypes(x, state, packed)

    def _check_state_dtypes(self, x: Tensor, state: tuple, packed: bool) -> None:
        """A state of another dtype than the weights fails in the first step's matrix product."""
        weight = self._flat_weights[0]
        for s in state:
            if s._data.dtype != weight._data.dtype:  # (the arrays' dtypes: Tensor.dtype is a lookup at each read)
                weight_dtype = weight.dtype
                raise RuntimeError(
                    f"mat1 and mat2 must have the same dtype, but got {s.dtype._legacy} and {weight_dtype._legacy}"
                )

    def _run_layers(self, x: Tensor, state: tuple | None, lengths: np.ndarray | None = None) -> tuple:
        """All layers and directions: `(output (L, N, D*H), final state tuple of (D*NL, N, *))`.

        The one place that picks how: the variant's fused kernels, or its composed op-by-op path
        (`backends.composed_rnn()`). Both run the same math on the same arguments, dropout masks
        included (drawn here, so a seeded run gives the same numbers either way); state None
        starts from zeros.
        """
        return run_variant(self.mode, x, state, self._weights_by_direction(), self.num_layers,
                           2 if self.bidirectional else 1, self._dropout_masks(x, lengths), lengths)

    def _dropout_masks(self, x: Tensor, lengths: np.ndarray | None = None) -> tuple | None:
        """The dropout masks of layers 1.. (see `dropout_masks`); None when no dropout applies."""
        if not self.training or self.dropout == 0 or self.num_layers == 1:  # (dropout_masks' own test, a call fewer)
            return None
        width = self.proj_size if self.proj_size > 0 else self.hidden_size  # what each direction outputs
        return dropout_masks(self.dropout, self.num_layers, x, width * (2 if self.bidirectional else 1), lengths)


def run_variant(mode: str, x: Tensor, *args: Any) -> tuple:
    """Run the layers of the variant `mode` (a key of kernels.VARIANTS) on x: its fused kernels, or its
    composed op-by-op path (`backends.composed_rnn()`); `(output, final state tuple)`."""
    variant = VARIANTS[mode]
    if not backends.fused_rnn:
        return variant.composed(x, *args)
    output, state = variant.fused(x, *args)
    node = output.grad_fn
    # The fused node keeps its output array for backward (tanh' from h): an in-place change of the
    # output must not reach it (torch's output is a copy), unless the node saved the output, as
    # torch's LSTM node does: then such a change makes backward raise, as in torch.
    if node is not None and not node.saves_output:  # (every fused node is a SequenceFunction)
        output._data = output._data.copy()
    return output, state


def dropout_masks(p: float, num_layers: int, x: Tensor, width: int, lengths: np.ndarray | None = None) -> tuple | None:
    """The arrays that inverted dropout multiplies into the inputs of layers 1.. (each `width` wide),
    drawn now, in layer order, from the same stream as `dropout()` (so seeded runs match torch). None
    when no dropout applies.

    Packed input (`lengths` given, in packed order): torch draws each mask over the packed rows,
    `(sum(lengths), width)`, so it is drawn in that shape and spread into the padded layout; the
    padding steps get 0 (their inputs are never read)."""
    if p == 0 or num_layers == 1:
        return None
    shape = (x.shape[0], x.shape[1], width)
    dtype = x._data.dtype
    if p == 1:  # dropout() multiplies by 0.0 without drawing
        return (np.zeros(shape, dtype),) * (num_layers - 1)
    valid = None if lengths is None else StepLayout(shape[0], shape[1], lengths, reverse=False).running()[..., 0]
    drawn_shape = shape if valid is None else (int(valid.sum()), shape[2])

    def draw() -> np.ndarray:
        mask = bernoulli(Tensor._make(np.empty(drawn_shape, dtype)), 1 - p)._data / dtype.type(1 - p)
        if valid is None:
            return mask
        padded = np.zeros(shape, dtype)
        padded[valid] = mask  # boolean indexing walks time-major, the packed row order
        return padded

    return tuple(draw() for _ in range(num_layers - 1))


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

    _name_in_errors = "RNNCell"  # how torch's messages name the cell
    _state_count = 1  # state tensors: 1 (h), LSTMCell 2 (h, c)

    def _cell_state(self, input: Tensor, hx: Any) -> tuple[Tensor, tuple, bool]:
        """torch's rank checks, then `(x, state tuple, batched)`: unbatched input and state get a
        batch dim of 1, and hx None becomes a zero state."""
        name = self._name_in_errors
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and self._state_count == 1 and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        if hx is not None and self._state_count > 1:
            for index, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"{name}: Expected hx[{index}] to be 1D or 2D, got {value.dim()}D instead")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:  # (from an array: creation.zeros checks its arguments, ~3 us of a ~50 us step)
            zero = from_numpy(np.zeros((x._data.shape[0], int(self.hidden_size)), x._data.dtype))  # (int: True is 1)
            return x, (zero,) * self._state_count, batched
        if self._state_count == 1:
            return x, (hx if batched else hx.unsqueeze(0),), batched
        state = tuple(hx) if batched else (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        if isinstance(hx, Tensor):
            raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor")
        if len(state) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        return x, state, batched

    def _check_cell(self, x: Tensor, state: tuple) -> None:
        """torch's checks for a cell's batched input and states (its C++ kernel's wording). The
        arrays' shapes and dtypes are read: Tensor.shape builds a Size at each read, and a cell runs
        at every step of a loop."""
        shape = x._data.shape
        if shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {shape[1]} expected {self.input_size}")
        for k, s in enumerate(state):
            state_shape = s._data.shape
            if shape[0] != state_shape[0]:
                raise RuntimeError(f"Input batch size {shape[0]} doesn't match hidden{k} batch size {state_shape[0]}")
            if len(state_shape) < 2:  # a 1-D state with batched input: torch reads its size(1)
                raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
            if state_shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{k} has inconsistent hidden_size: got {state_shape[1]}, expected {self.hidden_size}")
        # The first product each operand meets decides torch's dtype error: x @ W_ih^T, then h @ W_hh^T
        # (c only meets elementwise ops, so a float64 c0 with float32 weights is promoted, as in torch).
        for operand in (x, state[0]):
            if operand._data.dtype != self.weight_ih._data.dtype:
                raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {operand.dtype._legacy} and "
                                   f"{self.weight_ih.dtype._legacy}")

    def _step(self, mode: str, x: Tensor, state: tuple) -> tuple:
        """One step of the variant `mode` (a key of kernels.VARIANTS) with this cell's weights."""
        weights = DirectionWeights(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        # (speed: under no_grad there is no graph to record, and the step below, op by op, spends most
        # of a small cell's time on Tensor bookkeeping; the same math on arrays gives the same bits)
        if mode in _STEPS_WITHOUT_GRAPH and _records_nothing(x, state, weights):
            return _step_without_graph(_STEPS_WITHOUT_GRAPH[mode], x, state, weights)
        variant = VARIANTS[mode]
        return variant.step(variant.project(x, weights), state, weights.for_steps())

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.__dict__.get("bias", True) is not True:
            text += f", bias={self.bias}"
        if self.__dict__.get("nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


def _records_nothing(x: Tensor, state: tuple, weights: DirectionWeights) -> bool:
    """Whether a cell's step would record no graph and see only plain tensors of one float dtype: under
    no_grad, without forward-mode AD (whose tangents ride along the ops)."""
    if modes.grad_enabled or modes.dual_level is not None:
        return False
    dtype = x._data.dtype
    if dtype.kind != "f" or dtype.itemsize < 4:
        return False
    tensors_alike = all(type(t) is Tensor and t._data.dtype is dtype for t in (x, *state))
    return tensors_alike and all(w is None or w._data.dtype is dtype for w in weights)


def _step_without_graph(step_arrays: Callable[..., tuple], x: Tensor, state: tuple, weights: DirectionWeights) -> tuple:
    """A cell's step on the arrays (kernels' `cell_step_arrays`): the same ops as the variant's `step`,
    so the same bits, without the bookkeeping of a dozen Tensor ops that would record nothing (most of
    a small step's time). numpy's float warnings are off, as Function.apply runs every op."""
    quiet = enter_all_quiet()
    try:
        projected = _affine_arrays(x._data, weights.w_ih, weights.b_ih)
        hidden = _affine_arrays(state[0]._data, weights.w_hh, weights.b_hh)
        out = step_arrays(projected, hidden, *(s._data for s in state))
    finally:
        leave_all_quiet(quiet)
    return tuple(Tensor._make(a) for a in out)


def _affine_arrays(x: np.ndarray, weight: Tensor, bias: Tensor | None) -> np.ndarray:
    """x W^T + b as the cells' addmm(b, x, W.t()) computes it (linalg.AddMm; x @ W.t() without bias)."""
    projected = product(x, weight._data.T)
    return projected if bias is None else np.add(projected, bias._data)


# The cells whose step runs on arrays when it records no graph (_step_without_graph)
_STEPS_WITHOUT_GRAPH = {"LSTM": lstm.cell_step_arrays, "GRU": gru.cell_step_arrays,
                        "RNN_TANH": rnn.tanh_cell_step_arrays, "RNN_RELU": rnn.relu_cell_step_arrays}
