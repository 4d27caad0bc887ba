""".ci/run works for any user: as root it installs Graphviz when `dot` is missing; as another user
it says so and goes on; either way it ends by running the README's test command.

The script runs in a copy of the repository layout with stand-ins for the programs it calls
(each records its arguments), so nothing is installed and no test suite is started."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_ci(tmp_path: Path, uid: int, has_dot: bool) -> tuple[str, list[str]]:
    (tmp_path / "repo" / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", tmp_path / "repo" / ".ci" / "run")
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    for tool in ("dirname",):  # the real ones the script needs
        os.symlink(shutil.which(tool), bin_dir / tool)
    fakes = {"id": f"echo {uid}", "apt-get": None, "pip": None, "ruff": None, "python": None}
    if has_dot:
        fakes["dot"] = None
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body or f'echo {name} $* >> {log}'}\n")
        (bin_dir / name).chmod(0o755)
    result = subprocess.run([shutil.which("bash"), str(tmp_path / "repo" / ".ci" / "run")], capture_output=True,
                            text=True, env={"PATH": str(bin_dir)}, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout, log.read_text().splitlines()


README_COMMAND = ['pip install -e .[test]', "ruff check .", "python -m pytest -q -p no:cacheprovider -n auto"]


@pytest.mark.parametrize("uid", [0, 1000])
def test_without_graphviz(tmp_path, uid):
    out, calls = run_ci(tmp_path, uid, has_dot=False)
    installs = [c for c in calls if c.startswith("apt-get")]
    if uid == 0:
        assert installs == ["apt-get update -qq", "apt-get install -y -qq graphviz"]
    else:
        assert not installs and "cannot install it; viz tests use the pure-Python SVG layout" in out
    assert calls[len(installs):] == README_COMMAND


def test_with_graphviz_nothing_is_installed(tmp_path):
    _, calls = run_ci(tmp_path, 0, has_dot=True)
    assert calls == README_COMMAND


def test_the_version_pip_reads_is_a_literal_it_can_read_without_importing():
    """setup.cfg's `version = attr: ...` is read by setuptools in an isolated build, where numpy (so the package)
    cannot be imported: it must be a plain `__version__ = "..."` in the file the attribute names. An imported
    name there broke `pip install` on a clean machine, which no other test would notice."""
    import ast
    import configparser

    import tinygrad_rnn

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    module, _, name = config["metadata"]["version"].split("attr:")[1].strip().rpartition(".")
    path = ROOT.joinpath(*module.split("."))
    source = (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text()
    literals = {target.id: node.value.value for node in ast.parse(source).body if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant)}
    assert literals.get(name) == tinygrad_rnn.version.PACKAGE_VERSION
