import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
# NYU Deep Learning (Canziani) notebooks 01-03: the tensor tutorial, space stretching by random
# linear and non-linear transformations (with an SVD), and the autograd tutorial.
torch.manual_seed(1)
t = torch.Tensor(2, 3, 4)
print(type(t).__name__, t.size(), t.dim(), t.numel())
t.random_(10)
print(t)
r = torch.Tensor(t)
r.resize_(3, 8)
print(r, r.shape)
r.zero_()
print(t)
s = r.clone()
s.fill_(1)
print(r, s)
v = torch.Tensor([1, 2, 3, 4])
print(v, v.dim(), v.size())
w = torch.Tensor([1, 0, 2, 0])
print(v * w, v @ w, v.dot(w))
x = torch.Tensor(5).random_(10)
print(x, x[0], x[-1], x[1:2 + 1], x[:1 + 1])
v = torch.arange(1, 4 + 1)
print(v, v.pow(2), v)
m = torch.Tensor([[2, 5, 3, 7], [4, 2, 1, 9]])
print(m, m.dim(), m.size(0), m.size(1), m.size(), m.numel())
print(m[0][2], m[0, 2], m[:, 1], m[:, [1]], m[[0], :], m[0, :], torch.arange(1., 3 + 1))
v = torch.arange(1., 4 + 1)
print(m @ v, m[[0], :] @ v, m[[1], :] @ v)
print(m + torch.rand(2, 4), m - torch.rand(2, 4), m * torch.rand(2, 4), m / torch.rand(2, 4).add(1))
print(m.t(), m.transpose(0, 1), torch.arange(3., 8 + 1), torch.arange(5.7, -3, -2.1))
print(torch.linspace(3, 8, 20).view(1, -1), torch.zeros(3, 5), torch.ones(3, 2, 5), torch.eye(3))
m2x4 = torch.Tensor([[2, 5, 3, 7], [4, 2, 1, 9]])
m1 = torch.cat((m2x4, m2x4))
print(m1, torch.cat((m2x4, m2x4), 0), torch.cat((m2x4, m2x4), 1))
m = torch.randperm(12).reshape(3, 4)
print(m, m.numpy(), m.dtype)
m_np = np.arange(5)
m_torch = torch.from_numpy(m_np)
print(m_np, m_torch)
m_np[2] = 7
print(m_np, m_torch)
a = torch.Tensor([1, 2])
print(a.max(), a.max().item(), a.sum(), a.mean(), a.long(), a.int().dtype, a.double().dtype)

# space stretching
n_points = 20
X = torch.randn(n_points, 2)
colors = X[:, 0]
print(X[:3], colors[:3])
for i in range(3):
    W = torch.randn(2, 2)
    Y = X @ W.t()
    U, S, V = torch.svd(W)
    print(W, S)
    print(Y[:2], U.shape, V.shape)
    print(torch.dist(U @ torch.diag(S) @ V.t(), W) < 1e-5)
model = nn.Sequential(
    nn.Linear(2, 2, bias=False)
)
with torch.no_grad():
    Y = model(X)
print(Y[:2], Y.requires_grad)
z = 5
model = nn.Sequential(
    nn.Linear(2, 2, bias=False),
    nn.Tanh()
)
for s in range(1, z + 1, 2):
    W = s * torch.eye(2)
    model[0].weight.data.copy_(W)
    Y = model(X).data
    print(s, Y[:2], Y.abs().max())
n_hidden = 5
NL = nn.ReLU()
for i in range(2):
    model = nn.Sequential(
        nn.Linear(2, n_hidden),
        NL,
        nn.Linear(n_hidden, 2)
    )
    model.to(torch.device("cpu"))
    with torch.no_grad():
        Y = model(X)
    print(Y[:3], model[0].weight.data.norm())
U, S, Vh = torch.linalg.svd(torch.tensor([[3.0, 1.0], [1.0, 3.0]]))
print(U.abs(), S, Vh.abs())

# autograd
x = torch.tensor([[1, 2], [3, 4]], requires_grad=True, dtype=torch.float32)
print(x)
y = x - 2
print(y, y.grad_fn, x.grad_fn)
print(y.grad_fn.next_functions[0][0], y.grad_fn.next_functions[0][0].variable)
z = y * y * 3
a = z.mean()
print(z, a)
a.backward()
print(x.grad)
x = torch.randn(3, requires_grad=True)
y = x * 2
i = 0
while y.data.norm() < 1000:
    y = y * 2
    i += 1
print(y, i)
gradients = torch.FloatTensor([0.1, 1.0, 0.0001])
y.backward(gradients)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
a = torch.empty(3, 5).uniform_(0, 1)
print(a.requires_grad)
a.requires_grad_()
b = a.mul(2)
print(b.requires_grad, b.grad_fn.name(), b.is_leaf, a.is_leaf)
x = torch.arange(1., 5).requires_grad_()
y = (x ** 3).sum()
gx, = torch.autograd.grad(y, x, create_graph=True)
print(gx, gx.grad_fn)
gx.sum().backward()
print(x.grad)
