"""Run torch's own docstring examples (`>>>` lines) under torch and under tinygrad_rnn; list where they differ.

    python tools/doc_examples_nn.py                  # every example of the namespaces in MODULES
    python tools/doc_examples_nn.py --only nn.LSTM   # the names containing a string
    python tools/doc_examples_nn.py --show           # also print each differing example's code
    python tools/doc_examples_nn.py --double         # the same with float64 as the default dtype
    python tools/doc_examples_nn.py --json out.json  # every name's status and differences

Covers torch.nn (modules, functional, init, utils), optim, utils.data, distributions, autograd and
func; the plain torch functions and Tensor methods are another tool's. Each docstring's examples run
as one snippet in a forked child (so a snippet's global changes and hangs stay there), after
manual_seed(0), with the globals doctest would give (the module the name lives in), plus small
stand-ins for the names torch's examples leave undefined (`model`, `dataset`, `train`, ...). What
is compared: each echoed expression (value within 1e-4 relative, 1e-9 with --double, and its repr
with addresses removed), printed output, exceptions (type, then message), and the value of every
name a statement assigns (tensors by shape, dtype, requires_grad and values): many examples only
build an output. torch.empty gives zeros in the torch child, as ours does, so examples that fill
empty tensors compare. An example that mentions a feature this project does not build (cuda,
sparse, complex, quantized, distributed) and differs is counted apart as "unsupported".
Needs torch; run from the repository root with PYTHONPATH pointing at it.
"""
from __future__ import annotations

import ast
import doctest
import io
import json
import math
import os
import pickle
import re
import signal
import sys
import warnings

import numpy as np
import torch

import tinygrad_rnn as ours

MODULES = [
    "nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn", "nn.utils.parametrize",
    "nn.utils.parametrizations", "nn.utils.stateless", "nn.utils.fusion", "nn.utils.clip_grad",
    "nn.utils.convert_parameters", "nn.utils.weight_norm", "nn.utils.spectral_norm", "nn.utils.prune",
    "optim", "optim.lr_scheduler", "optim.swa_utils", "utils.data", "distributions",
    "distributions.transforms", "distributions.constraints", "distributions.kl",
    "autograd", "autograd.functional", "autograd.forward_ad", "autograd.grad_mode", "func",
    "autograd.graph", "nn.attention", "utils.checkpoint", "nn.modules.module", "nn.parameter", "nn.modules.rnn",
    "optim.optimizer", "utils.data.dataloader", "distributions.transformed_distribution",
]

UNSUPPORTED_WORDS = ("cuda", "sparse", "complex", "quantiz", "distributed", "mps", "xla", "to_sparse",
                     "cudnn", "device=\"cuda\"", "device='cuda'")

DOUBLE = "--double" in sys.argv

PREFIXES = ("torch.nn", "torch.optim", "torch.utils.data", "torch.distributions", "torch.autograd", "torch.func",
            "torch._functorch")

PRELUDE = """
import math
class _Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
    def forward(self, x):
        return self.fc(x)
model = _Model()
loss_fn = nn.MSELoss()
class _DS(torch.utils.data.Dataset):
    def __len__(self):
        return 10
    def __getitem__(self, i):
        return torch.tensor([float(i)]), torch.tensor([float(i)])
dataset = _DS()
input = input_var = torch.randn(4, 3)
loader = dataloader = train_loader = torch.utils.data.DataLoader(dataset, batch_size=2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
embed_dim, num_heads = 4, 2
def train(*args, **kwargs):
    pass
def validate(*args, **kwargs):
    return 0.5
D = torch.distributions
from collections import namedtuple
from typing import List
x = torch.randn(3)
tangent = torch.randn(3)
target = torch.randn(4, 3)
"""


def get(lib, dotted):
    obj = lib
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def merge_blocks(examples):
    """Join the examples that belong to one statement (torch writes `>>>` on a loop's body lines too)."""
    blocks = []
    for src in examples:
        if blocks and (src[:1] in (" ", "\t") or incomplete(blocks[-1])):
            blocks[-1] = blocks[-1] + src
        else:
            blocks.append(src)
    return blocks


def incomplete(src):
    try:
        ast.parse(src)
    except SyntaxError as e:
        msg = str(e)
        return ("expected an indented block" in msg or "never closed" in msg or "unexpected EOF" in msg
                or "incomplete input" in msg)
    return False


def module_globals(lib, mod, qual):
    """What doctest would give the example: the globals of the module the object was found in."""
    ns = {}
    try:
        pkg = get(lib, mod)
    except Exception:
        return ns
    obj = getattr(pkg, qual.split(".")[0], None)
    home = sys.modules.get(getattr(obj, "__module__", None) or "")
    if home is not None:
        ns.update({k: v for k, v in vars(home).items() if not k.startswith("__")})
    ns.update({k: v for k, v in vars(pkg).items() if not k.startswith("__")})
    return ns


def collect():
    """(qualified name, example sources) for every torch name whose docstring has examples and that we export."""
    seen = set()
    out = []
    parser = doctest.DocTestParser()
    for mod in MODULES:
        try:
            tmod = get(torch, mod)
        except AttributeError:
            continue
        try:
            omod = get(ours, mod)
        except Exception:
            omod = None
        for name in sorted(dir(tmod)):
            if name.startswith("_"):
                continue
            tobj = getattr(tmod, name, None)
            if tobj is None or isinstance(tobj, type(sys)):
                continue
            if isinstance(tobj, type) and not str(tobj.__module__).startswith(PREFIXES):
                continue
            members = [(name, tobj)]
            if isinstance(tobj, type):
                for attr, val in vars(tobj).items():
                    if not attr.startswith("_") and callable(val) and getattr(val, "__doc__", None):
                        members.append((f"{name}.{attr}", val))
            for qual, obj in members:
                doc = getattr(obj, "__doc__", None)
                if not isinstance(doc, str) or ">>>" not in doc:
                    continue
                key = id(obj), doc
                if key in seen:
                    continue
                seen.add(key)
                try:
                    examples = [e.source for e in parser.get_examples(doc)]
                except ValueError:
                    continue
                if not examples:
                    continue
                has = omod is not None and hasattr(omod, qual.split(".")[0])
                out.append((f"{mod}.{qual}", has, merge_blocks(examples), (mod, qual)))
    return out


def summarize(lib, value, depth=0):
    """A comparable summary: tensors as (shape, dtype, requires_grad, values); containers recurse."""
    if isinstance(value, lib.Tensor):
        try:
            data = value.detach().cpu().numpy() if hasattr(value, "cpu") else value.detach().numpy()
            vals = np.asarray(data, dtype=np.float64 if data.dtype != bool else bool).ravel()[:200].tolist()
        except Exception as e:  # noqa: BLE001
            vals = f"<{type(e).__name__}>"
        return ["T", list(value.shape), str(value.dtype).replace("torch.", ""), bool(value.requires_grad), vals]
    if isinstance(value, (list, tuple)) and depth < 3:
        return [type(value).__name__, [summarize(lib, v, depth + 1) for v in list(value)[:20]]]
    if isinstance(value, dict) and depth < 3:
        return ["dict", {str(k): summarize(lib, v, depth + 1) for k, v in list(value.items())[:20]}]
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, lib.Size if hasattr(lib, "Size") else ()):
        return ["Size", list(value)]
    return ["obj", type(value).__name__]


def run_snippet(lib, examples, where, prelude=True):
    ns = module_globals(lib, *where)
    ns.update({"torch": lib, "nn": lib.nn, "F": lib.nn.functional, "optim": lib.optim, "np": np, "math": math})
    lib.manual_seed(0)
    if DOUBLE:
        lib.set_default_dtype(lib.float64)
    events = []
    if prelude:
        try:
            exec(PRELUDE, ns)
        except Exception as e:  # noqa: BLE001
            events.append(["prelude-exc", type(e).__name__, str(e)[:200]])
    lib.manual_seed(0)
    for src in examples:
        captured = []

        def hook(v, captured=captured):
            if v is not None:
                captured.append(v)
        old_hook = sys.displayhook
        sys.displayhook = hook
        out = io.StringIO()
        old_out = sys.stdout
        sys.stdout = out
        assigned = []
        try:
            tree = ast.parse(src)
            for node in tree.body:
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            assigned.append(t.id)
                        elif isinstance(t, ast.Tuple):
                            assigned += [e.id for e in t.elts if isinstance(e, ast.Name)]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for node in tree.body:
                    if isinstance(node, ast.Expr):
                        hook(eval(compile(ast.Expression(node.value), "<doc>", "eval"), ns))
                    else:
                        exec(compile(ast.Module([node], []), "<doc>", "exec"), ns)
        except BaseException as e:  # noqa: BLE001
            sys.stdout = old_out
            sys.displayhook = old_hook
            events.append(["exc", type(e).__name__, str(e).split("\n")[0][:300]])
            continue
        finally:
            sys.stdout = old_out
            sys.displayhook = old_hook
        if out.getvalue():
            events.append(["stdout", out.getvalue()[:3000]])
        for v in captured:
            try:
                r = repr(v)[:3000]
            except Exception as e:  # noqa: BLE001
                r = f"<repr failed {type(e).__name__}: {e}>"
            events.append(["echo", r, summarize(lib, v)])
        for name in assigned:
            if name in ns:
                events.append(["assign", name, summarize(lib, ns[name])])
    return events


def in_child(lib, examples, where, timeout=30):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        signal.alarm(timeout)
        if lib is ours:  # `import torch` inside a snippet must give this package
            for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
                del sys.modules[name]
            sys.modules["torch"] = ours
        else:  # torch.empty's memory is uninitialized: give it zeros, as ours does
            real_empty = torch.empty
            torch.empty = lambda *a, **k: real_empty(*a, **k).zero_()
        try:
            res = run_snippet(lib, examples, where)
        except BaseException as e:  # noqa: BLE001
            res = [["fatal", type(e).__name__, str(e)[:300]]]
        data = pickle.dumps(json.loads(json.dumps(res, default=str)))
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        return [["fatal", "Killed", f"status {status} (timeout {timeout}s?)"]]
    return pickle.loads(data)


def close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b or abs(a - b) <= (1e-9 if DOUBLE else 1e-4) * max(1.0, abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return close(float(a), float(b))
    return a == b


def normalize_repr(s):
    return re.sub(r" at 0x[0-9a-f]+", "", s.replace("tinygrad_rnn", "torch"))


def compare(te, oe):
    """Return a list of difference descriptions."""
    diffs = []
    for i in range(max(len(te), len(oe))):
        a = te[i] if i < len(te) else None
        b = oe[i] if i < len(oe) else None
        if a is None or b is None or a[0] != b[0]:
            diffs.append(f"event {i}: torch={a!r:.300} ours={b!r:.300}")
            break
        kind = a[0]
        if kind == "exc":
            if a[1] != b[1]:
                diffs.append(f"exc type: torch {a[1]}: {a[2]!r:.150} | ours {b[1]}: {b[2]!r:.150}")
            elif a[2] != b[2]:
                diffs.append(f"exc msg ({a[1]}): torch {a[2]!r:.150} | ours {b[2]!r:.150}")
        elif kind == "stdout":
            if normalize_repr(a[1]) != normalize_repr(b[1]):
                diffs.append(f"stdout: torch {a[1]!r:.300} | ours {b[1]!r:.300}")
        elif kind == "echo":
            if not close(a[2], b[2]):
                diffs.append(f"echo value: torch {a[1]!r:.300} | ours {b[1]!r:.300}")
            elif normalize_repr(a[1]) != normalize_repr(b[1]):
                diffs.append(f"echo repr: torch {a[1]!r:.300} | ours {b[1]!r:.300}")
        elif kind == "assign":
            if a[1] != b[1] or not close(a[2], b[2]):
                diffs.append(f"assign {a[1]}: torch {str(a[2]):.250} | ours {str(b[2]):.250}")
        elif kind in ("fatal", "prelude-exc"):
            if a != b:
                diffs.append(f"{kind}: torch {a} ours {b}")
    return diffs


def unsupported(examples, oe):
    text = "\n".join(examples).lower()
    if any(w in text for w in UNSUPPORTED_WORDS):
        return True
    return False


def main():
    args = sys.argv[1:]
    only = args[args.index("--only") + 1] if "--only" in args else None
    show = "--show" in args
    items = collect()
    if only:
        items = [it for it in items if only in it[0]]
    results = {}
    counts = {"run": 0, "same": 0, "differ": 0, "missing": 0, "unsupported": 0}
    for qual, has, examples, where in items:
        if not has:
            counts["missing"] += 1
            results[qual] = {"status": "missing"}
            continue
        counts["run"] += 1
        te = in_child(torch, examples, where)
        oe = in_child(ours, examples, where)
        diffs = compare(te, oe)
        if not diffs:
            counts["same"] += 1
            status = "same"
        elif unsupported(examples, oe):
            counts["unsupported"] += 1
            status = "unsupported"
        else:
            counts["differ"] += 1
            status = "differ"
        results[qual] = {"status": status, "diffs": diffs}
        if status != "same":
            print(f"== {status} {qual}")
            for d in diffs[:4]:
                print("   ", d)
            if show:
                print("    ---\n    " + "\n    ".join("\n".join(examples).splitlines()))
        sys.stdout.flush()
    print(json.dumps(counts))
    print("missing:", " ".join(q for q, r in results.items() if r["status"] == "missing"))
    if "--json" in args:
        with open(args[args.index("--json") + 1], "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
