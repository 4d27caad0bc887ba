"""What a program prints to stderr in a fresh interpreter, on tinygrad_rnn and on torch.

    ours, theirs = fresh_stderr("import {} as m\\nm.from_numpy(read_only_array)\\n")

Warnings that torch gives once per process (its C++ TORCH_WARN_ONCE) can only be compared in a
process that has warned of nothing yet. Starting `python -c program` for each costs seconds, nearly
all of it importing torch, so the programs run in forks of a *zygote*: a process that imported numpy,
torch and tinygrad_rnn and then ran nothing. A fork of it has warned of nothing, like a fresh
interpreter, and the program's own imports find the modules loaded. (A program that tests what
importing does, or needs other environment variables, must start a real interpreter.)
"""
from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile

from helpers import require_torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The zygote: read one request per line, run each program in a fork with stdout and stderr sent to
# files, answer with its exit code.
ZYGOTE = r"""
import json, os, sys, traceback
import numpy, torch, tinygrad_rnn  # what every program imports, paid for once
for line in sys.stdin:
    request = json.loads(line)
    child = os.fork()
    if child == 0:
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        status = 0
        try:
            exec(compile(request["program"], "<string>", "exec"), {"__name__": "__main__"})
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    _, status = os.waitpid(child, 0)
    print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)
"""

_zygote: list[subprocess.Popen] = []  # started on first use


def _the_zygote() -> subprocess.Popen:
    if not _zygote or _zygote[0].poll() is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
        zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, env=env)
        atexit.register(zygote.stdin.close)  # its loop ends, and it exits, with the tests
        _zygote[:] = [zygote]
    return _zygote[0]


def run_fresh(program: str, timeout: float = 120) -> str:
    """stderr of `python -c program` in a fresh interpreter (a fork of the zygote); a program that fails
    raises AssertionError with its stderr."""
    zygote = _the_zygote()
    with tempfile.TemporaryDirectory() as folder:
        paths = {name: os.path.join(folder, name) for name in ("stdout", "stderr")}
        zygote.stdin.write(json.dumps({"program": program, **paths}) + "\n")
        zygote.stdin.flush()
        if not select.select([zygote.stdout], [], [], timeout)[0]:
            zygote.kill()
            raise AssertionError(f"the program ran longer than {timeout} s:\n{program}")
        status = json.loads(zygote.stdout.readline())
        with open(paths["stderr"]) as file:
            stderr = file.read()
    assert status == 0, f"the program exited with {status}:\n{program}\n{stderr}"
    return stderr


def fresh_stderr(program: str, *fields: str) -> list[str]:
    """stderr of program.format("tinygrad_rnn", *fields) and of program.format("torch", *fields), each in a
    fresh interpreter."""
    require_torch()
    return [run_fresh(program.format(name, *fields)) for name in ("tinygrad_rnn", "torch")]
