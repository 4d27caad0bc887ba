"""The one helper every parity test uses: run the same code on tinygrad_rnn and on torch.

    check_parity(lambda m, a, b: (a @ b).tanh(), shapes=[(3, 4), (4, 2)])

`m` is the module (`tinygrad_rnn` or `torch`); the arrays are drawn (or given), the function runs
on both, backward is seeded with a random upstream gradient (not ones, which would hide transposed
gradients), and value, dtype and every input gradient are compared.
"""
from __future__ import annotations

import contextlib
import os
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_rnn

# float64 must agree to rounding of a few ops; float32 to float32 rounding of a few ops.
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-5, atol=2e-6)}


def require_torch() -> Any:
    """torch, or a skip; in CI (TINYGRAD_RNN_REQUIRE_TORCH set) a missing torch is a failure."""
    try:
        import torch
    except ImportError:
        if os.environ.get("TINYGRAD_RNN_REQUIRE_TORCH"):
            pytest.fail("torch is required (TINYGRAD_RNN_REQUIRE_TORCH is set) but not installed")
        pytest.skip("torch is not installed")
    return torch


def to_numpy(x: Any) -> np.ndarray:
    if hasattr(x, "detach"):  # force: torch hands some zero gradients (sgn, copysign) over as a ZeroTensor
        return x.detach().cpu().numpy(force=True) if hasattr(x, "_is_zerotensor") else x.detach().numpy()
    return np.asarray(x)


def assert_arrays_close(ours: Any, theirs: Any, dtype: Any = None, what: str = "value") -> None:
    a, b = to_numpy(ours), to_numpy(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch's {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != torch's {b.dtype}"
    tol = TOL[np.dtype(dtype or a.dtype).type] if a.dtype.kind == "f" else dict(rtol=0, atol=0)
    np.testing.assert_allclose(a, b, err_msg=what, **tol)


def _outputs(out: Any) -> list:
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _outputs(item)]
    return [out]


def check_parity(fn: Callable, arrays: Sequence[np.ndarray] = (), *, shapes: Sequence = (),
                 dtype: Any = np.float64, requires_grad: Sequence[bool] | None = None,
                 seed: int = 0, tol: dict | None = None) -> None:
    """Run `fn(module, *tensors)` on both frameworks; compare outputs and input gradients."""
    torch = require_torch()
    rng = np.random.default_rng(seed)
    arrays = list(arrays) or [rng.standard_normal(s).astype(dtype) for s in shapes]
    flags = list(requires_grad) if requires_grad is not None else [a.dtype.kind == "f" for a in arrays]
    ours = [tinygrad_rnn.tensor(a, requires_grad=f) for a, f in zip(arrays, flags)]
    theirs = [torch.tensor(a, requires_grad=f) for a, f in zip(arrays, flags)]
    out_ours, out_theirs = _outputs(fn(tinygrad_rnn, *ours)), _outputs(fn(torch, *theirs))
    assert len(out_ours) == len(out_theirs)
    for i, (a, b) in enumerate(zip(out_ours, out_theirs)):
        _compare(a, b, f"output {i}", tol)
    pairs = [(a, b) for a, b in zip(out_ours, out_theirs) if getattr(b, "requires_grad", False)]  # not a bool
    if not pairs:
        return
    seeds = [rng.standard_normal(b.shape).astype(to_numpy(b).dtype) for _, b in pairs]
    tinygrad_rnn.autograd.backward([a for a, _ in pairs], [tinygrad_rnn.tensor(s) for s in seeds])
    torch.autograd.backward([b for _, b in pairs], [torch.tensor(s) for s in seeds])
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if b.requires_grad:
            assert (a.grad is None) == (b.grad is None), f"grad of input {i}: ours {a.grad}, torch {b.grad}"
            if b.grad is not None:
                _compare(a.grad, b.grad, f"grad of input {i}", tol)


def _compare(a: Any, b: Any, what: str, tol: dict | None) -> None:
    x, y = to_numpy(a), to_numpy(b)
    assert x.shape == y.shape, f"{what}: shape {x.shape} != torch's {y.shape}"
    assert x.dtype == y.dtype, f"{what}: dtype {x.dtype} != torch's {y.dtype}"
    if x.dtype.kind == "f":
        np.testing.assert_allclose(x, y, err_msg=what, **(tol or TOL[x.dtype.type]))
    else:
        np.testing.assert_array_equal(x, y, err_msg=what)


def check_error(fn: Callable, *args: Any) -> None:
    """`fn(module, *args)` raises the same exception type with the same message on both."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        fn(torch, *args)
    with pytest.raises(Exception) as ours:
        fn(tinygrad_rnn, *args)
    assert type(ours.value).__name__ == type(theirs.value).__name__, (ours.value, theirs.value)
    assert str(ours.value) == str(theirs.value)


def check_finite_differences(fn: Callable, arrays: Sequence[np.ndarray], *, seed: int = 0, eps: float = 1e-6,
                             rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Every input gradient of `fn(tinygrad_rnn, *tensors)` (float64) agrees with central differences.

    The scalar checked is sum(v * fn(x)) for a random v, so transposed or mixed-up gradient
    entries cannot cancel out; each input element is nudged by +-eps in turn.
    """
    rng = np.random.default_rng(seed)
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    leaves = [tinygrad_rnn.tensor(a, requires_grad=True) for a in arrays]
    outs = _outputs(fn(tinygrad_rnn, *leaves))
    weights = [rng.standard_normal(o.shape) for o in outs]

    def scalar(values: list) -> float:
        with tinygrad_rnn.no_grad():
            got = _outputs(fn(tinygrad_rnn, *[tinygrad_rnn.tensor(v) for v in values]))
        return float(sum(np.sum(w * to_numpy(o)) for w, o in zip(weights, got)))

    tinygrad_rnn.autograd.backward(outs, [tinygrad_rnn.tensor(w) for w in weights])
    for i, a in enumerate(arrays):
        numeric = np.zeros_like(a)
        for k in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][k] += eps
            minus[i][k] -= eps
            numeric[k] = (scalar(plus) - scalar(minus)) / (2 * eps)
        grad = leaves[i].grad
        analytic = np.zeros_like(a) if grad is None else to_numpy(grad)
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")


# ------------------------------------------------------------------ the examples, on either framework
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TORCH_IMPORTS = {
    "import tinygrad_rnn as torch\n": "import torch\n",
    "from tinygrad_rnn import nn\n": "from torch import nn\n",
    "from tinygrad_rnn.utils.data import": "from torch.utils.data import",
}


def load_example(name: str, framework: str = "tinygrad_rnn") -> types.ModuleType:
    """examples/<name>.py as a module; with framework='torch', its own source with torch's imports,
    so a parity test compares the very same training loop on both frameworks."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))  # for `from _common import ...`
    source = (EXAMPLES / f"{name}.py").read_text()
    if framework == "torch":
        require_torch()
        for ours, theirs in TORCH_IMPORTS.items():
            source = source.replace(ours, theirs)
        assert "tinygrad_rnn" not in source.split('"""', 2)[2], "the example must be plain PyTorch apart from its imports"
    module = types.ModuleType(f"example_{name}_{framework}")
    module.__file__ = str(EXAMPLES / f"{name}.py")
    sys.modules[module.__name__] = module  # dataclasses/typing look modules up by name
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


@contextlib.contextmanager
def both_on_threads(torch: Any, count: int) -> Iterator[None]:
    """torch and tinygrad_rnn on `count` intra-op threads for a while (torch splits some long sums between
    them: a long norm, an (N, C) batch's statistics, float16 kernels' chunks), set back afterwards."""
    before = torch.get_num_threads(), tinygrad_rnn.get_num_threads()
    torch.set_num_threads(count)
    tinygrad_rnn.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before[0])
        tinygrad_rnn.set_num_threads(before[1])
