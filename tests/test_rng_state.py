"""torch.get_rng_state / set_rng_state and Generator.get_state / set_state: torch's 5056 bytes, a
state taken from torch restores torch's numbers here, and torch's errors for a wrong state."""
from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _draws(m, what):
    if what == "randn3":
        return m.randn(3)
    if what == "rand700":
        return m.rand(700)
    if what == "randn_double":
        return m.randn(5, dtype=m.float64)
    return m.randint(0, 10, (17,))


@pytest.mark.parametrize("what", ["none", "randn3", "rand700", "randn_double", "randint"])
def test_state_bytes_are_torchs(what):
    torch = require_torch()
    states = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(1234)
        if what != "none":
            _draws(m, what)
        state = m.get_rng_state()
        assert state.dtype == m.uint8 and tuple(state.shape) == (5056,)
        states.append(state.numpy().copy())
    np.testing.assert_array_equal(states[0], states[1])


@pytest.mark.parametrize("what", ["randn3", "rand700", "randint"])
def test_a_torch_state_gives_torchs_next_numbers(what):
    torch = require_torch()
    torch.manual_seed(7)
    _draws(torch, what)
    state = torch.get_rng_state()
    expected = torch.randn(9, dtype=torch.float64).numpy()
    tinygrad_rnn.set_rng_state(tinygrad_rnn.tensor(state.numpy()))
    np.testing.assert_array_equal(tinygrad_rnn.randn(9, dtype=tinygrad_rnn.float64).numpy(), expected)
    np.testing.assert_array_equal(tinygrad_rnn.get_rng_state().numpy(), torch.get_rng_state().numpy())


def test_round_trip_restores_the_same_numbers_and_the_pending_normal():
    tinygrad_rnn.manual_seed(3)
    tinygrad_rnn.randn(1)  # leaves the second value of a Box-Muller pair pending
    state = tinygrad_rnn.get_rng_state()
    first = tinygrad_rnn.randn(5).numpy()
    tinygrad_rnn.set_rng_state(state)
    np.testing.assert_array_equal(tinygrad_rnn.randn(5).numpy(), first)


def test_generator_state_round_trip():
    g = tinygrad_rnn.Generator().manual_seed(11)
    state = g.get_state()
    first = tinygrad_rnn.rand(4, generator=g).numpy()
    assert g.set_state(state) is g
    np.testing.assert_array_equal(tinygrad_rnn.rand(4, generator=g).numpy(), first)
    assert g.initial_seed() == 11


def test_fork_rng_puts_the_state_back():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(5)
        with m.random.fork_rng():
            m.randn(4)
        with m.random.fork_rng(enabled=False):
            m.rand(2)
        results.append(m.randn(3).numpy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("bad", ["short", "float", "list", "strided", "left0", "seeded0", "next625"])
def test_bad_states(bad):
    require_torch()

    def call(m):
        m.manual_seed(0)
        good = m.get_rng_state()
        raw = bytearray(good.numpy().tobytes())
        state = {
            "short": m.zeros(10, dtype=m.uint8), "float": m.zeros(5056), "list": [1, 2],
            "strided": m.zeros(10112, dtype=m.uint8)[::2],
        }.get(bad)
        if state is None:
            offset, value = {"left0": (8, 0), "seeded0": (12, 0), "next625": (16, 625)}[bad]
            raw[offset:offset + 4] = value.to_bytes(4, "little")
            state = m.tensor(list(raw), dtype=m.uint8)
        m.set_rng_state(state)
    check_error(call)


def test_randint_like_draws_torchs_numbers():
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        draws = [m.randint_like(m.zeros(2, 3), 5), m.randint_like(m.zeros(4), 2, 9),
                 m.randint_like(m.zeros(2, dtype=m.float64), 3), m.randint_like(m.zeros(2, dtype=m.int32), 3, dtype=m.int64),
                 m.randint_like(m.zeros(2), 3, requires_grad=True)]
        results.append([(repr(d.dtype), d.requires_grad, d.detach().numpy()) for d in draws])
    for (dtype_a, grad_a, a), (dtype_b, grad_b, b) in zip(*results):
        assert dtype_a == dtype_b and grad_a == grad_b
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call", [lambda m: m.randint(3, size=(6,)), lambda m: m.randint(high=3, size=(6,)),
                                  lambda m: m.randint(size=[2, 2], high=4, dtype=m.int32),
                                  lambda m: m.randint(1, high=3, size=m.Size([3])), lambda m: m.randint(3, (2,))])
def test_randint_takes_high_and_size_by_keyword(call):
    """minGPT's sort demo draws `torch.randint(self.num_digits, size=(self.length,), dtype=torch.long)`."""
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        drawn = call(m)
        results.append((repr(drawn.dtype), drawn.tolist()))
    assert results[0] == results[1]


def _untemper(y: np.ndarray) -> np.ndarray:
    """The mt19937 state word whose tempered output is y (tempering is a bijection of 32-bit words)."""
    y = y ^ (y >> 18)
    y = y ^ ((y << 15) & 0xEFC60000)
    x = y
    for _ in range(5):  # each pass fixes 7 more low bits of y ^= (y << 7) & mask
        x = y ^ ((x << 7) & 0x9D2C5680)
    y, x = x & 0xFFFFFFFF, x & 0xFFFFFFFF
    for _ in range(3):  # and 11 more high bits of y ^= y >> 11
        x = y ^ (x >> 11)
    return x


def _state_that_draws(outputs: np.ndarray) -> np.ndarray:
    """A torch state whose next len(outputs) <= 623 outputs are `outputs`: mt19937 with `left` = 624
    reads the stored words (tempered) before it twists."""
    tinygrad_rnn.manual_seed(0)
    state = tinygrad_rnn.get_rng_state().numpy().copy()
    state[8:12] = np.frombuffer(np.int32(624).tobytes(), np.uint8)  # left
    state[16:24] = 0  # next
    words = np.zeros(624, np.uint64)
    words[:len(outputs)] = _untemper(outputs.astype(np.uint64))
    state[24:24 + 624 * 8] = words.view(np.uint8)
    return state


def _edge_uniforms() -> tuple[np.ndarray, np.ndarray]:
    """24-bit uniforms (as integers) where float32 log and sincos are hardest: near 0 and 1, near powers
    of two (log's range reduction), and near multiples of 1/8 (the octants of 2 pi u)."""
    k = np.arange(-96, 96)
    logs = np.concatenate([np.arange(2048), 2**24 - 1 - np.arange(2048)] + [2**p + k for p in range(7, 24)])
    angles = np.concatenate([np.arange(1024)] + [m * 2**21 + k * 7 for m in range(1, 9)])
    return np.clip(logs, 0, 2**24 - 1), np.clip(angles, 0, 2**24 - 1)


def test_float_normals_are_torchs_bits_at_the_edge_uniforms():
    """The same crafted states (chosen uniforms) give the same float normals: each uniform once as the
    log input (angle 0) and once as the angle (a fixed radius)."""
    torch = require_torch()
    logs, angles = _edge_uniforms()
    per_call = 38 * 8  # randn(608) is 38 blocks of 16 = 8 log inputs + 8 angles each
    for values, column in ((logs, slice(0, 8)), (angles, slice(8, 16))):
        for start in range(0, len(values), per_call):
            chunk = values[start:start + per_call]
            blocks = np.zeros((38, 16), np.int64)
            if column.start == 8:
                blocks[:, :8] = 6_600_000  # radius near 1
            blocks[:, column].flat[:len(chunk)] = chunk
            state = _state_that_draws(blocks.ravel())
            results = []
            for m in (tinygrad_rnn, torch):
                m.set_rng_state(m.from_numpy(state.copy()))
                results.append(m.randn(608).numpy())
            np.testing.assert_array_equal(results[0].view(np.int32), results[1].view(np.int32))


def test_a_crafted_state_draws_the_chosen_outputs():
    """The helper above is sound: torch and we read back exactly the outputs put in the state."""
    torch = require_torch()
    chosen = np.random.default_rng(0).integers(0, 2**24, 600)
    for m in (tinygrad_rnn, torch):
        m.set_rng_state(m.from_numpy(_state_that_draws(chosen)))
        np.testing.assert_array_equal(m.rand(600).numpy() * 2**24, chosen)


def test_a_generator_prints_as_torchs():
    # notebooks print what torch.manual_seed(0) returns; only the address differs between runs
    torch = require_torch()
    for make in (lambda m: m.manual_seed(0), lambda m: m.Generator().manual_seed(1), lambda m: m.default_generator):
        ours, theirs = repr(make(tinygrad_rnn)), repr(make(torch))
        assert re.sub("0x[0-9a-f]+", "0x?", ours) == re.sub("0x[0-9a-f]+", "0x?", theirs)


def test_set_rng_state_of_an_array_names_numpys_type_as_torch():
    check_error(lambda m: m.set_rng_state(np.zeros(5, dtype=np.uint8)))


@pytest.mark.parametrize("what", ["none", "randn3", "randn_double"])
def test_clone_state_is_a_new_generator_at_the_same_state(what):
    """Generator.clone_state(): the clone and the original then draw torch's same numbers, apart."""
    torch = require_torch()
    drawn = []
    for m in (tinygrad_rnn, torch):
        g = m.Generator().manual_seed(3)
        if what != "none":  # (a float64 normal leaves one cached in the state)
            m.randn(3 if what == "randn3" else 5, generator=g, dtype=m.float32 if what == "randn3" else m.float64)
        clone = g.clone_state()
        assert clone is not g and clone.initial_seed() == 3
        drawn.append([m.randn(5, generator=clone).numpy(), m.randn(5, generator=g).numpy(), g.get_state().numpy()])
    for ours, theirs in zip(*drawn):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("call", [lambda g: g.clone_state(1), lambda g: g.clone_state(x=1),
                                  lambda g: g.graphsafe_get_state(), lambda g: g.graphsafe_get_state(1),
                                  lambda g: g.graphsafe_set_state(g), lambda g: g.graphsafe_set_state(1),
                                  lambda g: g.graphsafe_set_state(), lambda g: g.graphsafe_set_state(state=g)])
def test_generator_c_methods_refuse_as_torchs(call):
    check_error(lambda m: call(m.Generator()))
