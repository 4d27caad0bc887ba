"""Run torch's own op test database (OpInfo sample inputs) on tinygrad_rnn and on torch, and compare.

torch ships `op_db` in `torch.testing._internal.common_methods_invocations`: one OpInfo per op with
sample inputs. This tool runs every sample on both libraries and counts, per op, how the results compare:

    same, value (values differ), dtype-shape (dtype, shape or structure differ), we-raise (torch gives
    a result, we raise), torch-raises (torch raises, we don't), not-impl (we raise NotImplementedError),
    unmapped (we have no such function).

Importing op_db needs the `expecttest` package (not a dependency of this project). Usage:

    python tools/opinfo_parity.py --letters a-l --dtypes float32,float64,int64,bool [--grad] [-v] [--op NAME]

`--grad` also compares the input gradients of sum(result) on samples that require grad.
"""
from __future__ import annotations

import argparse
import collections
import types

import numpy as np
import torch
from torch.testing._internal.common_methods_invocations import op_db

import tinygrad_rnn as tg

SKIPPED_DTYPES = {torch.complex64, torch.complex128, torch.complex32, torch.bfloat16, torch.chalf}

SKIPPED_CONVERSIONS = {"cfloat", "cdouble", "chalf", "bfloat16", "complex"}  # (Tensor.cfloat() and the like)


class Skip(Exception):
    """A sample we cannot express in tinygrad_rnn (complex, bfloat16, sparse, meta)."""


def to_ours(value):
    """Convert torch values inside a sample (recursively) to tinygrad_rnn values."""
    if isinstance(value, torch.Tensor):
        if value.dtype in SKIPPED_DTYPES or value.layout != torch.strided or value.device.type == "meta":
            raise Skip(str(value.dtype))
        ours = tg.tensor(value.detach().numpy().copy(), dtype=to_ours(value.dtype))
        return ours.requires_grad_() if value.requires_grad else ours
    if isinstance(value, torch.dtype):
        if value in SKIPPED_DTYPES:
            raise Skip(str(value))
        return getattr(tg, str(value).split(".")[-1])
    if isinstance(value, (torch.memory_format, torch.layout)):  # same names: torch.channels_last, torch.strided
        return getattr(tg, str(value).split(".")[-1])
    if isinstance(value, torch.Size):
        return tg.Size(value)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, (list, tuple)):
        converted = [to_ours(v) for v in value]
        return type(value)(converted) if type(value) in (list, tuple) else tuple(converted)
    if isinstance(value, dict):
        return {k: to_ours(v) for k, v in value.items()}
    return value


def our_callable(opinfo):
    """Our function for an OpInfo: its test lambda rebound to our module, or the same dotted name."""
    fn = opinfo.op
    if isinstance(fn, types.FunctionType) and fn.__module__.startswith("torch.testing"):
        scope = dict(fn.__globals__, torch=tg, F=tg.nn.functional)
        return types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)
    target = tg
    for part in opinfo.name.split("."):
        target = getattr(target, part, None)
        if target is None:
            method = getattr(tg.Tensor, opinfo.name, None)
            return (lambda self, *a, **k: getattr(self, opinfo.name)(*a, **k)) if method else None
    return target


def as_numpy(value):
    """A result as comparable plain data: arrays for tensors, lists for sequences."""
    if isinstance(value, (torch.Tensor, tg.Tensor)):
        return ("tensor", str(value.dtype).split(".")[-1], tuple(value.shape), value.detach().numpy())
    if isinstance(value, (list, tuple)):
        return [as_numpy(v) for v in value]
    if isinstance(value, (torch.dtype, tg.dtype)):
        return str(value)
    return value


def same(theirs, ours) -> str:
    """'same', 'value' or 'dtype-shape' for two results converted by as_numpy."""
    if isinstance(theirs, list) or isinstance(ours, list):
        if not (isinstance(theirs, list) and isinstance(ours, list)) or len(theirs) != len(ours):
            return "dtype-shape"
        verdicts = [same(a, b) for a, b in zip(theirs, ours)]
        return next((v for v in ("dtype-shape", "value") if v in verdicts), "same")
    if isinstance(theirs, tuple) and theirs[:1] == ("tensor",):
        if not (isinstance(ours, tuple) and ours[:3] == theirs[:3]):
            return "dtype-shape"
        a, b = theirs[3], ours[3]
        if a.dtype.kind in "fc":
            tol = 1e-10 if a.dtype == np.float64 else 1e-4 if a.dtype == np.float32 else 1e-2
            ok = np.allclose(a, b, rtol=tol, atol=tol, equal_nan=True)
        else:
            ok = np.array_equal(a, b)
        return "same" if ok else "value"
    if type(theirs) is not type(ours):
        return "dtype-shape"
    if isinstance(theirs, float):
        return "same" if np.isclose(theirs, ours, equal_nan=True) else "value"
    return "same" if theirs == ours else "value"


def run_sample(opinfo, ours_fn, sample, grad: bool):
    """Compare one sample; returns (verdict, detail)."""
    theirs_args = (sample.input, *sample.args)
    try:
        ours_args, ours_kwargs = to_ours(theirs_args), to_ours(sample.kwargs)
    except Skip as why:
        return "skipped", str(why)
    torch.manual_seed(0)
    try:
        expected = opinfo.op(*theirs_args, **sample.kwargs)
    except Exception as error:  # noqa: BLE001 - any torch error is data here
        expected = error
    tg.manual_seed(0)
    try:
        got = ours_fn(*ours_args, **ours_kwargs)
    except NotImplementedError as error:
        return "not-impl", repr(error)[:160]
    except Exception as error:  # noqa: BLE001
        if isinstance(expected, Exception):
            return "same", ""
        return "we-raise", repr(error)[:160]
    if isinstance(expected, Exception):
        return "torch-raises", repr(expected)[:160]
    verdict = same(as_numpy(expected), as_numpy(got))
    if verdict == "same" and grad:
        verdict = compare_grads(theirs_args, ours_args, expected, got)
    return verdict, "" if verdict == "same" else f"torch {short(expected)} ours {short(got)}"


def compare_grads(theirs_args, ours_args, expected, got) -> str:
    """Backward of sum(result) on both sides; compare the input gradients."""
    flat_t = [t for t in flatten(expected) if isinstance(t, torch.Tensor) and t.requires_grad]
    flat_o = [t for t in flatten(got) if isinstance(t, tg.Tensor) and t.requires_grad]
    leaves_t = [t for t in flatten(theirs_args) if isinstance(t, torch.Tensor) and t.requires_grad]
    leaves_o = [t for t in flatten(ours_args) if isinstance(t, tg.Tensor) and t.requires_grad]
    if not flat_t or not leaves_t:
        return "same"
    if len(flat_t) != len(flat_o):
        return "grad"
    try:
        gt = torch.autograd.grad(sum(t.sum() for t in flat_t), leaves_t, allow_unused=True)
    except Exception:  # noqa: BLE001
        return "same"
    try:
        go = tg.autograd.grad(sum(t.sum() for t in flat_o), leaves_o, allow_unused=True)
    except Exception:  # noqa: BLE001
        return "grad"
    gt = [torch.zeros_like(leaf) if g is None else g for g, leaf in zip(gt, leaves_t)]
    go = [tg.zeros_like(leaf) if g is None else g for g, leaf in zip(go, leaves_o)]
    return "same" if same(as_numpy(list(gt)), as_numpy(list(go))) == "same" else "grad"


def flatten(value):
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in flatten(v)]
    return [value]


def short(value) -> str:
    if isinstance(value, (torch.Tensor, tg.Tensor)):
        return f"{str(value.dtype).split('.')[-1]}{list(value.shape)}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(short(v) for v in value) + ")"
    return repr(value)[:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", default="a-z", help="first letters of the op's last name part, e.g. a-l")
    parser.add_argument("--dtypes", default="float32,float64,int64,bool")
    parser.add_argument("--op", help="only OpInfos with this exact name")
    parser.add_argument("--grad", action="store_true", help="also compare gradients of sum(result)")
    parser.add_argument("-v", action="store_true", help="print the first difference of each op")
    options = parser.parse_args()
    first, last = options.letters.split("-")
    dtypes = [getattr(torch, d) for d in options.dtypes.split(",")]
    totals = collections.Counter()
    for opinfo in op_db:
        name = opinfo.name + ("." + opinfo.variant_test_name if opinfo.variant_test_name else "")
        if options.op and opinfo.name != options.op:
            continue
        if not first <= opinfo.name.split(".")[-1].lstrip("_")[:1].lower() <= last:
            continue
        if opinfo.name in SKIPPED_CONVERSIONS:
            continue
        counts, details = collections.Counter(), {}
        ours_fn = our_callable(opinfo)
        for dtype in dtypes:
            if dtype not in opinfo.supported_dtypes("cpu"):
                continue
            for sample in opinfo.sample_inputs("cpu", dtype, requires_grad=options.grad and dtype.is_floating_point):
                verdict, detail = ("unmapped", "") if ours_fn is None else run_sample(opinfo, ours_fn, sample, options.grad)
                counts[verdict] += 1
                details.setdefault(verdict, f"{str(dtype)[6:]}: {detail}")
        totals.update(counts)
        bad = sum(n for v, n in counts.items() if v not in ("same", "skipped"))
        print(f"{name:45s} {bad:4d} bad  " + " ".join(f"{v}={n}" for v, n in sorted(counts.items())))
        if options.v:
            for verdict, detail in details.items():
                if verdict not in ("same", "skipped"):
                    print(f"    {verdict}: {detail}")
    print("TOTAL", " ".join(f"{v}={n}" for v, n in sorted(totals.items())))


if __name__ == "__main__":
    main()
