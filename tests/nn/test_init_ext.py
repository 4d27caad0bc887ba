"""nn.init: every function torch has exists here; the seeded draws of trunc_normal_, sparse_ and
orthogonal_ equal torch's, and so does the random stream after them; dirac_ and the deprecated
spellings (with their FutureWarning); errors."""
import warnings

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def test_every_torch_init_function_exists():
    torch = require_torch()
    public = {n for n in dir(torch.nn.init) if not n.startswith("_") and callable(getattr(torch.nn.init, n))}
    public -= {"Callable", "Literal", "ParamSpec", "TypeVar"}  # typing names torch's module imports
    assert sorted(public - set(dir(tinygrad_rnn.nn.init))) == []


SEEDED = {
    "trunc_normal_ (default)": lambda m, x: m.nn.init.trunc_normal_(x),
    "trunc_normal_ (wide, shifted)": lambda m, x: m.nn.init.trunc_normal_(x, 0.5, 2.0, -1.0, 3.0),
    "trunc_normal_ (narrow: uniform proposals)": lambda m, x: m.nn.init.trunc_normal_(x, 0.0, 1.0, -0.1, 0.1),
    "trunc_normal_ (in the tail)": lambda m, x: m.nn.init.trunc_normal_(x, 0.0, 1.0, 1.5, 3.0),
    "sparse_": lambda m, x: m.nn.init.sparse_(x, 0.4, std=0.5),
    "orthogonal_ (tall)": lambda m, x: m.nn.init.orthogonal_(x, gain=2.0),
    "orthogonal_ (wide)": lambda m, x: m.nn.init.orthogonal_(x.reshape(4, 15)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", list(SEEDED))
def test_seeded_init_matches_torch(case, dtype):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x = m.empty(12, 5, dtype=getattr(m, dtype))
        SEEDED[case](m, x)
        results.append((x.numpy().copy(), m.rand(3, dtype=getattr(m, dtype)).numpy()))
    (ours, ours_next), (theirs, theirs_next) = results
    assert ours.dtype == theirs.dtype
    rtol = 1e-12 if dtype == "float64" else 2e-6  # float32 normals are rounded from a float64 draw
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol)
    np.testing.assert_array_equal(ours_next, theirs_next)  # the stream continues in the same place


@pytest.mark.parametrize("shape, groups", [((4, 3, 5), 1), ((6, 2, 3, 3), 2), ((2, 4, 3, 3, 3), 1)])
def test_dirac_matches_torch(shape, groups):
    torch = require_torch()
    ours = tinygrad_rnn.nn.init.dirac_(tinygrad_rnn.empty(*shape), groups)
    theirs = torch.nn.init.dirac_(torch.empty(*shape), groups)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
                                  "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"])
def test_deprecated_spellings_warn_and_draw_as_torch(name):
    torch = require_torch()
    args = {"constant": (0.3,), "sparse": (0.5,)}.get(name, ())
    shape = (3, 2, 3) if name == "dirac" else (4, 3)
    results = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(1)
        with pytest.warns(FutureWarning, match=f"`nn.init.{name}` is now deprecated in favor of `nn.init.{name}_`"):
            results.append(getattr(m.nn.init, name)(m.empty(*shape, dtype=m.float64), *args).numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_trunc_normal_far_mean_warns_as_torch():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        tinygrad_rnn.nn.init.trunc_normal_(tinygrad_rnn.empty(3), mean=10.0)


ERRORS = {
    "dirac 2-D": lambda m: m.nn.init.dirac_(m.empty(2, 2)),
    "dirac groups": lambda m: m.nn.init.dirac_(m.empty(3, 2, 3), groups=2),
    "sparse 3-D": lambda m: m.nn.init.sparse_(m.empty(2, 2, 2), 0.5),
    "orthogonal 1-D": lambda m: m.nn.init.orthogonal_(m.empty(3)),
    "eye 3-D": lambda m: m.nn.init.eye_(m.empty(2, 2, 2)),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_init_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(ERRORS[case])
