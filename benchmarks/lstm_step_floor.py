"""The LSTM kernel's per-step elementwise floor: each numpy call a time step needs, timed alone.

    python benchmarks/lstm_step_floor.py                  # long and medium shapes
    python benchmarks/lstm_step_floor.py --shape long --repeat 50 --threads 1   # (a busy machine)

The fused LSTM (tinygrad_rnn/kernels/lstm.py) runs, at every time step, one matrix product and a
few elementwise numpy calls on (batch, hidden) blocks; on the long shape (batch 8, hidden 64)
each such call costs ~0.3-0.6 us whatever it computes, so the count of calls is the cost. This
script times every call the recurrence cannot do without, each alone on its shape and layout
(best of many runs, arrays taken from a real forward so that no value is denormal or saturated):

- forward, per step (`forward_steps`): the pre-activation add, ONE tanh over the four gates, the
  two calls that make tanh into the three sigmoids, [i, f] * [tanh(g), c], their sum (c_t),
  tanh(c_t), and o * tanh(c_t);
- backward, per step (`backward_steps`): dL/dh_t = g_out + dh, dh * o tanh'(c), the sum that
  gives the gradient reaching c_t, the two copies that put it beside the o gate's scale, ONE
  multiply for the four gates' gradients, the copy that puts them in dpre's (batch, 4H) rows the
  next product reads, and dc_{t-1};
- backward, per block of steps (`gate_factors`, the factors that do not depend on the incoming
  gradient), divided by the block's steps;
- the per-step products (h W_hh^T; dpre_t W_hh) for scale, on one BLAS thread as the kernel runs them.

With the whole-sequence work timed too (the input projection; dx and the weight gradients), it
times the kernel itself (`lstm_forward` keeping what backward needs, and `lstm_backward`) and
prints what is left over per step: the Python that drives the loop (the step's call, its views)
and the rest of the work done once a call (allocations, their page faults).
The floor is a sum of calls timed alone, each best of many: on a busy machine the kernel's own
time (and its remainder) is the noisier number. Each call gives the same bits as in the kernel;
nothing here is tested, it only times.
"""
from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tinygrad_rnn import set_num_threads  # noqa: E402
from tinygrad_rnn.backend.blas_threads import threads_for  # noqa: E402
from tinygrad_rnn.backend.scratch import constant  # noqa: E402
from tinygrad_rnn.kernels import lstm  # noqa: E402
from tinygrad_rnn.kernels.step_layout import (  # noqa: E402
    STEP_BLOCK_BYTES,
    StepLayout,
    previous_state_product,
    project_gate_major,
    rows_of,
)

SHAPES = {"long": (1000, 8, 32, 64), "medium": (50, 32, 64, 128)}  # steps, batch, input, hidden


def best_us(call, repeat: int, number: int = 200) -> float:
    """The best time of one call in microseconds (best of `repeat` runs of `number` calls)."""
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1e6


def kernel_arrays(shape: tuple) -> dict:
    """A real forward's arrays on random data, float32 (what the timed calls read)."""
    steps, batch, inputs, hidden = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps, batch, inputs)).astype(np.float32)
    w = [(rng.uniform(-1, 1, s) / hidden ** 0.5).astype(np.float32)
         for s in ((4 * hidden, inputs), (4 * hidden, hidden), (4 * hidden,), (4 * hidden,))]
    zero = np.zeros((batch, hidden), np.float32)
    layout = StepLayout(steps, batch, None, False)
    saved = lstm.lstm_forward(x, zero, zero, *w, None, layout, True)
    g_out = rng.standard_normal((steps, batch, hidden)).astype(np.float32)
    return dict(x=x, w=w, zero=zero, layout=layout, saved=saved, g_out=g_out)


def forward_calls(a: dict) -> dict:
    """{name: call}: one forward step's elementwise calls, on a middle step's arrays."""
    held, tanh_cell = a["saved"]["held"], a["saved"]["tanh_cell"]
    s = len(held) // 2
    slot = held[s].copy()  # (5, batch, H): activated gates i, f, o, g and c_{t-1}
    batch_hidden = slot[0].shape
    buf = np.empty_like(slot[:4])
    c_new, tanh_c, h_new = (np.empty(batch_hidden, np.float32) for _ in range(3))
    products, half = buf[:2], constant(0.5, np.float32)
    pre = np.arctanh(np.clip(slot[:4], -0.999, 0.999))  # pre-activations whose tanh are real gates
    add, multiply, tanh = np.add, np.multiply, np.tanh
    return {
        "pre-activation add (4, N, H)": lambda: add(pre, pre, buf),
        "tanh over the four gates": lambda: tanh(pre, buf),
        "sigmoid: * 0.5 (3, N, H)": lambda: multiply(slot[:3], half, buf[:3]),
        "sigmoid: + 0.5 (3, N, H)": lambda: add(slot[:3], half, buf[:3]),
        "[i, f] * [tanh(g), c]": lambda: multiply(slot[:2], slot[3:], products),
        "c_t = i tanh(g) + f c": lambda: add(products[0], products[1], c_new),
        "tanh(c_t)": lambda: tanh(tanh_cell[s], tanh_c),
        "h_t = o * tanh(c_t)": lambda: multiply(tanh_cell[s], slot[2], h_new),
    }


def backward_calls(a: dict) -> dict:
    """{name: call}: one backward step's elementwise calls and copies, on a middle step's arrays."""
    held, tanh_cell = a["saved"]["held"], a["saved"]["tanh_cell"]
    steps = len(held)
    per_block = max(1, min(steps, STEP_BLOCK_BYTES // max(1, held[0, :4].nbytes)))
    factors, c_factor = lstm.gate_factors(held[:per_block], tanh_cell[:per_block], per_block)
    fac, c_f, f = factors[per_block // 2].copy(), c_factor[per_block // 2].copy(), held[per_block // 2, 1].copy()
    g_out, dh, dc = a["g_out"][0], a["g_out"][1].copy(), a["g_out"][2].copy()
    batch, hidden = dh.shape
    tmp = np.empty_like(dh)
    scales, gate_grads = np.empty((2, 4, batch, hidden), np.float32)
    d_rows = np.empty((batch, 4 * hidden), np.float32)
    grads = d_rows.reshape(batch, 4, hidden).transpose(1, 0, 2)
    add, multiply = np.add, np.multiply
    return {
        "dL/dh_t = g_out + dh": lambda: add(g_out, dh, scales[3]),
        "* o tanh'(c_t)": lambda: multiply(scales[3], c_f, tmp),
        "gradient reaching c_t: dc + that": lambda: add(dc, tmp, scales[0]),
        "copy it beside f's factor": lambda: scales[1].__setitem__(Ellipsis, scales[0]),
        "copy it beside g's factor": lambda: scales[2].__setitem__(Ellipsis, scales[0]),
        "four gates' gradients (4, N, H)": lambda: multiply(fac, scales, gate_grads),
        "copy them into dpre's rows (strided)": lambda: grads.__setitem__(Ellipsis, gate_grads),
        "dc_{t-1} = that * f": lambda: multiply(scales[0], f, tmp),
    }, per_block


def product_calls(a: dict) -> dict:
    """{name: call}: the two per-step products, one BLAS thread (as the kernel runs them)."""
    held = a["saved"]["held"]
    batch, hidden = held.shape[2], held.shape[3]
    w_hh4 = lstm.kernel_weights(*a["w"], None)[1]
    h, buf = a["saved"]["out"][0], np.empty((4, batch, hidden), np.float32)
    d_rows, w_hh, dh = np.ones((batch, 4 * hidden), np.float32), a["w"][1], np.empty((batch, hidden), np.float32)
    return {"forward: h W_hh^T, four gates": lambda: np.matmul(h, w_hh4, buf),
            "backward: dpre_t W_hh": lambda: d_rows.dot(w_hh, dh)}


def once_per_call(a: dict) -> dict:
    """{name: call}: the kernel's whole-sequence work, as it runs it (threads included): the input
    projection (forward) and backward's products after its loop."""
    x, w, saved = a["x"], a["w"], a["saved"]
    steps, batch, inputs = x.shape
    hidden = saved["tanh_cell"].shape[2]
    w_ih4 = lstm.kernel_weights(*w, None)[0]
    flat = np.ones((steps * batch, 4 * hidden), np.float32)

    def backward_products() -> None:
        with threads_for(steps * batch, max(inputs, hidden), 4 * hidden):
            np.matmul(flat, w[0])
            np.matmul(flat.T, rows_of(x))
            previous_state_product(flat, saved["out"], a["zero"])

    return {"forward: input projection": lambda: project_gate_major(x, w_ih4),
            "backward: dx, dW_ih, dW_hh": backward_products}


def kernel_times(a: dict, repeat: int) -> tuple[float, float]:
    """Best per-step time (us) of lstm_forward (keeping what backward needs) and lstm_backward."""
    steps = len(a["x"])
    w, zero, layout = a["w"], a["zero"], a["layout"]
    best = {"forward": np.inf, "backward": np.inf}
    for _ in range(repeat):
        start = time.perf_counter()
        saved = lstm.lstm_forward(a["x"], zero, zero, *w, None, layout, True)
        middle = time.perf_counter()
        lstm.lstm_backward(a["g_out"], zero, zero, a["x"], zero, w[0], w[1], None, saved, layout)
        end = time.perf_counter()
        best["forward"] = min(best["forward"], middle - start)
        best["backward"] = min(best["backward"], end - middle)
    return best["forward"] / steps * 1e6, best["backward"] / steps * 1e6


def elementwise_floor_ms(shape: tuple, repeat: int = 10, layers: int = 1) -> tuple[float, float]:
    """(forward, forward+backward) elementwise floor of one LSTM call, in ms: each step's calls timed
    alone (best of `repeat` runs), times the steps and the layers (benchmarks/report.py adds it to the
    kernel-products floor)."""
    a = kernel_arrays(shape)
    forward = sum(best_us(call, repeat) for call in forward_calls(a).values())
    calls, per_block = backward_calls(a)
    backward = sum(best_us(call, repeat) for call in calls.values())
    held, tanh_cell = a["saved"]["held"], a["saved"]["tanh_cell"]
    backward += best_us(lambda: lstm.gate_factors(held[:per_block], tanh_cell[:per_block], per_block), repeat,
                        5) / per_block
    per_call = shape[0] * layers / 1e3
    return forward * per_call, (forward + backward) * per_call


def report(name: str, shape: tuple, repeat: int) -> None:
    steps, batch, inputs, hidden = shape
    a = kernel_arrays(shape)
    print(f"\n{name} shape: {steps} steps, batch {batch}, input {inputs}, hidden {hidden} (float32); "
          f"us per call, best of {repeat} runs")
    sums = {}
    for part, calls in (("forward step", forward_calls(a)), ("backward step", backward_calls(a)[0])):
        total = 0.0
        for label, call in calls.items():
            t = best_us(call, repeat)
            total += t
            print(f"  {part:14s} {label:38s} {t:7.3f}")
        sums[part] = total
        print(f"  {part:14s} {'elementwise floor, ' + str(len(calls)) + ' calls':38s} {total:7.3f}")
    _, per_block = backward_calls(a)
    held, tanh_cell = a["saved"]["held"], a["saved"]["tanh_cell"]
    block = best_us(lambda: lstm.gate_factors(held[:per_block], tanh_cell[:per_block], per_block), repeat, 5)
    sums["gate factors"] = block / per_block
    print(f"  {'backward block':14s} {f'gate factors, per step ({per_block} a block)':38s} {sums['gate factors']:7.3f}")
    with threads_for(batch, hidden, 4 * hidden, per_step=True):
        products = {label: best_us(call, repeat) for label, call in product_calls(a).items()}
    for label, t in products.items():
        print(f"  {'product':14s} {label:38s} {t:7.3f}")
    once = {label: best_us(call, repeat, 1) / steps for label, call in once_per_call(a).items()}
    for label, t in once.items():
        print(f"  {'once a call':14s} {label + ', per step':38s} {t:7.3f}")
    forward, backward = kernel_times(a, repeat)
    floor_f = sums["forward step"] + products["forward: h W_hh^T, four gates"] + once["forward: input projection"]
    floor_b = (sums["backward step"] + sums["gate factors"] + products["backward: dpre_t W_hh"]
               + once["backward: dx, dW_ih, dW_hh"])
    print(f"  per step, us: forward {floor_f:.2f} timed alone, the kernel {forward:.2f} (Python and the rest "
          f"{forward - floor_f:.2f}); backward {floor_b:.2f} alone, the kernel {backward:.2f} (rest {backward - floor_b:.2f})")
    elementwise = sums["forward step"] + sums["backward step"] + sums["gate factors"]
    print(f"  a forward+backward, ms: elementwise floor {elementwise * steps / 1e3:.2f}, its products "
          f"{(sum(products.values()) + sum(once.values())) * steps / 1e3:.2f}, kernel {(forward + backward) * steps / 1e3:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--threads", type=int, help="BLAS threads (set_num_threads); default: the library's")
    args = parser.parse_args()
    if args.threads:
        set_num_threads(args.threads)
    for name in [args.shape] if args.shape else ["long", "medium"]:
        report(name, SHAPES[name], args.repeat)


if __name__ == "__main__":
    main()
