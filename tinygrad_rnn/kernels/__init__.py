"""Fused whole-sequence kernels: one graph node per layer and direction (see sequence_function.py)."""
from .rnn import FusedRNN, fused_run_direction
from .sequence_function import SequenceFunction

__all__ = ["FusedRNN", "SequenceFunction", "fused_run_direction"]
