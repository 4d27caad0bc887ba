"""torch.special: the special functions under torch's names.

Most are the ops of ops/special.py and ops/pointwise*.py under a second name (`expit` is
`sigmoid`, `gammaln` is `lgamma`, `psi` is `digamma`); the torch.special-only ones (`entr`,
`erfcx`, `log_ndtr`, `ndtri`, `i0e`, `i1`, `i1e`, `xlog1py`, `zeta`) are differentiable ops of
ops/special.py; the orthogonal polynomials and the Bessel and Airy functions are computed outside
the graph, as torch computes them (the Bessel and Airy functions with torch's own approximations,
ops/bessel.py).
"""
from __future__ import annotations

from typing import Any

from ..core.tensor import Tensor
from ..ops import special as _special
from ..ops.pointwise import erf, expm1, log1p, sigmoid
from ..ops.pointwise_more import erfc, exp2, xlogy
from ..ops.pointwise_more import round as _round
from ..ops.reduce import log_softmax, logsumexp, softmax
from ..ops.special import (
    digamma,
    entr,
    erfcx,
    erfinv,
    i0,
    i0e,
    i1,
    i1e,
    lgamma,
    log_ndtr,
    logit,
    mvlgamma,
    ndtr,
    ndtri,
    polygamma,
    sinc,
    xlog1py,
    zeta,
)
from ..surface.functions import accepts_out

expit = sigmoid
gammainc = _special.igamma
gammaincc = _special.igammac
gammaln = lgamma
psi = digamma


def multigammaln(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension p (torch.mvlgamma)."""
    return mvlgamma(input, p)


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    return _special.polynomial("chebyshev_t", input, n)


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    return _special.polynomial("chebyshev_u", input, n)


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    return _special.polynomial("chebyshev_v", input, n)


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    return _special.polynomial("chebyshev_w", input, n)


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    return _special.polynomial("shifted_chebyshev_t", input, n)


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    return _special.polynomial("shifted_chebyshev_u", input, n)


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    return _special.polynomial("shifted_chebyshev_v", input, n)


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    return _special.polynomial("shifted_chebyshev_w", input, n)


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:
    return _special.polynomial("hermite_h", input, n)


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:
    return _special.polynomial("hermite_he", input, n)


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:
    return _special.polynomial("laguerre_l", input, n)


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:
    return _special.polynomial("legendre_p", input, n)


def airy_ai(x: Tensor) -> Tensor:
    return _special.bessel_function("airy_ai", x, "x")


def bessel_j0(input: Tensor) -> Tensor:
    return _special.bessel_function("bessel_j0", input)


def bessel_j1(input: Tensor) -> Tensor:
    return _special.bessel_function("bessel_j1", input)


def bessel_y0(input: Tensor) -> Tensor:
    return _special.bessel_function("bessel_y0", input)


def bessel_y1(input: Tensor) -> Tensor:
    return _special.bessel_function("bessel_y1", input)


def modified_bessel_i0(input: Tensor) -> Tensor:
    return _special.bessel_function("modified_bessel_i0", input)


def modified_bessel_i1(input: Tensor) -> Tensor:
    return _special.bessel_function("modified_bessel_i1", input)


def modified_bessel_k0(input: Tensor) -> Tensor:
    return _special.bessel_function("modified_bessel_k0", input)


def modified_bessel_k1(input: Tensor) -> Tensor:
    return _special.bessel_function("modified_bessel_k1", input)


def scaled_modified_bessel_k0(x: Tensor) -> Tensor:
    return _special.bessel_function("scaled_modified_bessel_k0", x, "x")


def scaled_modified_bessel_k1(x: Tensor) -> Tensor:
    return _special.bessel_function("scaled_modified_bessel_k1", x, "x")


def spherical_bessel_j0(x: Tensor) -> Tensor:
    return _special.bessel_function("spherical_bessel_j0", x, "x")


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001  (torch's name)
    """torch.round, with `decimals` always given (0 by default), as torch.special.round passes it:
    so its node is RoundBackward1 even without decimals."""
    return _round(input, decimals=decimals)

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t", "chebyshev_polynomial_u",
    "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
    "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0",
    "i0e", "i1", "i1e", "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit",
    "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0",
    "xlog1py", "xlogy", "zeta",
]


def _with_out_keywords(namespace: dict[str, Any]) -> None:
    """Every function of torch.special but softmax and log_softmax takes `out=`, as torch's do."""
    for name in __all__:
        if name not in ("softmax", "log_softmax"):
            namespace[name] = accepts_out(namespace[name], name=name)


_with_out_keywords(globals())
