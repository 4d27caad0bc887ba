"""Fused whole-sequence kernels: one graph node per layer and direction, or for a whole nn.RNN stack
(see sequence_function.py)."""
from .rnn import FusedRNN, fused_run_direction
from .rnn_stack import FusedRNNStack
from .sequence_function import SequenceFunction

__all__ = ["FusedRNN", "FusedRNNStack", "SequenceFunction", "fused_run_direction"]
