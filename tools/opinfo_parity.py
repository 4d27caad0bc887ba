"""Run torch's OpInfo database (`op_db`) through torch and through tinygrad_rnn, and count where they differ.

    python tools/opinfo_parity.py errors              # every OpInfo's error_inputs: counts, then each difference
    python tools/opinfo_parity.py errors add cat      # only OpInfos with these names
    python tools/opinfo_parity.py samples sin         # sample_inputs (float64, float32, int64, bool): values too
    python tools/opinfo_parity.py samples --grad sin  # float64 samples needing grad: values, then input gradients
    python tools/opinfo_parity.py samples --from a --to m   # only OpInfo names in [a, m) (split a slow run)

Needs torch and the `expecttest` package (torch.testing._internal imports it); the repository's tests never
import op_db: a regression test builds its inputs itself.

An OpInfo maps to our callable by its dotted name under tinygrad_rnn (`nn.functional.relu` ->
`tinygrad_rnn.nn.functional.relu`), else to the Tensor method of that name. When the OpInfo's `op` is a small
Python wrapper (a lambda around the real call), the wrapper itself is run with `torch` rebound to tinygrad_rnn.
Every torch tensor in a sample (through lists, tuples and dicts) becomes ours via numpy, keeping dtype, shape
and requires_grad; samples with complex, bfloat16, sparse or meta tensors are skipped and counted.

Error categories (torch raised its ErrorInput's type, matching its regex):
  same           we raise the same type and torch's regex matches our message
  other-message  same type, our message does not match torch's regex
  other-type     we raise another exception type
  no-raise       we return a value
  not-built      we raise NotImplementedError or lack the name used inside a wrapper (a missing feature)
  unmapped       no tinygrad_rnn callable of that name

With --grad, a float64 sample whose values agree is also differentiated: both libraries backpropagate
`(result * w).sum()` for a fixed random w per floating output (a plain `.sum()` would hide transposed
gradients) and compare the gradients of the sample's input tensors:
  grad-same / grad-value (values, dtype or shape differ) / grad-missing (one library has a gradient the
  other lacks) / grad-raise (our backward raises) / no-grad (torch's result needs no gradient).
"""
from __future__ import annotations

import re
import sys
import types
import warnings
from collections import Counter
from typing import Any

import numpy as np
import torch

import tinygrad_rnn

UNSUPPORTED_DTYPES = {torch.complex32, torch.complex64, torch.complex128, torch.bfloat16}


class Skip(Exception):
    """A sample uses a feature tinygrad_rnn does not build (complex, sparse, meta, ...)."""


def to_ours(value: Any) -> Any:
    """The same value with every torch object replaced by tinygrad_rnn's (recursively)."""
    if isinstance(value, torch.Tensor):
        if value.dtype in UNSUPPORTED_DTYPES or value.layout != torch.strided or value.device.type != "cpu":
            raise Skip(f"{value.dtype} {value.layout} {value.device}")
        ours = tinygrad_rnn.from_numpy(value.detach().numpy().copy())
        return ours.requires_grad_(value.requires_grad) if value.is_leaf else ours
    if isinstance(value, torch.dtype):
        if value in UNSUPPORTED_DTYPES:
            raise Skip(str(value))
        return getattr(tinygrad_rnn, str(value).removeprefix("torch."))
    if isinstance(value, torch.Size):
        return tinygrad_rnn.Size(value)
    if isinstance(value, torch.device):
        return tinygrad_rnn.device(str(value))
    if isinstance(value, torch.memory_format):
        return getattr(tinygrad_rnn, str(value).removeprefix("torch."))
    if isinstance(value, torch.Generator):
        raise Skip("generator")
    if isinstance(value, (list, tuple)):
        converted = [to_ours(item) for item in value]
        return type(value)(*converted) if hasattr(value, "_fields") else type(value)(converted)  # a namedtuple
    if isinstance(value, dict):
        return {key: to_ours(item) for key, item in value.items()}
    return value


def _rebind(function: types.FunctionType) -> types.FunctionType:
    """The same Python function, with its global `torch` (and `F`) meaning tinygrad_rnn."""
    namespace = dict(function.__globals__)
    namespace.update(torch=tinygrad_rnn, F=tinygrad_rnn.nn.functional)
    return types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                              function.__closure__)


def our_callable(opinfo: Any) -> Any:
    """tinygrad_rnn's callable for an OpInfo, or None."""
    op = opinfo.op
    if isinstance(op, types.FunctionType) and op.__module__.startswith("torch.testing"):
        return _rebind(op)
    target: Any = tinygrad_rnn
    for part in opinfo.name.split("."):
        target = getattr(target, part, None)
        if target is None:
            break
    if target is not None:
        return target
    method = getattr(tinygrad_rnn.Tensor, opinfo.name, None)
    return None if method is None else (lambda self, *args, **kwargs: method(self, *args, **kwargs))


def call(function: Any, sample: Any, ours: bool) -> Any:
    """Run `function` on a SampleInput, with torch's and our generators seeded alike."""
    args, kwargs, first = sample.args, sample.kwargs, sample.input
    if ours:
        first, args, kwargs = to_ours((first, args, kwargs))
    (tinygrad_rnn if ours else torch).manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(first, *args, **kwargs)


def classify_error(error_input: Any, torch_fn: Any, ours_fn: Any) -> tuple[str, str]:
    """(category, detail) for one ErrorInput; category 'torch-passes' when torch itself no longer raises it."""
    sample = error_input.sample_input
    try:
        call(torch_fn, sample, ours=False)
    except error_input.error_type as torch_error:
        if not re.search(error_input.error_regex, str(torch_error)):
            return "torch-other-message", str(torch_error)[:120]
    except Exception as torch_error:  # noqa: BLE001 - the reference raised something else: say so
        return "torch-other-type", f"{type(torch_error).__name__}: {str(torch_error)[:100]}"
    else:
        return "torch-passes", ""
    if ours_fn is None:
        return "unmapped", ""
    try:
        call(ours_fn, sample, ours=True)
    except Skip as skip:
        return "skipped", str(skip)
    except NotImplementedError as error:
        return "not-built", f"NotImplementedError: {error}"[:160]
    except error_input.error_type as error:
        if re.search(error_input.error_regex, str(error)):
            return "same", ""
        return "other-message", f"want /{error_input.error_regex}/ got: {str(error)[:160]}"
    except Exception as error:  # noqa: BLE001 - any other type is the finding
        category = "not-built" if isinstance(error, AttributeError) and "tinygrad_rnn" in str(error) else "other-type"
        return category, (f"want {error_input.error_type.__name__} /{error_input.error_regex}/ "
                          f"got {type(error).__name__}: {str(error)[:140]}")
    return "no-raise", f"want {error_input.error_type.__name__} /{error_input.error_regex}/"


def run_errors(opinfos: list[Any]) -> Counter:
    """Classify every ErrorInput of `opinfos`; print one line per difference and return the counts."""
    totals: Counter = Counter()
    for opinfo in opinfos:
        if opinfo.error_inputs_func is None:
            continue
        ours_fn = our_callable(opinfo)
        for error_input in opinfo.error_inputs("cpu"):
            category, detail = classify_error(error_input, opinfo.op, ours_fn)
            totals[category] += 1
            if category not in ("same", "torch-passes"):
                label = opinfo.name + (f".{opinfo.variant_test_name}" if opinfo.variant_test_name else "")
                print(f"{category:14} {label:36} {detail}")
    return totals


def _close(expected: np.ndarray, actual: np.ndarray) -> bool:
    if expected.dtype.kind in "biu":
        return np.array_equal(expected, actual)
    rtol = 1e-10 if expected.dtype == np.float64 else 1e-5 if expected.dtype == np.float32 else 1e-3
    return np.allclose(actual, expected, rtol=rtol, atol=rtol, equal_nan=True)


def compare(expected: Any, actual: Any) -> str:
    """'same', 'dtype-or-shape' or 'value' for torch's result against ours (recursively)."""
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, tinygrad_rnn.Tensor):
            return "dtype-or-shape"
        if str(expected.dtype) != str(actual.dtype) or tuple(expected.shape) != tuple(actual.shape):
            return "dtype-or-shape"
        return "same" if _close(expected.detach().numpy(force=True), actual.detach().numpy()) else "value"
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(expected) != len(actual):
            return "dtype-or-shape"
        results = [compare(e, a) for e, a in zip(expected, actual)]
        return next((r for r in ("dtype-or-shape", "value") if r in results), "same")
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return "same" if _close(np.array(expected), np.array(float(actual))) else "value"
    return "same" if expected == actual else "value"


def run_samples(opinfos: list[Any], grad: bool = False) -> Counter:
    """Compare every sample of `opinfos` (float64 only, with gradients, when `grad`); print each difference."""
    dtypes = (torch.float64,) if grad else (torch.float64, torch.float32, torch.int64, torch.bool)
    totals: Counter = Counter()
    for opinfo in opinfos:
        ours_fn = our_callable(opinfo)
        label = opinfo.name + (f".{opinfo.variant_test_name}" if opinfo.variant_test_name else "")
        if grad and not opinfo.supports_autograd:
            continue
        for dtype in dtypes:
            if dtype not in opinfo.supported_dtypes("cpu"):
                continue
            for sample in opinfo.sample_inputs("cpu", dtype, requires_grad=grad):
                category, detail = _classify_sample(opinfo.op, ours_fn, sample, grad)
                totals[category] += 1
                if category not in ("same", "skipped", "torch-raises", "grad-same", "no-grad"):
                    print(f"{category:14} {label:36} {str(dtype):14} {detail}")
    return totals


def tensors_in(value: Any) -> list[Any]:
    """Every tensor (either library's) inside `value`, depth first: the same order for torch's and ours."""
    if isinstance(value, (torch.Tensor, tinygrad_rnn.Tensor)):
        return [value]
    if isinstance(value, (list, tuple)):
        return [tensor for item in value for tensor in tensors_in(item)]
    if isinstance(value, dict):
        return [tensor for item in value.values() for tensor in tensors_in(item)]
    return []


def weighted_sum(result: Any, library: Any) -> Any:
    """sum((output * w).sum()) over the floating outputs needing grad; w is random but the same for both libraries."""
    rng = np.random.default_rng(0)
    total = None
    for output in tensors_in(result):
        if output.requires_grad and output.dtype.is_floating_point:
            w = library.from_numpy(rng.standard_normal(tuple(output.shape)).astype(np.float64))
            term = (output * w).sum()
            total = term if total is None else total + term
    return total


def compare_grads(sample: Any, ours_sample: tuple, expected: Any, actual: Any) -> tuple[str, str]:
    """Backpropagate the weighted sum through torch's and our results; compare the inputs' .grad."""
    torch_loss = weighted_sum(expected, torch)
    if torch_loss is None:
        return "no-grad", ""
    inputs = tensors_in((sample.input, sample.args, sample.kwargs))
    for tensor in inputs:
        tensor.grad = None  # one tensor may serve several samples: keep only this sample's gradient
    torch_loss.backward()
    our_loss = weighted_sum(actual, tinygrad_rnn)
    if our_loss is None:
        return "grad-missing", "our result needs no grad"
    try:
        our_loss.backward()
    except Exception as error:  # noqa: BLE001 - any exception is the finding
        return "grad-raise", f"{type(error).__name__}: {str(error)[:120]}"
    for position, (theirs, ours) in enumerate(zip(inputs, tensors_in(ours_sample))):
        if (theirs.grad is None) != (ours.grad is None):
            return "grad-missing", f"input {position}: torch {theirs.grad is not None}, ours {ours.grad is not None}"
        if theirs.grad is not None and (verdict := compare(theirs.grad, ours.grad)) != "same":
            return "grad-value", f"input {position}: {verdict}"
    return "grad-same", ""


def _classify_sample(torch_fn: Any, ours_fn: Any, sample: Any, grad: bool = False) -> tuple[str, str]:
    try:
        expected = call(torch_fn, sample, ours=False)
    except Exception:  # noqa: BLE001 - a sample torch rejects says nothing about us
        return "torch-raises", ""
    if ours_fn is None:
        return "unmapped", ""
    try:
        ours_sample = to_ours((sample.input, sample.args, sample.kwargs))
        actual = call(ours_fn, types.SimpleNamespace(input=ours_sample[0], args=ours_sample[1],
                                                      kwargs=ours_sample[2]), ours=True)
    except Skip as skip:
        return "skipped", str(skip)
    except NotImplementedError as error:
        return "not-built", str(error)[:120]
    except Exception as error:  # noqa: BLE001 - any exception is the finding
        return "we-raise", f"{type(error).__name__}: {str(error)[:120]}"
    verdict = compare(expected, actual)
    if not grad or verdict != "same":
        return verdict, ""
    return compare_grads(sample, ours_sample, expected, actual)


def main(argv: list[str]) -> None:
    """`errors|samples [--grad] [--from A] [--to B] [names...]`: run, then print the counts."""
    from torch.testing._internal.common_methods_invocations import op_db  # noqa: PLC0415 - needs expecttest

    mode, rest = (argv[0] if argv else "errors"), argv[1:]
    grad = "--grad" in rest
    options = {flag: rest[rest.index(flag) + 1] for flag in ("--from", "--to") if flag in rest}
    names = {word for word in rest if not word.startswith("--") and word not in options.values()}
    low, high = options.get("--from", ""), options.get("--to", "\uffff")
    opinfos = [o for o in op_db if (not names or o.name in names) and low <= o.name < high]
    totals = run_errors(opinfos) if mode == "errors" else run_samples(opinfos, grad)
    by_count = sorted(totals.items(), key=lambda item: -item[1])
    print("\n" + ", ".join(f"{name} {count}" for name, count in by_count))


if __name__ == "__main__":
    main(sys.argv[1:])
