"""Whole optimizers in a checkpoint: `torch.save(optimizer, f)`, then `torch.load(f, weights_only=False)`.

Pickle stores an optimizer as torch's `Optimizer.__getstate__` gives it: its class by name, an empty
instance, then a dict of `defaults`, `state` (a `defaultdict(dict)` keyed by the parameters) and
`param_groups`, which `__setstate__` puts back. Ours has the same three, so torch loads the
optimizers we save and we load the ones torch saves. A parameter written once is read back as one
object, so the state's keys stay the group's parameters.

As for whole modules (whole_modules.py), loading runs no code from the file: a class name is honoured
only with `weights_only=False`, only for an Optimizer subclass already loaded, and only to make an
empty instance; a `defaultdict` may only make empty containers or zeros.
"""
from __future__ import annotations

import pickle
from collections import defaultdict
from typing import Any

from .. import optim
from ..optim.optimizer import Optimizer
from . import whole_modules
from .allowlist import new_set
from .whole_modules import _find

# Where torch defines each optimizer class (its __module__, the name a file records).
TORCH_MODULE_OF = {"ASGD": "torch.optim.asgd", "Adadelta": "torch.optim.adadelta", "Adafactor": "torch.optim",
                   "Adagrad": "torch.optim.adagrad", "Adam": "torch.optim.adam", "AdamW": "torch.optim.adamw",
                   "Adamax": "torch.optim.adamax", "LBFGS": "torch.optim.lbfgs", "Muon": "torch.optim",
                   "NAdam": "torch.optim.nadam", "RAdam": "torch.optim.radam", "RMSprop": "torch.optim.rmsprop",
                   "Rprop": "torch.optim.rprop", "SGD": "torch.optim.sgd", "SparseAdam": "torch.optim.sparse_adam"}


def class_path(cls: type) -> tuple[str, str]:
    """(module, name) under which an optimizer's class is pickled: torch's for ours, where the class is
    defined for the user's own (whole_modules.class_path's rule, with optim's table)."""
    return whole_modules.class_path(cls, TORCH_MODULE_OF, optim)


def optimizer_global(module: str, name: str) -> Any:
    """The Optimizer subclass a whole-optimizer file names, or None."""
    found = getattr(optim, name, None) if TORCH_MODULE_OF.get(name) == module else _find(module, name)
    return found if isinstance(found, type) and issubclass(found, Optimizer) else None


# What a defaultdict in a file may make for a missing key (its default_factory): empty containers or zeros.
FACTORIES = (dict, list, set, tuple, int, float)


def new_defaultdict(factory: Any = None) -> defaultdict:
    """`defaultdict(factory)` as REDUCE builds it, for one of FACTORIES (or None) only."""
    factory = set if factory is new_set else factory  # (the allowlist's stand-in for builtins.set)
    if factory is not None and not any(factory is f for f in FACTORIES):
        raise pickle.UnpicklingError(f"a defaultdict in this file makes its values with {factory!r}, which tinygrad_rnn "
                                     "does not call")
    return defaultdict(factory)


# The globals a whole optimizer's file names besides its class (weights_only=False only).
GLOBALS = {"collections.defaultdict": new_defaultdict,
           **{f"builtins.{f.__name__}": f for f in FACTORIES if f is not set}}  # (builtins.set is allowed already)
