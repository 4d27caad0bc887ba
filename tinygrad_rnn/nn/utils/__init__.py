"""torch.nn.utils: helpers around modules; `rnn` holds PackedSequence and the padding functions."""
from . import rnn
