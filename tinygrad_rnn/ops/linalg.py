"""Matrix product with torch.matmul's rank rules: 1-D, 2-D, batched and broadcast batch dims."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..argcheck import NotAnOperand, int_list_arg, tensor_arg, type_name
from ..backend.blas_threads import SERIAL_WORK, blas_threads, threads_for
from ..core import dtypes
from ..core.forward_mode import given
from ..core.function import Function, rename
from ..core.modes import modes
from ..core.tensor import Tensor
from ..core.warn_once import warn_once
from .composite import composite
from .declare import Sample, op
from .mkl_dot import sdot_order
from .product_rule import with_missing_terms
from .promotion import check_broadcast as _check_broadcast
from .shape import normalize_dim


def product(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.matmul with the BLAS thread count that backend/blas_threads.py picks for its size: on a
    shared machine a threaded product collapses when another process holds a core."""
    if x.ndim == 2 and y.ndim == 2 and x.shape[1] == 1 and x.dtype.kind == "f":
        # torch's mm of an (m, 1) by a (1, n) matrix keeps each product's sign, -0.0 included (a batch of
        # one row gives a weight gradient of this kind); BLAS adds the products to +0.0 and loses it.
        return np.multiply(x, y)
    if x.ndim == 1 and y.ndim == 1 and x.dtype == y.dtype == np.float32:  # torch.dot: MKL's sdot order
        total = sdot_order(x, y, blas_threads())
        if total is not None:
            return np.asarray(total)
    n = y.shape[-1] if y.ndim > 1 else 1
    if x.size * n < SERIAL_WORK:  # (x.size is m * k) BLAS runs it on one thread whatever the setting: nothing to choose (speed)
        return np.matmul(x, y)
    with threads_for(math.prod(x.shape[:-1]), x.shape[-1], n):
        return np.matmul(x, y)


class MatMul(Function):
    @staticmethod
    def node_name(a, b):
        return _NODE_NAMES.get((a._data.ndim, b._data.ndim), "UnsafeViewBackward0")

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(*_saved_for_the_other(ctx, a, b))
        ctx.shapes = (a._data.shape, b._data.shape)
        return Tensor._make(product(a._data, b._data))  # (_make wraps the number a 1-D @ 1-D gives)

    @staticmethod
    def backward(ctx, g):
        # dA = G @ B^T and dB = A^T @ G; the engine sums broadcast batch dims away.
        a, b = ctx.saved_tensors
        if len(ctx.shapes[0]) == 1 or len(ctx.shapes[1]) == 1:
            return _vector_matmul_backward(ctx, a, b, g)
        return (MatMulNT.apply(g, b) if ctx.needs_input_grad[0] else None,
                MatMulTN.apply(a, g) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a b) = da b + a db
        a, b = ctx.saved_tensors
        return _sum_present((MatMul.apply(ta, b) if given(ta) else None, b), (MatMul.apply(a, tb) if given(tb) else None, a))


def _saved_for_the_other(ctx: Function, a: Tensor, b: Tensor) -> tuple:
    """What a product saves, as torch: each operand only for the other's gradient (an operand saved for nothing
    would make an in-place change to it, an optimizer step on a weight fed a constant input, an error in
    backward); both under forward-mode AD, whose rule reads both."""
    both = ctx.with_tangents
    return a if both or b._requires_grad else None, b if both or a._requires_grad else None


def _vector_matmul_backward(ctx: MatMul, a: Tensor | None, b: Tensor | None, g: Tensor) -> tuple:
    """MatMul's backward when an operand is 1-D: a 1-D `a` is a row (1, k), a 1-D `b` a column (k, 1)."""
    a_shape = (1,) + ctx.shapes[0] if len(ctx.shapes[0]) == 1 else ctx.shapes[0]
    b_shape = ctx.shapes[1] + (1,) if len(ctx.shapes[1]) == 1 else ctx.shapes[1]
    batch = np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    g2 = g.reshape(batch + (a_shape[-2], b_shape[-1]))
    ga = gb = None
    if ctx.needs_input_grad[0]:
        ga = MatMulNT.apply(g2, b.unsqueeze(-1) if b.ndim == 1 else b)
        ga = ga.squeeze(-2) if len(ctx.shapes[0]) == 1 else ga
    if ctx.needs_input_grad[1]:
        gb = MatMulTN.apply(a.unsqueeze(0) if a.ndim == 1 else a, g2)
        gb = gb.squeeze(-1) if len(ctx.shapes[1]) == 1 else gb
    return ga, gb


def _product_node_name(a: Tensor, b: Tensor) -> str:
    return "MmBackward0" if a._data.ndim == 2 and b._data.ndim == 2 else "ViewBackward0"  # as torch's


# The two products of matmul's backward, each one node (speed: no transpose node, no checks),
# like torch's mm(grad, mat2.t()). Their own backward is again these products, so higher
# derivatives come out right. Operands have at least 2 dims.
class MatMulNT(Function):
    """a @ b^T (b transposed in its last two dims)."""

    node_name = staticmethod(_product_node_name)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return Tensor._make(product(a._data, b._data.swapaxes(-1, -2)))

    @staticmethod
    def backward(ctx, g):  # c = a b^T: da = g b, db = g^T a
        a, b = ctx.saved_tensors
        return (MatMul.apply(g, b) if ctx.needs_input_grad[0] else None,
                MatMulTN.apply(g, a) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.saved_tensors
        return _sum_present((MatMulNT.apply(ta, b) if given(ta) else None, b), (MatMulNT.apply(a, tb) if given(tb) else None, a))


class MatMulTN(Function):
    """a^T @ b (a transposed in its last two dims)."""

    node_name = staticmethod(_product_node_name)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return Tensor._make(product(a._data.swapaxes(-1, -2), b._data))

    @staticmethod
    def backward(ctx, g):  # c = a^T b: da = b g^T, db = a g
        a, b = ctx.saved_tensors
        return (MatMulNT.apply(b, g) if ctx.needs_input_grad[0] else None,
                MatMul.apply(a, g) if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.saved_tensors
        return _sum_present((MatMulTN.apply(ta, b) if given(ta) else None, b), (MatMulTN.apply(a, tb) if given(tb) else None, a))


def _sum_present(*terms: tuple[Tensor | None, Tensor | None]) -> Tensor:
    """The sum of a jvp's terms, each given with the primal it multiplies (None for a term without
    one), leaving out those of operands without a tangent (forward_mode.given): a weight without one
    costs no product with zeros (in grad mode a zero term stands in for it, as in torch's graph:
    product_rule.py)."""
    present = [t for t, _ in terms if t is not None]
    total = present[0]
    for term in present[1:]:
        total = total + term
    return with_missing_terms(total, *[partner for t, partner in terms if t is None])


# torch picks a kernel by the operands' ranks, and its graph shows that kernel's node.
_NODE_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


def _fmt(shape: tuple) -> str:
    return "x".join(str(n) for n in shape)


_C_TYPE_NAMES = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
                 "Byte": "unsigned char", "Half": "c10::Half"}


def _c_name(t: Tensor) -> str:
    """A dtype as torch's C++ messages spell it: float, double, long int, c10::Half, ..."""
    return _C_TYPE_NAMES.get(t.dtype._legacy, t.dtype._legacy.lower())


def _same_dtype_as_input(message: str, input: Tensor, *operands: Tensor) -> None:
    """torch's addmm and addbmm want every operand in input's dtype; the message names the first that is not."""
    other = next((t for t in operands if t.dtype is not input.dtype), None)
    if other is not None:
        raise RuntimeError(message.format(input.dtype._legacy, other.dtype._legacy))


def check_matmul(a: Tensor, b: Tensor) -> None:
    """Raise torch's error for operands that cannot be multiplied."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.dtype is not b.dtype and a.ndim == 1 and b.ndim == 1:  # dot looks at the dtypes first
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {a.dtype._legacy} and "
                           f"{b.dtype._legacy}")
    if _folds_transposed(a, b):  # torch multiplies b's matrices, transposed and stacked, by a (transposed)
        rows = int(np.prod(b.shape[:-2])) * b.shape[-1]
        check_matmul(_stand_in(b, (rows, b.shape[-2])), _stand_in(a, a.shape[::-1]))
        return
    _check_matmul_shapes(a, b)
    if a.dtype is b.dtype or b.ndim > 2:  # batches of matrices: bmm's check, if its kernel runs (matmul)
        return
    if b.ndim == 1:  # a matrix (or a batch folded into one) times a vector
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {b.dtype._legacy}, "
                           f"{a.dtype._legacy}, and {b.dtype._legacy}")
    names = [_C_TYPE_NAMES.get(t.dtype._legacy, t.dtype._legacy.lower()) for t in (a, b)]
    raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {names[0]} != {names[1]}")


def _folds_transposed(a: Tensor, b: Tensor) -> bool:
    """Does torch compute a vector or matrix a @ a batch of matrices b as one product of b's matrices,
    transposed and stacked, by a? It does when a needs a gradient, or (for a vector) when stacking needs no
    copy: b empty or of matrices of one row (b taken as contiguous). Else it runs a batched product (bmm),
    which words its errors otherwise."""
    if a.ndim > 2 or b.ndim < 3:
        return False
    return a.requires_grad or (a.ndim == 1 and (b.numel() == 0 or b.shape[-2] == 1))


def _stand_in(t: Tensor, shape: tuple) -> Tensor:
    """A tensor of t's dtype and the given shape, for checks that read only shapes and dtypes (no memory)."""
    return Tensor._make(np.broadcast_to(np.empty((), t._data.dtype), shape))


def _check_matmul_shapes(a: Tensor, b: Tensor) -> None:
    """torch's error for operands of at least one dim whose sizes do not fit (it checks them before the dtypes)."""
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.ndim == 1 and b.ndim == 1 and k_a != k_b:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same number "
            f"of elements, but got {k_a} and {k_b} elements respectively"
        )
    if a.dtype.name == "bool" and a.ndim == 1 and b.ndim == 1:
        raise NotImplementedError('"dot" not implemented for \'Bool\'')
    if b.ndim == 1 and a.ndim >= 2 and k_a != k_b:  # torch folds a's batch dims into rows
        rows = int(np.prod(a.shape[:-1]))
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({k_b})")
    if k_a == k_b:
        return
    if b.ndim <= 2:  # torch folds a's batch dims into rows
        rows = int(np.prod(a.shape[:-1]))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {_fmt(b.shape)})")
    if a.ndim > 2 and b.ndim > 2:  # torch broadcasts the batch dims before it compares the matrices
        _check_broadcast(Tensor._make(np.empty(a.shape[:-2])), Tensor._make(np.empty(b.shape[:-2])))
    batch = b.shape[:-2] if a.ndim <= 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    expected = [int(np.prod(batch)), k_a]
    raise RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: {expected} but got: "
        f"{[int(np.prod(batch)), k_b]}."
    )


def _kernel_runs(a: Tensor, b: Tensor) -> bool:
    """Does torch's product kernel run? Only when the result has elements and the summed dim is not empty
    (else torch returns the empty result, or zeros, without looking at the dtypes)."""
    rows = a.shape[-2] if a.ndim > 1 else 1
    cols = b.shape[-1] if b.ndim > 1 else 1
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return bool(a.shape[-1] and int(np.prod(batch)) * rows * cols)


def _in_dtype_of_nothing(input: Tensor, dtype: dtypes.dtype) -> Tensor:
    """input in the dtype of the empty or zero product torch's bmm returns without computing (mat2's);
    recording a gradient for a result of a dtype that has none is autograd's error."""
    if input.requires_grad and modes.grad_enabled and not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"Autograd not support dtype: {dtype._legacy}")
    return input.to(dtype)


def _check_bool_product(a: Tensor, b: Tensor) -> None:
    """torch's CPU kernels have no bool matrix product (when they run at all)."""
    if _kernel_runs(a, b):
        rank = a.ndim if _folds_transposed(a, b) else b.ndim  # of what torch's kernel multiplies by
        kernel = {1: "addmv_impl_cpu", 2: "addmm_impl_cpu_"}.get(rank, "bmm")
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _arrays_of(*shapes: tuple) -> Any:
    """Samples: one standard-normal array per shape, for each row of shapes."""
    return lambda rng: [Sample(tuple(np.asarray(rng.standard_normal(s)) for s in row)) for row in shapes]


# Every pair of ranks torch's matmul tells apart (vector, matrix, batch; broadcast batch dims), with
# sizes 0 and 1.
@op(out=True, samples=_arrays_of(((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
                                 ((3,), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 2)), ((0, 3), (3, 2)), ((1, 1), (1, 0)),
                                 ((2, 0), (0, 3))))
def matmul(input: Tensor, other: Tensor) -> Tensor:
    if isinstance(other, Tensor):  # the common case first: two matrices of one dtype that fit (speed)
        a, b = input._data, other._data
        if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.shape[1] == b.shape[0] and a.dtype.kind != "b":
            return MatMul.apply(input, other)
    if not isinstance(other, Tensor):  # (NotAnOperand: the operator `t @ array` gives NotImplemented instead)
        raise NotAnOperand(other, f"matmul(): argument 'other' (position 2) must be Tensor, not {type_name(other)}")
    check_matmul(input, other)
    if input.ndim > 2 and other.ndim > 2:
        _check_broadcast(Tensor._make(np.empty(input.shape[:-2])), Tensor._make(np.empty(other.shape[:-2])))
    if input.dtype is dtypes.bool:
        _check_bool_product(input, other)
    if input.dtype is not other.dtype:  # other is a batch of matrices: torch's bmm refuses two dtypes if it runs,
        if _kernel_runs(input, other):  # else its empty or zero result has other's dtype
            raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {other.dtype._legacy}")
        input = _in_dtype_of_nothing(input, other.dtype)
    return MatMul.apply(input, other)


@op(out=True, samples=_arrays_of(((2, 3), (3, 4)), ((1, 1), (1, 1)), ((0, 3), (3, 2)), ((2, 0), (0, 3))))
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices (no broadcasting, no vectors: that is matmul)."""
    for name, t in (("self", input), ("mat2", mat2)):
        if isinstance(t, Tensor) and t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    return matmul(input, mat2)


@op(out=True, samples=_arrays_of(((2, 3), (3,)), ((1, 1), (1,)), ((0, 3), (3,)), ((2, 0), (0,))))
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """matrix @ vector, (n, m) @ (m,) -> (n,)."""
    if input.ndim == 0:  # torch reads the matrix's size first; a 0-d vector is the rank error below
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.dtype is not vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {vec.dtype._legacy}, "
                           f"{input.dtype._legacy}, and {vec.dtype._legacy}")
    return rename(matmul(input, vec), "MvBackward0")


@op(out=True, samples=_arrays_of(((3,), (3,)), ((1,), (1,)), ((0,), (0,))))
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two vectors of one dtype and length (no broadcasting)."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    return rename(matmul(input, tensor), "DotBackward0")


def _check_3d_batches(batch1: Tensor, batch2: Tensor) -> None:
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")


@op(out=True, samples=_arrays_of(((2, 3, 4), (2, 4, 5)), ((1, 1, 1), (1, 1, 1)), ((0, 2, 3), (0, 3, 2)),
                                 ((2, 1, 0), (2, 0, 3))))
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """matmul of two batches of matrices, (b, n, m) @ (b, m, p); no broadcasting, as in torch."""
    _check_3d_batches(input, mat2)
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    if input.shape[2] and input.shape[0] * input.shape[1] * mat2.shape[2]:  # torch's kernel runs: it checks dtypes
        if input.dtype is dtypes.bool:
            raise NotImplementedError('"bmm" not implemented for \'Bool\'')
        if input.dtype is not mat2.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {mat2.dtype._legacy}")
    elif input.dtype is not mat2.dtype:  # nothing to compute: torch's empty or zero result has mat2's dtype
        input = _in_dtype_of_nothing(input, mat2.dtype)
    return rename(MatMul.apply(input, mat2), "BmmBackward0")


@op(out=True, aliases=("ger",), samples=_arrays_of(((3,), (4,)), ((1,), (2,)), ((0,), (3,))))
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(-1, 1) * vec2  # torch's steps, so its nodes: ViewBackward0 into a MulBackward0


def _scaled_sum(input: Tensor, product: Tensor, beta: Any, alpha: Any) -> Tensor:
    """beta * input + alpha * product; beta = 0 ignores input entirely (even its NaNs), as torch.
    input must expand to the product's shape (torch expands it; it does not broadcast both ways)."""
    if input.shape != product.shape:
        input.detach().expand(product.shape)  # (for expand's errors only)
    result = dtypes.promote_types(input.dtype, product.dtype)  # (addr's float input over integer vectors)
    if product.dtype is not result:
        product = product.to(result)
    if result is dtypes.bool:  # torch's kernels take beta and alpha in the result's dtype
        beta, alpha = bool(beta), bool(alpha)
    elif not result.is_floating_point:  # (an int64 truncates them: beta = 1.7 is 1)
        beta, alpha = int(beta), int(alpha)
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # (input * 0 would keep its NaNs; `where` gives 0 and still input's zero gradient, as torch)
        nothing = Tensor._make(np.zeros(input.shape, dtype=bool))
        return scaled + (input.where(nothing, 0) if input.requires_grad else Tensor._make(np.zeros_like(input._data)))
    return (input if beta == 1 else input * beta) + scaled


@op(inplace=True, out=True, samples=_arrays_of(((3, 4), (3, 2), (2, 4)), ((4,), (3, 2), (2, 4)), ((1, 1), (2, 0), (0, 3))))
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2)."""
    check_addmm(input, mat1, mat2)
    if not mat1.shape[1]:  # nothing to multiply: torch scales input in place, in input's dtype
        _check_scale_of_input(input, (mat1.shape[0], mat2.shape[1]), beta)
    if beta == 1 and alpha == 1 and input.dtype in (dtypes.float32, dtypes.float64):
        return AddMm.apply(input, mat1, mat2)
    return composite(_scaled_sum(input, mm(mat1, mat2), beta, alpha), "AddmmBackward0", input, mat1, mat2)


def check_addmm(input: Tensor, mat1: Tensor, mat2: Tensor) -> None:
    """torch's checks of addmm, in its order: the dtypes, the ranks, the sizes, then input's expand.
    (On the arrays: every nn.Linear call runs them.)"""
    a, m1, m2 = input._data, mat1._data, mat2._data
    if a.dtype is m1.dtype is m2.dtype and m1.ndim == 2 and m2.ndim == 2 and m1.shape[1] == m2.shape[0] \
            and a.shape == m2.shape[1:]:  # (the typical call, a bias row of the matrices' dtype: nothing to report)
        return
    for name, t, array in (("self", input, a), ("mat1", mat1, m1)):
        if array.dtype != m2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {t.dtype._legacy} and "
                               f"{mat2.dtype._legacy}")
    for name, array in (("mat1", m1), ("mat2", m2)):
        if array.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {array.ndim}-D tensor")
    if m1.shape[1] != m2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_fmt(mat1.shape)} and {_fmt(mat2.shape)})")
    rows_by_columns = (m1.shape[0], m2.shape[1])
    if not (a.ndim <= 2 and all(s in (1, n) for s, n in zip(a.shape[::-1], rows_by_columns[::-1]))):
        input.detach().expand(rows_by_columns)  # expand's errors, as torch's


class AddMm(Function):
    """input + mat1 @ mat2 as one node, torch's AddmmBackward0 with its three edges: the addmm that
    every nn.Linear runs, as addmm(bias, x, W.t()). input expands to the product's shape; its
    gradient is the product's, which the engine sums back to input's shape."""

    torch_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, input, mat1, mat2):
        ctx.save_for_backward(*_saved_for_the_other(ctx, mat1, mat2))
        ctx.input_shape = input._data.shape
        return Tensor._make(np.add(product(mat1._data, mat2._data), input._data))

    @staticmethod
    def backward(ctx, g):  # d input = g, d mat1 = g mat2^T, d mat2 = mat1^T g
        mat1, mat2 = ctx.saved_tensors
        # (mat1^T g is computed as (g^T mat1)^T: mat2 is usually W.t(), and this way W's gradient
        # comes out of the product in W's own layout)
        return (_bias_grad(g, ctx.input_shape) if ctx.needs_input_grad[0] else None,
                MatMulNT.apply(g, mat2) if ctx.needs_input_grad[1] else None,
                MatMulTN.apply(g, mat1).t() if ctx.needs_input_grad[2] else None)

    @staticmethod
    def jvp(ctx, t_input, t_mat1, t_mat2):
        mat1, mat2 = ctx.saved_tensors
        rows_by_columns = (mat1.shape[0], mat2.shape[1])
        return _sum_present((t_input.expand(rows_by_columns) if given(t_input) else None, None),
                            (MatMul.apply(t_mat1, mat2) if given(t_mat1) else None, mat2),
                            (MatMul.apply(mat1, t_mat2) if given(t_mat2) else None, mat1))


def _bias_grad(g: Tensor, shape: tuple) -> Tensor:
    """addmm's gradient for a bias row, (n,) or (1, n): g summed over its rows here, with the float sum
    in torch's order (ops/summation.py), as torch's node does; any other shape is the engine's to sum.
    torch sums a (n,) bias's rows keeping the dim, then views it away: under create_graph its node shows."""
    if len(shape) == 1 and g.shape[1:] == shape:
        total = g.sum(0, keepdim=True)
        return total.view(shape) if modes.grad_enabled else Tensor._make(total._data.reshape(shape))
    if shape == (1,) + g.shape[1:]:
        return g.sum(0, keepdim=True)
    return g


@op(inplace=True, out=True, samples=_arrays_of(((3, 4), (2, 3, 5), (2, 5, 4)), ((3, 4), (1, 3, 2), (1, 2, 4))))
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (the sum over the batch of batch1[i] @ batch2[i]). torch checks input's expand
    to the result's shape (read off the batches before their checks), then the batches."""
    _expands_to(input, (batch1.size(1), batch2.size(2)))
    _check_addbmm_batches(batch1, batch2)
    if batch1.shape[0]:  # torch runs one addmm per batch: the first checks the dtypes
        _same_dtype_as_input("self and mat2 must have the same dtype, but got {} and {}", input, batch1, batch2)
    if not batch1.shape[0]:  # no batch: torch scales input in place, even an empty one
        _check_scale_of_input(input, (1,), beta)
    elif not batch1.shape[2]:  # nothing to multiply: each batch's addmm scales the result in place,
        for scale in (beta, 1) if batch1.shape[0] > 1 else (beta,):  # the first by beta, the others by 1
            _check_scale_of_input(input, (batch1.shape[1], batch2.shape[2]), scale)
    elif input.dtype is dtypes.bool and batch1.shape[1] * batch2.shape[2]:  # (its kernel's name, not bmm's)
        raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    out = _scaled_sum(input, bmm(batch1, batch2).sum(0), beta, alpha)
    out = out if out.dtype is input.dtype else out.to(input.dtype)  # (the batch sum of bools counts; no batch)
    return composite(out, "AddbmmBackward0", input, batch1, batch2)


def _check_addbmm_batches(batch1: Tensor, batch2: Tensor) -> None:
    """addbmm's own checks of its batches (after bmm's first, its messages differ): as many, matrices that
    multiply."""
    _check_3d_batches(batch1, batch2)
    if batch1.shape[0] != batch2.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                           f"{batch2.shape[0]}")
    if batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                           f"{batch2.shape[1]}x{batch2.shape[2]})")


def _expands_to(input: Tensor, shape: tuple) -> None:
    """expand's error, if input does not expand to the result's shape: torch checks that first."""
    if input.shape != shape:
        input.detach().expand(shape)


def _check_scale_of_input(input: Tensor, shape: tuple, beta: Any) -> None:
    """torch's error when addmm or addbmm, given nothing to multiply, scales input (copied to a result of
    `shape`; an empty one is left alone) by beta in place, and beta's type does not fit input's dtype (beta 0
    zeroes it instead)."""
    if not math.prod(shape) or isinstance(beta, Tensor) or beta == 0:
        return
    kind = dtypes.bool if isinstance(beta, bool) else dtypes.int64 if isinstance(beta, int) else dtypes.float32
    def category(d: dtypes.dtype) -> int:  # a Python number keeps a tensor's dtype within its category
        return 0 if d is dtypes.bool else 2 if d.is_floating_point else 1
    if category(kind) > category(input.dtype):
        raise RuntimeError(f"result type {kind._legacy} can't be cast to the desired output type {input.dtype._legacy}")


@op(inplace=True, out=True, samples=_arrays_of(((2, 3, 4), (2, 3, 5), (2, 5, 4)), ((3, 1), (1, 3, 2), (1, 2, 4))))
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (batch1 @ batch2), batch by batch. torch checks input's expand (to the shape read
    off the batches, before their own checks), then the dtypes, then the batches."""
    _expands_to(input, (batch1.size(0), batch1.size(1), batch2.size(2)))  # (read before the batches' checks)
    fit = batch1.ndim == batch2.ndim == 3 and batch1.shape[2] == batch2.shape[1] and batch1.shape[0] == batch2.shape[0]
    if input.dtype is not batch1.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_c_name(input)}, batch1: {_c_name(batch1)}, "
                           f"batch2: {_c_name(batch2)}")
    if fit and not batch1.shape[2]:  # nothing to multiply: torch scales input in place
        _check_scale_of_input(input, (batch1.shape[0], batch1.shape[1], batch2.shape[2]), beta)
    elif fit and input.dtype is dtypes.bool and batch1.shape[0] * batch1.shape[1] * batch2.shape[2]:
        raise NotImplementedError('"baddbmm" not implemented for \'Bool\'')  # (its kernel's name, not bmm's)
    return composite(_scaled_sum(input, bmm(batch1, batch2), beta, alpha), "BaddbmmBackward0", input, batch1, batch2)


@op(inplace_function=True, inplace=True, out=True, samples=_arrays_of(((3,), (3, 4), (4,)), ((1,), (2, 3), (3,))))
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat @ vec). torch checks the dims, then the sizes, then the dtypes."""
    if input.ndim > 1 or mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or input.numel() != 1 and input.shape != (mat.shape[0],):
        if not input.ndim:  # torch's message reads input's first size
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        raise RuntimeError(f"size mismatch, got input ({'x'.join(map(str, input.shape))}), mat "
                           f"({'x'.join(map(str, mat.shape))}), vec ({'x'.join(map(str, vec.shape))})")
    if len({input.dtype, mat.dtype, vec.dtype}) > 1:
        raise RuntimeError("addmv input tensors must have the same dtype, but got "
                           f"{input.dtype._legacy}, {mat.dtype._legacy}, and {vec.dtype._legacy}")
    return composite(_scaled_sum(input, mv(mat, vec), beta, alpha), "AddmvBackward0", input, mat, vec)


@op(inplace=True, out=True, samples=_arrays_of(((3, 4), (3,), (4,)), ((4,), (2,), (4,))))
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2)."""
    product = outer(vec1.detach(), vec2.detach())
    if input.shape != product.shape:
        input.detach().expand(product.shape)  # (for expand's errors, which come first)
    _check_addr_scales(dtypes.promote_types(input.dtype, product.dtype), beta=beta, alpha=alpha)
    return composite(_scaled_sum(input, outer(vec1, vec2), beta, alpha), "AddrBackward0", input, vec1, vec2)


def _check_addr_scales(result: dtypes.dtype, **scales: Any) -> None:
    """addr's checks of beta and alpha against its result's dtype (addmm and the rest truncate them instead):
    a bool scale only for a bool result, a float one only for a floating result."""
    for name, value in scales.items():
        kind = value.dtype if isinstance(value, Tensor) else dtypes.bool if isinstance(value, bool) else \
            dtypes.float64 if isinstance(value, float) else None
        if kind is dtypes.bool and result is not dtypes.bool:
            raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
        if kind is not None and kind.is_floating_point and not result.is_floating_point:
            raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")


@op(out=True, samples=_arrays_of(((3, 4), (2, 4)), ((4,), (4,)), ((2, 3, 4), (4,))))
def inner(input: Tensor, other: Tensor) -> Tensor:
    """The sum over the last dims of input and other of their products (a tensordot over one dim)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return rename(tensordot(input, other, ([-1], [-1])), "ViewBackward0")


@op(out=True, samples=_arrays_of(((2, 3), (4, 2)), ((3,), (2, 2)), ((2, 1, 2), (3, 2))))
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: every element of input times the whole of other, laid out in blocks."""
    tensor_arg("kron", "other", other, 2)
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    interleaved_a = a.reshape(tuple(d for size in a.shape for d in (size, 1)))  # (a0, 1, a1, 1, ...)
    interleaved_b = b.reshape(tuple(d for size in b.shape for d in (1, size)))  # (1, b0, 1, b1, ...)
    product = interleaved_a * interleaved_b
    return rename(product.reshape(tuple(x * y for x, y in zip(a.shape, b.shape))), "UnsafeViewBackward0")


@op(out=True, samples=_arrays_of(((3,), (3,)), ((1,), (1,)), ((0,), (0,))))
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two vectors (for real numbers, the same as dot)."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return rename(dot(input, other), "VdotBackward0")


def _tensordot_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample((x((2, 3, 4)), x((3, 4, 5)))), Sample((x((2, 3)), x((3, 4))), {"dims": 1}),
            Sample((x((2, 3, 4)), x((4, 2))), {"dims": ([0, -1], [1, 0])}), Sample((x((3,)), x((2,))), {"dims": 0}),
            Sample((x((0, 3)), x((3, 1))), {"dims": ([1], [0])})]


@op(method=False, samples=_tensordot_samples)  # out= is a parameter of torch's tensordot, not a keyword it adds
def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """Sum the products over dims of a and b: `dims` is a count (a's last n, b's first n) or two lists."""
    given_a, given_b = _contracted_dims(dims)
    for i, j in zip(given_a, given_b):  # the message names the dims as given
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[i]} in dim {i} "
                               f"and second has size {b.shape[j]} in dim {j}")
    dims_a = [d % a.ndim for d in given_a]
    dims_b = [d % b.ndim for d in given_b]
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = math.prod(a.shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape((math.prod(a.shape[d] for d in free_a), k))
    right = b.permute(dims_b + free_b).reshape((k, math.prod(b.shape[d] for d in free_b)))
    result = rename(matmul(left, right).reshape(tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)),
                    "ViewBackward0")
    return result if out is None else out.copy_(result)


def _contracted_dims(dims: Any) -> tuple[list, list]:
    """tensordot's dims as two lists of a's and b's dims, read as torch's Python tensordot reads them (a count, a
    pair of lists, or a tensor of either), then checked as its parser checks `dims_self` and `dims_other`."""
    if not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                           f"containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))  # a's last dims, counted from the end
    dims_a, dims_b = dims  # (not two of them: Python's ValueError, as torch's)
    return [list(int_list_arg("tensordot", name, d, position))
            for name, d, position in (("dims_self", dims_a, 3), ("dims_other", dims_b, 4))]


def _square_samples(rng: np.random.Generator) -> list[Sample]:
    return [Sample((rng.standard_normal((3, 3)) / 2, n)) for n in (2, 3, 1)]


@op(out=True, samples=_square_samples)
def matrix_power(input: Tensor, n: int) -> Tensor:
    """input @ input @ ... (n factors) by repeated squaring; n = 0 is the identity, n < 0 the inverse's power."""
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")
    if n == 0:
        eye = np.broadcast_to(np.eye(input.shape[-1], dtype=input._data.dtype), input.shape)
        return rename(input * 0 + Tensor._make(np.array(eye)), "torch::autograd::CopyBackwards")
    if n == 1:
        return input.clone()
    base = input if n > 0 else input.inverse()
    result, k = None, abs(n)
    while k:  # the binary digits of |n|, lowest first: multiply in base^(2^i) where the digit is 1
        if k & 1:
            result = base if result is None else matmul(result, base)
        k >>= 1
        if k:
            base = matmul(base, base)
    return result


def check_multi_dot(tensors: Any) -> None:
    """torch.linalg.multi_dot's checks, in its order: the first and last may be vectors, the rest are
    matrices, all of one dtype, and each neighbour pair can be multiplied."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        where = "the first tensor" if i == 0 else "the last tensor" if i == n - 1 else f"tensor {i}"
        allowed = (1, 2) if i in (0, n - 1) else (2,)
        if t.ndim not in allowed:
            wanted = "1D or 2D" if len(allowed) == 2 else "2D"
            raise RuntimeError(f"multi_dot(): {where} must be {wanted} but got {t.ndim}D")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{_c_name(tensors[0])} and tensor {i} {_c_name(t)}")
    for i in range(n - 1):
        a, b = tensors[i], tensors[i + 1]
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes {list(a.shape)} and "
                               f"{list(b.shape)} cannot be multiplied")


@op(method=False, samples=_arrays_of(((2, 3), (3, 4), (4, 2)), ((2, 3), (3, 1)), ((1, 1),), ((0, 2), (2, 3))))
def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """matrices[0] @ matrices[1] @ ...: torch's deprecated form of linalg.multi_dot, which warns once."""
    warn_once("chain_matmul", "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
              "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
              "multiple parameters. (Triggered internally at "
              "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:1102.)")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) > 1:
        check_multi_dot(matrices)
    result = matrices[0]
    for m in matrices[1:]:
        result = mm(result, m)
    result = rename(result, "ViewBackward0") if len(matrices) > 1 else result.clone()
    return result if out is None else out.copy_(result)


class LinalgCross(Function):
    """The cross product of 3-vectors along dim; d/da = b x g, d/db = g x a."""

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a, b)
        ctx.dim = dim
        return Tensor._make(np.asarray(np.cross(a._data, b._data, axis=dim)))

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return (LinalgCross.apply(b, g, ctx.dim) if ctx.needs_input_grad[0] else None,
                LinalgCross.apply(g, a, ctx.dim) if ctx.needs_input_grad[1] else None, None)

    @staticmethod
    def jvp(ctx, ta, tb, _):
        a, b = ctx.saved_tensors
        return LinalgCross.apply(ta, b, ctx.dim) + LinalgCross.apply(a, tb, ctx.dim)


@op(out=True, samples=lambda rng: [Sample((rng.standard_normal((4, 3)), rng.standard_normal((4, 3))), {"dim": 1}),
                                   Sample((rng.standard_normal((3, 2)), rng.standard_normal((3, 2)))),
                                   Sample((rng.standard_normal((2, 3)), rng.standard_normal((1, 3))), {"dim": -1})])
def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """The cross product along dim (by default, as torch, the first dim of size 3)."""
    if dim is None:
        dim = next((d for d, n in enumerate(np.broadcast_shapes(input.shape, other.shape)) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim)


def linalg_cross(input: Tensor, other: Tensor, dim: int = -1) -> Tensor:
    """torch.linalg.cross: the cross product along dim (default the last), inputs broadcast."""
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if not input.ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim)
    _check_broadcast(input, other)
    shape = np.broadcast_shapes(input.shape, other.shape)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    a, b = input.expand(shape), other.expand(shape)
    return composite(LinalgCross.apply(a, b, d), "LinalgCrossBackward0", input, other)  # (torch's kernel broadcasts)


class Trace(Function):
    """The sum of a matrix's diagonal; its gradient is g on the diagonal."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape, ctx.dtype = x.shape, x._data.dtype
        return Tensor._make(np.asarray(np.trace(x._data)))

    @staticmethod
    def backward(ctx, g):
        return g * Tensor._make(np.eye(*ctx.shape, dtype=ctx.dtype))

    @staticmethod
    def jvp(ctx, t):
        return Trace.apply(t)


@op(samples=_arrays_of(((3, 4),), ((1, 1),), ((0, 2),), ((4, 2),)))
def trace(input: Tensor) -> Tensor:
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is dtypes.bool:
        raise NotImplementedError('"trace" not implemented for \'Bool\'')
    x = input if input.dtype.is_floating_point or input.dtype.name == "int64" else input.long()
    return Trace.apply(x)


class Einsum(Function):
    """np.einsum for explicit equations 'ab,bc->ac' whose operands repeat no letter and agree on each
    letter's size (einsum() spells out '...', takes diagonals and broadcasts first).

    The gradient of operand k is an einsum of the upstream gradient with the other operands,
    written back to operand k's letters; letters that only operand k had were summed away, so
    their gradient is the same for every position (an expand).
    """

    @staticmethod
    def node_name(equation, *operands):
        """torch computes einsum with permute, sum, mul and bmm; its result's node is the last of them."""
        inputs, output = equation.split("->")
        summed = set(inputs) - set(output) - {","}
        if len(operands) == 1:
            return "SumBackward1" if summed else "PermuteBackward0"
        return "ViewBackward0" if summed else "MulBackward0"

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.equation = equation
        ctx.save_for_backward(*operands)
        return Tensor._make(np.asarray(np.einsum(equation, *(x._data for x in operands))))

    @staticmethod
    def backward(ctx, g):
        operands = ctx.saved_tensors
        inputs, output = ctx.equation.split("->")
        letters = inputs.split(",")
        grads = []
        for k, (mine, x) in enumerate(zip(letters, operands)):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            others = [(s, t) for j, (s, t) in enumerate(zip(letters, operands)) if j != k]
            known = set(output).union(*(set(s) for s, _ in others))
            kept = "".join(c for c in mine if c in known)
            spec = ",".join([output] + [s for s, _ in others]) + "->" + kept
            gk = Einsum.apply(spec, g, *(t for _, t in others))
            for i, c in enumerate(mine):
                if c not in known:
                    gk = gk.unsqueeze(i)
            grads.append(gk.expand(x.shape))
        return (None, *grads)

    @staticmethod
    def jvp(ctx, t_equation, *tangents):  # multilinear: one term per operand, its tangent in its place
        operands = ctx.saved_tensors
        terms = [Einsum.apply(ctx.equation, *operands[:k], t, *operands[k + 1:])
                 for k, t in enumerate(tangents) if given(t)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total


def _spell_out_ellipsis(subscripts: list, operands: tuple, output: str) -> tuple:
    """Each operand's '...' as letters of its own, right-aligned across the operands as broadcasting aligns
    dims ('...ij' of a 4-d operand -> 'ABij'); the output's '...' takes them all. Returns the subscripts,
    the output and the letters that stand for the ellipsis."""
    used = "".join(subscripts) + output
    if "..." not in used:
        return subscripts, output, ""
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    counts = [x.ndim - len(s.replace(".", "")) if "..." in s else 0 for s, x in zip(subscripts, operands)]
    letters = "".join(spare[:max(counts)])
    spelled = [s.replace("...", letters[len(letters) - n:]) for s, n in zip(subscripts, counts)]
    return spelled, output.replace("...", letters), letters


def _take_diagonals(subscripts: list, operands: tuple) -> tuple:
    """An operand whose letter repeats ('ii', 'iji') read along that diagonal: the letter once, last."""
    spelled, taken = [], []
    for k, (letters, x) in enumerate(zip(subscripts, operands)):
        while len(set(letters)) != len(letters):
            c = next(c for c in letters if letters.count(c) > 1)
            i, j = letters.index(c), letters.index(c, letters.index(c) + 1)
            if x.shape[i] != x.shape[j]:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{x.shape[j]} != {x.shape[i]}")
            x, letters = x.diagonal(0, i, j), letters[:i] + letters[i + 1:j] + letters[j + 1:] + c
        spelled.append(letters)
        taken.append(x)
    return spelled, tuple(taken)


def _check_letter_sizes(subscripts: list, operands: tuple, ellipsis: str) -> None:
    """torch's check that each letter has one size (or 1, which broadcasts) across the operands."""
    sizes: dict = {}
    for k, (letters, x) in enumerate(zip(subscripts, operands)):
        for c, n in zip(letters, x.shape):
            if sizes.setdefault(c, n) == n or 1 in (n, sizes[c]):
                sizes[c] = n if sizes[c] == 1 else sizes[c]
                continue
            if c in ellipsis:  # (torch's wording, its missing space included)
                raise RuntimeError(f"einsum(): dimension {ellipsis.index(c)} covered by ellipsis in operand {k}has "
                                   f"size {n} which does not broadcast with previously seen ellipsis with size "
                                   f"{sizes[c]} for the respective dimension")
            raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                               f"with previously seen size {sizes[c]}")


def _broadcast_letters(subscripts: list, operands: tuple) -> tuple:
    """Operands with a size-1 dim where another operand's letter is longer, expanded to that size (the
    expand's backward sums the gradient back), so np.einsum sees one size per letter."""
    sizes: dict = {}
    for letters, x in zip(subscripts, operands):
        for c, n in zip(letters, x.shape):
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
    return tuple(x.expand(*(sizes[c] for c in letters)) if any(sizes[c] != n for c, n in zip(letters, x.shape)) else x
                 for letters, x in zip(subscripts, operands))


def _explicit(equation: str) -> str:
    """Add the implicit output ('ij,jk' means 'ij,jk->ik': the letters seen once, sorted; '...' first)."""
    equation = equation.replace(" ", "")
    if "->" in equation:
        return equation
    inputs = equation.replace(",", "").replace(".", "")
    ellipsis = "..." if "..." in equation else ""  # its dims come first, then the letters seen once, sorted
    return equation + "->" + ellipsis + "".join(sorted(c for c in set(inputs) if inputs.count(c) == 1))


def _einsum_samples(rng: np.random.Generator) -> list[Sample]:
    x = rng.standard_normal
    return [Sample(("ij,jk->ik", x((2, 3)), x((3, 4)))), Sample(("bij,bjk", x((2, 3, 4)), x((2, 4, 1)))),
            Sample(("i,i->", x((3,)), x((3,)))), Sample(("ij->ji", x((0, 3)))), Sample(("i,j,k", x((2,)), x((1,)), x((3,)))),
            Sample(("...ij,...jk", x((2, 3, 4)), x((1, 4, 2)))), Sample(("b...,b->...", x((2, 3, 4)), x((2,)))),
            Sample(("ij,j", x((2, 1)), x((3,)))), Sample(("iji,j->i", x((2, 3, 2)), x((3,)))), Sample(("ii", x((3, 3))))]


@op(method=False, samples=_einsum_samples)
def einsum(equation: str | Tensor, *operands: Any) -> Tensor:
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(equation, Tensor):  # einsum(a, [0, 1], b, [1, 2], [0, 2]): operands with their dims as numbers
        equation, operands = _sublist_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for k, x in enumerate(operands):  # torch's argument parser, before the equation is read
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got {type_name(x)}")
    _check_equation_syntax(equation)
    equation = _explicit(equation)
    inputs, output = equation.split("->")
    subscripts = inputs.split(",")
    _check_einsum_operands(subscripts, operands, output)
    missing = next((c for c in output if c != "." and c not in inputs), None)
    if missing:
        raise RuntimeError(f"einsum(): output subscript {missing} does not appear in the equation for any input operand")
    subscripts, output, ellipsis = _spell_out_ellipsis(subscripts, operands, output)
    repeated = next((c for c in output if output.count(c) > 1), None)
    if repeated:
        raise RuntimeError(f"einsum(): output subscript {repeated} appears more than once in the output")
    subscripts, operands = _take_diagonals(subscripts, operands)
    _check_letter_sizes(subscripts, operands, ellipsis)
    equation = ",".join(subscripts) + "->" + output
    if all(x.dtype.is_floating_point for x in operands):
        return Einsum.apply(equation, *_broadcast_letters(subscripts, operands))
    result = _integer_einsum_dtype(subscripts, operands, output)  # (of the sizes before broadcasting: torch's steps)
    exact = result if result.is_floating_point else dtypes.int64  # integers counted exactly, then cast
    return Einsum.apply(equation, *_broadcast_letters(subscripts, tuple(x.to(exact) for x in operands))).to(result)


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """The equation and operands of einsum's sublist form: operand, its dims' numbers, ... and, when the
    count is odd, the output's numbers. Number n is a letter as torch spells it: 0-25 'A'-'Z', 26-51 'a'-'z'."""
    def letters(numbers: Any) -> str:
        return "".join("..." if n is Ellipsis else _subscript_letter(n) for n in numbers)

    equation = ",".join(letters(numbers) for numbers in args[1::2])
    if len(args) % 2:
        return equation + "->" + letters(args[-1]), args[:-1:2]
    return equation, args[::2]


def _subscript_letter(n: int) -> str:
    if not 0 <= n < 52:
        raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
    return chr(ord("A") + n) if n < 26 else chr(ord("a") + n - 26)


def _integer_einsum_dtype(subscripts: list, operands: tuple, output: str) -> Any:
    """The dtype torch's einsum gives integer or bool operands, or its error: it sums a letter away with `sum`
    (which makes any integer or bool int64), multiplies with `mul` (promotion) and contracts with `bmm` (one
    dtype, no bool). It first sums each operand's own letters (of size above 1 when there are several
    operands), then folds the operands left to right; at each step a letter no later operand nor the output
    has is contracted when both sides have it at size above 1, summed on the one side that has it otherwise
    (a contraction of nothing calls no bmm and takes the right side's dtype)."""
    summed = lambda d: d if d.is_floating_point else dtypes.int64  # noqa: E731  (sum's dtype)
    shapes = [dict(zip(letters, x.shape)) for letters, x in zip(subscripts, operands)]
    kinds = [x.dtype for x in operands]
    if len(operands) == 1:
        return summed(kinds[0]) if set(subscripts[0]) - set(output) else kinds[0]
    for k, shape in enumerate(shapes):
        others = set(output).union(*(s for j, s in enumerate(subscripts) if j != k))
        own = [c for c in shape if c not in others]
        if any(shape[c] != 1 for c in own):
            kinds[k] = summed(kinds[k])
        shapes[k] = {c: n for c, n in shape.items() if c not in own}
    left, kind = shapes[0], kinds[0]
    for k in range(1, len(operands)):
        right, other = shapes[k], kinds[k]
        later = set(output).union(*subscripts[k + 1:])
        contracted = False
        for c in set(left) | set(right):
            if c in later:
                continue
            a, b = left.get(c, 1), right.get(c, 1)
            contracted |= a != 1 and b != 1
            kind, other = (summed(kind) if a != 1 and b == 1 else kind), (summed(other) if b != 1 and a == 1 else other)
        if contracted and not (math.prod(left.values()) and math.prod(right.values())):
            kind = other  # a product of nothing calls no bmm: its zeros come in the right operand's dtype (measured)
        elif contracted:
            if kind is dtypes.bool:
                raise NotImplementedError('"bmm" not implemented for \'Bool\'')
            if kind is not other:
                raise RuntimeError(f"expected scalar type {kind._legacy} but found {other._legacy}")
        else:
            kind = dtypes.promote_types(kind, other)
        left = {c: n for c, n in {**left, **right}.items() if c in later}
    return kind


def _check_equation_syntax(equation: str) -> None:
    """torch's parse errors: a character other than a letter, ',', ' ' or a whole '...' on either side of the
    first '->' (its index counted in the equation as written), or a second '...' in one operand."""
    arrow = equation.find("->")
    sides = [(0, equation)] if arrow < 0 else [(0, equation[:arrow]), (arrow + 2, equation[arrow + 2:])]
    for side, (start, text) in enumerate(sides):
        for k, term in enumerate(text.split(",") if side == 0 else [text]):
            bad = next((i for i, c in enumerate(term) if not (c.isascii() and c.isalpha()) and c not in " ."), None)
            if bad is not None:
                raise RuntimeError(f"einsum(): invalid subscript given at index {start + bad} in the equation string, "
                                   "subscripts must be in [a-zA-Z]")
            if term.count("...") > 1 or "...." in term:  # (torch words the two sides' messages differently)
                raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) was already found" if side
                                   else f"einsum(): found '.' for operand {k} for which an ellipsis was already found")
            if term.count(".") != 3 * term.count("..."):
                where = f"operand {k}" if side == 0 else "output"
                raise RuntimeError(f"einsum(): found '.' for {where} that is not part of any ellipsis"
                                   + (" (...)" if side else ""))
            start += len(term) + 1


def _check_einsum_operands(subscripts: list, operands: tuple, output: str) -> None:
    """torch's errors for operands that do not fit the equation."""
    if len(operands) != len(subscripts):
        more = "more" if len(operands) > len(subscripts) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    for k, (letters, x) in enumerate(zip(subscripts, operands)):
        if "." in letters:
            named = len(letters.replace(".", ""))
            if named > x.ndim:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) is more than the "
                                   f"number of dimensions ({x.ndim}) for operand {k}")
            continue
        if len(letters) != x.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(letters)}) does not match "
                               f"the number of dimensions ({x.ndim}) for operand {k} and no ellipsis was given")
    if operands and all(x.dtype.is_floating_point for x in operands) \
            and any(x.dtype is not operands[0].dtype for x in operands):
        bad = next(x for x in operands if x.dtype is not operands[0].dtype)
        raise RuntimeError(f"expected scalar type {operands[0].dtype._legacy} but found {bad.dtype._legacy}")
