"""Custom autograd.Functions under torch.func transforms, against torch: numpy code in forward (it runs
without grad), the refusals torch makes (no setup_context; under vmap, no vmap rule, or two), and the
Functions of the "Extending torch.func" docs under grad, vmap and jacrev."""
import numpy as np
import pytest
from helpers import require_torch

import tinygrad_rnn as tg


def functions(m):
    class NumpyExp(m.autograd.Function):  # forward without ctx, numpy inside
        @staticmethod
        def forward(x):
            return m.tensor(np.exp(x.numpy()))

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[0]

    class Exp(m.autograd.Function):  # torch ops only: what a generated vmap rule can run
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[0]

    class WithRule(Exp):
        @staticmethod
        def vmap(info, in_dims, x):
            return Exp.apply(x), in_dims[0]

    class Generated(Exp):
        generate_vmap_rule = True

    class Both(WithRule):
        generate_vmap_rule = True

    class OldStyle(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    return {"numpy": NumpyExp, "no rule": Exp, "rule": WithRule, "generated": Generated, "both": Both, "old style": OldStyle}


def _outcome(fn):
    try:
        return np.round(fn().detach().numpy(), 10).tolist()
    except RuntimeError as e:
        return f"RuntimeError: {e}"


TRANSFORMS = {
    "plain": lambda m, f, x: f.apply(x),
    "grad": lambda m, f, x: m.func.grad(lambda a: f.apply(a).sum())(x),
    "vmap": lambda m, f, x: m.vmap(lambda a: f.apply(a) + 1)(x.view(3, 1)),
    "vmap of apply": lambda m, f, x: m.vmap(f.apply)(x.view(3, 1)),
    "vmap of grad": lambda m, f, x: m.vmap(m.func.grad(lambda a: f.apply(a).sum()))(x.view(3, 1)),
    "jacrev": lambda m, f, x: m.func.jacrev(f.apply)(x),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("kind", ["numpy", "no rule", "rule", "generated", "both", "old style"])
def test_a_custom_function_under_a_transform_runs_or_is_refused_as_torch(kind, transform):
    torch = require_torch()
    seen = []
    for m in (tg, torch):
        x = m.tensor([0.5, -1.0, 2.0], dtype=m.float64)
        seen.append(_outcome(lambda m=m, x=x: TRANSFORMS[transform](m, functions(m)[kind], x)))
    assert seen[0] == seen[1]


def test_numpy_of_a_tensor_that_requires_grad_is_allowed_under_no_grad():
    """torch refuses `t.numpy()` for a tensor that requires grad only in grad mode: a custom forward
    (run without grad) may use numpy on its inputs."""
    torch = require_torch()
    for m in (tg, torch):
        t = m.ones(2, requires_grad=True)
        with m.no_grad():
            assert t.numpy().tolist() == [1.0, 1.0]
        with pytest.raises(RuntimeError, match="Can't call numpy"):
            t.numpy()
