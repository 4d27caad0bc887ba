"""The special functions themselves, on numpy arrays: series, recurrences and asymptotic expansions.

numpy has no gamma-family or Bessel functions and scipy is not a dependency, so each is written
out here, in float64, from the textbook formula that is accurate on its range (the ranges are
chosen so the neglected terms stay below float64's rounding). tests/ops/test_special.py checks
each against torch over a wide range. ops/special.py wraps them as differentiable ops.
"""
from __future__ import annotations

import math

import numpy as np

_SQRT_PI = math.sqrt(math.pi)
_erf_object = np.frompyfunc(math.erf, 1, 1)  # object arrays (or a Python float for a 0-d input)
_erfc_object = np.frompyfunc(math.erfc, 1, 1)
_lgamma = np.frompyfunc(lambda v: math.inf if v <= 0 and v.is_integer() else math.lgamma(v), 1, 1)  # (-inf: inf)


def _f64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def erf(x: np.ndarray) -> np.ndarray:
    return np.asarray(_erf_object(_f64(x)), dtype=np.float64)


def erfc(x: np.ndarray) -> np.ndarray:
    return np.asarray(_erfc_object(_f64(x)), dtype=np.float64)


def lgamma(x: np.ndarray) -> np.ndarray:
    """log|Gamma(x)|, with +inf at the poles 0, -1, -2, ... (math.lgamma raises there)."""
    return np.asarray(_lgamma(_f64(x)), dtype=np.float64)


def digamma(x: np.ndarray) -> np.ndarray:
    """psi = d/dx log Gamma(x).

    Below 1/2 the reflection psi(x) = psi(1 - x) - pi / tan(pi x); then the recurrence
    psi(z) = psi(z + 1) - 1/z moves z above 10, where the asymptotic series
    log z - 1/(2z) - sum B_2k / (2k z^2k) is exact to float64 after seven terms.
    psi(0) is -inf (torch's choice) and psi at the negative integers nan.
    """
    x = _f64(x)
    reflect = x < 0.5
    z = np.where(reflect, 1 - x, x)
    shift = np.zeros_like(z)
    while np.any(small := z < 10):
        shift = shift - np.where(small, 1 / np.where(small, z, 1), 0)
        z = np.where(small, z + 1, z)
    w = 1 / (z * z)
    tail = w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240 - w * (1 / 132 - w * (691 / 32760 - w / 12))))))
    out = np.log(z) - 0.5 / z - tail + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, out - np.pi / np.tan(np.pi * x), out)
    out = np.where((x <= 0) & (x == np.floor(x)), np.nan, out)
    return np.where(x == 0, -np.inf, out)


# (2j)! / B_2j, the Euler-Maclaurin coefficients of the Hurwitz zeta tail (as in Cephes' zeta).
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
           -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
           1.8152105401943546773e17, -7.1661652561756670113e18)


def zeta(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The Hurwitz zeta function sum over k >= 0 of (q + k)^-s, for s > 1.

    The first terms are added directly until q + k > 9 (at least nine of them), the rest of the
    sum by Euler-Maclaurin: an integral, half the next term and twelve Bernoulli corrections.
    s = 1 gives inf, s < 1 nan (whatever q); else q at a pole (0, -1, ...) inf; q < 0 with s not an integer nan.
    """
    s, q = np.broadcast_arrays(_f64(s), _f64(q))
    with np.errstate(all="ignore"):
        total = q ** -s
        a = q.copy()
        for _ in range(9):
            a = a + 1
            total = total + a ** -s
        while np.any(low := a <= 9):
            a = np.where(low, a + 1, a)
            total = total + np.where(low, a ** -s, 0)
        b = a ** -s
        total = total + b * a / (s - 1) - 0.5 * b
        factor = np.ones_like(s)
        k = 0.0
        for coefficient in _ZETA_A:
            factor = factor * (s + k)
            b = b / a
            total = total + factor * b / coefficient
            factor = factor * (s + k + 1)
            b = b / a
            k += 2
    pole = (q <= 0) & (q == np.floor(q))
    total = np.where(pole, np.inf, total)
    total = np.where((q < 0) & ~pole & (s != np.floor(s)), np.nan, total)
    return np.where(s == 1, np.inf, np.where(s < 1, np.nan, total))  # s is looked at first: s < 1 is nan at a pole


def trigamma(x: np.ndarray) -> np.ndarray:
    """psi', as torch computes it: the recurrence psi'(x) = psi'(x + 1) + 1/x^2 six times, then four
    terms of the asymptotic series (torch's choice; it is good to about 1e-9 relative, where
    zeta(2, x) would give every digit. The gradient of digamma is this, so it is kept equal to torch's)."""
    x = _f64(x)
    reflect = x < 0.5
    with np.errstate(all="ignore"):
        total = np.where(reflect, -(np.pi / np.sin(np.pi * x)) ** 2, 0.0)
        z = np.where(reflect, 1 - x, x)
        for _ in range(6):
            total = total + 1 / (z * z)
            z = z + 1
        w = 1 / (z * z)
        total = total + (1 + 1 / (2 * z) + w * (1 / 6 - w * (1 / 30 - w / 42))) / z
    return np.where(reflect, -total, total)


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma: (-1)^(n+1) n! zeta(n + 1, x)."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    return (-1.0) ** (n + 1) * math.factorial(n) * zeta(np.float64(n + 1), x)


def erfinv(y: np.ndarray) -> np.ndarray:
    """The x with erf(x) = y: Giles' single-precision guess, then Newton steps. For |y| <= 1/2 on
    erf; above, on log erfc, where 1 - |y| is exact and erfc keeps the digits erf has lost (and
    in log space the steps converge from the guess even far in the tail)."""
    y = _f64(y)
    a = np.abs(y)
    with np.errstate(all="ignore"):
        w = -np.log((1 - a) * (1 + a))
        central, tail = w - 2.5, np.sqrt(w) - 3
        p_central = np.polyval([2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                                -0.00125372503, -0.00417768164, 0.246640727, 1.50140941], central)
        p_tail = np.polyval([-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                             -0.0076224613, 0.00943887047, 1.00167406, 2.83297682], tail)
        x = np.where(w < 5, p_central, p_tail) * a  # |x|; the sign is put back at the end
        for _ in range(3):
            near = (erf(x) - a) / (2 / _SQRT_PI * np.exp(-x * x))
            far = -(np.log(erfc(x)) - np.log1p(-a)) * _SQRT_PI * erfcx(x) / 2
            x = x - np.where(np.isfinite(x), np.where(a > 0.5, far, near), 0)
        x = np.where(a == 1, np.inf, x) * np.sign(y)
    return np.where(a > 1, np.nan, x)


def erfcx(x: np.ndarray) -> np.ndarray:
    """e^(x^2) erfc(x), the scaled complement that stays finite where erfc underflows.

    Directly below 25; above, the asymptotic series 1/(x sqrt(pi)) sum (-1)^k (2k-1)!! / (2x^2)^k,
    whose twelfth term is below float64's rounding there. Below 0 it is 2 e^(x^2) - erfcx(-x).
    """
    x = _f64(x)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        direct = np.exp(a * a) * erfc(np.minimum(a, 25.0))
        big = np.maximum(a, 25.0)
        term, series = np.ones_like(big), np.ones_like(big)
        for k in range(1, 13):
            term = -term * (2 * k - 1) / (2 * big * big)
            series = series + term
        scaled = np.where(a < 25, direct, series / (big * _SQRT_PI))
        return np.where(x < 0, 2 * np.exp(x * x) - scaled, scaled)


def ndtr(x: np.ndarray) -> np.ndarray:
    """The standard normal distribution function, as torch computes it: (1 + erf(x / sqrt 2)) / 2
    (so below about -8.3 it is 0; log_ndtr keeps the far tail)."""
    return 0.5 * (1 + erf(_f64(x) / math.sqrt(2.0)))


def log_ndtr(x: np.ndarray) -> np.ndarray:
    """log ndtr(x); for x < 0 as log(erfcx(-x/sqrt 2) / 2) - x^2/2, so the far left tail has no underflow."""
    x = _f64(x)
    with np.errstate(all="ignore"):
        left = np.log(0.5 * erfcx(-x / math.sqrt(2.0))) - 0.5 * x * x
        right = np.log1p(-0.5 * erfc(x / math.sqrt(2.0)))
    return np.where(x < 0, left, right)


def ndtri(p: np.ndarray) -> np.ndarray:
    """The x with ndtr(x) = p. For the lower half a rational guess (Abramowitz and Stegun 26.2.23,
    good to 5e-4), then Newton steps on log ndtr, which converge quadratically from there; the
    upper half by symmetry, ndtri(p) = -ndtri(1 - p)."""
    p = _f64(p)
    lower = np.minimum(p, 1 - p)
    with np.errstate(all="ignore"):
        t = np.sqrt(-2 * np.log(lower))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3))
        target = np.log(lower)
        for _ in range(4):
            slope = math.sqrt(2 / math.pi) / erfcx(-x / math.sqrt(2.0))  # d log ndtr / dx
            x = x - np.where(np.isfinite(x), (log_ndtr(x) - target) / slope, 0)
    x = np.where(p > 0.5, -x, np.where(p == 0.5, 0.0, x))
    x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


def _bessel_series(x: np.ndarray, order: int, terms: int = 100) -> np.ndarray:
    """I_order(x) = (x/2)^order sum (x^2/4)^k / (k! (k + order)!): all terms positive, no cancellation."""
    q = x * x / 4
    term = np.ones_like(x) / math.factorial(order)
    total = term.copy()
    for k in range(1, terms):
        term = term * q / (k * (k + order))
        total = total + term
    return total * (x / 2) ** order


def _bessel_asymptotic(x: np.ndarray, order: int, terms: int = 40) -> np.ndarray:
    """e^-x I_order(x) for x > 30: 1/sqrt(2 pi x) sum (-1)^k a_k / x^k, a_k = prod (4 order^2 - (2j-1)^2) / (8j)."""
    term, total = np.ones_like(x), np.ones_like(x)
    for j in range(1, terms):
        term = -term * (4 * order * order - (2 * j - 1) ** 2) / (8 * j * x)
        total = total + term
    return total / np.sqrt(2 * np.pi * x)


def bessel_i_scaled(x: np.ndarray, order: int) -> np.ndarray:
    """e^-|x| I_order(x) for order 0 or 1 (I_0 is even, I_1 odd): the series up to |x| = 30, the
    asymptotic expansion beyond (its smallest term there is about e^-60)."""
    x = _f64(x)
    a = np.abs(x)
    with np.errstate(all="ignore"):
        near = _bessel_series(np.minimum(a, 30.0), order) * np.exp(-np.minimum(a, 30.0))
        far = _bessel_asymptotic(np.maximum(a, 30.0), order)
    out = np.where(a <= 30, near, far)
    return out * np.sign(x) if order == 1 else out


def bessel_i(x: np.ndarray, order: int) -> np.ndarray:
    """I_order(x) = e^|x| times the scaled function (inf past |x| of about 713, as torch)."""
    x = _f64(x)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(np.abs(x)) * bessel_i_scaled(x, order)


def sinc(x: np.ndarray) -> np.ndarray:
    """sin(pi x) / (pi x), 1 at 0. A float16 or float32 x as torch's kernel computes it: pi x in float32,
    the float32 sine of that (the nearest float32: through float64) divided by it in float32, a half
    rounded once at the end (in float64, 11646 of the 65536 halves came out an ulp apart; of 210,000
    float32s, 86% did, and sinc(-2.) was -0. where torch's is a tiny positive number; now 1.2% do)."""
    if x.dtype in (np.float16, np.float32):
        product = np.float32(np.pi) * x.astype(np.float32)
        with np.errstate(all="ignore"):
            sine = np.sin(product.astype(np.float64)).astype(np.float32)
            return np.where(x == 0, np.float32(1), sine / product).astype(x.dtype)
    x = _f64(x)
    with np.errstate(all="ignore"):
        return np.where(x == 0, 1.0, np.sin(np.pi * x) / (np.pi * x))


# The three-term recurrences p_(k+1) = a_k(x) p_k - b_k p_(k-1), from p_0 = 1 and p_1.
_FIRST = {"chebyshev_t": lambda x: x, "chebyshev_u": lambda x: 2 * x, "chebyshev_v": lambda x: 2 * x - 1,
          "chebyshev_w": lambda x: 2 * x + 1, "hermite_h": lambda x: 2 * x, "hermite_he": lambda x: x,
          "laguerre_l": lambda x: 1 - x, "legendre_p": lambda x: x}


def _next(kind: str, x: np.ndarray, k: int, p: np.ndarray, before: np.ndarray) -> np.ndarray:
    if kind.startswith("chebyshev"):
        return 2 * x * p - before
    if kind == "hermite_h":
        return 2 * x * p - 2 * k * before
    if kind == "hermite_he":
        return x * p - k * before
    if kind == "laguerre_l":
        return ((2 * k + 1 - x) * p - k * before) / (k + 1)
    return ((2 * k + 1) * x * p - k * before) / (k + 1)  # legendre_p


def polynomial(kind: str, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The degree-n polynomial of `kind` at x by its recurrence (degree < 0 gives 0, as torch).
    A `shifted_` kind is the same polynomial at 2x - 1 (the interval [0, 1] instead of [-1, 1])."""
    x = _f64(x)
    if kind.startswith("shifted_"):
        kind, x = kind.removeprefix("shifted_"), 2 * x - 1
    x, n = np.broadcast_arrays(x, np.asarray(n))
    n = n.astype(np.int64)
    out = np.where(n == 0, 1.0, 0.0)
    before, p = np.ones_like(x), _FIRST[kind](x)
    out = np.where(n == 1, p, out)
    for k in range(1, int(n.max(initial=0))):
        before, p = p, _next(kind, x, k, p, before)
        out = np.where(n == k + 1, p, out)
    return out


def gammainc(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a).

    Below x = a + 1 its power series e^-x x^a / Gamma(a + 1) sum x^n / ((a+1)...(a+n)); above, one
    minus the continued fraction for Q (modified Lentz), each run until its terms stop changing
    the sum. P(a, 0) = 0, P(a, inf) = 1; a <= 0 or x < 0 give nan (torch's convention: P(0, x > 0) = 1).
    """
    return _incomplete_gamma(a, x, upper=False)


def gammaincc(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate where it is small."""
    return _incomplete_gamma(a, x, upper=True)


def _incomplete_gamma(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    a, x = np.broadcast_arrays(_f64(a), _f64(x))
    with np.errstate(all="ignore"):
        safe_a = np.where(a > 0, a, 1.0)
        safe_x = np.where(x > 0, x, 1.0)
        log_front = safe_a * np.log(safe_x) - safe_x - lgamma(safe_a)
        # the series, for x < a + 1
        term = 1 / safe_a
        total = term.copy()
        for n in range(1, 2000):
            term = term * safe_x / (safe_a + n)
            total = total + term
            if np.all(np.abs(term) <= np.abs(total) * 1e-17):
                break
        p_series = np.exp(log_front) * total
        # the continued fraction for Q, for x >= a + 1
        tiny = 1e-300
        b = safe_x + 1 - safe_a
        c = np.full_like(b, 1 / tiny)
        d = 1 / b
        h = d.copy()
        for i in range(1, 2000):
            an = -i * (i - safe_a)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            delta = d * c
            h = h * delta
            if np.all(np.abs(delta - 1) <= 1e-16):
                break
        q_fraction = np.exp(log_front) * h
    use_series = safe_x < safe_a + 1
    p = np.where(use_series, p_series, 1 - q_fraction)
    q = np.where(use_series, 1 - p_series, q_fraction)
    out = q if upper else p
    out = np.where(x == 0, 1.0 if upper else 0.0, out)
    out = np.where(np.isinf(x) & (x > 0), 0.0 if upper else 1.0, out)
    out = np.where((a == 0) & (x > 0), 0.0 if upper else 1.0, out)
    return np.where((a < 0) | (x < 0) | np.isnan(a) | np.isnan(x) | ((a == 0) & (x == 0)), np.nan, out)
