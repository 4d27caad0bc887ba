"""Whole modules in a checkpoint: `torch.save(model, f)`, then `torch.load(f, weights_only=False)`.

A pickle stores an object as its class's name, an empty instance of it (NEWOBJ) and its attributes
(BUILD). For a module those attributes are torch's: `training`, `_parameters`, `_buffers`, `_modules`,
the hook dicts and the layer's settings (`in_features`, ...), which ours mirror name for name; so
torch loads the modules we save and we load the modules torch saves.

Loading stays free of code from the file. A class name is honoured only with `weights_only=False`,
only if it names a Module subclass that is already loaded (it is looked up, never imported), and
only to make an empty instance whose attributes are then set; the few functions a module may hold
(`TransformerEncoderLayer.activation`) come from our own `nn.functional`, and are never called; the one
hook object a module may hold (the older `nn.utils.weight_norm`'s `WeightNorm`) gets only its attributes.
"""
from __future__ import annotations

import pickle
import sys
from collections import OrderedDict
from typing import Any

from .. import nn
from ..nn import functional as F
from ..nn.module import Module
from ..nn.utils.weight_norm import WeightNorm

# Where torch defines each built-in module class (torch.nn.modules.<file>): the name a file records.
TORCH_FILES = {
    "activation": "CELU ELU GELU GLU Hardshrink Hardsigmoid Hardswish Hardtanh LeakyReLU LogSigmoid LogSoftmax Mish "
                  "MultiheadAttention PReLU RReLU ReLU ReLU6 SELU SiLU Sigmoid Softmax Softmax2d Softmin Softplus "
                  "Softshrink Softsign Tanh Tanhshrink Threshold",
    "adaptive": "AdaptiveLogSoftmaxWithLoss",
    "batchnorm": "BatchNorm1d BatchNorm2d BatchNorm3d LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d",
    "channelshuffle": "ChannelShuffle",
    "container": "ModuleDict ModuleList ParameterDict ParameterList Sequential",
    "conv": "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d LazyConv1d LazyConv2d LazyConv3d "
            "LazyConvTranspose1d LazyConvTranspose2d LazyConvTranspose3d",
    "distance": "CosineSimilarity PairwiseDistance",
    "dropout": "AlphaDropout Dropout Dropout1d Dropout2d Dropout3d FeatureAlphaDropout",
    "flatten": "Flatten Unflatten",
    "fold": "Fold Unfold",
    "instancenorm": "InstanceNorm1d InstanceNorm2d InstanceNorm3d LazyInstanceNorm1d LazyInstanceNorm2d "
                    "LazyInstanceNorm3d",
    "linear": "Bilinear Identity LazyLinear Linear",
    "loss": "BCELoss BCEWithLogitsLoss CTCLoss CosineEmbeddingLoss CrossEntropyLoss GaussianNLLLoss HingeEmbeddingLoss "
            "HuberLoss KLDivLoss L1Loss MSELoss MarginRankingLoss MultiLabelMarginLoss MultiLabelSoftMarginLoss "
            "MultiMarginLoss NLLLoss PoissonNLLLoss SmoothL1Loss SoftMarginLoss TripletMarginLoss "
            "TripletMarginWithDistanceLoss",
    "module": "Module",
    "normalization": "GroupNorm LayerNorm LocalResponseNorm RMSNorm",
    "padding": "CircularPad1d CircularPad2d CircularPad3d ConstantPad1d ConstantPad2d ConstantPad3d ReflectionPad1d "
               "ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d ZeroPad1d ZeroPad2d "
               "ZeroPad3d",
    "pixelshuffle": "PixelShuffle PixelUnshuffle",
    "pooling": "AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d "
               "AdaptiveMaxPool3d AvgPool1d AvgPool2d AvgPool3d LPPool1d LPPool2d LPPool3d MaxPool1d MaxPool2d "
               "MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d",
    "rnn": "GRU GRUCell LSTM LSTMCell RNN RNNBase RNNCell RNNCellBase",
    "sparse": "Embedding EmbeddingBag",
    "transformer": "Transformer TransformerDecoder TransformerDecoderLayer TransformerEncoder TransformerEncoderLayer",
    "upsampling": "Upsample UpsamplingBilinear2d UpsamplingNearest2d",
}
TORCH_MODULE_OF = {name: f"torch.nn.modules.{file}" for file, names in TORCH_FILES.items() for name in names.split()}
# torch's MultiheadAttention keeps its output projection in a Linear subclass that only marks it for
# quantization; ours is a Linear.
STAND_INS = {"NonDynamicallyQuantizableLinear": nn.Linear}
# The attributes every torch module has, in torch's order. Ours has them too, but a module unpickled from an
# older tinygrad_rnn may lack some hook dicts; a saved module has them all, since torch's modules read them
# without asking.
TORCH_MODULE_STATE = ("training", "_parameters", "_buffers", "_non_persistent_buffers_set", "_backward_pre_hooks",
                      "_backward_hooks", "_is_full_backward_hook", "_forward_hooks", "_forward_hooks_with_kwargs",
                      "_forward_hooks_always_called", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs",
                      "_state_dict_hooks", "_state_dict_pre_hooks", "_load_state_dict_pre_hooks",
                      "_load_state_dict_post_hooks", "_modules")


# The plain objects a module keeps in its hook dicts that a whole-model file may hold, by the name torch
# pickles them under: the older nn.utils.weight_norm's forward pre-hook (its attributes: name, dim).
HOOK_OBJECTS = {("torch.nn.utils.weight_norm", "WeightNorm"): WeightNorm}


def hook_object_path(obj: Any) -> tuple[str, str] | None:
    """(module, name) torch pickles one of HOOK_OBJECTS' instances under; None for anything else."""
    return next((path for path, cls in HOOK_OBJECTS.items() if type(obj) is cls), None)


def hook_object_global(module: str, name: str) -> type | None:
    """Our class for a hook object a whole-model file names, or None."""
    return HOOK_OBJECTS.get((module, name))


def is_hook_class(cls: Any) -> bool:
    return any(cls is c for c in HOOK_OBJECTS.values())


def state_of(m: Module) -> dict:
    """A module's attributes as torch pickles them: torch's own first (defaults for hook dicts ours has not
    made: empty, or None for `_is_full_backward_hook`), then the layer's. A class with its own
    `__getstate__` decides what they are, as pickle lets it (or refuses, as a parametrized module does)."""
    getstate = type(m).__getstate__
    own = getstate(m) if getstate is not object.__getstate__ else vars(m)
    state = {key: own[key] if key in own else _default(key) for key in TORCH_MODULE_STATE}
    state.update((key, value) for key, value in own.items() if key not in state)
    return state


def _default(key: str) -> Any:
    if key == "_is_full_backward_hook":
        return None
    return set() if key == "_non_persistent_buffers_set" else OrderedDict()


def class_path(cls: type, torch_module_of: dict[str, str] = TORCH_MODULE_OF, ours: Any = nn) -> tuple[str, str]:
    """(module, name) under which a class is pickled: torch's (`torch_module_of`) for our built-in ones (in
    `ours`: nn's layers here, optim's optimizers in whole_optimizers.py), where the class is defined for the
    user's own, which must be found there again when loading, as pickle requires (a class defined inside a
    function, or in code run by exec, is not)."""
    if cls.__name__ in torch_module_of and getattr(ours, cls.__name__, None) is cls:
        return torch_module_of[cls.__name__], cls.__name__
    if _find(cls.__module__, cls.__qualname__) is not cls:
        raise pickle.PicklingError(f"Can't pickle {cls!r}: attribute lookup {cls.__qualname__} on {cls.__module__} "
                                   "failed")
    return cls.__module__, cls.__qualname__


def function_path(fn: Any) -> tuple[str, str] | None:
    """(module, name) of one of our `nn.functional` functions (a module may keep one as an attribute)."""
    name = getattr(fn, "__name__", None)
    if isinstance(name, str) and getattr(F, name, None) is fn:
        return "torch.nn.functional", name
    return None


def module_global(module: str, name: str) -> Any:
    """The Module subclass or `nn.functional` function a whole-model file names, or None."""
    if module == "torch.nn.functional":
        fn = getattr(F, name, None)
        return fn if function_path(fn) is not None else None
    if module == "torch.nn" or module.startswith("torch.nn.modules."):
        found = STAND_INS.get(name) or getattr(nn, name, None)
    else:
        found = _find(module, name)
    return found if isinstance(found, type) and issubclass(found, Module) else None


def _find(module: str, qualname: str) -> Any:
    """`module.qualname` among the modules already imported; None when it is not there. Read from the
    objects' own dicts: a module's or class's `__getattr__` could import or run something."""
    found: Any = sys.modules.get(module)
    for part in qualname.split("."):
        found = vars(found).get(part) if hasattr(found, "__dict__") else None
    return found


def restore(instance: Module, state: dict) -> None:
    """Set a loaded module's attributes, through its class's own `__setstate__` if it has one."""
    setstate = getattr(instance, "__setstate__", None)
    if setstate is not None:
        setstate(state)
    else:
        instance.__dict__.update(state)


def weights_only_message(full_path: str) -> str:
    """torch's error for a file that names a module class, loaded without `weights_only=False`."""
    return ("Weights only load failed. This file can still be loaded, to do so you have two options, \x1b[1mdo those "
            "steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In PyTorch 2.6, we changed the "
            "default value of the `weights_only` argument in `torch.load` from `False` to `True`. Re-running "
            "`torch.load` with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code "
            "execution. Do it only if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error message.\n\t"
            f"WeightsUnpickler error: Unsupported global: GLOBAL {full_path} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{full_path}])` or the "
            f"`torch.serialization.safe_globals([{full_path}])` context manager to allowlist this global if you trust "
            "this class/function.\n\nCheck the documentation of torch.load to learn more about types accepted by "
            "default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
