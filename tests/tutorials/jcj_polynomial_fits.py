import tinygrad_rnn as torch
# Justin Johnson's "Learning PyTorch with Examples", the sin(x) polynomial versions that
# learning_with_examples.py leaves out: gradients by hand on tensors, the nn version with
# model.zero_grad() and a manual update under torch.no_grad(), the Polynomial3 Module, and the
# Legendre-polynomial autograd.Function checked with gradcheck/gradgradcheck in float64. 120 steps per
# fit (the tutorial's 2000).
import math

dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)
print(x[:3], x.dtype, y[-3:], x.shape)

# --- tensors: the four gradients written out
torch.manual_seed(0)
a = torch.randn((), device=device, dtype=dtype)
b = torch.randn((), device=device, dtype=dtype)
c = torch.randn((), device=device, dtype=dtype)
d = torch.randn((), device=device, dtype=dtype)
print(a, a.shape, a.dim(), a.item())
learning_rate = 1e-6
for t in range(120):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 40 == 39:
        print(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"Result: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")

# --- nn: x^1, x^2, x^3 as features, Linear(3, 1) and Flatten(0, 1), a hand-written SGD step
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print(xx.shape, xx.dtype, p.dtype, xx[0])
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
loss_fn = torch.nn.MSELoss(reduction="sum")
learning_rate = 1e-6
for t in range(120):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 40 == 39:
        print(t, loss.item(), y_pred.shape, y_pred.grad_fn.name())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
print(f"Result: y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
      f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3")
print(linear_layer.weight.shape, linear_layer.weight.grad, linear_layer.bias.grad.shape)


# --- a Module with four scalar Parameters
class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 + {self.d.item():.4f} x^3"


torch.manual_seed(0)
model = Polynomial3()
print(model, [(n, p.shape, p.requires_grad) for n, p in model.named_parameters()])
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(120):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 40 == 39:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"Result: {model.string()}")
print(list(model.state_dict().items())[:3], model.a.grad)  # (d ends near zero: float32 summation order shows)


# --- the Legendre polynomial P3 as a custom Function, then checked numerically in float64
class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


P3 = LegendrePolynomial3.apply
z = torch.linspace(-1, 1, 5, dtype=torch.double, requires_grad=True)
out = P3(z)
print(out, out.grad_fn.name(), out.dtype)
out.backward(torch.ones_like(out))
print(z.grad)
grad, = torch.autograd.grad(P3(z).sum(), z, create_graph=True)
print(grad, grad.requires_grad, grad.grad_fn.name())
second, = torch.autograd.grad(grad.sum(), z)
print(second, 15 * z.detach())
print(torch.autograd.gradcheck(P3, (z,)), torch.autograd.gradgradcheck(P3, (z,)))
