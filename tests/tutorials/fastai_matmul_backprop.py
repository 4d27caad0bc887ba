import tinygrad_rnn as torch
tensor = torch.tensor
F = torch.nn.functional
# fast.ai part 2 (2022), 01_matmul and 03_backprop: matrix multiplication from loops to einsum,
# then a two-layer MLP's forward and backward passes by hand, refactored into modules, checked with autograd.
def test_close(a, b, eps=1e-5):
    assert torch.allclose(a, b, rtol=0, atol=eps), f"near: {a}\n{b}"
def test_eq(a, b):
    assert a == b, f"{a} != {b}"
torch.manual_seed(1)
x_train = torch.randn(50, 16)
y_train = torch.randint(0, 10, (50,))
x_valid = torch.randn(10, 16)
print(x_train.shape, x_train.type(), y_train.dtype, y_train[:8])
weights = torch.randn(16, 10)
bias = torch.zeros(10)
m1 = x_valid[:5]
m2 = weights
print(m1.shape, m2.shape)
ar, ac = m1.shape
br, bc = m2.shape
t1 = torch.zeros(ar, bc)
for i in range(ar):
    for j in range(bc):
        for k in range(ac):
            t1[i, j] += m1[i, k] * m2[k, j]
print(t1)
print(t1.shape)
torch.set_printoptions(precision=2, linewidth=140, sci_mode=False)
print(t1)
def matmul(a, b):
    (ar, ac), (br, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            c[i, j] = (a[i, :] * b[:, j]).sum()
    return c
test_close(t1, matmul(m1, m2))
a = tensor([10., 6, -4])
b = tensor([2., 8, 7])
print(a + b, a < b, (a < b).float().mean())
m = tensor([[1., 2, 3], [4, 5, 6], [7, 8, 9]])
print(m, (m * m).sum().sqrt(), m[2, :], m[2])
c = tensor([10., 20, 30])
print(a > 0, a + 1, 2 * m, c + m)
t = c.expand_as(m)
print(t, t.storage().size() if hasattr(t, 'storage') else None, t.stride(), t.shape)
print(c.unsqueeze(0), c[None, :], c.unsqueeze(0).shape)
print(c.unsqueeze(1), c[:, None], c.unsqueeze(1).shape)
print(c.shape, c[None].shape, c[..., None].shape)
print(c[:, None].expand_as(m))
print(m + c[:, None], m + c[None, :])
print(c[None, :] * c[:, None])
print(c[None] > c[:, None])
def matmul(a, b):
    (ar, ac), (br, bc) = a.shape, b.shape
    c = torch.zeros(ar, bc)
    for i in range(ar):
        c[i] = (a[i, :, None] * b).sum(dim=0)
    return c
test_close(t1, matmul(m1, m2))
print(matmul(x_valid, weights).shape)
mr = torch.einsum('ik,kj->ikj', m1, m2)
print(mr.shape, mr.sum(1))
def matmul(a, b):
    return torch.einsum('ik,kj->ij', a, b)
test_close(t1, matmul(m1, m2))
test_close(t1, m1 @ m2)
test_close(t1, torch.matmul(m1, m2))
print(torch.einsum('ij->ji', m1).shape, torch.einsum('i,i->', a, b), torch.einsum('bi,bj->bij', m1, m1).shape)
g = torch.Generator().manual_seed(42)
print(torch.randn(3, generator=g), torch.rand(2, 2, generator=g))
print(torch.randn(3, generator=torch.Generator().manual_seed(42)))
torch.set_printoptions(profile='default')
# 03_backprop
n, m = x_train.shape
c = 1
nh = 20
y_trn, y_val = y_train.float(), torch.randint(0, 10, (10,)).float()
w1 = torch.randn(m, nh)
b1 = torch.zeros(nh)
w2 = torch.randn(nh, 1)
b2 = torch.zeros(1)
def lin(x, w, b): return x @ w + b
t = lin(x_valid, w1, b1)
print(t.shape)
def relu(x): return x.clamp_min(0.)
t = relu(t)
print(t[:2, :6])
def model(xb):
    l1 = lin(xb, w1, b1)
    l2 = relu(l1)
    return lin(l2, w2, b2)
res = model(x_valid)
print(res.shape, (res - y_val).shape, (res[:, 0] - y_val).shape, res.squeeze().shape)
def mse(output, targ): return (output[:, 0] - targ).pow(2).mean()
preds = model(x_train)
print(preds.shape, mse(preds, y_trn))
def lin_grad(inp, out, w, b):
    inp.g = out.g @ w.t()
    w.g = inp.t() @ out.g
    b.g = out.g.sum(0)
def forward_and_backward(inp, targ):
    l1 = lin(inp, w1, b1)
    l2 = relu(l1)
    out = lin(l2, w2, b2)
    diff = out[:, 0] - targ
    loss = diff.pow(2).mean()
    out.g = 2. * diff[:, None] / inp.shape[0]
    lin_grad(l2, out, w2, b2)
    l1.g = (l1 > 0).float() * l2.g
    lin_grad(inp, l1, w1, b1)
forward_and_backward(x_train, y_trn)
w1_outer = (x_train.unsqueeze(-1) * w1.new_ones(1) * (x_train @ w1 + b1 > 0).float().mul(
    (((x_train @ w1 + b1).clamp_min(0.) @ w2 + b2)[:, 0] - y_trn)[:, None] * 2. / x_train.shape[0] @ w2.t()).unsqueeze(1)).sum(0)
w1_einsum = torch.einsum('bi,bj->ij', x_train, (x_train @ w1 + b1 > 0).float() * ((
    ((x_train @ w1 + b1).clamp_min(0.) @ w2 + b2)[:, 0] - y_trn)[:, None] * 2. / x_train.shape[0] @ w2.t()))
test_close(w1_outer, w1.g, eps=1e-3)
test_close(w1_einsum, w1.g, eps=1e-3)
print(w1_einsum[:2, :4], w1_outer.shape)
def get_grad(x): return x.g.clone()
chks = w1, w2, b1, b2, x_train
grads = w1g, w2g, b1g, b2g, ig = tuple(map(get_grad, chks))
print(w2g.T, b2g, ig[0, :4])
def mkgrad(x): return x.clone().requires_grad_(True)
ptgrads = w12, w22, b12, b22, xt2 = tuple(map(mkgrad, chks))
def forward(inp, targ):
    l1 = lin(inp, w12, b12)
    l2 = relu(l1)
    out = lin(l2, w22, b22)
    return mse(out, targ)
loss = forward(xt2, y_trn)
loss.backward()
print(loss, loss.grad_fn.name(), w22.grad.T)
for a, b in zip(grads, ptgrads):
    test_close(a, b.grad, eps=0.01)
class Relu():
    def __call__(self, inp):
        self.inp = inp
        self.out = inp.clamp_min(0.)
        return self.out
    def backward(self): self.inp.g = (self.inp > 0).float() * self.out.g
class Lin():
    def __init__(self, w, b): self.w, self.b = w, b
    def __call__(self, inp):
        self.inp = inp
        self.out = lin(inp, self.w, self.b)
        return self.out
    def backward(self):
        self.inp.g = self.out.g @ self.w.t()
        self.w.g = self.inp.t() @ self.out.g
        self.b.g = self.out.g.sum(0)
class Mse():
    def __call__(self, inp, targ):
        self.inp, self.targ = inp, targ
        self.out = mse(inp, targ)
        return self.out
    def backward(self):
        self.inp.g = 2. * (self.inp.squeeze() - self.targ).unsqueeze(-1) / self.targ.shape[0]
class Model():
    def __init__(self, w1, b1, w2, b2):
        self.layers = [Lin(w1, b1), Relu(), Lin(w2, b2)]
        self.loss = Mse()
    def __call__(self, x, targ):
        for l in self.layers: x = l(x)
        return self.loss(x, targ)
    def backward(self):
        self.loss.backward()
        for l in reversed(self.layers): l.backward()
model = Model(w1, b1, w2, b2)
loss = model(x_train, y_trn)
model.backward()
print(loss)
test_close(w2g, w2.g, eps=0.01)
test_close(b2g, b2.g, eps=0.01)
test_close(ig, x_train.g, eps=0.01)
class Module():
    def __call__(self, *args):
        self.args = args
        self.out = self.forward(*args)
        return self.out
    def forward(self): raise Exception('not implemented')
    def backward(self): self.bwd(self.out, *self.args)
    def bwd(self): raise Exception('not implemented')
class Relu(Module):  # noqa: F811  (the course redefines its layers as Modules)
    def forward(self, inp): return inp.clamp_min(0.)
    def bwd(self, out, inp): inp.g = (inp > 0).float() * out.g
class Lin(Module):  # noqa: F811
    def __init__(self, w, b): self.w, self.b = w, b
    def forward(self, inp): return inp @ self.w + self.b
    def bwd(self, out, inp):
        inp.g = self.out.g @ self.w.t()
        self.w.g = inp.t() @ self.out.g
        self.b.g = self.out.g.sum(0)
class Mse(Module):  # noqa: F811
    def forward(self, inp, targ): return (inp.squeeze() - targ).pow(2).mean()
    def bwd(self, out, inp, targ): inp.g = 2 * (inp.squeeze() - targ).unsqueeze(-1) / targ.shape[0]
model = Model(w1, b1, w2, b2)
loss = model(x_train, y_trn)
model.backward()
test_close(w2g, w2.g, eps=0.01)
test_close(ig, x_train.g, eps=0.01)
nn = torch.nn
class Linear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.w = torch.randn(n_in, n_out).requires_grad_()
        self.b = torch.zeros(n_out).requires_grad_()
    def forward(self, inp): return inp @ self.w + self.b
class Model(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.layers = [Linear(n_in, nh), nn.ReLU(), Linear(nh, n_out)]
    def __call__(self, x, targ):
        for l in self.layers: x = l(x)
        return F.mse_loss(x, targ[:, None])
model = Model(m, nh, 1)
loss = model(x_train, y_trn)
loss.backward()
l0 = model.layers[0]
print(loss, l0.b.grad[:5], l0.w.grad.shape, list(model.parameters()))
