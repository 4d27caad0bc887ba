"""torch's whole-stack recurrent functions: `torch.lstm`, `torch.gru`, `torch.rnn_tanh`, `torch.rnn_relu`.

    output, h_n, c_n = torch.lstm(x, (h0, c0), lstm._flat_weights, True, num_layers, 0.0, False, False, False)

What nn.LSTM, nn.GRU and nn.RNN run, as functions of a flat list of weights (torch's `_VF` calls, used by
code that keeps its weights outside a module). Each (layer, direction) takes `w_ih, w_hh`, then
`b_ih, b_hh` when `has_biases`, then `w_hr` for an LSTM with projections (told by h0 and c0 having
different widths), layer-major, as `module._flat_weights` lists them. Two forms, as torch's:

    (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
    (data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)   # packed

They run the same layer loop as the modules (RNNBase's fused or composed path), with dropout masks
drawn as the modules draw them. torch checks little here; so do these: a parameter count that does
not fit, a missing LSTM state, mismatched dtypes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..argcheck import invalid_combination
from ..core.tensor import Tensor
from ..kernels.recurrence import DirectionWeights
from .rnn_base import dropout_masks, run_variant
from .utils.rnn import lengths_from_batch_sizes, packed_to_padded, padded_to_packed

_ROLES = ("w_ih", "w_hh", "b_ih", "b_hh", "w_hr")


def _overloads(state: str) -> tuple[str, str]:
    return (f"(Tensor data, Tensor batch_sizes, {state}, tuple of Tensors params, bool has_biases, int num_layers, "
            "float dropout, bool train, bool bidirectional)",
            f"(Tensor input, {state}, tuple of Tensors params, bool has_biases, int num_layers, float dropout, "
            "bool train, bool bidirectional, bool batch_first)")


def _parse(name: str, state: str, args: tuple) -> bool:
    """Whether args are the packed form, after torch's parser: that form has its params fourth, the other a bool."""
    packed = len(args) > 3 and isinstance(args[3], (list, tuple))
    hx = Tensor if state == "Tensor hx" else (list, tuple)
    kinds = ([Tensor, Tensor, hx, (list, tuple), bool, int, float, bool, bool] if packed else
             [Tensor, hx, (list, tuple), bool, int, float, bool, bool, bool])
    if len(args) != 9 or not all(_fits(a, k) for a, k in zip(args, kinds)):
        raise invalid_combination(name, args, _overloads(state))
    return packed


def _fits(value: Any, kind: Any) -> bool:
    """torch's parser: a bool is no int or float, an int is a float."""
    if kind in (int, float) and isinstance(value, bool):
        return False
    return isinstance(value, (int, float) if kind is float else kind)


def _run(mode: str, x: Tensor, state: tuple, params: Any, has_biases: bool, num_layers: int, dropout: float,
         train: bool, bidirectional: bool, lengths: np.ndarray | None = None) -> tuple:
    directions = 2 if bidirectional else 1
    projections = mode == "LSTM" and state[0].shape[-1] != state[1].shape[-1]
    roles = _ROLES[:2] + (_ROLES[2:4] if has_biases else ()) + (_ROLES[4:] if projections else ())
    if len(params) != len(roles) * num_layers * directions:
        raise RuntimeError("got an incorrect number of RNN parameters")
    if x.dim() != 3:
        raise NotImplementedError(f"torch.{mode.lower()}: a {x.dim()}-D input is not implemented; "
                                  "give (seq, batch, feature), as nn's modules pass it")
    if x.dtype is not params[0].dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {x.dtype._legacy} and "
                           f"{params[0].dtype._legacy}")
    weights = [DirectionWeights(**dict(zip(roles, params[k:k + len(roles)]))) for k in range(0, len(params), len(roles))]
    width = state[0].shape[-1] * directions  # what each layer outputs: h of both directions
    masks = dropout_masks(float(dropout), num_layers, x, width, lengths) if train else None
    return run_variant(mode, x, state, weights, num_layers, directions, masks, lengths)


def _call(mode: str, state: str, args: tuple, as_state: Any) -> tuple:
    if _parse(mode.lower(), state, args):
        data, batch_sizes, hx, *rest = args
        steps = batch_sizes._data
        lengths = lengths_from_batch_sizes(steps)
        output, final = _run(mode, packed_to_padded(data, steps, len(steps)), as_state(hx), *rest, lengths=lengths)
        return (padded_to_packed(output, steps), *final)
    input, hx, *rest, batch_first = args
    x = input.transpose(0, 1) if batch_first else input
    output, final = _run(mode, x, as_state(hx), *rest)
    if batch_first:  # torch's RNN and GRU turn the output round in place (transpose_), its LSTM returns a view
        output = output.transpose(0, 1) if mode == "LSTM" else output.transpose_(0, 1)
    return (output, *final)


def _lstm_state(hx: Any) -> tuple:
    if len(hx) != 2:
        raise RuntimeError("lstm expects two hidden states")
    return tuple(hx)


def lstm(*args: Any) -> tuple[Tensor, Tensor, Tensor]:
    """(output, h_n, c_n); hx is the pair (h_0, c_0)."""
    return _call("LSTM", "tuple of Tensors hx", args, _lstm_state)


def gru(*args: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n); hx is h_0."""
    return _call("GRU", "Tensor hx", args, lambda hx: (hx,))


def rnn_tanh(*args: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n) of an Elman RNN with tanh; hx is h_0."""
    return _call("RNN_TANH", "Tensor hx", args, lambda hx: (hx,))


def rnn_relu(*args: Any) -> tuple[Tensor, Tensor]:
    """(output, h_n) of an Elman RNN with relu; hx is h_0."""
    return _call("RNN_RELU", "Tensor hx", args, lambda hx: (hx,))
