"""Measure torch's overloads for tinygrad_rnn/surface/overload_table.py (run with torch installed, print the table).

An op with several overloads lists them all when no overload takes the call's count of arguments, so
twenty `object()`s make torch print its table. An op with one overload never prints it: its positional
parameters are found one at a time, by giving an `object()` after arguments its parser takes (torch names
the parameter, its position and its type), and its count of required ones from "takes from A to B".

    python tools/measure_overloads.py > tinygrad_rnn/surface/overload_table.py
"""
from __future__ import annotations

import re

import torch

# functions and methods whose bad arguments sequence-model code plausibly hits
FUNCTIONS = """sum mean prod std var nansum amax amin argmax argmin max min median mode kthvalue logsumexp all any
count_nonzero cumsum cumprod cummax cummin sort argsort topk norm where masked_fill masked_select index_select
index_add gather scatter narrow select squeeze unsqueeze flatten transpose swapaxes movedim permute reshape flip
roll chunk cat stack unbind diff tril triu diag t mm bmm matmul pow clamp softmax log_softmax eye rand randn
zeros ones full arange linspace logspace randint add sub mul div true_divide floor_divide maximum minimum fmod remainder eq ne
lt gt le ge atan2 logical_and logical_or lerp addmm outer dot clamp_min clamp_max repeat_interleave take tile unflatten
index_put masked_scatter nonzero argwhere bincount histc multinomial normal bernoulli dropout empty full_like zeros_like
ones_like rand_like randn_like randint_like randperm split_with_sizes tensor_split hsplit vstack hstack concat
concatenate dstack kron std_mean var_mean aminmax nanmean quantile nanquantile logcumsumexp isclose allclose equal cross
as_strided baddbmm hypot diagonal diag_embed logical_xor logaddexp logaddexp2 fmax fmin ldexp nextafter gcd lcm addcmul
addcdiv igamma igammac dist""".split()
METHODS = """sum mean prod std var nansum amax amin argmax argmin max min median mode kthvalue logsumexp all any
count_nonzero cumsum cumprod cummax cummin sort argsort topk where masked_fill masked_select index_select
index_add gather scatter narrow select squeeze unsqueeze flatten transpose swapaxes movedim permute reshape view
flip roll chunk unbind diff tril triu diag mm bmm matmul pow clamp softmax log_softmax fill_ repeat expand
new_zeros new_ones new_full index_fill masked_fill_ scatter_ index_add_ clamp_ pow_ add sub mul div true_divide
floor_divide maximum minimum fmod fmod_ remainder remainder_ eq ne lt gt le ge atan2 logical_and logical_or add_ sub_ mul_ div_ lerp lerp_
outer dot clamp_min clamp_max
repeat_interleave take tile expand_as view_as new_empty index_put masked_scatter nonzero bincount histc multinomial
bernoulli split_with_sizes tensor_split hsplit kron aminmax nanmean quantile nanquantile logcumsumexp isclose allclose equal cross
squeeze_ unsqueeze_ transpose_ cumsum_ sum_to_size as_strided unfold float double long int bool half contiguous clone
size numpy requires_grad_ type to scatter_add scatter_add_ scatter_reduce cpu stride reshape_as hypot diagonal diag_embed
logical_xor logaddexp logaddexp2 fmax fmin ldexp nextafter gcd lcm addcmul addcdiv igamma igammac dist""".split()

# an argument each parameter type takes, to reach the next parameter
_VALID = {"Tensor": lambda: torch.ones(2, 3), "int": lambda: 0, "float": lambda: 1.0, "bool": lambda: False,
          "Number": lambda: 1, "tuple of ints": lambda: (0,), "torch.dtype": lambda: torch.float32,
          "tuple of Tensors": lambda: (torch.ones(2, 3),), "str": lambda: "sum"}
_MUST_BE = re.compile(r"argument '(\w+)' \(position \d+\) must be (.+), not object")
_MUST_BE_KEYWORD = re.compile(r"argument '\w+' must be (.+), not object")
_TAKES = re.compile(r"takes (?:from (\d+) to (\d+)|(\d+)) positional arguments? but")


def _error(call) -> str:
    try:
        call()
    except Exception as error:  # noqa: BLE001  (any refusal tells us something)
        return str(error)
    return ""


def overloads(fn) -> tuple[str, ...] | None:
    """torch's overloads of fn, as its 'invalid combination' error lists them (None for a single overload)."""
    message = _error(lambda: fn(*[object()] * 20))
    if ", but expected (" in message:  # one listed, the others hidden (add's deprecated add(Number alpha, Tensor other))
        return (message.split(", but expected ", 1)[1],)
    if "expected one of:" not in message:
        return None
    return tuple(line[3:] for line in message.split("\n") if line.startswith(" * "))


def hides_overloads(fn) -> bool:
    """Whether torch lists one overload of fn's several: its others are hidden (deprecated)."""
    return ", but expected (" in _error(lambda: fn(*[object()] * 20))


def single_overload(fn) -> str | None:
    """fn's one overload, its parameters found one at a time: the positional ones by position, then the
    keyword-only ones its docstring names (`= None` marks a default torch takes None for, `= ...` another)."""
    counted = _TAKES.search(_error(lambda: fn(*[object()] * 20)))
    if counted is None:
        return None
    least, most = (int(counted[1]), int(counted[2])) if counted[1] else (int(counted[3]),) * 2
    params, given = [], []
    for i in range(most):
        found = _MUST_BE.search(_error(lambda: fn(*given, object())))
        if found is None or found[2] not in _VALID:
            return None
        params.append(f"{found[2]} {found[1]}" + (_default(fn, given) if i >= least else ""))
        given.append(_VALID[found[2]]())
    keywords = []
    for name in _documented_keywords(fn, [p.split(" = ")[0].rsplit(" ", 1)[1] for p in params]):
        found = _MUST_BE_KEYWORD.search(_error(lambda name=name: fn(*given, **{name: object()})))
        if found is not None:
            keywords.append(f"{found[1]} {name}" + _default(fn, given, name))
    return "(" + ", ".join(params + (["*", *keywords] if keywords else [])) + ")"


def _default(fn, given: list, keyword: str | None = None) -> str:
    """How an optional parameter's default shows: `= None` when torch's parser takes None for it."""
    refused = _error(lambda: fn(*given, **{keyword: None}) if keyword else fn(*given, None))
    return " = ..." if "not NoneType" in refused else " = None"


def _documented_keywords(fn, positional: list[str]) -> list[str]:
    """The parameter names of fn's docstring signature ("cumsum(input, dim, *, dtype=None) -> Tensor")
    that are no positional parameter: candidates for its keyword-only ones."""
    first = (fn.__doc__ or "").strip().split("\n")[0]
    names = re.findall(r"(\w+)(?:=|: )", first.split("->")[0]) + list(_USUAL_KEYWORDS)
    return [n for n in dict.fromkeys(names) if n not in positional]


# keywords torch's docstrings often leave out of their first line
_USUAL_KEYWORDS = ("out", "dtype", "alpha", "layout", "device", "pin_memory", "requires_grad", "memory_format",
                   "generator", "sparse_grad", "stable", "reduce", "include_self", "names")


def measure(fn) -> tuple[str, ...] | None:
    listed = overloads(fn)
    if listed is not None:
        return listed
    single = single_overload(fn)
    return None if single is None else (single,)


def takes_no_arguments(x) -> list[str]:
    """The methods CPython checks itself (no parser: "TensorBase.exp() takes no arguments (1 given)")."""
    found = []
    for name in sorted(n for n in dir(x) if not n.startswith("_") and n not in ("imag", "real")):
        method = getattr(x, name, None)  # (x.imag of a real tensor raises)
        if callable(method) and "takes no arguments" in _error(lambda method=method: method(object())):
            found.append(name)
    return found


def main() -> None:
    x = torch.ones(2, 3)
    print('"""torch 2.13\'s overloads, as its parser lists them (measured by tools/measure_overloads.py: do not edit).\n')
    print("An op with one overload never lists it: its positional parameters are measured one by one, and")
    print('`= ...` marks one with a default (whose value torch never prints)."""\n')
    for title, names, owner in (("FUNCTIONS", FUNCTIONS, torch), ("METHODS", METHODS, x)):
        print(f"{title}: dict[str, tuple[str, ...]] = {{")
        for name in names:
            found = measure(getattr(owner, name))
            if found is not None:
                print(f"    {name!r}: (")
                for signature in found:
                    print(f"        {signature!r},")
                print("    ),")
        print("}\n")
        hiding = [n for n in names if hides_overloads(getattr(owner, n))]
        print(f"{title}_HIDING_OVERLOADS = frozenset({hiding!r})\n")
    print("# the C functions that torch's functions written in Python call with their arguments by position (its")
    print("# t.split and torch.split call this split: their errors list its overloads, self first)")
    print("CALLED_FROM_PYTHON: dict[str, tuple[str, ...]] = {")
    print(f"    'split': {overloads(torch._C._VariableFunctions.split)!r},")
    print("}\n")
    print("# methods that take no argument, checked by Python (torch's parser never sees them)")
    print("NO_ARGUMENTS = frozenset({")
    names = takes_no_arguments(x)
    for i in range(0, len(names), 8):
        print("    " + " ".join(f"{n!r}," for n in names[i:i + 8]))
    print("})")


if __name__ == "__main__":
    main()
