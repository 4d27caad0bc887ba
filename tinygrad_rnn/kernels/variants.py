"""The gate table of the recurrent family: each variant's `Variant`, by torch's mode name.

`RNNBase(mode, ...)` looks its variant up here: the number of gates for its parameters' shapes,
and the step, composed and fused runners for its forward. A new variant is one file beside this
one (step math, fused kernel, `Variant`) and one line below.
"""
from __future__ import annotations

from . import gru, lstm, rnn
from .recurrence import Variant

VARIANTS: dict[str, Variant] = {"RNN_TANH": rnn.TANH, "RNN_RELU": rnn.RELU, "LSTM": lstm.LSTM, "GRU": gru.GRU}
