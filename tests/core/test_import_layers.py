"""The package's imports, parsed from its source: layers point only downward, and nothing cycles.

These rules are what keep the learner's core small and readable (docs/architecture.md):

1. every package module sits on a layer, and imports only modules of its own layer or below;
2. no module imports itself back through others (no cycle, whether the import is at the top of a
   file or inside a function);
3. an import of a package module inside a function says why, in a comment on that line;
4. the modules that define Tensor, Function and the engine reach at most 1,500 lines by import.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tinygrad_rnn"
CORE_LINE_BUDGET = 1500

# Lowest first. A module's layer is that of the longest prefix of its path that is listed here.
LAYERS = [
    ("backend/",),  # speed machinery, numpy only
    ("core/",),  # Tensor state, Function, engine, grad modes, dtypes
    ("creation.py", "device.py", "layout.py", "determinism.py", "return_types.py", "backends.py", "argcheck.py",
     "threads.py", "atomic_file.py", "distributed.py", "multiprocessing.py", "range_values.py", "overloads.py",
     "overload_table.py", "__future__.py"),  # tensors from data; the one-process group; torch's argument parser
    ("ops/",),  # each op: forward and backward, and what the surface needs to bind it
    ("surface/", "random.py"),  # torch's spelling: Tensor methods, legacy constructors, printing
    ("autograd/", "kernels/", "testing/", "func/", "special/", "linalg/", "fft/", "signal/"),  # torch.autograd's and torch.func's face, fused RNN kernels
    ("nn/",),
    ("optim/", "masked/", "utils/", "utils/benchmark/", "distributions/", "serialization/", "ao/", "quantization/", "safetensors.py", "viz/", "cuda.py", "accelerator.py",
     "cpu.py", "version.py", "compile.py", "compiler.py", "_dynamo.py", "jit.py", "amp/", "import_alias.py",
     "profiler/", "autograd/profiler.py"),  # the profiler names nn.functional's calls, so it sits above nn
    ("__init__.py",),
]

def _module_files() -> dict[str, Path]:
    return {p.relative_to(PACKAGE).as_posix(): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(importer: str, level: int, module: str | None, files: dict) -> list[str]:
    """The package files an import names: `from ..ops import shape` names ops/shape.py."""
    if level == 0:
        if not (module or "").startswith("tinygrad_rnn"):
            return []
        parts = module.split(".")[1:]
    else:
        parts = importer.split("/")[:-1]
        parts = parts[: len(parts) - (level - 1)] + (module.split(".") if module else [])
    base = "/".join(parts)
    for candidate in (f"{base}.py", f"{base}/__init__.py" if base else "__init__.py"):
        if candidate in files:
            return [candidate]
    return []


def _imports(rel: str, path: Path, files: dict) -> list[tuple[str, int, bool, str]]:
    """(imported file, line, inside a function, the source line) for each package import."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    in_function: set[int] = set()
    type_checking_only: set[int] = set()  # `if TYPE_CHECKING:` imports never run: annotations only
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function.update(id(n) for n in ast.walk(node) if n is not node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            type_checking_only.update(id(n) for n in ast.walk(node) if n is not node)
    found = []
    for node in ast.walk(tree):
        if id(node) in type_checking_only:
            continue
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:  # `from ..ops import shape` names the module ops/shape.py;
                sub = f"{node.module}.{alias.name}" if node.module else alias.name
                # `from ..ops.shape import stack` names a function of it.
                targets += _resolve(rel, node.level, sub, files) or _resolve(rel, node.level, node.module, files)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                targets += _resolve(rel, 0, alias.name, files)
        for t in dict.fromkeys(targets):
            if t != rel:
                found.append((t, node.lineno, id(node) in in_function, lines[node.lineno - 1]))
    return found


@functools.cache  # parsing the whole package takes seconds; the tests only read the graph
def _graph() -> dict[str, list[tuple[str, int, bool, str]]]:
    files = _module_files()
    return {rel: _imports(rel, path, files) for rel, path in files.items()}


def _layer(rel: str) -> int:
    best, layer = -1, -1
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (rel == prefix or rel.startswith(prefix)) and len(prefix) > best:
                best, layer = len(prefix), i
    if rel.endswith("__init__.py") and rel != "__init__.py" and layer < 0:
        raise AssertionError(f"{rel} sits on no layer")
    return layer


def _cycles(graph: dict) -> list[set[str]]:
    """The strongly connected components of more than one file (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(dict.fromkeys(t for t, *_ in graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(dict.fromkeys(t for t, *_ in graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def test_every_module_sits_on_a_layer():
    unplaced = [rel for rel in _module_files() if _layer(rel) < 0]
    assert not unplaced, f"add these to LAYERS: {unplaced}"


def test_imports_only_point_down():
    upward = [
        f"{rel}:{line} imports {target} (layer {_layer(target)} above {_layer(rel)})"
        for rel, imports in _graph().items()
        for target, line, _, _ in imports
        if _layer(target) > _layer(rel)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycle_anywhere():
    cycles = _cycles(_graph())
    assert not cycles, f"import cycles: {cycles}"


def test_the_cycle_finder_finds_a_cycle():
    """The finder itself must not pass everything: a planted two-file cycle is reported."""
    graph = {"a.py": [("b.py", 1, False, "")], "b.py": [("a.py", 1, False, "")], "c.py": [("a.py", 1, False, "")]}
    assert _cycles(graph) == [{"a.py", "b.py"}]


def test_imports_inside_functions_say_why():
    silent = [
        f"{rel}:{line}: {text.strip()}"
        for rel, imports in _graph().items()
        for _, line, inside, text in imports
        if inside and "#" not in text
    ]
    assert not silent, "an import inside a function needs a reason in a comment on its line:\n" + "\n".join(silent)


def _closure(roots: list[str], graph: dict) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        todo += [t for t, *_ in graph[rel] if t != "__init__.py"]
    return seen


@pytest.mark.parametrize("root", ["core/tensor.py", "core/function.py", "core/engine.py"])
def test_the_learners_core_is_small(root):
    """What a reader of Tensor, Function or the engine must read, following imports, fits the budget.
    (Python also runs the package's __init__.py first; that is the public face, not the core.)"""
    graph = _graph()
    closure = _closure([root], graph)
    lines = sum(len((PACKAGE / rel).read_text().splitlines()) for rel in closure)
    assert lines <= CORE_LINE_BUDGET, f"{root} reaches {lines} lines: {sorted(closure)}"
    assert all(_layer(rel) <= _layer("core/tensor.py") for rel in closure), sorted(closure)
