import tinygrad_rnn as torch
F = torch.nn.functional
from functools import partial
# "Jacobians, Hessians, hvp, vhp, and more: composing function transforms" (torch.func tutorial)
_ = torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 16
weight = torch.randn(D, D, dtype=torch.float64)
bias = torch.randn(D, dtype=torch.float64)
x = torch.randn(D, dtype=torch.float64)  # feature vector


def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                     for vec in unit_vectors]
    return torch.stack(jacobian_rows)


xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D, dtype=torch.float64)
jacobian = compute_jac(xp)
print(jacobian.shape)
print(jacobian[0])  # show first row

vmap, vjp, jacrev, jacfwd = torch.func.vmap, torch.func.vjp, torch.func.jacrev, torch.func.jacfwd
_, vjp_fn = vjp(partial(predict, weight, bias), x)
ft_jacobian, = vmap(vjp_fn)(unit_vectors)
print(ft_jacobian.shape, ft_jacobian.requires_grad)
# let's confirm both methods compute the same result
assert torch.allclose(ft_jacobian, jacobian)
print(torch.allclose(ft_jacobian, jacobian))

ft_jacobian = jacrev(predict, argnums=2)(weight, bias, x)
# confirm by running the prior method
assert torch.allclose(ft_jacobian, jacobian)
print(ft_jacobian[3, :5])

# jacobians with respect to several arguments at once
ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
print(ft_jac_weight.shape, ft_jac_bias.shape)
# compare against the autograd.functional API
ref_weight, ref_bias = torch.autograd.functional.jacobian(lambda w, b: predict(w, b, x), (weight, bias))
print(torch.allclose(ft_jac_weight, ref_weight), torch.allclose(ft_jac_bias, ref_bias))
print(ref_bias.diag()[:4], ref_weight[0, 0, :4])

# reverse mode vs forward mode
Din = 8
Dout = 40
weight = torch.randn(Dout, Din, dtype=torch.float64)
bias = torch.randn(Dout, dtype=torch.float64)
x = torch.randn(Din, dtype=torch.float64)
# taller matrix: forward mode needs Din passes, reverse mode Dout
print(weight.shape)
using_fwd = jacfwd(predict, argnums=2)(weight, bias, x)
using_bwd = jacrev(predict, argnums=2)(weight, bias, x)
print(using_fwd.shape, using_bwd.shape, torch.allclose(using_fwd, using_bwd, atol=1e-6))
print(using_fwd[:2])

# Hessian computation with torch.func.hessian
hessian = torch.func.hessian
Din = 6
Dout = 6
weight = torch.randn(Dout, Din, dtype=torch.float64)
bias = torch.randn(Dout, dtype=torch.float64)
x = torch.randn(Din, dtype=torch.float64)
hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
hess_fwdrev = jacfwd(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
print(hess_api.shape)
print(torch.allclose(hess_api, hess_fwdfwd, atol=1e-6), torch.allclose(hess_api, hess_revrev, atol=1e-6),
      torch.allclose(hess_api, hess_fwdrev, atol=1e-6))
print(hess_api[0, :2])

# batch jacobian and batch hessian
batch_size = 8
Din = 5
Dout = 7
weight = torch.randn(Dout, Din, dtype=torch.float64)
print(f"weight shape = {weight.shape}")
bias = torch.randn(Dout, dtype=torch.float64)
x = torch.randn(batch_size, Din, dtype=torch.float64)
compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, x)
print(batch_jacobian0.shape)


def predict_with_output_summed(weight, bias, x):
    return predict(weight, bias, x).sum(0)


batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
print(batch_jacobian1.shape)
assert torch.allclose(batch_jacobian0, batch_jacobian1)
print(torch.allclose(batch_jacobian0, batch_jacobian1))
compute_batch_hessian = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))
batch_hess = compute_batch_hessian(weight, bias, x)
print(batch_hess.shape)
print(batch_hess[0, 0, :2])

# Hessian-vector products
jvp, grad = torch.func.jvp, torch.func.grad


def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


def f(x):
    return x.sin().sum()


x = torch.randn(64, dtype=torch.float64)
tangent = torch.randn(64, dtype=torch.float64)
result = hvp(f, (x,), (tangent,))
print(result[:5])


def hvp_revrev(f, primals, tangents):
    _, vjp_fn = vjp(grad(f), *primals)
    return vjp_fn(*tangents)


result_hvp_revrev = hvp_revrev(f, (x,), (tangent,))
assert torch.allclose(result, result_hvp_revrev[0])
print(type(result_hvp_revrev).__name__, len(result_hvp_revrev), torch.allclose(result, -x.sin() * tangent))

# the same quantities through torch.autograd.functional
AF = torch.autograd.functional
x = torch.randn(4, dtype=torch.float64)
v = torch.randn(4, dtype=torch.float64)


def pow_reducer(x):
    return x.pow(3).sum()


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


print(AF.jacobian(exp_adder, (x, v)))
print(AF.hessian(pow_reducer, x))
print(AF.vjp(torch.exp, x, v))
print(AF.jvp(torch.exp, x, v))
print(AF.hvp(pow_reducer, x, v))
print(AF.vhp(pow_reducer, x, v))
out, hv = AF.hvp(pow_reducer, x, v)
print(torch.allclose(hv, AF.hessian(pow_reducer, x) @ v), torch.allclose(hv, hvp(pow_reducer, (x,), (v,))))
print(AF.jacobian(torch.sin, x, create_graph=True).grad_fn is not None)
print(AF.jacobian(exp_adder, (x, v), vectorize=True)[0].diag())
print(AF.hessian(lambda a, b: (a * b).sin().sum(), (x, v))[0][1])
print(AF.vjp(exp_adder, (x, v), torch.ones(4, dtype=torch.float64)))
print(AF.jvp(exp_adder, (x, v), (v, v)))
print(AF.jacobian(lambda a: a.pow(2).sum(), x), AF.jacobian(lambda a: (a, a.sum()), x))
print(AF.jacobian(exp_adder, (x, v), vectorize=True, strategy="forward-mode")[1])
try:
    AF.jacobian(exp_adder, (x, v), vectorize=True, strategy="forward-mode", create_graph=True)
except Exception as e:
    print(type(e).__name__, e)
try:
    AF.jacobian(exp_adder, (x, v), strategy="forward-mode")
except Exception as e:
    print(type(e).__name__, e)
