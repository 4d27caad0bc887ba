"""CTC loss (Graves et al., 2006): the loss of speech and handwriting recognisers whose RNN emits one
distribution per frame while the target is a shorter label sequence with no alignment given.

CTC sums the probability of every alignment of the target to the frames. An alignment is a
path through the *extended* target, the labels with a blank before, between and after them:

    target "c a t"  ->  extended  _ c _ a _ t _     (length 2L + 1; "_" is the blank)


At each frame a path stays on its symbol, moves one step, or skips a blank between two
different labels. Summing over paths is a dynamic programme, kept in log space (probabilities
of long paths underflow):

    forward   alpha[t, s] = log P(frames 0..t emit the extended prefix ending at s)
    backward  beta[t, s]  = log P(frames t..T-1 emit the extended suffix starting at s)
    loss      -log(exp(alpha[T-1, 2L]) + exp(alpha[T-1, 2L-1]))

`CTCLossFunction` runs both recursions in numpy, one frame at a time for all samples at once
(extended targets padded to one width). Its gradient is torch's: with posterior
gamma[t, c] = sum over s with label c of exp(alpha[t, s] + beta[t, s] + loss - log_probs[t, c]),
torch returns  exp(log_probs) - gamma, which is the gradient with respect to the *logits* when
log_probs = log_softmax(logits) (the true derivative with respect to log_probs is -gamma; the two
agree once passed back through log_softmax, whose backward removes the exp(log_probs) term, since
each row of gamma sums to 1). This backward is not itself differentiable (torch's is not either).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..argcheck import checked_ints, invalid_combination, is_int
from ..core import dtypes
from ..core.function import Function
from ..core.tensor import Tensor
from .loss_functions import _reduction
from .module import Module

Lengths = Tensor | Sequence[int]


def _logsumexp(*terms: np.ndarray) -> np.ndarray:
    """log(sum(exp(terms))) elementwise, safe when every term is -inf."""
    top = terms[0]
    for term in terms[1:]:
        top = np.maximum(top, term)
    finite_top = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        return finite_top + np.log(sum(np.exp(term - finite_top) for term in terms))


def _extended(labels: list, blank: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The extended targets (blank, l1, blank, l2, ..., blank) of every sample, padded with blanks
    to one width (N, 2 max(L) + 1); their true widths 2L + 1; and where a path may skip from two
    positions back: a label that differs from the one two positions back, as torch's CPU kernel decides it
    (a label equal to the blank may skip too: torch compares only the two symbols)."""
    width = 2 * max((len(r) for r in labels), default=0) + 1
    ext = np.full((len(labels), width), blank, dtype=np.int64)
    for b, row in enumerate(labels):
        ext[b, 1:2 * len(row):2] = row
    can_skip = np.zeros(ext.shape, dtype=bool)
    can_skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    return ext, 2 * np.array([len(r) for r in labels], dtype=np.int64) + 1, can_skip


def _alpha(lp_ext: np.ndarray, can_skip: np.ndarray) -> np.ndarray:
    """Forward variables (T, N, W) in log space. lp_ext[t, n, s] is log_probs[t, n, ext[n, s]].
    Positions past a sample's own width hold values no valid position ever reads."""
    frames, batch, width = lp_ext.shape
    # two -inf columns in front, so that "from s - 1" and "from s - 2" are plain slices
    alpha = np.full((frames, batch, width + 2), -np.inf, dtype=lp_ext.dtype)
    alpha[0, :, 2:4] = lp_ext[0, :, :2]  # a path starts on the first blank or on the first label
    skip_allowed = np.where(can_skip, 0.0, -np.inf).astype(lp_ext.dtype)
    for t in range(1, frames):
        prev = alpha[t - 1]  # into s: stay on s, step from s - 1, or skip a blank from s - 2
        alpha[t, :, 2:] = _logsumexp(prev[:, 2:], prev[:, 1:-1], prev[:, :-2] + skip_allowed) + lp_ext[t]
    return alpha[:, :, 2:]


def _beta(lp_ext: np.ndarray, can_skip: np.ndarray, widths: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Backward variables (T, N, W) in log space, including frame t itself; -inf from each
    sample's last frame on and past its width."""
    length, batch, width = lp_ext.shape
    # two -inf columns at the end, so that "from s + 1" and "from s + 2" are plain slices
    beta = np.full((length, batch, width + 2), -np.inf, dtype=lp_ext.dtype)
    positions = np.arange(width)
    ends = (positions >= widths[:, None] - 2) & (positions < widths[:, None])  # last blank and last label
    skip_to = np.zeros_like(can_skip)  # s may skip to s + 2 when s + 2 may be reached by a skip
    skip_to[:, :-2] = can_skip[:, 2:]
    skip_allowed = np.where(skip_to, 0.0, -np.inf).astype(lp_ext.dtype)
    for t in range(length - 1, -1, -1):
        last = (frames == t + 1)[:, None]  # samples whose final frame is t start their paths here
        if t + 1 < length:
            nxt = beta[t + 1]
            beta[t, :, :width] = _logsumexp(nxt[:, :width], nxt[:, 1:width + 1], nxt[:, 2:] + skip_allowed) + lp_ext[t]
        beta[t, :, :width] = np.where(last, np.where(ends, lp_ext[t], -np.inf), beta[t, :, :width])
    return beta[:, :, :width]


class CTCLossFunction(Function):
    """Per-sample CTC negative log-likelihood (N,) of log_probs (T, N, C); see the module docstring."""

    torch_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, log_probs, labels, input_lengths, blank, zero_infinity):
        lp = log_probs._data
        ext, widths, can_skip = _extended(labels, blank)
        lp_ext = np.take_along_axis(lp, ext[None], axis=2)  # (T, N, W): each sample's path symbols
        nll = np.full(lp.shape[1], np.inf, dtype=lp.dtype)
        alpha = _alpha(lp_ext, can_skip) if lp.shape[0] else lp_ext
        for b, (frames, width) in enumerate(zip(input_lengths, widths)):
            if frames == 0:  # no frames: only the empty target is possible
                nll[b] = 0.0 if width == 1 else np.inf
            else:
                nll[b] = -_logsumexp(*alpha[frames - 1, b, max(width - 2, 0):width])
        ctx.lp, ctx.lp_ext, ctx.ext, ctx.widths, ctx.can_skip = lp, lp_ext, ext, widths, can_skip
        ctx.alpha, ctx.nll, ctx.frames, ctx.zero_infinity = alpha, nll, np.asarray(input_lengths), zero_infinity
        return Tensor._make(nll)  # still inf where impossible: ctc_loss's zero_infinity swaps it after

    @staticmethod
    def backward(ctx, grad_nll):
        """torch's gradient: exp(log_probs) minus the posterior of each class at each frame, the
        posterior being the sum over path positions s with that class of exp(alpha + beta + nll - lp)
        (alpha and beta both include frame t's log-probability, hence the - lp)."""
        lp, frames = ctx.lp, ctx.frames
        beta = _beta(ctx.lp_ext, ctx.can_skip, ctx.widths, frames)
        with np.errstate(over="ignore", invalid="ignore"):
            posterior_s = np.exp(ctx.alpha + beta + ctx.nll[None, :, None] - ctx.lp_ext)
        posterior = np.zeros_like(lp)
        samples = np.arange(lp.shape[1])
        for s in range(ctx.ext.shape[1]):  # scatter-add each path position into its class
            posterior[:, samples, ctx.ext[:, s]] += posterior_s[:, :, s]
        grad = np.exp(lp) - posterior
        in_range = np.arange(lp.shape[0])[:, None] < frames[None, :]
        skip = np.zeros(lp.shape[1], dtype=bool) if not ctx.zero_infinity else np.isinf(ctx.nll)
        grad = np.where(in_range[:, :, None] & ~skip[None, :, None], grad, 0)
        return Tensor._make((grad * grad_nll._data[None, :, None]).astype(lp.dtype)), None, None, None, None

    @staticmethod
    def jvp(ctx, t_log_probs, *t_rest):
        """Each sample's loss depends on its own log-probabilities only: its tangent is backward's
        gradient (for an upstream gradient of ones) times the tangent, summed over frames and classes."""
        ones = Tensor._make(np.ones_like(ctx.nll))
        return (CTCLossFunction.backward(ctx, ones)[0] * t_log_probs).sum((0, 2))


# ------------------------------------------------------------------ the functional and module forms
def _as_lengths(lengths: Lengths, name: str) -> np.ndarray:
    """The lengths of either overload as int64: a Tensor's values, or a list's ints (torch's parser
    takes bools and integer tensors after the first element, and refuses anything else there)."""
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype == dtypes.bool:
            raise RuntimeError(f"{name} must be integral")
        return lengths._data.reshape(-1).astype(np.int64)
    return np.asarray(checked_ints("ctc_loss", name, lengths, None), dtype=np.int64)


def _overload_fits(log_probs: object, targets: object, input_lengths: object, target_lengths: object) -> bool:
    """torch has two overloads: lengths both Tensors, or both int sequences (told apart by their
    first element only; later ones are checked when unpacked)."""
    def int_sequence(v: object) -> bool:
        return isinstance(v, (list, tuple)) and (not v or is_int(v[0]))
    tensors = isinstance(input_lengths, Tensor) and isinstance(target_lengths, Tensor)
    sequences = int_sequence(input_lengths) and int_sequence(target_lengths)
    return isinstance(log_probs, Tensor) and isinstance(targets, Tensor) and (tensors or sequences)


def _check_lengths(values: np.ndarray, name: str, at_most: int | None = None) -> None:
    where = " (while checking arguments for ctc_loss_allocate_outputs)"
    for v in values:
        if v < 0:
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value {v}{where}")
        if at_most is not None and v > at_most:
            raise RuntimeError(f"Expected {name} to have value at most {at_most}, but got value {v}{where}")


def _target_rows(targets: np.ndarray, target_lengths: np.ndarray, batch: int, classes: int,
                 input_lengths: np.ndarray) -> list:
    """One label array per sample, from padded (N, S) or concatenated (sum(target_lengths),) targets.
    A sample with no frames never reads its labels (its loss is 0 or inf from the lengths alone), so
    torch accepts any values there; they are replaced by zeros to keep the path tables indexable."""
    where = " for argument #2 'targets' (while checking arguments for ctc_loss_allocate_outputs)"
    _check_lengths(target_lengths, "target_lengths")
    if targets.ndim == 1:
        total = int(target_lengths.sum())
        if targets.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size "
                               f"{targets.shape[0]}{where}")
        rows = np.split(targets, np.cumsum(target_lengths)[:-1])
    else:
        if targets.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size "
                               f"{targets.shape[0]}{where}")
        longest = int(target_lengths.max(initial=0))
        if targets.shape[1] < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension 1, but got size "
                               f"{targets.shape[1]}{where}")
        rows = [targets[b, :n] for b, n in enumerate(target_lengths)]
    rows = [np.asarray(r, dtype=np.int64) if frames > 0 else np.zeros(len(r), dtype=np.int64)
            for r, frames in zip(rows, input_lengths)]
    for r in rows:  # torch reads out of bounds here; refusing is kinder
        if r.size and (r.min() < 0 or r.max() >= classes):
            raise RuntimeError(f"ctc_loss: target labels must be in [0, {classes}), got {r.min()}..{r.max()}")
    return rows


# torch's two overloads, as its TypeError lists them
_CTC_SIGNATURES = tuple(f"(Tensor log_probs, Tensor targets, {lengths} input_lengths, {lengths} target_lengths, "
                        "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)"
                        for lengths in ("tuple of ints", "Tensor"))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Lengths, target_lengths: Lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """CTC loss of log_probs (T, N, C) (log_softmax outputs; (T, C) unbatched) against targets
    padded (N, S) or concatenated (sum(target_lengths),).

    reduction "mean" divides each sample's loss by its target length (at least 1), then averages
    over the batch; zero_infinity replaces the infinite loss of an impossible alignment (target
    too long for its frames) and its gradient by zero.
    """
    reduction = _reduction(None, None, reduction)
    if not _overload_fits(log_probs, targets, input_lengths, target_lengths):
        reduction_enum = 1  # torch passes the reduction on as an enum: the message shows an int
        given = (log_probs, targets, input_lengths, target_lengths, blank, reduction_enum, zero_infinity)
        raise invalid_combination("ctc_loss", given, _CTC_SIGNATURES)
    if log_probs.dtype not in (dtypes.float32, dtypes.float64):  # torch's CPU kernel has no half/bfloat16 build
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{log_probs.dtype._legacy.removesuffix('Tensor')}'")
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    batched = log_probs.dim() == 3
    if not batched:  # torch adds a batch dim to log_probs and targets alike
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    if log_probs.dim() != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for "
                           "argument #1 'log_probs' (while checking arguments for ctc_loss_allocate_outputs)")
    frames, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    in_lengths, tg_lengths = _as_lengths(input_lengths, "input_lengths"), _as_lengths(target_lengths, "target_lengths")
    if len(in_lengths) != batch:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(tg_lengths) != batch:
        raise RuntimeError("target_lengths must be of size batch_size")
    labels = _target_rows(targets._data, tg_lengths, batch, classes, in_lengths)
    _check_lengths(in_lengths, "input_lengths", at_most=frames)
    loss = CTCLossFunction.apply(log_probs, labels, in_lengths, blank, zero_infinity)
    if zero_infinity:  # a separate where, as torch's graph has it (WhereBackward0 above CtcLossBackward0)
        loss = loss.new_zeros(()).where(loss == math.inf, loss)
    if reduction == "mean":
        per_label = Tensor._make(np.maximum(tg_lengths, 1).astype(log_probs._data.dtype))
        return (loss / per_label).mean()
    if reduction == "sum":
        return loss.sum()
    return loss if batched else loss.squeeze(0)


class CTCLoss(Module):
    """Connectionist Temporal Classification loss; see `ctc_loss`.

        ctc = nn.CTCLoss(blank=0)
        loss = ctc(logits.log_softmax(2), targets, input_lengths, target_lengths)
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths: Lengths, target_lengths: Lengths) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                        self.zero_infinity)
