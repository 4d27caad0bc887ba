"""`Function`: one differentiable operation, and the graph node it leaves behind.

Every op, built in or written by a user, is a subclass with two static methods, as in torch:

- `forward(ctx, *args)` computes the result from Tensors, with graph recording switched off;
- `backward(ctx, *grad_outputs)` returns one gradient per forward argument (None for arguments
  that are not Tensors or need no gradient). It is written with Tensor ops, so when backward runs
  with `create_graph=True` the gradients are themselves differentiable.

`Op.apply(*args)` runs forward and, when an input requires grad, makes `ctx` the `grad_fn` of the
outputs. The ctx object *is* the graph node: `ctx.edges` says where each input's gradient goes next,
either the node that made that input or, for a leaf, the leaf tensor itself.

An op may also state its forward-mode rule, `jvp(ctx, *tangents)`: see forward_mode.py.

Node names are torch's, and they belong to the surface, not the math: as in torch, the node is an
instance of a class made for the op and named as torch names it (`AddBackward0` for a built-in
`Add`, `MyFnBackward` for a user's `MyFn`), so `type(t.grad_fn).__name__` and `t.grad_fn.name()`
agree with torch. An op declares a name torch spells differently with the class attribute
`torch_name`, or, when the name depends on the arguments, with a static method
`node_name(*args)`; a public function built from smaller ops names its last node with `rename`.
No forward sets a name.
"""
from __future__ import annotations

import itertools
from typing import Any

from ..backend.errstate import ALL_QUIET, enter_all_quiet, leave_all_quiet, numpy_state
from .modes import SWITCHED_ON, modes
from .tensor import Tensor

# The nodes of torch's own that torch writes as Python autograd Functions: they print as a user's Function's do.
TORCH_PYTHON_NODES = frozenset({"BackwardHookFunctionBackward", "CheckpointFunctionBackward", "CompiledFunctionBackward"})

# Each node's number in the order the nodes were made (torch's sequence_nr). A node is made after the nodes
# that made its inputs, so the engine runs the node with the highest number first (engine.py's _propagate).
_next_seq_nr = itertools.count().__next__

# The edge of a Tensor argument that needs no gradient: torch's (None, 0) in `next_functions`.
NO_EDGE = (None, 0)
INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in "
    "autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
)

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


def _modified_message(t: Any, version: int) -> str:
    """torch's error for a saved tensor changed in place after it was saved."""
    made_by = ""
    if t.grad_fn is not None:  # torch names the op by its node name without "Backward0"; a changed view's
        op = "AsStrided" if t._base is not None else t.grad_fn.name().rstrip("0123456789").removesuffix("Backward")
        made_by = f", which is output {t._output_nr} of {op},"  # node is remade as AsStridedBackward0 on access
    return (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{t.type()} {list(t.shape)}]{made_by} is at version {t._version}; expected version {version} instead. "
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False)."
    )


class _SavedOutput:
    """A saved output of the node itself, kept as its array: a Tensor would point back at the
    node that owns it, a reference cycle. `saved_tensors` rebuilds the Tensor on demand (with
    the version counter, which in-place changes through the output's views also bump). Made by
    _keep_saved, which sets the four fields itself (no __init__ call: speed)."""

    __slots__ = ("array", "output_nr", "fw_grads", "counter")


class NodeClass(type):
    """`print(type(t.grad_fn))` as torch's: a built-in node's class without a module (`<class 'MulBackward0'>`),
    a user Function's node in torch.autograd.function; op classes as Python prints them."""

    def __repr__(cls) -> str:
        if cls.__dict__.get("_forward_cls", cls) is cls:  # an op class, not one of its node classes
            return super().__repr__()
        builtin = cls._builtin and cls.__name__ not in TORCH_PYTHON_NODES
        return f"<class '{'' if builtin else 'torch.autograd.function.'}{cls.__name__}'>"


class Function(metaclass=NodeClass):
    """Base class of differentiable operations; see the module docstring."""

    # Class-level defaults keep the per-op cost of building a node down to what an op sets.
    edges: tuple = ()
    input_meta: tuple = ()
    needs_input_grad: tuple = ()
    materialize_grads = True
    with_tangents = False  # forward runs for forward-mode AD too (its jvp rule will read what forward saved)
    _saved: tuple | None = ()
    _saved_versions: tuple = ()
    _non_differentiable: tuple = ()
    _dirty: tuple = ()  # inputs forward changed in place (mark_dirty, autograd/function.py)
    _retained: dict | None = None
    _hooks: dict | None = None  # output_nr -> hooks registered on that output tensor (register_hook)
    # apply's way while a dual level is on: forward_mode.py puts it here when imported (as whatever opens
    # a level does first), so forward-mode AD is outside the core a reader of backward() must read.
    _apply_with_tangents: Any = None
    # Declared names (see the module docstring): the node name torch shows when it is not
    # <ClassName>Backward0, or a function of the forward arguments that returns it.
    torch_name: str | None = None
    node_name: Any = None
    # Made for each op by __init_subclass__: the op class itself (`_forward_cls`, torch's name for
    # it on a node class), and the node class `apply` instantiates, a subclass of the op named as
    # torch names its node.
    _forward_cls: type
    Node: type

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_forward_cls" in cls.__dict__:  # one of the node classes made by node_class below
            return
        cls._forward_cls, cls._node_classes = cls, {}
        cls._forward_takes_ctx = cls.setup_context is Function.setup_context  # torch's older style
        # torch numbers its built-in nodes (TanhBackward0) but not those of user Functions (MyOpBackward).
        builtin = cls._builtin = cls.__module__.startswith("tinygrad_rnn.")
        cls.Node = cls.node_class(cls.torch_name or cls.__name__ + ("Backward0" if builtin else "Backward"))

    @classmethod
    def node_class(cls, name: str) -> type:
        """The subclass of this op named `name`, made once: what type(grad_fn) shows."""
        node = cls._node_classes.get(name)
        if node is None:
            node = cls._node_classes[name] = type(name, (cls,), {"_forward_cls": cls, "__module__": cls.__module__,
                                                                  "__qualname__": name})
        return node

    @staticmethod
    def forward(ctx: Function, *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Function, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    @staticmethod
    def jvp(ctx: Function, *tangents: Any) -> Any:
        """The forward-mode rule: one tangent per output, from one tangent per argument (forward_mode.py)."""
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with forward mode AD.")

    @staticmethod
    def setup_context(ctx: Function, inputs: tuple, output: Any) -> None:
        """torch's newer style: a `forward(*args)` without ctx, then this saves what backward needs."""
        raise NotImplementedError("setup_context is not implemented.")

    # ---------------------------------------------------------------- the ctx API of torch
    def save_for_backward(self, *tensors: Any) -> None:
        self._saved = tensors  # their versions are noted in _connect, only if the graph is recorded

    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None:
            raise RuntimeError(_FREED)
        if not self._saved_versions:  # not connected (yet), or packed by hooks (autograd/graph.py): no check
            return tuple(self._saved)
        out = ()
        for t, version in zip(self._saved, self._saved_versions):
            if version is not None:  # a tensor (None: a number)
                if type(t) is _SavedOutput:  # rebuilt as the tensor forward made (not one of inference_mode's)
                    saved, t = t, object.__new__(Tensor)
                    t._data, t._grad_fn, t._output_nr, t._requires_grad = saved.array, self, saved.output_nr, True
                    t._fw_grads, t._counter = saved.fw_grads, saved.counter
                if (0 if t._counter is None else t._counter[0]) != version:  # (t._version, without the call)
                    raise RuntimeError(_modified_message(t, version))
            out += (t,)
        return out

    def save_for_forward(self, *tensors: Any) -> None:
        """Keep tensors for the jvp rule, which then reads them as `ctx.saved_tensors`."""
        self._saved_for_forward = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value

    # ---------------------------------------------------------------- building the graph
    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run forward on `args` and, when grad mode is on and an input requires grad, record the node
        (_connect). numpy's float warnings are off meanwhile: torch computes inf - inf or 0 * inf silently."""
        ctx = cls.Node()
        # Forward-mode AD on: tangents ride along (forward_mode.py). (modes._dual_level is modes.dual_level without
        # the property's call, read only while some thread has a rare mode on: modes.py.)
        if SWITCHED_ON[0] and modes._dual_level is not None:
            return ctx._apply_with_tangents(ctx, args)
        if not modes.grad_enabled:  # no graph to record (no_grad, or a backward formula): forward alone
            if numpy_state() is ALL_QUIET:  # (a backward formula: the engine made numpy quiet for the pass)
                return ctx.forward(ctx, *args) if ctx._forward_takes_ctx else ctx._forward_then_setup(args)
            quiet = enter_all_quiet()
            try:
                return ctx.forward(ctx, *args) if ctx._forward_takes_ctx else ctx._forward_then_setup(args)
            finally:
                leave_all_quiet(quiet)
        quiet = enter_all_quiet()
        modes.grad_enabled = False  # ops inside forward record no graph of their own
        try:
            out = ctx.forward(ctx, *args) if ctx._forward_takes_ctx else ctx._forward_then_setup(args)
        finally:
            modes.grad_enabled = True
            leave_all_quiet(quiet)
        return ctx._connect(args, out)

    def _run(self, args: tuple) -> Any:
        """apply's work on a node already made (forward_mode.py makes it, to mark it first)."""
        quiet = enter_all_quiet()
        grad_was, modes.grad_enabled = modes.grad_enabled, False
        try:
            out = self.forward(self, *args) if self._forward_takes_ctx else self._forward_then_setup(args)
        finally:
            modes.grad_enabled = grad_was
            leave_all_quiet(quiet)
        return self._connect(args, out) if grad_was else out

    def _forward_then_setup(self, args: tuple) -> Any:
        """torch's newer style: forward(*args) without ctx, then setup_context(ctx, args, output)."""
        out = self.forward(*args)
        self.setup_context(self, args, out)
        return out

    def _connect(self, args: tuple, out: Any) -> Any:
        """When an input requires grad, record the edges to the inputs and make this node the
        grad_fn of the outputs.

        One entry per forward argument in `edges`, `input_meta` and `needs_input_grad`, so that
        entry i matches the i-th gradient backward returns. An edge is None for an argument that
        is not a Tensor and `NO_EDGE` for a Tensor that needs no gradient (torch's
        `next_functions` lists the second kind but not the first).
        """
        needs = edges = metas = ()  # (tuples grown by +=: for one or two arguments cheaper than lists made tuples)
        given = False  # forward returned an argument as it was given (then _claim_output makes it a new identity)
        for a in args:
            if not isinstance(a, Tensor):
                needs += (False,)
                edges += (None,)
                metas += (None,)
                continue
            if a is out:
                given = True
            if a._requires_grad:
                needs += (True,)
                edges += (((NO_EDGE if a._grad_cut else (a, 0)) if a._grad_fn is None else (a._grad_fn, a._output_nr)),)
                metas += ((a._data.shape, a._data.dtype),)  # what the engine fits a gradient to
            else:
                needs += (False,)
                edges += (NO_EDGE,)
                metas += (None,)
        if True not in needs:  # nothing to differentiate: no node
            return out
        self.needs_input_grad, self.edges, self.input_meta = needs, edges, metas
        self._seq_nr = _next_seq_nr()
        if self.node_name is not None:  # torch's name depends on the arguments (declared by the op)
            self.__class__ = self._forward_cls.node_class(self.node_name(*args))
        if SWITCHED_ON[0] and modes.anomaly_enabled:  # detect_anomaly(): remember where this op was called
            modes.anomaly_hooks.record_forward_stack(self)
        if given or type(out) is not Tensor or self._dirty or self._non_differentiable:
            several = isinstance(out, tuple)
            outputs = metas = ()  # (a loop, not generators: a fused RNN node has three outputs or more)
            for nr, o in enumerate(out if several else (out,)):
                o = self._claim_output(o, nr, args)
                outputs += (o,)
                metas += ((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None,)
            self.output_meta = metas
            out = outputs if several else outputs[0]
        else:  # _claim_output(out, 0, args) for the common case, one tensor that forward made: inline (speed)
            outputs, data = (out,), out._data
            if data.dtype.kind == "f":
                out._grad_fn, out._output_nr, out._requires_grad = self, 0, True
            self.output_meta = ((data.shape, data.dtype),)
        if self._saved:
            self._keep_saved(outputs)
        return out

    def _keep_saved(self, outputs: tuple) -> None:
        """Note the version of each saved tensor (an in-place change later is an error in backward),
        and keep a saved output as its array (see _SavedOutput). While saved-tensor hooks are on,
        autograd/graph.py wraps this method to pack what was saved (it reads `outputs`; the outputs
        are known here by their grad_fn, which _connect has just set)."""
        versions = saved = ()  # (grown by +=, as _connect's)
        tensors = False
        for s in self._saved:
            if isinstance(s, Tensor):
                tensors = True
                if s._inference:
                    raise RuntimeError(INFERENCE_SAVED)
                versions += (0 if s._counter is None else s._counter[0],)  # (s._version, without the call)
                if s._grad_fn is self:  # one of this node's outputs (_connect has just made them its own)
                    s._counter = s._counter or [0]  # (s._shared_counter(), inline)
                    kept = object.__new__(_SavedOutput)
                    kept.array, kept.output_nr, kept.fw_grads, kept.counter = s._data, s._output_nr, None, s._counter
                    s = kept
            else:
                versions += (None,)
            saved += (s,)
        if tensors:  # numbers alone have no version: saved_tensors returns them as saved
            self._saved_versions, self._saved = versions, saved

    def _claim_output(self, o: Any, nr: int, args: tuple) -> Any:
        """Make this node the grad_fn of output `nr` (unless it is an integer or non-differentiable one)."""
        if not isinstance(o, Tensor):
            return o
        for a in args:
            if o is a:  # forward returned an input unchanged: the output needs an identity of its own
                o = Tensor._make(o._data)
                break
        if o._data.dtype.kind == "f" and not (self._non_differentiable and any(o is n for n in self._non_differentiable)):
            o._grad_fn, o._output_nr, o._requires_grad = self, nr, True
        return o

    def name(self) -> str:
        return type(self).__name__  # the node class is named as torch names the node

    def __repr__(self) -> str:  # torch shows the node's Python type; user Functions' are in torch.autograd.function
        name = self.name()
        if self._builtin and name not in TORCH_PYTHON_NODES:
            return f"<{name.removeprefix('torch::autograd::')} object at {hex(id(self))}>"
        return f"<torch.autograd.function.{name} object at {hex(id(self))}>"


def rename(out: Any, torch_name: str) -> Any:
    """Give the node that made `out` the name torch shows for it (ops built from smaller ops
    would otherwise show their last step: a variance would print as DivBackward0)."""
    node = getattr(out, "grad_fn", None)
    if node is not None:
        node.__class__ = node._forward_cls.node_class(torch_name)
    return out
