"""torch.ao.nn.quantized.dynamic: the modules quantize_dynamic swaps in."""
from .linear import Linear
from .rnn import LSTM

__all__ = ["LSTM", "Linear"]
