"""torch's files of nn classes: which of torch/nn/modules/*.py defines each class that exists here.

nn/modules.py builds `torch.nn.modules.<file>` namespaces from it, and error messages name a layer's
type by torch's path (`torch.nn.modules.linear.Linear`), as torch's do.
"""
from __future__ import annotations

# torch's file -> the names it holds that exist here
TORCH_FILES: dict[str, list[str]] = {
    "module": ["Module"],
    "linear": ["Identity", "Linear", "LazyLinear", "Bilinear"],
    "rnn": ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"],
    "loss": ["_Loss", "_WeightedLoss", "L1Loss", "NLLLoss", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss",
             "MSELoss", "BCELoss", "BCEWithLogitsLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "SmoothL1Loss",
             "HuberLoss", "SoftMarginLoss", "CrossEntropyLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss",
             "MarginRankingLoss", "MultiMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss",
             "CTCLoss", "LinearCrossEntropyLoss", "NLLLoss2d"],
    "activation": ["Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU",
                   "Mish", "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU",
                   "LogSigmoid", "Softplus", "Softshrink", "MultiheadAttention", "PReLU", "Softsign", "Tanhshrink",
                   "Softmin", "Softmax", "Softmax2d", "LogSoftmax"],
    "container": ["Container", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"],
    "conv": ["_ConvNd", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
             "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
             "LazyConvTranspose3d"],
    "dropout": ["_DropoutNd", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                "FeatureAlphaDropout"],
    "normalization": ["LocalResponseNorm", "LayerNorm", "GroupNorm", "RMSNorm"],
    "batchnorm": ["_NormBase", "_BatchNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
                  "LazyBatchNorm3d", "SyncBatchNorm"],
    "instancenorm": ["_InstanceNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d",
                     "LazyInstanceNorm2d", "LazyInstanceNorm3d"],
    "sparse": ["Embedding", "EmbeddingBag"],
    "pooling": ["_MaxPoolNd", "_AvgPoolNd", "_AdaptiveMaxPoolNd", "_AdaptiveAvgPoolNd", "_LPPoolNd", "_MaxUnpoolNd",
                "AvgPool1d", "AvgPool2d", "AvgPool3d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "MaxUnpool1d",
                "MaxUnpool2d", "MaxUnpool3d", "LPPool1d", "LPPool2d", "LPPool3d", "AdaptiveMaxPool1d",
                "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
                "AdaptiveAvgPool3d", "FractionalMaxPool2d", "FractionalMaxPool3d"],
    "transformer": ["TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer", "TransformerDecoderLayer",
                    "Transformer", "_generate_square_subsequent_mask"],
    "padding": ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
                "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d",
                "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d"],
    "flatten": ["Flatten", "Unflatten"],
    "distance": ["PairwiseDistance", "CosineSimilarity"],
    "pixelshuffle": ["PixelShuffle", "PixelUnshuffle"],
    "upsampling": ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"],
    "channelshuffle": ["ChannelShuffle"],
    "fold": ["Fold", "Unfold"],
    "adaptive": ["AdaptiveLogSoftmaxWithLoss"],
}

# class name -> torch's dotted module path
TORCH_MODULE_OF = {name: f"torch.nn.modules.{file}" for file, names in TORCH_FILES.items() for name in names}
