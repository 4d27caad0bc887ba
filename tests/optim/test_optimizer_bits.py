"""Optimizer steps round as torch's do: its add with an alpha, lerp and addcmul are fused multiply-adds
and its addcdiv computes value * t1 first. Where the gradients are torch's bit for bit (an elementwise
loss) and the update needs no square root, 50 steps give torch's parameters bit for bit (for parameters
up to optim.step_math.FUSED_ELEMENTS elements; larger ones round twice, for speed). (torch's
float32 sqrt is not correctly rounded on this CPU, an ulp off in about one value in six: optimizers
that take one agree to rounding only.)"""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn

BIT_EXACT = [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.03)),
    ("Adamax", dict(lr=0.01)), ("Adamax", dict(lr=0.01, weight_decay=0.1)), ("ASGD", dict(lr=0.01, weight_decay=0.01)),
    # torch's multi-tensor ASGD: foreach adds with an alpha and addcmuls, each one rounding
    ("ASGD", dict(lr=0.01, weight_decay=0.01, foreach=True)), ("ASGD", dict(lr=0.01, t0=5, lambd=0.01, foreach=True)),
]
WITH_SQRT = [("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True)),
             ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)), ("Adagrad", dict(lr=0.1)),
             ("Adadelta", dict(lr=1.0)), ("NAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01))]


def _trajectory(lib, name, kwargs, dtype, steps=50):
    rng = np.random.default_rng(0)
    start, target = rng.standard_normal(64).astype(dtype), rng.standard_normal(64).astype(dtype)
    p = lib.tensor(start, requires_grad=True)
    optimizer = getattr(lib.optim, name)([p], **kwargs)
    for _ in range(steps):
        optimizer.zero_grad()
        ((p - lib.tensor(target)) ** 2).sum().backward()
        optimizer.step()
    return p.detach().numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", BIT_EXACT, ids=[f"{n}-{sorted(k)}" for n, k in BIT_EXACT])
def test_steps_without_a_square_root_are_torchs_bit_for_bit(name, kwargs, dtype):
    torch = require_torch()
    np.testing.assert_array_equal(_trajectory(tinygrad_rnn, name, kwargs, dtype), _trajectory(torch, name, kwargs, dtype))


@pytest.mark.parametrize("name,kwargs", WITH_SQRT, ids=[f"{n}-{sorted(k)}" for n, k in WITH_SQRT])
def test_steps_with_a_square_root_agree_to_float64_rounding(name, kwargs):
    torch = require_torch()
    np.testing.assert_allclose(_trajectory(tinygrad_rnn, name, kwargs, np.float64),
                               _trajectory(torch, name, kwargs, np.float64), rtol=1e-12, atol=1e-14)


class _TorchSqrtNumpy:
    """numpy, but with torch's square root (MKL's, not correctly rounded on this CPU)."""

    def __init__(self, torch):
        self._torch = torch

    def __getattr__(self, name):
        return getattr(np, name)

    def sqrt(self, x):
        return self._torch.from_numpy(np.ascontiguousarray(x)).sqrt().numpy()


RADAM_FOREACH = [dict(lr=0.01), dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
                 dict(lr=0.01, maximize=True, betas=(0.5, 0.9))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", RADAM_FOREACH, ids=[str(sorted(k)) for k in RADAM_FOREACH])
def test_radam_foreach_rounds_as_torchs_multi_tensor_path(kwargs, dtype, monkeypatch):
    """torch's foreach RAdam computes its step sizes as Python numbers and the update as
    p + m * (1 / ((sqrt(v) + eps) / step_size) + unrectified_step): given torch's square root, the
    same bits (the single-tensor formula is an ulp off in some elements)."""
    torch = require_torch()
    from tinygrad_rnn.optim import radam

    monkeypatch.setattr(radam, "np", _TorchSqrtNumpy(torch))
    kwargs = dict(kwargs, foreach=True)
    np.testing.assert_array_equal(_trajectory(tinygrad_rnn, "RAdam", kwargs, dtype),
                                  _trajectory(torch, "RAdam", kwargs, dtype))


def test_a_large_parameter_takes_the_unfused_path_within_float32_rounding():
    torch = require_torch()
    from tinygrad_rnn.optim.step_math import FUSED_ELEMENTS

    rng = np.random.default_rng(1)
    start, grad = (rng.standard_normal(FUSED_ELEMENTS + 1).astype(np.float32) for _ in range(2))
    results = []
    for lib in (torch, tinygrad_rnn):
        p = lib.tensor(start, requires_grad=True)
        optimizer = lib.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
        for _ in range(3):
            p.grad = lib.tensor(grad)
            optimizer.step()
        results.append(p.detach().numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=2e-6, atol=4e-7)  # (a few ulps of 1)
