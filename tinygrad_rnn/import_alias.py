"""Submodule imports through another name: `sys.modules["torch"] = tinygrad_rnn`, then `import torch.nn as nn`.

Test harnesses and notebooks run PyTorch code on this package by registering it under torch's name.
Python then resolves `import torch.nn` by looking for "torch.nn" in sys.modules, and, not finding it,
loads tinygrad_rnn/nn/__init__.py a second time under that name, together with a second copy of every
module it imports (a second Tensor class, a second Parameter class): `isinstance` checks then fail
between the two copies. The finder below answers such an import with the module already loaded
under its own name, so that `torch.nn is tinygrad_rnn.nn`.

It acts only when the first part of the name is bound to this very package in sys.modules; the real
torch, when installed and imported, is never touched.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any

PACKAGE = __name__.rpartition(".")[0]  # "tinygrad_rnn"


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system a module that is already loaded under the package's own name."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.spec  # the import system set the alias's spec: keep the module's own


class AliasFinder(importlib.abc.MetaPathFinder):
    """Maps "<alias>.sub" to "tinygrad_rnn.sub" when sys.modules["<alias>"] is this package."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        alias, dot, rest = fullname.partition(".")
        package = sys.modules.get(PACKAGE)
        if not dot or alias == PACKAGE or package is None or sys.modules.get(alias) is not package:
            return None
        try:
            module = importlib.import_module(f"{PACKAGE}.{rest}")
        except ModuleNotFoundError as error:
            if error.name != f"{PACKAGE}.{rest}":
                raise  # the module exists and failed to import: show why
            return None  # no such module: Python's own error names it as it was asked for
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def install() -> None:
    """Put the finder first on sys.meta_path, once."""
    if not any(isinstance(finder, AliasFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())
