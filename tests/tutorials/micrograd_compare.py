import tinygrad_rnn as torch
import math
# Karpathy's micrograd: the tanh neuron of the lecture checked against torch with float64 scalar
# tensors (torch.Tensor([...]).double(), .data.item(), .grad.item()), and the engine tests that
# compare a small Value class with torch on the same expressions.
x1 = torch.Tensor([2.0]).double()
x1.requires_grad = True
x2 = torch.Tensor([0.0]).double()
x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double()
w1.requires_grad = True
w2 = torch.Tensor([1.0]).double()
w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double()
b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)
print(o.data.item())
o.backward()
print("---")
print("x2", x2.grad.item())
print("w2", w2.grad.item())
print("x1", x1.grad.item())
print("w1", w1.grad.item())
print(o, o.dtype, o.shape, x1.grad, x1.is_leaf, n.is_leaf, o.grad_fn, n.grad_fn.next_functions)
print(torch.Tensor([2.0]).dtype, torch.Tensor([[1, 2, 3], [4, 5, 6]]).shape, torch.Tensor(2, 3).shape, x1.data, o.data.dtype)
print(type(o.item()), type(x1.grad.item()), o.data.requires_grad, o.requires_grad)
class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out
    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f"**{other}")
        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out
    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")
        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out
    def tanh(self):
        t = (math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)
        out = Value(t, (self,), "tanh")
        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out
    def backward(self):
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()
    def __neg__(self):
        return self * -1
    def __radd__(self, other):
        return self + other
    def __sub__(self, other):
        return self + (-other)
    def __rsub__(self, other):
        return other + (-self)
    def __rmul__(self, other):
        return self * other
    def __truediv__(self, other):
        return self * other ** -1
    def __rtruediv__(self, other):
        return other * self ** -1
    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
def sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y
x = Value(-4.0)
y = sanity(x)
y.backward()
xmg, ymg = x, y
x = torch.Tensor([-4.0]).double()
x.requires_grad = True
y = sanity(x)
y.backward()
xpt, ypt = x, y
print(ymg.data, ypt.data.item(), ymg.data == ypt.data.item())
print(xmg.grad, xpt.grad.item(), xmg.grad == xpt.grad.item())
def more_ops(a, b):
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    return g
a = Value(-4.0)
b = Value(2.0)
g = more_ops(a, b)
g.backward()
amg, bmg, gmg = a, b, g
a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
g = more_ops(a, b)
g.backward()
apt, bpt, gpt = a, b, g
tol = 1e-6
print(gmg.data, gpt.data.item(), abs(gmg.data - gpt.data.item()) < tol)
print(amg.grad, apt.grad.item(), abs(amg.grad - apt.grad.item()) < tol)
print(bmg.grad, bpt.grad.item(), abs(bmg.grad - bpt.grad.item()) < tol)
print(g, g.grad_fn, g.grad_fn.next_functions)
# the same neuron with float32 tensors: the default dtype, and grads of that dtype
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
c = torch.tensor(10.0, requires_grad=True)
e = a * b
d = e + c
f = torch.tensor(-2.0, requires_grad=True)
L = d * f
L.backward()
print(L, L.item(), a.grad, b.grad, c.grad, f.grad, e.grad, e.is_leaf)
h = 0.0001
print(((torch.tensor(2.0 + h) * b.data + c.data) * f.data - L.data) / h)
print(torch.Tensor([1.0, 2.0]) * 2, 2 * torch.Tensor([[1.0], [2.0]]).double(), -torch.Tensor([3.0]).double().relu())
