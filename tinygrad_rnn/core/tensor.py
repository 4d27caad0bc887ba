"""`Tensor`: a numpy array plus what autograd needs to know about it.

This is the learner's view of a tensor: the array (`t._data`), whether it requires grad, the node
that made it (`grad_fn`, a `Function`; None for a leaf the user made) and the gradient that
backward adds into a leaf (`t.grad`). That is all the engine reads.

Everything else a torch user calls on a tensor (`t.exp()`, `t + u`, `t.view(...)`, `t.to(...)`)
is bound onto this class by the surface layer (surface/tensor_methods.py), from the op
declarations in ops/. See docs/architecture.md.
"""
from __future__ import annotations

import builtins
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes
from .modes import SWITCHED_ON, modes
from .size import Size


class Tensor:
    """An n-dimensional array with reverse-mode autograd, mirroring `torch.Tensor`."""

    # Defaults live on the class, so making a tensor only has to set `_data`.
    _requires_grad = False
    _grad_fn: Any = None  # the node that made this tensor (read as `grad_fn`)
    _output_nr = 0
    _grad: Any = None
    _retains_grad = False
    _grad_cut = False  # a view made under no_grad of a tensor that requires grad: requires grad, gets none (views.py)
    # Views and in-place, core/views.py: a view's base (whose memory it shares); the version counter
    # `[changes so far]`, one list shared by a base, its views and detached aliases; a base's views.
    _base: Tensor | None = None
    _counter: list | None = None
    _views: list | None = None  # weak references to the views made in grad mode
    _fw_grads: dict | None = None  # forward-mode AD: {dual level: tangent}, see core/forward_mode.py
    _inference = False  # memory made under inference_mode(): never saved for backward, no version count
    __array_priority__ = 1000  # numpy defers to our operators: ndarray * Tensor -> Tensor

    # `t.backward()` is engine.backward(t): engine.py attaches it, because the engine is built on
    # this class (an import of the engine here would be a cycle). Declared here for readers and
    # type checkers.
    backward: Callable[..., None]

    @staticmethod
    def _make(data: np.ndarray, grad_fn: Any = None, output_nr: int = 0) -> Tensor:
        """Wrap an array without copying: the one way ops make their results."""
        if type(data) is not np.ndarray:  # numpy answers 0-d input with a scalar; a tensor holds a 0-d array
            data = np.asarray(data)
        t = object.__new__(Tensor)
        t._data = data
        if SWITCHED_ON[0] and modes.inference_enabled:  # (a view is its base's kind: core/views.py)
            t._inference = True
        if grad_fn is not None:
            t._grad_fn, t._output_nr, t._requires_grad = grad_fn, output_nr, True
        return t

    # ------------------------------------------------------------ autograd state
    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (through any of its aliases)."""
        if self._inference and not modes.inference_enabled:  # (inside, an in-place op's `+= 1` reads 0)
            raise RuntimeError("Inference tensors do not track version counter.")
        counter = self._counter
        return 0 if counter is None else counter[0]

    @_version.setter
    def _version(self, value: int) -> None:
        if not self._inference:
            self._shared_counter()[0] = value

    def _shared_counter(self) -> list:
        self._counter = self._counter or [0]  # (a counter is a list of one int: never empty, never falsy)
        return self._counter

    def _is_view(self) -> bool:
        return self._base is not None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self._grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if value and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if value and self._inference and not modes.inference_enabled:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._requires_grad = builtins.bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self) -> Any:
        """The node (a `Function`) that made this tensor; None for a leaf. Only ops set it, as in torch."""
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, value: Any = None) -> None:  # (and its deleter, below: `del t.grad_fn` is refused too)
        raise AttributeError("attribute 'grad_fn' of 'torch._C.TensorBase' objects is not writable")

    grad_fn = grad_fn.deleter(grad_fn.fset)

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad(self) -> Any:
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(  # torch's text, all of it
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't "
                "be populated during autograd.backward(). If you indeed want the .grad field to be populated for a "
                "non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for "
                "more information. (Triggered internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h"
                ":493.)", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:  # (surface/tensor_methods.py checks it as torch does)
        self._grad = value

    def retain_grad(self) -> None:
        """Keep this non-leaf's gradient in `.grad` after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None and not self._retains_grad:
            node = self._grad_fn
            node._retained = node._retained or {}
            node._retained[self._output_nr] = weakref.ref(self)
            self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Any) -> Any:
        """Call `hook(grad)` on this tensor's gradient during backward; a returned tensor replaces it.

        A leaf's hooks run before its gradient is added into `.grad`; a non-leaf's, before the node
        that made it runs (and before `retain_grad` stores it), as in torch. Returns a handle whose
        `remove()` takes the hook off."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if "_hooks" not in self.__dict__:
                self._hooks: list = []
            hooks = self._hooks
        else:
            node = self._grad_fn
            node._hooks = node._hooks or {}
            hooks = node._hooks.setdefault(self._output_nr, [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Any) -> Any:
        """Call `hook(tensor)` on this leaf after backward has added into its `.grad` (e.g. to step an
        optimizer parameter by parameter). Returns a handle whose `remove()` takes the hook off."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if "_post_accumulate_hooks" not in self.__dict__:
            self._post_accumulate_hooks: list = []
        self._post_accumulate_hooks.append(hook)
        return _HookHandle(self._post_accumulate_hooks, hook)

    def _edge(self) -> tuple:
        """Where this tensor's gradient goes: (the node that made it, which output) or (itself, 0)."""
        return (self._grad_fn, self._output_nr) if self._grad_fn is not None else (self, 0)

    def _key(self) -> tuple:
        target, nr = self._edge()
        return (id(target), nr)

    def detach(self) -> Tensor:
        """The same data, outside the graph; it shares the version counter, as in torch."""
        alias = Tensor._make(self._data)
        alias._counter, alias._inference = self._shared_counter(), self._inference
        return alias

    @property
    def data(self) -> Tensor:
        """A tensor sharing memory with this one, outside the graph (torch's `.data`)."""
        alias = Tensor._make(self._data)
        alias._inference = self._inference
        return alias

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    # ------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._data.shape)  # numpy's ints: no need to check them

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes._BY_NUMPY[self._data.dtype]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __hash__(self) -> int:
        return id(self)

    # ------------------------------------------------------------ conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and modes.grad_enabled and not force:  # (torch allows it under no_grad)
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.numpy() if dtype is None else self.numpy().astype(dtype)

    def item(self) -> Any:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()


class _HookHandle:
    """What register_hook returns: `remove()` takes the hook off (again is harmless, as torch's), and
    so does leaving a `with` block."""

    def __init__(self, hooks: list, hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)

    def __repr__(self) -> str:
        return f"<torch.utils.hooks.RemovableHandle object at {id(self):#x}>"  # torch's handle class

    def __enter__(self) -> _HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()
