"""Module-level spellings of Tensor methods: `torch.numel(t)`, `torch.is_tensor(x)`, ..."""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import return_types
from ..argcheck import no_overload, tensor_arg, type_name, wrong_out_dtype
from ..core import dtypes
from ..core.modes import modes
from ..core.tensor import Tensor
from ..creation import callers_stacklevel, checked_fill, write_into
from ..device import check_device
from ..overloads import refusal
from .out_rules import OutRules
from .overlap import check_out
from .storage import TypedStorage, UntypedStorage


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def detach(input: Tensor) -> Tensor:
    return input.detach()


PLAIN_OUT = OutRules()  # the result cast into out within a kind or up, as most ops do


def accepts_out(fn: Callable[..., Tensor], rules: OutRules = PLAIN_OUT, name: str | None = None
                ) -> Callable[..., Tensor]:
    """fn with torch's `out=` keyword: `torch.add(x, y, out=result)` writes into `result` and returns it;
    for an op of several results (`sort`), `out` is a tuple of tensors, returned as `return_types.sort_out`.
    `rules`: what the op's torch kernel does with out (out_rules.py); `name`: the spelling called
    (`torch.concat`), which torch's parser names, while its autograd check names the op itself (`cat`)."""
    called = name or fn.__name__

    @functools.wraps(fn)
    def fn_with_out(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out is None:
            kwargs.pop("out", None)
            return fn(*args, **kwargs)
        given = dict(kwargs)  # (out in its place: the order torch's error lists the keywords in depends on it)
        del kwargs["out"]
        try:
            return _with_out(fn, args, kwargs, out, rules, called)
        except (TypeError, RuntimeError, NotImplementedError, ValueError, IndexError) as error:
            # torch's parser refuses a call before out is looked at, in words that count out among the arguments
            refused = refusal(called, args, given, False, error)
            if refused is not None:
                raise refused from None
            raise

    return fn_with_out


def _with_out(fn: Callable[..., Tensor], args: tuple, kwargs: dict, out: Any, rules: OutRules, called: str) -> Any:
    """fn(*args, **kwargs) written into out, once torch's parser has taken the call."""
    if rules.number_out and isinstance(out, (bool, int, float)):
        out = Tensor._make(np.asarray(out))  # numpy's types for numbers are torch's for wrapped numbers
    _check_before(out, args, kwargs, rules, called, fn.__name__)
    result = None
    if rules.sets_dtype and isinstance(out, Tensor) and args and isinstance(args[0], Tensor) \
            and kwargs.get("dtype") is None and _computes_in(args[0].dtype, out.dtype, rules.sets_dtype):
        if rules.sets_dtype == "several results":  # std and var: a single result is computed in the input's dtype
            result = fn(*args, **kwargs)
        if result is None or result.numel() > 1:
            args, result = (args[0].to(out.dtype),) + args[1:], None  # (what torch's dtype= does too)
    result = fn(*args, **kwargs) if result is None else result
    check_out(out, result, (args, kwargs), rules.overlap)  # (after the op's own checks, as torch's meta functions)
    return _written(out, result, rules, called)


def _check_before(out: Any, args: tuple, kwargs: dict, rules: OutRules, called: str, op: str) -> None:
    """torch's checks of out before anything is computed: its parser's, autograd's, and the kernel's of out's dtype."""
    if not isinstance(out, Tensor if rules.joins else (Tensor, tuple, list)):  # (cat takes one tensor, sort a tuple)
        raise TypeError(f"{called}(): argument 'out' must be Tensor, not {type_name(out)}")
    if rules.needs_dim and len(args) < 2 and "dim" not in kwargs:  # (dim=None is sum's overload over a dim)
        raise _no_out_without_dim(called, args, kwargs, out)
    if modes.grad_enabled and _any_requires_grad((args, kwargs, out)):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if rules.check_dtype is not None:
        rules.check_dtype(out, args, kwargs)


def _written(out: Any, result: Any, rules: OutRules, called: str) -> Any:
    """`result` written into `out` as the op's kernel writes it (or refuses to)."""
    if isinstance(out, Tensor) and (rules.any_dtype or rules.sets_dtype in ("integers", "nansum") and out.dtype is dtypes.bool):
        return _resized_into(out, result._data.astype(out._data.dtype))
    if isinstance(result, tuple):
        return _write_all_into(out, result)
    if not isinstance(out, Tensor):
        raise TypeError(f"{called}(): argument 'out' must be Tensor, not {type_name(out)}")
    if rules.exact_dtype and out.dtype is not result.dtype:
        exact = rules.exact_dtype
        refusal = exact(result.dtype, out.dtype) if callable(exact) else wrong_out_dtype(result.dtype, out.dtype)
        if refusal is not None:  # (None: this op casts into that out after all)
            raise RuntimeError(refusal)
    if rules.joins and dtypes._category(result.dtype) > dtypes._category(out.dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type {out.dtype._legacy}")
    return _write_into(out, result)


def _computes_in(given: Any, out: Any, rule: str) -> bool:
    """Whether an op whose out sets its dtype (by `rule`) computes in out's dtype rather than given's."""
    if given is out:
        return False
    if rule == "nansum":  # torch's nansum of an integer or bool input is its sum; of a float one, in out's dtype
        return True if given.is_floating_point else _computes_in(given, out, "integers")
    if out.is_floating_point:
        wider = given.is_floating_point and out.itemsize > given.itemsize
        return wider or not given.is_floating_point and rule == "floats"
    return rule == "integers"


def _any_requires_grad(value: Any) -> bool:
    """Whether a tensor among the arguments (in lists, tuples and dicts too) requires grad."""
    if isinstance(value, Tensor):
        return value.requires_grad
    if isinstance(value, (tuple, list)):
        return any(_any_requires_grad(v) for v in value)
    return isinstance(value, dict) and any(_any_requires_grad(v) for v in value.values())


def _no_out_without_dim(name: str, args: tuple, kwargs: dict, out: Any) -> TypeError:
    """torch's parser for out= with no dim: median's one overload without a dim is missing it; sum's and prod's
    overload over every element has no `out`."""
    if name in ("median", "nanmedian"):
        return TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    return no_overload(name, args, {**kwargs, "out": out})


def _write_all_into(out: Any, results: tuple) -> Any:
    if not isinstance(out, (tuple, list)) or not all(isinstance(o, Tensor) for o in out):
        raise TypeError(f"argument 'out' must be tuple of Tensors, not {type_name(out)}")
    if len(out) != len(results):
        raise TypeError(f"expected tuple of {len(results)} elements but got {len(out)}")
    written = tuple(_write_into(o, r) for o, r in zip(out, results))
    return getattr(return_types, type(results).__name__ + "_out")(*written)


def _write_into(out: Tensor, result: Tensor) -> Tensor:
    if dtypes._category(result.dtype) > dtypes._category(out.dtype):  # torch casts within a kind or up, never down
        raise RuntimeError(f"result type {result.dtype._legacy} can't be cast to the desired output type {out.dtype._legacy}")
    return _resized_into(out, result._data.astype(out._data.dtype))


def _resized_into(out: Tensor, values: np.ndarray) -> Tensor:
    """write_into, with torch's warning (on every call) when an out holding elements takes another shape."""
    if out._data.size and out._data.shape != values.shape:
        warnings.warn(f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, "
                      f"which does not match the required output shape {list(values.shape)}. This behavior is "
                      "deprecated, and in a future PyTorch release outputs will not be resized unless they have zero "
                      "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                      "with t.resize_(0). (Triggered internally at "
                      "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)", UserWarning,
                      stacklevel=callers_stacklevel())
    return write_into(out, values)


# ------------------------------------------------------------------ metadata and in-place spellings
def zero_(input: Tensor) -> Tensor:
    return input.zero_()


def fill_(input: Tensor, value: Any) -> Tensor:
    return input.fill_(value)


def detach_(input: Tensor) -> Tensor:
    return input.detach_()


def resize_as_(input: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
    return input.resize_as_(the_template)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input.is_complex()


def is_signed(input: Tensor) -> bool:
    return input.is_signed()


def is_inference(input: Tensor) -> bool:
    return input.is_inference()


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return input.is_same_size(other)


def get_device(input: Tensor) -> int:
    return input.get_device()


def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor (torch's errors for more or fewer elements)."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    return bool(input)


def scalar_tensor(s: Any, *, dtype: Any = None, layout: Any = None, device: Any = None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A 0-d tensor holding the number s, of the default float dtype unless `dtype` is given."""
    if isinstance(s, Tensor) and not s.ndim:
        s = s.item()
    if not isinstance(s, (bool, int, float, complex, np.generic)):  # torch's parser: a Number
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not {type_name(s)}")
    if not isinstance(requires_grad, bool) and requires_grad is not None:
        raise TypeError(f"scalar_tensor(): argument 'requires_grad' must be bool, not {type_name(requires_grad)}")
    check_device(device)  # after the parser's checks
    target = dtype if dtype is not None else dtypes.get_default_dtype()
    if target is not dtypes.float16:  # torch checks that s fits, but makes a number too large for half inf
        s = checked_fill(s, target)
    with np.errstate(over="ignore"):  # (half: inf, without numpy's overflow warning)
        out = Tensor._make(np.asarray(s, dtype=target.np))
    return out.requires_grad_() if requires_grad else out


def real(input: Tensor) -> Tensor:
    return input.real


def imag(input: Tensor) -> Tensor:
    return input.imag


def conj(input: Tensor) -> Tensor:
    return input.conj()


# A real tensor is its own conjugate, never a lazily conjugated or negated view: these hand it back.
def conj_physical(input: Tensor) -> Tensor:
    return tensor_arg("conj_physical", "input", input, 1).conj_physical()


def resolve_conj(input: Tensor) -> Tensor:
    return tensor_arg("resolve_conj", "input", input, 1).resolve_conj()


def resolve_neg(input: Tensor) -> Tensor:
    return tensor_arg("resolve_neg", "input", input, 1).resolve_neg()


def is_conj(input: Tensor) -> bool:
    return tensor_arg("is_conj", "input", input, 1).is_conj()


def is_neg(input: Tensor) -> bool:
    return tensor_arg("is_neg", "input", input, 1).is_neg()


def is_storage(obj: object) -> bool:
    """Whether obj is a storage (`t.untyped_storage()`, or the deprecated `t.storage()`)."""
    return isinstance(obj, (UntypedStorage, TypedStorage))


