"""torch's argument parser on bad input (tinygrad_rnn/overloads.py): each call, made wrong one argument at a time
(a float, a string, None, a tensor), with arguments too many and an unknown keyword, in function and method form,
raises torch's error type with torch's message (or works in both)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

SPECS = {  # name: valid positional args after self (method form); function form adds x first
 "sum": ["1"], "mean": ["1"], "prod": ["1"], "std": ["1"], "var": ["1"], "nansum": ["1"], "amax": ["1"], "amin": ["1"],
 "argmax": ["1"], "argmin": ["1"], "max": ["1"], "min": ["1"], "median": ["1"], "mode": ["1"], "kthvalue": ["1", "1"],
 "logsumexp": ["1"], "all": ["1"], "any": ["1"], "count_nonzero": ["1"], "cumsum": ["1"], "cumprod": ["1"],
 "cummax": ["1"], "cummin": ["1"], "sort": ["1"], "argsort": ["1"], "topk": ["1", "1"], "masked_fill": ["m", "0.5"],
 "masked_select": ["m"], "index_select": ["0", "i"], "index_add": ["0", "i", "x"], "gather": ["0", "g"],
 "scatter": ["0", "g", "x"], "narrow": ["0", "0", "1"], "select": ["0", "1"], "squeeze": ["0"], "unsqueeze": ["0"],
 "flatten": ["0", "1"], "transpose": ["0", "1"], "swapaxes": ["0", "1"], "movedim": ["0", "1"], "permute": ["(1, 0)"],
 "reshape": ["(3, 2)"], "flip": ["(0,)"], "roll": ["1", "0"], "chunk": ["2", "0"], "unbind": ["0"], "diff": ["1", "0"],
 "tril": ["1"], "triu": ["1"], "diag": ["0"], "mm": ["x.t()"], "matmul": ["x.t()"], "pow": ["2"], "clamp": ["0", "1"],
 "softmax": ["1"], "log_softmax": ["1"], "where": ["m", "x"],
}
METHOD_ONLY = {"view": ["(3, 2)"], "repeat": ["(1, 2)"], "expand": ["(2, 3)"], "fill_": ["1.0"], "new_zeros": ["(2,)"],
               "masked_fill_": ["m", "0.5"], "clamp_": ["0", "1"], "index_fill": ["0", "i", "1.0"]}
FUNCTION_ONLY = {"cat": ["[x, x]", "0"], "stack": ["[x, x]", "0"], "zeros": ["(2, 3)"], "ones": ["(2, 3)"],
                 "full": ["(2,)", "1.0"], "arange": ["5"], "linspace": ["0", "1", "5"], "eye": ["2"],
                 "randn": ["2"], "rand": ["2"], "randint": ["5", "(2,)"]}
WRONG = ["1.5", '"a"', "None", "x"]


def variants(prefix, args):
    yield f"{prefix}({', '.join(args + ['1'] * 3)})"  # too many
    yield f"{prefix}({', '.join(args + ['foo=1'])})"
    for k in range(len(args)):
        for w in WRONG:
            if w != args[k]:
                yield f"{prefix}({', '.join(args[:k] + [w] + args[k + 1:])})"


CASES = []
for name, args in SPECS.items():
    CASES += variants(f"x.{name}", args)
    if name != "where":
        CASES += variants(f"torch.{name}", ["x"] + args)
    else:
        CASES += variants("torch.where", ["m", "x", "x"])
for name, args in METHOD_ONLY.items():
    CASES += variants(f"x.{name}", args)
for name, args in FUNCTION_ONLY.items():
    CASES += variants(f"torch.{name}", args)
CASES += ["x.sum(dim='a')", "x.sum(0, keepdim=1)", "x.max(0, 1)", "x.t(1)", "x.mm(x, x)", "x.permute(1.5, 0)",
          "x.reshape(1.5, 2)", "torch.cat(x, 1.5)", "x.cumsum(0, dtype=1)", "x.index_select(0)", "x.select(0)",
          "x.topk(k=1.5)", "x.cumsum(dim=1.5)", "x.sum(axis=1.5)", "x.view('a')", "x.view(2, 'a')", "x.squeeze((1.5,))",
          "x.amax((1.5,))", "torch.sum(x, dim=1.5)", "x.mean(dtype=3)", "x.std(correction='a')"]

MORE = {"lerp": ["x", "0.5"], "outer": ["x[0]"], "dot": ["x[0]"], "clamp_min": ["0"], "clamp_max": ["1"],
        "repeat_interleave": ["2"], "take": ["i"], "tile": ["(2,)"], "index_put": ["(i,)", "x[0]"],
        "masked_scatter": ["m", "x"], "nonzero": [], "bincount": [], "histc": ["4"], "multinomial": ["2"],
        "bernoulli": [], "split_with_sizes": ["(1, 2)", "1"], "tensor_split": ["2"], "hsplit": ["3"], "kron": ["x"],
        "aminmax": [], "nanmean": ["1"], "quantile": ["0.5"], "logcumsumexp": ["1"], "isclose": ["x"],
        "allclose": ["x"], "equal": ["x"], "cross": ["x", "0"], "as_strided": ["(2,)", "(1,)"]}
METHOD_MORE = {"expand_as": ["x"], "view_as": ["x"], "new_empty": ["(2,)"], "new_full": ["(2,)", "1.0"],
               "squeeze_": ["0"], "unsqueeze_": ["0"], "transpose_": ["0", "1"], "cumsum_": ["1"],
               "sum_to_size": ["(1, 3)"], "unfold": ["0", "1", "1"]}
FUNCTION_MORE = {"full_like": ["x", "1.0"], "zeros_like": ["x"], "ones_like": ["x"], "rand_like": ["x"],
                 "randn_like": ["x"], "randperm": ["3"], "vstack": ["[x, x]"], "hstack": ["[x, x]"],
                 "concat": ["[x, x]", "0"], "dropout": ["x", "0.5", "True"], "empty": ["(2,)"],
                 "std_mean": ["x", "1"], "var_mean": ["x", "1"], "addmm": ["x", "x", "x.t()"]}
for name, args in MORE.items():
    CASES += variants(f"x.{name}", args)
    CASES += variants(f"torch.{name}", ["x"] + args)
for name, args in METHOD_MORE.items():
    CASES += variants(f"x.{name}", args)
for name, args in FUNCTION_MORE.items():
    CASES += variants(f"torch.{name}", args)
BINARY = "add sub mul div true_divide floor_divide maximum minimum fmod remainder eq ne lt gt le ge atan2 logical_and logical_or".split()
for name in BINARY:
    for other in ("x", "2"):
        CASES += variants(f"x.{name}", [other])
        CASES += variants(f"torch.{name}", ["x", other])
for name in ("add_", "sub_", "mul_", "div_"):
    CASES += variants(f"x.{name}", ["2"])
CASES += ["x.add(x, alpha='a')", "x.add(x, 2, foo=1)", "x.add(1, 2, 3)", "x.div(x, rounding_mode=1)", "x.mul(other='a')",
          "x.add(other=1, foo=2)", "x.sub(x, x, x, x)", "torch.add(x, 1, 2, 3)"]
CONVERSIONS = {"float": [], "double": [], "long": [], "int": [], "bool": [], "half": [], "contiguous": [], "clone": [],
               "size": ["0"], "numpy": [], "requires_grad_": ["False"], "type": ["torch.float64"], "to": ["torch.float64"],
               "scatter_add": ["0", "g", "x"], "scatter_reduce": ["0", "g", "x", '"sum"'], "cpu": [], "stride": ["0"],
               "reshape_as": ["x"]}
for name, args in CONVERSIONS.items():
    CASES += variants(f"x.{name}", args)
CASES += ["x.float(memory_format=1)", "x.to('a')", "x.to(1.5)", "x.to(x, 1.5)", "x.to(torch.float64, 'a')", "x.type('a')",
          "x.size('a')", "x.size(1.5)", "x.view(-1, 1.5)", "x.split(1, 1.5)"]
# keywords, lists with a bad later element, counts past every overload, in-place forms
CASES += ["x.add_('a')", "x.clamp_('a')", "x.fill_(x, x)", "x.sum(dim=0, foo=1)", "x.max(dim='a')", "x.topk(k=1, dim=1.5)",
          "x.transpose(dim0=1.5, dim1=0)", "x.softmax(dim='a')", "x.view(size=(1.5,))", "torch.sum(input=x, dim=1.5)",
          "torch.softmax(x, dim=1.5)", "torch.max(x, dim=1.5)", "torch.max(x, 1, keepdim=1.5)", "x.mean(dim=(0, 1.5))",
          "x.sum((0, 'a'))", "x.permute(dims=(1.5, 0))", "x.reshape(shape=1.5)", "x.unsqueeze(dim='a')", "torch.cat([x], dim=1.5)",
          "torch.stack(x)", "torch.stack([x, 1])", "torch.cat([x, 1])", "torch.zeros(2, 1.5)", "torch.zeros((2, 1.5))",
          "torch.ones(size=1.5)", "torch.full((2,), fill_value='a')", "torch.arange(0, 'a')",
          "torch.arange(0, 5, step='a')", "torch.randn(2, 'a')", "torch.rand(2, 3, 1.5)", "torch.randint(0, 5)",
          "torch.randint(0, 5, 1.5)", "torch.eye(2, 1.5)", "torch.linspace(0, 1, steps='a')", "torch.tensor([1.], requires_grad='a')",
          "x.masked_fill(m)", "x.masked_fill(mask=m, value='a')", "x.index_select(dim=0, index=1.5)", "x.gather(0, index=1.5)",
          "x.expand(2, 1.5)", "x.expand(size=1.5)", "x.repeat(2, 1.5)", "x.new_zeros(2, 1.5)", "x.new_full((2,), 'a')",
          "x.sum(0, True, 1)", "x.mean(0, True, 1)", "x.std(0, True, True, 1)", "x.argmax(0, True, 1)", "x.max(0, True, 1)",
          "x.cumsum(0, torch.float32)", "x.softmax(0, torch.float64, 1)", "x.log_softmax(0, 1.5)", "x.masked_fill_(m, 'a')",
          "x.clamp(min=0, foo=1)", "x.clamp(0, 1, 2)", "x.pow(2, 3)", "x.pow(exponent='a')", "x.where(m)", "torch.where(m, x)",
          "torch.where(m, x, 1, 2)", "x.matmul(2)", "x.mm(2)", "torch.mm(x, 2)", "torch.matmul(2, x)", "x.bmm(x)", "x.lerp(x)",
          "x.flatten(start_dim='a')", "x.chunk(chunks='a')", "x.squeeze(dim=1.5)", "x.unbind(dim='a')", "x.roll(1, dims='a')"]
RENUMBERED = {"hypot": ["x"], "diagonal": ["0", "0", "1"], "diag_embed": ["0"], "logical_xor": ["x"], "logaddexp": ["x"],
              "logaddexp2": ["x"], "fmax": ["x"], "fmin": ["x"], "ldexp": ["x"], "nextafter": ["x"], "addcmul": ["x", "x"],
              "addcdiv": ["x", "x"], "igamma": ["x"], "igammac": ["x"], "dist": ["x"]}
for name, args in RENUMBERED.items():
    CASES += variants(f"x.{name}", args)
    CASES += variants(f"torch.{name}", ["x"] + args)
gi = "torch.tensor([[4, 6], [3, 9]])"
CASES += [*variants(f"{gi}.gcd", [gi]), *variants(f"{gi}.lcm", [gi]), *variants("torch.gcd", [gi, gi])]
# torch's split is Python, calling a C split (or split_with_sizes) with its arguments by position
CASES += ["x.split(True)", "torch.split(x, True)", "x.split(1, dim=None)", "x.split([1, 2], 1.5)", "x.split(1, 1.5)",
          "torch.split(x, 1, 1.5)", "x.split(1, dim=1.5)", "torch.split(x, [1, 1], 1.5)", "x.split(1, 'a')",
          "x.split('a')", "x.split([1, 1.5])", "x.split(1, 0, 1)"]
# methods Python checks itself (no parser), and the first probe's calls (overload_probe.py of the brief)
CASES += ["x.t(1)", "x.t(1, 2)", "x.t(a=1)", "x.exp(1)", "x.sigmoid(1)", "x.tanh(1)", "x.relu(1)", "x.numel(1)",
          "x.dim(1)", "x.item(1)", "x.exp_(1)", "x.abs(1)", "x.exp(a=1)",
          "torch.where(x > 0, x, 'a')", "x.masked_fill(x > 0, 'a')", "torch.sort(x, 1.5)", "torch.eye(2, dtype=3)",
          "torch.rand(2, dtype=3)", "x.argmax(1.5)", "x.topk('a')", "x.expand('a')", "torch.stack([x], 'a')",
          "x.gather(1.5, x)", "torch.zeros('a')", "torch.full((2,), 'a')", "torch.arange('a')", "x.log_softmax('a')",
          "x.median(1.5)", "x.all(1.5)", "torch.matmul(x, 1)", "x.narrow(1.5, 0, 1)", "x.roll(1.5)", "x.flip(1.5)",
          "x.split(1.5)", "torch.randn('a')", "torch.randint(1.5, (2,))", "torch.linspace(0, 1, 1.5)",
          "x.fill_('a')", "x.to('a')", "x.type(3)", "x.masked_select(1)", "x.tril(1.5)", "x.diag(1.5)",
          "x.nansum(1.5)", "x.kthvalue(1.5)", "x.cummax(1.5)", "x.diff(1.5)", "x.movedim(1.5, 0)",
          "x.swapaxes(1.5, 0)"]
# in-place forms the table lists (fmod_, remainder_, lerp_) and heaviside's values counted after self; linspace and
# logspace with steps as a tensor (a 0-d integer one is its number)
CASES += ["x.fmod_('a')", "x.remainder_([1.0])", "x.lerp_('a')", "x.lerp_(x)", "x.heaviside('a')", "x.heaviside_([1.0])",
          "torch.heaviside(x, 'a')", "torch.linspace(0, 1, torch.tensor(3.0))", "torch.logspace(0, 1, torch.tensor([3]))",
          "torch.logspace(0, 1, 2.5, 2.0, dtype=torch.float64)", "torch.linspace(0, 1, torch.tensor(3))"]
# Left alone here (no parser errors, or calls of ours that work where torch's refuse): duplicate dims given spread out
# (our count_nonzero, squeeze and squeeze_ take no spread dims; hsplit takes no spread indices), an index tensor of
# floats (torch's IndexError), index_fill's and quantile's None, dropout's `train` (ours takes any truth value), the
# messages of masked_scatter and tensor_split for a mask or indices of floats.
CASES = [c for c in CASES if c not in {
    "x.count_nonzero(1, 1, 1, 1)", "x.squeeze(0, 1, 1, 1)", "x.squeeze_(0, 1, 1, 1)", "x.hsplit(3, 1, 1, 1)",
    "x.index_select(0, x)", "torch.index_select(x, 0, x)", "x.index_add(0, x, x)", "torch.index_add(x, 0, x, x)",
    'x.index_fill(0, i, "a")', "x.index_fill(0, i, None)", "x.quantile(None)", "torch.quantile(x, None)",
    "torch.dropout(x, 0.5, 1.5)", 'torch.dropout(x, 0.5, "a")', "torch.dropout(x, 0.5, None)",
    "x.masked_scatter(x, x)", "torch.masked_scatter(x, x, x)", "x.tensor_split(x)", "torch.tensor_split(x, x)",
    # torch's mul, div, true_divide and floor_divide take two numbers (ours refuse them: a call that fails, left alone)
    "torch.mul(1.5, 2)", "torch.div(1.5, 2)", "torch.true_divide(1.5, 2)", "torch.floor_divide(1.5, 2)",
    # torch's t.to(1.5) works
    "x.to(1.5)",
    # ours take a number first (torch's refuse it); gcd checks the dtype before the shapes, torch's after
    "torch.nextafter(1.5, x)", "torch.addcmul(1.5, x, x)", "torch.addcdiv(1.5, x, x)",
    "torch.tensor([[4, 6], [3, 9]]).gcd(x)", "torch.tensor([[4, 6], [3, 9]]).lcm(x)",
    "torch.gcd(x, torch.tensor([[4, 6], [3, 9]]))", "torch.gcd(torch.tensor([[4, 6], [3, 9]]), x)"}]


def _outcome(module, case):
    x = module.arange(6.).reshape(2, 3)
    names = {"torch": module, "x": x, "m": x > 2, "i": module.tensor([0, 1]), "g": module.zeros(2, 3, dtype=module.long)}
    try:
        eval(case, names)
    except Exception as error:  # noqa: BLE001  (the error is what is compared)
        return type(error).__name__, str(error)
    return "works", ""


# The calls grouped by what they call (`x.sum`, `torch.sum`): one test per group, not per call (pytest's
# bookkeeping of a test costs more than one of these calls); a failure lists every call of the group that differs.
GROUPS: dict[str, list[str]] = {}
for case in CASES:
    GROUPS.setdefault(case.split("(")[0], []).append(case)


@pytest.mark.parametrize("calls", GROUPS.values(), ids=GROUPS.keys())
def test_bad_arguments_raise_torchs_error(calls):
    torch = require_torch()
    differ = [(case, ours, theirs) for case in calls
              if (ours := _outcome(tinygrad_rnn, case)) != (theirs := _outcome(torch, case))]
    assert not differ, "\n".join(f"{case}: ours {ours}, torch {theirs}" for case, ours, theirs in differ)


def test_rounding_mode_none_is_plain_division_to_the_parser():
    # torch's schema says `str? rounding_mode`: None passes its parser, then the in-place cast fails
    check_error(lambda m: m.tensor(0).div_(m.tensor(0), rounding_mode=None))
    check_error(lambda m: m.tensor(0).div_(m.tensor(0), rounding_mode=3))


def test_the_factories_requires_grad_none_passes_the_parser():
    # torch's factories' `bool? requires_grad`: None passes, so the kernel's error is what the user sees
    check_error(lambda m: m.randn((), dtype=m.int32, requires_grad=None))
    check_error(lambda m: m.rand_like(m.ones(2, dtype=m.float16), dtype=m.int8, requires_grad=None))


@pytest.mark.parametrize("call", [
    "m.stack([[1, 2], [3, 4]])",  # Raff's attention code stacks tensors; a list of lists is refused by the parser
    "m.stack(tensors=[1, 2])",
    "m.cat([m.zeros(2), 1], dim='a')",  # the list is read before the dim
    "m.concat([None])",
    "m.hstack([m.zeros(2), 1.0])",
    "m.vstack([np.zeros(2)])",
    "m.column_stack([m.zeros(2), (1,)])",
    "m.row_stack([m.zeros(2), m.zeros(2), True])",
    "m.max(m.zeros(2, 2), 0, out=(m.zeros(2), 2))",  # an out list counts as argument 3 of its overload
    "m.sort(m.zeros(2, 2), out=[1, 2])",
    "m.index_put(m.zeros(3), (1,), m.tensor(1.0))",
    "m.zeros(3).index_put_((None,), m.tensor(1.0))",
    "m.linalg.multi_dot([m.zeros(2, 2), 1])",
    "m.linalg.multi_dot(m.zeros(2, 2))",  # a matrix's rows are no list of tensors
    "m.block_diag(m.zeros(1), np.zeros(2))",  # tensors given one by one: numpy's type named with its module
])
def test_a_list_of_tensors_holding_something_else_is_refused_as_torch(call):
    """torch's parser names the element and the parameter's place (`expected Tensor as element 0 in argument 0,
    but got list`), whichever overload would have been tried next."""
    check_error(lambda m: eval(call))


KEYWORD_SETS = [  # torch lists a refused call's keywords as its std::unordered_map of them walks: by hash bucket
    ("axis", "dtype", "out", "ddof"), ("foo", "axis"), ("unbiased", "out", "keepdims", "mean", "ddof", "dim", "bar"),
    ("mean", "ddof", "bar", "axis", "out", "correction", "keepdims"), ("where", "zz", "hello_world", "axis", "y")]


@pytest.mark.parametrize("keys", KEYWORD_SETS)
@pytest.mark.parametrize("name", ["std", "any", "sum"])
def test_refused_keywords_are_listed_in_torchs_order(name, keys):
    check_error(lambda m: getattr(m, name)(m.ones(2), **{k: 1 for k in keys}))


@pytest.mark.parametrize("reduction", ["std", "var", "any", "all", "mean", "sum"])
def test_numpy_reductions_of_a_tensor_raise_torchs_error(reduction):
    """np.std(t) calls t.std(axis=None, dtype=None, out=None, ddof=0): torch's parser refuses it."""
    check_error(lambda m: getattr(np, reduction)(m.arange(6.0).view(2, 3)))
