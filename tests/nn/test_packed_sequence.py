"""nn.utils.rnn (PackedSequence and the pack/pad functions) against torch: values, indices,
gradients (padding must get none) and every error message."""
import importlib

import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_rnn
from tinygrad_rnn.nn.utils import rnn as ours_rnn
from tinygrad_rnn.testing.strategies import padded_batches


def R(m):
    """`m.nn.utils.rnn` for either framework (importing it, as `from torch.nn.utils import rnn` would)."""
    return importlib.import_module(m.__name__ + ".nn.utils.rnn")


def packed_tensors(p):
    """The tensors of a PackedSequence, None fields left out (check_parity compares tensors)."""
    return [t for t in p if t is not None]


@settings(max_examples=25)
@given(padded_batches())
def test_pack_pad_roundtrip_matches_torch(case):
    array, lengths, batch_first, enforce_sorted = case

    def run(m, x):
        packed = R(m).pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        padded, out_lengths = R(m).pad_packed_sequence(packed, batch_first=batch_first, padding_value=-2.5)
        return packed_tensors(packed) + [padded * padded, out_lengths]

    check_parity(run, [array])


@settings(max_examples=15)
@given(padded_batches(), st.integers(0, 3))
def test_pad_packed_total_length(case, extra):
    array, lengths, batch_first, _ = case
    total = max(lengths) + extra
    check_parity(lambda m, x: R(m).pad_packed_sequence(
        R(m).pack_padded_sequence(x, lengths, batch_first, enforce_sorted=False),
        batch_first=batch_first, total_length=total), [array])


def test_no_gradient_reaches_padding():
    x = tinygrad_rnn.randn(4, 3, 2, dtype=tinygrad_rnn.float64, requires_grad=True)
    packed = ours_rnn.pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
    (packed.data * 3).sum().backward()
    valid = np.arange(4)[:, None] < np.array([2, 4, 1])[None, :]
    np.testing.assert_array_equal(x.grad.numpy()[..., 0], np.where(valid, 3.0, 0.0))


@settings(max_examples=20)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5), st.booleans(), st.sampled_from(["left", "right"]),
       st.integers(0, 2))
def test_pad_sequence_matches_torch(lengths, batch_first, side, trailing_dims):
    rng = np.random.default_rng(len(lengths))
    arrays = [rng.standard_normal((n,) + (2,) * trailing_dims) for n in lengths]
    check_parity(lambda m, *xs: R(m).pad_sequence(list(xs), batch_first, 0.5, side), arrays)


@settings(max_examples=20)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5))
def test_pack_and_unpack_sequence_match_torch(lengths):
    rng = np.random.default_rng(sum(lengths))
    arrays = [rng.standard_normal((n, 3)) for n in lengths]

    def run(m, *xs):
        packed = R(m).pack_sequence(list(xs), enforce_sorted=False)
        return packed_tensors(packed) + R(m).unpack_sequence(packed)

    check_parity(run, arrays)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_matches_torch(batch_first):
    lengths = [3, 1, 2]
    x = np.random.default_rng(0).standard_normal((3, 3, 2))
    # `a * 1`: torch transposes a seq-first input IN PLACE, which a leaf requiring grad refuses.
    check_parity(lambda m, a: R(m).unpad_sequence(a * 1, m.tensor(lengths), batch_first), [x])


@pytest.mark.parametrize("batch_first,side", [(False, "right"), (True, "right"), (True, "left")])
def test_pad_sequence_result_is_torchs_copy_slices(batch_first, side):
    """torch fills the padded result, then copies each sequence into its slot: a printed batch shows
    grad_fn=<CopySlices> (CS224n's NMT pads with pad_sequence)."""
    torch = require_torch()
    shown = []
    for m in (tinygrad_rnn, torch):
        a, b = m.ones(3, 2, requires_grad=True), m.ones(1, 2, requires_grad=True)
        padded = R(m).pad_sequence([a, b * 2], batch_first=batch_first, padding_side=side)
        shown.append((repr(padded), padded._base is None))
    assert shown[0] == shown[1]


def test_integer_data_and_padding_value_cast():
    check_parity(lambda m, a, b: R(m).pad_sequence([a, b], padding_value=0.7),
                 [np.array([1, 2, 3]), np.array([4])])
    check_parity(lambda m, a, b: R(m).pad_sequence([a, b]), [np.array([1, 2, 3]), np.array([4.0])])


def test_packed_sequence_namedtuple_api():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        data = m.tensor([4, 1, 3, 5, 2, 6])
        p = R(m).PackedSequence(data, m.tensor([3, 2, 1]), m.tensor([2, 0, 1]))
        assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
        assert p.unsorted_indices.tolist() == [1, 2, 0]
        assert R(m).PackedSequence((data, m.tensor([3, 2, 1]))).sorted_indices is None
        assert p.to(m.int64) is p and p.double().data.dtype == m.float64
    ours = R(tinygrad_rnn).pack_padded_sequence(tinygrad_rnn.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]]),
                                                [2, 1, 3], batch_first=True, enforce_sorted=False)
    theirs = R(torch).pack_padded_sequence(torch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]]),
                                           [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert repr(ours) == repr(theirs)
    assert R(tinygrad_rnn).__all__ == R(torch).__all__


def test_packed_sequence_of_a_list_of_batch_sizes_is_refused_as_torch():
    """torch reads batch_sizes.device before anything else: a plain list fails there."""
    check_error(lambda m: R(m).PackedSequence(m.ones(3, 2), [2, 1]))


def test_invert_permutation():
    check_parity(lambda m, p: R(m).invert_permutation(p), [np.array([3, 0, 2, 1])])


X = np.arange(12.0).reshape(4, 3)


@pytest.mark.parametrize("args", [
    (np.arange(3.0), [1, 1, 1]),              # 1-D input
    (np.array(1.0), [1]),                     # 0-D input
    (X, [[4, 2, 1]]),                         # 2-D lengths
    (X, 3),                                   # 0-D lengths
    (X, [4, 2]),                              # wrong count
    (X, [4, 2, 0]),                           # zero length
    (X, [4, 2, -1]),                          # negative length
    (X, [2, 4, 1]),                           # unsorted with enforce_sorted
    (X, [2, 4, 0]),                           # zero wins over unsorted
    (np.zeros((3, 0)), []),                   # empty
])
def test_pack_padded_sequence_errors(args):
    array, lengths = args
    check_error(lambda m: R(m).pack_padded_sequence(m.tensor(array), lengths))


def test_pack_padded_sequence_unsorted_zero_error():
    check_error(lambda m: R(m).pack_padded_sequence(m.tensor(X), [2, 4, 0], enforce_sorted=False))


@pytest.mark.parametrize("shape,lengths,batch_first", [
    ((1, 0, 2), [0, 1], True),    # empty input, more lengths than sequences (fuzz seed 127): a RuntimeError
    ((0, 1), [1, 1], False),      # the same along the batch dim 1
    ((1, 1, 2), [1, 1], True),    # non-empty input, more lengths than sequences: an IndexError
    ((0, 0), [1], False),         # no sequences at all
])
def test_pack_padded_sequence_unsorted_errors_are_index_selects(shape, lengths, batch_first):
    """Unsorted lengths are sorted by index_select along the batch dim, so a wrong count raises its error."""
    check_error(lambda m: R(m).pack_padded_sequence(m.zeros(shape), lengths, batch_first, enforce_sorted=False))


def test_length_longer_than_input_is_refused():
    """torch silently truncates and returns an inconsistent object; we raise a clear error."""
    with pytest.raises(RuntimeError, match="larger than the padded input's sequence length"):
        ours_rnn.pack_padded_sequence(tinygrad_rnn.tensor(X), [5, 2, 1])


def test_pad_packed_sequence_errors():
    def packed(m):
        return R(m).pack_padded_sequence(m.tensor(X), [2, 4, 1], enforce_sorted=False)

    check_error(lambda m: R(m).pad_packed_sequence(packed(m), total_length=3))
    check_error(lambda m: R(m).pad_packed_sequence(packed(m), total_length=5.0))


@pytest.mark.parametrize("make", [
    lambda m: R(m).pad_sequence([]),
    lambda m: R(m).pad_sequence(3),
    lambda m: R(m).pad_sequence([m.ones(2)], padding_side="middle"),
    lambda m: R(m).pad_sequence([m.ones(2, 3), m.ones(1, 2)]),
    lambda m: R(m).pad_sequence([m.ones(2, 3, 4), m.ones(1, 2, 4)]),
    lambda m: R(m).pack_sequence([]),
    lambda m: R(m).pack_sequence([m.tensor([1]), m.tensor([4, 5])]),
    lambda m: R(m).PackedSequence(m.ones(3)),
])
def test_sequence_list_errors(make):
    check_error(make)


@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_packed_run_shows_torchs_nodes(cls, layers, bidirectional):
    """torch packs with one PackPaddedSequenceBackward0 node, concatenates a packed run's steps (CatBackward0)
    and puts the final states back in the caller's order with index_select (IndexSelectBackward0): what a
    printed h_n or output.data shows."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        rnn = getattr(m.nn, cls)(1, 2, num_layers=layers, bidirectional=bidirectional)
        x = m.randn(4, 3, 1, requires_grad=True)
        packed = R(m).pack_padded_sequence(x, m.tensor([2, 4, 1]), enforce_sorted=False)
        out, h = rnn(packed)
        states = h if cls == "LSTM" else (h,)
        names.append((packed.data.grad_fn.name(), out.data.grad_fn.name(), [s.grad_fn.name() for s in states]))
    assert names[0] == names[1]


NOT_TENSOR_SEQUENCES = [lambda m: m.nn.utils.rnn.pad_sequence([m.ones(2), [3]]),  # token ids left as a list
                        lambda m: m.nn.utils.rnn.pad_sequence([m.ones(2), np.ones(2)]),
                        lambda m: m.nn.utils.rnn.pad_sequence([1, 2], padding_side="middle"),
                        lambda m: m.nn.utils.rnn.pad_sequence([m.ones(2), None], batch_first=True),
                        lambda m: m.nn.utils.rnn.pack_sequence([m.ones(2), [1]])]


@pytest.mark.parametrize("call", NOT_TENSOR_SEQUENCES)
def test_sequences_that_are_not_tensors_raise_torchs_error(call):
    check_error(call)


def test_lengths_that_require_grad_are_read_as_torch_reads_them():
    check_parity(lambda m, x: m.nn.utils.rnn.pad_packed_sequence(
        m.nn.utils.rnn.pack_padded_sequence(x, m.tensor([4.0, 2.0, 1.0], requires_grad=True)))[0], shapes=[(4, 3, 2)])


def test_packed_sequence_has_torchs_conversions_and_device_calls():
    """byte/char/short convert data, pin_memory and cuda ask a tensor first (torch's error without accelerator)."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        p = m.nn.utils.rnn.pack_sequence([m.ones(3), m.ones(2)])
        errors = []
        for call in (p.cuda, p.pin_memory):
            try:
                call()
            except Exception as e:  # noqa: BLE001  (the error is what is compared)
                errors.append((type(e).__name__, str(e)))
        seen.append(([str(q.data.dtype).split(".")[1] for q in (p.byte(), p.char(), p.short())], errors))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("total_length", [None, 6])
def test_pad_packed_and_unpack_show_torchs_nodes(enforce_sorted, batch_first, total_length):
    """torch fills the padded output and copies blocks of steps into it (CopySlices), transposes for
    batch_first, and puts an unsorted batch back in order with index_select; unpad_sequence picks each
    sequence with a mask (IndexBackward0). Godoy's book prints these grad_fns."""
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        seqs = [m.randn(n, 2, requires_grad=True) for n in ((4, 3, 2, 2) if enforce_sorted else (2, 4, 2, 3))]
        packed = R(m).pack_sequence(seqs, enforce_sorted=enforce_sorted)
        padded, lengths = R(m).pad_packed_sequence(packed, batch_first=batch_first, total_length=total_length)
        names.append((padded.grad_fn.name(), lengths.tolist(),
                       [s.grad_fn.name() for s in R(m).unpack_sequence(packed)],
                       [s.grad_fn.name() for s in R(m).unpad_sequence(padded * 1, lengths, batch_first)]))
    assert names[0] == names[1]


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pad_packed_gradients_match_torch(enforce_sorted):
    lengths = [4, 3, 3, 1] if enforce_sorted else [3, 4, 1, 3]
    x = np.random.default_rng(1).standard_normal((4, 4, 3))

    def run(m, a):
        packed = R(m).pack_padded_sequence(a, lengths, enforce_sorted=enforce_sorted)
        return R(m).pad_packed_sequence(packed, batch_first=True, padding_value=-1.0, total_length=5)[0]
    check_parity(run, [x])


def test_unpad_sequence_transposes_a_seq_first_batch_in_place_as_torch():
    torch = require_torch()
    shapes = []
    for m in (tinygrad_rnn, torch):
        padded = m.zeros(4, 3, 2)
        pieces = R(m).unpad_sequence(padded, m.tensor([4, 2, 3]))
        shapes.append((tuple(padded.shape), [tuple(p.shape) for p in pieces]))
    assert shapes[0] == shapes[1] == ((3, 4, 2), [(4, 2), (2, 2), (3, 2)])
    check_error(lambda m, a: R(m).unpad_sequence(m.tensor(a), [4, 2, 3]), np.zeros((4, 3, 2)))  # a list of lengths
    check_error(lambda m, a: R(m).unpad_sequence(m.tensor(a), m.tensor([4, 2])), np.zeros((4, 3, 2)))


@pytest.mark.parametrize("batch_first", [False, True])
def test_unsorted_pad_packed_sequence_is_row_major_and_views_as_torchs(batch_first):
    """enforce_sorted=False: torch's index_select back to the caller's order gives a row-major tensor, so
    DeepSpeech2's `x.view(T * N, -1)` after a BiGRU works (ours came out transposed and raised)."""
    torch = require_torch()
    seen = []
    for lib in (tinygrad_rnn, torch):
        lib.manual_seed(0)
        rnn = lib.nn.GRU(4, 3, bidirectional=True, batch_first=batch_first)
        x = lib.randn(3, 5, 4) if batch_first else lib.randn(5, 3, 4)
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lib.tensor([5, 3, 4]), batch_first, enforce_sorted=False)
        out, lengths = lib.nn.utils.rnn.pad_packed_sequence(rnn(packed)[0], batch_first)
        seen.append((out.stride(), out.view(15, -1).shape, lengths.tolist()))
    assert seen[0] == seen[1]
