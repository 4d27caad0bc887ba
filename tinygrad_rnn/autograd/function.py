"""torch.autograd.function: `Function`, the base of custom differentiable ops (see core/function.py),
with what torch.func transforms ask of one, and `once_differentiable`, for a backward that is not
itself differentiable."""
from __future__ import annotations

import functools
import inspect
import types
import warnings
from collections.abc import Callable
from typing import Any

from ..argcheck import type_name
from ..core import function as _core
from ..core.grad_mode import is_grad_enabled, no_grad
from ..core.modes import SWITCHED_ON, modes
from ..core.tensor import Tensor
from ..core.views import mark_custom_function_view
from ..func import _transforms

__all__ = ["Function", "once_differentiable"]

_TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"
_EXTENDING = "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"


class _ForwardOnClassBackwardOnNode:
    """`apply` read two ways, as torch's: `MyFunction.apply(x)` runs forward and records a node;
    `grad_fn.apply(*grads)` on that node runs the user's backward by hand (grad mode as it is, nothing
    checked or summed: torch hands the call straight to backward)."""

    def __init__(self, forward_apply: classmethod) -> None:
        self.forward_apply = forward_apply

    def __get__(self, node: Any, cls: type) -> Callable[..., Any]:
        if node is None or type(node)._forward_cls is type(node):
            return self.forward_apply.__get__(node, cls)
        backward = type(node).backward
        return types.MethodType(getattr(backward, "unchecked", backward), node)


class Function(_core.Function):
    """The base class of a user's differentiable op (see core/function.py for how it runs).

    Under a torch.func transform (grad, vjp, jvp, vmap and those built on them) torch asks more of
    it, and refuses it otherwise: a `setup_context` staticmethod (forward without ctx), and under
    vmap a `vmap` staticmethod or `generate_vmap_rule = True` (here the rule is then the loop vmap
    runs anyway, which gives the same result)."""

    generate_vmap_rule = False
    vjp = _core.Function.__dict__["backward"]  # torch's other name for backward: a Function defines one of them

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if inspect.isfunction(cls.__dict__.get("forward")):  # a forward without @staticmethod: torch calls it
            cls.forward = staticmethod(cls.__dict__["forward"])  # from the class, ctx first, all the same
        super().__init_subclass__(**kwargs)
        if "vjp" in cls.__dict__:
            cls.backward = staticmethod(_backward_and_vjp) if "backward" in cls.__dict__ else cls.__dict__["vjp"]
        backward = cls.__dict__.get("backward")
        if backward is not None and not cls._builtin:  # a user's backward: check what it returns, as torch
            plain = backward.__func__ if isinstance(backward, staticmethod) else backward
            cls.backward = staticmethod(_checked_backward(plain))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if type(self)._forward_cls is type(self):  # the user's class itself, not one of its nodes (a subclass)
            warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                          "so you should invoke them on the class itself. Instantiating an autograd function will "
                          "raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __repr__(self) -> str:
        return object.__repr__(self) if type(self)._forward_cls is type(self) else super().__repr__()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """`MyFunction()(x)`, the style of torch before 0.4: torch refuses it. (A node, grad_fn, is no callable.)"""
        if type(self)._forward_cls is not type(self):
            raise TypeError(f"'{type(self).__name__}' object is not callable")
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. "
                           "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @_ForwardOnClassBackwardOnNode
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        if cls.setup_context is not _core.Function.setup_context:
            # forward(*args) style: as torch, fill in forward's defaults, so setup_context sees every input
            bound = _forward_signature(cls).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        elif kwargs:  # forward(ctx, *args) style: arguments given by name go to their places
            bound = _forward_signature(cls).bind(None, *args, **kwargs)
            args, kwargs = bound.args[1:], bound.kwargs
        transforms = _transforms.active()
        if transforms and not cls._builtin:
            _check_transformable(cls, transforms)
        if is_grad_enabled() or cls._builtin or _tangents_on():
            return super().apply(*args, **kwargs)
        ctx = cls.Node()  # no graph to record: forward alone, on a ctx kept to see what it marked dirty
        return ctx._own_outputs(args, ctx._run(args))

    def _connect(self, args: tuple, out: Any) -> Any:
        """torch checks what forward saved once the node is recorded (some input requires grad), and marks the
        outputs that share an input's memory as views it refuses to change in place (core/views.py)."""
        if self._saved and any(isinstance(a, Tensor) and a.requires_grad for a in args):
            for i, saved in enumerate(self._saved):
                if saved is not None and not isinstance(saved, Tensor):
                    raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                    f"{type_name(saved)}")
        out = super()._connect(args, out)
        if not self.edges:  # no input requires grad: no node
            return out if self._builtin else self._own_outputs(args, out)
        for nr, o in enumerate(out if isinstance(out, tuple) else (out,)):
            if getattr(o, "grad_fn", None) is self and not any(o is d for d in self._dirty):
                mark_custom_function_view(o, nr, self._forward_cls.__name__, args)
        return out

    def _own_outputs(self, args: tuple, out: Any) -> Any:
        """Outputs of a call that records no node, as torch hands them back: an input forward marked dirty is
        one version higher; one that requires grad comes back as a detached alias sharing its version counter
        (`detach()`), which a later in-place change may modify; one returned as-is, not dirty, as a view of it."""
        several = isinstance(out, tuple)
        owned = tuple(self._own_output(o, args) for o in (out if several else (out,)))
        return owned if several else owned[0]

    def _own_output(self, o: Any, args: tuple) -> Any:
        if o is None or not any(o is a for a in args):
            return o
        dirty = any(o is d for d in self._dirty)
        if dirty:
            o._version += 1
        return o.detach() if o.requires_grad else o if dirty else o.view_as(o)

    def mark_dirty(self, *tensors: Any) -> None:
        """Name the inputs forward changed in place (and returns): each comes back as itself, now made
        by this node, its version one higher; torch refuses a leaf that requires grad."""
        self._dirty = tensors

    def _claim_output(self, o: Any, nr: int, args: tuple) -> Any:
        if not any(o is d for d in self.__dict__.get("_dirty", ())):
            return super()._claim_output(o, nr, args)
        if o.grad_fn is None and o.requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        o._version += 1
        o._grad_fn, o._output_nr, o._requires_grad = self, nr, True
        return o


def _tangents_on() -> bool:
    """Forward-mode AD is on (a dual level is open): core Function.apply then runs the jvp path."""
    return SWITCHED_ON[0] > 0 and modes._dual_level is not None


def _backward_and_vjp(ctx: Any, *grads: Any) -> Any:
    """What runs as backward when a Function defines both names: torch refuses it when backward runs."""
    raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only "
                       "implement one of them.")


def _checked_backward(backward: Callable[..., Any]) -> Callable[..., Any]:
    """A user's backward, whose gradients must be Tensors or None, and None for an argument of forward
    that was not a Tensor (torch's errors). A wrong count is left to the engine, which torch checks first."""

    @functools.wraps(backward)
    def checked(ctx: Any, *grads: Any) -> Any:
        result = backward(ctx, *grads)
        edges = getattr(ctx, "edges", None)
        results = result if isinstance(result, tuple) else (result,)
        if edges is None or len(results) < len(edges) or any(r is not None for r in results[len(edges):]):
            return result
        for i, (grad, edge) in enumerate(zip(results, edges)):
            if grad is None:
                continue
            if edge is None:
                raise RuntimeError(f"function {ctx.name()} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
            if not isinstance(grad, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type_name(grad)})")
        return result

    checked.unchecked = backward  # type: ignore[attr-defined]  # (what a node's apply calls: see above)
    return checked


def _forward_signature(cls: type) -> inspect.Signature:
    """The signature of cls.forward, worked out once per class."""
    signature = cls.__dict__.get("_signature")
    if signature is None or signature[0] is not cls.forward:
        cls._signature = signature = (cls.forward, inspect.signature(cls.forward))
    return signature[1]


def _check_transformable(cls: type, transforms: tuple) -> None:
    if cls.setup_context is _core.Function.setup_context:
        raise RuntimeError("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, "
                           f"...), it must override the setup_context staticmethod. {_EXTENDING}")
    if "vmap" not in transforms:
        return
    has_rule = hasattr(cls, "vmap")
    if cls.generate_vmap_rule and has_rule:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True and an "
                           "overridden vmap staticmethod. Please set generate_vmap_rule=False or delete the overridden "
                           f"vmap staticmethod to avoid ambiguity. {_EXTENDING}")
    if not cls.generate_vmap_rule and not has_rule:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please override "
                           f"and implement the vmap staticmethod or set generate_vmap_rule=True. {_EXTENDING}")


class DelayedError(_core.Function):
    """Passes its inputs through; differentiating through it raises (torch's Error node)."""

    torch_name = "torch::autograd::Error"

    @staticmethod
    def forward(ctx, *tensors):
        outs = tuple(Tensor._make(t._data) for t in tensors)
        return outs if len(outs) > 1 else outs[0]

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(_TWICE)


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a custom Function's backward that autograd cannot record (numpy code, in-place tricks).

    It runs under no_grad. When a double backward could follow (grad mode on and an incoming gradient
    requires grad, as with `create_graph=True`), its results hang off an Error node instead, so the
    second backward raises "trying to differentiate twice ..." rather than giving wrong numbers."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        with no_grad():
            outputs = backward(ctx, *grads)
        if not is_grad_enabled() or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return outputs
        results = outputs if isinstance(outputs, tuple) else (outputs,)
        # The Error node needs inputs that require grad to be recorded: detached copies that do, as torch.
        present = [r.detach().requires_grad_() for r in results if r is not None]
        linked = DelayedError.apply(*present) if present else ()
        linked = iter(linked if isinstance(linked, tuple) else (linked,))
        results = tuple(None if r is None else next(linked) for r in results)
        return results if isinstance(outputs, tuple) else results[0]

    return wrapper
