"""The RNN and GRU kernels' elementwise floor: each numpy call a time step needs, timed alone
(lstm_step_floor.py does the same for the LSTM; `elementwise_floor_ms` here serves all three).

    python benchmarks/step_floor.py                       # RNN and GRU, medium shape
    python benchmarks/step_floor.py --shape large --repeat 20

Besides its matrix products (the kernel-products floor, _products.py), every time step of a fused
kernel runs a few elementwise numpy calls on (batch, hidden) blocks, which wait for that step's
product; each costs its overhead (~0.3-1 us) plus its arithmetic. This script times each call the
recurrence cannot do without, alone, on its shape and layout, with arrays from a real forward (no
value denormal or saturated), best of many runs:

- RNN (kernels/rnn.py `recur`, `backprop_steps`): forward, the add of the step's product to its
  input term and the activation (tanh); backward, dL/dh_t = g_out + dh and its product with tanh'.
  Once a call: the biases' add over the whole projection; backward's tanh' = 1 - h^2 from the
  outputs and the bias gradient (a sum over the rows).
- GRU (kernels/gru.py `forward_steps`, `backward_steps`): forward, the add of the r and z terms,
  ONE exp for both, + 1, the add of b_hn, r's division and the add into n, tanh(n), and the three
  calls of h' = n + (h - n) / e_z; backward, five calls and three copies a step. Once a call, when a
  backward follows: the sigmoids formed after the forward's loop, backward's factors
  (`gru_factors`), the copy of d_n into d_hid's n gate and the bias gradients.

The floor of a call is those calls times the steps (and layers), plus the once-a-call work; report.py
adds it to the kernel-products floor as the kernel floor. Like that floor it is one of our kernel (its
formulation and its bits), not of numpy; the Python that drives the loop comes on top.
Nothing here is tested, it only times; each call gives the same bits as in the kernel.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import lstm_step_floor  # noqa: E402
from lstm_step_floor import best_us  # noqa: E402

from tinygrad_rnn.backend.scratch import constant  # noqa: E402
from tinygrad_rnn.kernels import gru, rnn  # noqa: E402
from tinygrad_rnn.kernels.step_layout import StepLayout  # noqa: E402

SHAPES = {"long": (1000, 8, 32, 64), "medium": (50, 32, 64, 128), "large": (100, 64, 256, 512)}  # steps, batch, input, hidden


def _weights(rng: np.random.Generator, gates: int, inputs: int, hidden: int) -> list[np.ndarray]:
    """torch's init: W_ih, W_hh, b_ih, b_hh ~ U(-1/sqrt(H), 1/sqrt(H)), float32."""
    shapes = ((gates * hidden, inputs), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,))
    return [(rng.uniform(-1, 1, s) / hidden ** 0.5).astype(np.float32) for s in shapes]


def rnn_calls(shape: tuple) -> tuple[dict, dict, dict, dict]:
    """({name: call} a forward step, once a forward call, a backward step, once a backward call)."""
    steps, batch, inputs, hidden = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    w = _weights(rng, 1, inputs, hidden)
    out = rnn.layer_forward(x, None, [tuple(w)], "tanh", None, np.empty((1, batch, hidden), np.float32))
    s = steps // 2
    h_t, buf = out[s].copy(), out[s - 1].copy()  # a step's input term and product (pre-activation sized)
    pre = np.arctanh(np.clip(h_t, -0.999, 0.999))
    term, y, bias = pre.copy(), out.copy(), w[2] + w[3]
    g_out, dh, slope = rng.standard_normal((batch, hidden)).astype(np.float32), buf.copy(), 1 - h_t * h_t
    d_sum = np.empty_like(dh)
    flat = rng.standard_normal((steps * batch, hidden)).astype(np.float32)
    forward = {"add the step's product to its input term": lambda: np.add(term, buf, out=h_t),
               "tanh": lambda: np.tanh(pre, out=h_t)}
    forward_once = {"biases added to every step's term": lambda: y.__iadd__(bias)}
    backward = {"dL/dh_t = g_out + dh": lambda: np.add(g_out, dh, out=d_sum),
                "* tanh'": lambda: np.multiply(slope, d_sum, out=buf)}
    backward_once = {"tanh' = 1 - h^2 of every step": lambda: rnn.activation_slope(out, "tanh", y),
                     "bias gradient (sum over rows)": lambda: np.add.reduce(flat, axis=0)}
    return forward, forward_once, backward, backward_once


def gru_calls(shape: tuple) -> tuple[dict, dict, dict, dict]:
    """({name: call} a forward step, once a forward call, a backward step, once a backward call)."""
    steps, batch, inputs, hidden = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    w = _weights(rng, 3, inputs, hidden)
    zero = np.zeros((batch, hidden), np.float32)
    layout = StepLayout(steps, batch, None, False)
    saved = gru.gru_forward(x, zero, *w, layout, True)
    gates, h_n_part, out = saved["gates"], saved["h_n_part"], saved["out"]
    s = steps // 2
    # e = 1 + exp(-a) of the r and z gates (the forward's loop holds e, not the sigmoid); clipped off
    # saturation, where exp would meet infinities (not a step's typical values)
    e = 1 / np.clip(gates[s, :2], 1e-6, 1 - 1e-6)
    a = -np.log(e - 1)  # their pre-activations
    r_z, terms = np.empty_like(e), np.log(e - 1)  # (the negated pre-activations, as the kernel holds them)
    n, h_n, h = gates[s, 2].copy(), h_n_part[s].copy(), out[s - 1].copy()
    tmp, h_new, b_hn_rows = np.empty_like(n), np.empty_like(n), np.broadcast_to(w[3][2 * hidden:], n.shape).copy()
    pre_n = np.arctanh(np.clip(n, -0.999, 0.999))
    one = constant(1, np.float32)
    forward = {"r, z terms: input + hidden (2, N, H)": lambda: np.add(terms, a, r_z),
               "ONE exp for r and z (2, N, H)": lambda: np.exp(terms, r_z),
               "+ 1: e = 1 + exp(-a) (2, N, H)": lambda: np.add(e, one, r_z),
               "h W_hn^T + b_hn": lambda: np.add(h_n, b_hn_rows, tmp),
               "r * that, as / e_r": lambda: np.divide(h_n, e[0], tmp),
               "add into n's term": lambda: np.add(pre_n, tmp, h_new),
               "tanh(n)": lambda: np.tanh(pre_n, tmp),
               "h - n": lambda: np.subtract(h, n, h_new),
               "z * that, as / e_z": lambda: np.divide(h_new, e[1], tmp),
               "h' = n + that": lambda: np.add(tmp, n, h_new)}
    forward_once: dict = {}  # (the biases are rows of the projection's product)
    dh, g_out, z = rng.standard_normal((3, batch, hidden)).astype(np.float32)
    d, d_n = np.empty_like(dh), n.copy()
    grads, scales = rng.standard_normal((2, batch, 3, hidden)).astype(np.float32)
    backward = {"d = g_out + dh": lambda: np.add(g_out, dh, d),
                "d_n * d": lambda: np.multiply(d_n, d, tmp),
                "copy d_n beside r's factor": lambda: scales[:, 0].__setitem__(Ellipsis, d_n),
                "copy d beside z's factor": lambda: scales[:, 1].__setitem__(Ellipsis, d),
                "copy d_n beside n's factor": lambda: scales[:, 2].__setitem__(Ellipsis, d_n),
                "three gates' gradients (N, 3, H)": _multiply_into(grads, scales),
                "d * z": lambda: np.multiply(d, z, tmp),
                "dh += that": lambda: np.add(dh, tmp, h_new)}
    d_hid = np.empty((steps, batch, 3, hidden), np.float32)
    d_n_all = np.empty((steps, batch, hidden), np.float32)
    flat_hid, flat_n = d_hid.reshape(steps * batch, 3 * hidden), d_n_all.reshape(steps * batch, hidden)

    def after_loop() -> None:
        np.add.reduce(flat_hid, axis=0)
        np.add.reduce(flat_n, axis=0)
        d_hid[:, :, 2] = d_n_all

    sigmoids, e_all = gates[:, :2].copy(), np.empty(gates[:, :2].shape, np.float32)
    backward_once = {"sigmoids formed after the forward loop": lambda: np.reciprocal(sigmoids, out=e_all),
                     "gate factors (gru_factors)": lambda: gru.gru_factors(gates, h_n_part, out, zero, d_n_all, d_hid),
                     "bias gradients, d_n into d_hid": after_loop}
    return forward, forward_once, backward, backward_once


def _multiply_into(grads: np.ndarray, scales: np.ndarray) -> Callable[[], np.ndarray]:
    """grads * scales into a (batch, 3, H) array of its own: the three gates' gradients in one call."""
    out = np.empty_like(grads)
    return lambda: np.multiply(grads, scales, out)


CALLS = {"RNN": rnn_calls, "GRU": gru_calls}


def elementwise_floor_ms(family: str, shape: tuple, repeat: int = 10, layers: int = 1) -> tuple[float, float]:
    """(forward, forward+backward) elementwise floor of one call of `family`'s kernel, in ms: each
    step's calls timed alone (best of `repeat` runs) times the steps and the layers, plus the work
    done once a call. shape: (steps, batch, input, hidden); a later layer's input is taken as the
    first's (the elementwise calls do not depend on it)."""
    if family == "LSTM":
        return lstm_step_floor.elementwise_floor_ms(shape, repeat, layers)
    step_f, once_f, step_b, once_b = CALLS[family](shape)
    per_step = shape[0] / 1e3  # us a step -> ms a call

    def total(calls: dict, number: int = 200) -> float:
        return sum(best_us(call, repeat, number) for call in calls.values())

    forward = total(step_f) * per_step + total(once_f, 1) / 1e3
    backward = total(step_b) * per_step + total(once_b, 1) / 1e3
    return forward * layers, (forward + backward) * layers


def report(family: str, name: str, shape: tuple, repeat: int) -> None:
    steps, batch, inputs, hidden = shape
    print(f"\n{family}, {name} shape: {steps} steps, batch {batch}, input {inputs}, hidden {hidden} (float32); "
          f"us per call, best of {repeat} runs")
    parts = zip(("forward step", "forward, once", "backward step", "backward, once"), CALLS[family](shape))
    for part, calls in parts:
        once = "once" in part
        total = 0.0
        for label, call in calls.items():
            t = best_us(call, repeat, 1 if once else 200)
            total += t
            print(f"  {part:15s} {label:55s} {t:9.3f}")
        if not once:
            print(f"  {part:15s} {f'{len(calls)} calls, a step; times {steps} steps':55s} {total * steps:9.1f}")
    forward, both = elementwise_floor_ms(family, shape, repeat)
    print(f"  elementwise floor of one call: forward {forward:.3f} ms, forward+backward {both:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="medium")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    for family in CALLS:
        report(family, args.shape, SHAPES[args.shape], args.repeat)


if __name__ == "__main__":
    main()
