"""Draw the pictures of docs/rnn_bptt.md: python docs/img/make_pictures.py (from the repository root).

They are drawn with viz's pure-Python layout, so they come out the same on every machine, and
tests/test_docs.py checks that the committed files are what this script draws today.

- rnn_step.svg: the graph of one RNN step, h_1 = tanh(x @ W_ih^T + b_ih + h_0 @ W_hh^T + b_hh);
- bptt_step_00.svg ... : backward through a three-step RNN, one picture per node visit.
"""
from __future__ import annotations

from pathlib import Path

import tinygrad_rnn as torch
from tinygrad_rnn import viz

HERE = Path(__file__).resolve().parent


def rnn_step_picture() -> str:
    torch.manual_seed(0)
    cell = torch.nn.RNNCell(input_size=3, hidden_size=4)
    x, h_0 = torch.randn(2, 3), torch.zeros(2, 4)
    h_1 = torch.tanh(x @ cell.weight_ih.t() + cell.bias_ih + h_0 @ cell.weight_hh.t() + cell.bias_hh)
    return viz.to_svg(h_1, params=dict(cell.named_parameters()), layout="python")


def three_step_rnn() -> tuple:
    """A small RNN without biases, unrolled over three steps; the loss reads the last state."""
    torch.manual_seed(0)
    W_xh = torch.randn(3, 4, requires_grad=True)
    W_hh = torch.randn(4, 4, requires_grad=True)
    xs = torch.randn(3, 1, 3)
    names = {"W_xh": W_xh, "W_hh": W_hh}
    h = torch.zeros(1, 4)
    for t, x_t in enumerate(xs, start=1):
        h = torch.tanh(x_t @ W_xh + h @ W_hh)
        names[f"h_{t}"] = h
    return h.sum(), names


def bptt_pictures() -> list[str]:
    loss, names = three_step_rnn()
    with viz.BackwardTrace(params=names) as trace:
        loss.backward()
    return [trace.svg(k) for k in range(len(trace))]


def pictures() -> dict[str, str]:
    """{file name: SVG text} of every picture."""
    drawn = {"rnn_step.svg": rnn_step_picture()}
    for k, svg in enumerate(bptt_pictures()):
        drawn[f"bptt_step_{k:02d}.svg"] = svg
    return drawn


if __name__ == "__main__":
    for name, svg in pictures().items():
        (HERE / name).write_text(svg)
        print("wrote", HERE / name)
