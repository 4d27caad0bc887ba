"""torch.nn.utils: helpers around modules; `rnn` holds PackedSequence and the padding functions,
`prune` zeroes out parts of parameters, `clip_grad` the gradient clipping, `convert_parameters`
parameters <-> one vector; `parametrize`, `parametrizations` and the older `weight_norm` /
`spectral_norm` hooks reparametrize weights; `fusion` folds an eval-mode BatchNorm into the layer
before it; `memory_format` puts convolutions' weights in a memory format; `stateless` is
functional_call's old home."""
from . import fusion, memory_format, parametrizations, parametrize, prune, rnn, stateless
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .init import skip_init
from .memory_format import convert_conv2d_weight_memory_format, convert_conv3d_weight_memory_format
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

# What `from tinygrad_rnn.nn.utils import *` gives, and what type checkers treat as exported
# (tests/test_types.py keeps it equal to the names defined or imported here).
__all__ = [
    "clip_grad",
    "clip_grad_norm",
    "clip_grad_norm_",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "convert_conv2d_weight_memory_format",
    "convert_conv3d_weight_memory_format",
    "convert_parameters",
    "fuse_conv_bn_eval",
    "fuse_conv_bn_weights",
    "fuse_linear_bn_eval",
    "fuse_linear_bn_weights",
    "fusion",
    "get_total_norm",
    "init",
    "memory_format",
    "parameters_to_vector",
    "parametrizations",
    "parametrize",
    "prune",
    "remove_spectral_norm",
    "remove_weight_norm",
    "rnn",
    "skip_init",
    "spectral_norm",
    "stateless",
    "vector_to_parameters",
    "weight_norm",
]
