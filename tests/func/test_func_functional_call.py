"""functional_call and stack_module_state against torch.func: swapped weights and buffers,
tied weights, strict, several dicts, originals restored, and an ensemble through vmap."""
import copy

import numpy as np
import pytest
from helpers import assert_arrays_close, check_error, require_torch

import tinygrad_rnn as tg


def tied_model(m):
    class Tied(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = m.nn.Linear(2, 2)
            self.b = m.nn.Linear(2, 2)
            self.b.weight = self.a.weight
            self.register_buffer("r", m.zeros(2))

        def forward(self, x):
            return self.b(self.a(x)) + self.r

    m.manual_seed(0)
    return Tied().double()


def both(fn):
    torch = require_torch()
    return fn(tg), fn(torch)


def test_swapped_parameter_and_buffer_change_the_output_then_are_restored():
    rng = np.random.default_rng(0)
    w, r, x = rng.standard_normal((2, 2)), rng.standard_normal(2), rng.standard_normal((3, 2))

    def run(m):
        model = tied_model(m)
        before = model.a.weight.detach().numpy().copy()
        out = m.func.functional_call(model, {"a.weight": m.tensor(w), "r": m.tensor(r)}, (m.tensor(x),))
        assert np.array_equal(model.a.weight.detach().numpy(), before) and model.r.sum().item() == 0
        assert model.b.weight is model.a.weight
        return out

    ours, theirs = both(run)
    assert_arrays_close(ours, theirs)


def test_tie_weights_false_replaces_only_the_given_name():
    rng = np.random.default_rng(1)
    w, x = rng.standard_normal((2, 2)), rng.standard_normal((3, 2))
    ours, theirs = both(lambda m: m.func.functional_call(tied_model(m), {"a.weight": m.tensor(w)}, m.tensor(x),
                                                         tie_weights=False))
    assert_arrays_close(ours, theirs)


def test_gradients_flow_to_the_given_tensors():
    rng = np.random.default_rng(2)
    w, x = rng.standard_normal((2, 2)), rng.standard_normal((3, 2))

    def run(m):
        given = m.tensor(w, requires_grad=True)
        m.func.functional_call(tied_model(m), {"a.weight": given}, m.tensor(x)).sin().sum().backward()
        return given.grad

    ours, theirs = both(run)
    assert_arrays_close(ours, theirs)


def test_rnn_weights_are_swapped_and_restored():
    def run(m):
        m.manual_seed(0)
        rnn = m.nn.GRU(3, 4, batch_first=True).double()
        params = {k: m.tensor(np.full(v.shape, 0.1)) for k, v in rnn.named_parameters()}
        out, _ = m.func.functional_call(rnn, params, m.tensor(np.ones((2, 5, 3))))
        again, _ = rnn(m.tensor(np.ones((2, 5, 3))))
        return out, again

    ours, theirs = both(run)
    for a, b in zip(ours, theirs):
        assert_arrays_close(a, b)


@pytest.mark.parametrize("case", [
    lambda m: m.func.functional_call(tied_model(m), {"a.weight": m.ones(2, 2), "b.weight": m.zeros(2, 2)}, m.ones(3, 2)),
    lambda m: m.func.functional_call(tied_model(m), {"foo": m.ones(2, 2)}, m.ones(3, 2), strict=True),
    lambda m: m.func.functional_call(tied_model(m), {"a.weight": m.ones(2, 2)}, m.ones(3, 2), strict=True),
    lambda m: m.func.functional_call(tied_model(m), ({"a.weight": m.ones(2, 2)}, {"a.weight": m.ones(2, 2)}),
                                     m.ones(3, 2)),
    # keys repeated across the dicts are named in the order they first appear, not sorted
    lambda m: m.func.functional_call(tied_model(m), ({"r": m.ones(2), "a.weight": m.ones(2, 2)},
                                                     {"a.weight": m.ones(2, 2), "r": m.ones(2)}), m.ones(3, 2)),
    lambda m: m.func.stack_module_state([]),
    lambda m: m.func.stack_module_state([m.nn.Linear(2, 2), m.nn.Linear(2, 2).eval()]),
])
def test_errors_match_torch(case):
    check_error(case)


def test_ensemble_through_stack_module_state_and_vmap():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3))

    def run(m):
        m.manual_seed(0)
        models = [m.nn.Sequential(m.nn.Linear(3, 5), m.nn.Tanh(), m.nn.Linear(5, 2)).double() for _ in range(3)]
        params, buffers = m.func.stack_module_state(models)
        assert all(p.is_leaf and p.requires_grad for p in params.values())

        def one(p, b, data):
            return m.func.functional_call(models[0], (p, b), (data,))

        out = m.func.vmap(one, in_dims=(0, 0, None))(params, buffers, m.tensor(x))
        out.pow(2).sum().backward()
        return out, params["0.weight"].grad

    ours, theirs = both(run)
    for a, b in zip(ours, theirs):
        assert_arrays_close(a, b)


def test_per_sample_gradients_of_a_small_model_match_torch():
    rng = np.random.default_rng(4)
    xs, ys = rng.standard_normal((6, 4)), rng.standard_normal((6, 2))

    def run(m):
        m.manual_seed(0)
        model = m.nn.Sequential(m.nn.Linear(4, 3), m.nn.Tanh(), m.nn.Linear(3, 2)).double()
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, x, y):
            out = m.func.functional_call(model, p, (x.unsqueeze(0),))
            return m.nn.functional.mse_loss(out, y.unsqueeze(0))

        grads = m.func.vmap(m.func.grad(loss), in_dims=(None, 0, 0))(params, m.tensor(xs), m.tensor(ys))
        return [grads[k] for k in sorted(grads)]

    ours, theirs = both(run)
    for a, b in zip(ours, theirs):
        assert_arrays_close(a, b)


def test_an_ensemble_runs_through_a_template_moved_to_meta():
    """The model-ensembling tutorial copies one model to 'meta' as a storage-free template for
    functional_call; `.to('meta')` refused the device. The template keeps shapes and dtypes."""
    def run(m):
        m.manual_seed(0)
        models = [m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4)).double() for _ in range(3)]
        params, buffers = m.func.stack_module_state(models)
        template = models[0].__class__(*[copy.deepcopy(layer) for layer in models[0]]).to("meta")
        shapes = [(tuple(p.shape), p.dtype == m.float64, p.requires_grad) for p in template.parameters()]
        x = m.randn(5, 3, dtype=m.float64)
        out = m.vmap(lambda p, b, x: m.func.functional_call(template, (p, b), (x,)), in_dims=(0, 0, None))(
            params, buffers, x)
        return out.detach().numpy(), shapes, repr(template)
    ours, theirs = both(run)
    assert_arrays_close(ours[0], theirs[0])
    assert ours[1:] == theirs[1:]
    assert not np.isnan(ours[0]).any()


def test_a_template_moved_to_meta_holds_no_memory():
    template = tg.nn.Linear(300, 200).to("meta")
    assert template.weight._data.strides == (0, 0) and template.weight.shape == (200, 300)
