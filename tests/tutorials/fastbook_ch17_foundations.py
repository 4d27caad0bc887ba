import tinygrad_rnn as torch
from math import sqrt
nn = torch.nn
F = torch.nn.functional
Function = torch.autograd.Function
# fast.ai book "Deep Learning for Coders", chapters 17-19 (a neural net from the foundations, CNN
# interpretation with hooks, a Learner from scratch): matmul three ways and einsum, broadcasting rules,
# forward and backward passes by hand (inp.g attributes), a custom autograd Function, a Module/Parameter
# system from scratch with forward hooks recording activation stats, on small made-up tensors.
def matmul(a, b):
    ar, ac = a.shape  # n_rows * n_cols
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            for k in range(ac): c[i, j] += a[i, k] * b[k, j]
    return c
torch.manual_seed(0)
m1 = torch.randn(5, 12)
m2 = torch.randn(12, 4)
t1 = matmul(m1, m2)
print(t1, torch.allclose(t1, m1 @ m2, atol=1e-5))
a = torch.tensor([10., 6, -4])
b = torch.tensor([2., 8, 7])
print(a + b, (a < b).float().mean(), (a < b).all(), (a == b).all(), (a + b).mean().item())
m = torch.tensor([[1., 2, 3], [4, 5, 6], [7, 8, 9]])
print((m * m).sum().sqrt(), m[1, 1], m[1], m[:, 1])
def matmul(a, b):
    ar, ac = a.shape
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc): c[i, j] = (a[i] * b[:, j]).sum()
    return c
print(torch.allclose(matmul(m1, m2), t1, atol=1e-5))
# ------------------------------------------------------------------ broadcasting
print(a > 0, a + 1, m * 2)
c = torch.tensor([10., 20, 30])
print(m + c, c.expand_as(m))
t = c.expand_as(m)
print(t.untyped_storage().tolist() if hasattr(t, "untyped_storage") else None, t.stride(), t.shape, t.is_contiguous())
print(c + m)
m = torch.tensor([[1., 2, 3], [4, 5, 6]])
print(c + m)
c = torch.tensor([10., 20, 30])
m = torch.tensor([[1., 2, 3], [4, 5, 6], [7, 8, 9]])
print(c.unsqueeze(0).shape, c.unsqueeze(1).shape, c[None, :].shape, c[:, None].shape, c[None].shape, c[..., None].shape)
print(c.unsqueeze(1) + m, c[:, None].expand_as(m), c[:, None].expand_as(m).stride())
def matmul(a, b):
    ar, ac = a.shape
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        c[i] = (a[i].unsqueeze(-1) * b).sum(dim=0)
    return c
print(torch.allclose(matmul(m1, m2), t1, atol=1e-5))
def matmul(a, b): return (a.unsqueeze(-1) * b.unsqueeze(0)).sum(1)
print(torch.allclose(matmul(m1, m2), t1, atol=1e-5))
def matmul(a, b): return torch.einsum('ik,kj->ij', a, b)
print(matmul(m1, m2)[0], torch.allclose(matmul(m1, m2), t1, atol=1e-5))
print(torch.einsum('ij->ji', m), torch.einsum('bi,bi->b', m, m), torch.einsum('i,j->ij', c, c), torch.einsum('ii->i', m),
      torch.einsum('ii', m), torch.einsum('ij->', m), torch.einsum('...j,j', m, c), torch.einsum('bij,bjk->bik', m[None], m[None]))
# ------------------------------------------------------------------ the forward and backward passes
torch.manual_seed(1)
x = torch.randn(40, 20)
y = torch.randn(40)
w1 = torch.randn(20, 10)
b1 = torch.zeros(10)
w2 = torch.randn(10, 1)
b2 = torch.zeros(1)
def lin(x, w, b): return x @ w + b
l1 = lin(x, w1, b1)
print(l1.shape, l1.mean(), l1.std())
x_ = torch.randn(40, 20)
for i in range(50): x_ = x_ @ torch.randn(20, 20)
print(x_[0:3, 0:3])
x_ = torch.randn(40, 20)
for i in range(50): x_ = x_ @ (torch.randn(20, 20) * 0.01)
print(x_[0:3, 0:3])
x_ = torch.randn(40, 20)
for i in range(50): x_ = x_ @ (torch.randn(20, 20) / sqrt(20))
print(x_[0:3, 0:3], x_.std())
w1 = torch.randn(20, 10) / sqrt(20)
b1 = torch.zeros(10)
w2 = torch.randn(10, 1) / sqrt(10)
b2 = torch.zeros(1)
l1 = lin(x, w1, b1)
print(l1.mean(), l1.std())
def relu(x): return x.clamp_min(0.)
l2 = relu(l1)
print(l2.mean(), l2.std())
x_ = torch.randn(40, 20)
for i in range(50): x_ = relu(x_ @ (torch.randn(20, 20) * sqrt(2 / 20)))
print(x_[0:3, 0:3])
w1 = torch.randn(20, 10) * sqrt(2 / 20)
l1 = lin(x, w1, b1)
l2 = relu(l1)
print(l2.mean(), l2.std())
def model(x):
    l1 = lin(x, w1, b1)
    l2 = relu(l1)
    l3 = lin(l2, w2, b2)
    return l3
out = model(x)
print(out.shape)
def mse(output, targ): return (output.squeeze(-1) - targ).pow(2).mean()
loss = mse(out, y)
print(loss)
def mse_grad(inp, targ):
    # grad of loss with respect to output of previous layer
    inp.g = 2. * (inp.squeeze() - targ).unsqueeze(-1) / inp.shape[0]
def relu_grad(inp, out):
    # grad of relu with respect to input activations
    inp.g = (inp > 0).float() * out.g
def lin_grad(inp, out, w, b):
    # grad of matmul with respect to input
    inp.g = out.g @ w.t()
    w.g = inp.t() @ out.g
    b.g = out.g.sum(0)
def forward_and_backward(inp, targ):
    # forward pass:
    l1 = inp @ w1 + b1
    l2 = relu(l1)
    out = l2 @ w2 + b2
    # we don't actually need the loss in backward!
    loss = mse(out, targ)
    # backward pass:
    mse_grad(out, targ)
    lin_grad(l2, out, w2, b2)
    relu_grad(l1, l2)
    lin_grad(inp, l1, w1, b1)
forward_and_backward(x, y)
print(w1.g[0, :5], b1.g[:5], w2.g[:3], b2.g, x.g[0, :5])
grads = [w1.g, b1.g, w2.g, b2.g, x.g]
xt, w1t, b1t, w2t, b2t = [p.clone().requires_grad_() for p in (x, w1, b1, w2, b2)]
loss = mse(relu(xt @ w1t + b1t) @ w2t + b2t, y)
loss.backward()
print([torch.allclose(g, p.grad, atol=1e-5) for g, p in zip(grads, (w1t, b1t, w2t, b2t, xt))])
# ------------------------------------------------------------------ refactoring the model
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
        self.out = inp @ self.w + self.b
        return self.out
    def backward(self):
        self.inp.g = self.out.g @ self.w.t()
        self.w.g = self.inp.t() @ self.out.g
        self.b.g = self.out.g.sum(0)
class Mse():
    def __call__(self, inp, targ):
        self.inp = inp
        self.targ = targ
        self.out = (inp.squeeze() - targ).pow(2).mean()
        return self.out
    def backward(self):
        x = (self.inp.squeeze() - self.targ).unsqueeze(-1)
        self.inp.g = 2. * x / self.targ.shape[0]
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
loss = model(x, y)
model.backward()
print(loss, [torch.allclose(g, p) for g, p in zip(grads, (w1.g, b1.g, w2.g, b2.g, x.g))])
class LayerFunction():
    def __call__(self, *args):
        self.args = args
        self.out = self.forward(*args)
        return self.out
    def forward(self): raise Exception('not implemented')
    def bwd(self): raise Exception('not implemented')
    def backward(self): self.bwd(self.out, *self.args)
class Relu(LayerFunction):  # noqa: F811  (the book redefines its layers on LayerFunction)
    def forward(self, inp): return inp.clamp_min(0.)
    def bwd(self, out, inp): inp.g = (inp > 0).float() * out.g
class Lin(LayerFunction):  # noqa: F811
    def __init__(self, w, b): self.w, self.b = w, b
    def forward(self, inp): return inp @ self.w + self.b
    def bwd(self, out, inp):
        inp.g = out.g @ self.w.t()
        self.w.g = inp.t() @ self.out.g
        self.b.g = out.g.sum(0)
class Mse(LayerFunction):  # noqa: F811
    def forward(self, inp, targ): return (inp.squeeze() - targ).pow(2).mean()
    def bwd(self, out, inp, targ):
        inp.g = 2 * (inp.squeeze() - targ).unsqueeze(-1) / targ.shape[0]
model = Model(w1, b1, w2, b2)
loss = model(x, y)
model.backward()
print(loss, [torch.allclose(g, p) for g, p in zip(grads, (w1.g, b1.g, w2.g, b2.g, x.g))])
# ------------------------------------------------------------------ torch.autograd.Function
class MyRelu(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.clamp_min(0.)
        ctx.save_for_backward(i)
        return result
    @staticmethod
    def backward(ctx, grad_output):
        i, = ctx.saved_tensors
        return grad_output * (i > 0).float()
class MyLin(Function):
    @staticmethod
    def forward(ctx, inp, w, b):
        ctx.save_for_backward(inp, w)
        return inp @ w + b
    @staticmethod
    def backward(ctx, grad_output):
        inp, w = ctx.saved_tensors
        return grad_output @ w.t(), inp.t() @ grad_output, grad_output.sum(0)
xt, w1t, b1t, w2t, b2t = [p.clone().requires_grad_() for p in (x, w1, b1, w2, b2)]
l1 = MyLin.apply(xt, w1t, b1t)
l2 = MyRelu.apply(l1)
out = MyLin.apply(l2, w2t, b2t)
print(l1.grad_fn, type(l2.grad_fn).__name__, l2.grad_fn.name(), out.requires_grad, l2.grad_fn.next_functions[0][0].name())
loss = mse(out, y)
loss.backward()
print([torch.allclose(g, p.grad, atol=1e-5) for g, p in zip(grads, (w1t, b1t, w2t, b2t, xt))], b2t.grad)
with torch.no_grad():
    print(MyRelu.apply(torch.tensor([-1., 2.], requires_grad=True)))
print(torch.autograd.gradcheck(MyRelu.apply, (torch.tensor([-1., 0.5, 2.], dtype=torch.double, requires_grad=True),)))
# ------------------------------------------------------------------ nn.Module and nn.Parameter
class LinearLayer(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * sqrt(2 / n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))
    def forward(self, x): return x @ self.weight.t() + self.bias
torch.manual_seed(2)
lin = LinearLayer(10, 2)
p1, p2 = lin.parameters()
print(p1.shape, p2.shape, p2, type(p1).__name__, lin)
class Model(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out))
        self.loss = mse
    def forward(self, x, targ): return self.loss(self.layers(x).squeeze(), targ)
model = Model(20, 10, 1)
loss = model(x, y)
loss.backward()
print(loss, model.layers[0].weight.grad[0, :4], model)
# ------------------------------------------------------------------ a Module/Parameter system from scratch (ch19)
Tensor = torch.Tensor
class Parameter(Tensor):
    def __new__(self, x): return Tensor._make_subclass(Parameter, x, True)
    def __init__(self, *args, **kwargs): self.requires_grad_()
p = Parameter(torch.ones(2, 3))
print(p, type(p).__name__, p.requires_grad, p.is_leaf, isinstance(p, Tensor), (p * 2).tolist())
class Module:
    def __init__(self):
        self.hook, self.params, self.children, self._training = None, [], [], False
    def register_parameters(self, *ps): self.params += ps
    def register_modules(self, *ms): self.children += ms
    @property
    def training(self): return self._training
    @training.setter
    def training(self, v):
        self._training = v
        for m in self.children: m.training = v
    def parameters(self):
        return self.params + sum([m.parameters() for m in self.children], [])
    def __setattr__(self, k, v):
        super().__setattr__(k, v)
        if isinstance(v, Parameter): self.register_parameters(v)
        if isinstance(v, Module): self.register_modules(v)
    def __call__(self, *args, **kwargs):
        res = self.forward(*args, **kwargs)
        if self.hook is not None: self.hook(res, args)
        return res
class ConvLayer(Module):
    def __init__(self, ni, nf, stride=1, bias=True, act=True):
        super().__init__()
        self.w = Parameter(torch.zeros(nf, ni, 3, 3))
        self.b = Parameter(torch.zeros(nf)) if bias else None
        self.act, self.stride = act, stride
        init = nn.init.kaiming_normal_ if act else nn.init.xavier_normal_
        init(self.w)
    def forward(self, x):
        x = F.conv2d(x, self.w, self.b, stride=self.stride, padding=1)
        if self.act: x = F.relu(x)
        return x
torch.manual_seed(3)
l = ConvLayer(3, 4)
print(len(l.parameters()), type(l.w).__name__, l.w.requires_grad, l.w.std().item())
xbt = torch.randn(2, 3, 8, 8)
print(l(xbt).shape, l(xbt).requires_grad)
class Linear(Module):
    def __init__(self, ni, nf):
        super().__init__()
        self.w = Parameter(torch.zeros(nf, ni))
        self.b = Parameter(torch.zeros(nf))
        nn.init.xavier_normal_(self.w)
    def forward(self, x): return x @ self.w.t() + self.b
l = Linear(4, 2)
r = l(torch.ones(3, 4))
print(r.shape, [p.shape for p in l.parameters()])
class T(Module):
    def __init__(self):
        super().__init__()
        self.c, self.l = ConvLayer(3, 4), Linear(4, 2)
t = T()
print(len(t.parameters()), t.training)
t.training = True
print(t.l.training, t.c.training)
class Sequential(Module):
    def __init__(self, *layers):
        super().__init__()
        self.layers = layers
        self.register_modules(*layers)
    def forward(self, x):
        for l in self.layers: x = l(x)
        return x
class AdaptivePool(Module):
    def forward(self, x): return x.mean((2, 3))
def simple_cnn():
    return Sequential(
        ConvLayer(3, 8, stride=2),  # 4
        ConvLayer(8, 16, stride=2),  # 2
        AdaptivePool(),
        Linear(16, 3)
    )
torch.manual_seed(4)
m = simple_cnn()
print(len(m.parameters()))
def print_stats(outp, inp): print(round(outp.mean().item(), 4), round(outp.std().item(), 4))
for i in range(2): m.layers[i].hook = print_stats
r = m(xbt)
print(r.shape)
def nll(input, target): return -input[range(target.shape[0]), target].mean()
def log_softmax(x): return x - x.exp().sum(-1, keepdim=True).log()
sm = log_softmax(r)
print(sm[0][0].item(), sm[0][0].exp().item())
def log_softmax(x): return x - x.logsumexp(-1, keepdim=True)
def cross_entropy(preds, yb): return nll(log_softmax(preds), yb).mean()
yb = torch.tensor([0, 2])
print(cross_entropy(r, yb).item(), F.cross_entropy(r, yb).item())
class SGD:
    def __init__(self, params, lr, wd=0.): self.params, self.lr, self.wd = params, lr, wd
    def step(self):
        for p in self.params:
            p.data -= (p.grad.data + p.data * self.wd) * self.lr
            p.grad.data.zero_()
for i in range(2): m.layers[i].hook = None
opt = SGD(m.parameters(), 0.1, wd=0.01)
for it in range(3):
    loss = cross_entropy(m(xbt), yb)
    loss.backward()
    opt.step()
    print(it, loss.item(), m.layers[3].b.grad, m.layers[3].b)
# ------------------------------------------------------------------ forward hooks recording stats (ch18)
class Hook():
    def hook_func(self, m, i, o): self.stored = o.detach().clone()
torch.manual_seed(5)
net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, stride=2), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                    nn.Flatten(), nn.Linear(4, 2))
hook_output = Hook()
hook = net[0].register_forward_hook(hook_output.hook_func)
with torch.no_grad(): output = net.eval()(xbt)
act = hook_output.stored[0]
print(type(hook).__name__, act.shape, act.requires_grad, F.softmax(output, dim=-1))
hook.remove()
net(xbt)
print(len(net[0]._forward_hooks))
class Hook():
    def __init__(self, m): self.hook = m.register_forward_hook(self.hook_func)
    def hook_func(self, m, i, o): self.stored = o.detach().clone()
    def __enter__(self, *args): return self
    def __exit__(self, *args): self.hook.remove()
with Hook(net[2]) as hook:
    output = net.eval()(xbt)
    print(hook.stored.shape, hook.stored[0, :, 0, 0])
class HookBwd():
    def __init__(self, m): self.hook = m.register_full_backward_hook(self.hook_func)
    def hook_func(self, m, gi, go): self.stored = go[0].detach().clone()
    def __enter__(self, *args): return self
    def __exit__(self, *args): self.hook.remove()
with HookBwd(net[2]) as hookg:
    with Hook(net[2]) as hook:
        output = net.eval()(xbt)
        act = hook.stored
    output[0, 1].backward()
    grad = hookg.stored
w = grad[0].mean(dim=[1, 2], keepdim=True)
cam_map = (w * act[0]).sum(0)
print(grad.shape, w.flatten(), cam_map)
stats = []
def append_stats(i, mod, inp, outp):
    stats[i][0].append(outp.data.mean().item())
    stats[i][1].append(outp.data.std().item())
    stats[i][2].append(outp.data.abs().histc(40, 0, 10))
from functools import partial
hooks = []
for i, layer in enumerate([net[0], net[2], net[6]]):
    stats.append(([], [], []))
    hooks.append(layer.register_forward_hook(partial(append_stats, i)))
net.train()
opt = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
for it in range(3):
    loss = F.cross_entropy(net(xbt), torch.tensor([0, 1]))
    loss.backward()
    opt.step()
    opt.zero_grad()
for h in hooks: h.remove()
for means, stds, hists in stats:
    print([round(v, 4) for v in means], [round(v, 4) for v in stds], hists[-1][:8], torch.stack(hists).t().float().log1p().shape)
