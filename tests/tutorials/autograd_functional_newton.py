import tinygrad_rnn as torch
jacobian, hessian = torch.autograd.functional.jacobian, torch.autograd.functional.hessian
vjp, jvp, hvp, vhp = torch.autograd.functional.vjp, torch.autograd.functional.jvp, torch.autograd.functional.hvp, torch.autograd.functional.vhp
F = torch.nn.functional
# The torch.autograd.functional docs' examples (exp_reducer, exp_adder, pow_reducer, adder) and what blog
# posts do with them: Newton's method for logistic regression with the Hessian of the loss, a Laplace
# approximation's covariance from the Hessian at the optimum, conjugate gradients on Hessian-vector
# products (the "Hessian-free" trick), a Gauss-Newton step from the Jacobian of the residuals, and the
# "Jacobians, Hessians, hvp, vhp" tutorial's comparison of the strategies (vectorize, forward-mode,
# forward-over-reverse Hessian), printing the nested results as they come back.
torch.manual_seed(0)


def exp_reducer(x):
    return x.exp().sum(dim=1)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.rand(2, 2)
print(jacobian(exp_reducer, inputs))
print(jacobian(exp_reducer, inputs, create_graph=True))
print(jacobian(exp_adder, (torch.rand(2), torch.rand(2))))
print(hessian(pow_reducer, inputs))
print(hessian(pow_reducer, inputs, create_graph=True).grad_fn.name())
print(hessian(lambda x, y: (2 * x.exp() + 3 * y).sum(), (torch.rand(2), torch.rand(2))))
out, grads = vjp(exp_reducer, inputs, torch.ones(2))
print(out, grads)
print(jvp(exp_reducer, inputs, torch.ones(2, 2)))
print(jvp(lambda x, y: (x * y, x + y), (torch.rand(2), torch.rand(2)), (torch.ones(2), torch.ones(2))))
print(hvp(pow_reducer, inputs, torch.ones(2, 2)), vhp(pow_reducer, inputs, torch.ones(2, 2))[1])
print(vjp(lambda x: x.sum(), torch.ones(3))[1])
try:
    jacobian(lambda x: x.exp(), inputs, strategy="forward-mode")
except NotImplementedError as e:
    print("NotImplementedError:", e)
try:
    jacobian(lambda x: x.exp(), [inputs])
except TypeError as e:
    print("TypeError:", e)
try:
    hvp(lambda x: x.exp(), inputs, torch.ones(2, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    jacobian(lambda x: torch.ones(2), inputs, strict=True)
except RuntimeError as e:
    print("RuntimeError:", e)
print(jacobian(lambda x: torch.ones(2), inputs))

print("-- strategies")
x, y = torch.tensor([1.0, 2.0]), torch.tensor([0.5, -1.0])
both = lambda a, b: (a * b, (a + b).sum())
for kwargs in ({}, {"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
    print(kwargs, jacobian(both, (x, y), **kwargs))
print(jacobian(lambda a: (a.exp(), a * 2), x, vectorize=True, strategy="forward-mode"))
print(jacobian(lambda a: a.sin(), x.clone().requires_grad_(), vectorize=True, strategy="forward-mode"))
g = lambda a, b: (a * b.exp()).sum()
print(hessian(g, (x, y)))
print(hessian(g, (x, y), vectorize=True))
print(hessian(g, (x, y), vectorize=True, outer_jacobian_strategy="forward-mode"))
print(hessian(pow_reducer, x, vectorize=True, outer_jacobian_strategy="forward-mode"), x.requires_grad)

print("-- Newton's method for logistic regression")
n, d = 40, 3
X = torch.cat([torch.randn(n, d - 1), torch.ones(n, 1)], dim=1)
true_w = torch.tensor([1.5, -2.0, 0.3])
Y = (torch.sigmoid(X @ true_w) > torch.rand(n)).float()


def nll(w):
    return F.binary_cross_entropy_with_logits(X @ w, Y, reduction="sum") + 0.5 * w.pow(2).sum()


w = torch.zeros(d)
for it in range(5):
    gr = jacobian(nll, w)
    H = hessian(nll, w)
    step = torch.linalg.solve(H, gr)
    w = w - step
    print(it, f"{nll(w).item():.5f}", gr.norm().item() > 1e-4, [round(v, 4) for v in w.tolist()])
print(H.shape, torch.allclose(H, H.T), torch.linalg.eigvalsh(H).min() > 0)
cov = torch.linalg.inv(hessian(nll, w))
print("laplace std", cov.diagonal().sqrt())

print("-- conjugate gradients on Hessian-vector products")


def cg(fn, w, b, iters=6):
    xk = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rs = r.dot(r)
    for k in range(iters):
        Ap = hvp(fn, w, p)[1]
        alpha = rs / p.dot(Ap)
        xk = xk + alpha * p
        r = r - alpha * Ap
        rs_new = r.dot(r)
        residual = rs_new.sqrt().item()
        print(k, f"{residual:.3e}" if residual > 1e-4 else "converged")
        if residual < 1e-4:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return xk


w0 = torch.zeros(d)
b = jacobian(nll, w0)
newton_dir = cg(nll, w0, b)
print(newton_dir, torch.linalg.solve(hessian(nll, w0), b))

print("-- Gauss-Newton for a curve fit")
t = torch.linspace(0, 2, 12)
obs = 2.0 * torch.exp(-1.3 * t) + 0.02 * torch.randn(12)


def residuals(theta):
    return theta[0] * torch.exp(-theta[1] * t) - obs


theta = torch.tensor([1.0, 0.5])
for it in range(6):
    J = jacobian(residuals, theta)
    r = residuals(theta)
    theta = theta - torch.linalg.lstsq(J, r.unsqueeze(1)).solution.squeeze(1)
    print(it, J.shape, f"{r.pow(2).sum().item():.6f}", [round(v, 4) for v in theta.tolist()])
JtJ = J.T @ J
print(JtJ, torch.linalg.cond(JtJ) > 1)
