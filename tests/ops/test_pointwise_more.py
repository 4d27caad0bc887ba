"""The edges of the newer elementwise ops that the op database's random samples do not reach:
NaN, infinities, zeros, ties, integer inputs, and torch's errors."""
import numpy as np
import pytest
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

NAN, INF = float("nan"), float("inf")


def test_xlogy_is_zero_where_x_is_zero_and_its_gradients_follow_torchs_masks():
    x = np.array([0.0, 0.0, 1.0, 0.0, 2.0])
    y = np.array([0.0, -1.0, 0.0, NAN, 3.0])
    check_parity(lambda m, a, b: m.xlogy(a, b), [x, y])
    check_parity(lambda m, b: m.xlogy(2, b), [np.abs(y[[0, 2, 4]]) + 0.5])


def test_fmax_and_fmin_ignore_nan_and_give_ties_to_the_first_operand():
    a = np.array([1.0, 2.0, 3.0, NAN, NAN])
    b = np.array([1.0, 3.0, 2.0, 1.0, NAN])
    for name in ("fmax", "fmin"):
        check_parity(lambda m, x, y, name=name: getattr(m, name)(x, y), [a, b])


def test_copysign_fmod_and_nextafter_at_zeros_and_signs():
    a = np.array([0.0, -0.0, 1.5, -2.5, 7.0])
    b = np.array([-1.0, 1.0, -0.0, 2.0, -3.0])
    check_parity(lambda m, x, y: m.copysign(x, y), [a, b])
    check_parity(lambda m, x: m.copysign(x, -1.0), [a])
    check_parity(lambda m, x, y: m.fmod(x, y), [a, b[[0, 1, 3, 3, 4]]])
    check_parity(lambda m, x: m.fmod(x, 2.5), [a])
    check_parity(lambda m, x, y: m.nextafter(x, y), [a, b])
    check_parity(lambda m, x, y: m.nextafter(x, y), [np.float32([1, 2]), np.float32([1, 0])])


def test_nan_to_num_defaults_are_the_dtypes_extremes():
    x = np.array([NAN, INF, -INF, 1.5])
    for dtype in (np.float32, np.float64):
        check_parity(lambda m, t: m.nan_to_num(t), [x.astype(dtype)])
        check_parity(lambda m, t: m.nan_to_num(t, nan=1.0, posinf=2.0, neginf=-2.0), [x.astype(dtype)])


def test_integer_inputs_keep_or_change_dtype_as_torchs():
    i = np.array([[-3, 0, 4], [7, -12, 5]])
    j = np.array([[2, 5, 6], [3, 8, -5]])
    for name in ("trunc", "fix", "sgn", "nan_to_num", "positive", "exp2", "erfc", "deg2rad", "acosh", "asinh"):
        check_parity(lambda m, t, name=name: getattr(m, name)(t), [i])
    for name in ("gcd", "lcm", "fmod", "fmax", "copysign", "xlogy", "ldexp", "float_power", "heaviside"):
        check_parity(lambda m, a, b, name=name: getattr(m, name)(a, b), [i, j])


def test_frexp_splits_into_mantissa_and_int32_exponent():
    check_parity(lambda m, x: tuple(m.frexp(x)), [np.array([0.0, 1.0, -3.0, 1e-300, 1e300, NAN])])
    check_parity(lambda m, x: m.frexp(x).mantissa, [np.float32([0.1, 8.0])])


def test_erfc_keeps_its_digits_in_the_far_tail():
    check_parity(lambda m, x: m.erfc(x), [np.linspace(-6, 26, 17)])


def test_inplace_variants_write_into_the_tensor():
    check_parity(lambda m, x: x.clone().acosh_(), [np.array([1.5, 3.0])], requires_grad=[False])
    check_parity(lambda m, x, y: x.clone().addcmul_(y, y, value=0.5), [np.ones(3), np.arange(3.0)],
                 requires_grad=[False, False])


@pytest.mark.parametrize(("name", "dtype"), [("frac", np.int64), ("logaddexp", np.int64), ("nextafter", np.int64),
                                             ("gcd", np.float64), ("lcm", np.float32)])
def test_kernels_torch_lacks_raise_its_not_implemented_error(name, dtype):
    x = np.array([1, 2], dtype=dtype)
    args = (x,) if name == "frac" else (x, x)
    check_error(lambda m, *a: getattr(m, name)(*(m.tensor(v) for v in a)), *args)


def test_errors_of_torch():
    check_error(lambda m: m.addcdiv(m.tensor([1]), m.tensor([1]), m.tensor([2])))
    check_error(lambda m: m.positive(m.tensor([True])))
    check_error(lambda m: m.frexp(m.tensor([1, 2])))
    check_error(lambda m: m.heaviside(m.tensor([1.0]), m.tensor([1])))
    check_error(lambda m: m.fmod(m.tensor([1, 2]), 0))


@pytest.mark.parametrize("call", ["addcmul", "addcdiv", "addcmul_", "addcdiv_"])
@pytest.mark.parametrize("shapes", [((2, 5), (2, 2), (2, 5)), ((2, 5), (2, 1), (2, 3)), ((2, 1), (2, 5), (2, 3))])
@pytest.mark.parametrize("dtype", [np.float32, np.bool_])
def test_addcmul_and_addcdiv_fold_the_three_shapes_in_torchs_order(call, shapes, dtype):
    """input, tensor1, tensor2 broadcast left to right: (2, 5), (2, 1), (2, 3) fails on the 3 against the 5
    (ours raised numpy's ValueError; addcdiv named tensor1 against tensor2)."""
    if dtype is np.bool_ and call.startswith("addcdiv"):
        dtype = np.float32  # (addcdiv refuses integer operands before it reads their shapes)
    check_error(lambda m, a, b, c: getattr(a, call)(b, c), *(np.ones(s, dtype) for s in shapes))


def test_heaviside_has_no_derivative():
    check_error(lambda m: m.heaviside(m.tensor([1.0, 0.0], requires_grad=True), m.tensor([0.5])).sum().backward())



@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_remainder_zero_keeps_the_dividends_sign_as_torchs_kernel(dtype):
    torch = require_torch()
    values = np.array([-3.0, -2.0, -1.5, -0.0, 0.0, 2.0, 3.0, INF, -INF, NAN, 7.5, -1e-3])
    a, b = np.meshgrid(values, values)
    ours, theirs = (m.remainder(m.tensor(a).to(getattr(m, dtype)), m.tensor(b).to(getattr(m, dtype))).double().numpy()
                    for m in (tinygrad_rnn, torch))
    assert np.array_equal(ours, theirs, equal_nan=True)
    numbers = ~np.isnan(theirs)
    assert np.array_equal(np.signbit(ours[numbers]), np.signbit(theirs[numbers]))  # torch.remainder(-2., 2) is -0.


def _remainder_signs(m):
    x = m.tensor([-2.0, 3.0, -4.0])
    results = [m.remainder(x, 2), x % 2, m.remainder(-2.0, m.tensor([2.0, -1.5])), x.clone().remainder_(2),
               m.remainder(m.tensor([1, 2, 3]), -1.5)]
    return [np.signbit(t.numpy()).tolist() for t in results]


def test_remainder_of_a_number_and_the_operator_forms_keep_the_zeros_sign():
    assert _remainder_signs(tinygrad_rnn) == _remainder_signs(require_torch())


def test_where_of_two_numbers_has_torchs_result_dtype():
    torch = require_torch()
    for first, second in ((1.0, 0.0), (1, 0), (1, 0.5), (True, False), (True, 2), (np.int32(1), 0)):
        ours, theirs = (m.where(m.tensor([True, False]), first, second) for m in (tinygrad_rnn, torch))
        assert str(ours.dtype) == str(theirs.dtype), (first, second)  # (1.0, 0.0): float32, not numpy's float64
        assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("call", [
    lambda m: m.hypot(m.ones(2), 2), lambda m: m.ones(2).hypot(2), lambda m: m.ones(2).hypot_(2),
    lambda m: m.hypot(m.ones(2), other=2), lambda m: m.igamma(m.ones(2), 2.0), lambda m: m.ones(2).igammac_(2.0),
    lambda m: m.gcd(m.tensor([4]), 2), lambda m: m.tensor([4]).lcm_(2), lambda m: m.gcd_(m.tensor([4]), 2),
    lambda m: m.ldexp(m.ones(2), 2), lambda m: m.ldexp(2.0, m.ones(2)), lambda m: m.ones(2).nextafter(2.0),
    lambda m: m.ones(2).atan2(2.0), lambda m: m.ones(2).atan2_(2.0), lambda m: m.ones(2).fmax(2.0),
    lambda m: m.fmin(2.0, m.ones(2)), lambda m: m.logaddexp(2.0, m.ones(2)), lambda m: m.ones(2).logaddexp2(2.0),
    lambda m: m.logical_and(2, m.ones(2)), lambda m: m.ones(2).logical_xor(1),
])
def test_tensor_only_operands_given_a_number_raise_torchs_type_error(call):
    check_error(call)  # (was an AttributeError from deep inside, or a result torch never gives)


@pytest.mark.parametrize("other", [4, 4.0, True])
def test_xlog1py_of_an_integer_tensor_and_a_number_is_the_default_float(other):
    torch = require_torch()
    ours, theirs = (m.special.xlog1py(m.tensor([1, 2, 3]), other) for m in (tinygrad_rnn, torch))
    assert str(ours.dtype) == str(theirs.dtype)  # float32: numpy's log1p(4.0) alone is a float64
    assert np.allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


@pytest.mark.parametrize("call", ["x // 2", "torch.floor_divide(x, 2)", "7 // x", "x.floor_divide_(2)",
                                  "torch.tensor([5, 7]) // x", "torch.floor_divide(x, leaf)"])
def test_floor_divide_of_a_tensor_that_requires_grad_has_a_node_without_derivative(call):
    """torch gives a // b a node (torch::autograd::NotImplemented) whose backward raises; ours had div's
    DivBackward2, whose zero gradient went through silently."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        leaf = m.tensor([3.0, 2.0], requires_grad=True)
        y = eval(call, {"torch": m, "x": leaf * 1, "leaf": leaf})  # noqa: S307  (the call under test)
        shown = [type(f).__name__ if f is not None else None for f, _ in y.grad_fn.next_functions]
        seen.append((y.tolist(), y.requires_grad, y.grad_fn.name(), shown))
    assert seen[0] == seen[1]
    check_error(lambda m: eval(call, {"torch": m, "x": m.tensor([3.0, 2.0], requires_grad=True) * 1,  # noqa: S307
                                      "leaf": m.tensor([3.0, 2.0], requires_grad=True)}).sum().backward())


def test_in_place_nodes_without_derivative_name_the_in_place_op():
    check_error(lambda m: m.tensor([3.0, 2.0], requires_grad=True).clone().heaviside_(m.tensor([1.0, 1.0])).sum()
                .backward())
    check_error(lambda m: m.tensor([3.0, 2.0], requires_grad=True).clone()[:1].floor_divide_(2).sum().backward())
    torch = require_torch()
    shown = [len(m.heaviside(m.ones(2, requires_grad=True), m.ones(2)).grad_fn.next_functions)
             for m in (tinygrad_rnn, torch)]
    assert shown[0] == shown[1] == 1


def _xlogy_gradients(m, dtype):
    a = m.tensor([0.0, 1.5, 2.0, 0.0, -1.0, 3.0], dtype=dtype, requires_grad=True)
    b = m.tensor([-1.0, -2.0, 0.5, 0.0, 2.0, 0.7], dtype=dtype, requires_grad=True)
    g = m.tensor([0.0, 0.0, 1.0, 1.0, 2.0, 0.3], dtype=dtype)
    y = m.xlogy(a, b)
    ga, gb = m.autograd.grad(y, (a, b), g, create_graph=True)
    return [y.tolist(), ga.tolist(), gb.tolist(), ga.grad_fn.name(), m.autograd.grad(ga.sum(), b)[0].tolist()]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_xlogy_gradients_follow_torchs_formulas(dtype):
    # d input = xlogy(g, other): 0 where g is 0, even where log(other) is NaN; d other = g * input / other
    torch = require_torch()
    ours, theirs = (_xlogy_gradients(m, getattr(m, dtype)) for m in (tinygrad_rnn, torch))
    assert str(ours) == str(theirs)
