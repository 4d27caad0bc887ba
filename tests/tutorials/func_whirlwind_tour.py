import tinygrad_rnn as torch
# "torch.func Whirlwind Tour" (PyTorch docs): grad, vmap, vjp, jvp, jacrev, jacfwd, hessian, and how they compose
torch.manual_seed(0)
grad, vmap, vjp, jvp = torch.func.grad, torch.func.vmap, torch.func.vjp, torch.func.jvp
jacrev, jacfwd, hessian = torch.func.jacrev, torch.func.jacfwd, torch.func.hessian

x = torch.randn([])
cos_x = grad(lambda x: torch.sin(x))(x)
assert torch.allclose(cos_x, x.cos())
print(x, cos_x, cos_x.shape)

# Second-order gradients
neg_sin_x = grad(grad(lambda x: torch.sin(x)))(x)
assert torch.allclose(neg_sin_x, -x.sin())
print(neg_sin_x)

# vmap: automatic batching
batch_size, feature_size = 3, 5
weights = torch.randn(feature_size, requires_grad=True)


def model(feature_vec):
    # Very simple linear model with activation
    assert feature_vec.dim() == 1
    return feature_vec.dot(weights).relu()


examples = torch.randn(batch_size, feature_size)
result = torch.vmap(model)(examples)
print(result, result.requires_grad)
result.sum().backward()
print(weights.grad)

# vjp
inputs = torch.randn(5)


def f(x):
    return x.sin()


output, vjp_fn = vjp(f, inputs)
vjps = vjp_fn(torch.ones(5))
print(type(vjps).__name__, len(vjps), torch.allclose(vjps[0], inputs.cos()))
print(output)

# jvp
x = torch.randn(5)
y = torch.randn(5)


def f(x, y):
    return (x * y)


_, out_tangent = jvp(f, (x, y), (torch.ones(5), torch.ones(5)))
assert torch.allclose(out_tangent, x + y)
print(out_tangent)

# jacrev, jacfwd, and hessian
x = torch.randn(5)
jacobian = jacrev(torch.sin)(x)
expected = torch.diag(torch.cos(x))
assert torch.allclose(jacobian, expected)
print(jacobian.shape, torch.allclose(jacfwd(torch.sin)(x), expected))

# Use vmap to compute batched jacobians
x = torch.randn(6, 5)
jacobian = vmap(jacrev(torch.sin))(x)
assert jacobian.shape == (6, 5, 5)
print(jacobian.shape, jacobian[0, 1])


def f(x, y):
    return x + y ** 2


x, y = torch.randn(5), torch.randn(5)
jacobian = jacrev(f, argnums=1)(x, y)
expected = torch.diag(2 * y)
assert torch.allclose(jacobian, expected)
jacobian = jacrev(f, argnums=(0, 1))(x, y)
print(type(jacobian).__name__, len(jacobian), torch.allclose(jacobian[1], expected))
jacobian = jacfwd(f, argnums=(0, 1))(x, y)
print(jacobian[0].shape, jacobian[1].diag())


def f(x):
    return x.sin().sum()


x = torch.randn(5)
hessian0 = jacrev(jacrev(f))(x)
hessian1 = hessian(f)(x)
print(torch.allclose(hessian0, hessian1), hessian1.diag())

# the aux outputs, and the argnums of grad
def loss_with_aux(w, x):
    out = (x @ w).tanh()
    return out.pow(2).mean(), out


w, xs = torch.randn(4, 2), torch.randn(3, 4)
(gw, gx), aux = grad(loss_with_aux, argnums=(0, 1), has_aux=True)(w, xs)
print(gw.shape, gx.shape, aux.shape, aux.requires_grad)
jac, aux2 = jacrev(loss_with_aux, has_aux=True)(w, xs)
print(jac.shape, torch.allclose(jac, gw), torch.allclose(aux, aux2))
print(vmap(lambda a, b: a * b, in_dims=(0, None), out_dims=1)(torch.arange(3.0), torch.ones(2)))
print(vmap(torch.sum, in_dims=1)(torch.arange(6.0).view(2, 3)))
print(vmap(vmap(torch.outer))(torch.randn(2, 3, 2), torch.randn(2, 3, 2)).shape)
try:
    grad(lambda v: v.sin())(torch.randn(3))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    vmap(torch.sum, in_dims=2)(torch.randn(2, 3))
except ValueError as e:
    print("ValueError", e)
