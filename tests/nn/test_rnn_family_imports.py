"""The RNN family's layering (issue 10 item 5): the fused kernels and the composed path live below
nn and never import it, no module of the family is part of an import cycle, and a package module
is imported inside a function only with its reason written on the same line."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tinygrad_rnn"
FAMILY = ["kernels/" + p.name for p in sorted((PACKAGE / "kernels").glob("*.py"))] + [
    "nn/rnn_base.py", "nn/rnn.py", "nn/lstm.py", "nn/gru.py", "nn/utils/rnn.py", "threads.py", "backends.py"]


def _module_name(relative: str) -> str:
    return "tinygrad_rnn." + relative[:-3].replace("/", ".").removesuffix(".__init__")


def _package_imports(relative: str):
    """(imported module, line, is inside a function) for each relative import of the file."""
    path = PACKAGE / relative
    module = _module_name(relative).split(".")
    base_parts = module if path.name == "__init__.py" else module[:-1]
    tree = ast.parse(path.read_text())
    inside = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(base_parts[:len(base_parts) - (node.level - 1)] + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                exists = (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or \
                    (PACKAGE.parent / candidate.replace(".", "/") / "__init__.py").exists()
                yield (candidate if exists else base), node.lineno, id(node) in inside


def test_kernels_never_import_nn():
    for relative in FAMILY:
        if relative.startswith("kernels/"):
            for target, line, _ in _package_imports(relative):
                assert not target.startswith("tinygrad_rnn.nn"), f"{relative}:{line} imports {target}"


def test_no_import_cycle_through_the_family():
    names = {_module_name(r): r for r in FAMILY}
    edges = {m: {t for t, _, _ in _package_imports(r) if t in names and t != m} for m, r in names.items()}
    for start in names:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert start not in seen, f"{start} is part of an import cycle"


def test_imports_inside_functions_say_why():
    for relative in FAMILY:
        lines = (PACKAGE / relative).read_text().splitlines()
        for target, line, in_function in _package_imports(relative):
            if in_function:
                assert "#" in lines[line - 1], f"{relative}:{line} imports {target} inside a function without a reason"
