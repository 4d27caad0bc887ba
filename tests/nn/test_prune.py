"""nn.utils.prune against torch: the masks each method draws or computes (seeded random ones draw
torch's numbers), the reparametrization (weight_orig, weight_mask, the forward pre-hook), stacking
in a PruningContainer, global pruning, remove, and the errors for bad amounts."""
import importlib
import re

import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn


def _prune(m):
    return importlib.import_module(m.__name__ + ".nn.utils.prune")


PRUNINGS = {
    "random_unstructured 0.3": lambda p, mod: p.random_unstructured(mod, "weight", amount=0.3),
    "random_unstructured 5": lambda p, mod: p.random_unstructured(mod, "weight", amount=5),
    "l1_unstructured 0.5": lambda p, mod: p.l1_unstructured(mod, "weight", amount=0.5),
    "l1_unstructured bias": lambda p, mod: p.l1_unstructured(mod, "bias", amount=2),
    "random_structured dim 0": lambda p, mod: p.random_structured(mod, "weight", amount=2, dim=0),
    "random_structured dim -1": lambda p, mod: p.random_structured(mod, "weight", amount=0.5, dim=-1),
    "ln_structured L2 dim 0": lambda p, mod: p.ln_structured(mod, "weight", amount=0.4, n=2, dim=0),
    "ln_structured L1 dim 1": lambda p, mod: p.ln_structured(mod, "weight", amount=2, n=1, dim=1),
    "ln_structured inf": lambda p, mod: p.ln_structured(mod, "weight", amount=1, n=float("inf"), dim=0),
    "ln_structured nothing": lambda p, mod: p.ln_structured(mod, "weight", amount=0, n=2, dim=0),
    "identity": lambda p, mod: p.identity(mod, "weight"),
    "custom_from_mask": lambda p, mod: p.custom_from_mask(mod, "weight", mask=mod.weight > 0),
    "random then l1": lambda p, mod: (p.random_unstructured(mod, "weight", amount=0.3),
                                      p.l1_unstructured(mod, "weight", amount=0.3)),
    "l1 then ln_structured": lambda p, mod: (p.l1_unstructured(mod, "weight", amount=4),
                                             p.ln_structured(mod, "weight", amount=1, n=2, dim=0)),
    "random_structured twice": lambda p, mod: (p.random_structured(mod, "weight", amount=1, dim=1),
                                               p.random_structured(mod, "weight", amount=2, dim=1)),
    "importance_scores": lambda p, mod: p.l1_unstructured(mod, "weight", amount=5,
                                                          importance_scores=mod.weight.detach().flip(0)),
}


def _pruned_linear(m, pruning):
    m.manual_seed(0)
    lin = m.nn.Linear(6, 5)
    PRUNINGS[pruning](_prune(m), lin)
    m.manual_seed(1)
    y = lin(m.randn(3, 6))
    y.backward(m.ones_like(y))
    names = [n for n, _ in lin.named_parameters()], [n for n, _ in lin.named_buffers()], list(lin.state_dict())
    arrays = [b.numpy() for _, b in lin.named_buffers()] + [y.detach().numpy()]
    arrays += [p.grad.numpy() for _, p in lin.named_parameters()]
    hooks = [(type(h).__name__, h._tensor_name, len(h) if hasattr(h, "__len__") else None)
             for h in lin._forward_pre_hooks.values()]
    return names, hooks, type(lin.weight).__name__, lin.weight.grad_fn.name() if lin.weight.grad_fn else None, arrays


@pytest.mark.parametrize("pruning", list(PRUNINGS))
def test_pruned_linear_matches_torch(pruning):
    torch = require_torch()
    ours, theirs = _pruned_linear(tinygrad_rnn, pruning), _pruned_linear(torch, pruning)
    assert ours[:4] == theirs[:4]
    for a, b in zip(ours[4], theirs[4]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_random_unstructured_draws_torchs_mask_on_a_conv_weight():
    torch = require_torch()
    masks = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(3)
        conv = m.nn.Conv2d(2, 4, 3)
        _prune(m).random_unstructured(conv, "weight", amount=0.37)
        masks.append(conv.weight_mask.numpy())
    np.testing.assert_array_equal(*masks)


def _remove(m):
    m.manual_seed(0)
    lin = m.nn.Linear(4, 3)
    p = _prune(m)
    p.l1_unstructured(lin, "weight", amount=0.5)
    p.ln_structured(lin, "weight", amount=1, n=2, dim=0)
    p.remove(lin, "weight")
    return ([n for n, _ in lin.named_parameters()], list(lin._buffers), len(lin._forward_pre_hooks),
            type(lin.weight).__name__, lin.weight.requires_grad, p.is_pruned(lin), lin.weight.detach().numpy())


def test_remove_makes_the_pruning_permanent_as_torch():
    torch = require_torch()
    ours, theirs = _remove(tinygrad_rnn), _remove(torch)
    assert ours[:-1] == theirs[:-1]
    np.testing.assert_array_equal(ours[-1], theirs[-1])


def _global(m, earlier):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(5, 4), m.nn.ReLU(), m.nn.Linear(4, 3))
    p = _prune(m)
    if earlier:
        p.l1_unstructured(model[0], "weight", amount=6)
    p.global_unstructured([(model[0], "weight"), (model[2], "weight"), (model[2], "bias")],
                          pruning_method=p.L1Unstructured, amount=0.4)
    return [b.numpy() for b in model.buffers()], [type(h).__name__ for h in model[0]._forward_pre_hooks.values()]


@pytest.mark.parametrize("earlier", [False, True])
def test_global_unstructured_matches_torch(earlier):
    torch = require_torch()
    ours, theirs = _global(tinygrad_rnn, earlier), _global(torch, earlier)
    assert ours[1] == theirs[1]
    for a, b in zip(ours[0], theirs[0]):
        np.testing.assert_array_equal(a, b)


def test_custom_method_with_only_compute_mask_prunes_as_torch():
    torch = require_torch()
    masks = []
    for m in (tinygrad_rnn, torch):
        p = _prune(m)

        class EveryOther(p.BasePruningMethod):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask

        lin = m.nn.Linear(3, 7)
        EveryOther.apply(lin, "bias")
        EveryOther.apply(lin, "bias")  # a second time: on the four entries left
        masks.append(lin.bias_mask.numpy())
    np.testing.assert_array_equal(*masks)


BAD_CALLS = {
    "negative int": lambda p, m: p.l1_unstructured(m.nn.Linear(3, 2), "weight", amount=-2),
    "float above 1": lambda p, m: p.random_unstructured(m.nn.Linear(3, 2), "weight", amount=1.2),
    "string": lambda p, m: p.l1_unstructured(m.nn.Linear(3, 2), "weight", amount="0.5"),
    "more than there are": lambda p, m: p.l1_unstructured(m.nn.Linear(3, 2), "weight", amount=7),
    "more channels than there are": lambda p, m: p.ln_structured(m.nn.Linear(3, 2), "weight", amount=3, n=2, dim=0),
    "structured on a vector": lambda p, m: p.random_structured(m.nn.Linear(3, 2), "bias", amount=1, dim=0),
    "dim out of range": lambda p, m: p.ln_structured(m.nn.Linear(3, 2), "weight", amount=1, n=2, dim=2),
    "remove unpruned": lambda p, m: p.remove(m.nn.Linear(3, 2), "weight"),
    "global of a non-iterable": lambda p, m: p.global_unstructured(3, pruning_method=p.L1Unstructured, amount=1),
    "importance scores of another shape": lambda p, m: p.l1_unstructured(
        m.nn.Linear(3, 2), "weight", amount=1, importance_scores=m.ones(3, 2)),
}


def _named(method, name):
    method._tensor_name = name
    return method


@pytest.mark.parametrize("call", list(BAD_CALLS))
def test_bad_pruning_calls_raise_torchs_errors(call):
    check_error(lambda m: BAD_CALLS[call](_prune(m), m))


def test_a_failed_pruning_leaves_the_module_as_it_was():
    lin = tinygrad_rnn.nn.Linear(3, 2)
    with pytest.raises(ValueError):
        _prune(tinygrad_rnn).l1_unstructured(lin, "weight", amount=7)
    assert [n for n, _ in lin.named_parameters()] == ["bias", "weight"] and not lin._forward_pre_hooks


# Their messages name a class or an object of the package: compared with the package's name and the address blanked.
BAD_CALLS_NAMING_OBJECTS = {
    "global of a structured method": lambda p, m: p.global_unstructured(
        [(m.nn.Linear(3, 2), "weight")], pruning_method=p.LnStructured, amount=1, n=2, dim=0),
}


@pytest.mark.parametrize("call", list(BAD_CALLS_NAMING_OBJECTS))
def test_bad_pruning_calls_naming_objects_raise_torchs_errors(call):
    torch = require_torch()
    errors = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(Exception) as error:
            BAD_CALLS_NAMING_OBJECTS[call](_prune(m), m)
        message = re.sub("0x[0-9a-f]+", "0x?", str(error.value).replace(m.__name__ + ".", "<package>."))
        errors.append((type(error.value), message))
    assert errors[0] == errors[1]


def test_a_pruning_method_prints_as_torchs():
    """The Pruning Tutorial prints `module._forward_pre_hooks`; a container's error names the container."""
    torch = require_torch()
    printed = []
    for m in (tinygrad_rnn, torch):
        p = _prune(m)

        class Mine(p.BasePruningMethod):
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                return default_mask

        conv = m.nn.Conv2d(1, 2, 3)
        p.random_unstructured(conv, "weight", amount=0.3)
        p.l1_unstructured(conv, "weight", amount=2)
        Mine.apply(conv, "bias")
        with pytest.raises(ValueError) as error:
            p.PruningContainer(_named(p.Identity(), "weight")).add_pruning_method(_named(p.Identity(), "bias"))
        hooks = re.sub("0x[0-9a-f]+", "0x?", repr(list(conv._forward_pre_hooks.values())))
        printed.append((hooks, re.sub("0x[0-9a-f]+", "0x?", str(error.value))))
    assert printed[0] == printed[1]
