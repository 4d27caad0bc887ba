"""Whether operations record the graph: `no_grad`, `enable_grad`, `set_grad_enabled`.

One switch per thread (`modes.grad_enabled`, see modes.py), read by `Function.apply` on every op.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from .modes import modes, switch_rare

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    return modes.grad_enabled


class _GradModeClass(type):
    """print(torch.no_grad): torch's class path; a user's subclass prints as Python prints it."""

    def __repr__(cls) -> str:
        module = "torch.autograd.grad_mode" if cls.__module__ == __name__ else cls.__module__
        return f"<class '{module}.{cls.__qualname__}'>"


class set_grad_enabled(metaclass=_GradModeClass):
    """Turn graph recording on or off: at once when called, and back on exit as a context manager."""

    def __init__(self, mode: bool) -> None:
        if type(mode) is not bool:  # torch's parser takes a Python bool only: not 0, None or a tensor
            kind = type(mode)
            name = f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not {name}")
        self.prev, self.mode = modes.grad_enabled, mode
        modes.grad_enabled = mode

    def __repr__(self) -> str:  # (what a notebook shows after `torch.set_grad_enabled(False)` on a line)
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        modes.grad_enabled = self.prev

    def __call__(self, fn: F) -> F:
        """As a decorator: undo the switch made at decoration time, apply it on each call."""
        mode, modes.grad_enabled = modes.grad_enabled, self.prev
        return _decorated(fn, lambda: set_grad_enabled(mode))


def _decorated(fn: F, context: Callable[[], Any]) -> F:
    """fn run within a fresh context(); a generator function within it at every step it takes (between
    its yields the caller's mode holds), as torch's decorators do."""
    if inspect.isgeneratorfunction(fn):
        return _decorated_generator(fn, context)  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with context():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _decorated_generator(fn: Callable[..., Any], context: Callable[[], Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def generator(*args: Any, **kwargs: Any) -> Any:
        inner = fn(*args, **kwargs)
        try:
            with context():
                response = inner.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with context():
                        inner.close()
                    raise
                except BaseException as exc:
                    with context():
                        response = inner.throw(exc)
                else:
                    with context():
                        response = inner.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class _GradModeContext(metaclass=_GradModeClass):
    """Base of `no_grad` and `enable_grad`: a context manager that also works as a decorator, with or
    without its parentheses (`@torch.no_grad` is `@torch.no_grad()`, as in torch)."""

    mode = True

    def __new__(cls, orig_func: Callable[..., Any] | None = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)

    def __init__(self, orig_func: Callable[..., Any] | None = None) -> None:
        pass

    def __enter__(self) -> None:
        self.prev = modes.grad_enabled
        modes.grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        modes.grad_enabled = self.prev

    def __call__(self, fn: F) -> F:
        return _decorated(fn, self._clone)  # a fresh context per call, with this one's settings

    def _clone(self) -> Any:
        return type(self)()

    def __repr__(self) -> str:
        """`print(torch.no_grad())`: Python's default repr, at the path torch's class has."""
        kind = type(self)
        ours = kind.__module__ == __name__
        return f"<{'torch.autograd.grad_mode' if ours else kind.__module__}.{kind.__qualname__} object at {id(self):#x}>"


class no_grad(_GradModeContext):
    """Within it, results do not require grad and no graph is kept (inference, weight updates)."""

    mode = False


class enable_grad(_GradModeContext):
    """Turn recording back on inside a `no_grad` block."""

    mode = True


class inference_mode(no_grad):
    """torch's faster `no_grad`: no graph, and the tensors made inside are inference tensors, which autograd
    refuses to save and in-place ops outside the mode refuse to change (core/tensor.py, views.py).
    `@torch.inference_mode` without parentheses decorates too, as torch's."""

    def __new__(cls, mode: Any = True) -> Any:
        if mode is None or isinstance(mode, bool):
            return object.__new__(cls)
        return cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode
        self.inference = mode

    def _clone(self) -> Any:
        return inference_mode(self.inference)

    def __enter__(self) -> None:
        super().__enter__()
        self.prev_inference = modes.inference_enabled
        switch_rare("inference_enabled", self.inference)

    def __exit__(self, *exc: object) -> None:
        super().__exit__()
        switch_rare("inference_enabled", self.prev_inference)


def is_inference_mode_enabled() -> bool:
    return modes.inference_enabled
