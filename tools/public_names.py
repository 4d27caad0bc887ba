"""The public names of the package's namespaces, as `__all__` lists them (checked by tests/test_types.py).

A name is public when it does not start with an underscore and is the package's own: a
submodule of it, or an object defined in it (functions, classes, dtypes). What a module merely
imported for its own use (numpy, typing helpers) is not.

    python tools/public_names.py            # print each namespace's names
"""
from __future__ import annotations

import importlib
import types
from typing import Any

NAMESPACES = [
    "tinygrad_rnn", "tinygrad_rnn.nn", "tinygrad_rnn.nn.functional", "tinygrad_rnn.nn.init", "tinygrad_rnn.nn.utils",
    "tinygrad_rnn.optim", "tinygrad_rnn.optim.lr_scheduler", "tinygrad_rnn.utils.data", "tinygrad_rnn.autograd",
    "tinygrad_rnn.func", "tinygrad_rnn.distributions", "tinygrad_rnn.testing", "tinygrad_rnn.linalg", "tinygrad_rnn.special",
]


# Package modules that are machinery, not torch's namespace: never listed in __all__.
INTERNAL = {"argcheck", "atomic_file", "backend", "core", "creation", "deprecated_norms", "import_alias", "kernels",
            "lowrank", "ops", "overload_table", "overloads", "range_values", "surface", "threads"}


def _own(obj: Any) -> bool:
    if isinstance(obj, types.ModuleType):
        return obj.__name__.startswith("tinygrad_rnn.")
    module = getattr(obj, "__module__", None) or type(obj).__module__
    # (Tensor and Parameter carry torch's module names, so that `type(t)` prints as torch's)
    return isinstance(module, str) and module.startswith(("tinygrad_rnn", "torch"))


def public_names(namespace: str) -> list[str]:
    module = importlib.import_module(namespace)
    return sorted(name for name, obj in vars(module).items()
                  if not name.startswith("_") and _own(obj) and name != "annotations")


if __name__ == "__main__":
    for ns in NAMESPACES:
        print(ns, public_names(ns))
