"""Named regressions from the wide differential fuzz run of the tensor-level and training-stack families
(tests/fuzz/report.py -n 400): each case once returned something else than torch, accepted garbage, or
raised another kind of error. (The nn families' regressions live in test_bad_input_regressions.py.)"""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn


def _setitem(m, x, key, value):
    x[key] = value
    return x


# Each call must raise torch's exception type with torch's message.
SAME_ERROR = {
    "narrow_negative_length_before_the_dim": lambda m: m.ones(2).narrow(-3, 1, -1),
    "narrow_negative_length_before_the_start": lambda m: m.ones(2).narrow(0, 3, -1),
    "narrow_start_out_of_range": lambda m: m.ones(2).narrow(0, 5, 0),
    "narrow_negative_start_out_of_range": lambda m: m.ones(2).narrow(0, -5, 0),
    "movedim_lengths_before_the_dims": lambda m: m.tensor(0).movedim([1], ()),
    "movedim_repeated_source": lambda m: m.ones(2, 3).movedim([0, 0], [0, 1]),
    "movedim_repeated_destination": lambda m: m.ones(2, 3).movedim([0, 1], [1, -1]),
    "tensor_none_as_int8": lambda m: m.tensor(None, dtype=m.int8),
    "tensor_none_as_float": lambda m: m.tensor(None, dtype=m.float32),
    "tensor_object_as_float": lambda m: m.tensor(object(), dtype=m.float64),
    "roll_float_shift": lambda m: m.ones(3, 0, 2).roll(1.5, 1),
    "roll_without_shifts": lambda m: m.ones(3, 2).roll((), ()),
    "setitem_index_put_wants_the_same_dtype": lambda m: _setitem(m, m.ones(3), [0], m.tensor(2)),
    "setitem_index_put_dtype_before_bounds": lambda m: _setitem(m, m.ones(3, dtype=m.int64), [4, 1],
                                                                m.tensor([2, 3], dtype=m.int8)),
    "setitem_index_put_shape_before_bounds": lambda m: _setitem(m, m.ones(2, 3), ([0, 1], [5, 1]), m.ones(3)),
    "setitem_empty_index_put_checks_the_dtype": lambda m: _setitem(m, m.ones(0), [], m.tensor(2)),
    "setitem_0d_bool_index_is_an_index_put": lambda m: _setitem(m, m.arange(3.0), m.tensor(False), m.tensor(3)),
    "setitem_byte_mask_fill": lambda m: _setitem(m, m.arange(3.0), m.tensor([1, 0, 1], dtype=m.uint8), 5),
    "setitem_bounds_of_a_nonempty_selection": lambda m: _setitem(m, m.ones(2, 3), ([0, 1], [5, 1]), 3.0),
    "getitem_list_of_bools_is_a_mask": lambda m: m.arange(3.0)[[True]],
    "einsum_bool_product": lambda m: m.einsum("ij,jk->ik", m.ones(2, 2, dtype=m.bool), m.ones(2, 2, dtype=m.bool)),
    "einsum_bool_first_operand_before_dtypes": lambda m: m.einsum("i,i->", m.ones(2, dtype=m.bool), m.ones(2)),
    "matmul_bool_batches": lambda m: m.ones(3, 1, 2, 1, dtype=m.bool) @ m.ones(1, 1, 3, dtype=m.bool),
    "matmul_batch_broadcast_before_the_matrices": lambda m: m.ones(3, 2, 2) @ m.ones(2, 3, 2),
    "bool_dot_length_before_dtype": lambda m: m.dot(m.ones(2, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "bool_mm_shapes_before_dtype": lambda m: m.mm(m.ones(2, 1, dtype=m.bool), m.ones(0, 2, dtype=m.bool)),
    "relu_of_bool": lambda m: m.relu(m.tensor(False)),
    "abs_of_bool": lambda m: m.tensor([True]).abs(),
    "arange_nan_step": lambda m: m.arange(2, 3, float("nan")),
    "flatten_dim_types_first": lambda m: m.tensor(2).flatten(-2, ()),
    "split_negative_size_before_the_dim": lambda m: m.ones(3, 2).split(-1, 2),
    "repeat_negative": lambda m: m.ones(0, 3).repeat(-1, -1, -1),
    "repeat_negative_into_a_size": lambda m: m.ones(1, 2).repeat(1, -1, 2),
    "index_count_before_slice_steps": lambda m: m.tensor(4)[::-1, None],
    "index_count_takes_a_str": lambda m: m.ones(3)[m.tensor([True]), "a"],
}


@pytest.mark.parametrize("case", SAME_ERROR)
def test_same_error_as_torch(case):
    check_error(SAME_ERROR[case])


# Each call must give torch's value and dtype.
SAME_RESULT = {
    "bool_to_a_bool_power_stays_bool": lambda m: [m.tensor([True, False]) ** True, m.tensor([True, False]) ** False,
                                                  m.pow(m.tensor([True]), True)],
    "movedim_of_0d": lambda m: [m.tensor(1.0).movedim(0, -1), m.tensor(1.0).movedim([], [])],
    "byte_tensor_index_is_a_mask": lambda m: [m.arange(3.0)[m.tensor([1, 0, 1], dtype=m.uint8)],
                                              m.arange(3.0)[m.tensor(1, dtype=m.uint8)]],
    "byte_mask_setitem_of_a_vector": lambda m: _setitem(m, m.arange(3.0), m.tensor([1, 0, 1], dtype=m.uint8),
                                                        m.tensor([5.0, 6.0])),
    "index_tensor_out_of_range_reads_nothing": lambda m: [m.ones(3, 0)[m.tensor([-5, 4])], m.ones(0, 3)[:, [5]],
                                                          m.ones(2, 3)[[5], :0], m.ones(2, 0, 3)[[5], :, [1]]],
    "setitem_out_of_range_writes_nothing": lambda m: [_setitem(m, m.ones(3, 0), [4, 4], 1),
                                                      _setitem(m, m.ones(0, 3), (slice(None), [5]), 1.0),
                                                      _setitem(m, m.ones(3, 0), m.tensor([-5, 4]), m.ones(2, 0))],
    "setitem_mask_fill_converts_one_number": lambda m: _setitem(m, m.ones(3), m.tensor([True, False, True]),
                                                                m.tensor(2)),
    "bool_matmul_of_nothing": lambda m: [m.ones(2, 0, dtype=m.bool) @ m.ones(0, 3, dtype=m.bool),
                                         m.ones(0, 2, dtype=m.bool) @ m.ones(2, 3, dtype=m.bool),
                                         m.mv(m.ones(2, 0, dtype=m.bool), m.ones(0, dtype=m.bool)),
                                         m.ones(2, dtype=m.bool) @ m.ones(3, 2, 0, dtype=m.bool)],
    "roll_of_an_empty_tensor_skips_the_dims": lambda m: [m.ones(3, 0, 2).roll(-2, -5),
                                                         m.ones(3, 0, 2).roll((1, 2), (0, 7))],
    "repeat_negative_of_an_empty_dim": lambda m: m.ones(0, 2).repeat(-1, 2),
    "later_ellipses_take_nothing": lambda m: [m.ones(2, 3)[..., ...], m.ones(2, 3)[0, ..., ...],
                                              m.ones(2, 3, 4)[..., None, ...], m.tensor(3.0)[..., ...]],
    "setitem_with_several_ellipses": lambda m: [_setitem(m, m.ones(2, 3), (Ellipsis, 0, Ellipsis), m.tensor([1.0, 2])),
                                                _setitem(m, m.ones(0, 0), (Ellipsis, Ellipsis), -2.0)],
}


@pytest.mark.parametrize("case", SAME_RESULT)
def test_same_result_as_torch(case):
    check_parity(SAME_RESULT[case])


@pytest.mark.parametrize("call", [lambda m: m.ones(2).movedim(-5, float("nan")), lambda m: m.ones(2).movedim(0.0, 0),
                                  lambda m: m.ones(2, 3).movedim((0.5,), (1,)), lambda m: m.ones(2, 3).movedim(True, 1)])
def test_movedim_takes_two_ints_or_two_lists_of_ints_as_torch(call):
    """torch's parser refuses these before it looks at the dims (it then lists its overloads, we do not)."""
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="movedim"):
            call(m)


def test_empty_dim_with_an_index_is_an_index_error_as_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(IndexError):
            m.ones(0)[[0]] = m.ones(3)
        with pytest.raises(IndexError):
            m.ones(2, 0)[[0, 1], [5, 1]]


@pytest.mark.parametrize("momentum, nesterov", [(0.3, False), (0.3, True), (0.0, False)])
def test_sgd_with_a_parameter_listed_twice_steps_as_torch(momentum, nesterov):
    """torch reads every momentum buffer before it updates any: on the first step both entries start afresh."""
    torch = require_torch()
    results = []
    for m in (torch, tinygrad_rnn):
        w = m.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
        with pytest.warns(UserWarning, match="duplicate parameters"):
            opt = m.optim.SGD([w, w], lr=0.27, momentum=momentum, nesterov=nesterov)
        for _ in range(3):
            w.grad = m.tensor(np.linspace(0.5, -0.5, 6).reshape(2, 3))
            opt.step()
        results.append(w.detach().numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12, atol=1e-14)
