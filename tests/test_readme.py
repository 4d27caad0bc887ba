"""The README's code runs and says what it claims: the torch and tinygrad_rnn columns print the
same, the gradcheck example passes, and .ci/run runs exactly the README's test command."""
import contextlib
import io
import re
from pathlib import Path

from helpers import require_torch

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"^```python\n(.*?)^```", README, re.S | re.M)
BASH_BLOCKS = re.findall(r"^```bash\n(.*?)^```", README, re.S | re.M)


def _printed(source: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "README.md", "exec"), {"__name__": "readme"})
    return out.getvalue()


def test_side_by_side_columns_print_the_same():
    require_torch()
    torch_code, our_code = PYTHON_BLOCKS[0], PYTHON_BLOCKS[1]
    assert "import torch\n" in torch_code and "import tinygrad_rnn as torch" in our_code
    assert torch_code.split("\n", 2)[2] == our_code.split("\n", 2)[2]  # only the imports differ
    assert _printed(our_code) == _printed(torch_code)


def test_gradcheck_example_runs():
    exec(compile(PYTHON_BLOCKS[2], "README.md", "exec"), {"__name__": "readme"})


def test_ci_runs_the_readme_test_command():
    test_command = [line for line in BASH_BLOCKS[0].splitlines() if line.startswith("pip install -e")]
    assert len(test_command) == 1
    assert test_command[0] in (ROOT / ".ci" / "run").read_text()


def test_main_job_example_exists():
    main_job = [line for line in BASH_BLOCKS[0].splitlines() if line.startswith("pip install .")][0]
    script = main_job.split("python ")[1].strip()
    assert (ROOT / script).is_file()
