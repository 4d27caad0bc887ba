"""`torch.nn.modules`: torch's files of nn classes, by the paths torch code reaches them through.

    class FocalLoss(torch.nn.modules.loss._Loss): ...
    from torch.nn.modules.rnn import RNNBase
    isinstance(m, torch.nn.modules.batchnorm._BatchNorm)

Here the classes live in nn/ by idea (rnn.py, lstm.py, loss.py, ...), so each of torch's files is a
namespace made from the table below: the same class objects, under torch's file names. Nothing is
defined twice.
"""
from __future__ import annotations

import collections.abc
import itertools
import sys
import types
from collections.abc import Callable
from typing import Any

from . import conv, dropout, layers, loss, normalization, pooling, transformer
from . import lazy as _lazy_py
from . import module as _module_py
from .module import GLOBAL_HOOK_REGISTRARS
from .torch_files import TORCH_FILES

# torch's private bases that user code subclasses or tests with isinstance; the public names come from nn itself
_PRIVATE = {"_Loss": loss._Loss, "_WeightedLoss": loss._WeightedLoss, "_ConvNd": conv._ConvNd,
            "_DropoutNd": dropout._DropoutNd, "_NormBase": layers._NormBase, "_BatchNorm": layers._BatchNorm,
            "_InstanceNorm": normalization._InstanceNorm, "_MaxPoolNd": pooling._MaxPoolNd,
            "_AdaptiveMaxPoolNd": pooling._AdaptiveMaxPoolNd, "_AdaptiveAvgPoolNd": pooling._AdaptiveAvgPoolNd, "_AvgPoolNd": pooling._AvgPoolNd,
            "_LPPoolNd": pooling._LPPoolNd, "_MaxUnpoolNd": pooling._MaxUnpoolNd,
            # a helper some seq2seq code imports from torch's file rather than call Transformer's static method
            "_generate_square_subsequent_mask": transformer._generate_square_subsequent_mask}


def _ntuple(n: int, name: str = "parse") -> Callable[[Any], tuple]:
    """torch's helper: an iterable as a tuple, anything else repeated n times (`_pair(3)` is `(3, 3)`)."""
    def parse(x: Any) -> tuple:
        return tuple(x) if isinstance(x, collections.abc.Iterable) else tuple(itertools.repeat(x, n))

    parse.__name__ = name
    return parse




def _find(name: str) -> Any:
    """The class torch's files call `name`: a private base from _PRIVATE, else nn's own (nn/__init__ imports
    this module last, when every public name is bound)."""
    return _PRIVATE[name] if name in _PRIVATE else getattr(sys.modules[__package__], name)


def _namespace(torch_file: str, names: list[str]) -> types.ModuleType:
    view = types.ModuleType(f"{__name__}.{torch_file}", f"torch.nn.modules.{torch_file}, as a view of nn/.")
    for name in names:
        setattr(view, name, _find(name))
    view.__all__ = [n for n in names if not n.startswith("_")]  # type: ignore[attr-defined]
    sys.modules[view.__name__] = view  # so `from tinygrad_rnn.nn.modules.loss import _Loss` imports it
    return view


_VIEWS = {torch_file: _namespace(torch_file, names) for torch_file, names in TORCH_FILES.items()}
utils = _namespace("utils", [])
utils._single, utils._pair, utils._triple, utils._quadruple = (  # type: ignore[attr-defined]
    _ntuple(1, "_single"), _ntuple(2, "_pair"), _ntuple(3, "_triple"), _ntuple(4, "_quadruple"))
utils._ntuple = _ntuple  # type: ignore[attr-defined]
# torch.nn.modules.lazy: the mixin `isinstance(m, LazyModuleMixin)` asks about (not in nn.modules itself)
lazy = _namespace("lazy", [])
lazy.LazyModuleMixin, lazy.is_lazy = _lazy_py.LazyModuleMixin, _lazy_py.is_lazy  # type: ignore[attr-defined]
lazy.__all__ = ["LazyModuleMixin"]  # type: ignore[attr-defined]
utils.consume_prefix_in_state_dict_if_present = _module_py.consume_prefix_in_state_dict_if_present  # type: ignore[attr-defined]
# torch keeps these in its module.py, not in nn's namespace; _addindent is what custom reprs import
for _name in [*GLOBAL_HOOK_REGISTRARS, "_addindent", "_IncompatibleKeys"]:
    setattr(_VIEWS["module"], _name, getattr(_module_py, _name))
globals().update(_VIEWS)
globals().update({name: getattr(view, name) for view in _VIEWS.values() for name in view.__all__})
