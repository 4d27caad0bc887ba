"""The smallest story: the same expression in tinygrad_rnn and torch gives the same value and grads."""
from helpers import check_parity


def test_tanh_of_matmul_matches_torch():
    check_parity(lambda m, a, b: (a @ b).tanh(), shapes=[(3, 4), (4, 2)])


def test_float32_stays_float32():
    check_parity(lambda m, a, b: (a * b + 1.5).sigmoid().sum(0), shapes=[(3, 4), (4,)], dtype="float32")
