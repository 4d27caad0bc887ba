"""Ops built from smaller ops show torch's one node: its name, and its next_functions leading straight to the
op's inputs (ops/composite.py). Each case runs on both libraries; the node names one level down must agree."""
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _leaf(m, *shape):
    generator = m.Generator().manual_seed(sum(shape))
    return m.randn(*shape, dtype=m.float64, generator=generator).requires_grad_()


def _seen(out) -> tuple:
    """The output's node and the nodes next_functions lists (None for an input that needs no gradient)."""
    node = out.grad_fn
    return node.name(), tuple(None if n is None else n.name() for n, _ in node.next_functions)


CASES = {
    "gelu": lambda m, F, x, y: F.gelu(x),
    "gelu_tanh": lambda m, F, x, y: F.gelu(x, approximate="tanh"),
    "gelu_half": lambda m, F, x, y: F.gelu(x.half()),
    "glu": lambda m, F, x, y: F.glu(x),
    "mish": lambda m, F, x, y: F.mish(x),
    "silu": lambda m, F, x, y: F.silu(x),
    "elu": lambda m, F, x, y: F.elu(x),
    "selu": lambda m, F, x, y: F.selu(x),
    "celu": lambda m, F, x, y: F.celu(x),
    "elu_inplace": lambda m, F, x, y: F.elu(x * 1, inplace=True),
    "prelu": lambda m, F, x, y: F.prelu(x, _leaf(m, 1)),
    "layer_norm": lambda m, F, x, y: F.layer_norm(x, (4,)),
    "layer_norm_affine": lambda m, F, x, y: F.layer_norm(x, (4,), y[0], y[1]),
    "layer_norm_half": lambda m, F, x, y: F.layer_norm(x.half(), (4,)),
    "batch_norm": lambda m, F, x, y: F.batch_norm(x, None, None, y[0], y[1], training=True),
    "group_norm": lambda m, F, x, y: F.group_norm(x.reshape(1, 4, 3), 2, y[0], y[1]),
    "conv1d": lambda m, F, x, y: F.conv1d(x.reshape(1, 4, 3), _leaf(m, 2, 4, 2), _leaf(m, 2)),
    "conv1d_no_bias": lambda m, F, x, y: F.conv1d(x.reshape(1, 4, 3), _leaf(m, 2, 4, 2)),
    "conv_transpose1d": lambda m, F, x, y: F.conv_transpose1d(x.reshape(1, 3, 4), _leaf(m, 3, 2, 2)),
    "pad": lambda m, F, x, y: F.pad(x, (1, 1)),
    "pad_reflect": lambda m, F, x, y: F.pad(x.reshape(1, 3, 4), (1, 1), mode="reflect"),
    "max_pool2d": lambda m, F, x, y: F.max_pool2d(x.reshape(1, 1, 3, 4), 2),
    "adaptive_max_pool2d": lambda m, F, x, y: F.adaptive_max_pool2d(x.reshape(1, 1, 3, 4), 2),
    "interpolate": lambda m, F, x, y: F.interpolate(x.reshape(1, 3, 4), scale_factor=2, mode="linear"),
    "pixel_shuffle": lambda m, F, x, y: F.pixel_shuffle(x.reshape(1, 4, 3, 1), 2),
    "pdist": lambda m, F, x, y: F.pdist(x),
    "cdist": lambda m, F, x, y: m.cdist(x, y),
    "pairwise_distance": lambda m, F, x, y: F.pairwise_distance(x, y),
    "grid_sample": lambda m, F, x, y: F.grid_sample(x.reshape(1, 1, 3, 4), y.reshape(1, 2, 3, 2).tanh(),
                                                     align_corners=False),
    "smooth_l1": lambda m, F, x, y: F.smooth_l1_loss(x, y),
    "huber": lambda m, F, x, y: F.huber_loss(x, y.detach()),
    "bce_with_logits_pos_weight": lambda m, F, x, y: F.binary_cross_entropy_with_logits(
        x, y.detach().sigmoid(), pos_weight=m.ones(4, dtype=m.float64)),
    "nll_weight": lambda m, F, x, y: F.nll_loss(x, m.tensor([0, 1, 2]), weight=m.ones(4, dtype=m.float64)),
    "nll_4d": lambda m, F, x, y: F.nll_loss(x.reshape(1, 4, 3, 1), m.tensor([[[0], [1], [2]]])),
    "cross_entropy_probabilities": lambda m, F, x, y: F.cross_entropy(x, y.detach().softmax(1)),
    "cross_entropy_smoothing": lambda m, F, x, y: F.cross_entropy(x, m.tensor([0, 1, 2]), label_smoothing=0.1),
    "soft_margin": lambda m, F, x, y: F.soft_margin_loss(x, y.detach().sign()),
    "multi_margin": lambda m, F, x, y: F.multi_margin_loss(x, m.tensor([0, 1, 2]), reduction="none"),
    "multilabel_margin": lambda m, F, x, y: F.multilabel_margin_loss(x, m.tensor([[0, 1, -1, 0]] * 3)),
    "addmm_beta": lambda m, F, x, y: m.addmm(x, x, y.t() @ y, beta=0.5),
    "baddbmm": lambda m, F, x, y: m.baddbmm(x[None], x[None], (y.t() @ y)[None], alpha=2),
    "addmv": lambda m, F, x, y: m.addmv(x[:, 0], x, y[0], beta=2),
    "addr": lambda m, F, x, y: m.addr(x, x[:, 0], y[0], alpha=2),
    "outer": lambda m, F, x, y: m.outer(x[0], y[0]),
    "median": lambda m, F, x, y: x.median(),
    "kthvalue": lambda m, F, x, y: x.kthvalue(2)[0],
    "nansum": lambda m, F, x, y: x.nansum(),
    "triu": lambda m, F, x, y: x.triu(1),
    "tril": lambda m, F, x, y: x.tril(),
    "rot90": lambda m, F, x, y: x.rot90(),
    "unfold": lambda m, F, x, y: x.unfold(1, 2, 1),
    "take": lambda m, F, x, y: x.take(m.tensor([0, 5])),
    "index_add": lambda m, F, x, y: x.index_add(0, m.tensor([0, 0, 1]), y),
    "masked_scatter": lambda m, F, x, y: x.masked_scatter(x > 0, y),
    "addcdiv": lambda m, F, x, y: m.addcdiv(x, x, y.exp()),
    "dist": lambda m, F, x, y: m.dist(x, y),
    "renorm": lambda m, F, x, y: x.renorm(2, 0, 1.0),
    "cross": lambda m, F, x, y: m.linalg.cross(x[:, :3], y[:, :3]),
    "block_diag": lambda m, F, x, y: m.block_diag(x, y),
    "solve_vector": lambda m, F, x, y: m.linalg.solve(x[:, :3] + 3 * m.eye(3, dtype=m.float64), y[:, 0]),
    "solve_right": lambda m, F, x, y: m.linalg.solve(x[:, :3] + 3 * m.eye(3, dtype=m.float64), y[:, :3], left=False),
    "embedding_bag": lambda m, F, x, y: F.embedding_bag(m.tensor([0, 1]), x, m.tensor([0, 1])),
    "pack_padded_batch_first": lambda m, F, x, y: m.nn.utils.rnn.pack_padded_sequence(
        x.reshape(2, 3, 2), [3, 2], batch_first=True).data,
    "mode": lambda m, F, x, y: x.mode(1).values,
    "nanmedian": lambda m, F, x, y: x.nanmedian(),
    "nanmedian_dim": lambda m, F, x, y: x.nanmedian(1).values,
    "nanmedian_dim_keepdim": lambda m, F, x, y: m.nanmedian(x, 0, keepdim=True).values,
    "mvlgamma": lambda m, F, x, y: m.mvlgamma(x.abs() + 2, 2),
    "deg2rad": lambda m, F, x, y: x.deg2rad(),
    "vector_norm_inf": lambda m, F, x, y: m.linalg.vector_norm(x, float("inf")),
    "index_copy": lambda m, F, x, y: x.index_copy(0, m.tensor([0, 2]), y[:2]),
    "scatter_add": lambda m, F, x, y: x.scatter_add(1, m.tensor([[0], [1], [2]]), y[:, :1]),
    "index_put_accumulate": lambda m, F, x, y: x.index_put((m.tensor([0, 2]),), y[:2], accumulate=True),
    "clamp_tensor_min": lambda m, F, x, y: x.clamp(min=y),
    "clamp_tensor_max": lambda m, F, x, y: x.clamp(max=y),
    "trapezoid": lambda m, F, x, y: m.trapezoid(x),
    "trapezoid_x": lambda m, F, x, y: m.trapezoid(x, m.arange(4.0, dtype=m.float64)),
    "cumulative_trapezoid": lambda m, F, x, y: m.cumulative_trapezoid(x),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_composite_op_shows_torchs_node_and_inputs(case):
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        x, y = _leaf(m, 3, 4), _leaf(m, 3, 4)
        seen.append(_seen(CASES[case](m, m.nn.functional, x, y)))
    assert seen[0] == seen[1]


def test_the_engine_still_differentiates_through_the_small_ops():
    x = _leaf(tinygrad_rnn, 3, 4)
    out = tinygrad_rnn.nn.functional.gelu(x)
    assert out.grad_fn.next_functions[0][0].variable is x  # shown: x itself ...
    out.sum().backward()  # ... while the gradient flows through the mul/erf nodes underneath
    torch = require_torch()
    theirs = torch.tensor(x.detach().numpy(), requires_grad=True)
    torch.nn.functional.gelu(theirs).sum().backward()
    assert abs(x.grad.numpy() - theirs.grad.numpy()).max() < 1e-12


@pytest.mark.parametrize("call", [
    lambda m: m.nn.functional.soft_margin_loss(m.randn(3, 4), m.randn(3, 4, requires_grad=True)),
    lambda m: m.nn.functional.multi_margin_loss(m.randn(3, 4), m.tensor([0, 1, 2]), weight=m.ones(4, requires_grad=True)),
    lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.randn(3), m.rand(3), weight=m.ones(3, requires_grad=True)),
    lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.randn(3), m.rand(3),
                                                               pos_weight=m.ones(3, requires_grad=True)),
    lambda m: m.nn.functional.nll_loss(m.randn(2, 4), m.tensor([9, 1]), weight=m.ones(4, requires_grad=True)),
    lambda m: m.nn.functional.nll_loss(m.randn(2, 4, 3), m.zeros(2, 3).long(), weight=m.ones(4, requires_grad=True)),
    lambda m: m.nn.functional.cross_entropy(m.randn(2, 4), m.tensor([0, 1]), weight=m.ones(4, requires_grad=True)),
])
def test_an_argument_torch_has_no_gradient_for_must_not_require_grad(call):
    check_error(call)


def test_under_no_grad_such_an_argument_is_only_a_constant():
    torch = require_torch()
    for m in (tinygrad_rnn, torch):
        with m.no_grad():
            loss = m.nn.functional.nll_loss(m.zeros(2, 4), m.tensor([0, 1]), weight=m.ones(4, requires_grad=True))
        assert loss.item() == 0.0
