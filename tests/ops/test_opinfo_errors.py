"""Bad inputs from torch's OpInfo database (its `error_inputs`, run by tools/opinfo_parity.py), built here
by hand: each must raise torch's exception type with torch's message."""
import pytest
from helpers import check_error

# Binary ops given no tensor at all, or (where torch has no number-first overload) a number first.
NO_TENSOR_OPERAND = {
    "pow_of_two_numbers": lambda m: m.pow(2, 3),
    "pow_of_none": lambda m: m.pow(None, 2),
    "float_power_of_two_numbers": lambda m: m.float_power(2, 3.5),
    "remainder_of_two_numbers": lambda m: m.remainder(2, 3),
    "bitwise_and_of_two_numbers": lambda m: m.bitwise_and(2, 3),
    "bitwise_or_of_two_bools": lambda m: m.bitwise_or(True, False),
    "bitwise_xor_of_two_numbers": lambda m: m.bitwise_xor(2, 3),
    "bitwise_left_shift_of_two_numbers": lambda m: m.bitwise_left_shift(2, 3),
    "bitwise_right_shift_of_two_numbers": lambda m: m.bitwise_right_shift(2, 3),
    "copysign_of_a_number_and_a_tensor": lambda m: m.copysign(2, m.ones(3)),
    "copysign_of_two_numbers": lambda m: m.copysign(2, 3),
    "rsub_of_a_number_and_a_tensor": lambda m: m.rsub(2, m.ones(3)),
    "xlogy_of_two_numbers": lambda m: m.xlogy(2, 3),
    "xlog1py_of_two_numbers": lambda m: m.special.xlog1py(2, 3),
    "zeta_of_two_numbers": lambda m: m.special.zeta(2, 3),
    "chebyshev_t_of_two_numbers": lambda m: m.special.chebyshev_polynomial_t(2, 3),
    "shifted_chebyshev_w_of_two_numbers": lambda m: m.special.shifted_chebyshev_polynomial_w(2, 3),
    "hermite_he_of_two_numbers": lambda m: m.special.hermite_polynomial_he(0.5, 3),
}


@pytest.mark.parametrize("case", NO_TENSOR_OPERAND)
def test_binary_op_without_a_tensor_operand(case):
    check_error(NO_TENSOR_OPERAND[case])
