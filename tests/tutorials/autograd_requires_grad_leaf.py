import tinygrad_rnn as torch
# "Understanding requires_grad, retain_grad, Leaf, and Non-leaf Tensors" (beginner tutorial): a tiny
# neuron, what each tensor says about itself before and after backward, with and without retain_grad,
# and how the answers change for detach(), no_grad, requires_grad_() and in-place operations.
F = torch.nn.functional

x = torch.ones(1, 3)  # input tensor
W = torch.ones(3, 2, requires_grad=True)  # weights
b = torch.ones(1, 2, requires_grad=True)  # bias
y = torch.ones(1, 2)  # output

z = (x @ W) + b  # pre-activation
y_pred = F.relu(z)  # activation
loss = F.mse_loss(y_pred, y)  # loss


def get_tensor_info(tensor):
    info = []
    for name in ["requires_grad", "is_leaf", "retains_grad", "grad_fn", "grad"]:
        info.append(f"{name}({getattr(tensor, name, None)})")
    info.append(f"tensor({str(tensor)})")
    return " ".join(info)


tensors = {"x": x, "W": W, "b": b, "y": y, "z": z, "y_pred": y_pred, "loss": loss}


def print_table():
    for name, t in tensors.items():
        print(f"{name:7s}", get_tensor_info(t))


print_table()
loss.backward()
print("after backward")
print_table()

# now keep the gradients of the non-leaf tensors too
W.grad = None
b.grad = None
z = (x @ W) + b
y_pred = F.relu(z)
loss = F.mse_loss(y_pred, y)
z.retain_grad()
y_pred.retain_grad()
loss.retain_grad()
tensors.update(z=z, y_pred=y_pred, loss=loss)
loss.backward()
print("after backward with retain_grad")
print_table()

# retain_grad on a leaf does nothing special; a second backward accumulates
W.retain_grad()
print(W.retains_grad, W.is_leaf)
loss2 = F.mse_loss(F.relu((x @ W) + b), y)
loss2.backward()
print(W.grad, b.grad)

# detach and no_grad make leaves that do not require grad
d = z.detach()
print(get_tensor_info(d))
with torch.no_grad():
    n = (x @ W) + b
print(get_tensor_info(n))
c = n.requires_grad_()
print(c is n, get_tensor_info(n))

# in-place on a tensor that retains its grad
a = torch.tensor([1.0, 2.0], requires_grad=True)
h = a * 2
h.retain_grad()
h.mul_(3)
print(get_tensor_info(h))
h.sum().backward()
print(h.grad, a.grad)

# a tensor made from a leaf with operations is never a leaf
for t in [W * 1, W.t(), W[0], W.view(6), W.clone(), W + 0]:
    print(type(t.grad_fn).__name__, t.is_leaf, t.requires_grad)
print(torch.ones(2, requires_grad=True).is_leaf, torch.ones(2).is_leaf, torch.ones(2).requires_grad_().is_leaf)
