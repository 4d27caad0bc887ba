"""Fuzzed inputs for benchmarks: random sizes, strides and layouts, the same for a seed as torch's.

    >>> import tinygrad_rnn as torch
    >>> from tinygrad_rnn.utils import benchmark
    >>> fuzzer = benchmark.Fuzzer(parameters=[benchmark.FuzzedParameter("n", 1, 64, distribution="loguniform")],
    ...                           tensors=[benchmark.FuzzedTensor("x", size=("n", 4))], seed=0)
    >>> [tuple(tensors["x"].shape) for tensors, _, _ in fuzzer.take(3)]
    [(19, 4), (6, 4), (3, 4)]

Every draw comes from one `numpy.random.RandomState(seed)` in torch's order (each parameter, then
each tensor's layout), and the tensors' values from torch's generator seeded from that state, so a
seed gives torch's sizes, layouts and values.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ...core.dtypes import float32
from ...random import manual_seed, rand, randint

__all__ = ["FuzzedParameter", "FuzzedSparseTensor", "FuzzedTensor", "Fuzzer", "ParameterAlias"]

_DISTRIBUTIONS = ("loguniform", "uniform")


class ParameterAlias:
    """A parameter's value is another parameter's: `FuzzedParameter("y", distribution={1: 0.5,
    ParameterAlias("x"): 0.5})` gives y either 1 or x's value (tensors that sometimes broadcast)."""

    def __init__(self, alias_to: str) -> None:
        self.alias_to = alias_to

    def __repr__(self) -> str:
        return f"ParameterAlias[alias_to: {self.alias_to}]"


class FuzzedParameter:
    """A named number drawn from `distribution`: "loguniform" (integers, uniform in log space),
    "uniform" (integers when both bounds are ints, else floats) or a dict {value: probability}.
    A `strict` parameter keeps its first value when the Fuzzer redraws a rejected set."""

    def __init__(self, name: str, minval: int | float | None = None, maxval: int | float | None = None,
                 distribution: str | dict[Any, float] | None = None, strict: bool = False) -> None:
        self._name = name
        self._minval = minval
        self._maxval = maxval
        self._distribution = self._check_distribution(distribution)
        self.strict = strict

    @property
    def name(self) -> str:
        return self._name

    def sample(self, state: np.random.RandomState) -> Any:
        if self._distribution == "loguniform":
            return self._loguniform(state)
        if self._distribution == "uniform":
            return self._uniform(state)
        if isinstance(self._distribution, dict):
            return self._custom_distribution(state)
        return None

    def _check_distribution(self, distribution: Any) -> Any:
        # torch checks with assertions, so its messages are AssertionErrors too
        if not isinstance(distribution, dict):
            if distribution not in _DISTRIBUTIONS:
                raise AssertionError(f"Unknown distribution: {distribution}")
            return distribution
        if any(p < 0 for p in distribution.values()):
            raise AssertionError("Probabilities cannot be negative")
        if not abs(sum(distribution.values()) - 1) > 1e-5:  # (sic: torch refuses the normalized ones)
            raise AssertionError("Distribution is not normalized")
        if self._minval is not None:
            raise AssertionError("When passing a custom distribution, 'minval' must be None")
        if self._maxval is not None:
            raise AssertionError("When passing a custom distribution, 'maxval' must be None")
        return distribution

    def _loguniform(self, state: np.random.RandomState) -> int:
        output = int(2 ** state.uniform(low=np.log2(self._minval) if self._minval is not None else None,
                                        high=np.log2(self._maxval) if self._maxval is not None else None))
        if self._minval is not None and output < self._minval:
            return self._minval
        if self._maxval is not None and output > self._maxval:
            return self._maxval
        return output

    def _uniform(self, state: np.random.RandomState) -> int | float:
        if isinstance(self._minval, int) and isinstance(self._maxval, int):
            return int(state.randint(low=self._minval, high=self._maxval + 1))
        return state.uniform(low=self._minval, high=self._maxval)

    def _custom_distribution(self, state: np.random.RandomState) -> Any:
        # an index, not the keys themselves: numpy would turn the keys into numpy scalars
        index = state.choice(np.arange(len(self._distribution)), p=tuple(self._distribution.values()))
        return list(self._distribution.keys())[index]


def _prod(values: Any, base: int = 1) -> int:
    """A product in Python ints (no overflow)."""
    return functools.reduce(lambda x, y: int(x) * int(y), values, base)


class FuzzedTensor:
    """A named tensor whose `size` (and `steps`: allocate `size * steps`, then slice every step-th
    element) may name parameters. With probability 1 - `probability_contiguous` its memory is laid
    out in a random dimension order. Parameter sets that give it fewer than `min_elements`, more
    than `max_elements` or an allocation above `max_allocation_bytes` are redrawn."""

    def __init__(self, name: str, size: tuple[str | int, ...], steps: tuple[str | int, ...] | None = None,
                 probability_contiguous: float = 0.5, min_elements: int | None = None,
                 max_elements: int | None = None, max_allocation_bytes: int | None = None,
                 dim_parameter: str | None = None, roll_parameter: str | None = None, dtype: Any = float32,
                 cuda: bool = False, tensor_constructor: Callable | None = None) -> None:
        self._name = name
        self._size = size
        self._steps = steps
        self._probability_contiguous = probability_contiguous
        self._min_elements = min_elements
        self._max_elements = max_elements
        self._max_allocation_bytes = max_allocation_bytes
        self._dim_parameter = dim_parameter  # (torch accepts roll_parameter and never reads it)
        self._dtype = dtype
        self._cuda = cuda
        self._tensor_constructor = tensor_constructor

    @property
    def name(self) -> str:
        return self._name

    @staticmethod
    def default_tensor_constructor(size: tuple[int, ...], dtype: Any, **kwargs: Any) -> Any:
        if dtype.is_floating_point or dtype.is_complex:
            return rand(size=size, dtype=dtype, device="cpu")
        return randint(1, 127, size=size, dtype=dtype, device="cpu")

    def _make_tensor(self, params: dict[str, Any], state: np.random.RandomState) -> tuple[Any, dict[str, Any]]:
        size, steps, allocation_size = self._get_size_and_steps(params)
        constructor = self._tensor_constructor or self.default_tensor_constructor
        raw_tensor = constructor(size=allocation_size, dtype=self._dtype, **params)
        if self._cuda:
            raw_tensor = raw_tensor.cuda()
        # a random memory order: permute, copy contiguously, permute back
        dim = len(size)
        order = np.arange(dim)
        if state.rand() > self._probability_contiguous:
            while dim > 1 and np.all(order == np.arange(dim)):
                order = state.permutation(raw_tensor.dim())
            raw_tensor = raw_tensor.permute(tuple(order)).contiguous()
            raw_tensor = raw_tensor.permute(tuple(np.argsort(order)))
        tensor = raw_tensor[tuple(slice(0, n * step, step) for n, step in zip(size, steps))]
        properties = {"numel": int(tensor.numel()), "order": order, "steps": steps,
                      "is_contiguous": tensor.is_contiguous(), "dtype": str(self._dtype)}
        return tensor, properties

    def _get_size_and_steps(self, params: dict[str, Any]) -> tuple[tuple, tuple, tuple]:
        dim = params[self._dim_parameter] if self._dim_parameter is not None else len(self._size)

        def resolve(values: tuple, dim: int) -> tuple:
            """Parameter names replaced by their values, cut or padded with 1s to `dim` entries."""
            values = tuple(params.get(i, i) for i in values)
            return values[:dim] + (1,) * (dim - len(values))

        size = resolve(self._size, dim)
        steps = resolve(self._steps or (), dim)
        allocation_size = tuple(n * step for n, step in zip(size, steps))
        return size, steps, allocation_size

    def satisfies_constraints(self, params: dict[str, Any]) -> bool:
        size, _, allocation_size = self._get_size_and_steps(params)
        num_elements = _prod(size)
        if num_elements < 0:
            raise AssertionError("Computed number of elements is negative")
        allocation_bytes = _prod(allocation_size, base=self._dtype.itemsize)

        def nullable_greater(left: int | None, right: int | None) -> bool:
            return left is not None and right is not None and left > right

        return not (nullable_greater(num_elements, self._max_elements)
                    or nullable_greater(self._min_elements, num_elements)
                    or nullable_greater(allocation_bytes, self._max_allocation_bytes))


class FuzzedSparseTensor(FuzzedTensor):
    """torch's fuzzed sparse COO tensor: we have no sparse tensors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("FuzzedSparseTensor is not implemented: tinygrad_rnn has no sparse tensors")


class Fuzzer:
    """Draws parameter sets (redrawing those that break a constraint or a tensor's element limits)
    and builds the tensors for each: `for tensors, tensor_properties, params in fuzzer.take(n)`."""

    def __init__(self, parameters: list, tensors: list, constraints: list[Callable] | None = None,
                 seed: int | None = None) -> None:
        if seed is None:
            seed = int(np.random.RandomState().randint(0, 2 ** 32 - 1, dtype=np.int64))
        self._seed = seed
        self._parameters = Fuzzer._unpack(parameters, FuzzedParameter)
        self._tensors = Fuzzer._unpack(tensors, FuzzedTensor)
        self._constraints = constraints or ()
        name_overlap = {p.name for p in self._parameters} & {t.name for t in self._tensors}
        if name_overlap:
            raise ValueError(f"Duplicate names in parameters and tensors: {name_overlap}")
        self._rejections = 0
        self._total_generated = 0

    @staticmethod
    def _unpack(values: list, cls: type) -> tuple:
        """The items, with lists of them flattened one level."""
        return tuple(item for value in values for item in ([value] if isinstance(value, cls) else value))

    def take(self, n: int) -> Iterator[tuple[dict, dict, dict]]:
        state = np.random.RandomState(self._seed)
        manual_seed(state.randint(low=0, high=2 ** 63, dtype=np.int64))
        for _ in range(n):
            params = self._generate(state)
            tensors, tensor_properties = {}, {}
            for t in self._tensors:
                tensors[t.name], tensor_properties[t.name] = t._make_tensor(params, state)
            yield tensors, tensor_properties, params

    @property
    def rejection_rate(self) -> float:
        return self._rejections / self._total_generated if self._total_generated else 0.

    def _generate(self, state: np.random.RandomState) -> dict[str, Any]:
        strict_params: dict[str, Any] = {}
        for _ in range(1000):
            candidate: dict[str, Any] = {}
            for p in self._parameters:
                if p.strict and p.name in strict_params:
                    candidate[p.name] = strict_params[p.name]
                else:
                    candidate[p.name] = p.sample(state)
                    if p.strict:
                        strict_params[p.name] = candidate[p.name]
            candidate = self._resolve_aliases(candidate)
            self._total_generated += 1
            if not all(f(candidate) for f in self._constraints) or \
                    not all(t.satisfies_constraints(candidate) for t in self._tensors):
                self._rejections += 1
                continue
            return candidate
        raise ValueError("Failed to generate a set of valid parameters.")

    @staticmethod
    def _resolve_aliases(params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        alias_count = sum(isinstance(v, ParameterAlias) for v in params.values())
        while alias_count:
            for k, v in params.items():
                if isinstance(v, ParameterAlias):
                    params[k] = params[v.alias_to]
            new_count = sum(isinstance(v, ParameterAlias) for v in params.values())
            if alias_count == new_count:
                raise ValueError(f"ParameterAlias cycle detected\n{params}")
            alias_count = new_count
        return params
