"""The least Python a reverse-mode autograd on numpy has to run: the floor of bench_ops.py's per-op cases.

bench_ops.py times the framework's bookkeeping per op on 2x2 tensors. To say whether Python itself
stops the per-op targets of issue 15, this module is timed beside ours and torch's: an autograd cut
to what every design must do, and nothing more:

- forward: one numpy call, one object holding the result, its parents and a closure for backward;
- backward(): order the graph depth-first, seed the gradient with ones, and per node call its
  closure (the derivative's numpy calls) and add what it returns into a dict of gradients; a leaf
  keeps its gradient in `.grad`.

No dtype rules, no broadcasting of gradients, no version counters, no hooks, no grad mode, no
error checks: it only runs the chains bench_ops.py times (add, matmul, tanh, multiply by a number,
sum). So its time is a lower bound for any Python autograd, not a design to copy.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class Tensor:
    __slots__ = ("data", "grad", "parents", "derivative")

    def __init__(self, data: np.ndarray, parents: tuple = (), derivative: Callable | None = None) -> None:
        self.data, self.grad, self.parents, self.derivative = data, None, parents, derivative

    def __add__(self, other: Tensor) -> Tensor:
        return Tensor(self.data + other.data, (self, other), lambda g: (g, g))

    def __matmul__(self, other: Tensor) -> Tensor:
        a, b = self.data, other.data
        return Tensor(a @ b, (self, other), lambda g: (g @ b.T, a.T @ g))

    def __mul__(self, number: float) -> Tensor:
        number = self.data.dtype.type(number)
        return Tensor(self.data * number, (self,), lambda g: (g * number,))

    def tanh(self) -> Tensor:
        y = np.tanh(self.data)
        return Tensor(y, (self,), lambda g: (g * (1 - y * y),))

    def sum(self) -> Tensor:
        shape = self.data.shape
        return Tensor(self.data.sum(), (self,), lambda g: (np.broadcast_to(g, shape),))

    def backward(self) -> None:
        grads = {id(self): np.ones_like(self.data)}
        for node in reversed(_depth_first(self)):
            g = grads.pop(id(node))
            if node.derivative is None:  # a leaf
                node.grad = g if node.grad is None else node.grad + g
                continue
            for parent, pg in zip(node.parents, node.derivative(g)):
                key = id(parent)
                grads[key] = grads[key] + pg if key in grads else pg


def _depth_first(root: Tensor) -> list:
    """Every node reachable from root, each after its parents."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def tensor(data: Any, requires_grad: bool = False) -> Tensor:
    """A leaf (every leaf here collects a gradient: requires_grad is accepted for bench_ops' calls)."""
    return Tensor(np.array(data))
