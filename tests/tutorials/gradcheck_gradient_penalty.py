import tinygrad_rnn as torch
nn = torch.nn
F = nn.functional
from_autograd = torch.autograd
# checking a small recurrent model's gradients numerically in float64, then a WGAN-GP style
# gradient penalty with autograd.grad(create_graph=True), and a custom Function checked by gradcheck
torch.manual_seed(9)
cell = nn.GRUCell(3, 4).double()
head = nn.Linear(4, 2).double()
def unroll(x, h0, *params):
    h = h0
    for t in range(x.shape[0]):
        h = cell(x[t], h)
    return head(h).tanh()
x = torch.randn(5, 2, 3, dtype=torch.double, requires_grad=True)
h0 = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
print(from_autograd.gradcheck(unroll, (x, h0), eps=1e-6, atol=1e-4))
print(from_autograd.gradgradcheck(lambda a, b: (a * b).sin().sum(dim=0), (torch.randn(3, 2, dtype=torch.double, requires_grad=True), torch.randn(3, 2, dtype=torch.double, requires_grad=True))))
lstm = nn.LSTM(3, 2, batch_first=True, dtype=torch.float64)
print(from_autograd.gradcheck(lambda inp: lstm(inp)[0].sum(dim=1), (torch.randn(2, 4, 3, dtype=torch.double, requires_grad=True),)))
class Swish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i * torch.sigmoid(i)
        ctx.save_for_backward(i)
        return result
    @staticmethod
    def backward(ctx, grad_output):
        i, = ctx.saved_tensors
        s = torch.sigmoid(i)
        return grad_output * (s * (1 + i * (1 - s)))
inp = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
print(from_autograd.gradcheck(Swish.apply, (inp,)))
out = Swish.apply(inp)
print(out.grad_fn is not None, type(out.grad_fn).__name__.startswith('Swish'), torch.allclose(out, F.silu(inp)))
# gradient penalty: || d critic(x_hat) / d x_hat || should be near 1
critic = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
real = torch.randn(8, 2) + 2
for step in range(6):
    fake = torch.randn(8, 2)
    alpha = torch.rand(8, 1)
    x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    d_hat = critic(x_hat)
    gradients = torch.autograd.grad(outputs=d_hat, inputs=x_hat, grad_outputs=torch.ones_like(d_hat),
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
    gp = ((gradients.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 10 * gp
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.5f} gp {gp.item():.5f} grad_fn {gp.grad_fn.name()}")
print(critic[0].weight.grad.norm(), gradients.requires_grad, gradients.shape)
# second derivative of a scalar function, and a Hessian-vector product
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
h, = torch.autograd.grad(g.sum(), x)
print(g, h)
v = torch.tensor([1.0, 0.0, -1.0])
w = torch.randn(3, 3)
f = lambda z: (z @ w @ z).tanh()
z = torch.randn(3, requires_grad=True)
gz, = torch.autograd.grad(f(z), z, create_graph=True)
hvp, = torch.autograd.grad(gz, z, grad_outputs=v)
print(hvp)
print(torch.autograd.functional.hvp(f, z.detach(), v)[1])
