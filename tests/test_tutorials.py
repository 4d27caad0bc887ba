"""Tutorial-style programs print the same on tinygrad_rnn as on torch.

Each program in tests/tutorials/ is written the way public PyTorch tutorials and course labs are
(char-RNN classifiers, language models, taggers, seq2seq, DataLoader loops, save/load, ...) and
starts with `import tinygrad_rnn as torch`. The test runs it as written and once more with that
line changed to `import torch`, in this process, and compares what the two runs print: text
exactly, numbers to float32 rounding (one unit in the last printed digit, or a relative 1e-4),
and the warnings raised.

To see the two outputs side by side: `python tests/test_tutorials.py <program-name>`.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import random
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from fresh_process import fresh_stderr
from helpers import check_error, check_parity, require_torch

import tinygrad_rnn

PROGRAMS = sorted((Path(__file__).parent / "tutorials").glob("*.py"))
OUR_IMPORT = "import tinygrad_rnn as torch"
ADDRESS = re.compile(r"0x[0-9a-f]+")  # `<AddBackward0 object at 0x7f...>` differs from run to run
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def run_program(path: Path, framework: str) -> tuple[str, list[str]]:
    """The program's printed output and its warnings, run under `framework` ('torch' or ours)."""
    source = path.read_text()
    assert OUR_IMPORT in source, f"{path.name} must start with `{OUR_IMPORT}`"
    if framework == "torch":
        source = source.replace(OUR_IMPORT, "import torch")
        _import_torch_forward_ad_decompositions()
    _use_up_scalar_warning(framework)
    random.seed(0)
    np.random.seed(0)
    out = io.StringIO()
    namespace = {"__name__": "__main__", "__file__": str(path)}
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            exec(compile(source, str(path), "exec"), namespace)
        finally:
            # The program's objects go now, as at the end of a script, not at some later garbage collection: a
            # DataLoader iterator collected that way finds its queues gone and waits 5 s for each worker.
            namespace.clear()
    seen = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if text not in seen:
            seen.append(text)
    return ADDRESS.sub("0x?", out.getvalue()), seen


def _import_torch_forward_ad_decompositions() -> None:
    """torch's first forward-mode AD call in a process imports jit-scripted decompositions, which warns
    "`torch.jit.script` is deprecated" once per process: import noise, not the program's, so it is used
    up here, before any program runs. So is torch.compile's: its first call imports torch.utils.mkldnn,
    whose jit-scripted modules warn "`torch.jit.script_method` is deprecated"."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch._decomp.decompositions_for_jvp  # noqa: F401  (imported for its side effect)
        import torch.utils.mkldnn  # noqa: F401  (imported for its side effect)


def _use_up_scalar_warning(framework: str) -> None:
    """float(t) of a tensor that requires grad warns once per process, in torch (TORCH_WARN_ONCE) as here: which
    program of a pytest worker shows it depends on the tests the worker ran before, and those differ between
    the frameworks (our unit tests call ours alone). So both have given it before any program runs;
    test_float_of_a_tensor_that_requires_grad_warns_once_as_torch checks it, in fresh interpreters."""
    lib = importlib.import_module("torch" if framework == "torch" else "tinygrad_rnn")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        float(lib.ones((), requires_grad=True))


def _number_close(ours: str, theirs: str) -> bool:
    """Integers equal; decimals equal up to float32 rounding: a relative 1e-4, or one unit in the
    last printed digit."""
    a, b = float(ours), float(theirs)
    if a == b:
        return True
    if not any(c in theirs for c in ".eE"):  # integers (counts, sizes, epochs) must be equal
        return False
    digits = theirs.lower().split("e")[0]
    last_place = 10.0 ** -(len(digits.split(".")[1]) if "." in digits else 0)
    if "e" in theirs.lower():
        last_place *= 10.0 ** int(theirs.lower().split("e")[1])
    return abs(a - b) <= max(1e-4 * abs(b), 1.01 * last_place)


def _text_between_numbers(line: str) -> list[str]:
    """The line's text around its numbers. In a numpy array's str (brackets, no commas) without the
    spaces next to each number: numpy pads every column to its longest number, so a number printed one
    digit shorter (float32 rounding) moves the spaces around it. Elsewhere (tensor reprs) spacing counts."""
    parts = NUMBER.split(line)
    return [part.strip(" ") for part in parts] if "[" in line and "," not in line else parts


def assert_same_output(ours: str, theirs: str) -> None:
    """Line by line: the text between numbers must be identical (but for numpy's column padding), the
    numbers close."""
    our_lines, their_lines = ours.splitlines(), theirs.splitlines()
    assert len(our_lines) == len(their_lines), f"{len(our_lines)} lines printed, torch printed {len(their_lines)}"
    for n, (mine, torchs) in enumerate(zip(our_lines, their_lines), 1):
        same_text = _text_between_numbers(mine) == _text_between_numbers(torchs)
        a, b = NUMBER.findall(mine), NUMBER.findall(torchs)
        same_numbers = len(a) == len(b) and all(_number_close(x, y) for x, y in zip(a, b))
        assert same_text and same_numbers, f"line {n} differs:\n  ours:  {mine}\n  torch: {torchs}"


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_tutorial_prints_what_torch_prints(path: Path) -> None:
    require_torch()
    theirs, their_warnings = run_program(path, "torch")
    ours, our_warnings = run_program(path, "tinygrad_rnn")
    assert_same_output(ours, theirs)
    assert our_warnings == their_warnings


def test_text_comparison_allows_numpys_column_padding_only() -> None:
    assert_same_output("[[-0.35198012  0.52525216]]", "[[-0.3519801   0.52525216]]")
    assert_same_output("[[-0.68424344  0.7607426 ]]", "[[-0.68424344  0.76074266]]")
    with pytest.raises(AssertionError):
        assert_same_output("[[-0.35198012, 0.52525216]]", "[[-0.3519801   0.52525216]]")
    with pytest.raises(AssertionError):
        assert_same_output("tensor([ 0.5000, -1.0000])", "tensor([0.5000, -1.0000])")
    with pytest.raises(AssertionError):
        assert_same_output("loss:0.5", "loss: 0.5")


def test_number_comparison_allows_rounding_only() -> None:
    assert _number_close("0.7056", "0.7055")
    assert _number_close("0.70559835", "0.70559830")
    assert not _number_close("0.7056", "0.7058")
    assert not _number_close("3", "4")
    assert _number_close("1.0000e-03", "1.0001e-03")
    assert not _number_close("1.0000e-03", "1.0000e-02")


# ------------------------------------------------------------------ what the programs needed
# Regression tests for the fixes the programs above led to (in files other parts own).
LOSSES = {
    "mse": lambda F, x, t, p: F.mse_loss(x, p),
    "smooth_l1": lambda F, x, t, p: F.smooth_l1_loss(x, p),
    "huber": lambda F, x, t, p: F.huber_loss(x, p),
    "nll": lambda F, x, t, p: F.nll_loss(F.log_softmax(x, 1), t),
    "cross_entropy": lambda F, x, t, p: F.cross_entropy(x, t),
    "bce": lambda F, x, t, p: F.binary_cross_entropy(x.sigmoid(), p),
    "bce_logits": lambda F, x, t, p: F.binary_cross_entropy_with_logits(x, p),
    "l1": lambda F, x, t, p: F.l1_loss(x, p),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_grad_fn_names_are_torchs(name, reduction):
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        x = m.randn(4, 5, requires_grad=True)
        F = m.nn.functional
        loss = LOSSES[name](_with_reduction(F, reduction), x, m.tensor([0, 1, 2, 3]), m.rand(4, 5))
        names.append(loss.grad_fn.name())
    assert names[0] == names[1]


def _with_reduction(F, reduction):
    class Reduced:
        def __getattr__(self, name):
            fn = getattr(F, name)
            return (lambda *a: fn(*a, reduction=reduction)) if name.endswith("loss") or "entropy" in name else fn
    return Reduced()


@pytest.mark.parametrize("ndim", [3, 4, 5])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_spatial_cross_entropy_node_names_are_torchs(ndim, reduction):
    torch = require_torch()
    shape, target_shape = (2, 3, 2, 2, 2)[:ndim], (2, 2, 2, 2)[:ndim - 1]
    names = [F.cross_entropy(m.zeros(shape, requires_grad=True), m.zeros(target_shape, dtype=m.long),
                             reduction=reduction).grad_fn.name()
             for m in (tinygrad_rnn, torch) for F in [m.nn.functional]]
    assert names[0] == names[1]


@pytest.mark.parametrize("shape", [(5,), (4, 5), (2, 4, 5)])
def test_linear_and_embedding_node_names_are_torchs(shape):
    torch = require_torch()
    names = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        names.append((m.nn.Linear(5, 3)(m.zeros(shape)).grad_fn.name(),
                      m.nn.Embedding(4, 2)(m.tensor([1, 3])).grad_fn.name()))
    assert names[0] == names[1]


def test_bmm_matches_torch_and_is_named_bmm():
    check_parity(lambda m, a, b: m.bmm(a, b), shapes=[(2, 3, 4), (2, 4, 5)])
    check_parity(lambda m, a, b: a.bmm(b), shapes=[(1, 1, 4), (1, 4, 2)])
    torch = require_torch()
    assert tinygrad_rnn.bmm(tinygrad_rnn.ones(1, 2, 2, requires_grad=True), tinygrad_rnn.ones(1, 2, 2)).grad_fn.name() \
        == torch.bmm(torch.ones(1, 2, 2, requires_grad=True), torch.ones(1, 2, 2)).grad_fn.name()


@pytest.mark.parametrize("shapes", [[(2, 3), (2, 3, 4)], [(2, 3, 4), (3, 4)], [(2, 3, 4), (2, 5, 4)], [(2, 3, 4), (3, 4, 5)]])
def test_bmm_errors_match_torch(shapes):
    check_error(lambda m, a, b: m.bmm(m.tensor(a), m.tensor(b)), *[np.ones(s) for s in shapes])


@pytest.mark.parametrize("fn", ["add", "sub", "mul", "div", "matmul"])
def test_out_keyword_writes_into_the_given_tensor(fn):
    torch = require_torch()
    results = []
    for m in (tinygrad_rnn, torch):
        x = m.arange(1.0, 5.0).view(2, 2)
        out = m.empty(2, 2)
        returned = getattr(m, fn)(x, x, out=out)
        results.append((returned is out, out.tolist()))
    assert results[0] == results[1]
    check_error(lambda m: m.add(m.ones(2), m.ones(2), out=m.empty(2, dtype=m.long)))


def test_round_matches_torch():
    torch = require_torch()
    values = np.array([-2.5, -1.55, -0.5, 0.5, 1.5, 2.45, 3.14159], dtype=np.float32)
    for kwargs in ({}, {"decimals": 1}):
        ours = tinygrad_rnn.round(tinygrad_rnn.tensor(values), **kwargs)
        theirs = torch.round(torch.tensor(values), **kwargs)
        assert ours.dtype == tinygrad_rnn.float32
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("n,dtype", [(7, "float32"), (8, "float64"), (9, "float64"), (16, "float32"), (16, "int32")])
def test_repr_suffixes_wrap_as_torch(n, dtype):
    torch = require_torch()
    reprs = []
    for m in (tinygrad_rnn, torch):
        t = m.zeros(n, dtype=getattr(m, dtype)) + 1
        if t.dtype.is_floating_point:
            t = t.requires_grad_() * 0.5
        reprs.append(repr(t))
    assert reprs[0] == reprs[1]


def test_multinomial_without_replacement_draws_torchs_samples():
    torch = require_torch()
    draws = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(1)
        w = m.tensor([[0.5, 3.0, 1.0, 0.2, 2.0], [1.0, 1.0, 0.0, 4.0, 0.5]])
        draws.append([m.multinomial(w, 1).tolist() for _ in range(5)] + [m.multinomial(w[0], 3).tolist()])
    assert draws[0] == draws[1]


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5)])
def test_batch_norm_and_layer_norm_match_torch(shape):
    check_parity(lambda m, x: m.nn.functional.layer_norm(x, shape[-1:]), shapes=[shape])
    check_parity(lambda m, x, w, b: m.nn.functional.layer_norm(x, shape[-1:], w, b), shapes=[shape, shape[-1:], shape[-1:]])
    check_parity(lambda m, x, w, b: m.nn.functional.batch_norm(x, None, None, w, b, training=True),
                 shapes=[shape, (3,), (3,)])
    check_parity(lambda m, x: m.nn.functional.batch_norm(x, m.ones(3, dtype=x.dtype), m.full((3,), 2.0, dtype=x.dtype)),
                 shapes=[shape])


_E = Ellipsis
INDEX_KEYS = [slice(None), slice(0, 3), (slice(None),), (slice(0, 10),), (slice(-3, 3),), (0, slice(1, None)),
              (slice(1, None), 0), (0, None), (None, 0), (0, slice(None), slice(0, None)), (0, slice(0, 4)),
              (_E, slice(1, 2)), (slice(1, 2), _E, 0), (_E, None), (slice(None, None, 2),), 1, None, (slice(None), [0, 1])]


@pytest.mark.parametrize("key", INDEX_KEYS, ids=[repr(k) for k in INDEX_KEYS])
def test_indexing_node_is_torchs_last_view(key):
    """bigru_text_classifier printed h[0, :3] as SelectBackward0; torch names the last view it applies."""
    torch = require_torch()
    names = [(m.ones(3, 4, 5, requires_grad=True) * 1)[key].grad_fn.name() for m in (tinygrad_rnn, torch)]
    assert names[0] == names[1]


def test_float_of_a_tensor_that_requires_grad_warns_once_as_torch():
    """d2l's perplexity does math.exp(float(loss)); torch warns once per process (C++ TORCH_WARN_ONCE),
    so each framework is run in a fresh interpreter."""
    program = ("import {} as m, math, warnings\nwarnings.simplefilter('always')\nt = m.ones(1, requires_grad=True) * 2\n"
               "with m.no_grad():\n    float(t)\n"  # no warning outside grad mode, and the one warning is not used up
               "math.exp(t)\nfloat(t)\nint(t)\n")
    stderr = fresh_stderr(program)
    assert stderr[0] == stderr[1] and stderr[1].count("UserWarning: Converting a tensor with requires_grad") == 1


def test_gradgradcheck_draws_its_upstream_gradients_from_the_global_generator():
    """gradcheck_gradient_penalty drifted from torch after gradgradcheck: torch draws the default
    grad_outputs with uniform_(-1, 1) from the global generator, so later random numbers depend on it."""
    torch = require_torch()
    draws = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        a = m.randn(3, 2, dtype=m.float64, requires_grad=True)
        m.autograd.gradgradcheck(lambda x: (x.sin(), x.sum()), (a,))
        draws.append(m.rand(4).tolist())
    assert draws[0] == draws[1]


def test_cudnn_flags_set_the_given_flags_and_default_the_rest_within_the_block():
    """The NTK tutorial runs `with torch.backends.cudnn.flags(allow_tf32=False):`; the namespace had no flags."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        cudnn = m.backends.cudnn
        with cudnn.flags(allow_tf32=False, benchmark=True) as given:
            inside = (given, cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32)
        seen.append((inside, cudnn.enabled, cudnn.benchmark, cudnn.allow_tf32))
    assert seen[0] == seen[1]


def test_math_constants_are_torchs():
    torch = require_torch()
    for name in ("inf", "nan", "pi", "e"):
        ours, theirs = getattr(tinygrad_rnn, name), getattr(torch, name)
        assert type(ours) is type(theirs) and (ours == theirs or ours != ours and theirs != theirs), name
    masked = tinygrad_rnn.zeros(2, 2).masked_fill(tinygrad_rnn.eye(2).bool(), -tinygrad_rnn.inf)
    assert masked.tolist() == [[-float("inf"), 0.0], [0.0, -float("inf")]]

if __name__ == "__main__":  # show both outputs of one program
    import difflib

    chosen = [p for p in PROGRAMS if p.stem in sys.argv[1:]] or PROGRAMS
    for p in chosen:
        runs = {fw: run_program(p, fw) for fw in ("torch", "tinygrad_rnn")}
        text = {fw: out.splitlines() + [f"warning: {w}" for w in ws] for fw, (out, ws) in runs.items()}
        diff = list(difflib.unified_diff(text["torch"], text["tinygrad_rnn"], "torch", "tinygrad_rnn", lineterm=""))
        print(f"== {p.stem}: {'same' if not diff else 'DIFFERENT'}")
        print("\n".join(diff))
