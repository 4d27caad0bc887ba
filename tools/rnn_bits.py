"""Dump the outputs and gradients of many nn.RNN / nn.GRU / nn.LSTM configurations, or compare two
dumps byte for byte: the check that a speed change of the fused kernels kept every bit.

    PYTHONPATH=<old tree> python tools/rnn_bits.py dump before.npz
    PYTHONPATH=<new tree> python tools/rnn_bits.py dump after.npz
    python tools/rnn_bits.py compare before.npz after.npz

Each configuration is seeded, so both trees draw the same weights, inputs, dropout masks and
upstream gradients (random ones: a sum would hide a transposed gradient). It runs the module with
grad (outputs, then the gradients of the input, the initial state and every parameter) and under
no_grad (outputs only), each after a first call on the same module (what a cache keeps is used). Not a test: it needs two trees, and it takes about a minute.
"""
from __future__ import annotations

import itertools
import sys

import numpy as np

import tinygrad_rnn as torch


def configurations() -> list[dict]:
    """Every combination that changes which kernel path runs (kept to a few hundred)."""
    found = []
    for mode, layers, bidirectional, bias, dtype, extra in itertools.product(
            ("RNN_TANH", "RNN_RELU", "GRU", "LSTM"), (1, 2), (False, True), (True, False),
            (torch.float32, torch.float64), ("plain", "hx", "packed", "dropout", "batch_first", "proj")):
        if extra == "proj" and mode != "LSTM":
            continue
        found.append(dict(mode=mode, layers=layers, bidirectional=bidirectional, bias=bias, dtype=dtype,
                          extra=extra))
    return found


def build(c: dict) -> torch.nn.Module:
    kwargs = dict(num_layers=c["layers"], bidirectional=c["bidirectional"], bias=c["bias"],
                  batch_first=c["extra"] == "batch_first", dropout=0.3 if c["extra"] == "dropout" else 0.0)
    if c["mode"].startswith("RNN"):
        module = torch.nn.RNN(5, 4, nonlinearity=c["mode"][4:].lower(), **kwargs)
    elif c["mode"] == "GRU":
        module = torch.nn.GRU(5, 4, **kwargs)
    else:
        module = torch.nn.LSTM(5, 4, proj_size=3 if c["extra"] == "proj" else 0, **kwargs)
    return module.to(c["dtype"])


def run(c: dict, grad: bool) -> list[np.ndarray]:
    """The arrays of one configuration: outputs, then (with grad) every gradient."""
    torch.manual_seed(7)
    module = build(c)
    steps, batch = 6, 3
    x = torch.randn(steps, batch, 5, dtype=c["dtype"], requires_grad=grad)
    directions = 2 if c["bidirectional"] else 1
    state = None
    if c["extra"] == "hx":
        h = torch.randn(c["layers"] * directions, batch, 4, dtype=c["dtype"], requires_grad=grad)
        state = (h, torch.randn(c["layers"] * directions, batch, 4, dtype=c["dtype"], requires_grad=grad)) \
            if c["mode"] == "LSTM" else h
    given = x
    if c["extra"] == "batch_first":
        given = x.transpose(0, 1)
    if c["extra"] == "packed":
        given = torch.nn.utils.rnn.pack_padded_sequence(x, [6, 4, 2], enforce_sorted=False)
    with torch.no_grad():
        module(given, state)  # a first call: the second below may reuse what it prepared
    with torch.set_grad_enabled(grad):
        out, final = module(given, state)
    if c["extra"] == "packed":
        out = out.data
    finals = list(final) if isinstance(final, tuple) else [final]
    arrays = [out.detach().numpy().copy()] + [f.detach().numpy().copy() for f in finals]
    if not grad:
        return arrays
    upstream = [torch.randn(*t.shape, dtype=c["dtype"]) for t in [out, *finals]]
    torch.autograd.backward([out, *finals], upstream)
    leaves = [x, *(s for s in (state if isinstance(state, tuple) else (state,)) if s is not None),
              *module.parameters()]
    return arrays + [np.zeros(0) if t.grad is None else t.grad.numpy().copy() for t in leaves]


def dump(path: str) -> None:
    found = {}
    for n, c in enumerate(configurations()):
        for grad in (True, False):
            for k, a in enumerate(run(c, grad)):
                found[f"{n}-{c['mode']}-{c['layers']}-{c['bidirectional']}-{c['bias']}-{c['dtype']}-{c['extra']}"
                      f"-{'grad' if grad else 'nograd'}-{k}"] = a
    np.savez(path, **found)
    print(f"{len(found)} arrays from {len(configurations())} configurations into {path}")


def compare(before: str, after: str) -> int:
    a, b = np.load(before), np.load(after)
    differ = [k for k in a.files if k not in b.files or a[k].dtype != b[k].dtype or a[k].shape != b[k].shape
              or a[k].tobytes() != b[k].tobytes()]
    differ += [k for k in b.files if k not in a.files]
    print(f"{len(a.files)} arrays compared, {len(differ)} differ" + "".join(f"\n  {k}" for k in differ[:20]))
    return 1 if differ else 0


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(sys.argv[2])
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
