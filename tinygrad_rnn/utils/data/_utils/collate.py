"""Collation: how a DataLoader turns a list of samples into a batch (`default_collate`), or converts one
sample when it does not batch (`default_convert`).

`collate` walks the samples' structure (dicts, namedtuples, lists, tuples) and hands each leaf type to
the function `collate_fn_map` names for it, looked up by exact type first and then by isinstance, in
the table's order. `default_collate_fn_map` is torch's table (tensors stack, numpy arrays become
tensors, Python floats float64, ints int64, strings stay); code may add its own types to it, as
torch's documentation shows:

    default_collate_fn_map[MyBox] = lambda batch, *, collate_fn_map=None: MyBox.stack(batch)
"""
from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ....core import dtypes
from ....core.tensor import Tensor
from ....creation import as_tensor, tensor
from ....ops.shape import stack

np_str_obj_array_pattern = re.compile(r"[SaUO]")  # numpy dtype strings of text and objects: no tensor for those
default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")

CollateFnMap = dict[Any, Callable]


def collate(batch: list | tuple, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    """Collate `batch` (a list of samples alike in structure), leaf types by `collate_fn_map`.

    A dict gives a dict of collated values per key, a namedtuple a namedtuple of collated fields, a
    tuple a list of collated fields, another sequence one of its own type. Containers keep their
    type where it can be rebuilt (an OrderedDict, a defaultdict, a deque), as in torch."""
    elem = batch[0]
    fn = _collate_fn_for(elem, collate_fn_map)
    if fn is not None:
        return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _like_mapping(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                    for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple: keep the type
        return type(elem)(*(collate(field, collate_fn_map=collate_fn_map) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(item) != len(elem) for item in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        fields = [collate(field, collate_fn_map=collate_fn_map) for field in zip(*batch)]
        return fields if isinstance(elem, tuple) else _like_sequence(elem, fields)
    raise TypeError(default_collate_err_msg_format.format(type(elem)))


def _collate_fn_for(elem: Any, collate_fn_map: CollateFnMap | None) -> Callable | None:
    """The table's function for elem's type: its exact type's entry, else the first entry it is an instance of."""
    if collate_fn_map is None:
        return None
    if type(elem) in collate_fn_map:
        return collate_fn_map[type(elem)]
    return next((fn for kind, fn in collate_fn_map.items() if isinstance(elem, kind)), None)


def collate_tensor_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:  # strings and objects cannot become tensors
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    return as_tensor(np.array(batch))  # a numpy scalar keeps its dtype


def collate_float_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    return tensor(batch, dtype=dtypes.float64)


def collate_int_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Tensor:
    return tensor(batch)  # ints give int64; bools (ints too) a bool tensor


def collate_str_fn(batch: list, *, collate_fn_map: CollateFnMap | None = None) -> Any:
    return batch


default_collate_fn_map: CollateFnMap = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,  # numpy's scalars, but not its strings
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list | tuple) -> Any:
    """Turn a list of samples into a batch: tensors and numpy arrays are stacked along a new first
    dimension; Python floats become a float64 tensor, ints an int64 tensor, bools a bool tensor;
    strings stay as they came; containers are collated field by field (see `collate`)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data: Any) -> Any:
    """The collate function when batch_size=None: numpy values become tensors, nothing is stacked."""
    if isinstance(data, np.ndarray):
        return data if np_str_obj_array_pattern.search(data.dtype.str) else as_tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _like_mapping(data, {key: default_convert(value) for key, value in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple: keep the type
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a tuple becomes a list, as in torch
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _like_sequence(data, [default_convert(d) for d in data])
    return data


def _like_mapping(like: collections.abc.Mapping, values: dict) -> Any:
    """`values` in the mapping type of `like`: a mutable one is copied and updated (so a defaultdict keeps
    its default), another is built from a dict; a plain dict when the type refuses, as in torch."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _like_sequence(like: collections.abc.Sequence, values: list) -> Any:
    """`values` in the sequence type of `like` (a deque, a list subclass), copied and overwritten item by item
    when mutable, else built from a list; a plain list when the type refuses (a range), as in torch."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, value in enumerate(values):
                clone[i] = value
            return clone
        return type(like)(values)
    except TypeError:
        return values
