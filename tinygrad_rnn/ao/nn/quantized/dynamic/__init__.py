"""torch.ao.nn.quantized.dynamic: the modules quantize_dynamic swaps in."""
from .linear import Linear
from .rnn import GRU, LSTM

__all__ = ["GRU", "LSTM", "Linear"]
