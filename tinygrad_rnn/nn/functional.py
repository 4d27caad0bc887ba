"""torch.nn.functional: the stateless functions behind nn's layers.

The basics (linear, dropout, embedding, activations, normalisations, the losses of
loss_functions.py) live in functional_ext/basic.py; convolution, pooling, padding, attention and
the other families in their own modules. This module gathers them under torch's one namespace and
is imported by nothing inside nn (they import the module that defines what they need), so it can
import them all without an import cycle.
"""
# --- nn breadth part B (issue 13): attention and the losses of loss_ext.py / ctc.py
from .attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402, F401
from .bilinear import bilinear  # noqa: E402, F401
from .ctc import ctc_loss  # noqa: E402, F401
from .distance import pairwise_distance  # noqa: E402, F401
from .embedding_bag import embedding_bag  # noqa: E402, F401

# --- nn breadth A (convolution, pooling, padding, normalisation, dropout variants, activations,
# upsampling, fold): the functions live in functional_ext/. Its `pad` has all four modes and
# replaces the constant-only one above.
from .functional_ext import activation as _activation_ext  # noqa: E402
from .functional_ext import padding as _padding_ext  # noqa: E402
from .functional_ext.activation import (  # noqa: E402, F401
    celu,
    celu_,
    elu_,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh_,
    leaky_relu_,
    mish,
    prelu,
    relu_,
    rrelu,
    rrelu_,
    selu_,
    softshrink,
    tanhshrink,
    threshold_,
)
from .functional_ext.basic import *  # noqa: F403  (the basics, listed in basic.__all__)
from .functional_ext.basic import _affine, _apply, _check_dropout_p, _constant_pad, _float_kernel, _keep_mask  # noqa: F401  (used by older callers as F._x)
from .functional_ext.conv import (  # noqa: E402, F401
    conv1d,
    conv2d,
    conv3d,
    conv_tbc,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .functional_ext.dropout import alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout  # noqa: E402, F401
from .functional_ext.fold import fold, unfold  # noqa: E402, F401
from .functional_ext.fractional_pooling import (  # noqa: E402, F401
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .functional_ext.normalization import group_norm, instance_norm, local_response_norm, rms_norm  # noqa: E402, F401
from .functional_ext.pooling import (  # noqa: E402, F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from .functional_ext.upsampling import (  # noqa: E402, F401
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

# torch 2.13's linear head and cross_entropy in one call
from .linear_cross_entropy import linear_cross_entropy  # noqa: F401
from .loss_ext import (  # noqa: E402, F401
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)

pad = _padding_ext.pad  # noqa: F811
threshold = _activation_ext.threshold  # (imported by name, it would clash with softplus's argument)

# What `from tinygrad_rnn.nn.functional import *` gives, and what type checkers treat as exported
# (tests/test_types.py keeps it equal to the names defined or imported here).
# --- breadth: vectors and channels (normalize, pdist, gumbel_softmax, channel_shuffle)
from ..surface.tensor_first import FUNCTIONAL as _FUNCTIONAL  # noqa: E402
from ..surface.tensor_first import refuse_non_tensors as _refuse_non_tensors  # noqa: E402
from .functional_ext.grid import affine_grid, grid_sample  # noqa: E402
from .functional_ext.vectors import (  # noqa: E402
    channel_shuffle,
    gumbel_softmax,
    native_channel_shuffle,
    normalize,
    pdist,
)

_refuse_non_tensors(globals(), _FUNCTIONAL)  # F.hardshrink(array): torch's TypeError

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices",
    "affine_grid",
    "alpha_dropout",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "batch_norm",
    "bilinear",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "celu_",
    "channel_shuffle",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_tbc",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_embedding_loss",
    "cosine_similarity",
    "cross_entropy",
    "ctc_loss",
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "elu",
    "elu_",
    "embedding",
    "embedding_bag",
    "embedding_renorm_",
    "feature_alpha_dropout",
    "fold",
    "fractional_max_pool2d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
    "gaussian_nll_loss",
    "gelu",
    "glu",
    "grid_sample",
    "group_norm",
    "gumbel_softmax",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "hardtanh_",
    "hinge_embedding_loss",
    "huber_loss",
    "instance_norm",
    "interpolate",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "leaky_relu_",
    "linear",
    "linear_cross_entropy",
    "local_response_norm",
    "log_softmax",
    "logsigmoid",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "margin_ranking_loss",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool2d_with_indices",
    "max_pool3d",
    "max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "mish",
    "mse_loss",
    "multi_head_attention_forward",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
    "native_channel_shuffle",
    "nll_loss",
    "normalize",
    "one_hot",
    "pad",
    "pairwise_distance",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "poisson_nll_loss",
    "prelu",
    "relu",
    "relu6",
    "relu_",
    "rms_norm",
    "rrelu",
    "rrelu_",
    "scaled_dot_product_attention",
    "selu",
    "selu_",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "soft_margin_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
    "threshold_",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "unfold",
    "upsample",
    "upsample_bilinear",
    "upsample_nearest",
]
