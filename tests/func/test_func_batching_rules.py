"""Every node class declared to batch its backward natively agrees with its per-element loop
(gradcheck's check_batched_grad compares them node by node), with broadcasting operands; and
the batched backward as a whole agrees with torch's vmap over a vjp."""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg
from tinygrad_rnn.autograd import gradcheck, gradgradcheck
from tinygrad_rnn.core.engine import SumToShape
from tinygrad_rnn.func import backward_rules
from tinygrad_rnn.ops import cast, linalg, pointwise, reduce, shape

# One function per declared class, each using it with operands that broadcast.
USES = {
    pointwise.Add: lambda a, b: a + b,
    pointwise.Sub: lambda a, b: a - b,
    pointwise.Rsub: lambda a, b: 1.5 - a * b,
    pointwise.Mul: lambda a, b: a * b,
    pointwise.Div: lambda a, b: a / (b.exp() + 1),
    pointwise.Neg: lambda a, b: -a * b,
    pointwise.Exp: lambda a, b: (a * b).exp(),
    pointwise.Log: lambda a, b: (a * a + b.exp()).log(),
    pointwise.Sin: lambda a, b: (a * b).sin(),
    pointwise.Cos: lambda a, b: (a * b).cos(),
    pointwise.Sqrt: lambda a, b: (a * a + b * b + 1).sqrt(),
    pointwise.Where: lambda a, b: tg.where(a > 0, a, b),
    pointwise.MaskedFill: lambda a, b: (a * b).masked_fill(a > 0, 0.5),
    pointwise.Clone: lambda a, b: (a * b).clone(),
    cast.Cast: lambda a, b: (a * b).float().double(),
    pointwise.Pow: lambda a, b: (a * a + 1) ** b + a ** 3,
    pointwise.Log1p: lambda a, b: (a * a * b * b).log1p(),
    pointwise.Log2: lambda a, b: (a * a + b * b + 1).log2(),
    pointwise.Log10: lambda a, b: (a * a + b * b + 1).log10(),
    pointwise.Expm1: lambda a, b: (a * b).expm1(),
    pointwise.Rsqrt: lambda a, b: (a * a + b * b + 1).rsqrt(),
    pointwise.Reciprocal: lambda a, b: (a * a + b * b + 1).reciprocal(),
    pointwise.Tan: lambda a, b: (a * b * 0.3).tan(),
    pointwise.Sinh: lambda a, b: (a * b).sinh(),
    pointwise.Cosh: lambda a, b: (a * b).cosh(),
    pointwise.Asin: lambda a, b: (a * b * 0.1).asin(),
    pointwise.Acos: lambda a, b: (a * b * 0.1).acos(),
    pointwise.Atan: lambda a, b: (a * b).atan(),
    pointwise.Erf: lambda a, b: (a * b).erf(),
    pointwise.Abs: lambda a, b: (a * b).abs(),
    pointwise.Relu: lambda a, b: (a * b).relu(),
    pointwise.Clamp: lambda a, b: (a * b).clamp(-0.3, 0.3),
    pointwise.Maximum: lambda a, b: tg.maximum(a, b) + tg.minimum(a, b * 2),
    linalg.MatMulNT: lambda a, b: (a @ b.unsqueeze(1)).sin() * (a @ a.T).cos().sum(),
    linalg.MatMulTN: lambda a, b: (a.T @ (a * b)).sin(),
    shape.Expand: lambda a, b: a.unsqueeze(0).expand(2, 3, 4) * b,
}

# One function per class with a written rule (backward_rules.RULES).
RULE_USES = {
    linalg.MatMul: lambda a, b: (a @ b.unsqueeze(1)).sin() + (a.T @ a).sum(),
    pointwise.Tanh: lambda a, b: (a * b).tanh(),
    pointwise.Sigmoid: lambda a, b: (a * b).sigmoid(),
    shape.Reshape: lambda a, b: (a * b).reshape(2, 6).sin(),
    shape.View: lambda a, b: (a * b).view(6, 2).sin(),
    shape.Permute: lambda a, b: (a.unsqueeze(2) * b.unsqueeze(1)).permute(2, 0, 1).sin(),
    reduce.Sum: lambda a, b: (a * b).sum(1, keepdim=True).sin() + (a * b).sum().cos() + (a * b).sum(0).exp(),
    reduce.Mean: lambda a, b: (a * b).mean(1).sin() + (a * b).mean().cos(),
    SumToShape: lambda a, b: ((a + b) * (a * b)).sin(),  # its double backward meets SumToShape nodes
}


def test_every_declared_class_and_rule_has_a_use():
    assert set(USES) == backward_rules.NATIVE_BACKWARD
    assert set(RULE_USES) == set(backward_rules.RULES)


@pytest.mark.parametrize("cls", sorted(RULE_USES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_written_rule_matches_the_loop(cls):
    rng = np.random.default_rng(4)
    a = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(rng.standard_normal((4,)), requires_grad=True)
    assert gradcheck(RULE_USES[cls], (a, b), check_batched_grad=True)
    if cls is SumToShape:
        assert gradgradcheck(RULE_USES[cls], (a, b), check_batched_grad=True)


@pytest.mark.parametrize("cls", sorted(USES, key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_declared_native_backward_matches_the_loop(cls):
    rng = np.random.default_rng(0)
    a = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(rng.standard_normal((4,)), requires_grad=True)
    # Through float32 the central difference needs a larger step (the Jacobian check, not the
    # batched one, is what the step affects).
    loose = dict(eps=1e-2, atol=1e-2) if cls is cast.Cast else {}
    assert gradcheck(USES[cls], (a, b), check_batched_grad=True, **loose)


def test_batched_backward_through_loop_nodes_and_native_nodes_matches_torch():
    # torch's side is a loop of single vjps (its vmap of this graph takes seconds to warm up).
    torch = require_torch()
    rng = np.random.default_rng(1)
    x, w, v = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((6, 3, 2))

    def f(a, b):
        return ((a @ b).tanh() * a.sum(1, keepdim=True)).exp() / (1 + a[:, :2] ** 2)

    _, vjp_fn = tg.func.vjp(f, tg.tensor(x), tg.tensor(w))
    ours = tg.func.vmap(vjp_fn)(tg.tensor(v))
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = f(tx, tw)
    rows = [torch.autograd.grad(out, (tx, tw), torch.tensor(vb), retain_graph=True) for vb in v]
    for k, theirs in enumerate(zip(*rows)):
        np.testing.assert_allclose(ours[k].numpy(), torch.stack(theirs).numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((2, 3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2))])
def test_matmul_rule_batches_matrices_and_loops_vectors(shapes):
    rng = np.random.default_rng(3)
    a, b = (tg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes)
    assert gradcheck(lambda x, y: (x @ y).sin(), (a, b), check_batched_grad=True)


def test_indexing_gradients_batch_through_the_loop():
    rng = np.random.default_rng(2)
    a = tg.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    assert gradcheck(lambda t: t[[0, 2, 2]].sin() * t[1], (a,), check_batched_grad=True)
