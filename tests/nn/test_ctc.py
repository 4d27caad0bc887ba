"""CTCLoss against torch: every reduction, zero_infinity, blank, padded and concatenated targets,
unbatched input; the gradient of log_probs (torch's formula) and of the logits before log_softmax;
finite differences through log_softmax; torch's errors."""
import numpy as np
import pytest
from helpers import TOL, check_error, check_finite_differences, check_parity, require_torch
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_rnn

T, N, C = 7, 3, 5
TARGETS = np.array([[1, 2, 2], [3, 1, 0], [4, 4, 4]])
LENGTHS = {  # (input_lengths, target_lengths)
    "full and short": ([7, 6, 5], [3, 2, 3]),
    "impossible and empty": ([7, 2, 0], [3, 2, 0]),  # sample 1 needs 3 frames for "3 1"; sample 2 has none
    "empty targets": ([7, 7, 7], [0, 1, 2]),
}


def _ctc(m, logits, lengths, layout, blank=0, **kwargs):
    input_lengths, target_lengths = lengths
    targets = TARGETS[:len(input_lengths)]
    if layout == "concatenated":
        targets = np.concatenate([targets[b, :n] for b, n in enumerate(target_lengths)])
    log_probs = logits.log_softmax(2)
    loss = m.nn.functional.ctc_loss(log_probs, m.tensor(targets), m.tensor(input_lengths),
                                    m.tensor(target_lengths), blank=blank, **kwargs)
    return log_probs, loss


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["padded", "concatenated"])
@pytest.mark.parametrize("lengths", list(LENGTHS))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_loss_and_logit_gradient_match_torch(reduction, lengths, layout, dtype):
    # The impossible alignment makes the loss inf; only zero_infinity keeps its gradient finite.
    zero_infinity = lengths == "impossible and empty"
    check_parity(lambda m, x: _ctc(m, x, LENGTHS[lengths], layout, reduction=reduction,
                                   zero_infinity=zero_infinity)[1],
                 shapes=[(T, N, C)], dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("blank", [0, 3])
def test_ctc_log_probs_gradient_is_torchs(blank, dtype):
    """torch's gradient with respect to log_probs is exp(log_probs) - posterior (not -posterior):
    compare it directly, on the log_probs tensor itself."""
    def fn(m, x):
        log_probs = m.tensor(x.detach().numpy(), requires_grad=True)
        return m.nn.functional.ctc_loss(log_probs, m.tensor(np.where(TARGETS == blank, 1, TARGETS)),
                                        [7, 6, 5], [3, 2, 3], blank=blank, reduction="sum"), log_probs
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((T, N, C)).astype(dtype)
    results = []
    for m in (tinygrad_rnn, require_torch()):
        loss, log_probs = fn(m, m.tensor(logits).log_softmax(2))
        loss.backward()
        results.append((loss.detach().numpy(), log_probs.grad.numpy()))
    for ours, theirs in zip(*results):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, **TOL[dtype])


def test_ctc_unbatched_matches_torch():
    check_parity(lambda m, x: m.nn.functional.ctc_loss(x.log_softmax(1), m.tensor(TARGETS[0]), [6], [3],
                                                       reduction="none"), shapes=[(6, C)])


def test_ctc_module_with_int_list_lengths_matches_torch():
    check_parity(lambda m, x: m.nn.CTCLoss(blank=4, zero_infinity=True)(x.log_softmax(2), m.tensor(TARGETS % 4),
                                                                         (7, 6, 5), (3, 2, 3)),
                 shapes=[(T, N, C)])


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("batched", [True, False])
def test_ctc_zero_infinity_graph_is_a_where_above_the_loss_as_torchs(reduction, batched):
    """torch keeps inf in the CtcLossBackward0 node and swaps it for zero in a WhereBackward0 after it."""
    torch = require_torch()
    graphs = []
    for m in (tinygrad_rnn, torch):
        lp = m.tensor(LP, requires_grad=True)
        args = (lp, m.tensor([[1, 2, 1], [3, 1, 0]]), [5, 2], [3, 2]) if batched else (lp[:, 0], m.tensor([1, 2]), [5], [2])
        node = m.nn.functional.ctc_loss(*args, reduction=reduction, zero_infinity=True).grad_fn
        names = []
        while node is not None and node.name() != "CtcLossBackward0":
            names.append(node.name())
            node = next((f for f, _ in node.next_functions if f is not None), None)
        graphs.append(names)
    assert graphs[0] == graphs[1]


def test_ctc_gradient_through_log_softmax_by_finite_differences():
    rng = np.random.default_rng(1)
    check_finite_differences(lambda m, x: _ctc(m, x, ([4, 3], [2, 1]), "padded", reduction="none")[1],
                             [rng.standard_normal((4, 2, C))])


def test_ctc_loss_repr_matches_torch():
    torch = require_torch()
    assert repr(tinygrad_rnn.nn.CTCLoss(blank=2)) == repr(torch.nn.CTCLoss(blank=2))


LP = np.log(np.full((5, 2, 4), 0.25))
ERRORS = {
    "blank out of range": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [5, 4], [2, 2],
                                                             blank=4),
    "input_lengths size": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [5], [2, 2]),
    "target_lengths size": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [5, 4], [2]),
    "input too long": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [6, 4], [2, 2]),
    "negative input length": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [-1, 4],
                                                                [2, 2]),
    "negative target length": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [5, 4],
                                                                 [-1, 2]),
    "target longer than padding": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]),
                                                                     [5, 4], [3, 2]),
    "concatenated too short": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([1, 2, 3]), [5, 4], [2, 2]),
    "float lengths": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]),
                                                        m.tensor([5.0, 4.0]), m.tensor([2, 2])),
    "4-D log_probs": lambda m: m.nn.functional.ctc_loss(m.tensor(LP[None]), m.tensor([[1, 2], [3, 1]]), [5, 4],
                                                        [2, 2]),
    "bad reduction": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), [5, 4], [2, 2],
                                                        reduction="avg"),
    "integer log_probs": lambda m: m.nn.functional.ctc_loss(m.tensor(LP).long(), m.tensor([[1, 2], [3, 1]]),
                                                            [5, 4], [2, 2]),
    "half log_probs": lambda m: m.nn.functional.ctc_loss(m.tensor(LP).half(), m.tensor([[1, 2], [3, 1]]),
                                                         [6, 4], [2, 2]),  # the dtype is refused before the lengths
    "bool lengths": lambda m: m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]),
                                                       m.tensor([5, 4]), m.tensor([True, True])),
}
# torch picks an overload by the two lengths together: both Tensors, or both int sequences (first element)
LENGTH_FORMS = {
    "ints": (5, 2), "int and list": ([5, 4], 2), "tensor and list": ("tensor", [2, 2]),
    "list and tensor": ([5, 4], "tensor"), "float first": ([5.0, 4], [2, 2]), "float later": ([5, 4.0], [2, 2]),
    "bool first": ([True, 4], [2, 2]), "float later in target": ([5, 4], [2, 2.0]), "array": ([5, 4], np.array([2, 2])),
}


@pytest.mark.parametrize("form", list(LENGTH_FORMS))
def test_ctc_length_forms_raise_torchs_errors(form):
    def call(m):
        lengths = [m.tensor([5, 4] if i == 0 else [2, 2]) if isinstance(v, str) else v
                   for i, v in enumerate(LENGTH_FORMS[form])]
        return m.nn.functional.ctc_loss(m.tensor(LP), m.tensor([[1, 2], [3, 1]]), *lengths)
    check_error(call)


def test_ctc_lengths_take_bools_and_integer_tensors_after_the_first_element():
    check_parity(lambda m, x: m.nn.functional.ctc_loss(x.log_softmax(2), m.tensor([[1, 2], [3, 1]]), (5, True),
                                                       [2, m.tensor(1)], reduction="none"), shapes=[(5, 2, 4)])


def test_ctc_of_a_non_tensor_raises_torchs_type_error():
    """torch's TypeError listing its overloads (its per-overload 'didn't match' lines are not reproduced)."""
    targets = tinygrad_rnn.tensor([[1, 2], [3, 1]])
    for log_probs, target in ((tinygrad_rnn.tensor(LP), "a"), ([1.0], targets)):
        with pytest.raises(TypeError, match=r"ctc_loss\(\) received an invalid combination of arguments - got \("):
            tinygrad_rnn.nn.functional.ctc_loss(log_probs, target, [5, 4], [2, 2])


@pytest.mark.parametrize("case", list(ERRORS))
def test_ctc_errors_match_torch(case):
    check_error(ERRORS[case])


def test_ctc_label_out_of_range_is_refused():
    """torch reads out of bounds (undefined result); we refuse with a clear error instead."""
    with pytest.raises(RuntimeError, match="target labels must be in"):
        tinygrad_rnn.nn.functional.ctc_loss(tinygrad_rnn.tensor(LP), tinygrad_rnn.tensor([[1, 7], [3, 1]]),
                                            [5, 4], [2, 2])


@st.composite
def _ctc_problems(draw):
    """Random batches: frames, classes, per-sample target lengths (some longer than the frames allow)."""
    frames, batch, classes = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(st.integers(2, 4))
    input_lengths = draw(st.lists(st.integers(0, frames), min_size=batch, max_size=batch))
    target_lengths = draw(st.lists(st.integers(0, 4), min_size=batch, max_size=batch))
    blank = draw(st.integers(0, classes - 1))
    labels = [draw(st.lists(st.integers(0, classes - 2), min_size=n, max_size=n)) for n in target_lengths]
    labels = [[c + (c >= blank) for c in row] for row in labels]  # never the blank
    seed = draw(st.integers(0, 2**16))
    return frames, classes, input_lengths, target_lengths, blank, labels, seed


@given(_ctc_problems(), st.sampled_from(["padded", "concatenated"]))
def test_ctc_random_problems_match_torch(problem, layout):
    frames, classes, input_lengths, target_lengths, blank, labels, seed = problem
    width = max(max(target_lengths), 1)
    padded = np.array([row + [blank] * (width - len(row)) for row in labels])
    targets = padded if layout == "padded" else np.array([c for row in labels for c in row], dtype=np.int64)

    def fn(m, x):
        return m.nn.functional.ctc_loss(x.log_softmax(2), m.tensor(targets), input_lengths, target_lengths,
                                        blank=blank, reduction="none", zero_infinity=True)

    check_parity(fn, shapes=[(frames, len(labels), classes)], seed=seed)


def test_a_label_equal_to_the_blank_may_skip_as_in_torch():
    """torch's kernel lets a path skip from two positions back whenever the two symbols differ, even when the
    label is the blank's class (targets [0, 1] with blank=1: five paths of three frames, not one). Fuzz seed 140."""
    torch = require_torch()
    losses = []
    for m in (tinygrad_rnn, torch):
        log_probs = m.full((3, 1, 4), 0.25, dtype=m.float64).log()
        losses.append(m.nn.functional.ctc_loss(log_probs, m.tensor([[0, 1]]), (3,), (2,), blank=1,
                                               reduction="sum").item())
    assert abs(losses[0] - losses[1]) < 1e-12
