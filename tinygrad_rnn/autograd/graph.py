"""torch.autograd.graph: look at the graph autograd records, and decide how it keeps what it saves.

    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x.pow(2)          # pack(x) runs now; the node keeps what pack returned
    y.sum().backward()        # unpack(that) runs now; backward uses the tensor it returns

    y.grad_fn._saved_self     # the tensor PowBackward0 saved (x itself), by torch's name for it
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: ...)   # hooks on a graph node

How it plugs into the core, which knows nothing of this module:

- Saving: while any `saved_tensors_hooks` is open, `Function._keep_saved` (where a node notes what
  its forward saved) is wrapped by `_keep_saved_and_pack`, which packs the saved tensors. With no
  hooks open the core runs its own method: the ops pay nothing.
- Unpacking: a node with packed tensors holds them in a `PackedSaved` instead of a tuple, and its
  `_saved_versions` is empty, so `ctx.saved_tensors` simply iterates it, which unpacks each one.
  (torch does not check the version of a tensor saved through hooks either.)
- Names: `grad_fn._saved_self` and `grad_fn._raw_saved_self` reach `saved_attribute` through a
  descriptor put on `Function` for each name torch uses (`SavedName`; `SAVED_NAMES` and `_SIZES` say
  which saved value torch calls what).
- Node hooks: `register_hook` / `register_prehook` move the node into a subclass of its class (same
  name) whose `backward` runs the hooks around the op's own backward; other nodes are untouched. A
  leaf's AccumulateGrad runs its hooks through the leaf's own hook lists.
- `register_multi_grad_hook` wraps the engine's pass (`engine._propagate`) only while such hooks
  exist, to learn which of their tensors the pass will reach.
- torch's view of the graph: `grad_fn.next_functions` (the core's `edges` as torch lists them) and
  a leaf's `AccumulateGrad` are defined here and attached to `Function`; the engine needs neither.
  A cast torch makes inside its kernels (ops/cast.py's `PromotionCast`: `float64 + float32`, `sum(dtype=)`)
  is a node for our engine but none in torch's view: next_functions shows the tensor it casts.

Also here: `allow_mutation_on_saved_tensors` (saved-tensor hooks that copy), `increment_version`,
`GradientEdge` / `get_gradient_edge`, and `RemovableHandle`, what node hooks return.
"""
from __future__ import annotations

import abc
import contextlib
import functools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..core import engine
from ..core.function import NO_EDGE, Function, _SavedOutput
from ..core.grad_mode import is_grad_enabled
from ..core.tensor import Tensor
from ..core.tensor import _HookHandle as _TensorHookHandle
from ..ops.promotion import check_shapes_broadcast

__all__ = ["GradientEdge", "Node", "RemovableHandle", "allow_mutation_on_saved_tensors", "disable_saved_tensors_hooks",
           "get_gradient_edge", "increment_version", "register_multi_grad_hook", "save_on_cpu", "saved_tensors_hooks"]


# ---------------------------------------------------------------------------- torch's view of the edges
# (the core's Function needs only `edges`; `next_functions` and a leaf's AccumulateGrad are torch's surface)
class _CppNodeClass(type):
    def __repr__(cls) -> str:  # print(type(node)): torch's C++ node classes have no module
        return f"<class '{cls.__name__}'>"


class AccumulateGrad(metaclass=_CppNodeClass):
    """What `next_functions` shows for a leaf: the node that adds into `leaf.grad`."""

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions = ()

    @staticmethod
    def of(leaf: Any) -> AccumulateGrad:
        """The leaf's node, made once: torch shows the same object each time."""
        node = leaf.__dict__.get("_accumulate_grad")
        if node is None:
            node = leaf._accumulate_grad = AccumulateGrad(leaf)
        return node

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"  # torch's name() of it, C++ namespace and all

    def __repr__(self) -> str:  # (the Blitz prints loss.grad_fn's chain down to a leaf)
        return f"<AccumulateGrad object at {hex(id(self))}>"


def _shown_edges(self: Function) -> list:
    """The edges torch lists in next_functions: one per Tensor argument (see shows_number_operands)."""
    shown = [e for e in self.edges if e is not None]
    if self.shows_number_operands:
        shown += [NO_EDGE] * (len(self.edges) - len(shown))
    return shown


def _next_functions(self: Function) -> tuple:
    """torch's view of the edges: (node, output_nr) pairs; a leaf shows as AccumulateGrad and a
    Tensor that needs no gradient as (None, 0)."""
    shown = self.__dict__.get("shown_edges")  # a composite op's inputs (ops/composite.py)
    shown = self._shown_edges() if shown is None else shown
    return tuple((AccumulateGrad.of(e[0]), 0) if isinstance(e[0], Tensor) else e for e in map(_through_casts, shown))


def _through_casts(edge: tuple) -> tuple:
    """The edge past the casts torch makes inside its kernels (ops/cast.py's PromotionCast): the casted tensor's."""
    while getattr(edge[0], "seen_through", False):
        edge = edge[0].edges[0]
    return edge


# ---------------------------------------------------------------------------- torch's names of saved tensors
# node name -> the tensors torch saves, in the order it packs them: (torch's name, our saved slot,
# the input that must need a gradient for torch to save it, or None: always saved).
SAVED_NAMES: dict[str, tuple] = {
    "MulBackward0": (("other", 1, 0), ("self", 0, 1)),
    "DivBackward0": (("other", 1, None), ("self", 0, 1)),
    "PowBackward0": (("self", 0, None), ("exponent", 1, None)),
    "PowBackward1": (("exponent", 1, None), ("self", 0, None)),
    "MmBackward0": (("mat2", 1, 0), ("self", 0, 1)),
    "BmmBackward0": (("mat2", 1, 0), ("self", 0, 1)),
    "AddmmBackward0": (("mat1", 0, 2), ("mat2", 1, 1)),  # (its inputs: bias, mat1, mat2)
    "DotBackward0": (("self", 0, 1), ("tensor", 1, 0)),
    "Exp2Backward0": (("result", 1, None),),  # (ours keeps its input too)
}
for _name in ("SinBackward0", "CosBackward0", "LogBackward0", "AbsBackward0", "TanBackward0", "Log2Backward0",
              "Log10Backward0", "Log1PBackward0", "AtanBackward0", "AsinBackward0", "AcosBackward0", "SinhBackward0",
              "CoshBackward0", "ErfBackward0", "SiluBackward0", "GeluBackward0", "SoftplusBackward0"):
    SAVED_NAMES[_name] = (("self", 0, None),)
for _name in ("ExpBackward0", "TanhBackward0", "SigmoidBackward0", "ReluBackward0", "SqrtBackward0", "RsqrtBackward0",
              "ReciprocalBackward0", "SoftmaxBackward0", "LogSoftmaxBackward0", "Expm1Backward0"):
    SAVED_NAMES[_name] = (("result", 0, None),)

# What torch saves besides tensors (an input's shape, a dim, alpha), from what our node keeps. Dims are
# the non-negative ones (torch shows a negative dim as 2**64 + dim).
def _input_shape(node: Function) -> tuple:
    return tuple(node.input_meta[0][0])


_SIZES: dict[str, dict[str, Callable]] = {
    "SumBackward0": {"self_sym_sizes": _input_shape},
    "MeanBackward0": {"self_sym_numel": lambda node: int(np.prod(_input_shape(node))), "self_sym_sizes": _input_shape},
    "SumBackward1": {"dim": lambda node: tuple(node.dims), "keepdim": lambda node: node.keepdim,
                     "self_sym_sizes": _input_shape},
    "MeanBackward1": {"dim": lambda node: tuple(node.dims), "keepdim": lambda node: node.keepdim,
                      "self_sym_numel": lambda node: int(np.prod(_input_shape(node))), "self_sym_sizes": _input_shape},
    "SoftmaxBackward0": {"dim": lambda node: node.dim},
    "LogSoftmaxBackward0": {"dim": lambda node: node.dim},
    "AddBackward0": {"alpha": lambda node: node.__dict__.get("alpha", 1)},
    "SubBackward0": {"alpha": lambda node: -node.__dict__["alpha"] if "alpha" in node.__dict__ else 1},  # (kept negated)
    "ViewBackward0": {"self_sym_sizes": _input_shape},
    "ExpandBackward0": {"self_sym_sizes": _input_shape},
}


def _other_saved(node: Function) -> dict:
    """The node's entries of _SIZES, computed; one this node cannot answer (a renamed composite that
    keeps other things) is left out, as for SAVED_NAMES."""
    values = {}
    for name, compute in _SIZES.get(node.name(), {}).items():
        try:
            values[name] = compute(node)
        except (AttributeError, KeyError, TypeError, IndexError):
            continue
    return values


_FREED_HINT = Function.saved_tensors.fget  # raises torch's "backward through the graph a second time" error


def _saved_names(node: Function) -> tuple:
    """The node's SAVED_NAMES entry, if what the node saved fits it: a slot for each name, holding an
    output for "result" and an input for the others. (A node may carry a name torch gives a different
    computation, e.g. addmm with alpha != 1, built from smaller ops and renamed: no entry then.)"""
    names = SAVED_NAMES.get(node.name(), ())
    entries = _entries(node)
    if entries is None:  # freed by backward: the names stay, as in torch
        return names
    for name, slot, _ in names:
        if slot >= len(entries) or (name == "result") != _is_output(entries[slot]):
            return ()
    return names


def _is_output(entry: Any) -> bool:
    return entry.is_output if isinstance(entry, _Packed) else isinstance(entry, _SavedOutput)


def _torch_slots(node: Function) -> list[tuple[str, int]] | None:
    """(name, our slot) of each tensor torch would have saved for this node, in its packing order;
    None for a node this table does not describe (then every saved tensor counts, in our order)."""
    names = _saved_names(node)
    if not names:
        return None
    needs = node.needs_input_grad
    return [(name, slot) for name, slot, needed_for in names
            if needed_for is None or (needed_for < len(needs) and needs[needed_for])]


class SavedName:
    """`grad_fn._saved_<name>` / `grad_fn._raw_saved_<name>` on every node: `saved_attribute(node, attribute)`.

    A descriptor on Function for each of torch's names rather than a `Function.__getattr__`: a class
    with `__getattr__` makes every attribute read of every node slower (Python cannot specialize the
    lookup), some 5% of an op's forward and backward. A value a forward stored under that name itself
    (`ctx._saved_self = x` in a user's Function) is kept on the node and read back as stored."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, node: Function | None, owner: type | None = None) -> Any:
        if node is None:
            return self
        own = node.__dict__
        return own[self.attribute] if self.attribute in own else saved_attribute(node, self.attribute)

    def __set__(self, node: Function, value: Any) -> None:
        node.__dict__[self.attribute] = value


def saved_attribute(node: Function, attribute: str) -> Any:
    """`node._saved_<name>` (the saved value, unpacked) or `node._raw_saved_<name>` (a SavedTensor)."""
    raw = attribute.startswith("_raw_saved_")
    name = attribute.removeprefix("_raw_saved_" if raw else "_saved_")
    others = _other_saved(node)
    if name in others and not raw:
        return others[name]
    spec = {n: slot for n, slot, _ in _saved_names(node)}
    if name not in spec:
        raise AttributeError(f"'{type(node).__name__}' object has no attribute '{attribute}'")
    slot = spec[name]
    if (name, slot) not in (_torch_slots(node) or ()):  # torch did not save it for these inputs
        return None
    if node._saved is None:
        if raw:
            return SavedTensor(node, slot)
        _FREED_HINT(node)
    if raw:
        return SavedTensor(node, slot) if _is_tensor_slot(_entries(node)[slot]) else None
    value = _unpack_slot(node, slot)
    if isinstance(value, float) and value.is_integer():  # a number operand: torch shows `x * 2`'s 2 as an int
        value = int(value)
    return value if name not in _WRAPPED_NUMBERS or isinstance(value, Tensor) else Tensor._make(np.asarray(value))


# torch saves a number operand of these as a 0-d tensor (its "wrapped number"); pow's exponent stays a number.
_WRAPPED_NUMBERS = ("other",)


def _entries(node: Function) -> Any:
    return node._saved.entries if isinstance(node._saved, PackedSaved) else node._saved


def _is_tensor_slot(entry: Any) -> bool:
    return isinstance(entry, (Tensor, _SavedOutput, _Packed))


def _unpack_slot(node: Function, slot: int) -> Any:
    """One saved value, as backward would read it (a number stays a number)."""
    saved = node._saved
    if isinstance(saved, PackedSaved):
        return saved.value(slot)
    if not node._saved_versions:
        return saved[slot]
    return node.saved_tensors[slot]  # (checks the version, as torch does on access)


class SavedTensor:
    """`grad_fn._raw_saved_self`: a handle on one saved tensor, to give it hooks of its own."""

    def __init__(self, node: Function, slot: int) -> None:
        self._node, self._slot = node, slot

    def register_hooks(self, pack_hook: Callable, unpack_hook: Callable) -> None:
        """Pack the saved tensor now; unpack it whenever it is read (by backward or `_saved_*`)."""
        node = self._node
        if node._saved is None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor after it has been freed. Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need "
                "to backward through the graph a second time or if you need to access saved variables after calling "
                "backward.")
        if not isinstance(node._saved, PackedSaved):
            node._saved, node._saved_versions = PackedSaved(node, list(node._saved), []), ()
        saved = node._saved
        if isinstance(saved.entries[self._slot], _Packed):
            raise RuntimeError("Calling register_hooks on a saved tensor whose hooks have already been set. "
                               "Hint: only one pair of hooks is allowed at a time.")
        # torch hands these hooks the saved data outside the graph (no requires_grad), unlike saved_tensors_hooks
        entry = saved.entries[self._slot]
        saved.entries[self._slot] = _pack(_plain(node, entry).detach(), pack_hook, unpack_hook, _is_output(entry))
        saved.order.append(self._slot)


# ---------------------------------------------------------------------------- packing and unpacking
class _Packed:
    """What pack returned for one saved tensor, and the unpack that turns it back into a tensor."""

    __slots__ = ("packed", "unpack_hook", "is_output", "shape")

    def __init__(self, packed: Any, unpack_hook: Callable, is_output: bool, shape: tuple) -> None:
        self.packed, self.unpack_hook, self.is_output, self.shape = packed, unpack_hook, is_output, shape

    def unpack(self) -> Tensor:
        t = self.unpack_hook(self.packed)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        # torch computes with whatever unpack gave, so a shape that does not broadcast with the saved one
        # fails in the backward formula; its broadcasting error, here, rather than numpy's from inside ours
        check_shapes_broadcast(self.shape, t._data.shape)
        return t


def _pack(t: Tensor, pack_hook: Callable, unpack_hook: Callable, is_output: bool) -> _Packed:
    version = t._version
    packed = pack_hook(t)
    if t._version != version:
        raise RuntimeError(
            "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook "
            "cannot be modified by in-place operations as this can lead to unexpected side-effects. Please open "
            "an issue if you need to perform in-place operations on the input to a pack hook.")
    return _Packed(packed, unpack_hook, is_output, t._data.shape)


def _plain(node: Function, entry: Any) -> Any:
    """A saved slot as a Tensor: a saved output is rebuilt as the core's `saved_tensors` does."""
    if isinstance(entry, _SavedOutput):
        t = Tensor._make(entry.array, node, entry.output_nr)
        t._fw_grads, t._counter = entry.fw_grads, entry.counter
        return t
    return entry


class PackedSaved:
    """A node's saved values when some went through pack hooks: iterating unpacks those, in the
    order they were packed (torch's order), and gives every value in the order forward saved them."""

    def __init__(self, node: Function, entries: list, order: list) -> None:
        self.node, self.entries, self.order = node, entries, order

    def value(self, slot: int) -> Any:
        entry = self.entries[slot]
        return entry.unpack() if isinstance(entry, _Packed) else _plain(self.node, entry)

    def __iter__(self) -> Any:
        unpacked = {slot: self.entries[slot].unpack() for slot in self.order}
        return iter([unpacked[slot] if slot in unpacked else _plain(self.node, entry)
                     for slot, entry in enumerate(self.entries)])

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, slot: int) -> Any:
        return self.value(slot)


class _HookStack(threading.local):
    stack: list = []  # (pack, unpack) pairs, innermost last
    disabled: str | None = None  # the message of the innermost disable_saved_tensors_hooks


_hooks = _HookStack()
_open_contexts = [0]  # how many saved_tensors_hooks are open, in all threads
_core_keep_saved = Function._keep_saved


def _keep_saved_and_pack(node: Function, outputs: tuple) -> None:
    """`Function._keep_saved` while hooks are open: note the versions as the core does, then pack
    what torch would save with this thread's innermost hooks."""
    _core_keep_saved(node, outputs)
    if not _hooks.stack:  # another thread's hooks are open, not this one's
        return
    if _hooks.disabled is not None:  # hooks are open, but a disable_saved_tensors_hooks inside them forbids them
        raise RuntimeError(_hooks.disabled)
    pack_hook, unpack_hook = _hooks.stack[-1]
    entries = list(node._saved)
    slots = _torch_slots(node)
    order = [slot for _, slot in slots] if slots is not None else range(len(entries))
    packed = [slot for slot in order if slot < len(entries) and _is_tensor_slot(entries[slot])]
    for slot in packed:  # (pack sees a saved output as the output tensor itself, as in torch)
        entry = entries[slot]
        t = outputs[entry.output_nr] if isinstance(entry, _SavedOutput) else entry
        entries[slot] = _pack(t, pack_hook, unpack_hook, isinstance(entry, _SavedOutput))
    node._saved, node._saved_versions = PackedSaved(node, entries, packed), ()


class saved_tensors_hooks:
    """Context manager: every tensor an op saves for backward inside it goes through
    `pack_hook(tensor)`, and backward reads `unpack_hook(packed)` instead (see the module docstring).
    The innermost pair applies; hooks are per thread, as in torch."""

    def __init__(self, pack_hook: Callable[[Tensor], Any], unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if _hooks.disabled is not None:
            raise RuntimeError(_hooks.disabled)
        _hooks.stack = [*_hooks.stack, (self.pack_hook, self.unpack_hook)]
        _open_contexts[0] += 1
        Function._keep_saved = _keep_saved_and_pack  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        _hooks.stack = _hooks.stack[:-1]
        _open_contexts[0] -= 1
        if not _open_contexts[0]:
            Function._keep_saved = _core_keep_saved  # type: ignore[method-assign]


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors on the CPU and bring them back to their device for backward. This package
    computes on the CPU only, so the saved tensors stay where they are."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: (t.device, t.cpu()), lambda packed: packed[1].to(packed[0]))


class disable_saved_tensors_hooks:
    """Context manager (or decorator): opening `saved_tensors_hooks` inside it raises RuntimeError
    with `error_message`."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        self.previous, _hooks.disabled = _hooks.disabled, self.error_message

    def __exit__(self, *exc: object) -> None:
        _hooks.disabled = self.previous

    def __call__(self, fn: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with disable_saved_tensors_hooks(self.error_message):
                return fn(*args, **kwargs)
        return wrapper


class _AllowMutationOnSavedContext:
    """The context of `allow_mutation_on_saved_tensors`: closed once its block is left."""

    closed = False


_mutation_contexts: list = []  # the open allow_mutation_on_saved_tensors block, if any


@contextlib.contextmanager
def allow_mutation_on_saved_tensors() -> Any:
    """Inside this block, a tensor saved for backward may be changed in place afterwards: backward uses
    the value it had when saved (and must run inside the block). Here every saved tensor is copied
    when saved; torch copies it only when it is changed, which gives the same gradients."""
    if _mutation_contexts:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()

    def unpack(copy: Tensor) -> Tensor:
        if ctx.closed:
            raise AssertionError("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
                                 "in which the graph was originally recorded.")  # (torch's text, space missing)
        return copy

    _mutation_contexts.append(ctx)
    try:
        with saved_tensors_hooks(lambda t: Tensor._make(t._data.copy()), unpack):
            yield ctx
    finally:
        ctx.closed = True
        _mutation_contexts.pop()


class GradientEdge(NamedTuple):
    """Where a tensor's gradient enters the graph: the node that made it (a leaf's AccumulateGrad) and
    which of its outputs. `torch.autograd.grad(outputs, edge)` gives the gradient arriving there."""

    node: Any
    output_nr: int
    ownership_token: Any = None


def get_gradient_edge(tensor: Tensor) -> GradientEdge:
    """The GradientEdge of a tensor that requires grad."""
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require gradients")
    if tensor.grad_fn is None:
        return GradientEdge(AccumulateGrad.of(tensor), 0)
    return GradientEdge(tensor.grad_fn, tensor._output_nr)


def edge_stand_in(edge: GradientEdge) -> Tensor:
    """A tensor whose gradient is the one arriving at `edge`, for the engine, which asks for tensors: a
    leaf's edge stands for the leaf; an op's, for a tensor made by that output of that node."""
    if isinstance(edge.node, AccumulateGrad):
        return edge.node.variable
    shape, np_dtype = edge.node.output_meta[edge.output_nr]
    return Tensor._make(np.zeros(shape, np_dtype), edge.node, edge.output_nr)


def increment_version(tensor: Tensor | Sequence[Tensor]) -> None:
    """Count an in-place change that autograd did not see (e.g. one made through `.data` or numpy)."""
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._version += 1


# ---------------------------------------------------------------------------- graph nodes and their hooks
class Node(abc.ABC):
    """What `tensor.grad_fn` is: a node of the graph (isinstance works for every op's node and for
    the AccumulateGrad of a leaf). Its API: `name()`, `next_functions`, `metadata`,
    `register_hook(fn(grad_inputs, grad_outputs))` and `register_prehook(fn(grad_outputs))`."""

    @classmethod
    def __subclasshook__(cls, other: type) -> bool:
        return issubclass(other, (Function, AccumulateGrad)) or NotImplemented

    @abc.abstractmethod
    def name(self) -> str:
        """The node's name, as torch spells it (`MulBackward0`)."""


class RemovableHandle(abc.ABC):  # noqa: B024  (an ABC for register(), not for abstract methods)
    """What `register_hook` on a node returns (torch.utils.hooks.RemovableHandle): `remove()`, or leaving a
    `with` block, removes the hook stored under its `id` from `hooks_dict` (and from each `extra_dict`).
    (An ABC only so that the other handles, of tensor and module hooks, count as RemovableHandles too.)

        hooks = collections.OrderedDict()
        handle = RemovableHandle(hooks)
        hooks[handle.id] = my_hook

    The handle holds the dicts weakly, as torch's does, so it never keeps an object's hooks alive."""

    next_id: int = 0  # shared by all handles, so ids never repeat

    def __init__(self, hooks_dict: Any, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        extras = [] if extra_dict is None else extra_dict if isinstance(extra_dict, list) else [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def remove(self) -> None:
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None and self.id in hooks:
                del hooks[self.id]

    def __getstate__(self) -> tuple:
        """The dicts themselves, not the weak references (which cannot be pickled): a deepcopy of a model
        that keeps a handle gets a handle to the copy's dicts, as in torch."""
        return self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref)

    def __setstate__(self, state: tuple) -> None:
        hooks, self.id = state[0], state[1]
        self.hooks_dict_ref = weakref.ref(OrderedDict() if hooks is None else hooks)  # None: a dead reference
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        extras = state[2] if len(state) > 2 and state[2] is not None else ()
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        """`print(handle)`: Python's default repr of torch's class (module hooks' handles print the same)."""
        ours = type(self).__module__.startswith(__package__.split(".")[0] + ".")
        path = "torch.utils.hooks.RemovableHandle" if ours else f"{type(self).__module__}.{type(self).__qualname__}"
        return f"<{path} object at {id(self):#x}>"


def _add_hook(hooks: OrderedDict, fn: Callable) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


def _hooked(node: Function) -> tuple[OrderedDict, OrderedDict]:
    """Move `node` into the subclass of its class that runs node hooks; its (prehooks, posthooks)."""
    cls = type(node)
    if "_node_prehooks" not in node.__dict__:
        if not getattr(cls, "_runs_node_hooks", False):
            cls = _hooked_classes.get(cls) or _hooked_classes.setdefault(cls, type(cls.__name__, (cls,), {
                "_forward_cls": cls._forward_cls, "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                "_runs_node_hooks": True, "_unhooked": cls, "backward": staticmethod(_backward_with_node_hooks),
                "materialize_grads": False}))  # (the hooks see None where no gradient came; see below)
            node.__class__ = cls
        node._node_prehooks, node._node_posthooks = OrderedDict(), OrderedDict()
    return node._node_prehooks, node._node_posthooks


_hooked_classes: dict[type, type] = {}


def _backward_with_node_hooks(node: Any, *grad_outputs: Any) -> Any:
    """The node's backward, between its pre-hooks (which may replace grad_outputs) and its hooks
    (which see grad_inputs, one per input torch lists in next_functions, and may replace them)."""
    for hook in list(node._node_prehooks.values()):
        grad_outputs = _checked(hook, hook(grad_outputs), grad_outputs)
    given = grad_outputs  # what the hooks see: None where no gradient came
    if node.__dict__.get("materialize_grads", node._unhooked.materialize_grads):  # what the engine would have done
        given = tuple(engine._zeros(meta) if g is None else g for g, meta in zip(grad_outputs, node.output_meta))
    result = node._unhooked.backward(node, *given)
    if not node._node_posthooks:
        return result
    result = list(result) if isinstance(result, tuple) else [result]
    shown = [i for i, e in enumerate(node.edges) if e is not None]  # torch lists the Tensor inputs
    numbers = len(node.edges) - len(shown) if node.shows_number_operands else 0  # ... and wrapped numbers
    grad_inputs = tuple(result[i] for i in shown) + (None,) * numbers
    for hook in list(node._node_posthooks.values()):
        new = _checked(hook, hook(grad_inputs, grad_outputs), grad_inputs)
        if new is not grad_inputs:
            grad_inputs = new
            for i, g in zip(shown, grad_inputs):
                result[i] = g
    return tuple(result)


def _checked(hook: Callable, new: Any, old: tuple) -> tuple:
    """What a node hook returned, checked as torch checks it (a tuple of as many gradients, each of its
    old size and type); `old` when it returned None."""
    if new is None:
        return old
    if not isinstance(new, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != len(old):
        name = getattr(hook, "__name__", type(hook).__name__)
        raise RuntimeError(f"hook '{name}' has returned an incorrect number of values (got {len(new)}, but "
                           f"expected {len(old)})")
    for g_new, g_old in zip(new, old):
        if g_new is not None and g_old is not None:
            engine.check_hook_result(hook, g_new, g_old)
    return new


def _register_node_hook(self: Function, fn: Callable) -> RemovableHandle:
    """Call `fn(grad_inputs, grad_outputs)` after this node's backward; a returned tuple replaces grad_inputs."""
    if "shown_edges" in self.__dict__:
        return _add_hook(_hooked(self)[1], _composite_hook(self, fn))
    return _add_hook(_hooked(self)[1], fn)


def _composite_input_grads(node: Function, grad_outputs: tuple, create_graph: bool) -> tuple:
    """The gradients of a composite op's inputs (None where one needs none), from its grad_outputs: a pass
    through the op's own nodes (ending at its inputs), keeping the graph for the main pass."""
    inputs = [None if e is NO_EDGE else e[0] if isinstance(e[0], Tensor) else edge_stand_in(GradientEdge(*e))
              for e in node.shown_edges]
    wanted = [t for t in inputs if t is not None]
    if not wanted:
        return (None,) * len(inputs)
    with _hooks_off(node, wanted):
        found = iter(engine.grad([edge_stand_in(GradientEdge(node, i)) for i in range(len(grad_outputs))], wanted,
                                 list(grad_outputs), retain_graph=True, create_graph=create_graph, allow_unused=True))
    return tuple(None if t is None else next(found) for t in inputs)


@contextlib.contextmanager
def _hooks_off(node: Function, inputs: list) -> Any:
    """Inside: the node runs without its node hooks and its output tensors' hooks, the leaf `inputs`
    without theirs (a pass made only to learn gradients must not call the user's hooks twice)."""
    cls, tensor_hooks = type(node), node._hooks
    leaf_hooks = {id(t): t.__dict__.pop("_hooks") for t in inputs if t.grad_fn is None and "_hooks" in t.__dict__}
    node.__class__, node._hooks = getattr(cls, "_unhooked", cls), None
    try:
        yield
    finally:
        node.__class__, node._hooks = cls, tensor_hooks
        for t in inputs:
            if id(t) in leaf_hooks:
                t._hooks = leaf_hooks[id(t)]


def _composite_hook(node: Function, fn: Callable) -> Callable:
    """A composite op (ops/composite.py) is several nodes and `node` is the last of them: when it has run,
    the gradients of the op's inputs are not known yet. So its hook works them out from the op's
    grad_outputs through the op's own nodes (autograd.grad, keeping the graph, with the user's hooks off),
    then calls `fn(grad_inputs, grad_outputs)`; the main pass then runs those nodes as usual. Replacing the
    gradients of the inputs is not built for such an op."""
    working_out = []  # non-empty while the inner pass runs: it passes this node too, and must not recurse

    def run(_: tuple, grad_outputs: tuple) -> None:
        if working_out:
            return
        working_out.append(True)
        try:
            grad_inputs = _composite_input_grads(node, grad_outputs, create_graph=False)
        finally:
            working_out.clear()
        if fn(grad_inputs, grad_outputs) is not None:
            raise NotImplementedError(f"a hook of {node.name()} returned new gradients for the op's inputs: not "
                                      "implemented in tinygrad_rnn for an op made of several graph nodes (return None, "
                                      "or replace the gradients with a hook on the input tensors)")
    return run


def _register_node_prehook(self: Function, fn: Callable) -> RemovableHandle:
    """Call `fn(grad_outputs)` before this node's backward; a returned tuple replaces grad_outputs."""
    return _add_hook(_hooked(self)[0], fn)


def _call_node(self: Function, *grad_outputs: Any) -> Any:
    """`grad_fn(*grad_outputs)`: run the node's backward by hand, as torch allows, recording a graph
    when grad mode is on; one gradient per input torch lists (a lone one is returned by itself), None
    for an input that needs none. As in torch, a broadcast input's gradient is not summed back here
    (the engine does that on the way to the input)."""
    if not self._builtin:
        raise TypeError(f"'{type(self).__name__}' object is not callable")  # (torch's user Function nodes are not)
    if "shown_edges" in self.__dict__:  # a composite op: this node is only its last one
        shown = _composite_input_grads(self, grad_outputs, create_graph=is_grad_enabled())
        return shown[0] if len(shown) == 1 else shown
    result = type(self).backward(self, *grad_outputs)
    result = result if isinstance(result, tuple) else (result,)
    shown = [result[i] if i < len(result) and meta is not None else None
             for i, (edge, meta) in enumerate(zip(self.edges, self.input_meta)) if edge is not None]
    if self.shows_number_operands:
        shown += [None] * (len(self.edges) - len(shown))
    return shown[0] if len(shown) == 1 else tuple(shown)


def _metadata(self: Any) -> dict:
    """A dict of the node's own, for whatever the user wants to keep with it (empty at first)."""
    return self.__dict__.setdefault("_metadata", {})


def _node_dir(self: Function) -> list[str]:
    """dir(grad_fn) lists torch's saved names (`_saved_self`, `_raw_saved_self`, ...), not ours."""
    names = [n for n in object.__dir__(self) if not n.startswith(("_saved", "_raw_saved_"))]
    for name, _, _ in _saved_names(self):
        names.append("_saved_" + name)
        if (self.name(), name) not in _NUMBERS:
            names.append("_raw_saved_" + name)
    for name in _other_saved(self):
        names.append("_saved_" + name)
    return sorted(names)


_NUMBERS = {("PowBackward0", "exponent")}  # a number, not a tensor: torch has no _raw_saved_ for it


# A leaf's AccumulateGrad: its pre-hooks run with the leaf's tensor hooks (after those registered
# before them), its hooks after the gradient is added into .grad, with ((), (that gradient,)). In torch
# they run only when AccumulateGrad runs; here autograd.grad() runs the pre-hooks too.
def _register_leaf_prehook(self: AccumulateGrad, fn: Callable) -> RemovableHandle:
    """Call `fn(grad_outputs)` before the gradient is added into the leaf's .grad; a returned tuple replaces it."""
    return _add_hook(_leaf_hooks(self)[0], fn)


def _register_leaf_hook(self: AccumulateGrad, fn: Callable) -> RemovableHandle:
    """Call `fn((), grad_outputs)` after the gradient is added into the leaf's .grad."""
    return _add_hook(_leaf_hooks(self)[1], fn)


def _leaf_hooks(node: AccumulateGrad) -> tuple[OrderedDict, OrderedDict]:
    """The node's (pre-hooks, hooks), put on its leaf's hook lists when first asked for."""
    if "_prehooks" not in node.__dict__:
        node._prehooks, node._posthooks, node._grad = OrderedDict(), OrderedDict(), None
        leaf = node.variable
        _add_runner(leaf, "_hooks", lambda g: _run_leaf_prehooks(node, g))
        _add_runner(leaf, "_post_accumulate_hooks", lambda t: _run_leaf_posthooks(node))
    return node._prehooks, node._posthooks


class _RunnerLast(list):
    """A leaf's list of tensor hooks (or post-accumulate hooks) whose last entry runs its AccumulateGrad's
    hooks: the hooks added later go before it, so the tensor's own hooks always run first, as in torch."""

    def append(self, hook: Callable) -> None:
        self.insert(len(self) - 1, hook)


def _add_runner(leaf: Tensor, attribute: str, runner: Callable) -> None:
    hooks = leaf.__dict__.get(attribute)
    if hooks is None:
        setattr(leaf, attribute, _RunnerLast([runner]))
    else:  # (its handles hold this list: keep it; hooks added to it later run after the runner)
        hooks.append(runner)


def _run_leaf_prehooks(node: Any, g: Tensor) -> Tensor:
    for hook in list(node._prehooks.values()):
        g, = _checked(hook, hook((g,)), (g,))
    node._grad = g  # what the hooks will see as grad_outputs
    return g


def _run_leaf_posthooks(node: Any) -> None:
    for hook in list(node._posthooks.values()):
        hook((), (node._grad,))
    node._grad = None


# ---------------------------------------------------------------------------- one hook for several tensors
class _Passes(threading.local):
    stack: list = []  # per running backward pass (innermost last): {multi-grad hook: its _PassState}


_passes = _Passes()
_multi_hooks: dict = {}  # the registered multi-grad hooks (as keys, in order)
_core_propagate = engine._propagate


class _PassState:
    """What one multi-grad hook saw in one backward pass."""

    def __init__(self, size: int, expected: set) -> None:
        self.grads: list = [None] * size
        self.waiting, self.fired = expected, False


class _MultiHandle:
    """`register_multi_grad_hook`: tensor hooks on each tensor that report to this object."""

    def __repr__(self) -> str:
        return f"<torch.autograd.graph._MultiHandle object at {id(self):#x}>"

    def __init__(self, tensors: Sequence[Tensor], fn: Callable, mode: str) -> None:
        self.tensors, self.fn, self.mode = tuple(tensors), fn, mode
        self.handles = [t.register_hook(functools.partial(self.arrived, i)) for i, t in enumerate(self.tensors)]

    def arrived(self, i: int, grad: Tensor) -> None:
        state = _passes.stack[-1].get(self) if _passes.stack else None
        if state is None or state.fired:
            return
        if self.mode == "any":
            state.fired = True
            self.fn(grad)
            return
        state.grads[i] = grad
        state.waiting.discard(i)
        if not state.waiting:  # the last gradient this pass computes for these tensors
            state.fired = True
            self.fn(state.grads)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()
        _multi_hooks.pop(self, None)
        if not _multi_hooks:
            engine._propagate = _core_propagate


def _propagate_with_multi_hooks(roots: Sequence[Any], root_grads: Sequence[Any], keep_graph: bool,
                                create_graph: bool, capture: dict | None) -> dict:
    """engine._propagate while multi-grad hooks are registered: first work out which of their tensors
    this pass will reach (torch's "will the engine execute this node"), then run the pass."""
    order = engine.topological_order([r.grad_fn for r in roots if r.grad_fn is not None])
    running = set(order) if capture is None else engine._leading_to(order, capture)
    reached_leaves = {id(e[0]) for node in running for e in node.edges if e is not None and isinstance(e[0], Tensor)}
    states = {}
    for hook in _multi_hooks:
        expected = {i for i, t in enumerate(hook.tensors) if _reached(t, order, running, reached_leaves, capture)}
        states[hook] = _PassState(len(hook.tensors), expected)
    _passes.stack = [*_passes.stack, states]
    try:
        return _core_propagate(roots, root_grads, keep_graph, create_graph, capture)
    finally:
        _passes.stack = _passes.stack[:-1]


def _reached(t: Tensor, order: list, running: set, reached_leaves: set, capture: dict | None) -> bool:
    """Whether this pass computes a gradient for t (and so runs t's hooks)."""
    if capture is not None and t._key() in capture:  # asked for: reached if anything sends it a gradient
        return id(t) in reached_leaves if t.grad_fn is None else t.grad_fn in order
    if t.grad_fn is None:
        return capture is None and id(t) in reached_leaves
    return t.grad_fn in running


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable, *, mode: str = "all") -> _MultiHandle:
    """Call `fn` once per backward pass for all of `tensors`: with mode "all", with the list of their
    gradients once the pass has computed all it will (None for a tensor it does not reach); with mode
    "any", with the first gradient the pass computes for one of them. `remove()` on the result unhooks."""
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    for t in tensors:
        if not t.requires_grad:
            raise AssertionError("Expected gradient function to be set")
    hook = _MultiHandle(tensors, fn, mode)
    _multi_hooks[hook] = None
    engine._propagate = _propagate_with_multi_hooks
    return hook


RemovableHandle.register(_TensorHookHandle)  # what Tensor.register_hook returns (core/tensor.py)


# Plugged into the core's Function here, as engine.py attaches Tensor.backward (see the module docstring).
Function.register_hook = _register_node_hook  # type: ignore[attr-defined]
Function.register_prehook = _register_node_prehook  # type: ignore[attr-defined]
Function.metadata = property(_metadata)  # type: ignore[attr-defined]
Function.__call__ = _call_node  # type: ignore[attr-defined]
for _name in {name for names in SAVED_NAMES.values() for name, _, _ in names}.union(*_SIZES.values()):
    for _attribute in ("_saved_" + _name, "_raw_saved_" + _name):
        setattr(Function, _attribute, SavedName(_attribute))
Function.__dir__ = _node_dir  # type: ignore[method-assign]
# torch wraps a Python number operand of +, -, * and / in a tensor, which next_functions then
# lists as (None, 0) after the tensor operand; ops that do so set this (ops whose edges torch shows
# otherwise override _shown_edges).
Function.shows_number_operands = False  # type: ignore[attr-defined]
Function._shown_edges = _shown_edges  # type: ignore[attr-defined]
Function.next_functions = property(_next_functions)  # type: ignore[attr-defined]
AccumulateGrad.register_hook = _register_leaf_hook  # type: ignore[attr-defined]
AccumulateGrad.register_prehook = _register_leaf_prehook  # type: ignore[attr-defined]
AccumulateGrad.metadata = property(_metadata)  # type: ignore[attr-defined]
