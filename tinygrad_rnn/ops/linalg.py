"""Matrix product with torch.matmul's rank rules: 1-D, 2-D, batched and broadcast batch dims."""
from __future__ import annotations

import math

import numpy as np

from ..backend.blas_threads import threads_for
from ..core.function import Function, rename
from ..core.tensor import Tensor
from .promotion import as_operand
from .promotion import check_broadcast as _check_broadcast


def product(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """np.matmul with the BLAS thread count that backend/blas_threads.py picks for its size: on a
    shared machine a threaded product collapses when another process holds a core."""
    with threads_for(math.prod(x.shape[:-1]), x.shape[-1], y.shape[-1] if y.ndim > 1 else 1):
        return np.matmul(x, y)


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.torch_name = _NODE_NAMES.get((a.ndim, b.ndim), "UnsafeViewBackward0")
        return Tensor._make(np.asarray(product(a._data, b._data)))

    @staticmethod
    def backward(ctx, g):
        # dA = G @ B^T and dB = A^T @ G; the engine sums broadcast batch dims away.
        a, b = ctx.saved_tensors
        if a._data.ndim == 1 or b._data.ndim == 1:
            return _vector_matmul_backward(ctx, a, b, g)
        return (MatMulNT.apply(g, b) if ctx.needs_input_grad[0] else None,
                MatMulTN.apply(a, g) if ctx.needs_input_grad[1] else None)


def _vector_matmul_backward(ctx: MatMul, a: Tensor, b: Tensor, g: Tensor) -> tuple:
    """MatMul's backward when an operand is 1-D: a 1-D `a` is a row (1, k), a 1-D `b` a column (k, 1)."""
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    g2 = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
    ga = gb = None
    if ctx.needs_input_grad[0]:
        ga = MatMulNT.apply(g2, b2)
        ga = ga.squeeze(-2) if a.ndim == 1 else ga
    if ctx.needs_input_grad[1]:
        gb = MatMulTN.apply(a2, g2)
        gb = gb.squeeze(-1) if b.ndim == 1 else gb
    return ga, gb


# The two products of matmul's backward, each one node (speed: no transpose node, no checks),
# like torch's mm(grad, mat2.t()). Their own backward is again these products, so higher
# derivatives come out right. Operands have at least 2 dims.
class MatMulNT(Function):
    """a @ b^T (b transposed in its last two dims)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.torch_name = _product_node_name(a, b)
        return Tensor._make(product(a._data, np.swapaxes(b._data, -1, -2)))

    @staticmethod
    def backward(ctx, g):  # c = a b^T: da = g b, db = g^T a
        a, b = ctx.saved_tensors
        return (MatMul.apply(g, b) if ctx.needs_input_grad[0] else None,
                MatMulTN.apply(g, a) if ctx.needs_input_grad[1] else None)


class MatMulTN(Function):
    """a^T @ b (a transposed in its last two dims)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.torch_name = _product_node_name(a, b)
        return Tensor._make(product(np.swapaxes(a._data, -1, -2), b._data))

    @staticmethod
    def backward(ctx, g):  # c = a^T b: da = b g^T, db = a g
        a, b = ctx.saved_tensors
        return (MatMulNT.apply(b, g) if ctx.needs_input_grad[0] else None,
                MatMul.apply(a, g) if ctx.needs_input_grad[1] else None)


def _product_node_name(a: Tensor, b: Tensor) -> str:
    return "MmBackward0" if a._data.ndim == 2 and b._data.ndim == 2 else "ViewBackward0"  # as torch's


# torch picks a kernel by the operands' ranks, and its graph shows that kernel's node.
_NODE_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


def _fmt(shape: tuple) -> str:
    return "x".join(str(n) for n in shape)


_C_TYPE_NAMES = {"Long": "long int", "Int": "int", "Short": "short int", "Char": "signed char",
                 "Byte": "unsigned char", "Half": "c10::Half"}


def check_matmul(a: Tensor, b: Tensor) -> None:
    """Raise torch's error for operands that cannot be multiplied."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.dtype is not b.dtype:
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {a.dtype._legacy} and "
                               f"{b.dtype._legacy}")
        names = [_C_TYPE_NAMES.get(t.dtype._legacy, t.dtype._legacy.lower()) for t in (a, b)]
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {names[0]} != {names[1]}")
    if a.dtype.name == "bool":  # torch's CPU kernels have no bool matrix product
        kernel = "dot" if a.ndim == 1 and b.ndim == 1 else "addmv_impl_cpu" if b.ndim == 1 else "addmm_impl_cpu_"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    k_a, k_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.ndim == 1 and b.ndim == 1 and k_a != k_b:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same number "
            f"of elements, but got {k_a} and {k_b} elements respectively"
        )
    if b.ndim == 1 and a.ndim == 2 and k_a != k_b:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({_fmt(a.shape)}), vec ({k_b})")
    if k_a == k_b:
        return
    if b.ndim <= 2:  # torch folds a's batch dims into rows
        rows = int(np.prod(a.shape[:-1]))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {_fmt(b.shape)})")
    batch = b.shape[:-2] if a.ndim <= 2 else np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    expected = [int(np.prod(batch)), k_a]
    raise RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: {expected} but got: "
        f"{[int(np.prod(batch)), k_b]}."
    )


def matmul(input: Tensor, other: Tensor) -> Tensor:
    if isinstance(other, Tensor):  # the common case first: two matrices of one dtype that fit (speed)
        a, b = input._data, other._data
        if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.shape[1] == b.shape[0] and a.dtype.kind != "b":
            return MatMul.apply(input, other)
    other = as_operand(other)
    check_matmul(input, other)
    if input.ndim > 2 and other.ndim > 2:
        _check_broadcast(Tensor._make(np.empty(input.shape[:-2])), Tensor._make(np.empty(other.shape[:-2])))
    return MatMul.apply(input, other)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices (no broadcasting, no vectors: that is matmul)."""
    for name, t in (("self", input), ("mat2", mat2)):
        if isinstance(t, Tensor) and t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    return matmul(input, mat2)


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


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two vectors of one dtype and length (no broadcasting)."""
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    return rename(matmul(input, tensor), "DotBackward0")


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """matmul of two batches of matrices, (b, n, m) @ (b, m, p); no broadcasting, as in torch."""
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if mat2.shape[:2] != (input.shape[0], input.shape[2]):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    return rename(MatMul.apply(input, mat2), "BmmBackward0")


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2)."""
    product = matmul(mat1, mat2)
    out = (input if beta == 1 else input * beta) + (product if alpha == 1 else product * alpha)
    return rename(out, "AddmmBackward0")


class Einsum(Function):
    """np.einsum for explicit equations 'ab,bc->ac' whose operands repeat no letter.

    The gradient of operand k is an einsum of the upstream gradient with the other operands,
    written back to operand k's letters; letters that only operand k had were summed away, so
    their gradient is the same for every position (an expand).
    """

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


def _explicit(equation: str) -> str:
    """Add the implicit output ('ij,jk' means 'ij,jk->ik': the letters seen once, sorted)."""
    equation = equation.replace(" ", "")
    if "->" in equation:
        return equation
    inputs = equation.replace(",", "")
    return equation + "->" + "".join(sorted(c for c in set(inputs) if inputs.count(c) == 1))


def einsum(equation: str, *operands: Tensor) -> Tensor:
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation = _explicit(equation)
    inputs, output = equation.split("->")
    _check_einsum_operands(inputs.split(","), operands)
    if "." in equation or any(len(set(s)) != len(s) for s in inputs.split(",") + [output]):
        raise NotImplementedError("einsum: '...' and repeated letters in one operand are not supported")
    return Einsum.apply(equation, *operands)


def _check_einsum_operands(subscripts: list, operands: tuple) -> None:
    """torch's errors for operands that do not fit the equation."""
    if len(operands) != len(subscripts):
        more = "more" if len(operands) > len(subscripts) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation")
    sizes: dict = {}
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
        for c, n in zip(letters, x.shape):
            if sizes.setdefault(c, n) != n and 1 not in (n, sizes[c]):
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {k} which does not broadcast "
                                   f"with previously seen size {sizes[c]}")
    if operands and any(x.dtype is not operands[0].dtype for x in operands):
        bad = next(x for x in operands if x.dtype is not operands[0].dtype)
        raise RuntimeError(f"expected scalar type {operands[0].dtype._legacy} but found {bad.dtype._legacy}")
