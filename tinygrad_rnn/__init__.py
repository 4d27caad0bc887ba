"""tinygrad_rnn: a small numpy autograd framework that mirrors PyTorch's API.

`import tinygrad_rnn as torch` runs PyTorch RNN code; see README.md.
"""
from . import autograd
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .device import device
from .dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from .legacy import BoolTensor, ByteTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor
from .methods import (
    allclose,
    clone,
    detach,
    eq,
    equal,
    expand_copy,
    ge,
    gt,
    is_tensor,
    isclose,
    le,
    lt,
    ne,
    numel,
    sign,
)
from .ops.linalg import bmm, matmul, mm
from .ops.pointwise import (
    abs,
    add,
    clamp,
    div,
    exp,
    log,
    masked_fill,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sqrt,
    sub,
    tanh,
    where,
)
from .ops.reduce import amax, amin, argmax, argmin, log_softmax, logsumexp, max, mean, min, softmax, sum, topk
from .ops.shape import (
    cat,
    chunk,
    concat,
    concatenate,
    flatten,
    gather,
    narrow,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    transpose,
    unbind,
    unsqueeze,
)
from .random import (
    Generator,
    bernoulli,
    default_generator,
    initial_seed,
    manual_seed,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
)
from .size import Size
from .tensor import Tensor

__version__ = "0.1.0"

clip = clamp
subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
swapaxes = swapdims = transpose

# Last, because the modules in nn build on everything above.
from . import nn
