"""Hypothesis strategies for property tests of tensor code (needs `pip install hypothesis`).

    from hypothesis import given
    from tinygrad_rnn.testing.strategies import tensors, broadcastable_shapes

    @given(tensors(shape=(3, 4)))
    def test_tanh_is_bounded(x):
        assert (x.tanh().abs() <= 1).all()

Our own test suite draws its cases from here too.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ..core import dtypes
from ..creation import from_numpy


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def arrays(shape: Any = None, dtype: Any = dtypes.float64, elements: Any = None) -> st.SearchStrategy:
    """numpy arrays of `dtype` with values in [-3, 3] by default (finite, moderate: gradients stay sane);
    integers in [-5, 5], or [0, 5] for unsigned types, and False/True for bool."""
    d = dtypes.as_dtype(dtype)
    if elements is None:
        if d.is_floating_point:  # drawn at the dtype's own width, so every value is exact in it
            elements = st.floats(-3, 3, width=8 * d.np.itemsize)
        elif d is dtypes.bool:
            elements = st.booleans()
        else:
            elements = st.integers(-5 if d.is_signed else 0, 5)
    return hnp.arrays(d.np, shape if shape is not None else shapes(), elements=elements)


def tensors(shape: Any = None, dtype: Any = dtypes.float64, elements: Any = None,
            requires_grad: bool = False) -> st.SearchStrategy:
    """Tensors of the given (or a drawn) shape and dtype."""

    def make(a: np.ndarray) -> Any:
        t = from_numpy(a)
        return t.requires_grad_() if requires_grad else t

    return arrays(shape, dtype, elements).map(make)


@st.composite
def broadcastable_shapes(draw: Any, num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3,
                         min_side: int = 1, max_side: int = 4) -> tuple:
    """`num_shapes` shapes that broadcast together (sizes of 1 and missing leading dims included)."""
    result = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    ))
    return tuple(result.input_shapes)


@st.composite
def rnn_configs(draw: Any, max_size: int = 8, max_layers: int = 3) -> dict:
    """Constructor and input settings for nn.RNN (and its family): sizes 1..max_size."""
    return {
        "input_size": draw(st.integers(1, max_size)),
        "hidden_size": draw(st.integers(1, max_size)),
        "num_layers": draw(st.integers(1, max_layers)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "nonlinearity": draw(st.sampled_from(["tanh", "relu"])),
        "seq_len": draw(st.integers(1, 5)),
        "batch": draw(st.one_of(st.none(), st.integers(1, 4))),  # None: unbatched input
        "with_h0": draw(st.booleans()),
    }


@st.composite
def padded_batches(draw: Any, max_len: int = 5, max_batch: int = 4, features: int = 2) -> tuple:
    """(padded array, lengths, batch_first, enforce_sorted) for pack_padded_sequence.

    Lengths are in 1..T (the longest need not reach T); when enforce_sorted is drawn True they are
    sorted in decreasing order, otherwise left in any order (ties included).
    """
    seq_len, batch = draw(st.integers(1, max_len)), draw(st.integers(1, max_batch))
    lengths = draw(st.lists(st.integers(1, seq_len), min_size=batch, max_size=batch))
    batch_first, enforce_sorted = draw(st.booleans()), draw(st.booleans())
    if enforce_sorted:
        lengths = sorted(lengths, reverse=True)
    shape = (batch, seq_len, features) if batch_first else (seq_len, batch, features)
    return draw(arrays(shape)), lengths, batch_first, enforce_sorted


@st.composite
def classification_cases(draw: Any, dtype: Any = dtypes.float64, max_classes: int = 5) -> tuple:
    """(scores, class_targets) for cross_entropy / nll_loss in every layout torch accepts:
    (C,) with a 0-d target, (N, C) with (N,), and (N, C, d1[, d2]) with (N, d1[, d2]).
    Some targets are -100, the default ignore_index."""
    classes = draw(st.integers(1, max_classes))
    layout = draw(st.sampled_from(["1d", "2d", "3d", "4d"]))
    batch = draw(st.integers(1, 4))
    extra = {"1d": (), "2d": (), "3d": (draw(st.integers(1, 3)),),
             "4d": (draw(st.integers(1, 2)), draw(st.integers(1, 3)))}[layout]
    shape = (classes,) if layout == "1d" else (batch, classes) + extra
    target_shape = () if layout == "1d" else (batch,) + extra
    scores = draw(arrays(shape, dtype, elements=st.floats(-5, 5, width=32)))
    labels = draw(hnp.arrays(np.int64, target_shape, elements=st.integers(-1, classes - 1)))
    return scores, np.where(labels < 0, -100, labels)
