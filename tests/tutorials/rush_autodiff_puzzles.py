import tinygrad_rnn as torch
import math
import random

# Sasha Rush's "Autodiff Puzzles": for each f the solver writes dx(i, o) = d f(x)_o / d x_i in one line of plain
# Python, and the notebook's lib.py builds the Jacobian element by element (m, v: torch.zeros filled by
# indexing with Python numbers, bools and 0-d tensors), compares it with a forward-difference numerical_deriv
# (x + 1e-5 * torch.eye(s)[i]) through torch.isclose(atol=1e-2).nonzero(), and lists the bad (in, out) pairs.
# Here the solutions are filled in, and each Jacobian is also checked against torch.func.jacrev,
# torch.autograd.functional.jacobian and vmap(grad). (12 points instead of 50; no chalk drawings or pandas.)
random.seed(0)
torch.manual_seed(0)


def m(inp, out, f):
    ret = torch.zeros(inp.shape[0], out.shape[0])
    for i in range(ret.shape[0]):
        for j in range(ret.shape[1]):
            ret[i, j] = f(i, j)
    return ret.T


def v(s, f):
    ret = torch.zeros(s)
    for i in range(s):
        ret[i] = f(i)
    return ret


def numerical_deriv(fb, x, out):
    s = x.shape[0]
    dx2 = torch.zeros(out.shape[0], s)
    for i in range(s):
        up = x + 1e-5 * torch.eye(s)[i]
        f = fb(up)
        for j in range(out.shape[0]):
            dx2[j, i] = (f(j) - out[j]) / 1e-5
    return dx2


def one_argf(fb, x, out_shape):
    f, dx = fb(x)
    out = v(out_shape, f)
    dx = m(x, out, dx)
    dx2 = numerical_deriv(lambda a: fb(a)[0], x, out)
    return out, dx, dx2


def two_argf(fb, x, y, out_shape):
    f, dx, dy = fb(x, y)
    out = v(out_shape, f)
    dx = m(x, out, dx)
    dy = m(y, out, dy)
    dx2 = numerical_deriv(lambda a: fb(a, y)[0], x, out)
    dy2 = numerical_deriv(lambda b: fb(x, b)[0], y, out)
    return out, dx, dy, dx2, dy2


def check(dx, dx2):
    bad = {}
    for j, i in (~torch.isclose(dx, dx2, atol=1e-2)).nonzero():
        bad.setdefault(i.item(), [])
        bad[i.item()].append(j.item())
    return bad


N = 12
gy = torch.tensor([math.sin(x / 4) * 0.5 + (random.random() - 0.5) for x in range(N)])
print(gy.dtype, gy.shape, gy[:4])


def fb_id(x):
    f = lambda o: x[0]  # noqa: E731
    dx = lambda i, o: 1  # noqa: E731
    return f, dx


def fb_cos(x):
    f = lambda o: math.cos(x[0])  # noqa: E731
    dx = lambda i, o: -math.sin(x[0])  # noqa: E731
    return f, dx


def fb_mean(x):
    N = x.shape[0]
    f = lambda o: sum(x[i] for i in range(N)) / N  # noqa: E731
    dx = lambda i, o: 1 / N  # noqa: E731
    return f, dx


def fb_prod(x):
    pr = torch.prod(x)
    f = lambda o: pr  # noqa: E731
    dx = lambda i, o: pr / x[i] if x[i] != 0 else 0  # noqa: E731
    return f, dx


def fb_repeat_scale(x):
    N = 12
    f = lambda o: x[0] * (o / N)  # noqa: E731
    dx = lambda i, o: o / N  # noqa: E731
    return f, dx


def fb_neg(x):
    f = lambda o: -x[o]  # noqa: E731
    dx = lambda i, o: -(i == o)  # noqa: E731
    return f, dx


def fb_relu(x):
    f = lambda o: (x[o] > 0) * x[o]  # noqa: E731
    dx = lambda i, o: (i == o) * (x[o] > 0)  # noqa: E731
    return f, dx


def fb_index(x):
    f = lambda o: x[o + 4]  # noqa: E731
    dx = lambda i, o: (o + 4) == i  # noqa: E731
    return f, dx


def fb_cumsum(x):
    out = torch.cumsum(x, 0)
    f = lambda o: out[o] / 20  # noqa: E731
    dx = lambda i, o: (i <= o) / 20  # noqa: E731
    return f, dx


def fb_running(x):
    W = 3
    f = lambda o: sum([x[o - do] for do in range(W) if o - do >= 0]) / W  # noqa: E731
    dx = lambda i, o: (0 <= o - i < W) / W  # noqa: E731
    return f, dx


def fb_sigmoid(x):
    f = lambda o: 1 / (1 + torch.exp(-x[o]))  # noqa: E731
    dx = lambda i, o: (i == o) * f(o) * (1 - f(o))  # noqa: E731
    return f, dx


def fb_sort(x):
    sort, argsort = torch.sort(x, 0)
    f = lambda o: sort[o]  # noqa: E731
    dx = lambda i, o: argsort[o] == i  # noqa: E731
    return f, dx


torch_versions = {
    "fb_id": lambda x: x[:1], "fb_cos": lambda x: torch.cos(x[:1]), "fb_mean": lambda x: x.mean().reshape(1),
    "fb_prod": lambda x: x.prod().reshape(1), "fb_repeat_scale": lambda x: x[0] * torch.arange(12) / 12,
    "fb_neg": lambda x: -x, "fb_relu": torch.relu, "fb_index": lambda x: x[4:], "fb_cumsum": lambda x: x.cumsum(0) / 20,
    "fb_running": lambda x: torch.nn.functional.avg_pool1d(torch.nn.functional.pad(x[None], (2, 0)), 3, 1)[0],
    "fb_sigmoid": torch.sigmoid, "fb_sort": lambda x: torch.sort(x).values,
}
for fb, y, out_shape in [(fb_id, gy[1:2], 1), (fb_cos, gy[1:2], 1), (fb_mean, gy, 1), (fb_prod, gy, 1),
                         (fb_repeat_scale, gy[1:2], N), (fb_neg, gy, N), (fb_relu, gy, N), (fb_index, gy, N - 4),
                         (fb_cumsum, gy, N), (fb_running, gy, N), (fb_sigmoid, gy, N), (fb_sort, gy, N)]:
    out, dx, dx2 = one_argf(fb, y, out_shape)
    bad = check(dx, dx2)
    f_torch = torch_versions[fb.__name__]
    jac = torch.func.jacrev(f_torch)(y)
    jac2 = torch.autograd.functional.jacobian(f_torch, y)
    print(fb.__name__, tuple(dx.shape), "Passed Tests!" if not bad else f"Errors {bad}",
          torch.allclose(dx, jac, atol=1e-5), torch.allclose(jac, jac2), torch.allclose(out, f_torch(y), atol=1e-6))
print(out[:4], dx[:3, :3], dx.dtype)

# A planted mistake, found the way the notebook reports it
def fb_neg_wrong(x):
    f = lambda o: -x[o]  # noqa: E731
    dx = lambda i, o: (i == o) if o < 3 else -(i == o)  # noqa: E731
    return f, dx


_, dx, dx2 = one_argf(fb_neg_wrong, gy, N)
print("Errors", check(dx, dx2), (~torch.isclose(dx, dx2, atol=1e-2)).sum())


def fb_add(x, y):
    f = lambda o: x[o] + y[o]  # noqa: E731
    dx = lambda i, o: i == o  # noqa: E731
    dy = lambda j, o: j == o  # noqa: E731
    return f, dx, dy


def fb_mul(x, y):
    f = lambda o: x[o] * y[o]  # noqa: E731
    dx = lambda i, o: (i == o) * y[o]  # noqa: E731
    dy = lambda j, o: (j == o) * x[o]  # noqa: E731
    return f, dx, dy


def fb_dot(x, y):
    f = lambda o: sum(x[i] * y[i] for i in range(x.shape[0]))  # noqa: E731
    dx = lambda i, o: y[i]  # noqa: E731
    dy = lambda j, o: x[j]  # noqa: E731
    return f, dx, dy


x, y2 = gy[:6], gy[6:]
for fb, out_shape, f_torch in [(fb_add, 6, torch.add), (fb_mul, 6, torch.mul), (fb_dot, 1, lambda a, b: (a @ b)[None])]:
    out, dx, dy, dx2, dy2 = two_argf(fb, x, y2, out_shape)
    jx, jy = torch.func.jacrev(f_torch, argnums=(0, 1))(x, y2)
    print(fb.__name__, check(dx, dx2), check(dy, dy2), torch.allclose(dx, jx, atol=1e-6), torch.allclose(dy, jy, atol=1e-6))

# The same derivatives, per example, with vmap over grad
g = torch.func.vmap(torch.func.grad(lambda a: torch.sigmoid(a)))(gy)
print(torch.allclose(g, torch.sigmoid(gy) * (1 - torch.sigmoid(gy))), g.shape)
hess = torch.func.hessian(lambda a: (a ** 3).sum())(gy[:3])
print(hess, torch.func.jacfwd(torch.sin)(gy[:2]))
