"""Bad input raises torch's exception type with torch's message (compared live with torch)."""
import numpy as np
import pytest
from helpers import check_error, require_torch

import tinygrad_rnn

ERRORS = [
    lambda m: m.ones(2, 3) + m.ones(4),
    lambda m: m.ones(2, 3) * m.ones(3, 2),
    lambda m: m.ones(2, 3).view(4, 2),
    lambda m: m.ones(2, 3).view(-1, 4),
    lambda m: m.ones(2, 3).view(-1, -1),
    lambda m: m.ones(2, 3).reshape(5),
    lambda m: m.ones(2, 3).t().view(6),
    lambda m: m.ones(2, 3).sum(2),
    lambda m: m.ones(2, 3).size(2),
    lambda m: m.ones(2, 3).softmax(-3),
    lambda m: m.ones(2, 3).unsqueeze(3),
    lambda m: m.ones(2, 3).transpose(0, 2),
    lambda m: m.ones(2, 3).permute(0),
    lambda m: m.ones(2, 3).expand(3, 3),
    lambda m: m.ones(2, 3).expand(3),
    lambda m: m.ones(2, 3)[2],
    lambda m: m.ones(2, 3)[0, 0, 0],
    lambda m: m.ones(2, 3)[m.tensor([0.5])],
    lambda m: m.ones(2, 3).item(),
    lambda m: m.ones(0).item(),
    lambda m: float(m.ones(2)),
    lambda m: bool(m.ones(2)),
    lambda m: len(m.tensor(1.0)),
    lambda m: iter(m.tensor(1.0)),
    lambda m: m.ones(2, requires_grad=True).numpy(),
    lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)]),
    lambda m: m.cat([m.ones(2, 3), m.ones(3)]),
    lambda m: m.cat([]),
    lambda m: m.stack([m.ones(2), m.ones(3)]),
    lambda m: m.ones(4).split([1, 2]),
    lambda m: m.ones(4).chunk(0),
    lambda m: m.ones(4).narrow(0, 3, 2),
    lambda m: m.ones(2, 3).mean(dtype=None) if False else m.tensor([1, 2]).mean(),
    lambda m: m.tensor([1, 2]).var(),
    lambda m: m.ones(3).topk(4),
    lambda m: m.ones(2, 3).t(0) if False else m.ones(2, 3, 4).t(),
    lambda m: m.where(m.ones(2), m.ones(2), m.zeros(2)),
    lambda m: m.ones(2).masked_fill(m.ones(2), 0.0),
    lambda m: m.ones(2).clamp(),
    lambda m: m.ones(2, 3).gather(1, m.tensor([[0.0]])),
    lambda m: m.stack([]),
    lambda m: m.ones(2).index_select(0, m.tensor([2])),
    lambda m: m.ones(2, 3).repeat(2),
    lambda m: m.ones(2, 3).flatten(1, 0),
    lambda m: m.ones(2).argmax(1),
    lambda m: m.zeros(0).argmax(),
    lambda m: m.zeros(0).max(),
    lambda m: m.zeros(2, 0).max(1),
    lambda m: m.ones(2)[::-1],
    lambda m: m.tensor([[1, 2], [3]]),
    lambda m: m.tensor(object()),
    lambda m: m.from_numpy([1, 2]),
    lambda m: m.Tensor(3.5),
    lambda m: m.Tensor(np.float64(2)),
    lambda m: m.zeros(-1),
    lambda m: m.zeros(2, -3),
    lambda m: m.randn(-1),
    lambda m: m.ones(2)[0, 0],
    lambda m: m.ones(2, device="cuda"),
    lambda m: m.ones(2).to("tpu"),
    lambda m: m.randint(5, 2, (3,)),
    lambda m: m.ones(2).requires_grad_().add_(1),
    lambda m: m.ones(2, 3).add_(m.ones(3, 3)),
    lambda m: m.arange(0, 1, 0),
    lambda m: m.ones(2).multinomial(3),
    lambda m: m.manual_seed(2**64),
    lambda m: m.ones(2, 3).squeeze(2),
    lambda m: m.ones(2, 3).unbind(2),
    lambda m: m.ones(2, 3).movedim((0, 1), (0,)),
    lambda m: m.ones(2).roll((1, 1), (0,)),
    # a creation function with no size (it used to return a 0-d tensor)
    lambda m: m.zeros(),
    lambda m: m.ones(),
    lambda m: m.empty(),
    lambda m: m.randn(),
    lambda m: m.rand(),
    lambda m: m.zeros((2,), size=(3,)),
    # torch.return_types take one 2-sequence
    lambda m: m.return_types.max((1, 2, 3)),
    lambda m: m.return_types.max(1),
    # permute: a repeated dim, found in order with the range check
    lambda m: m.ones(2, 3).permute(0, 0),
    lambda m: m.ones(2, 3, 4).permute(0, -3, 5),
    lambda m: m.ones(2, 3, 4).permute(5, 0, 0),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_error_type_and_message_match_torch(case):
    check_error(ERRORS[case])


def test_creation_takes_size_as_a_keyword_as_torch():
    """zeros(size=...) used to ignore the keyword and return a 0-d tensor."""
    torch = require_torch()
    for name in ("zeros", "ones", "empty", "randn", "rand"):
        assert getattr(tinygrad_rnn, name)(size=(2, 3)).shape == getattr(torch, name)(size=(2, 3)).shape


def test_return_types_accept_one_sequence_as_torch():
    torch = require_torch()
    values, indices = tinygrad_rnn.tensor([1.0, 3.0]), tinygrad_rnn.tensor([0, 1])
    ours = tinygrad_rnn.return_types.max((values, indices))
    theirs = torch.return_types.max((torch.tensor([1.0, 3.0]), torch.tensor([0, 1])))
    assert ours.values is values and ours.indices is indices
    assert repr(ours) == repr(theirs)
    assert tinygrad_rnn.return_types.topk([values, indices]).indices is indices


def _saved_leaf_changed(m):
    a = m.ones(3, requires_grad=True)
    s = a.sin()
    m.autograd.graph.increment_version(a)
    s.sum().backward()


def _saved_view_of_a_stepped_parameter(m):
    w = m.nn.Parameter(m.ones(2, 2))
    x = m.ones(1, 2, requires_grad=True)
    out = (x @ w.t()).sigmoid()
    with m.no_grad():
        w.mul_(2)  # as an optimizer step does: the saved w.t() is a view of w
    out.sum().backward()


@pytest.mark.parametrize("change", [_saved_leaf_changed, _saved_view_of_a_stepped_parameter])
def test_the_modified_by_an_inplace_operation_error_is_torchs(change):
    check_error(change)


def test_backward_with_the_removed_retain_variables_keyword_names_tensor_backward():
    # old tutorials (MorvanZhou's GAN) pass `retain_variables=True`; Python names the method as torch's
    check_error(lambda m: (m.ones(2, requires_grad=True) * 2).sum().backward(retain_variables=True))


@pytest.mark.parametrize("array", [np.array(["a"]), np.array([b"a"]), np.array([1, "x"], dtype=object),
                                   np.array([1], dtype="datetime64[s]"), np.array([1.0], dtype=np.longdouble)],
                         ids=["str", "bytes", "object", "datetime", "longdouble"])
@pytest.mark.parametrize("make", ["from_numpy", "as_tensor", "tensor"])
def test_an_unconvertible_array_is_named_by_numpys_scalar_type(array, make):
    """A pandas object column passed to torch.tensor: torch names numpy.object_ (not numpy.object), then lists
    the dtypes it converts (ours lists fewer: no complex, uint16/32/64)."""
    torch = require_torch()
    messages = []
    for m in (tinygrad_rnn, torch):
        with pytest.raises(TypeError) as caught:
            getattr(m, make)(array)
        messages.append(str(caught.value).split(" The only")[0])
    assert messages[0] == messages[1]


def _assign_grad(m, make):
    x = m.ones(2, 3, requires_grad=True)
    x.grad = make(m)


@pytest.mark.parametrize("make", [lambda m: m.ones(3, 2), lambda m: m.ones(2, 3, dtype=m.float64),
                                  lambda m: m.ones(2, 3, dtype=m.int64), lambda m: [[1.0] * 3] * 2],
                         ids=["size", "double", "long", "list"])
def test_assigning_a_grad_torch_refuses(make):
    check_error(lambda m: _assign_grad(m, make))


def test_assigning_a_matching_grad_or_none():
    x = tinygrad_rnn.ones(2, 3, requires_grad=True)
    x.grad = tinygrad_rnn.full((3, 2), 2.0).t()  # a strided gradient of the right size is fine
    assert x.grad.shape == (2, 3) and float(x.grad.sum()) == 12.0
    x.grad = None
    assert x.grad is None
