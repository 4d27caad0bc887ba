"""Run torch's OpInfo sample inputs through tinygrad_rnn and count where the results differ.

torch ships a database of its ops with sample inputs (`op_db`). This driver takes the OpInfos whose
name (its last dotted part: `nn.functional.relu` -> `relu`) starts with a letter in a range, runs
every sample on torch and on us, and prints one line per op with counts of:
same / value / dtype-shape / we-raise / torch-raises / not-impl / unmapped.

Importing op_db needs the `expecttest` package (not a dependency of ours), so run with it on the path:

    PYTHONPATH=<dir with expecttest>:. python tools/opinfo_opimz.py [--letters m-z] [--op NAME] [-v]

`--grad` also compares the input gradients of backward(sum(result)) for requires_grad samples.
"""
import argparse
import collections
import traceback
import warnings

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import tinygrad_rnn as ours

DTYPES = (torch.float32, torch.float64, torch.int64, torch.bool)
KINDS = ("same", "value", "dtype-shape", "we-raise", "torch-raises", "not-impl", "unmapped", "skipped")


class Skip(Exception):
    """A sample we cannot express (complex, sparse, ...): counted, not compared."""


def our_callable(info):
    """Our function for an OpInfo. Where the OpInfo's op is a lambda (`where` reorders its arguments,
    dropout-like ops seed the generator with 42 first), that lambda runs with the name `torch` in its
    module bound to tinygrad_rnn; otherwise it is the same dotted name under tinygrad_rnn."""
    if getattr(info.op, "__name__", "") == "<lambda>":
        return lambda *args, **kwargs: call_with_ours(info.op, *args, **kwargs)
    obj = ours
    for part in info.name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def seeded(op, *args, **kwargs):
    """Ours of torch.testing's wrapper_set_seed: the op after manual_seed(42)."""
    ours.manual_seed(42)
    return op(*args, **kwargs)


def call_with_ours(lam, *args, **kwargs):
    names = lam.__globals__
    saved = {k: names[k] for k in ("torch", "wrapper_set_seed")}
    names.update(torch=ours, wrapper_set_seed=seeded)
    try:
        return lam(*args, **kwargs)
    finally:
        names.update(saved)


def to_ours(value):
    """A torch value (tensor, dtype, list, ...) as the matching tinygrad_rnn value."""
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype not in (torch.float32, torch.float64, torch.float16, torch.int64,
                                                     torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool):
            raise Skip(str(value.dtype))
        if value.layout != torch.strided:
            raise Skip(str(value.layout))
        t = ours.tensor(value.detach().numpy().copy(), dtype=to_ours(value.dtype))
        return t.requires_grad_() if value.requires_grad else t
    if isinstance(value, torch.dtype):
        return getattr(ours, str(value).split(".")[1])
    if isinstance(value, torch.memory_format):
        return getattr(ours, str(value).split(".")[1])
    if isinstance(value, torch.device):
        return ours.device(str(value))
    if isinstance(value, torch.Size):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(to_ours(v) for v in value)
    if callable(value) and type(value).__module__.startswith("torch"):
        raise Skip(f"a torch callable as an argument: {type(value).__name__}")
    if isinstance(value, dict):
        return {k: to_ours(v) for k, v in value.items()}
    if isinstance(value, complex):
        raise Skip("complex")
    return value


def flat(result):
    """A result as a list of leaves (tensors and Python values), for comparison."""
    if isinstance(result, (list, tuple)):
        return [leaf for r in result for leaf in flat(r)]
    return [result]


def compare(expected, got):
    """'same', 'value' or 'dtype-shape' for torch's result against ours."""
    e, g = flat(expected), flat(got)
    if len(e) != len(g):
        return "dtype-shape"
    for a, b in zip(e, g):
        if isinstance(a, torch.Tensor):
            if not isinstance(b, ours.Tensor) or str(a.dtype) != "torch." + str(b.dtype).split(".")[-1] \
                    or tuple(a.shape) != tuple(b.shape):
                return "dtype-shape"
            x, y = a.detach().numpy(), b.detach().numpy()
            if x.dtype.kind == "f":
                rtol = 1e-10 if x.dtype == np.float64 else 1e-5
                if not np.allclose(x, y, rtol=rtol, atol=rtol, equal_nan=True):
                    return "value"
            elif not np.array_equal(x, y):
                return "value"
        elif type(a) is not type(b) and not (isinstance(a, torch.dtype)):
            return "dtype-shape"
        elif not isinstance(a, torch.dtype) and a != b and not (a != a and b != b):
            return "value"
    return "same"


def grads_of(inputs, lib):
    return [t.grad for t in flat(inputs) if isinstance(t, lib.Tensor) and t.requires_grad]


def run_sample(info, fn, sample, grad):
    """The kind of outcome of one sample, and a detail line for -v."""
    try:
        args = to_ours((sample.input, *sample.args))
        kwargs = to_ours(dict(sample.kwargs))
    except Skip as e:
        return "skipped", str(e)
    torch.manual_seed(0)
    try:
        expected = info.op(sample.input, *sample.args, **sample.kwargs)
    except Exception as e:
        torch_error = e
    else:
        torch_error = None
    ours.manual_seed(0)
    try:
        got = fn(*args, **kwargs)
    except Exception as e:
        if torch_error is not None:
            return "same", ""
        if isinstance(e, NotImplementedError):
            return "not-impl", f"{e}"
        return "we-raise", f"{type(e).__name__}: {e} | {traceback.format_exc().splitlines()[-3].strip()}"
    if torch_error is not None:
        return "torch-raises", f"{type(torch_error).__name__}: {torch_error}"
    kind = compare(expected, got)
    if kind != "same" or not grad:
        return kind, f"{expected!r:.300}\n      ours {got!r:.300}" if kind != "same" else ""
    return grad_kind(sample, args, expected, got)


def grad_kind(sample, args, expected, got):
    """Compare input gradients of sum(result) over the float tensors of the result."""
    def backward(result, lib):
        leaves = [r for r in flat(result) if isinstance(r, lib.Tensor) and r.requires_grad]
        if leaves:
            sum(r.sum() for r in leaves).backward()
    try:
        backward(expected, torch)
    except Exception:
        return "same", ""
    try:
        backward(got, ours)
    except Exception as e:
        return "we-raise", f"backward: {type(e).__name__}: {e}"
    ge, gg = grads_of((sample.input, *sample.args), torch), grads_of(args, ours)
    if [x is None for x in ge] != [x is None for x in gg]:
        return "dtype-shape", "grad presence"
    kind = compare([x for x in ge if x is not None], [x for x in gg if x is not None])
    return kind, "grad" if kind != "same" else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", default="m-z")
    parser.add_argument("--op", help="only OpInfos with this name")
    parser.add_argument("--grad", action="store_true")
    parser.add_argument("-v", action="store_true", help="print each differing sample")
    a = parser.parse_args()
    warnings.simplefilter("ignore")  # deprecation notes from both libraries, once per sample
    low, high = a.letters.split("-")
    totals = collections.Counter()
    for info in op_db:
        first = info.name.split(".")[-1][0].lower()
        if not low <= first <= high or (a.op and info.name != a.op):
            continue
        fn = our_callable(info)
        counts = collections.Counter()
        details = []
        for dtype in DTYPES:
            if dtype not in info.supported_dtypes("cpu") or (a.grad and not dtype.is_floating_point):
                continue
            for sample in info.sample_inputs("cpu", dtype, requires_grad=a.grad):
                if fn is None:
                    counts["unmapped"] += 1
                    continue
                kind, detail = run_sample(info, fn, sample, a.grad)
                counts[kind] += 1
                if kind not in ("same", "skipped"):
                    details.append(f"  {dtype} {kind}: {detail}")
        totals.update(counts)
        label = info.name + ("." + info.variant_test_name if info.variant_test_name else "")
        print(f"{label:55s}" + " ".join(f"{k}={counts[k]}" for k in KINDS if counts[k]))
        if a.v:
            print("\n".join(details[:6]))
    print("TOTAL " + " ".join(f"{k}={totals[k]}" for k in KINDS))


if __name__ == "__main__":
    main()
