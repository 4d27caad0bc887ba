"""`torch.ao.nn.quantized.dynamic.LSTM` and `.GRU` (print as DynamicQuantizedLSTM, DynamicQuantizedGRU): an LSTM
or GRU whose weights are stored as qint8 and whose inputs and hidden states are quantized at each call.
Inference only (no dropout, no gradient); the math is in rnn_math.py."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .....core import dtypes
from .....core.tensor import Tensor
from .....creation import from_numpy
from .....nn.containers import ModuleList
from .....nn.module import Module
from .....nn.parameter import Parameter
from .....nn.utils.rnn import PackedSequence
from .....serialization.torch_pickle import Global, NewObject, fresh
from ....no_autograd import without_autograd
from ....qdtypes import qint8
from .linear import quantize_weight
from .rnn_math import gru_step, lstm_step, quantized_rnn


class PackedParameter(Module):
    """One layer and direction's packed weights (torch: a ScriptObject under the state_dict key `param`)."""

    def __init__(self, param: Any) -> None:
        super().__init__()
        self.param = param

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        destination[prefix + "param"] = self.param


class PackedLinearWeight:
    """A quantized weight and its float bias, as torch's LinearPackedParamsBase (a ScriptObject)."""

    def __init__(self, weight: Any, bias: Tensor) -> None:
        self.weight, self.bias = weight, bias

    def __torch_pickle__(self) -> NewObject:
        return NewObject(Global("torch", "ScriptObject"),
                         ((self.weight, self.bias), fresh("__torch__.torch.classes.quantized.LinearPackedParamsBase")))


class CellParams:
    """One layer and direction's packed input and hidden weights, as torch's CellParamsBase (a ScriptObject)."""

    def __init__(self, packed_ih: PackedLinearWeight, packed_hh: PackedLinearWeight) -> None:
        self.packed_ih, self.packed_hh = packed_ih, packed_hh

    @property
    def values(self) -> tuple:
        """(w_ih, b_ih, w_hh, b_hh) for lstm_math: quantized weights, numpy float biases."""
        ih, hh = self.packed_ih, self.packed_hh
        return ih.weight, ih.bias.detach().numpy(), hh.weight, hh.bias.detach().numpy()

    def __torch_pickle__(self) -> NewObject:
        # torch's state: the kind, the biases, no doubles, reduce_range=1 among the longs, the packed weights
        state = (fresh("quantized_dynamic"), [self.packed_ih.bias, self.packed_hh.bias], [], [1],
                 [self.packed_ih, self.packed_hh])
        return NewObject(Global("torch", "ScriptObject"), (state, fresh("__torch__.torch.classes.rnn.CellParamsBase")))


def _cell_params(mod: Module, suffix: str) -> CellParams:
    """One layer and direction of the float LSTM or GRU mod (suffix `_l0`, `_l1_reverse`, ...), quantized."""
    def get(name: str) -> Tensor:
        return getattr(mod, name + suffix)

    def packed(kind: str) -> PackedLinearWeight:
        return PackedLinearWeight(quantize_weight(get(f"weight_{kind}")), Parameter(get(f"bias_{kind}").detach().clone()))

    return CellParams(packed("ih"), packed("hh"))


class RNNBase(Module):
    """What the dynamically quantized LSTM and GRU share: torch's arguments, repr and checks, and the packed
    weights of each layer and direction in `_all_weight_values` (state_dict keys `_all_weight_values.0.param`)."""

    _version = 2  # torch's, in the state_dict's metadata
    mode = ""
    op_name = ""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype: Any = qint8) -> None:
        super().__init__()
        if dtype is not qint8:
            raise NotImplementedError(f"{self._get_name()}: dtype={dtype} is not supported by tinygrad_rnn "
                                      "(only torch.qint8)")
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.dtype, self.version = bidirectional, dtype, 2
        self.training = False
        self._all_weight_values = ModuleList()

    @classmethod
    def from_float(cls, mod: Module, use_precomputed_fake_quant: bool = False) -> RNNBase:
        if not mod.bias:
            raise AssertionError("mod.bias must be True")
        if getattr(mod, "proj_size", 0):
            raise NotImplementedError(f"Dynamic{cls.__name__}: proj_size is not supported by tinygrad_rnn")
        qrnn = cls(mod.input_size, mod.hidden_size, mod.num_layers, mod.bias, mod.batch_first, mod.dropout,
                   mod.bidirectional)
        for layer in range(mod.num_layers):
            for suffix in ("", "_reverse") if mod.bidirectional else ("",):
                qrnn._all_weight_values.append(PackedParameter(_cell_params(mod, f"_l{layer}{suffix}")))
        return qrnn

    def _get_name(self) -> str:
        return f"DynamicQuantized{self.mode}"

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def __repr__(self) -> str:
        return f"{self._get_name()}({self.extra_repr()})"  # torch hides the packed weights' ModuleList

    def _run_checked(self, input: Tensor, hidden: tuple, messages: tuple, step: Any) -> tuple:
        """Check input and hidden as torch does, then run: (output, *final states)."""
        if isinstance(input, PackedSequence):
            raise NotImplementedError(f"{self._get_name()}: a PackedSequence input is not supported by tinygrad_rnn")
        if self.training and self.dropout > 0:
            raise NotImplementedError(f"{self._get_name()}: dropout in training mode is not supported by "
                                      "tinygrad_rnn")
        self._check_input(input)
        directions = 2 if self.bidirectional else 1
        batch = input.size(0) if self.batch_first else input.size(1)
        expected = (self.num_layers * directions, batch, self.hidden_size)
        if not hidden:
            initial = (np.zeros(expected, np.float32),) * len(messages)
        else:
            for t, msg in zip(hidden, messages):
                if tuple(t.size()) != expected:
                    raise RuntimeError(msg.format(expected, list(t.size())))
            initial = tuple(t.detach().numpy().astype(np.float32) for t in hidden)
        return without_autograd(self.op_name, lambda: self._run(input, initial, step, directions), input, *hidden)

    def _run(self, input: Tensor, initial: tuple, step: Any, directions: int) -> tuple:
        seq = input.detach().numpy()
        if self.batch_first:
            seq = seq.transpose(1, 0, 2)
        cells = [m.param.values for m in self._all_weight_values]
        out, finals = quantized_rnn(np.ascontiguousarray(seq), initial, cells, step, self.num_layers, directions)
        if self.batch_first:
            out = out.transpose(1, 0, 2)
        return (from_numpy(np.ascontiguousarray(out)),) + tuple(from_numpy(f) for f in finals)

    def _check_input(self, input: Tensor) -> None:
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")
        if input.dtype != dtypes.float32:
            raise NotImplementedError(f"{self._get_name()}: an input of dtype {input.dtype} is not supported by "
                                      "tinygrad_rnn (only torch.float32)")


class LSTM(RNNBase):
    """A dynamically quantized LSTM; build one with `LSTM.from_float(nn.LSTM)` or quantize_dynamic.
    forward(input, (h0, c0)=None) returns (output, (h_n, c_n))."""

    mode, op_name = "LSTM", "aten::quantized_lstm"

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        messages = ("Expected hidden[0] size {}, got {}", "Expected hidden[1] size {}, got {}")
        output, h, c = self._run_checked(input, () if hx is None else tuple(hx), messages, lstm_step)
        return output, (h, c)


class GRU(RNNBase):
    """A dynamically quantized GRU; build one with `GRU.from_float(nn.GRU)` or quantize_dynamic.
    forward(input, h0=None) returns (output, h_n)."""

    mode, op_name = "GRU", "aten::quantized_gru"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        output, h = self._run_checked(input, () if hx is None else (hx,), ("Expected hidden size {}, got {}",),
                                      gru_step)
        return output, h
