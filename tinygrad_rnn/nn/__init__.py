"""torch.nn: modules, parameters, the RNN family, layers and losses."""
# Each block below belongs to one part of the package; add your imports inside your own block.

# --- module system: parameter.py, module.py, containers.py
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .module import Module
from .parameter import Parameter

# --- RNN family: rnn_base.py, rnn.py (RNN, RNNCell), lstm.py (LSTM, LSTMCell), gru.py (GRU, GRUCell)
from .rnn import RNN, RNNCell
from .rnn_base import RNNBase, RNNCellBase
from .gru import GRU, GRUCell
from .lstm import LSTM, LSTMCell

# --- layers and losses: layers.py, loss.py; submodules functional, init, utils
from . import functional, init, utils
from .layers import (
    ELU,
    GELU,
    SELU,
    BatchNorm1d,
    Dropout,
    Embedding,
    Flatten,
    Hardtanh,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSigmoid,
    LogSoftmax,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
    Unflatten,
)
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)

# --- nn breadth part B: attention.py, transformer.py, more layers and losses (issue 13)
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .attention import MultiheadAttention
from .bilinear import Bilinear
from .ctc import CTCLoss
from .distance import CosineSimilarity, PairwiseDistance
from .embedding_bag import EmbeddingBag
from .loss_ext import (
    CosineEmbeddingLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    PoissonNLLLoss,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from .transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

# --- nn breadth A: convolution, pooling, padding, normalisation, dropout variants, activations,
# upsampling, fold (conv.py, pooling.py, padding.py, normalization.py, dropout.py, activation.py,
# upsampling.py, fold.py)
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .padding import (
    CircularPad1d,
    CircularPad2d,
    CircularPad3d,
    ConstantPad1d,
    ConstantPad2d,
    ConstantPad3d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReflectionPad3d,
    ReplicationPad1d,
    ReplicationPad2d,
    ReplicationPad3d,
    ZeroPad1d,
    ZeroPad2d,
    ZeroPad3d,
)
from .pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    LPPool1d,
    LPPool2d,
    LPPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
)
from .activation import (
    CELU,
    GLU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Mish,
    PReLU,
    RReLU,
    Softshrink,
    Tanhshrink,
    Threshold,
)
from .normalization import (
    BatchNorm2d,
    BatchNorm3d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LocalResponseNorm,
    RMSNorm,
)
from .dropout import AlphaDropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .fold import Fold, Unfold
from .upsampling import PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
