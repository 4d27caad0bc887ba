"""Every ```python block in docs/*.md runs: the blocks of one page in order, in one namespace,
so the learning path cannot drift away from the code."""
import linecache
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text())


PAGES = sorted(DOCS.glob("*.md"))


def test_docs_exist_and_have_code():
    names = {p.name for p in PAGES}
    assert {"README.md", "autograd.md", "rnn_bptt.md", "gradcheck.md", "testing.md"} <= names
    assert all(python_blocks(p) for p in PAGES)


def test_extraction_finds_every_block():
    text = "intro\n```python\na = 1\n```\nmiddle\n```\nnot python\n```\n```python\nb = a + 1\n```\n"
    page = DOCS.parent / "tests" / "_extraction_probe.md"
    try:
        page.write_text(text)
        assert python_blocks(page) == ["a = 1\n", "b = a + 1\n"]
    finally:
        page.unlink()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for k, block in enumerate(python_blocks(page)):
        filename = f"{page.name} block {k + 1}"
        linecache.cache[filename] = (len(block), None, block.splitlines(True), filename)  # for tracebacks
        try:
            exec(compile(block, filename, "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"{page.name}, code block {k + 1} failed: {e!r}\n{block}") from e
