"""The losses of torch.nn.functional: cross_entropy, nll_loss, mse_loss, l1_loss, the BCE pair, ...

Each is written with Tensor ops (gather, log_softmax, sums), so the gradient and the gradient of
the gradient follow. The last node of each loss is renamed to the node torch shows
(`grad_fn=<BinaryCrossEntropyBackward0>`, ...), since printed losses show it; mse_loss and nll_loss
(of a (C,) or (N, C) input) are one node each, as torch's, so `loss.grad_fn.next_functions` leads
straight to their input (the 60 Minute Blitz prints that chain). The care goes into matching torch
where it is easy to get wrong: which target layouts are accepted and with which error, how
`reduction='mean'` normalises when there are class weights or ignored targets, and staying finite
at extreme logits.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..argcheck import float_arg, int_arg, tensor_arg, type_name
from ..core import dtypes
from ..core.forward_mode import given
from ..core.function import Function, rename
from ..core.grad_mode import is_grad_enabled
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops import nn_ops
from ..ops import pointwise as _pw
from ..ops import reduce as _rd
from ..ops.composite import composite
from ..ops.pointwise_more import xlogy
from ..ops.promotion import cast_operand, check_broadcast, result_type
from ..ops.shape import broadcast_tensors, gather_along


# ------------------------------------------------------------------ reduction
def legacy_reduction(size_average: Any, reduce: Any) -> str:
    """The `reduction` meant by the deprecated size_average/reduce pair (None means True), with torch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
        stacklevel=4,
    )
    return reduction


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction to use: the legacy pair, when given, overrides `reduction`."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _check_target_shape(input: Tensor, target: Tensor) -> None:
    """A target shape other than the input's warns, then must broadcast (checked before the reduction, as torch)."""
    if target.size() != input.size():  # size(), as torch: a non-tensor names the method it lacks
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )
        check_broadcast(input, target)


def _weighted_mean(loss: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    """torch's regression losses with `weight`: the mean divides by the sum of the weights."""
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != loss.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    return loss.sum() / weight.sum() if reduction == "mean" else _reduce(loss, reduction)


# ------------------------------------------------------------------ regression losses
def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """mean((input - target)^2); a target shape that differs from the input's warns, then broadcasts."""
    _check_target_shape(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    diff = _regression_diff(input, target, "mse_cpu")
    if weight is not None:
        return _weighted_mean(diff * diff, weight, reduction)
    common = diff.dtype  # torch's functional broadcasts first, then runs one MseLossBackward0 node
    input, target = broadcast_tensors(cast_operand(input, common), cast_operand(target, common))  # (cast inside)
    return nn_ops.MseLoss.apply(input, target, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """mean(|input - target|); the gradient at a zero difference is 0, as in torch."""
    _check_target_shape(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    diff = _difference(input, target)  # torch takes integer differences here; only their mean has no dtype
    if reduction == "mean" and not diff.dtype.is_floating_point:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {diff.dtype._legacy}")
    return _weighted_mean(diff.abs(), weight, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (beta = 0 is the L1 loss)."""
    _check_target_shape(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    beta = float_arg("smooth_l1_loss", "beta", beta, 4)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = _regression_diff(input, target, "smooth_l1_cpu")
    if beta == 0.0:  # torch runs l1_loss then, and shows its nodes
        return _reduce(d.abs(), reduction)
    small = ~(d.abs() >= beta)  # NaN counts as small: its gradient d / beta is NaN, as torch's
    dq = _pw.where(small, d, 0.0)  # the square only where it is used: inf*0 in its unused gradient is NaN
    loss = _reduce(_pw.where(small, 0.5 * dq * dq / beta, d.abs() - 0.5 * beta), reduction)
    return composite(loss, "SmoothL1LossBackward0", input, target)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere."""
    _check_target_shape(input, target)
    reduction = _reduction(None, None, reduction)
    delta = float_arg("huber_loss", "delta", delta, 4)
    if not delta > 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = _regression_diff(input, target, "huber_cpu")
    if not input.dtype.is_floating_point:  # torch writes huber's loss in the input's dtype
        raise RuntimeError(f"result type {d.dtype._legacy} can't be cast to the desired output type "
                           f"{input.dtype._legacy}")
    d = d if d.dtype is input.dtype else d.to(input.dtype)
    small = ~(d.abs() > delta)  # NaN counts as small, as in smooth_l1_loss
    dq = _pw.where(small, d, 0.0)  # as in smooth_l1_loss: no inf*0 from the unused branch
    loss = _pw.where(small, 0.5 * dq * dq, delta * (d.abs() - 0.5 * delta))
    if weight is not None:  # huber's weighted mean is a plain mean (unlike mse and l1)
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _reduce(loss * weight, reduction)
    return composite(_reduce(loss, reduction), "HuberLossBackward0", input, target)


def _difference(input: Tensor, target: Tensor) -> Tensor:
    """input - target as torch's regression losses take it: after broadcasting the two to one shape, so a
    0-d operand counts for the dtype as much as any other (float32 input, float64 0-d target: float64)."""
    common = dtypes.promote_types(input.dtype, target.dtype)
    return cast_operand(input, common) - cast_operand(target, common)  # (cast inside the kernel: no node)


def _regression_diff(input: Tensor, target: Tensor, kernel: str) -> Tensor:
    diff = _difference(input, target)
    if not diff.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{diff.dtype._legacy}\'')
    return diff


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """sum target * (log target - input), with `input` given as log-probabilities. 'batchmean' sums, then divides
    by the batch size (after size_average/reduce too, as torch does)."""
    legacy = size_average is not None or reduce is not None
    if not legacy and reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    # torch reads the reduction (and warns of the legacy pair, once) before it looks at the dtypes
    reduced_as = _reduction(size_average, reduce, "sum" if reduction == "batchmean" and not legacy else reduction)
    tensor_arg("kl_div", "input", input, 1)
    tensor_arg("kl_div", "target", target, 2)  # after the warning: torch's native op checks the arguments
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = target.exp() * (target - input)
    else:  # xlogy: 0 log 0 = 0 (a negative target's log stays NaN), and torch's gradient (NaN at 0: 0 / 0)
        loss = xlogy(target, target) - target * input
    out = _reduce(loss, reduced_as)
    return out / input.shape[0] if reduction == "batchmean" and input.ndim else out


# ------------------------------------------------------------------ binary cross-entropy
def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """-[t log p + (1 - t) log(1 - p)] for probabilities p; each log is clamped at -100, so p = 0
    or 1 gives a large finite loss, not inf."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # size(), as torch: a non-tensor names the method it lacks
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size."
        )
    if weight is not None:
        weight = _broadcast_weight(weight, target.shape)
        refuse_gradient_of("binary_cross_entropy", "weight", weight)
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {target.dtype._legacy} but expected {input.dtype._legacy}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for \'{input.dtype._legacy}\'')
    p = input.detach().numpy()
    if not np.all((p >= 0) & (p <= 1)):  # NaN fails both comparisons, as in torch
        raise RuntimeError("all elements of input should be between 0 and 1")
    t = target._data
    if not np.all((t >= 0) & (t <= 1)):
        raise RuntimeError("all elements of target should be between 0 and 1")
    return nn_ops.BinaryCrossEntropy.apply(input, target, weight, reduction)


def _broadcast_weight(weight: Tensor, shape: tuple) -> Tensor:
    try:
        np.broadcast_shapes(weight.shape, shape)
    except ValueError:
        bad = next(-i for i in range(1, weight.ndim + 1)
                   if i > len(shape) or weight.shape[-i] not in (1, shape[-i]))
        raise RuntimeError(
            f"Attempting to broadcast a dimension of length {weight.shape[bad]} at {bad}! Mismatching argument "
            f"at index 1 had {weight.shape}; but expected shape should be broadcastable to {list(shape)}"
        ) from None
    return weight.expand(shape)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """BCE of sigmoid(input), computed from the logits with log_sigmoid: finite at any logit.

    loss = (1 - t) x - log_sigmoid(x) * (1 + (pos_weight - 1) t), which is torch's formula.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.size() != input.size():  # size(), as torch: a non-tensor names the method it lacks
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{input.dtype._legacy}\'')
    if target.dtype is dtypes.bool:  # torch's first step is (1 - target), which refuses a bool target
        _pw.sub(True, target)
    if not target.dtype.is_floating_point:
        result = result_type(target, input)
        raise RuntimeError(f"result type {result._legacy} can't be cast to the desired output type {target.dtype._legacy}")
    refuse_gradient_of("binary_cross_entropy_with_logits", "weight", weight)
    refuse_gradient_of("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    if weight is None and pos_weight is None and target.dtype is input.dtype:  # the usual call: one node, as torch's
        return BceWithLogits.apply(input, target, reduction)
    # torch builds the loss with in-place ops: the pos_weight factor is multiplied into log_sigmoid(input),
    # the rest into (1 - target), and the weight into that. Each product must keep the shape and dtype of
    # the tensor it is written into, so a weight that broadcasts the loss up is refused and a float64 weight
    # or input leaves a float32 target's loss float32.
    log_sig = nn_ops.LogSigmoid.apply(input)
    if pos_weight is not None:
        log_sig = _written_into(log_sig, log_sig * ((pos_weight - 1) * target + 1))
    loss = _written_into(target, (1 - target) * input - log_sig)
    loss = _reduce(loss if weight is None else _written_into(loss, loss * weight), reduction)
    return composite(loss, "BinaryCrossEntropyWithLogitsBackward0", input, target)


def _written_into(out: Tensor, result: Tensor) -> Tensor:
    """`result` as an in-place op writes it into `out`: out's dtype, and only if it has out's shape."""
    if result.shape != out.shape:
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    return result if result.dtype is out.dtype else result.to(out.dtype)


class BceWithLogits(Function):
    """binary_cross_entropy_with_logits without weights as one node, whose edges are input and target
    as torch's. Forward runs the ops of the general path; backward is torch's formula."""

    torch_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        return _reduce((1 - target) * input - nn_ops.LogSigmoid.apply(input), reduction)

    @staticmethod
    def backward(ctx, g):  # d/dx = sigmoid(x) - t, d/dt = -x; the mean divides by numel last, as torch
        x, t = ctx.saved_tensors
        n = float(max(x.numel(), 1)) if ctx.reduction == "mean" else 1.0
        gx = (x.sigmoid() - t) * g / n if ctx.needs_input_grad[0] else None
        gt = -x * g / n if ctx.needs_input_grad[1] else None
        return gx, gt, None

    @staticmethod
    def jvp(ctx, tx, tt, t_reduction):
        x, t = ctx.saved_tensors
        change = (x.sigmoid() - t) * tx - x * tt if given(tt) else (x.sigmoid() - t) * tx
        return _reduce(change, ctx.reduction)


# ------------------------------------------------------------------ classification
def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices: -input[n, target[n]], class dim 1.

    Accepts (C,) with a 0-d target, (N, C) with (N,), and (N, C, d1, ...) with (N, d1, ...).
    Targets equal to ignore_index contribute nothing; with reduction='mean' the sum is divided
    by the total weight of the counted targets (their count when there is no weight).
    """
    for position, (name, value) in enumerate((("input", input), ("target", target)), 1):
        tensor_arg("nll_loss_nd", name, value, position)
    reduction = _reduction(size_average, reduce, reduction)
    ignore_index = int_arg("nll_loss_nd", "ignore_index", ignore_index, 5)  # (ignore_index=1.0 is refused)
    refuse_gradient_of("nll_loss_forward" if input.ndim <= 2 else "nll_loss2d_forward", "weight", weight)
    rows, labels, out_shape = _class_rows(input, target, weight, ignore_index)
    if input.ndim <= 2:  # the classifier's case: one node, whose next_functions lead to the input as torch's
        return NllLoss.apply(input, labels, weight, ignore_index, reduction)
    picked, coef = _pick_targets(rows, labels, weight, ignore_index, reduction)
    if reduction == "none":
        loss = _unpicked_as_zero(-(picked * coef), labels != ignore_index).reshape(out_shape)
        # torch views a 3-D or 5-D+ input as 4-D for its 2-D kernel and views the result back
        return loss if input.ndim != 4 else composite(loss, "NllLoss2DBackward0", input)
    loss = 0.0 - (picked * coef).sum()  # torch subtracts from 0: +0.0 (not -0.0) when every target is ignored
    if reduction == "mean" and not np.any(labels != ignore_index):
        loss = loss + float("nan")  # 0/0 as in torch: the loss is NaN, the gradient stays 0
    if input.ndim != 4:  # torch's 2-D kernel reads a 3-D or 5-D+ input through a view: its node links to that
        return rename(loss, "NllLoss2DBackward0")
    return composite(loss, "NllLoss2DBackward0", input)


class NllLoss(Function):
    """nll_loss of a (C,) or (N, C) input as one node, NllLossBackward0, with the input as its only edge
    (cross_entropy's node then leads to LogSoftmaxBackward0, as torch's). Forward runs the ops of
    nll_loss's spatial path; the gradient puts -g * coef at each counted target, +0.0 elsewhere."""

    torch_name = "NllLossBackward0"

    def _shown_edges(self) -> list:
        return self.edges[:1]  # torch lists the input only (a class weight is no input of its gradient)

    @staticmethod
    def forward(ctx, input, labels, weight, ignore_index, reduction):
        rows = input.reshape(1, -1) if input.ndim == 1 else input
        picked, coef = _pick_targets(rows, labels, weight, ignore_index, reduction)
        ctx.coef = coef
        ctx.at_target = np.zeros(rows.shape, dtype=bool)  # where the gradient goes: not to ignored targets
        if rows.shape[1]:  # (no classes: every label is ignored, the gradient is empty)
            ctx.at_target[np.arange(rows.shape[0]), np.where(labels != ignore_index, labels, 0)] = labels != ignore_index
        ctx.arguments = (labels, weight, ignore_index, reduction)
        if reduction == "none":
            loss = _unpicked_as_zero(-(picked * coef), labels != ignore_index)
            return loss.reshape((input.shape[0],) if input.ndim == 2 else ())
        counted = labels != ignore_index
        class_weight = None if weight is None else (weight._data[np.where(counted, labels, 0)] if rows.shape[1]
                                                    else np.zeros(len(labels), weight._data.dtype))
        loss, ctx.total = _cascade_nll(picked._data, class_weight, counted, reduction)
        ctx.class_weight = None if class_weight is None else from_numpy(class_weight.reshape(-1, 1))
        return Tensor._make(loss)

    @staticmethod
    def backward(ctx, g):
        labels, weight, ignore_index, reduction = ctx.arguments
        if reduction == "none":
            per_row = (-ctx.coef * g.reshape(-1)).reshape(-1, 1)  # -g * coef: torch's -weight * g
        else:  # torch's -(g / total weight), times the target's class weight
            per_row = -(g / from_numpy(ctx.total)) if reduction == "mean" else -g
            per_row = per_row.reshape(1, 1) if ctx.class_weight is None else ctx.class_weight * per_row
        grad = _pw.where(from_numpy(ctx.at_target), per_row, 0.0)  # (+0.0 elsewhere, as torch's zero-filled gradient)
        return grad.reshape(ctx.input_meta[0][0]), None, None, None, None

    @staticmethod
    def jvp(ctx, t_input, *no_tangents):  # linear in the input: the same loss of the tangent
        return NllLoss.apply(t_input, *ctx.arguments)


NLL_LEVELS, NLL_LEVEL_BITS = 8, 4  # torch's cascade: 8 partial sums, the next level every 16 (for < 2^40 rows)


def _cascade_nll(picked: np.ndarray, class_weight: np.ndarray | None, counted: np.ndarray,
                 reduction: str) -> tuple[np.ndarray, np.ndarray]:
    """nll_loss's 'sum' or 'mean' of -picked (times the class weights) as torch's kernel adds it, and the total
    weight it divides by: a cascade of partial sums. Counted rows are subtracted from level 0 in order; after
    a counted row b, each level j whose index bits (b >> 4j) & 15 are all 0 is added into level j + 1 and
    cleared; the levels are added in order at the end."""
    dtype = picked.dtype.type
    losses, weights = [dtype(0)] * NLL_LEVELS, [dtype(0)] * NLL_LEVELS
    products = picked if class_weight is None else picked * class_weight
    start = 0
    flushes = np.flatnonzero(counted & (np.arange(len(counted)) % (1 << NLL_LEVEL_BITS) == 0)).tolist()
    for end in flushes + [len(counted)]:
        rows = np.flatnonzero(counted[start:end + 1]) + start
        if len(rows):  # level 0 (0 after the last flush), one row after the other (cumsum adds in order)
            losses[0] = np.cumsum(np.concatenate((np.zeros(1, dtype), -products[rows])))[-1]
            if class_weight is not None:
                weights[0] = np.cumsum(np.concatenate((np.zeros(1, dtype), class_weight[rows])))[-1]
        if end < len(counted):
            for j in range(NLL_LEVELS - 1):
                if (end >> (NLL_LEVEL_BITS * j)) & ((1 << NLL_LEVEL_BITS) - 1):
                    break
                losses[j + 1], weights[j + 1] = losses[j + 1] + losses[j], weights[j + 1] + weights[j]
                losses[j], weights[j] = dtype(0), dtype(0)
        start = end + 1
    total = dtype(counted.sum()) if class_weight is None else _in_order(weights, dtype)
    loss = _in_order(losses, dtype)
    with np.errstate(invalid="ignore", divide="ignore"):  # no counted row: 0 / 0 is NaN, as torch's
        return np.asarray(loss / total if reduction == "mean" else loss), np.asarray(total)


def _in_order(values: list, dtype: type) -> Any:
    total = dtype(0)
    for v in values:
        total = total + v
    return total


def refuse_gradient_of(function: str, name: str, argument: Tensor | None) -> None:
    """torch's autograd has no gradient formula for some arguments (class weights, a soft margin's target):
    while grad mode is on, one that requires grad is its error."""
    if argument is not None and argument.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument '{name}'. "
                           "This input cannot have requires_grad True.")


def _unpicked_as_zero(losses: Tensor, counted: np.ndarray) -> Tensor:
    """reduction='none' losses with +0.0 at an ignored target, as torch's kernel writes it (-(x * 0) is -0.0)."""
    return losses if counted.all() else _pw.where(from_numpy(counted), losses, 0.0)


def _pick_targets(rows: Tensor, labels: np.ndarray, weight: Tensor | None, ignore_index: int,
                  reduction: str) -> tuple[Tensor, Tensor]:
    """rows[i, labels[i]] and the constant factor each is multiplied by: its class weight (0 when
    ignored), divided by the total weight for reduction='mean'."""
    counted = labels != ignore_index
    safe = np.where(counted, labels, 0)  # an ignored label may be any number: pick a valid column
    # (no classes: every label is ignored, as one out of bounds was refused; nothing to pick, zeros in the graph)
    picked = gather_along(rows, 1, safe[:, None]).reshape(-1) if rows.shape[1] else rows.sum(1)
    dtype = rows.dtype.np
    w = (weight.detach().numpy()[safe] if weight is not None and rows.shape[1] else np.ones(len(safe), dtype)) * counted
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(counted, w / w.sum(), 0)
    return picked, from_numpy(w.astype(dtype))


def _class_rows(input: Tensor, target: Tensor, weight: Tensor | None,
                ignore_index: int) -> tuple[Tensor, np.ndarray, tuple]:
    """Check input and target as torch's nll_loss does (in its order), and lay the input out as
    rows of class scores: (M, C) with M labels. Returns the rows, the labels and the shape of
    reduction='none'."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim != 1 and input.shape[0] != (target.shape[0] if target.ndim else 0):
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.ndim else 0})."
        )
    if input.ndim <= 2:
        _check_flat_target(input, target)
    else:
        _check_spatial_target(input, target)
        _check_target_dtype(target)
        _check_no_classes_viewed_as_2d(input, target)
    if input.ndim != 1 and target.ndim == 0:  # torch reads the target's batch size from its dim 0
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    _check_class_weight_size(weight, classes, spatial=input.ndim > 2)  # (before the kernel's dtype, as torch)
    if not input.dtype.is_floating_point:
        kernel = "nll_loss_out_frame" if input.ndim <= 2 else "nll_loss2d_forward_out_frame"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._legacy}\'')
    _check_class_weight(weight, classes, spatial=input.ndim > 2, input_dtype=input.dtype)
    labels = target.numpy().astype(np.int64).reshape(-1)
    _check_bounds(labels, classes, ignore_index)
    if input.ndim == 1:
        rows, out_shape = input.reshape(1, classes), ()
    elif input.ndim == 2:
        rows, out_shape = input, (input.shape[0],)
    else:  # move the class dim last, then one row per (n, d1, ...) position
        order = (0,) + tuple(range(2, input.ndim)) + (1,)
        rows, out_shape = input.permute(order).reshape(target.numel(), classes), target.shape  # (-1: no classes)
    return rows, labels, out_shape


def _check_no_classes_viewed_as_2d(input: Tensor, target: Tensor) -> None:
    """torch views a 3-d or 5-d+ input as (N, C, 1, -1) for its 2-d kernel; with no classes but some positions
    the view comes out empty ([N, 0, 0, 0]) and the kernel refuses it against the (N, 1, -1) target."""
    if input.ndim != 4 and input.shape[0] and not input.shape[1] and target.numel():
        n = input.shape[0]
        raise RuntimeError(f"size mismatch (got input: [{n}, 0, 0, 0] , target: [{n}, 1, {target.numel() // n}]")


def _check_flat_target(input: Tensor, target: Tensor) -> None:
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _check_target_dtype(target)
    if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")


def _check_spatial_target(input: Tensor, target: Tensor) -> None:
    if input.ndim == 4:  # torch's nll_loss2d and its own messages
        if target.ndim != 3:
            raise RuntimeError(
                f"only batches of spatial targets supported (3D tensors) but got targets of dimension: {target.ndim}"
            )
        if target.shape[1:] != input.shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}")
    elif target.shape[1:] != input.shape[2:] or target.ndim != input.ndim - 1:
        expected = [input.shape[0], *input.shape[2:]]
        raise RuntimeError(f"Expected target size {expected}, got {list(target.shape)}")


def _check_target_dtype(target: Tensor) -> None:
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {target.dtype._legacy}")


def _check_class_weight(weight: Tensor | None, classes: int, spatial: bool, input_dtype: Any) -> None:
    if weight is None:
        return
    _check_class_weight_size(weight, classes, spatial)
    if weight.dtype is not input_dtype:
        raise RuntimeError(f"expected scalar type {input_dtype._legacy} but found {weight.dtype._legacy}")


def _check_class_weight_size(weight: Tensor | None, classes: int, spatial: bool) -> None:
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != classes):
        if spatial:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes but got weight "
            f"tensor of shape: {list(weight.shape)}"
        )


def _check_bounds(labels: np.ndarray, classes: int, ignore_index: int) -> None:
    bad = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
    if bad.any():
        raise IndexError(f"Target {labels[bad][0]} is out of bounds.")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim (dim 1, or dim 0 for a 1-D input) followed by nll_loss.

    The target is either class indices (int64 or uint8, shape = input's without the class dim) or
    class probabilities (float, same shape as input). `label_smoothing` mixes the target with
    the uniform distribution over classes.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"cross_entropy_loss(): argument 'input' (position 1) must be Tensor, not {type_name(input)}")
    reduction = _reduction(size_average, reduce, reduction)
    tensor_arg("cross_entropy_loss", "target", target, 2)
    ignore_index = int_arg("cross_entropy_loss", "ignore_index", ignore_index, 5)  # (ignore_index=1.0 is refused)
    if input.shape == target.shape:
        return _cross_entropy_probabilities(input, target, weight, ignore_index, reduction, label_smoothing)
    _check_label_smoothing(label_smoothing)
    log_p = _log_softmax_classes(input)
    loss = nll_loss(log_p, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing > 0.0:  # (a NaN smooths nothing either, as in torch)
        return loss
    smooth = _smoothing_term(log_p, target, weight, ignore_index, reduction)
    classes = log_p.shape[_class_dim(input)]  # (none: torch's C++ division gives inf, and the empty sums NaN)
    share = label_smoothing / classes if classes else float("inf")  # (torch multiplies by numbers: MulBackward1)
    return composite((1 - label_smoothing) * loss, "MulBackward1", loss) + composite(smooth * share, "MulBackward1", smooth)


def _class_dim(input: Tensor) -> int:
    return 0 if input.ndim == 1 else 1


def _check_label_smoothing(label_smoothing: float) -> None:
    """torch refuses only a value above 1 (its message notwithstanding): a negative one smooths nothing."""
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _log_softmax_classes(input: Tensor) -> Tensor:
    dim = _class_dim(input)
    if input.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if not input.dtype.is_floating_point and input.numel():  # as torch, an empty one never reaches the kernel
        kernel = "log_softmax_lastdim_kernel_impl" if dim == input.ndim - 1 else "log_softmax_kernel_impl"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype._legacy}\'')
    return _rd.log_softmax(input, dim)


def _smoothing_term(log_p: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                    reduction: str) -> Tensor:
    """The uniform-target part of label smoothing: -sum_c w_c log p_c per position, ignored
    positions zeroed; 'mean' divides by the weight of the counted targets, as nll_loss does."""
    dim = _class_dim(log_p)
    if weight is not None:
        shape = [1] * log_p.ndim
        shape[dim] = weight.shape[0]
        log_p = log_p * weight.reshape(shape)
    smooth = -log_p.sum(dim)
    ignored = target.numpy() == ignore_index
    smooth = smooth.masked_fill(from_numpy(np.asarray(ignored)), 0.0)
    if reduction == "none":
        return smooth
    if reduction == "sum":
        return smooth.sum()
    labels = target.numpy()[~ignored].astype(np.int64)
    total = weight.detach().numpy()[labels].sum() if weight is not None else labels.size
    if total == 0:  # nothing counted: torch's 0/0 is NaN, while the gradient stays 0
        return smooth.sum() + float("nan")
    return smooth.sum() / float(total)


def _cross_entropy_probabilities(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                                 reduction: str, label_smoothing: float) -> Tensor:
    """-sum_c target_c log_softmax(input)_c: the target is a distribution over classes."""
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got {target.dtype._legacy}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    dim = _class_dim(input)
    classes = input.shape[dim]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {classes} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )
    _check_label_smoothing(label_smoothing)
    log_p = _log_softmax_classes(input)
    if label_smoothing > 0.0 and classes:  # (no classes: the target is empty, nothing to smooth)
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = log_p * target
    if weight is not None:
        shape = [1] * input.ndim
        shape[dim] = classes
        terms = terms * weight.reshape(shape)
    if reduction == "none":
        return -terms.sum(dim)
    if reduction == "sum":
        return -terms.sum()
    positions = input.numel() // classes if classes else 0
    if not positions:  # torch fills the empty sum with NaN
        return -terms.sum().fill_(float("nan"))
    total = -terms.sum()
    return composite(total / positions, "DivBackward1", total)  # (torch divides by an integer Scalar: DivBackward1)
