import tinygrad_rnn as torch
# The autograd and tensor mistakes of PyTorch forum threads ("Trying to backward through the graph a second
# time", "grad can be implicitly created only for scalar outputs", "Can't call numpy() on Tensor that
# requires grad", "a leaf Variable that requires grad is being used in an in-place operation", "view size is
# not compatible with input tensor's size and stride") and of the autograd chapters of course notebooks:
# each block makes one mistake and prints the error torch gives for it.
torch.manual_seed(0)


def attempt(label, mistake):
    """Runs one mistake and prints its exception's type and message (or that nothing was raised)."""
    try:
        mistake()
        print(f"{label}: no error")
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")


def backward_twice():
    w = torch.randn(3, requires_grad=True)
    loss = (w.exp() * 2).sum()
    loss.backward()
    loss.backward()


def backward_twice_through_a_shared_hidden_state():
    cell = torch.nn.RNNCell(2, 3)
    h = torch.zeros(1, 3)
    for step in range(2):
        h = cell(torch.randn(1, 2), h)
        h.sum().backward()


def in_place_on_a_saved_tensor():
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()
    c = b * 2
    b.add_(1)
    c.sum().backward()
    (b ** 2).sum().backward()


def in_place_relu_after_sigmoid():
    a = torch.randn(3, requires_grad=True)
    b = torch.sigmoid(a)
    torch.relu_(b)
    b.sum().backward()


def in_place_update_of_weights_without_no_grad():
    w = torch.randn(3, requires_grad=True)
    (w * 2).sum().backward()
    w -= 0.1 * w.grad


def grad_of_non_leaf():
    w = torch.randn(3, requires_grad=True)
    y = w * 2
    y.sum().backward()
    return y.grad


def zero_grad_of_none():
    w = torch.randn(3, requires_grad=True)
    w.grad.zero_()


def backward_of_a_loss_made_under_no_grad():
    w = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        loss = (w * 2).sum()
    loss.backward()


x = torch.randn(2, 3, requires_grad=True)
attempt("backward twice", backward_twice)
attempt("backward twice, RNN hidden state carried over", backward_twice_through_a_shared_hidden_state)
attempt("backward on a non-scalar", lambda: (x * 2).backward())
attempt("backward with a wrong-shaped gradient", lambda: (x * 2).backward(torch.ones(3)))
attempt("backward of a tensor without grad", lambda: torch.ones(3).sum().backward())
attempt("backward after detach", lambda: (x * 2).detach().sum().backward())
attempt("backward of a loss made under no_grad", backward_of_a_loss_made_under_no_grad)
attempt("numpy() of a tensor that requires grad", lambda: x.numpy())
attempt("numpy() of a result that requires grad", lambda: (x * 2).numpy())
attempt("tolist() is fine", lambda: (x * 0).tolist())
attempt("in-place on a leaf that requires grad", lambda: x.add_(1))
attempt("item assignment into a leaf", lambda: x.__setitem__(0, 1.0))
attempt("in-place on a saved tensor", in_place_on_a_saved_tensor)
attempt("in-place relu on sigmoid's output", in_place_relu_after_sigmoid)
attempt("weights updated without no_grad", in_place_update_of_weights_without_no_grad)
attempt("grad of a non-leaf", grad_of_non_leaf)
attempt("zero_() of grad that is None", zero_grad_of_none)
attempt("requires_grad on an integer tensor", lambda: torch.tensor([1, 2], requires_grad=True))
attempt("requires_grad_ on a Long tensor", lambda: torch.arange(3).requires_grad_())
attempt("requires_grad of a non-leaf set to False", lambda: setattr(x * 2, "requires_grad", False))
attempt("autograd.grad of an unused input",
        lambda: torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)]))
attempt("autograd.grad of a non-scalar", lambda: torch.autograd.grad(x * 2, x))
attempt("autograd.grad of an input without grad", lambda: torch.autograd.grad((x * 2).sum(), torch.ones(2)))
attempt("view of a transposed tensor", lambda: x.t().view(6))
attempt("view of a permuted batch", lambda: torch.randn(2, 3, 4).permute(1, 0, 2).view(3, 8))
attempt("view to an impossible size", lambda: x.view(4, 2))
attempt("reshape to an impossible size", lambda: x.reshape(5, -1))
attempt("reshape with two -1", lambda: x.reshape(-1, -1))
attempt("item() of many elements", lambda: x.item())
attempt("loss.item without the call, formatted", lambda: print(f"loss {(x * 0).sum().item:.4f}"))
attempt("x.shape(0)", lambda: x.shape(0))
attempt("x.size[0]", lambda: x.size[0])
attempt("shape plus a list", lambda: x.shape + [1])
attempt("torch.Tensor with a dtype", lambda: torch.Tensor([1, 2], dtype=torch.float64))
attempt("torch.Tensor of a str", lambda: torch.Tensor("1.5"))
attempt("float() of many elements", lambda: float(torch.ones(3)))
attempt("int() of many elements", lambda: int(torch.ones(2)))
attempt("bool of many values in an if", lambda: bool(torch.tensor([1.0, 2.0]) > 1))
attempt("and of two tensors", lambda: torch.tensor([1, 2]) > 0 and torch.tensor([1, 2]) < 3)
attempt("tensor of ragged lists", lambda: torch.tensor([[1, 2], [3]]))
attempt("tensor of a list of tensors", lambda: torch.tensor([torch.ones(2), torch.ones(2)]))
attempt("from_numpy of a list", lambda: torch.from_numpy([1, 2]))
attempt("index out of range", lambda: torch.zeros(3)[3])
attempt("negative index out of range", lambda: torch.zeros(2, 3)[:, -4])
attempt("too many indices", lambda: torch.zeros(3)[0, 0])
attempt("float index", lambda: torch.zeros(3)[1.0])
attempt("float tensor index", lambda: torch.zeros(3)[torch.tensor([0.0, 1.0])])
attempt("mask of the wrong shape", lambda: torch.zeros(3)[torch.tensor([True, False])])
attempt("expand a non-singleton dim", lambda: torch.zeros(2, 3).expand(4, 3))
attempt("expand to fewer dims", lambda: torch.zeros(2, 3).expand(3))
attempt("in-place add of a broadcast result", lambda: torch.zeros(3).add_(torch.ones(2, 3)))
attempt("Long in-place add of floats", lambda: torch.zeros(3, dtype=torch.long).add_(torch.ones(3) / 2))
attempt("squeeze a dim out of range", lambda: torch.zeros(2, 3).squeeze(2))
attempt("transpose a dim out of range", lambda: torch.zeros(2, 3).transpose(1, 2))
attempt("sum over a dim out of range", lambda: torch.zeros(2, 3).sum(dim=2))
attempt("permute with too few dims", lambda: torch.zeros(2, 3, 4).permute(0, 2))
attempt("permute with a repeated dim", lambda: torch.zeros(2, 3).permute(0, 0))
attempt("argmax of an empty tensor", lambda: torch.zeros(0).argmax())
attempt("max of an empty tensor", lambda: torch.zeros(0).max())
attempt("mean of a Long tensor", lambda: torch.tensor([1, 2]).mean())
