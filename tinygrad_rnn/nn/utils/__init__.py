"""torch.nn.utils: helpers around modules; `rnn` holds PackedSequence and the padding functions,
`clip_grad` the gradient clipping, `convert_parameters` parameters <-> one vector."""
from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
