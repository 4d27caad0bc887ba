"""Every ```python block in docs/*.md runs as a reader would paste it into Python's interactive
prompt: the blocks of one page in order, in one session, line by line. So a block must be
pasteable (no blank line inside an indented body, a blank line after one), and the output shown
under a block (the ```text block right after it) must be exactly what the prompt prints, which
is what a script prints too, apart from the values the prompt echoes. A block that prints
must show its output."""
import code
import contextlib
import doctest
import importlib.util
import io
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```[ \t]*\n", re.S | re.M)
# In a shown output, "..." stands for text that changes from run to run (a memory address).
SAME_OUTPUT = doctest.OutputChecker()


def blocks(text: str) -> list[tuple[str, str | None]]:
    """(python code, the output shown right under it or None) for each python block of a page."""
    found = [(m.group(1), m.group(2), m.start(), m.end()) for m in BLOCK.finditer(text)]
    pairs = []
    for i, (kind, body, _, end) in enumerate(found):
        if kind != "python":
            continue
        nxt = found[i + 1] if i + 1 < len(found) else None
        shown = nxt[1] if nxt and nxt[0] == "text" and not text[end:nxt[2]].strip() else None
        pairs.append((body, shown))
    return pairs


def python_blocks(page: Path) -> list[str]:
    return [body for body, _ in blocks(page.read_text())]


PAGES = sorted(DOCS.glob("*.md"))


def test_docs_exist_and_have_code():
    names = {p.name for p in PAGES}
    assert {"README.md", "autograd.md", "rnn_bptt.md", "gradcheck.md", "testing.md"} <= names
    assert all(python_blocks(p) for p in PAGES)


def test_extraction_pairs_each_block_with_the_output_under_it():
    text = ("intro\n```python\nprint(1)\n```\n\n```text\n1\n```\nmiddle\n```\nnot python\n```\n"
            "```python\nb = 2\n```\nthen\n```text\nnot its output: text between\n```\n")
    assert blocks(text) == [("print(1)\n", "1\n"), ("b = 2\n", None)]


class Prompt(code.InteractiveConsole):
    """Python's interactive prompt, fed one line at a time; any error it would show is raised."""

    def showsyntaxerror(self, filename=None, **kwargs):
        raise  # noqa: PLE0704  (called inside the prompt's `except SyntaxError`)

    def showtraceback(self):
        raise  # noqa: PLE0704

    def paste(self, block: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            more = False
            for line in block.splitlines():
                more = self.push(line)
            if more:  # the prompt is waiting for the blank line that closes an indented block
                self.push("")
        return out.getvalue()


def test_the_prompt_rejects_what_a_real_prompt_rejects():
    with pytest.raises(SyntaxError):
        Prompt().paste("for i in range(2):\n    x = i\nprint(x)\n")  # no blank line after the loop
    with pytest.raises(IndentationError):
        Prompt().paste("def f():\n    a = 1\n\n    return a\n")  # the blank line ended the body
    assert Prompt().paste("for i in range(2):\n    x = i\n\nprint(x)\nx + 1\n") == "1\n2\n"  # echoes values


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_pastes_into_the_prompt_and_prints_what_it_shows(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    prompt = Prompt({"__name__": "__console__"}, filename=f"<{page.name}>")
    for k, (block, shown) in enumerate(blocks(page.read_text()), start=1):
        try:
            printed = prompt.paste(block)
        except Exception as e:
            raise AssertionError(f"{page.name}, code block {k} failed when pasted: {e!r}\n{block}") from e
        if shown is None:
            assert not printed, (f"{page.name}, code block {k} prints, so the page must show the output "
                                 f"in a ```text block right under it. It prints:\n{printed}")
        else:
            assert SAME_OUTPUT.check_output(_rstrip_lines(shown), _rstrip_lines(printed), doctest.ELLIPSIS), (
                f"{page.name}, code block {k}: the page shows\n{shown}\nbut the code prints\n{printed}")


def _rstrip_lines(text: str) -> str:
    """Trailing spaces are invisible on a page (and editors remove them)."""
    return "\n".join(line.rstrip() for line in text.split("\n"))


def test_committed_pictures_are_what_make_pictures_draws():
    spec = importlib.util.spec_from_file_location("make_pictures", DOCS / "img" / "make_pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = module.pictures()
    assert {p.name for p in (DOCS / "img").glob("*.svg")} == set(drawn)
    for name, svg in drawn.items():
        assert (DOCS / "img" / name).read_text() == svg, f"docs/img/{name} is stale: run python docs/img/make_pictures.py"


def test_every_picture_and_link_a_page_shows_exists():
    for page in [*PAGES, DOCS.parent / "README.md"]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if not re.match(r"https?://", target):
                assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"
