"""Run torch's own docstring examples under torch and under tinygrad_rnn, and list where they differ.

    python tools/doc_examples.py                 # every shared name: counts, then each difference
    python tools/doc_examples.py lu sinc         # only these names (torch.X, torch.linalg.X, Tensor.X, ...)

Needs torch installed (it is the reference) and imports tinygrad_rnn from the working tree.

For each public name that torch and tinygrad_rnn both have (in torch, torch.linalg, torch.special and
torch.Tensor), the `>>>` and `...` lines of torch's docstring are run as one snippet, once with `torch`
bound to torch and once to tinygrad_rnn, each after `manual_seed(0)` (our random functions draw torch's
numbers for a seed). Every statement's printed output, and the repr of each expression's value (as the
interactive prompt echoes it), or the exception it raised, are compared. Global settings a snippet changes
(default dtype, print options, deterministic algorithms) are reset between snippets. Snippets that use
features tinygrad_rnn does not build (complex numbers, sparse and quantized tensors, CUDA, named tensors,
bfloat16 storage) are marked [UNSUPPORTED]: there a difference is expected.
"""
from __future__ import annotations

import ast
import contextlib
import io
import re
import signal
import sys
import tempfile
import warnings
from collections.abc import Iterator
from types import ModuleType

import numpy as np
import torch

import tinygrad_rnn

UNSUPPORTED = re.compile(r"complex|sparse|cuda|names=|refine_names|quantiz|bfloat16|chalf|cfloat|cdouble|[0-9]j\b|"
                         r"nested|float8|qint|device='meta'|\.storage\(", re.IGNORECASE)
NAMESPACES = ("linalg", "special")


def example_source(doc: object) -> str:
    """The code of a docstring's `>>>` / `...` lines, as one snippet."""
    lines = []
    for line in (doc if isinstance(doc, str) else "").splitlines():
        stripped = line.strip()
        if stripped.startswith((">>> ", "... ")):
            lines.append(stripped[4:])
        elif stripped in (">>>", "..."):
            lines.append("")
    return "\n".join(lines)


def _reset(lib: ModuleType) -> None:
    lib.set_default_device(None)  # (torch.set_default_device's example leaves torch's on 'cuda')
    lib.set_default_dtype(lib.float32)
    lib.set_printoptions(profile="default")
    lib.set_grad_enabled(True)
    lib.use_deterministic_algorithms(False)


@contextlib.contextmanager
def _imported_as_torch(lib: ModuleType) -> Iterator[None]:
    """`import torch` and `from torch import linalg` inside a snippet reach lib."""
    saved = {name: module for name, module in sys.modules.items() if name == "torch" or name.startswith("torch.")}
    for name in saved:
        del sys.modules[name]
    sys.modules["torch"] = lib
    try:
        yield
    finally:
        for name in [name for name in sys.modules if name == "torch" or name.startswith("torch.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def _on_timeout(*_: object) -> None:
    raise TimeoutError("the statement ran for more than 10 s")


def run(source: str, lib: ModuleType) -> list[tuple[str, str]]:
    """(statement, what it printed or echoed, or the exception it raised) for each top-level statement."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return [("<parse>", f"SyntaxError {error}")]
    _reset(lib)
    lib.manual_seed(0)
    namespace = {"torch": lib, "np": np, "numpy": np}
    results = []
    signal.signal(signal.SIGALRM, _on_timeout)
    for node in tree.body:
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                signal.alarm(10)
                if isinstance(node, ast.Expr):
                    value = eval(compile(ast.Expression(node.value), "<example>", "eval"), namespace)
                    if value is not None:
                        print(repr(value))
                else:
                    exec(compile(ast.Module([node], []), "<example>", "exec"), namespace)
            outcome = printed.getvalue()
        except Exception as error:  # noqa: BLE001 - the exception is the outcome compared
            outcome = printed.getvalue() + f"!! {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        finally:
            signal.alarm(0)
        results.append((ast.get_source_segment(source, node) or "", outcome))
    _reset(lib)
    return results


def shared_docstrings() -> Iterator[tuple[str, object]]:
    """(name, torch's docstring) for each public callable torch and tinygrad_rnn both have."""
    for name in sorted(dir(torch)):
        attr = getattr(torch, name, None)
        if not name.startswith("_") and callable(attr) and not isinstance(attr, type) and hasattr(tinygrad_rnn, name):
            yield f"torch.{name}", attr.__doc__
    for space in NAMESPACES:
        theirs, ours = getattr(torch, space), getattr(tinygrad_rnn, space)
        for name in sorted(dir(theirs)):
            attr = getattr(theirs, name, None)
            if not name.startswith("_") and callable(attr) and hasattr(ours, name):
                yield f"torch.{space}.{name}", attr.__doc__
    for name in sorted(dir(torch.Tensor)):
        if not name.startswith("_") and hasattr(tinygrad_rnn.Tensor, name):
            yield f"Tensor.{name}", getattr(getattr(torch.Tensor, name, None), "__doc__", None)


def compare(only: list[str]) -> dict[str, dict]:
    """Each snippet's statement count, its differing statements and whether it uses a feature we lack."""
    report, seen = {}, set()
    for name, doc in shared_docstrings():
        if only and name not in only and name.rsplit(".", 1)[-1] not in only:
            continue
        source = example_source(doc)
        if not source.strip() or source in seen:  # (aliases share a docstring: run it once)
            continue
        seen.add(source)
        theirs = run(source, torch)
        with _imported_as_torch(tinygrad_rnn):
            ours = run(source, tinygrad_rnn)
        differing = [(statement, a, b) for (statement, a), (_, b) in zip(theirs, ours)
                     if a != b.replace("tinygrad_rnn", "torch")]
        report[name] = {"statements": len(theirs), "differing": differing, "unsupported": bool(UNSUPPORTED.search(source))}
    return report


def main(only: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):  # (torch.save's example writes a file)
        report = compare(only)
    differing = [name for name, r in report.items() if r["differing"]]
    unsupported = [name for name in differing if report[name]["unsupported"]]
    print(f"{len(report)} snippets, {sum(r['statements'] for r in report.values())} statements; "
          f"{len(report) - len(differing)} snippets identical, {len(differing) - len(unsupported)} differing, "
          f"{len(unsupported)} differing that use a feature not built here "
          f"({sum(len(report[n]['differing']) for n in differing)} statements differ)")
    for name in differing:
        print(("[UNSUPPORTED] " if report[name]["unsupported"] else "") + name)
        for statement, theirs, ours in report[name]["differing"][:3]:
            print("   >>>", statement.replace("\n", "\n   ... ")[:300])
            print("   torch:", theirs.strip()[:300].replace("\n", "\n          "))
            print("   ours :", ours.strip()[:300].replace("\n", "\n          "))


if __name__ == "__main__":
    main(sys.argv[1:])
