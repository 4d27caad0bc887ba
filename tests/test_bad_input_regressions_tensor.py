"""Named regressions from the wide differential fuzz run of the tensor-level and training-stack families
(tests/fuzz/report.py -n 400): each case once returned something else than torch, accepted garbage, or
raised another kind of error. (The nn families' regressions live in test_bad_input_regressions.py.)"""
import warnings

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
    "tensor_str_inside_a_list_is_a_sequence": lambda m: m.tensor([[False], "abc", []], dtype=m.float64),
    "tensor_str_of_the_right_length_holds_strs": lambda m: m.tensor([[1.0, 2.0], "ab"], dtype=m.float32),
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
    "median_keepdim_none": lambda m: m.tensor(-1, dtype=m.int32).median(0, keepdim=None),
    "median_dim_type_before_bool": lambda m: m.tensor(True).median(float("nan")),
    "argmax_bool_dim_before_bool_input": lambda m: m.tensor([True]).argmax(dim=True),
    "norm_list_order": lambda m: m.ones(0, 3, dtype=m.int32).norm([1]),
    "norm_unknown_order": lambda m: m.ones(0, dtype=m.float16).norm("a"),
    "nuclear_norm_of_a_vector": lambda m: m.ones(3).norm("nuc"),
    "frobenius_norm_over_three_dims": lambda m: m.ones(2, 3, 3).norm("fro", (0, 1, 2)),
    "negative_norm_of_nothing": lambda m: m.ones(0, 3).norm(-1),
    "max_norm_of_an_empty_dim": lambda m: m.ones(0, 3).norm(float("inf"), 0),
    "bool_cumsum": lambda m: m.ones(2, dtype=m.int32).cumsum(0, dtype=m.bool),
    "bool_remainder": lambda m: m.ones(2, dtype=m.bool) % True,
    "bool_floor_division": lambda m: m.ones(2, dtype=m.bool) // True,
    "rounding_division_shapes_first": lambda m: m.div(m.ones(2, dtype=m.int64), m.zeros(3, dtype=m.int64),
                                                      rounding_mode="floor"),
    "bad_rounding_mode": lambda m: m.div(m.ones(2), m.ones(2), rounding_mode="bad"),
    "bmm_of_two_dtypes": lambda m: m.bmm(m.ones(1, 2, 2), m.ones(1, 2, 2, dtype=m.float64)),
    "bmm_of_bools": lambda m: m.bmm(m.ones(1, 2, 2, dtype=m.bool), m.ones(1, 2, 2, dtype=m.bool)),
    "zeros_like_requires_grad_int": lambda m: m.zeros_like(m.ones(2, dtype=m.int64), requires_grad=1),
    "zeros_like_on_cuda": lambda m: m.zeros_like(m.ones(2), device="cuda"),
    "tensor_requires_grad_none": lambda m: m.tensor([[2]], requires_grad=None),
    "tril_indices_requires_grad_type_first": lambda m: m.tril_indices(-1, 2, -2, requires_grad=1),
    "index_types_left_to_right": lambda m: m.ones(0, 1)[1.5, ::-1, None],
    "zeros_device_before_the_size": lambda m: m.zeros((1, 2.0, 1), device="cuda"),
    "rand_like_on_cuda_before_the_dtype": lambda m: m.rand_like(m.tensor([-2, 2]), device="cuda"),
    "short_int_index_tensor": lambda m: m.ones(3, 2)[..., m.tensor([0, -1], dtype=m.int16)],
    "bool_in_a_tuple_key_is_an_index_put": lambda m: _setitem(m, m.ones(1, dtype=m.int32), (Ellipsis, False),
                                                             m.ones(1, 1, dtype=m.bool)),
    "scalar_tensor_of_none": lambda m: m.scalar_tensor(None),
    "triu_indices_float_size": lambda m: m.triu_indices(2, 2.0),
    "triu_indices_negative_row": lambda m: m.triu_indices(-1, 2),
    "tril_indices_on_cuda": lambda m: m.tril_indices(2, 2, device="cuda"),
    "tril_indices_requiring_grad": lambda m: m.tril_indices(2, 2, requires_grad=True),
    "normal_negative_std": lambda m: m.normal(0.0, -1.0, (0, 2)),
    "normal_nan_std": lambda m: m.normal(0.0, float("nan"), (2,)),
    "normal_negative_std_tensor": lambda m: m.normal(0.0, m.tensor([-1.0, 1.0])),
    "bernoulli_p_above_one": lambda m: m.bernoulli(m.tensor([1.5])),
    "bernoulli_of_ints": lambda m: m.bernoulli(m.tensor([2])),
    "optimizer_fused_with_foreach": lambda m: m.optim.Adagrad([m.ones(2, requires_grad=True)], fused=True,
                                                              foreach=True),
    "out_of_a_lower_kind": lambda m: m.add(m.ones(2, dtype=m.int64), 1, out=m.ones(2, dtype=m.bool)),
    "out_of_another_dtype_for_a_matrix_product": lambda m: m.mm(m.ones(2, 2), m.ones(2, 2),
                                                                out=m.ones(2, 2, dtype=m.float64)),
    "addmm_out_of_another_dtype": lambda m: m.addmm(m.ones(2, 2), m.ones(2, 2), m.ones(2, 2),
                                                    out=m.ones(2, 2, dtype=m.float64)),
    "out_not_a_tensor": lambda m: m.exp(m.ones(2), out=[1.0]),
    "matmul_out_not_a_tensor": lambda m: m.matmul(m.ones(2, 2), m.ones(2, 2), out=1.0),
    "cat_out_of_a_lower_kind": lambda m: m.cat([m.ones(2)], out=m.ones(2, dtype=m.int64)),
    "sub_of_bools_reads_a_big_int_first": lambda m: m.sub(m.tensor([True]), 2 ** 70, alpha=2),
    "half_pow_exponent_beyond_half": lambda m: m.ones(2, dtype=m.float16).pow(1e5),
    "int_beyond_64_bits_with_a_float_tensor": lambda m: m.ones(2) + 2 ** 70,
    "int_beyond_64_bits_with_an_int_tensor": lambda m: m.ones(2, dtype=m.int64) + 2 ** 70,
    "index_select_takes_no_negative_index": lambda m: m.ones(3).index_select(0, m.tensor(-1)),
    "bool_0d_tensor_as_softmax_dim": lambda m: m.ones(3).softmax(m.tensor(False)),
    "float_0d_tensor_as_topk_k": lambda m: m.ones(3).topk(m.tensor(1.0)),
    "float_0d_tensor_as_narrow_start": lambda m: m.ones(3).narrow(0, m.tensor(1.0), 1),
    "weight_decay_true_is_a_bool_alpha": lambda m: _step_once(m, "RAdam", weight_decay=True),
    "nadam_weight_decay_true": lambda m: _step_once(m, "NAdam", weight_decay=True, momentum_decay=True),
    "sgd_weight_decay_true": lambda m: _step_once(m, "SGD", weight_decay=True),
    "sgd_nesterov_momentum_true": lambda m: _step_once(m, "SGD", momentum=True, nesterov="yes"),
    **{f"{name.lower()}_betas_triple_before_capturable": (lambda m, name=name: _step_once(
        m, name, betas=(0.9, 0.99, 0.1), capturable=True)) for name in ("Adam", "AdamW", "NAdam", "RAdam", "Adamax")},
    **{f"{fn}_oldest_form_takes_nothing_else": (lambda m, fn=fn: getattr(m, fn)(m.ones(3, 2), True, keepdim=False))
       for fn in ("var", "std", "var_mean", "std_mean")},
    "var_unbiased_and_keepdim_without_dim": lambda m: m.ones(3, 2).var(unbiased=True, keepdim=True),
    "var_of_bools_by_the_oldest_form_with_keepdim": lambda m: m.ones(3, 0, 1, dtype=m.bool).var(True, keepdim=False),
    "index_tensors_that_do_not_broadcast": lambda m: m.ones(2, 3, 4)[[[0, 1]], [[0], [1], [0]], [0, 1, 0, 1]],
    "bool_and_list_index_that_do_not_broadcast": lambda m: m.ones(2, 3, 4)[False, 0, [0, 1]],
    "cyclic_lr_height_before_scale": lambda m: m.optim.lr_scheduler.CyclicLR(
        m.optim.SGD([m.ones(2, requires_grad=True)], lr=0.1, momentum=0.9), base_lr="0.1", max_lr=0.42,
        step_size_up=4, mode="exp_range", gamma="0.1"),
    "index_add_0d_several_indices_before_their_range": lambda m: m.index_add(
        m.tensor(-2, dtype=m.int8), -1, m.tensor([1, -1, -2]), m.tensor(5, dtype=m.int8), alpha=0.5),
    "index_add_0d_index_out_of_range": lambda m: m.index_add(m.tensor(-2.0), 0, m.tensor([1]), m.tensor(5.0)),
    "addcmul_of_bools": lambda m: m.addcmul(m.tensor(False), m.tensor(False), m.tensor(False)),
    "index_fill_dim_of_the_wrong_type_first": lambda m: m.tensor(0.5).index_fill([1], m.tensor([0]),
                                                                                 m.tensor([], dtype=m.bool)),
    "index_fill_float_dim_function_form": lambda m: m.index_fill(m.ones(3), 1.5, m.tensor([0]), 1.0),
    "index_fill_value_dims_first": lambda m: m.tensor([1.5]).index_fill(-2, m.tensor([], dtype=m.int64), m.tensor([1.0])),
    "index_add_into_nothing_checks_the_index_dtype": lambda m: m.index_add(m.ones(1, 0, 0), -2, m.zeros(3),
                                                                           m.ones(1, 3, 0)),
    "take_along_dim_flat_float_indices": lambda m: m.take_along_dim(m.ones(3), m.tensor([0.0])),
    "take_along_dim_int32_indices_along_a_dim": lambda m: m.take_along_dim(m.ones(3), m.tensor([0], dtype=m.int32), 0),
    "take_along_dim_over_an_empty_dim": lambda m: m.take_along_dim(m.ones(3, 0), m.tensor([[0]]), 1),
    "addmm_input_must_expand_not_broadcast": lambda m: m.addmm(m.ones(2, 2), m.ones(1, 1), m.ones(1, 1)),
    "addbmm_input_must_expand": lambda m: m.addbmm(m.ones(2, 2), m.ones(0, 1, 1), m.ones(0, 1, 1)),
    "addr_input_must_expand": lambda m: m.addr(m.ones(2, 2), m.ones(1), m.ones(1)),
    "addmv_input_of_two_dims": lambda m: m.addmv(m.ones(3, 1, dtype=m.float64), m.ones(3, 2), m.ones(2)),
    "addmv_sizes_before_dtypes": lambda m: m.addmv(m.ones(3), m.ones(2, 2), m.ones(3, dtype=m.float64)),
    "addmv_size_mismatch_of_a_0d_input": lambda m: m.addmv(m.ones(()), m.ones(2, 2), m.ones(3)),
    "baddbmm_empty_batch_input_must_expand": lambda m: m.baddbmm(m.ones(2, 2), m.ones(0, 1, 1), m.ones(0, 1, 1)),
    "lerp_checks_shapes_before_the_kernel_dtype": lambda m: m.lerp(m.ones(3, 0, 2, dtype=m.int64),
                                                                   m.ones(3, 0, dtype=m.int64), False),
    "lerp_checks_the_weight_shape_too": lambda m: m.lerp(m.ones(3, 2, dtype=m.int64), m.ones(3, 2, dtype=m.int64),
                                                         m.ones(2, 3, dtype=m.int64)),
    "mask_put_of_a_0d_tensor_checks_its_range": lambda m: m.zeros(2, dtype=m.int8).__setitem__(
        m.ones(2, dtype=m.bool), m.tensor(300.0)),
    "empty_mask_put_of_a_0d_nan_checks_its_range": lambda m: m.zeros(0, 0, dtype=m.int8).__setitem__(
        (m.zeros(0, dtype=m.bool),), m.tensor(float("nan"))),
    "rprop_without_step_size_bounds": lambda m: _step_once(m, "Rprop", step_sizes=(None, None), maximize=True),
    "fused_adamw_betas_not_a_pair": lambda m: _step_once(m, "AdamW", betas=(0.9, 0.99, 0.1), capturable=True,
                                                         fused=True),
    "optimizer_fused_with_differentiable": lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], fused=True,
                                                                 differentiable=True),
    "max_other_with_keepdim": lambda m: m.ones(3).max(m.ones(3), True),
    "amax_empty_dim_before_repeats": lambda m: m.ones(0, 3).amax((0, 0)),
    "amin_empty_dim_before_range": lambda m: m.ones(0, 3).amin((-2, 2)),
    "full_beyond_float": lambda m: m.full((2,), 1e300),
    "full_beyond_half": lambda m: m.full((2,), 65519.0, dtype=m.float16),
    "full_int_beyond_64_bits": lambda m: m.full((2,), 10 ** 20, dtype=m.float32),
    "full_like_beyond_float": lambda m: m.full_like(m.ones(2), -1e300),
    "new_full_beyond_float": lambda m: m.ones(2).new_full((2,), 3.5e38),
    "new_full_beyond_int8": lambda m: m.ones(2, dtype=m.int8).new_full((2,), 300),
    # the size is read before the fill is converted (a bad size was reported as the fill's overflow)
    "new_full_bad_size_before_the_fill_overflows": lambda m: m.ones(2, dtype=m.int8).new_full((3, "2"), 1e9),
    "new_full_negative_size_before_the_fill_overflows": lambda m: m.ones(2, dtype=m.int8).new_full((3, -1), 1000),
    "new_full_dtype_not_a_dtype": lambda m: m.ones(2).new_full((3, "2"), 1, dtype="x"),
    "new_zeros_dtype_not_a_dtype": lambda m: m.ones(2).new_zeros(2, dtype=3),
    "masked_fill_beyond_float": lambda m: m.ones(2).masked_fill(m.tensor([True, False]), 1e300),
    # a 0-d tensor given for a number is read as its value, and checked (it was cast: 300 became 44)
    "full_like_0d_tensor_beyond_int8": lambda m: m.full_like(m.ones(2, dtype=m.int8), m.tensor(300)),
    "new_full_0d_tensor_beyond_int8": lambda m: m.ones(2, dtype=m.int8).new_full((2,), m.tensor(300.0)),
    # a 0-d tensor's value is checked as a number's (it was cast: nan into int8 gave 0; fuzz seed 105)
    "masked_fill_nan_tensor_into_int8": lambda m: m.ones(2, dtype=m.int8).masked_fill(m.tensor(True), m.tensor(
        float("nan"))),
    "masked_fill_large_tensor_into_int8_nothing_masked": lambda m: m.ones(2, dtype=m.int8).masked_fill(
        m.tensor(False), m.tensor(300)),
    "masked_fill_checks_with_nothing_masked": lambda m: m.ones(2, dtype=m.int8).masked_fill(m.tensor([False, False]),
                                                                                           300),
    "masked_fill_float_into_int": lambda m: m.ones(2, dtype=m.int8).masked_fill(m.tensor([True, False]), 127.5),
    "clamp_beyond_float": lambda m: m.ones(2).clamp(1e300),
    "clamp_max_beyond_half": lambda m: m.ones(2, dtype=m.float16).clamp(None, -1e5),
    "clamp_int_limit_beyond_int8": lambda m: m.ones(2, dtype=m.int8).clamp(-129),
    "fill_beyond_float": lambda m: m.ones(2).fill_(1e300),
    "fill_beyond_int32": lambda m: m.ones(2, dtype=m.int32).fill_(2 ** 40),
    "fill_float_beyond_uint8": lambda m: m.ones(2, dtype=m.uint8).fill_(-1.0),
    "index_fill_beyond_float": lambda m: m.ones(2).index_fill(0, m.tensor([0]), 1e300),
    "index_fill_beyond_int8": lambda m: m.ones(2, dtype=m.int8).index_fill(0, m.tensor([0]), 300),
    "setitem_beyond_float": lambda m: _setitem(m, m.ones(2), slice(None), 1e300),
    "setitem_mask_beyond_float": lambda m: _setitem(m, m.ones(2), m.tensor([True, False]), -1e300),
    "scalar_tensor_beyond_float": lambda m: m.scalar_tensor(1e300),
    "scalar_tensor_beyond_int8": lambda m: m.scalar_tensor(300, dtype=m.int8),
    "where_number_beyond_float": lambda m: m.where(m.tensor([True, False]), m.ones(2), 1e300),
    "where_number_beyond_int8": lambda m: m.where(m.tensor([True, False]), m.ones(2, dtype=m.int8), 300),
    "add_alpha_beyond_float": lambda m: m.ones(2).add(m.ones(2), alpha=1e300),
    "sub_alpha_beyond_int8": lambda m: m.ones(2, dtype=m.int8).sub(1, alpha=300),
    "add_float_alpha_for_ints": lambda m: m.add(m.ones(2, dtype=m.int64), 1, alpha=0.5),
    "add_bool_alpha_for_floats": lambda m: m.add(m.ones(2), 1, alpha=True),
    "lerp_weight_beyond_float": lambda m: m.ones(2).lerp(m.ones(2), 1e300),
    "lerp_of_ints": lambda m: m.lerp(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), 1),
    "fmod_of_bools": lambda m: m.fmod(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    "fmod_of_bool_by_true": lambda m: m.fmod(m.ones(2, dtype=m.bool), True),
    "fmod_of_bool_by_zero_is_a_division_error_first": lambda m: m.fmod(m.ones(2, dtype=m.bool), 0),
    "fmod_of_bool_by_false_is_the_missing_kernel": lambda m: m.tensor([False]).fmod_(False),
    "list_key_of_0d_tensors_too_many_for_a_vector": lambda m: m.arange(6.0)[[m.tensor(1), 0]],
    "full_like_fill_value_type_before_the_device": lambda m: m.full_like(m.ones(2), None, device="cuda"),
    "full_like_str_fill_value": lambda m: m.full_like(m.ones(2), "1", dtype=m.bool),
    "randint_device_before_its_range": lambda m: m.randint(1, 4, (0, 1), dtype=m.bool, device="cuda"),
    "scalar_tensor_requires_grad_int": lambda m: m.scalar_tensor(0.5, requires_grad=1),
    "arange_of_more_than_int64_elements": lambda m: m.arange(0, 2.0, 1e-285),
    "index_integer_range_before_a_str": lambda m: m.ones(2, 0, 1)[0, 3, "a"],
    "index_0d_tensor_range_before_a_str": lambda m: m.ones(2, 3)[m.tensor(5), "a"],
    "index_integer_range_after_an_ellipsis": lambda m: m.ones(2, 3)[..., 5, "a"],
    "index_integer_range_before_a_slice_step": lambda m: m.ones(0, 2, 2)[0, ::-1],
    "setitem_integer_range_before_a_slice_step": lambda m: _setitem(m, m.ones(0, 2, 2), (0, slice(1, 0, -1), [2, 1]), 1),
    "setitem_mask_after_an_ellipsis_checks_its_shape": lambda m: _setitem(m, m.ones(0, 3, dtype=m.int32),
                                                                          (Ellipsis, m.tensor([], dtype=m.bool)), True),
    "mask_before_two_ellipses": lambda m: _setitem(m, m.ones(3, 0, 0, dtype=m.int32),
                                                   (m.tensor([0, 0], dtype=m.uint8), Ellipsis, Ellipsis), True),
    "ragged_list_index_before_a_mask": lambda m: m.tensor([[[-1, 1]]])[[[0], [-1, 1]], m.tensor([False, True, False])],
    "ragged_list_index_before_a_float_index": lambda m: m.ones(0, 1)[m.tensor([1.0]), [[0, 1], [0]]],
    "bool_0d_tensor_as_topk_k": lambda m: m.ones(3).topk(m.tensor(True)),
    "bool_0d_tensor_as_select_index": lambda m: m.ones(3).select(0, m.tensor(True)),
    "bool_0d_tensor_as_kthvalue_k": lambda m: m.ones(3).kthvalue(m.tensor(True)),
    "bool_0d_tensor_as_narrow_length": lambda m: m.ones(3).narrow(0, 0, m.tensor(True)),
    "bool_0d_tensor_as_eye_size": lambda m: m.eye(m.tensor(True)),
    "bool_0d_tensor_as_randperm_size": lambda m: m.randperm(m.tensor(True)),
    "bool_0d_tensor_in_repeat": lambda m: m.ones(3).repeat(m.tensor(True), 2),
    "bool_0d_tensor_in_a_size_list": lambda m: m.zeros([2, m.tensor(True)]),
    "bool_0d_tensor_in_view": lambda m: m.ones(2).view(2, m.tensor(True)),
    "bool_0d_tensor_in_expand": lambda m: m.ones(1).expand(m.tensor(True)),
    "bool_0d_tensor_as_cat_dim": lambda m: m.cat([m.ones(2)], m.tensor(False)),
    "bool_0d_tensor_as_topk_dim": lambda m: m.ones(3).topk(1, m.tensor(False)),
    "bool_0d_tensor_as_transpose_dim": lambda m: m.ones(1, 2).transpose(m.tensor(False), 1),
    "index_select_dim_1_out_of_range": lambda m: m.ones(3, 2).index_select(1, m.tensor([0, 7, -1])),
    "index_select_dim_1_negative_index": lambda m: m.ones(3, 2, 4).index_select(-2, m.tensor([-1])),
    "index_select_of_an_empty_input": lambda m: m.ones(2, 0, 3).index_select(0, m.tensor([3])),
    "index_select_along_an_empty_dim": lambda m: m.ones(0, 2).index_select(0, m.tensor([0])),
    "full_device_before_a_negative_size": lambda m: m.full((-1,), 1.0, device="nowhere"),
    "full_float_size_before_the_device": lambda m: m.full((2.0,), 1.0, device="nowhere"),
    "empty_float_first_size_before_the_device": lambda m: m.empty((2.0,), device="cuda"),
    "ones_missing_size_before_the_device": lambda m: m.ones(device="cuda"),
    "rand_device_before_a_later_float_size": lambda m: m.rand(0, 2.0, device="cuda"),
    "uniform_from_a_one_element_vector": lambda m: m.ones(3).uniform_(m.tensor([0.5]), 1.0),
    "uniform_from_a_bool_0d_tensor_above_to": lambda m: m.ones(3).uniform_(m.tensor(True), 0.5),
    "normal_mean_a_one_element_vector": lambda m: m.ones(3).normal_(m.tensor([0.5])),
    "cauchy_median_a_one_element_vector": lambda m: m.ones(3).cauchy_(m.tensor([0.5])),
    "exponential_lambd_a_one_element_vector": lambda m: m.ones(3).exponential_(m.tensor([0.5])),
    "geometric_p_a_one_element_vector": lambda m: m.ones(3).geometric_(m.tensor([0.5])),
    "log_normal_mean_a_one_element_vector": lambda m: m.ones(3).log_normal_(m.tensor([0.5])),
    "fill_with_a_one_element_vector": lambda m: m.ones(3).fill_(m.tensor([0.5])),
    "masked_fill_with_a_one_element_vector": lambda m: m.ones(2).masked_fill(m.tensor([True, False]), m.tensor([1.0])),
    "add_alpha_a_one_element_vector": lambda m: m.ones(3).add(m.ones(3), alpha=m.tensor([0.5])),
    "addcmul_value_a_one_element_vector": lambda m: m.ones(2).addcmul(m.ones(2), m.ones(2), value=m.tensor([2.0])),
    "scalar_tensor_of_a_one_element_vector": lambda m: m.scalar_tensor(m.tensor([2.0])),
    "new_full_with_a_one_element_vector": lambda m: m.ones(2).new_full((2,), m.tensor([0.2])),
    "floor_of_ints_into_a_float_out": lambda m: m.floor(m.tensor([1, 2]), out=m.ones(2)),
    "abs_into_an_out_of_another_float_dtype": lambda m: m.abs(m.ones(2), out=m.ones(2, dtype=m.float64)),
    "frac_of_ints_checks_the_out_first": lambda m: m.frac(m.tensor([1, 2]), out=m.ones(2)),
    "nan_to_num_into_an_out_of_another_dtype": lambda m: m.nan_to_num(m.ones(2), out=m.ones(2, dtype=m.float64)),
    "mul_out_an_int_number": lambda m: m.mul(m.ones(2), m.ones(2), out=2),
    "add_out_a_bool_number": lambda m: m.add(m.ones(2), m.ones(2), out=True),
    "exp_out_a_number": lambda m: m.exp(m.ones(2), out=1.0),
    "triu_indices_of_half_names_itself": lambda m: m.triu_indices(3, 2, 1, dtype=m.float16),
    "bool_to_a_negative_int_power": lambda m: m.pow(m.tensor([True]), -2),
    "expand_minus_one_into_a_new_leading_dim": lambda m: m.ones(1).expand(-1, -1),
    "expand_minus_one_of_a_0d_tensor": lambda m: m.tensor(-2).expand([3, -1]),
    "expand_negative_into_a_new_leading_dim": lambda m: m.ones(2).expand(-2, 2),
    "prod_of_dim_none_with_keepdim": lambda m: m.ones(3, 3, 0).prod(None, keepdim=True),
    "kthvalue_k_out_of_range_names_the_dim": lambda m: m.ones(2, 3).kthvalue(0, -2),
    "kthvalue_along_an_empty_dim": lambda m: m.ones(0).kthvalue(1),
    "cumsum_bool_0d_tensor_dim": lambda m: m.ones(3).cumsum(m.tensor(True)),
    "cumprod_float_dim": lambda m: m.cumprod(m.ones(3), 1.5),
    "unsqueeze_bool_0d_tensor_dim": lambda m: m.ones(3).unsqueeze(m.tensor(False)),
    "gather_float_dim": lambda m: m.gather(m.ones(3), 1.5, m.tensor([0])),
    "cat_out_a_list_before_its_inputs": lambda m: m.cat([m.tensor(1.0), m.tensor(2.0)], out=[1.0]),
    "stack_out_a_tuple": lambda m: m.stack([m.ones(2)], out=(m.ones(2),)),
    "linspace_of_vector_bounds": lambda m: m.linspace(m.tensor([0.0]), m.tensor([[2.0]]), 3),
    "logspace_of_a_vector_end": lambda m: m.logspace(0, m.tensor([2.0]), 3),
    "normal_0d_tensor_mean_negative_std_with_a_size": lambda m: m.normal(m.tensor(2.3), -0.8, (1, 1, 0)),
    "nonzero_as_tuple_a_str": lambda m: m.nonzero(m.ones(2), as_tuple="x"),
    "nonzero_as_tuple_an_int": lambda m: m.ones(2).nonzero(as_tuple=1),
}


@pytest.mark.parametrize("case", SAME_ERROR)
def test_same_error_as_torch(case):
    check_error(SAME_ERROR[case])


# Each call must give torch's value and dtype.
SAME_RESULT = {
    # fill_ casts a 0-d tensor's value as copy_ does, unchecked (we raised numpy's errors)
    "fill_of_0d_tensors_wraps_and_truncates": lambda m: [m.ones(2, dtype=m.int8).fill_(m.tensor(300)),
                                                          m.ones(2, dtype=m.uint8).fill_(m.tensor(-1)),
                                                          m.ones(2, dtype=m.int8).fill_(m.tensor(-2.7))],
    "true_to_negative_integer_powers": lambda m: [True ** m.tensor(-3, dtype=m.int8), False ** m.tensor([-1, 0, 1]),
                                                  m.tensor([True]) ** m.tensor([2], dtype=m.int8)],
    "unique_keeps_every_nan": lambda m: [*m.unique(m.tensor([float("nan"), 1.0, float("nan"), 1.0, 0.0]),
                                                   return_inverse=True, return_counts=True)],
    "take_along_dim_flat_takes_int32_indices": lambda m: m.take_along_dim(m.arange(3.0), m.tensor([2], dtype=m.int32)),
    "clamp_of_a_0d_tensor_and_a_number": lambda m: [m.clamp(m.arange(5.0), min=m.tensor(1.0), max=3),
                                                    m.clamp(m.arange(5), 1, m.tensor(3.5)),
                                                    m.arange(5.0).clip(m.tensor(1.0), 3)],
    "take_along_dim_reads_indices_modulo_the_dim": lambda m: m.take_along_dim(
        m.arange(12.0).reshape(1, 12, 1), m.tensor([[[-30], [13], [25], [-1]]]), 1),
    "asgd_negative_base_to_a_fractional_alpha": lambda m: _asgd_steps(m),
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
    "median_of_nothing_is_nan_cast": lambda m: [m.ones(1, 0, dtype=d).median() for d in
                                                (m.int8, m.int16, m.uint8, m.int32, m.int64, m.bool)],
    "norm_p_none_is_two": lambda m: [m.ones(2, 3).norm(None), m.ones(2, 3).norm(None, 1)],
    "nuclear_norm": lambda m: [m.arange(6.0).reshape(2, 3).norm("nuc"), m.norm(m.ones(3, 3), "nuc", (0, 1))],
    "nan_norm_of_nothing_is_zero": lambda m: [m.ones(0, 3).norm(float("nan")), m.ones(0, 3).norm(float("nan"), 0)],
    "bool_scans_of_nothing": lambda m: [m.ones(0, dtype=m.int32).cumsum(0, dtype=m.bool),
                                        m.tensor(True).cumsum(0, dtype=m.bool)],
    "scan_keeps_a_small_int_dtype": lambda m: [m.ones(2).cumsum(0, dtype=m.int8),
                                               m.tensor([100, 100], dtype=m.int8).cumsum(0, dtype=m.int8)],
    "integer_to_negative_integer_powers": lambda m: [m.pow(m.tensor([-2, -5, 1, 2, 0, -1, -1]),
                                                           m.tensor([-2, -5, -1, -1, 2, -3, -2])),
                                                     m.pow(2, m.tensor([-1, 2]))],
    "atan2_promotes_first": lambda m: m.atan2(m.ones(2, dtype=m.int8), m.tensor(0.5, dtype=m.float64)),
    "bmm_of_nothing_has_the_second_dtype": lambda m: [m.bmm(m.ones(1, 2, 0, dtype=m.float64), m.ones(1, 0, 2)),
                                                      m.bmm(m.ones(0, 2, 2), m.ones(0, 2, 2, dtype=m.float64))],
    "a_list_holding_lists_is_a_tuple_key": lambda m: [m.arange(4).reshape(2, 1, 2)[[[-1]]],
                                                      m.arange(4).reshape(2, 2)[[[1], [0]]],
                                                      m.arange(4).reshape(2, 2)[[0, slice(None)]]],
    "factories_take_requires_grad_none": lambda m: [m.arange(0, 1, requires_grad=None),
                                                    m.full_like(m.ones(2), 0, requires_grad=None)],
    "linspace_takes_bool_ends": lambda m: [m.linspace(-1, True, 3), m.linspace(False, True, 3)],
    "triangle_indices_take_requires_grad_false": lambda m: m.triu_indices(2, 3, 0, requires_grad=False),
    "setitem_with_several_ellipses": lambda m: [_setitem(m, m.ones(2, 3), (Ellipsis, 0, Ellipsis), m.tensor([1.0, 2])),
                                                _setitem(m, m.ones(0, 0), (Ellipsis, Ellipsis), -2.0)],
    "max_and_min_overloads": lambda m: [m.ones(3, 2).max(), m.ones(3, 2).min(1, True), m.max(m.ones(3, 2), m.ones(2)),
                                        m.ones(3, 2).max(dim=0)],
    "fills_of_torch_range_edges": lambda m: [m.full((2,), 65504.0, dtype=m.float64), m.full((2,), float("inf")),
                                             m.ones(2, dtype=m.uint8).fill_(-1), m.ones(2).clamp(float("-inf")),
                                             m.ones(2, dtype=m.uint8).clamp(-1),
                                             m.ones(2, dtype=m.uint8).clamp(None, -255),
                                             m.ones(2, dtype=m.uint8).index_fill(0, m.tensor([0]), -1)],
    "list_key_holding_0d_tensors_is_a_tuple_key": lambda m: [m.arange(6.0).reshape(3, 2)[[m.tensor(1), 0]],
                                                             m.arange(6.0).reshape(3, 2)[[0, m.tensor(1)]],
                                                             m.arange(6.0).reshape(3, 2)[[m.tensor(2)]],
                                                             _setitem(m, m.ones(3, 2), [m.tensor(1), 0], 5.0)],
    "out_of_the_unary_and_binary_ops": lambda m: [m.sqrt(m.ones(2, 2), out=m.zeros(2, 2)),
                                                  m.sqrt(m.ones(3) * 4, out=m.zeros(3, dtype=m.float64)),
                                                  m.maximum(m.ones(2), m.zeros(2), out=m.zeros(2)),
                                                  m.atan2(m.ones(2), m.ones(2), out=m.zeros(0)),
                                                  m.floor(m.ones(2), out=None), m.where(m.tensor([True, False]),
                                                                                       m.ones(2), m.zeros(2),
                                                                                       out=m.zeros(2)),
                                                  m.cat([m.ones(2), m.ones(1)], out=m.zeros(0)),
                                                  m.stack([m.ones(2)], out=m.zeros(1, 2, dtype=m.float64)),
                                                  m.outer(m.ones(2), m.ones(2), out=m.zeros(2, 2, dtype=m.float64))],
    "full_of_a_0d_tensor_takes_its_number": lambda m: [m.full((2,), m.tensor(-2)), m.full((2,), m.tensor(True)),
                                                       m.full((2,), m.tensor(2.5, dtype=m.float64))],
    "0d_integer_tensors_as_k_and_start": lambda m: [m.ones(3).topk(m.tensor(1)), m.ones(3).narrow(0, m.tensor(1), 1)],
    "alpha_scales_other_after_promotion": lambda m: [
        m.sub(m.tensor([-2.77, -1.388]), m.tensor(2, dtype=m.uint8), alpha=-2),
        m.sub(m.tensor(0.9374186396598816, dtype=m.float64), m.tensor(3.0, dtype=m.float16), alpha=1.78352006479097),
        m.add(m.tensor(0.0, dtype=m.float16), m.tensor(-5, dtype=m.int32), alpha=float("nan")).float()],
    "masked_fill_keeps_dtype_for_a_0d_tensor_value": lambda m: [
        m.tensor([1, 5]).masked_fill(m.tensor([True, False]), m.tensor(1.97, dtype=m.float64)),
        m.ones(2).masked_fill(m.tensor([True, False]), m.tensor(2.5, dtype=m.float64))],
    "var_unbiased_form": lambda m: [m.ones(3).var(True), m.ones(3).std(False), m.var_mean(m.ones(3), True)],
    "masks_after_an_ellipsis": lambda m: [m.ones(2, 3)[..., m.tensor([True, False, True])],
                                          _setitem(m, m.ones(2, 3), (Ellipsis, m.tensor([True, False, True])), 2.0)],
    "fmod_by_zero_of_nothing": lambda m: [m.ones(0, 2, dtype=m.uint8).fmod_(m.tensor(False)),
                                          m.fmod(m.ones(0, dtype=m.int64), 0)],
    "fmod_of_bool_by_a_float": lambda m: [m.fmod(m.ones(2, dtype=m.bool), 1.5),
                                          m.fmod(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int64))],
    "add_sub_and_div_take_a_number_out": lambda m: [m.add(m.ones(2), m.ones(2), out=1.0), m.sub(m.ones(2), 1, out=1.0),
                                                    m.div(m.ones(2), 2, out=0.5)],
    "xlogy_with_a_number_keeps_the_tensor_dtype": lambda m: [m.xlogy(m.ones(2) * 3, 2.5),
                                                             m.xlogy(m.tensor([2, 3]), 2.5)],
    "bool_add_takes_alpha_as_a_bool": lambda m: [m.add(m.tensor([True, False]), m.tensor([False, True]), alpha=2),
                                                 m.add(m.tensor([True, False]), True, alpha=0),
                                                 m.add(m.tensor([True, False]), True, alpha=False)],
    "linspace_of_no_step_converts_no_bound": lambda m: [m.linspace(float("nan"), -2, 0, dtype=m.int8),
                                                        m.linspace(float("inf"), 0, 0, dtype=m.int64)],
    "bernoulli_of_no_integer": lambda m: m.bernoulli(m.ones(0, 3, dtype=m.int64)),
    "normal_takes_0d_tensors_as_numbers_with_a_size": lambda m: [m.normal(m.tensor(2.0, dtype=m.float64), 0.0, (2,)),
                                                                 m.normal(m.tensor(1), m.tensor(0.0), (1, 2))],
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


def test_float16_sigmoid_rounds_once_as_torch():
    """torch computes a half sigmoid in float and rounds once; the half-precision formula is off by an ulp."""
    x = np.random.default_rng(0).uniform(-6, 6, 200).astype(np.float16)
    check_parity(lambda m, t: m.sigmoid(t), [x], requires_grad=[False], tol=dict(rtol=0, atol=0))


def test_atan2_of_bytes_and_a_0d_half_is_half_as_torch():
    torch = require_torch()
    ours, theirs = (m.atan2(m.ones(2, dtype=m.uint8), m.tensor(0.5, dtype=m.float16)) for m in (tinygrad_rnn, torch))
    assert str(ours.dtype) == str(theirs.dtype) == "torch.float16"
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("name", ["Adam", "ASGD", "NAdam", "Adadelta", "RMSprop"])
def test_capturable_on_the_cpu_is_torch_assertion(name, foreach):
    """torch's message names the tensors and devices of the code path (its multi-tensor path lists fewer)."""
    check_error(lambda m: _step_once(m, name, capturable=True, foreach=foreach))


@pytest.mark.parametrize("value", [None, 1, "yes"])
def test_differentiable_must_be_a_bool_as_torch(value):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="must be bool"):
            _step_once(m, "Adam", differentiable=value)


def _asgd_steps(m):
    """lr / (1 + lambd lr t) ** alpha of a negative base: torch keeps the complex number's real part."""
    import warnings
    p = m.ones(2, 3, dtype=m.float64, requires_grad=True)
    opt = m.optim.ASGD([p], lr=1.0, lambd=-0.49613239314156665, alpha=-0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(4):
            p.grad = m.ones(2, 3, dtype=m.float64)
            opt.step()
    return [p.detach(), opt.state[p]["eta"]]


def _step_once(m, name, **kwargs):
    w = m.ones(2, 3, requires_grad=True)
    opt = getattr(m.optim, name)([w], **kwargs)
    w.grad = m.ones(2, 3)
    opt.step()


def test_normal_checks_its_size_type_before_its_std_as_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            m.normal(0, -1.0, (2.0, 2))


def test_normal_with_a_tensor_mean_takes_no_size_as_torch():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            m.normal(m.tensor([3.0]), 0.5, (1,))


@pytest.mark.parametrize("name", ["mul", "rmul", "div", "rdiv", "floor", "trunc", "mul_", "div_", "add", "sub",
                                  "pow", "remainder", "fmod", "lt", "eq"])
def test_float16_with_a_python_number_rounds_as_torch(name):
    """torch's mul and div kernels keep a number at float32 and round a half result once; add, sub, pow, the
    remainders and comparisons round the number to half first (measured); `2 / x` is reciprocal(x) * 2."""
    call = {"mul": lambda x, s: x * s, "rmul": lambda x, s: s * x, "div": lambda x, s: x / s,
            "rdiv": lambda x, s: s / x, "floor": lambda x, s: x // s,
            "trunc": lambda x, s: x.div(s, rounding_mode="trunc"), "mul_": lambda x, s: x.clone().mul_(s),
            "div_": lambda x, s: x.clone().div_(s), "add": lambda x, s: x + s, "sub": lambda x, s: x - s,
            "pow": lambda x, s: x.abs() ** s, "remainder": lambda x, s: x % s, "fmod": lambda x, s: x.fmod(s),
            "lt": lambda x, s: x < s, "eq": lambda x, s: x == s}[name]
    torch = require_torch()
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 300).astype(np.float16)
    for s in [float(v) for v in rng.uniform(-3, 3, 6)] + [0.1, 1 / 3, 7.0001, float(x[0])]:
        ours, theirs = (call(m.tensor(x), s) for m in (tinygrad_rnn, torch))
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{name} with {s}")


def test_float16_product_with_a_number_has_torch_gradient():
    torch = require_torch()
    x = np.random.default_rng(1).uniform(-3, 3, 50).astype(np.float16)
    grads = []
    for m in (tinygrad_rnn, torch):
        t = m.tensor(x, requires_grad=True)
        (0.6208 / (t * 0.6208 + 4.0) / 2.7).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


NO_OVERLOAD = {  # torch's TypeError lists its overloads; ours names the arguments it got
    "var_unbiased_form_takes_no_keepdim": lambda m: m.tensor(2, dtype=m.int8).var(True, keepdim=True),
    "std_unbiased_form_takes_no_correction": lambda m: m.ones(3).std(True, correction=0),
    "fused_adam_maximize_int": lambda m: _step_once(m, "Adam", maximize=1, fused=1),
    "fused_adamw_amsgrad_str": lambda m: _step_once(m, "AdamW", amsgrad="yes", fused="yes"),
    "fused_sgd_dampening_none": lambda m: _step_once(m, "SGD", lr=0.1, momentum=0.5, dampening=None, fused=True),
    "fused_adagrad_maximize_none": lambda m: _step_once(m, "Adagrad", maximize=None, fused=True),
    "max_dim_none": lambda m: m.ones(3).max(None),
    "min_dim_none": lambda m: m.min(m.ones(3), dim=None),
    "max_keepdim_without_dim": lambda m: m.ones(3).max(keepdim=True),
    "pow_list_exponent": lambda m: m.ones(2).pow([1]),
    "pow_none_exponent": lambda m: m.pow(m.ones(2), None),
    "pow_str_exponent": lambda m: m.ones(2).pow("a"),
    "pow_tuple_exponent": lambda m: m.pow(m.ones(2), (1,)),
    "pow_operator_none": lambda m: m.ones(2) ** None,
    "pow_operator_list_base": lambda m: [1] ** m.ones(2),
    "pow_number_base_list_exponent": lambda m: m.pow(2, [1]),
}


@pytest.mark.parametrize("case", NO_OVERLOAD)
def test_no_overload_takes_these_arguments_as_torch(case):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            NO_OVERLOAD[case](m)


def test_half_takes_numbers_beyond_its_range_where_torch_does():
    """torch checks a number's range for float32, but setitem, scalar_tensor and where put a number too large for
    half as inf, and lerp checks its weight against float32 (the type it computes in)."""
    check_parity(lambda m: [_setitem(m, m.ones(2, dtype=m.float16), 0, 1e5), m.scalar_tensor(1e5, dtype=m.float16),
                            m.where(m.tensor([True, False]), m.ones(2, dtype=m.float16), 1e300),
                            m.full((2,), 65504.0, dtype=m.float16),
                            m.ones(2, dtype=m.float16).lerp(m.ones(2, dtype=m.float16) * 2, 1e5)],
                 tol=dict(rtol=0, atol=0))
    with warnings.catch_warnings():  # torch says nothing; numpy's "overflow encountered in cast" must not leak out
        warnings.simplefilter("error")
        _setitem(tinygrad_rnn, tinygrad_rnn.ones(2, dtype=tinygrad_rnn.float16), 0, 1e5)
        tinygrad_rnn.scalar_tensor(1e5, dtype=tinygrad_rnn.float16)
        tinygrad_rnn.where(tinygrad_rnn.tensor([True, False]), tinygrad_rnn.ones(2, dtype=tinygrad_rnn.float16), 1e300)


@pytest.mark.parametrize("bounds", [{"min": -1.0, "max": 1.0}, {"min": -1.0}, {"max": 1.0}])
def test_clamp_keeps_a_nan_upstream_gradient_out_of_the_clamped_places(bounds):
    torch = require_torch()
    grads = []
    for m in (tinygrad_rnn, torch):
        x = m.tensor([-2.0, 0.5, 3.0], dtype=m.float64, requires_grad=True)
        x.clamp(**bounds).backward(m.tensor([float("nan")] * 3, dtype=m.float64))
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])  # equal_nan: NaN exactly where torch has NaN


_FUSED = ["add_alpha", "sub_alpha", "add_number_alpha", "rsub_alpha", "addcmul", "addcdiv", "lerp_number", "lerp_tensor"]


@pytest.mark.parametrize("name, size", [(n, s) for s in (7, 320, 333) for n in _FUSED])
def test_float16_fused_arithmetic_rounds_once_as_torch(name, size):
    """torch computes these float16 ops in float32 (alpha and a number operand taken as float16 first) and rounds
    once; computed in float16 every step rounds. add's and sub's alpha: torch's scalar loop (fewer than 32
    elements, and the tail after whole steps of 32) does round every step."""
    call = {"add_alpha": lambda m, a, b, c: m.add(a, b, alpha=1.7), "sub_alpha": lambda m, a, b, c: a.sub(b, alpha=0.3),
            "add_number_alpha": lambda m, a, b, c: m.add(a, 1.3, alpha=-2.2),
            "rsub_alpha": lambda m, a, b, c: m.rsub(a, 0.3, alpha=0.7),
            "addcmul": lambda m, a, b, c: m.addcmul(a, b, c, value=0.7),
            "addcdiv": lambda m, a, b, c: a.addcdiv(b, c, value=-1.3),
            "lerp_number": lambda m, a, b, c: m.lerp(a, b, 0.3), "lerp_tensor": lambda m, a, b, c: a.lerp(b, c / 3)}[name]
    rng = np.random.default_rng(0)
    a, b = (rng.uniform(-3, 3, size).astype(np.float16) for _ in range(2))
    c = rng.uniform(0.5, 3, size).astype(np.float16)
    check_parity(lambda m, *t: call(m, *t), [a, b, c], requires_grad=[False] * 3, tol=dict(rtol=0, atol=0))


def test_lerp_takes_torch_formula_for_a_large_weight():
    """torch computes end - (end - input) * (1 - weight) for |weight| >= 0.5, so lerp(a, b, 1) is exactly b."""
    a, b = np.array([0.1, 1e8, -3.3]), np.array([0.7, -1.1, 1e-9])
    check_parity(lambda m, x, y: [m.lerp(x, y, 1.0), m.lerp(x, y, m.tensor([0.2, 0.5, 1.0], dtype=m.float64))],
                 [a, b], tol=dict(rtol=0, atol=0))


@pytest.mark.parametrize("name", ["rsqrt", "rsqrt_rows_of_40", "softmax_last", "log_softmax_last", "log_softmax_first", "cumsum", "cumprod",
                                  "var", "std", "round_decimals", "xlogy_number"])
def test_float16_math_in_float32_rounds_once_as_torch(name):
    """torch computes these float16 results in float32 and rounds once (log_softmax along the last dim keeps
    its sum and that sum's log in float16; rsqrt's scalar loop, after whole steps of 32, rounds the square root
    first: measured)."""
    call = {"rsqrt": lambda m, x: (x.abs() + 0.1).rsqrt(), "softmax_last": lambda m, x: m.softmax(x, -1),
            "log_softmax_last": lambda m, x: m.log_softmax(x, 1), "log_softmax_first": lambda m, x: x.log_softmax(0),
            "rsqrt_rows_of_40": lambda m, x: (x[:, :40].abs() + 0.1).rsqrt(),
            "cumsum": lambda m, x: x.cumsum(1), "cumprod": lambda m, x: (x.abs() / 2 + 0.5).cumprod(1),
            "var": lambda m, x: x.var(1), "std": lambda m, x: m.std(x, 0),
            "round_decimals": lambda m, x: m.round(x, decimals=2), "xlogy_number": lambda m, x: m.xlogy(x, 2.5)}[name]
    x = np.random.default_rng(0).uniform(-6, 6, (20, 64)).astype(np.float16)
    check_parity(lambda m, t: call(m, t), [x], requires_grad=[False], tol=dict(rtol=0, atol=0))


def test_float16_round_to_decimals_does_not_overflow_as_torch():
    """60000 * 1000 is beyond float16: torch scales in float32."""
    check_parity(lambda m: m.round(m.tensor([1.5, 60000.0, -1.2345], dtype=m.float16), decimals=3),
                 tol=dict(rtol=0, atol=0))


@pytest.mark.parametrize("kwargs", [{"scale_factor": "a"}, {"scale_factor": None, "size": 2.5}, {"size": "a"},
                                    {"size": [2.5]}])
def test_interpolate_refuses_a_size_or_scale_of_another_type_as_torch(kwargs):
    """torch's kernel parser refuses them (a TypeError naming the kernel); a list of non-ints is interpolate's own."""
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            m.nn.functional.interpolate(m.ones(1, 1, 3), **kwargs)
    check_parity(lambda m: m.nn.functional.interpolate(m.ones(1, 1, 3), size=m.tensor(2)))


@pytest.mark.parametrize("shapes", [((40, 50), (50,)), ((2, 3, 40), (3, 40)), ((50, 40), (50, 1)), ((7, 70), ()),
                                    ((10, 10), (1, 1)), ((2, 5, 8), (2, 1, 1))])
def test_float16_add_alpha_of_broadcast_operands_as_torch(shapes):
    """torch's innermost loop runs over the trailing dims it can merge (each operand has them all, or broadcasts
    them all): its whole steps of 32 elements are computed in float32, the rest in float16 arithmetic."""
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(-3, 3, s).astype(np.float16) for s in shapes)
    check_parity(lambda m, x, y: [m.add(x, y, alpha=1.7), m.sub(y, x, alpha=-0.3)], [a, b], requires_grad=[False] * 2,
                 tol=dict(rtol=0, atol=0))


# ------------------------------------------------------------------ session 7: arguments torch's parser refuses
PARSER_REFUSES = {  # torch raises a TypeError for each (its text lists the overloads; ours names what it got)
    "var_dim_true_by_name": lambda m: m.ones(2, 3).var(dim=True),
    "std_dim_true_by_name": lambda m: m.std(m.ones(2, 3), dim=True),
    "var_mean_dim_true_by_name": lambda m: m.var_mean(m.ones(2, 3), dim=True),
    "std_mean_dim_true_by_name": lambda m: m.std_mean(m.ones(2, 3), dim=True),
    "var_unbiased_with_correction": lambda m: m.ones(2, 3).var(dim=0, unbiased=True, correction=1),
    "tensor_split_indices_or_sections_by_name": lambda m: m.tensor_split(m.ones(4), indices_or_sections=2),
    "tensor_split_method_indices_or_sections_by_name": lambda m: m.ones(4).tensor_split(indices_or_sections=2),
    "tensor_split_indices_of_an_int": lambda m: m.tensor_split(m.ones(4), indices=2),
    "tensor_split_sections_of_a_list": lambda m: m.tensor_split(m.ones(4), sections=[1]),
    "tensor_split_indices_of_a_tensor": lambda m: m.tensor_split(m.ones(4), indices=m.tensor([1])),
    "tensor_split_tensor_of_a_list": lambda m: m.tensor_split(m.ones(4), tensor_indices_or_sections=[1]),
    "tensor_split_sections_of_a_bool": lambda m: m.tensor_split(m.ones(4), sections=True),
    "hsplit_indices_or_sections_by_name": lambda m: m.hsplit(m.ones(4, 4), indices_or_sections=2),
    "movedim_bool_tensor_source": lambda m: m.movedim(m.ones(2, 3), m.tensor(False), 0),
    "movedim_bool_tensor_destination": lambda m: m.ones(2, 3).movedim(0, m.tensor(True)),
    "index_select_bool_tensor_dim": lambda m: m.index_select(m.ones(2, 3), m.tensor(True), m.tensor([0])),
    "unbind_bool_tensor_dim": lambda m: m.unbind(m.ones(2, 3), m.tensor(True)),
    "size_bool_tensor_dim": lambda m: m.ones(2, 3).size(m.tensor(True)),
    "median_bool_tensor_dim": lambda m: m.median(m.ones(2, 3), m.tensor(True)),
    "narrow_bool_tensor_dim": lambda m: m.narrow(m.ones(2, 3), m.tensor(True), 0, 1),
    "squeeze_bool_tensor_dim": lambda m: m.squeeze(m.ones(2, 3), m.tensor(False)),
    "split_size_true": lambda m: m.split(m.ones(2, 3), True),
    "split_size_float": lambda m: m.ones(2, 3).split(2.0),
    "split_sizes_of_a_bool_first": lambda m: m.split(m.ones(2, 3), [True, 1]),
    "split_sizes_of_a_vector": lambda m: m.ones(2, 3).split(m.tensor([1, 1])),
    "split_with_sizes_of_an_int": lambda m: m.ones(4).split_with_sizes(2),
    "repeat_interleave_repeats_true": lambda m: m.repeat_interleave(m.ones(2), True),
    "repeat_interleave_repeats_float": lambda m: m.ones(2).repeat_interleave(2.0),
    "repeat_interleave_dim_true": lambda m: m.repeat_interleave(m.ones(2), 2, True),
    "repeat_interleave_dim_bool_tensor": lambda m: m.repeat_interleave(m.ones(2), 2, m.tensor(False)),
    "repeat_interleave_output_size_true": lambda m: m.repeat_interleave(m.ones(2), 2, output_size=True),
    "diagonal_offset_bool_tensor": lambda m: m.diagonal(m.ones(2, 3), m.tensor(True)),
    "diag_embed_offset_bool_tensor": lambda m: m.diag_embed(m.ones(2, 3), m.tensor(True)),
    "unfold_size_bool_tensor": lambda m: m.ones(2, 3).unfold(0, m.tensor(True), 1),
}


@pytest.mark.parametrize("case", PARSER_REFUSES)
def test_parser_refuses_as_torch(case):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            PARSER_REFUSES[case](m)


def test_the_forms_torch_takes_still_work():
    """var's oldest form var(unbiased) by position, tensor_split's cuts by their overload's name, lists of dims
    holding a bool 0-d tensor (torch reads it as 0 or 1)."""
    tb = lambda m: m.tensor(True)  # noqa: E731
    check_parity(lambda m: [m.arange(6.0).reshape(2, 3).var(True), m.arange(6.0).std(False),
                            *m.tensor_split(m.arange(6.0), sections=2), *m.tensor_split(m.arange(6.0), indices=[1]),
                            *m.tensor_split(m.arange(6.0), tensor_indices_or_sections=m.tensor(3)),
                            *m.hsplit(m.ones(2, 4), sections=2), m.arange(6.0).reshape(2, 3).movedim([0], [tb(m)]),
                            m.arange(6.0).reshape(2, 3).amax([tb(m)]), m.arange(6.0).reshape(2, 3).roll(1, tb(m)),
                            m.movedim(m.arange(6.0).reshape(2, 3), m.tensor(0), 1)])


def test_sections_of_a_bool_0d_tensor_is_the_assert_torch_raises():
    check_error(lambda m: m.tensor_split(m.ones(4), sections=m.tensor(True)))


def test_a_repeated_dim_is_found_before_a_later_dim_out_of_range():
    check_error(lambda m: m.ones(2).var((-1, -1, 1), keepdim=True))
    check_error(lambda m: m.ones(2, 2, 0, dtype=m.int64).flip((1, 1, 3)))


SAME_TEXT = {  # torch's exception type and message
    "repeat_interleave_bool_repeats": lambda m: m.repeat_interleave(m.ones(2), m.tensor(True)),
    "repeat_interleave_float_repeats": lambda m: m.ones(2).repeat_interleave(m.tensor([2.0, 1.0])),
    "repeat_interleave_bool_counts": lambda m: m.repeat_interleave(m.tensor(True)),
    "diag_bool_tensor_diagonal": lambda m: m.diag(m.ones(2, 3), m.tensor(True)),
    "diag_bool_diagonal": lambda m: m.diag(m.ones(2, 3), True),
    "diag_method_bool_diagonal": lambda m: m.ones(2, 3).diag(True),
    "diag_method_float_diagonal": lambda m: m.ones(2, 3).diag(1.0),
    "diag_of_a_bool_0d": lambda m: m.diag(m.tensor(True)),
    "diagonal_method_bool_offset": lambda m: m.ones(2, 3).diagonal(True),
    "tril_bool_diagonal": lambda m: m.tril(m.ones(2, 3), True),
    "tril_method_bool_diagonal": lambda m: m.ones(2, 3).tril(True),
    "tril_bool_tensor_diagonal": lambda m: m.tril(m.ones(2, 3), m.tensor(True)),
    "triu_bool_tensor_diagonal": lambda m: m.ones(2, 3).triu(m.tensor(True)),
    "unfold_bool_step": lambda m: m.ones(2, 3).unfold(0, 1, True),
    "split_with_sizes_bool_tensor": lambda m: m.ones(4).split_with_sizes([m.tensor(True), 3]),
    "split_size_negative_tensor": lambda m: m.ones(4).split(m.tensor(-1)),
}


@pytest.mark.parametrize("case", SAME_TEXT)
def test_argument_errors_read_as_torch(case):
    check_error(SAME_TEXT[case])


def test_split_reads_a_one_element_tensor_as_its_int():
    """torch's Python split turns a one-element tensor (any dtype, a bool one too) into an int first."""
    check_parity(lambda m: [*m.split(m.arange(6.0).reshape(2, 3), m.tensor(True)),
                            *m.arange(6.0).reshape(2, 3).split(m.tensor(2), 1), *m.arange(4.0).split(m.tensor([1.5])),
                            *m.arange(4.0).split([m.tensor(1), 3]), m.repeat_interleave(m.arange(3.0), 2, m.tensor(0)),
                            m.repeat_interleave(m.arange(3.0), 2, output_size=m.tensor(6))])


# (equation, operand shapes): torch sums a letter away with `sum` (int64 for integers and bools), multiplies with
# `mul` and contracts with `bmm` (one dtype, no bool); measured on bool, int32 and uint8 operands
_EINSUMS = [("i->", [(2,)]), ("i->", [(0,)]), ("ij->i", [(2, 1)]), ("ij->ji", [(2, 3)]), ("ij,j->j", [(2, 3), (3,)]),
            ("ij,j->j", [(1, 3), (3,)]), ("ij,j->", [(2, 3), (3,)]), ("i,i->", [(2,), (2,)]), ("i,i->", [(1,), (2,)]),
            ("ij,jk->ik", [(2, 1), (1, 2)]), ("ij,jk->ik", [(1, 2), (2, 1)]), ("ij,jk->ik", [(2, 0), (0, 2)]),
            ("i,j->", [(2,), (2,)]), ("i,j->i", [(2,), (3,)]), ("i,i,i->", [(2,), (2,), (2,)]),
            ("i,i,i->i", [(2,), (2,), (2,)])]


@pytest.mark.parametrize("dtype", ["bool", "int32", "uint8"])
@pytest.mark.parametrize("equation, shapes", _EINSUMS)
def test_einsum_of_integers_and_bools_as_torch(equation, shapes, dtype):
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 3, s).astype(dtype) for s in shapes]
    results = []
    for m in (torch, tinygrad_rnn):
        try:
            r = m.einsum(equation, *(m.tensor(a) for a in arrays))
            results.append((str(r.dtype), r.tolist()))
        except Exception as error:  # noqa: BLE001  (torch's error is part of what is compared)
            results.append((type(error).__name__, str(error)))
    assert results[0] == results[1]


def test_einsum_of_mixed_integers_promotes_where_torch_multiplies():
    check_parity(lambda m: [m.einsum("i,j->ij", m.ones(2, dtype=m.int32), m.ones(2, dtype=m.int64)),
                            m.einsum("i,j->ij", m.ones(2, dtype=m.int32), m.ones(2)),
                            m.einsum("ij,jk->ik", m.ones(2, 0, dtype=m.int32), m.ones(0, 2, dtype=m.int64))])


def _grad_leaf(m):
    return m.ones(2, requires_grad=True)


OUT_ERRORS = {  # torch's exception type and message for out=
    "add_out_of_an_input_requiring_grad": lambda m: m.add(_grad_leaf(m), 1, out=m.empty(2)),
    "add_out_requiring_grad": lambda m: m.add(m.ones(2), 1, out=m.empty(2, requires_grad=True)),
    "add_grad_before_the_out_dtype": lambda m: m.add(_grad_leaf(m), 1, out=m.empty(2, dtype=m.int64)),
    "concatenate_names_cat_for_grad": lambda m: m.concatenate([_grad_leaf(m)], out=m.empty(2)),
    "arcsin_names_asin_for_grad": lambda m: m.arcsin(_grad_leaf(m), out=m.empty(2)),
    "multiply_names_mul_for_grad": lambda m: m.multiply(_grad_leaf(m), 2, out=m.empty(2)),
    "sort_tuple_out_for_grad": lambda m: m.sort(_grad_leaf(m), out=(m.empty(2), m.empty(2, dtype=m.int64))),
    "concat_names_itself_for_a_bad_out": lambda m: m.concat([m.ones(2)], out=1),
    "concatenate_names_itself_for_a_bad_out": lambda m: m.concatenate([m.ones(2)], out=1),
    "arcsin_names_itself_for_a_bad_out": lambda m: m.arcsin(m.ones(2), out=1),
    "median_out_without_dim": lambda m: m.median(m.ones(2, 3), out=m.empty(0)),
    "median_tuple_out_without_dim": lambda m: m.median(m.ones(2, 3), out=(m.empty(0), m.empty(0, dtype=m.int64))),
    "nanmedian_out_without_dim": lambda m: m.nanmedian(m.ones(2, 3), out=m.empty(0)),
}


@pytest.mark.parametrize("case", OUT_ERRORS)
def test_out_errors_as_torch(case):
    check_error(OUT_ERRORS[case])


@pytest.mark.parametrize("op", ["sum", "prod"])
def test_out_of_a_reduction_over_everything_fits_no_overload(op):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="invalid combination"):
            getattr(m, op)(m.ones(2, 3), out=m.empty(0))


def test_reductions_write_into_out_as_torch():
    """torch's reductions over a dim (and mean, nansum, argmax, argmin over everything) take out=; in no_grad
    mode an input requiring grad is no obstacle."""
    def run(m):
        x, outs = m.arange(6.0).reshape(2, 3), []
        for call in (lambda o: m.sum(x, 0, out=o), lambda o: m.prod(x, 1, out=o), lambda o: m.mean(x, out=o),
                     lambda o: m.nansum(x, out=o), lambda o: m.diff(x, out=o)):
            outs.append(call(m.empty(0)))
        for call in (lambda o: m.argmax(x, out=o), lambda o: m.argmin(x, 1, out=o)):
            outs.append(call(m.empty(0, dtype=m.int64)))
        values, indices = m.nanmedian(x, 0, out=(m.empty(0), m.empty(0, dtype=m.int64)))
        with m.no_grad():
            outs.append(m.add(_grad_leaf(m), 1, out=m.empty(2)))
        return [*outs, values, indices]
    check_parity(run)


DEVICE_FIRST = {  # torch checks the device before the values: a CUDA device is refused first on a CPU build
    "arange_infinite_end": lambda m: m.arange(3, float("inf"), device="cuda"),
    "arange_nan_end": lambda m: m.arange(3, float("nan"), device="cuda"),
    "arange_zero_step": lambda m: m.arange(3, 4, 0, device="cuda"),
    "arange_unknown_device": lambda m: m.arange(3, float("inf"), device="bad"),
    "range_infinite_end": lambda m: m.range(3, float("inf"), device="cuda"),
    "linspace_negative_steps": lambda m: m.linspace(0, 1, -1, device="cuda"),
    "logspace_negative_steps": lambda m: m.logspace(0, 1, -1, device="cuda"),
    "eye_negative_n": lambda m: m.eye(-1, device="cuda"),
    "randperm_negative_n": lambda m: m.randperm(-1, device="cuda"),
}


@pytest.mark.parametrize("case", DEVICE_FIRST)
def test_factories_check_the_device_first_as_torch(case):
    check_error(DEVICE_FIRST[case])


def test_inplace_integer_ops_cast_across_signedness_as_torch():
    """torch writes an int16 result into a uint8 tensor in place (a cast within integers); numpy's 'same_kind'
    refuses it."""
    def run(m):
        a = m.tensor(2, dtype=m.uint8)
        a.sub_(m.tensor(1, dtype=m.int8))
        b = m.tensor([0, 7], dtype=m.uint8)
        b.mul_(m.tensor(-3, dtype=m.int8))
        return [a, b]
    check_parity(run)


@pytest.mark.parametrize("data", [[[True], "abc", []], [[1], "abc"], [[1, 2], "abc"], [[1], "a"], [[1, 2], "ab"]])
def test_a_str_inside_nested_data_is_a_sequence_as_torch(data):
    """torch's shape check takes a str for a sequence (its length is compared) before its values are read."""
    check_error(lambda m: m.tensor(data, dtype=m.uint8))


# ------------------------------------------------------------------ the sequence_ops fuzz family's findings
SEQUENCE_ERRORS = {  # torch's exception type and message
    "gather_index_out_of_range": lambda m: m.ones(2).gather(0, m.tensor([5])),
    "gather_negative_index": lambda m: m.ones(2, 2).gather(1, m.tensor([[0], [-1]])),
    "gather_0d_index_out_of_range": lambda m: m.gather(m.tensor(3.0), 0, m.tensor(1)),
    "gather_index_of_another_rank": lambda m: m.tensor(1.0).gather(0, m.tensor([[0]])),
    "scatter_index_of_another_rank": lambda m: m.tensor(1.0).scatter(0, m.tensor([[0]]), 2.0),
    "scatter_add_0d_index_into_a_matrix": lambda m: m.ones(2, 2).scatter_add(0, m.tensor(0), m.tensor(1.0)),
    "addcmul_number_factor": lambda m: m.addcmul(m.ones(2), m.ones(2), 2.0),
    "addcmul_number_first_factor": lambda m: m.addcmul(m.ones(2), 2.0, m.ones(2)),
    "addcdiv_number_divisor": lambda m: m.ones(2).addcdiv(m.ones(2), 2),
    "baddbmm_input_dtype_before_shapes": lambda m: m.baddbmm(m.zeros(2, dtype=m.float64), m.zeros(1, 1, 3),
                                                             m.zeros(1, 4, 2)),
    "baddbmm_empty_of_another_dtype": lambda m: m.baddbmm(m.zeros(0, 2, 2, dtype=m.int64), m.zeros(0, 2, 0),
                                                          m.zeros(0, 0, 2)),
    "addbmm_batch_of_another_dtype": lambda m: m.addbmm(m.zeros(2), m.zeros(1, 1, 3), m.zeros(1, 3, 2, dtype=m.float64)),
    "addmm_input_of_another_dtype": lambda m: m.addmm(m.zeros(2, dtype=m.int64), m.zeros(1, 3), m.zeros(3, 2)),
    "addmm_empty_of_another_dtype": lambda m: m.addmm(m.zeros(0, 2, dtype=m.float64), m.zeros(0, 3), m.zeros(3, 2)),
    "addmv_vector_of_another_dtype": lambda m: m.addmv(m.zeros(2), m.zeros(2, 3), m.zeros(3, dtype=m.float64)),
    "repeat_interleave_0d_along_a_dim": lambda m: m.repeat_interleave(m.tensor(0, dtype=m.int32), 0, 0),
    "repeat_interleave_0d_along_dim_minus_one": lambda m: m.repeat_interleave(m.tensor(1.0), 2, -1),
    "repeat_interleave_0d_tensor_repeats": lambda m: m.repeat_interleave(m.tensor(1.0), m.tensor([2]), -1),
    "repeat_interleave_0d_float_repeats": lambda m: m.repeat_interleave(m.tensor(1.0), m.tensor(2.0), 0),
    "repeat_interleave_negative": lambda m: m.repeat_interleave(m.ones(2), -1),
    "repeat_interleave_negative_count": lambda m: m.repeat_interleave(m.ones(2), m.tensor([-1, 1])),
    "repeat_interleave_negative_counts_alone": lambda m: m.repeat_interleave(m.tensor([-1, 2])),
    "repeat_interleave_counts_of_another_length": lambda m: m.repeat_interleave(m.ones(2), m.tensor([1, 1, 1])),
    "repeat_interleave_counts_matrix": lambda m: m.repeat_interleave(m.ones(2), m.tensor([[1]])),
}


@pytest.mark.parametrize("case", SEQUENCE_ERRORS)
def test_sequence_op_errors_as_torch(case):
    check_error(SEQUENCE_ERRORS[case])


def test_gather_and_scatter_read_0d_tensors_and_empty_indices_as_torch():
    """A 0-d input or index is one element along dim 0; an empty index of any dtype is never read."""
    def run(m):
        x = m.tensor(3.0, dtype=m.float64, requires_grad=True)
        picked, added = m.gather(x, 0, m.tensor([0, 0])), x.scatter_add(0, m.tensor(0), m.tensor(2.0, dtype=m.float64))
        (grad,) = m.autograd.grad(picked.sum() * 2 + added * 3, x)
        t = m.arange(6.0).reshape(2, 3)
        return [picked.detach(), added.detach(), grad, type(picked.grad_fn).__name__, type(added.grad_fn).__name__,
                m.gather(m.tensor(3.0), 0, m.tensor(0)), m.tensor(3.0).scatter(0, m.tensor(0), m.tensor(2.0)),
                m.ones(2).scatter_add(0, m.tensor(0), m.tensor(1.0)), m.gather(t, 0, m.zeros(0, 3)),
                t.scatter_add(0, m.zeros(0, 3), t), m.gather(t, 0, m.zeros(1, 2, 3, dtype=m.int64)[:0])]
    check_parity(run)


def test_where_takes_a_uint8_condition_and_a_condition_alone_as_torch():
    """torch warns for a uint8 condition (deprecated; once per process, every time under set_warn_always) and
    reads it as nonzero; where(condition) is nonzero(condition, as_tuple=True)."""
    def run(m):
        m.set_warn_always(True)
        try:
            with pytest.warns(UserWarning, match="uint8 condition"):
                chosen = m.where(m.tensor([2, 0], dtype=m.uint8), m.ones(2), 0.0)
        finally:
            m.set_warn_always(False)
        return [chosen, *m.where(m.tensor([[2.0, 0.0]])), *m.where(m.tensor(2.0)), *m.where(m.tensor([True, False]))]
    check_parity(run)


def test_where_warns_for_a_uint8_condition_once_per_process_as_torch():
    torch = require_torch()

    def warned(m):
        condition = m.tensor([2, 0], dtype=m.uint8)
        m.where(condition, m.ones(2), 0.0)  # the first in the process, if no test before did it
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m.where(condition, m.ones(2), 0.0)
        return [str(w.message) for w in caught]

    assert warned(tinygrad_rnn) == warned(torch) == []


@pytest.mark.parametrize("call", [
    lambda m: m.where(m.tensor([1, 0], dtype=m.int8), m.ones(2), 0.0),
    lambda m: m.where(m.tensor([1, 0], dtype=m.uint8), m.ones(2), m.zeros(3)),
    lambda m: m.ones(2, 3, 1, dtype=m.bool).masked_fill(m.ones(2, 3, dtype=m.bool), -2),
    lambda m: m.ones(2).masked_fill(m.tensor([1, 0], dtype=m.uint8), 5.0),
    lambda m: m.ones(2).masked_fill(m.tensor([1, 0]), 5.0),
    lambda m: m.ones(2).masked_fill(m.tensor([1, 0], dtype=m.float16), 5.0),
])
@pytest.mark.filterwarnings("ignore:where received a uint8 condition")
def test_where_and_masked_fill_errors_as_torch(call):
    check_error(call)


SEQUENCE_ERRORS_2 = {  # more of the sequence_ops family's findings: torch's exception type and message
    "sort_descending_none": lambda m: m.sort(m.ones(2, 3, 0, dtype=m.int64), -5, descending=None),
    "sort_0d_dim_out_of_range": lambda m: m.sort(m.tensor(True), 1),
    "argsort_0d_float_dim": lambda m: m.argsort(m.tensor(-3), 1.5),
    "kthvalue_bool_k_before_the_dim": lambda m: m.kthvalue(m.tensor(1, dtype=m.uint8), True, -2),
    "kthvalue_of_bools": lambda m: m.kthvalue(m.tensor([True]), 1),
    "topk_of_bools": lambda m: m.topk(m.tensor(True), 1, 0),
    "index_select_of_a_0d_with_no_index": lambda m: m.index_select(m.tensor(0.0), 0, m.tensor([], dtype=m.int64)),
    "index_select_of_a_0d_with_two": lambda m: m.index_select(m.tensor(1.0), 0, m.tensor([0, 0])),
    "repeat_interleave_sizes_before_the_dtype": lambda m: m.repeat_interleave(m.tensor(-2.0), m.ones(0), None),
    "unique_two_empty_dims": lambda m: m.unique(m.zeros(1, 0, 0, dtype=m.int64), dim=-1),
    "unique_empty_dims_not_selected": lambda m: m.unique(m.zeros(1, 0, 0), dim=0),
}


@pytest.mark.parametrize("case", SEQUENCE_ERRORS_2)
def test_more_sequence_op_errors_as_torch(case):
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        SEQUENCE_ERRORS_2[case](torch)
    with pytest.raises(type(theirs.value)):  # sort's and argsort's TypeError list torch's overloads: the type only
        SEQUENCE_ERRORS_2[case](tinygrad_rnn)
    if not str(theirs.value).startswith(("sort()", "argsort()")):
        check_error(SEQUENCE_ERRORS_2[case])


def test_masked_fill_of_bools_keeps_bool_as_torch():
    """A number filled into a bool tensor is its truth value (nan is True); the result stays bool."""
    check_parity(lambda m: [m.tensor(True).masked_fill(m.tensor(False), float("nan")),
                            m.tensor([False, True]).masked_fill(m.tensor([True, False]), float("nan")),
                            m.tensor([False]).masked_fill(m.tensor(True), 0.5), m.tensor([True]).masked_fill(m.tensor(True), 0)])


LERP_ERRORS = {  # torch's exception type and message: end (and a weight of some dims) in input's dtype
    "end_of_another_float": lambda m: m.lerp(m.ones(3), m.tensor(-2.0, dtype=m.float64), 0.5),
    "end_of_integers": lambda m: m.lerp(m.ones(3), m.tensor(-2), False),
    "end_of_half": lambda m: m.lerp(m.ones(3), m.ones(3, dtype=m.float16), 0.5),
    "end_of_bools_before_the_kernel": lambda m: m.lerp(m.tensor(5), m.tensor(True), 0.5),
    "weight_vector_of_another_float": lambda m: m.lerp(m.ones(2), m.zeros(2), m.tensor([0.5], dtype=m.float64)),
    "integers_by_a_weight_tensor": lambda m: m.lerp(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64),
                                                    m.ones(2, dtype=m.int64)),
}


@pytest.mark.parametrize("case", LERP_ERRORS)
def test_lerp_errors_as_torch(case):
    check_error(LERP_ERRORS[case])


@pytest.mark.parametrize("call", [lambda m: m.lerp(m.ones(2), 1.0, 0.5), lambda m: m.lerp(m.ones(2), m.ones(2), "a")])
def test_lerp_parser_refuses_as_torch(call):
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="invalid combination"):
            call(m)


def test_lerp_reads_a_0d_weight_as_a_number():
    check_parity(lambda m: [m.lerp(m.ones(2), m.zeros(2), m.tensor(0.5, dtype=m.float64)),
                            m.lerp(m.ones(2), m.zeros(2), m.tensor(True)), m.lerp(m.ones(2), m.zeros(2), m.tensor(1)),
                            m.lerp(m.tensor(1.0), m.tensor(0.0), m.tensor(0.5, dtype=m.float64))])


@pytest.mark.parametrize("call", [
    lambda m: m.tensor([[-3, 1.0], [1.0, True, True]], device="nowhere"),
    lambda m: m.tensor([[1], [1, 2]], device="cuda"),
    lambda m: m.logsumexp(m.ones(2, 3, dtype=m.int32), ()),
    lambda m: m.logsumexp(m.ones(2, 3), []),
    lambda m: m.logsumexp(m.ones(3, dtype=m.bool), ()),
])
def test_check_order_and_empty_dim_lists_as_torch(call):
    """torch.tensor parses its device string before the data (a missing CUDA is found after it); logsumexp over
    dim=() fails to write its kept dims into a 0-d result (keepdim=True and 0-d or empty inputs work)."""
    check_error(call)


def test_logsumexp_over_no_dims_where_torch_computes():
    check_parity(lambda m: [m.logsumexp(m.ones(2, 3, dtype=m.int32), (), keepdim=True), m.logsumexp(m.tensor(1), ())])


@pytest.mark.parametrize("call", [
    lambda m: m.select(m.ones(2, 3), m.tensor(True), 0), lambda m: m.ones(2, 3).select(m.tensor(True), 0),
    lambda m: m.select(m.ones(2, 3), 0, 1.5), lambda m: m.chunk(m.ones(2, 3), m.tensor(True)),
    lambda m: m.ones(2, 3).chunk(2, 1.5), lambda m: m.flatten(m.ones(2, 3), m.tensor(True)),
    lambda m: m.ones(2, 3).flatten(0, 1.5), lambda m: m.transpose(m.ones(2, 3), m.tensor(True), 1),
    lambda m: m.ones(2, 3).transpose_(0, 1.5), lambda m: m.argmax(m.ones(2, 3), m.tensor(True)),
    lambda m: m.ones(2, 3).argmin(1.5),
])
def test_int_argument_positions_count_as_torch(call):
    """torch.X counts the tensor among the arguments' positions, t.X does not."""
    check_error(call)


@pytest.mark.parametrize("call", [
    lambda m: m.clamp(m.zeros(2, dtype=m.bool), min=True), lambda m: m.clamp_max(m.zeros(0, dtype=m.bool), True),
    lambda m: m.clamp(m.zeros(2, dtype=m.bool), True, False),
    lambda m: m.clamp(m.zeros(0, dtype=m.bool), m.zeros(0, dtype=m.bool), m.zeros(0, dtype=m.bool)),
])
def test_bool_clamp_names_torch_kernel(call):
    check_error(call)


def test_bool_clamp_by_one_tensor_and_searchsorted_of_nothing_as_torch():
    """One tensor bound of bools is a maximum or minimum torch computes; searchsorted takes empty rows."""
    check_parity(lambda m: [m.clamp_min(m.tensor([False, True]), m.tensor([True, False])),
                            m.clamp(m.tensor([True, False]), max=m.tensor([False, False])),
                            m.clamp_min(m.zeros(0, dtype=m.bool), m.zeros(0, dtype=m.bool)),
                            m.searchsorted(m.zeros(0, 1), m.zeros(0, 0)), m.searchsorted(m.zeros(2, 0), m.zeros(2, 3))])


INDEX_VECTOR_ERRORS = {  # torch's exception type and message
    "index_add_out_of_range": lambda m: m.ones(2).index_add(0, m.tensor([5]), m.ones(1)),
    "index_add_negative": lambda m: m.ones(2).index_add(0, m.tensor([-1]), m.ones(1)),
    "index_add_0d_with_no_index": lambda m: m.tensor(1.0).index_add(0, m.tensor([], dtype=m.int64), m.tensor(2.0)),
    "index_fill_value_range_before_the_index": lambda m: m.ones(2, dtype=m.int32).index_fill(0, m.tensor([5]),
                                                                                             float("inf")),
    "take_along_dim_list_dim": lambda m: m.take_along_dim(m.ones(3, dtype=m.bool), m.tensor([False]), [1]),
    "take_along_dim_bool_dim": lambda m: m.take_along_dim(m.ones(2, 1), m.zeros(2, 1, dtype=m.bool), True),
}


@pytest.mark.parametrize("case", INDEX_VECTOR_ERRORS)
def test_index_vector_errors_as_torch(case):
    check_error(INDEX_VECTOR_ERRORS[case])


def test_index_ops_read_a_0d_input_as_one_element():
    check_parity(lambda m: [m.tensor(1.0).index_add(0, m.tensor([0]), m.tensor(2.0)),
                            m.tensor(1.0).index_fill(0, m.tensor([0]), 2.0),
                            m.tensor(1.0).index_fill(0, m.tensor([], dtype=m.int64), 2.0),
                            m.tensor(1.0).index_copy(0, m.tensor([0]), m.tensor(2.0))])


def test_tensor_split_refuses_a_float_by_position_before_the_rank():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="invalid combination"):
            m.tensor_split(m.tensor(2, dtype=m.int8), 1.5, 1)


def test_pow_by_a_number_too_small_for_float32_is_no_zero_as_torch():
    """torch keeps a number exponent in double for a float32 pow: (-5) ** 1e-50 is nan, not 1."""
    check_parity(lambda m: [m.pow(m.tensor(-5, dtype=m.int8), -4.343455366906109e-293),
                            m.tensor([[4], [-4], [0]]) ** 2.1685109382686023e-168, m.tensor([-5.0, 2.0, 0.0]) ** -1e-50,
                            m.tensor([-5.0, 2.0]) ** -1e-40], tol=dict(rtol=0, atol=0))


@pytest.mark.parametrize("call", [
    lambda m: m.topk(m.tensor(False), 1, None),
    lambda m: m.scalar_tensor(float("nan"), requires_grad=1, device="cuda"),
    lambda m: m.matmul(m.ones(3, 2, 2, dtype=m.bool), m.ones(3, 2, 2)),
    lambda m: m.matmul(m.ones(3, 2, 2), m.ones(3, 2, 2, dtype=m.bool)),
    lambda m: m.matmul(m.ones(3, 2, 2, dtype=m.int64), m.ones(3, 2, 2)),
])
def test_checked_in_torch_order(call):
    check_error(call)


def test_tensor_split_checks_its_dim_type_first():
    torch = require_torch()
    for m in (torch, tinygrad_rnn):
        with pytest.raises(TypeError):
            m.tensor_split(m.tensor(1.0), [], None)


def test_float32_add_alpha_holds_its_numbers_as_float32():
    """torch's float32 add/sub kernel holds alpha and a number operand as float32: an alpha below float32's range
    is 0 and a number above it inf (inf * 0 is nan), not their float64 product."""
    check_parity(lambda m: [m.sub(m.tensor([[5]]), 1e300, alpha=-3.183792790086257e-118),
                            m.add(m.tensor([1], dtype=m.int32), float("inf"), alpha=-1.19e-229),
                            m.add(m.tensor([1.0]), float("inf"), alpha=-1.19e-229),
                            m.rsub(m.tensor([1.5]), 1e300, alpha=1e-300),
                            m.add(m.tensor([1.5, 2.25]), m.tensor([3.1, 1e-3]), alpha=1.7)], tol=dict(rtol=0, atol=0))


INDEX_ADD_ERRORS = {  # torch's exception type and message
    "slices_of_one_element": lambda m: m.index_add(m.ones(1, 1, 1, dtype=m.int32), 0, m.tensor([2]),
                                                   m.zeros(1, 1, 1, dtype=m.int32), alpha=2),
    "0d_with_two_indices": lambda m: m.index_add(m.tensor(1.0), 0, m.tensor([0, 0]), m.tensor(1.0)),
    "0d_source_dtype_first": lambda m: m.index_add(m.tensor(1, dtype=m.int32), 0, m.tensor([], dtype=m.int64),
                                                   m.tensor(0.0)),
    "0d_index_dtype_first": lambda m: m.index_add(m.tensor(1.0), 0, m.tensor([], dtype=m.bool), m.tensor(1.0)),
}


@pytest.mark.parametrize("case", INDEX_ADD_ERRORS)
def test_index_add_errors_as_torch(case):
    check_error(INDEX_ADD_ERRORS[case])


def test_index_add_into_nothing_checks_no_index():
    check_parity(lambda m: m.index_add(m.zeros(1, 0, 2, dtype=m.int32), 1, m.tensor([0]), m.zeros(1, 1, 2, dtype=m.int32)))


@pytest.mark.parametrize("call", [
    lambda m: m.ones(2).index_fill(0, m.tensor([0], dtype=m.int32), 1.0),
    lambda m: m.tensor(1.0).index_fill(0, m.tensor([], dtype=m.int32), 0),
    lambda m: m.ones(2).index_fill(0, m.tensor([0.0]), 1.0),
    lambda m: m.ones(2).index_fill(0, m.tensor([[0]]), 1.0),
])
def test_index_fill_wants_an_int64_vector_as_torch(call):
    check_error(call)


def test_index_add_checks_the_dtypes_before_the_index():
    check_error(lambda m: m.index_add(m.ones(1, 1, 1, dtype=m.int32), 0, m.tensor([2]), m.zeros(1, 1, 1)))
    check_error(lambda m: m.index_add(m.zeros(0), 0, m.tensor([0, 0, 0]), m.ones(3)))


@pytest.mark.parametrize("call", [lambda m: m.repeat_interleave(m.tensor(0.0), -1, 1),
                                  lambda m: m.repeat_interleave(m.tensor(0.0), m.tensor([1]), 1),
                                  lambda m: m.repeat_interleave(m.tensor(0.0), 2, -2),
                                  lambda m: m.repeat_interleave(m.tensor(0.0), -1, -1)])
def test_repeat_interleave_of_a_0d_checks_the_dim_first(call):
    check_error(call)


@pytest.mark.parametrize("call", [lambda m: m.kthvalue(m.zeros(0, 2, dtype=m.bool), 1, 0),
                                  lambda m: m.kthvalue(m.zeros(2, dtype=m.bool), 5, 0),
                                  lambda m: m.zeros(0, 2, dtype=m.bool).median(0, keepdim=True),
                                  lambda m: m.median(m.zeros(0, 2), -2)])
def test_kthvalue_and_median_check_sizes_before_bools(call):
    check_error(call)


def test_casts_out_of_range_are_silent_as_in_torch():
    """inf as half, NaN and inf as ints: numpy warns (RuntimeWarning), torch casts without a word."""
    import warnings
    x = tinygrad_rnn.tensor([1e10, float("nan"), float("inf"), 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [x.half(), x.int(), x.long(), x.double().half(), x.to(tinygrad_rnn.int8)]
    assert results[0].tolist()[0] == float("inf") and results[1].tolist()[3] == 1


@pytest.mark.parametrize("call", [
    lambda m: m.tensor(1.0).size(0), lambda m: m.tensor(1.0).size(-1), lambda m: m.tensor(1.0).stride(0),
    lambda m: m.ones(3).stride(1), lambda m: m.ones(3).size("a"), lambda m: m.ones(3).size(1.0),
    lambda m: m.ones(3).size(True), lambda m: m.ones(3).stride("a"),
])
def test_size_and_stride_of_a_dim_check_it_as_torch(call):
    """A 0-d tensor has no dim 0 (its size(0) was 1); stride(dim) wraps and checks dim as size(dim) does."""
    check_error(call)


@pytest.mark.parametrize("reduce", [np.all, np.any])
def test_numpy_reductions_of_a_tensor_fail_with_torchs_error_type(reduce):
    """numpy's all/any call Tensor.all(axis=None, out=None): no overload takes those (our explanation of the
    empty signature `()` used to crash with a ValueError)."""
    torch = require_torch()
    for lib in (torch, tinygrad_rnn):
        with pytest.raises(TypeError, match="received an invalid combination of arguments"):
            reduce(lib.ones(2))
