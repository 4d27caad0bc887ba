"""`nn.AdaptiveLogSoftmaxWithLoss` (Grave et al., 2017): a softmax over a large vocabulary made
cheap by splitting the classes by frequency.

The `head` predicts the frequent classes (the shortlist, below cutoffs[0]) plus one entry per
rarer cluster; a sample whose target lies in cluster i also pays log p(class | cluster i), from
a small two-layer `tail[i]` whose hidden size shrinks by `div_value` per cluster:

    log p(target) = log p_head(target)                                    target in the shortlist
    log p(target) = log p_head(cluster i) + log p_tail_i(target | cluster i)   otherwise
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import creation
from ..core.tensor import Tensor
from ..creation import from_numpy
from ..ops.shape import cat
from . import functional as F
from .containers import ModuleList, Sequential
from .layers import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


def _rows_to_batch(rows: np.ndarray, batch: int, dtype: np.dtype) -> Tensor:
    """(batch, len(rows)) 0/1 matrix that places row k of a subset at position rows[k] (exactly)."""
    placement = np.zeros((batch, len(rows)), dtype=dtype)
    placement[rows, np.arange(len(rows))] = 1
    return from_numpy(placement)


class AdaptiveLogSoftmaxWithLoss(Module):
    """`forward(input, target)` returns (output, loss): output[n] = log p(target[n] | input[n]),
    loss = mean(-output). `log_prob(input)` gives all n_classes log-probabilities, `predict`
    the most likely class."""

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        factory = dict(device=device, dtype=dtype)
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, **factory)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **factory),
                                        Linear(hidden, size, bias=False, **factory)))

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for to_hidden, to_output in self.tail:
            to_hidden.reset_parameters()
            to_output.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        _check_shapes(input_, target_)
        if target_.dtype.name not in ("int64", "int32"):
            self._refuse_target_dtype(target_)
        batched = target_.dim() > 0
        input = input_ if batched else input_.unsqueeze(0)
        labels = (target_ if batched else target_.unsqueeze(0)).numpy().astype(np.int64)
        batch, dtype = labels.shape[0], input.dtype.np
        head_index = labels.copy()  # the head entry each sample needs: its class, or its cluster
        output = creation.zeros(batch, dtype=input.dtype)
        bounds = [0] + self.cutoffs
        used = 0
        for i, (low, high) in enumerate(zip(bounds[:-1], bounds[1:])):
            rows = np.nonzero((labels >= low) & (labels < high))[0]
            used += len(rows)
            if i == 0 or len(rows) == 0:
                continue
            head_index[rows] = self.shortlist_size + i - 1
            cluster_logprob = F.log_softmax(self.tail[i - 1](input[from_numpy(rows)]), dim=1)
            local = cluster_logprob.gather(1, from_numpy(labels[rows, None] - low)).squeeze(1)
            output = output + _rows_to_batch(rows, batch, dtype).matmul(local)
        if used != batch:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{labels.min()}, {labels.max()}] were found. ")
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, from_numpy(head_index[:, None])).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _refuse_target_dtype(self, target: Tensor) -> None:
        """torch gathers with the target, which must hold integers: the error comes at the first gather, a
        cluster's (if any row falls in one) or, after the range check, the head's."""
        values = target.reshape(-1).numpy()
        if np.any((values >= self.shortlist_size) & (values < self.n_classes)):
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        if values.size and np.any((values < 0) | (values >= self.n_classes)):
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{values.min()}, {values.max()}] were found. ")
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")

    def _get_full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        head_logprob = F.log_softmax(head_output, dim=1)
        if head_logprob.dim() > 2:  # torch copies the shortlist's columns into an (N, n_classes) tensor
            shortlist = head_logprob[:, :self.shortlist_size]
            raise RuntimeError(f"expand(torch.{shortlist.dtype._legacy}Tensor{{{list(shortlist.shape)}}}, size="
                               f"[{head_logprob.shape[0]}, {self.shortlist_size}]): the number of sizes provided (2) "
                               f"must be greater or equal to the number of dimensions in the tensor ({shortlist.dim()})")
        pieces = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            pieces.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(pieces, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """log p(class | input) for every class: (N, n_classes)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class per row; the tails are evaluated only for rows whose head picks a cluster."""
        head_output = self.head(input)
        output = head_output.argmax(dim=1)
        in_cluster = output.numpy() >= self.shortlist_size
        if not in_cluster.any():
            return output
        rows = from_numpy(np.nonzero(in_cluster)[0])
        best = self._get_full_log_prob(input[rows], head_output[rows]).argmax(dim=1)
        predicted = output.numpy().copy()
        predicted[in_cluster] = best.numpy()
        return from_numpy(predicted)


def _check_shapes(input: Tensor, target: Tensor) -> None:
    if target.dim() == 1:
        if input.shape[0] != target.shape[0]:
            raise RuntimeError("Input and target should have the same size in the batch dimension.")
        if input.dim() != 2:
            raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size {input.shape}")
    elif target.dim() == 0:
        if input.dim() != 1:
            raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size {input.shape}")
    else:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
