import tinygrad_rnn as torch
import numpy as np
from numpy.random import random

# dataflowr (Marc Lelarge's course), Module 2: "Playing with pytorch: linear regression" (02b_linear_reg: numpy
# warm-up, then tensors with hand-written gradients, then autograd with torch.no_grad updates and grad.zero_(),
# then nn.Sequential whose weight.data is set by hand, MSELoss(reduction='sum'), param.data -= lr * param.grad and
# torch.optim.SGD); "Autodiff and Backpropagation, the functional way" (add/dot/squared_loss with make_vjp,
# evaluate_chain, backward_diff_chain) checked against torch.autograd.grad, torch.func.vjp and jacrev; the Exp
# autograd.Function its text shows; and 02_backprop's y = exp(w x + b) fitted by SGD with minibatches of size 1.
np.random.seed(2)
torch.manual_seed(2)
x = random((30, 2))
y = np.dot(x, [2., -3.]) + 1.
w_init = random(2)
b_init = random(1)
print("initial values of the parameters:", w_init.round(4), b_init.round(4))

dtype = torch.FloatTensor
x_t = torch.from_numpy(x).type(dtype)
y_t = torch.from_numpy(y).type(dtype).unsqueeze(1)
print(x_t.type(), x_t.shape, y_t.shape, x_t.is_contiguous(), y_t[:3])
w_init_t = torch.from_numpy(w_init).type(dtype)
b_init_t = torch.from_numpy(b_init).type(dtype)

# Gradient descent with tensors and a hand-written gradient
w_t = w_init_t.clone()
w_t.unsqueeze_(1)
b_t = b_init_t.clone()
b_t.unsqueeze_(1)
print("initial values of the parameters:", w_t, b_t)


def forward_t(x):
    return x.mm(w_t) + b_t


def loss_t(x, y):
    y_pred = forward_t(x)
    return (y_pred - y).pow(2).sum()


def gradient_t(x, y):  # d_loss/d_w, d_loss/d_c
    return 2 * torch.mm(torch.t(x), x.mm(w_t) + b_t - y), 2 * (x.mm(w_t) + b_t - y).sum()


learning_rate = 1e-2
for epoch in range(5):
    l_t = loss_t(x_t, y_t)
    grad_w, grad_b = gradient_t(x_t, y_t)
    w_t = w_t - learning_rate * grad_w
    b_t = b_t - learning_rate * grad_b
    print("progress:", "epoch:", epoch, "loss", l_t)
print("estimation of the parameters:", w_t, b_t)

# The same with autograd
w_v = w_init_t.clone().unsqueeze(1)
w_v.requires_grad_(True)
b_v = b_init_t.clone().unsqueeze(1)
b_v.requires_grad_(True)
print("initial values of the parameters:", w_v.data, b_v.data)
for epoch in range(5):
    y_pred = x_t.mm(w_v) + b_v
    loss = (y_pred - y_t).pow(2).sum()
    loss.backward()
    with torch.no_grad():
        w_v -= learning_rate * w_v.grad
        b_v -= learning_rate * b_v.grad
    w_v.grad.zero_()
    b_v.grad.zero_()
    print("progress:", "epoch:", epoch, "loss", loss.data.item())
print("estimation of the parameters:", w_v.data, b_v.data.t(), w_v.requires_grad, w_v.is_leaf)
print(torch.allclose(w_v.detach(), w_t), torch.allclose(b_v.detach(), b_t))

# The same with the nn package
model = torch.nn.Sequential(
    torch.nn.Linear(2, 1),
)
for m in model.children():
    m.weight.data = w_init_t.clone().unsqueeze(0)
    m.bias.data = b_init_t.clone()
print(model, list(model.parameters()))
loss_fn = torch.nn.MSELoss(reduction='sum')
model.train()
for epoch in range(5):
    y_pred = model(x_t)
    loss = loss_fn(y_pred, y_t)
    model.zero_grad()
    loss.backward()
    for param in model.parameters():
        param.data -= learning_rate * param.grad
    print("progress:", "epoch:", epoch, "loss", loss.data.item())
print("estimation of the parameters:", [p.data for p in model.parameters()])

optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
for epoch in range(5):
    loss = loss_fn(model(x_t), y_t)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"after SGD: {loss.item():.6f}", model[0].weight.data, model[0].bias.data, model.state_dict().keys())


# Autodiff the functional way: each function carries a make_vjp
def add(x, b):
    return x + b


def add_make_vjp(x, b):
    def vjp(u):
        return u, u
    return vjp


add.make_vjp = add_make_vjp


def dot(x, W):
    return np.dot(x, W)


def dot_make_vjp(x, W):
    def vjp(u):
        return np.dot(u, W.T), np.einsum('na,nb-> nab', x, u)
    return vjp


dot.make_vjp = dot_make_vjp


def squared_loss(y_pred, y):
    return np.array([np.sum((y - y_pred) ** 2)])


def squared_loss_make_vjp(y_pred, y):
    def vjp(u):
        diff = y_pred - y
        return 2 * diff, np.zeros_like(y)
    return vjp


squared_loss.make_vjp = squared_loss_make_vjp
rng = np.random.RandomState(0)
xf = rng.random((30, 2)).astype('float32')
yf = np.expand_dims(np.dot(xf, [2., -3.]) + 1., axis=1).astype('float32')


def evaluate_chain(x, funcs, params, return_all=False):
    all_x = [x]
    for (f, p) in zip(funcs, params):
        x = f(all_x[-1], p)
        all_x.append(x)
    return all_x if return_all else x


def backward_diff_chain(x, funcs, params):
    xs = evaluate_chain(x, funcs, params, return_all=True)
    K = len(funcs)
    u = None
    J = [None] * K
    for (k, (f, p, x)) in reversed(list(enumerate(zip(funcs, params, xs)))):
        vjp_x, vjp_param = f.make_vjp(x, p)(u)
        u = vjp_x
        J[k] = vjp_param
    return xs[-1], u, J


rng = np.random.RandomState(0)
funcs, params = [dot, add, squared_loss], [rng.randn(2, 1), rng.randn(1), yf]
loss_np, grad_x, grads = backward_diff_chain(xf, funcs, params)
print(loss_np.round(3), grad_x.shape, [g.shape for g in grads])

# The same gradients from torch's autograd, and from torch.func
W = torch.tensor(params[0], requires_grad=True)
b = torch.tensor(params[1], requires_grad=True)
X, Y = torch.from_numpy(xf).double(), torch.from_numpy(yf).double()
loss_torch = ((Y - (X @ W + b)) ** 2).sum()
gW, gb = torch.autograd.grad(loss_torch, [W, b])
print(loss_torch.dtype, np.allclose(loss_torch.item(), loss_np[0]))
print(np.allclose(gW.numpy(), grads[0].sum(0)), np.allclose(gb.numpy(), grads[1].sum(0)), gW.t(), gb)


def loss_of(W, b):
    return ((Y - (X @ W + b)) ** 2).sum()


value, vjp_fn = torch.func.vjp(loss_of, W.detach(), b.detach())
vW, vb = vjp_fn(torch.ones_like(value))
print(torch.allclose(vW, gW), torch.allclose(vb, gb), value.shape)
jac = torch.func.jacrev(lambda X: X @ W.detach() + b.detach())(X[:3])
print(jac.shape, torch.equal(jac[1, 0, 1], W.detach()[:, 0]), jac[0, 0, 1].sum())
per_example = torch.func.vmap(torch.func.grad(lambda W, x, y: ((y - x @ W - b.detach()) ** 2).sum()),
                              in_dims=(None, 0, 0))(W.detach(), X, Y)
print(per_example.shape, np.allclose(per_example.numpy(), grads[0]))


def optim_SGD(grads, learning_rate=1e-2):
    return [-learning_rate * g.sum(0) for i, g in enumerate(grads)]


def update_params(updates, params):
    return [params[i] + u for i, u in enumerate(updates)]


for epoch in range(3):
    loss_np, _, grads = backward_diff_chain(xf, funcs, params)
    params = update_params(optim_SGD(grads), params)
    print("epoch", epoch, loss_np.round(4))


# The Exp Function from the notebook's text
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


inp = torch.tensor([0.0, 0.5, 1.0], requires_grad=True)
output = Exp.apply(inp)
output.sum().backward()
print(output, output.grad_fn.__class__.__name__, inp.grad)
print(torch.autograd.gradcheck(Exp.apply, (torch.rand(3, dtype=torch.double, requires_grad=True),)))

# 02_backprop: recover w, b of y = exp(w x + b) by SGD with minibatches of size 1, autograd doing the backprop
w, b = 0.5, 2
xx = np.arange(0, 1, .1)
yy = np.exp(w * xx + b)
xx_t, yy_t = torch.from_numpy(xx).float(), torch.from_numpy(yy).float()
w_v = torch.randn(1, requires_grad=True)
b_v = torch.randn(1, requires_grad=True)
lr = 1e-4
for epoch in range(3):
    total = 0.0
    for x_s, y_s in zip(xx_t, yy_t):
        loss = (torch.exp(w_v * x_s + b_v) - y_s).pow(2)
        loss.backward()
        with torch.no_grad():
            w_v.sub_(lr * w_v.grad)
            b_v.sub_(lr * b_v.grad)
        w_v.grad.zero_()
        b_v.grad.data.zero_()
        total += loss.item()
    print("epoch", epoch, round(total, 3), w_v, b_v.data)
