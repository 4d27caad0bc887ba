"""`quantize_dynamic(model, qconfig_spec=None, dtype=torch.qint8, mapping=None, inplace=False)`: swap each
nn.Linear, nn.LSTM and nn.GRU that qconfig_spec names (by type or by submodule name, inherited by the submodules of a
named module) for its dynamically quantized version. Other dtypes and module types raise NotImplementedError."""
from __future__ import annotations

import copy
import warnings
from typing import Any

from ... import nn
from ..nn.quantized.dynamic.linear import Linear as DynamicLinear
from ..nn.quantized.dynamic.rnn import GRU as DynamicGRU
from ..nn.quantized.dynamic.rnn import LSTM as DynamicLSTM
from ..qdtypes import qint8
from .qconfig import default_dynamic_qconfig

DEPRECATION_WARNING = (
    "torch.ao.quantization is deprecated and will be removed in 2.10. \n"
    "For migrations of users: \n"
    "1. Eager mode quantization (torch.ao.quantization.quantize, torch.ao.quantization.quantize_dynamic), please "
    "migrate to use torchao eager mode quantize_ API instead \n"
    "2. FX graph mode quantization (torch.ao.quantization.quantize_fx.prepare_fx,torch.ao.quantization.quantize_fx"
    ".convert_fx, please migrate to use torchao pt2e quantization API instead (prepare_pt2e, convert_pt2e) \n"
    "3. pt2e quantization has been migrated to torchao (https://github.com/pytorch/ao/tree/main/torchao/"
    "quantization/pt2e) \n"
    "see https://github.com/pytorch/ao/issues/2259 for more details")

SWAPS = {nn.Linear: DynamicLinear, nn.LSTM: DynamicLSTM, nn.GRU: DynamicGRU}
NOT_BUILT = (nn.LSTMCell, nn.RNNCell, nn.GRUCell, nn.Embedding, nn.EmbeddingBag)


def quantize_dynamic(model: nn.Module, qconfig_spec: Any = None, dtype: Any = qint8, mapping: Any = None,
                     inplace: bool = False) -> nn.Module:
    """A copy of model (model itself with inplace=True), in eval mode, with its Linear and LSTM layers swapped."""
    warnings.warn(DEPRECATION_WARNING, DeprecationWarning, stacklevel=2)
    spec = _qconfig_by_key(qconfig_spec, dtype)
    if mapping is not None:
        raise NotImplementedError("quantize_dynamic: mapping is not supported by tinygrad_rnn")
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    _swap_children(model, "", spec, None)
    return model


def _qconfig_by_key(qconfig_spec: Any, dtype: Any) -> dict:
    """qconfig_spec as torch reads it: None (every quantizable type), a set of types/names, or a dict."""
    if dtype is not qint8 and (qconfig_spec is None or isinstance(qconfig_spec, set)):
        known = {"float16", "quint8", "quint4x2"}
        if getattr(dtype, "name", None) in known:
            raise NotImplementedError(f"quantize_dynamic: dtype={dtype} is not supported by tinygrad_rnn "
                                      "(only torch.qint8)")
        if qconfig_spec is None:
            raise ValueError(f"Don't know how to quantize with default settings for {dtype}. Provide full qconfig "
                             "please")
        raise RuntimeError("Unknown dtype specified for quantize_dynamic: ", str(dtype))
    if qconfig_spec is None:
        return dict.fromkeys((*SWAPS, nn.LSTMCell, nn.RNNCell, nn.GRUCell), default_dynamic_qconfig)
    if isinstance(qconfig_spec, set):
        return dict.fromkeys(qconfig_spec, default_dynamic_qconfig)
    for qconfig in qconfig_spec.values():
        if qconfig is not None and qconfig != default_dynamic_qconfig:
            raise NotImplementedError(f"quantize_dynamic: qconfig {qconfig} is not supported by tinygrad_rnn "
                                      "(only default_dynamic_qconfig)")
    return dict(qconfig_spec)


def _swap_children(module: nn.Module, prefix: str, spec: dict, inherited: Any) -> None:
    """torch's propagate_qconfig_ and convert in one walk: a module's qconfig is its type's, else its
    name's, else its parent's; a child with a qconfig and a quantized version is swapped."""
    for name, child in list(module._modules.items()):
        if child is None:
            continue
        full_name = prefix + name
        qconfig = spec.get(type(child), spec.get(full_name, inherited))
        if qconfig is not None and type(child) in SWAPS:
            module._modules[name] = SWAPS[type(child)].from_float(child)
        elif qconfig is not None and type(child) in NOT_BUILT:
            raise NotImplementedError(f"quantize_dynamic: nn.{type(child).__name__} is not supported by "
                                      "tinygrad_rnn (only nn.Linear, nn.LSTM and nn.GRU)")
        else:
            _swap_children(child, full_name + ".", spec, qconfig)
