"""tinygrad_rnn: a small numpy autograd framework that mirrors PyTorch's API.

`import tinygrad_rnn as torch` runs PyTorch RNN code; see README.md.
"""
from . import surface

surface.install()  # Tensor's torch-shaped methods and legacy constructor, onto the core class

from . import autograd, cuda, return_types  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .core import dtypes  # noqa: E402  (`tinygrad_rnn.dtypes` was a module here before; keep it reachable)
from .core.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .core.dtypes import (
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
from .core.size import Size
from .core.tensor import Tensor
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
from .device import device, get_default_device, set_default_device
from .ops.compare import eq, ge, gt, isfinite, isinf, isnan, le, logical_not, lt, ne
from .ops.linalg import addmm, bmm, einsum, ger, matmul, mm, outer
from .ops.pointwise import (
    abs,
    acos,
    add,
    asin,
    atan,
    ceil,
    clamp,
    clamp_max,
    clamp_min,
    cos,
    cosh,
    div,
    erf,
    exp,
    expm1,
    floor,
    lerp,
    log,
    log1p,
    log2,
    log10,
    masked_fill,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    reciprocal,
    relu,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    sub,
    tan,
    tanh,
    where,
)
from .ops.reduce import (
    amax,
    amin,
    argmax,
    argmin,
    argsort,
    cumprod,
    cumsum,
    kthvalue,
    log_softmax,
    logsumexp,
    max,
    mean,
    median,
    min,
    norm,
    prod,
    softmax,
    sort,
    std,
    sum,
    topk,
    var,
)
from .ops.shape import (
    cat,
    chunk,
    concat,
    concatenate,
    count_nonzero,
    diag,
    flatten,
    flip,
    gather,
    index_select,
    movedim,
    narrow,
    nonzero,
    permute,
    repeat_interleave,
    reshape,
    roll,
    scatter,
    select,
    split,
    squeeze,
    stack,
    t,
    tile,
    transpose,
    tril,
    triu,
    unbind,
    unflatten,
    unique,
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
from .surface.functions import (
    all,
    allclose,
    any,
    clone,
    detach,
    equal,
    expand_copy,
    is_tensor,
    isclose,
    numel,
    round,
)
from .surface.legacy import BoolTensor, ByteTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor

__version__ = "0.1.0"

from .surface.functions import accepts_out as _accepts_out  # noqa: E402

surface.ops.export(globals())  # torch.X for every declared op, with its aliases and out=
matmul, mm, bmm = (_accepts_out(f) for f in (matmul, mm, bmm))
swapaxes = swapdims = transpose

# Last, because the modules in nn build on everything above.
from . import distributions, func, nn, optim, safetensors, testing, utils, viz
from .serialization import load, save
from .threads import get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads
