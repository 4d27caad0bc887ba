"""Attention: `F.scaled_dot_product_attention`, `F.multi_head_attention_forward` and
`nn.MultiheadAttention`, the layer a Transformer is built from.

Attention lets every query position look at all key positions at once and take a weighted
average of their values:

    weights = softmax(q @ k^T / sqrt(head_dim) + mask)      # (..., L, S), rows sum to 1
    output  = weights @ v                                    # (..., L, head_dim)

Multi-head attention first projects query, key and value with learned matrices, splits the
embedding into `num_heads` slices of `head_dim`, runs the attention above on every slice, joins
the slices again and projects the result once more (`out_proj`).

Everything here is composed from Tensor ops, so gradients of every input and parameter come from
autograd. Two mask conventions meet in this file, as in torch:
- `scaled_dot_product_attention`: a bool mask says where attention is ALLOWED (True = keep);
- `MultiheadAttention`: a bool `attn_mask`/`key_padding_mask` says what to IGNORE (True = mask).
A float mask is added to the scores in both.

`sdpa_kernel(SDPBackend.MATH)` is torch.nn.attention's switch between attention kernels. There is one
kernel here (the composed one above, torch's "math" kernel), so the switch only decides, as torch's
CPU build does, whether a call may run at all. Where torch's CPU build would run its flash kernel
instead, the result shows it as torch's does: its node's name, and its memory laid out as the query's.
"""
from __future__ import annotations

import contextlib
import enum
import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import backends, creation
from ..argcheck import tensor_arg
from ..core import dtypes
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops.composite import composite
from ..ops.linalg import baddbmm
from ..ops.shape import cat
from . import init
from .functional_ext import basic as F
from .layers import Linear, _empty
from .module import Module
from .parameter import Parameter


# ------------------------------------------------------------------ scaled dot-product attention
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + bias) @ value over the last two dims (..., L, E) x (..., S, E).

    `attn_mask` is bool (True = may attend) or float (added to the scores); `is_causal` allows
    position i to see keys 0..i only. Both at once run only where torch's CPU build runs its flash
    kernel, which applies both; its math kernel refuses them. `scale` defaults to 1/sqrt(E). With `enable_gqa`, key and
    value may have fewer heads (dim -3) than query; each is shared by a group of query heads.
    Dropout (training-style, always on when dropout_p > 0) is applied to the weights.
    """
    for position, (name, given) in enumerate((("query", query), ("key", key), ("value", value)), 1):
        tensor_arg("scaled_dot_product_attention", name, given, position)
    _check_inputs(query, key, value, attn_mask)
    _check_a_kernel_may_run(query, key, value, dropout_p)
    flash = _cpu_flash_kernel_takes(query, key, value, attn_mask, dropout_p, enable_gqa)
    if is_causal and attn_mask is not None and not flash:  # torch's flash kernel applies both; its math kernel refuses
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    inputs = (query, key, value)
    if enable_gqa:
        key, value = _share_heads(query, key), _share_heads(query, value)
    length, source = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = query.matmul(key.transpose(-2, -1)) * scale
    if is_causal:
        allowed = creation.ones(length, source, dtype=dtypes.bool).tril()
        scores = scores.masked_fill(allowed.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == dtypes.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = _safe_softmax(scores)
    if dropout_p > 0.0:  # (a negative p is no dropout, as in torch's kernel)
        weights = F.dropout(weights, F.native_dropout_p(dropout_p))
    out = weights.matmul(value)
    if not flash:
        return out
    return composite(_laid_out_like(out, query), "ScaledDotProductFlashAttentionForCpuBackward0", *inputs)


def _cpu_flash_kernel_takes(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None, dropout_p: float,
                            enable_gqa: bool) -> bool:
    """Whether torch's CPU build would run its flash kernel (sdp_utils_cpp's use_flash_attention_cpp):
    enabled, no dropout, 4-d inputs of one batch size and head count (fewer key/value heads only with
    enable_gqa), one head size, no empty sequence, unit last stride, and a mask (if any) of 2 or 4 dims
    that broadcasts to (batch, heads, L, S) and does not require grad. Which kernel ran shows: in the
    output's node name and in its memory layout (the flash kernel's output is laid out as the query)."""
    if not backends.cuda.flash_sdp_enabled() or dropout_p > 0.0 or not query.dim() == key.dim() == value.dim() == 4:
        return False
    (batch, heads, length, size), (_, kv_heads, source, _) = query.shape, key.shape
    if any(t.shape[0] != batch for t in (key, value)) or value.shape[1] != kv_heads:
        return False
    if kv_heads != heads and not (enable_gqa and heads % kv_heads == 0):
        return False
    if key.shape[-1] != size or value.shape[-1] != size or 0 in (length, source, size):
        return False
    if any(t.stride(-1) != 1 for t in (query, key, value)):
        return False
    return attn_mask is None or _flash_mask_fits(attn_mask, batch, heads, length, source)


def _flash_mask_fits(mask: Tensor, batch: int, heads: int, length: int, source: int) -> bool:
    if mask.requires_grad or mask.shape[-2] not in (length, 1) or mask.shape[-1] not in (source, 1):
        return False
    return mask.dim() == 2 or mask.dim() == 4 and mask.shape[0] in (1, batch) and mask.shape[1] in (1, heads)


def _laid_out_like(out: Tensor, query: Tensor) -> Tensor:
    """`out` in the memory layout of torch's empty_like(query), where the flash kernel writes: a query made
    by `.view(B, L, H, D).transpose(1, 2)` gives an output whose transpose views back to (B, L, H * D).
    The elements are put in that order (permute, contiguous), then given exactly those strides."""
    strides = creation.like_strides(query)
    if strides == out.stride():
        return out
    order = sorted(range(query.dim()), key=lambda d: -strides[d])
    return out.permute(order).contiguous().as_strided(tuple(out.shape), strides)


class SDPBackend(enum.Enum):
    """The attention kernels torch can choose from (`torch.nn.attention.SDPBackend`)."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


_SWITCHES = {SDPBackend.MATH: "math", SDPBackend.FLASH_ATTENTION: "flash",
             SDPBackend.EFFICIENT_ATTENTION: "mem_efficient", SDPBackend.CUDNN_ATTENTION: "cudnn"}


@contextlib.contextmanager
def sdpa_kernel(backends_: list[SDPBackend] | SDPBackend, set_priority: bool = False) -> Iterator[dict]:
    """Within the block, scaled_dot_product_attention may use only the kernels named (the switches of
    torch.backends.cuda); they are restored on exit. `set_priority` (an order to try them in) changes
    nothing here. `as` gives an empty dict, as torch's."""
    chosen = [backends_] if isinstance(backends_, SDPBackend) else backends_
    if not isinstance(chosen, list) or not all(isinstance(b, SDPBackend) for b in chosen):
        raise AssertionError("Backend must be an instance of SDPBackend or a list of SDPBackend instances, "
                             f"got {type(backends_).__name__}")
    before = {kind: getattr(backends.cuda, f"{kind}_sdp_enabled")() for kind in _SWITCHES.values()}
    try:
        for backend, kind in _SWITCHES.items():
            getattr(backends.cuda, f"enable_{kind}_sdp")(backend in chosen)
        yield {}
    finally:
        for kind, enabled in before.items():
            getattr(backends.cuda, f"enable_{kind}_sdp")(enabled)


_NOT_FLASH = "Flash attention kernel not used because: (Triggered internally at {}.)"


def _check_a_kernel_may_run(query: Tensor, key: Tensor, value: Tensor, dropout_p: float) -> None:
    """torch's CPU build runs the math kernel or its flash kernel; with math switched off, the flash
    kernel takes 4-d inputs and no dropout, and says why it refused (its C++ warnings' text)."""
    if backends.cuda.math_sdp_enabled():
        return
    if not backends.cuda.flash_sdp_enabled():
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This is likely due to "
                           "turning off both the math kernel and the fused kernels.")
    where = "/__w/pytorch/pytorch/aten/src/ATen/native/transformers/sdp_utils_cpp"
    if dropout_p > 0.0:
        reason = "Both fused kernels do not support non-zero dropout. (Triggered internally at {}.)"
        line = f"{where}.h:241"
    elif not query.dim() == key.dim() == value.dim() == 4:
        reason = ("All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: "
                  f"{query.dim()}, Key dim: {key.dim()}, Value dim: {value.dim()} instead. (Triggered internally at {{}}.)")
        line = f"{where}.h:327"
    else:
        return
    warnings.warn(_NOT_FLASH.format(f"{where}.cpp:99"), UserWarning, stacklevel=3)
    warnings.warn(reason.format(line), UserWarning, stacklevel=3)
    raise RuntimeError("No available kernel.  Aborting execution.")


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last dim, but 0 (not NaN) in rows where every score is -inf, as torch's
    scaled_dot_product_attention gives: a query that may attend nowhere outputs zeros. Those
    rows are softmaxed as zeros first, so no NaN reaches the gradient either."""
    dead_rows = np.isneginf(scores.detach().numpy()).all(axis=-1, keepdims=True)
    if not dead_rows.any():
        return scores.softmax(-1)
    dead = from_numpy(dead_rows)  # (a mask of one column: masked_fill broadcasts it along the row)
    return scores.masked_fill(dead, 0.0).softmax(-1).masked_fill(dead, 0.0)


def _check_inputs(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None) -> None:
    """torch's checks before it picks a kernel: query, key and value of one dtype and at least 2-d, and a mask
    that is bool or of the query's dtype (an integer 0/1 mask, or a float64 one beside float32 queries, is refused)."""
    if not query.dtype == key.dtype == value.dtype:
        names = [_cpp_dtype_name(t.dtype) for t in (query, key, value)]
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{names[0]} key.dtype: {names[1]} and value.dtype: {names[2]} instead.")
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError("Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")  # (torch's two spaces)
    if attn_mask is not None and attn_mask.dtype not in (dtypes.bool, query.dtype):
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {_cpp_dtype_name(attn_mask.dtype)} and  query.dtype: "
                           f"{_cpp_dtype_name(query.dtype)} instead.")  # (two spaces: torch's text)


# the C++ type names torch's messages print (typeid's, demangled)
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _cpp_dtype_name(dtype: Any) -> str:
    """The dtype as torch's C++ messages spell it: float, double, c10::Half, long int, ..."""
    return _CPP_NAMES.get(dtype.name, dtype._legacy.lower())


def _share_heads(query: Tensor, kv: Tensor) -> Tensor:
    """Repeat each key/value head so that a group of query heads shares it (grouped-query attention)."""
    if query.ndim < 3 or kv.ndim < 3 or query.shape[-3] % kv.shape[-3] != 0:
        # torch's message, cut off after "in " as torch 2.13 prints it
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return kv.repeat_interleave(query.shape[-3] // kv.shape[-3], dim=-3)


# ------------------------------------------------------------------ masks and shapes, as torch checks them
def _canonical_mask(mask: Tensor | None, mask_name: str, other_type: Any, other_name: str, target_type: Any,
                    check_other: bool = True) -> Tensor | None:
    """A bool mask becomes a float mask of `target_type` (-inf where True, 0 elsewhere); a float
    mask is returned as it is. Other dtypes are refused."""
    if mask is None:
        return None
    is_float = mask.dtype.is_floating_point
    if mask.dtype != dtypes.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=2)
    if is_float:
        return mask
    return creation.zeros(*mask.shape, dtype=target_type).masked_fill(mask, float("-inf"))


def _none_or_dtype(input: Tensor | None) -> Any:
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    """True for batched (3-D) input, False for unbatched (2-D); torch's errors for anything else."""
    if query.dim() not in (2, 3):
        raise AssertionError(
            f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor")
    batched = query.dim() == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.dim()}-D"
                             f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.dim() - 1}-D but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                                 f" but found {attn_mask.dim()}-D tensor instead")
        if not batched and attn_mask.dim() == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched


# ------------------------------------------------------------------ the input projections
def _in_projection_packed(q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor | None) -> tuple:
    """Project q, k, v with the three (E, E) blocks of the packed (3E, E) weight, in that order."""
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def _in_projection(q: Tensor, k: Tensor, v: Tensor, w_q: Tensor, w_k: Tensor, w_v: Tensor,
                   b_q: Tensor | None, b_k: Tensor | None, b_v: Tensor | None) -> tuple:
    """Project q, k, v with separate weights (used when key or value have their own sizes kdim, vdim)."""
    e_q, e_k, e_v = q.shape[-1], k.shape[-1], v.shape[-1]
    for name, w, expected in (("query", w_q, (e_q, e_q)), ("key", w_k, (e_q, e_k)), ("value", w_v, (e_q, e_v))):
        if tuple(w.shape) != expected:
            raise AssertionError(f"expecting {name} weights shape of {expected}, but got {w.shape}")
    for name, b in (("query", b_q), ("key", b_k), ("value", b_v)):
        if b is not None and tuple(b.shape) != (e_q,):
            raise AssertionError(f"expecting {name} bias shape of {(e_q,)}, but got {b.shape}")
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def _check_attn_mask_shape(attn_mask: Tensor, tgt_len: int, src_len: int, heads_times_batch: int) -> Tensor:
    """The float attn_mask as (1 or N*heads, L, S)."""
    if attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                               f"{(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if tuple(attn_mask.shape) != (heads_times_batch, tgt_len, src_len):
        raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                           f"{(heads_times_batch, tgt_len, src_len)}.")
    return attn_mask


# ------------------------------------------------------------------ the functional multi-head attention
def multi_head_attention_forward(
    query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None, bias_v: Tensor | None,
    add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
    training: bool = True, key_padding_mask: Tensor | None = None, need_weights: bool = True,
    attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
    static_v: Tensor | None = None, average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on sequence-first input (L, N, E) (or unbatched (L, E)).

    Returns (output (L, N, E), weights): weights are (N, L, S) averaged over heads, or
    (N, num_heads, L, S) with average_attn_weights=False, or None when need_weights=False.
    """
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:  # work on a batch of one
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    # is_causal is only a hint that attn_mask is the causal mask: the mask itself is what is applied.
    attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    q, k, v = _project(query, key, value, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                       q_proj_weight, k_proj_weight, v_proj_weight)
    if attn_mask is not None:
        attn_mask = _check_attn_mask_shape(attn_mask, tgt_len, src_len, bsz * num_heads)
    k, v, attn_mask, key_padding_mask = _append_bias_kv(k, v, bias_k, bias_v, static_k, static_v, bsz,
                                                        attn_mask, key_padding_mask)
    # split the embedding into heads: (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, "k", bsz, num_heads, head_dim)
    v = _heads(v, static_v, "v", bsz, num_heads, head_dim)
    if add_zero_attn:  # one extra key/value position of zeros that every query can attend to
        k, v = _append_zero(k), _append_zero(v)
        attn_mask = None if attn_mask is None else F.pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else F.pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    attn_mask = _merge_padding_mask(attn_mask, key_padding_mask, bsz, num_heads, src_len)
    weights = _attention_weights(q, k, attn_mask, dropout_p if training else 0.0, need_weights)
    out = weights.bmm(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, out_proj_weight.shape[0])
    if not batched:
        out = out.squeeze(1)
    if not need_weights:
        return out, None
    weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(dim=1)
    if not batched:
        weights = weights.squeeze(0)
    return out, weights


def _append_zero(x: Tensor) -> Tensor:
    """(N * heads, S, head_dim) -> (N * heads, S + 1, head_dim), the new position all zeros."""
    return cat([x, creation.zeros(x.shape[0], 1, x.shape[2], dtype=x.dtype)], dim=1)


def _attention_weights(q: Tensor, k: Tensor, attn_mask: Tensor | None, dropout_p: float,
                       need_weights: bool) -> Tensor:
    """softmax(q k^T / sqrt(head_dim) + mask), then dropout: (N * heads, L, S).

    torch returns weights from a plain softmax (NaN for a query whose keys are all masked), while
    without weights it runs scaled_dot_product_attention, which gives such a query zeros."""
    q = q * math.sqrt(1.0 / float(q.shape[-1]))
    if attn_mask is None:
        scores = q.bmm(k.transpose(-2, -1))
    elif need_weights:  # torch's baddbmm, whose dtype check refuses a float64 mask beside float32 queries
        scores = baddbmm(attn_mask, q, k.transpose(-2, -1))
    else:
        _check_inputs(q, k, k, attn_mask)  # torch runs scaled_dot_product_attention here
        scores = q.bmm(k.transpose(-2, -1)) + attn_mask
    weights = scores.softmax(-1) if need_weights else _safe_softmax(scores)
    return F.dropout(weights, p=dropout_p) if dropout_p > 0.0 else weights


def _project(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
             separate: bool, q_proj_weight: Tensor | None, k_proj_weight: Tensor | None,
             v_proj_weight: Tensor | None) -> tuple:
    if separate:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        return _in_projection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, *biases)
    if tuple(key.shape) != tuple(value.shape):
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    if in_proj_weight is None:
        raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    return _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)


def _append_bias_kv(k: Tensor, v: Tensor, bias_k: Tensor | None, bias_v: Tensor | None, static_k: Tensor | None,
                    static_v: Tensor | None, bsz: int, attn_mask: Tensor | None,
                    key_padding_mask: Tensor | None) -> tuple:
    """With add_bias_kv, one learned key/value position is appended to every sequence."""
    if bias_k is None or bias_v is None:
        if bias_k is not None:
            raise AssertionError("bias_k is set but bias_v is None")
        if bias_v is not None:
            raise AssertionError("bias_v is set but bias_k is None")
        return k, v, attn_mask, key_padding_mask
    if static_k is not None:
        raise AssertionError("bias cannot be added to static key.")
    if static_v is not None:
        raise AssertionError("bias cannot be added to static value.")
    k = cat([k, bias_k.repeat(1, bsz, 1)])
    v = cat([v, bias_v.repeat(1, bsz, 1)])
    attn_mask = None if attn_mask is None else F.pad(attn_mask, (0, 1))
    key_padding_mask = None if key_padding_mask is None else F.pad(key_padding_mask, (0, 1))
    return k, v, attn_mask, key_padding_mask


def _heads(x: Tensor, static: Tensor | None, name: str, bsz: int, num_heads: int, head_dim: int) -> Tensor:
    """(S, N, E) -> (N * heads, S, head_dim), or the given static key/value (already in that layout)."""
    if static is None:
        return x.reshape(x.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if static.shape[0] != bsz * num_heads:
        raise AssertionError(f"expecting static_{name}.size(0) of {bsz * num_heads}, but got {static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting static_{name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static


def _merge_padding_mask(attn_mask: Tensor | None, key_padding_mask: Tensor | None, bsz: int, num_heads: int,
                        src_len: int) -> Tensor | None:
    """Add the (N, S) padding mask, repeated for every head and query, to the attention mask."""
    if key_padding_mask is None:
        return attn_mask
    if key_padding_mask.shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
    if key_padding_mask.shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                             f"{key_padding_mask.shape[1]}")
    padding = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
    padding = padding.reshape(bsz * num_heads, 1, src_len)
    return padding if attn_mask is None else attn_mask + padding


# ------------------------------------------------------------------ the modules
class NonDynamicallyQuantizableLinear(Linear):
    """A plain Linear under the name torch gives MultiheadAttention's `out_proj` (it shows in repr)."""


class MultiheadAttention(Module):
    """Multi-head attention with torch's parameters: `in_proj_weight` (3E, E) packing the query,
    key and value projections (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim or
    vdim differ from embed_dim), `in_proj_bias` (3E,), `out_proj` (a Linear E -> E) and, with
    add_bias_kv, `bias_k`/`bias_v` (1, 1, E).

    Initialisation draws in torch's order (out_proj's Linear init, then xavier_uniform_ of the
    input projections, then xavier_normal_ of bias_k and bias_v), so after the same manual_seed
    the parameters equal torch's.

        mha = nn.MultiheadAttention(16, 4, batch_first=True)
        out, weights = mha(x, x, x)       # x: (N, L, 16); weights: (N, L, L)
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(_empty((3 * embed_dim, embed_dim), device, dtype))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = Parameter(_empty((embed_dim, embed_dim), device, dtype))
            self.k_proj_weight = Parameter(_empty((embed_dim, self.kdim), device, dtype))
            self.v_proj_weight = Parameter(_empty((embed_dim, self.vdim), device, dtype))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_empty((3 * embed_dim,), device, dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(_empty((1, 1, embed_dim), device, dtype))
            self.bias_v = Parameter(_empty((1, 1, embed_dim), device, dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """(output, weights) for query (N, L, E) with batch_first, else (L, N, E), or unbatched (L, E)."""
        batched = query.dim() == 3
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                           "attn_mask", query.dtype)
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if self.batch_first and batched:  # the functional form is sequence-first
            query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = {} if self._qkv_same_embed_dim else dict(
            use_separate_proj_weight=True, q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight)
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal, **separate)
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights

    def merge_masks(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                    query: Tensor) -> tuple[Tensor | None, int | None]:
        """One (N, heads, L, L) mask from the (already float) masks of a batch-first self-attention
        call, and its kind: 1 padding only, 2 attention mask (plus padding), None without masks.
        torch's inference fast path uses it; it is kept for code that calls it."""
        if attn_mask is None:
            return key_padding_mask, None if key_padding_mask is None else 1
        batch_size, seq_len, _ = query.shape
        if attn_mask.dim() == 3:
            merged = attn_mask.reshape(batch_size, -1, seq_len, seq_len)
        else:
            merged = attn_mask.reshape(1, 1, seq_len, seq_len).expand(batch_size, self.num_heads, -1, -1)
        if key_padding_mask is not None:
            merged = merged + key_padding_mask.reshape(batch_size, 1, 1, seq_len).expand(-1, self.num_heads, -1, -1)
        return merged, 2
