import tinygrad_rnn as torch
import functools
fwAD = torch.autograd.forward_ad
nn = torch.nn
# "Forward-mode Automatic Differentiation" (PyTorch intermediate tutorial)
torch.manual_seed(0)
primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)


def fn(x, y):
    return x ** 2 + y ** 2


# All forward AD computation must be performed in the context of
# a ``dual_level`` context. All dual tensors created in such a context
# will have their tangents destroyed upon exit. This is to ensure that
# if the output or intermediate results of this computation are reused
# in a future forward AD computation, their tangents (which are associated
# with this computation) won't be confused with tangents from the later
# computation.
with fwAD.dual_level():
    # To create a dual tensor we associate a tensor, which we call the
    # primal with another tensor of the same size, which we call the tangent.
    # If the layout of the tangent is different from that of the primal,
    # The values of the tangent are copied into a new tensor with the same
    # metadata as the primal. Otherwise, the tangent itself is used as-is.
    dual_input = fwAD.make_dual(primal, tangent)
    # Tensors that do not have an associated tangent are automatically
    # considered to have a zero-filled tangent of the same shape.
    assert fwAD.unpack_dual(dual_input).tangent is tangent
    print(fwAD.unpack_dual(dual_input).tangent is tangent, fwAD.unpack_dual(dual_input).primal is primal)

    # To create a dual tensor where the tangent has a different layout
    dual_input_alt = fwAD.make_dual(primal, tangent.T)
    assert fwAD.unpack_dual(dual_input_alt).tangent is not tangent
    print(fwAD.unpack_dual(dual_input_alt).tangent is tangent.T, fwAD.unpack_dual(dual_input_alt).tangent.is_contiguous())

    plain_tensor = torch.randn(10, 10)
    dual_output = fn(dual_input, plain_tensor)

    # Unpacking the dual returns a ``namedtuple`` with ``primal`` and ``tangent``
    # as attributes
    jvp = fwAD.unpack_dual(dual_output).tangent
    print(type(fwAD.unpack_dual(dual_output)).__name__, fwAD.unpack_dual(dual_output)._fields)
    print(jvp[0, :4], torch.allclose(jvp, 2 * primal * tangent))
    p, t = fwAD.unpack_dual(dual_output)
    print(p[0, :3], t.shape, fwAD.unpack_dual(plain_tensor).tangent)
    print(dual_output[0, :3])

assert fwAD.unpack_dual(dual_output).tangent is None
print(fwAD.unpack_dual(dual_output).tangent, dual_output.requires_grad)

# Usage with Modules
model = nn.Linear(5, 5)
input = torch.randn(16, 5)

params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.rand_like(p) for name, p in params.items()}

with fwAD.dual_level():
    for name, p in params.items():
        delattr(model, name)
        setattr(model, name, fwAD.make_dual(p, tangents[name]))

    out = model(input)
    jvp = fwAD.unpack_dual(out).tangent
print(jvp[:2])
print(out.requires_grad, out.grad_fn)
expected = input @ tangents['weight'].T + tangents['bias']
print(torch.allclose(jvp, expected))

# Using the functional Module API (aka the stateless Module API)
functional_call = torch.func.functional_call

# We need a fresh module because the functional call requires the
# the model to have parameters registered.
model = nn.Linear(5, 5)

dual_params = {}
with fwAD.dual_level():
    for name, p in params.items():
        # Using the same ``tangents`` from the above section
        dual_params[name] = fwAD.make_dual(p, tangents[name])
    out = functional_call(model, dual_params, input)
    jvp2 = fwAD.unpack_dual(out).tangent

# Check our results
assert torch.allclose(jvp, jvp2)
print(torch.allclose(jvp, jvp2), list(dict(model.named_parameters())))


# Custom autograd Function
class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        # Tensors stored in ``ctx`` can be used in the subsequent forward grad
        # computation.
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, gI):
        gO = gI * ctx.result
        # If the tensor stored in`` ctx`` will not also be used in the backward pass,
        # one can manually free it using ``del``
        del ctx.result
        return gO


fn = Fn.apply

primal = torch.randn(10, 10, dtype=torch.double, requires_grad=True)
tangent = torch.randn(10, 10)

with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    dual_output = fn(dual_input)
    jvp = fwAD.unpack_dual(dual_output).tangent
    print(jvp.dtype, jvp[0, :3], dual_output.grad_fn)

# It is important to use ``autograd.gradcheck`` to verify that your
# custom autograd Function computes the gradients correctly. By default,
# ``gradcheck`` only checks the backward-mode (reverse-mode) AD gradients. Specify
# ``check_forward_ad=True`` to also check forward grads. If you did not
# implement the backward formula for your function, you can also tell ``gradcheck``
# to skip the tests that require backward-mode AD by specifying
# ``check_backward_ad=False``, ``check_undefined_grad=False``, and
# ``check_batched_grad=False``.
print(torch.autograd.gradcheck(Fn.apply, (primal,), check_forward_ad=True,
                               check_backward_ad=False, check_undefined_grad=False,
                               check_batched_grad=False))

# Functional API (torch.func.jvp)
ft = torch.func
primal0 = torch.randn(10, 10)
tangent0 = torch.randn(10, 10)
primal1 = torch.randn(10, 10)
tangent1 = torch.randn(10, 10)


def fn(x, y):
    return x ** 2 + y ** 2


# Here is a basic example to compute the JVP of the above function.
# The ``jvp(func, primals, tangents)`` returns ``func(*primals)`` as well as the
# computed Jacobian-vector product (JVP). Each primal must be associated with a tangent of the same shape.
primal_out, tangent_out = ft.jvp(fn, (primal0, primal1), (tangent0, tangent1))
print(primal_out[0, :3], tangent_out[0, :3])

# ``functorch.jvp`` requires every primal to be associated with a tangent.
# If we only want to associate certain inputs to `fn` with tangents,
# then we'll need to create a new function that captures inputs without tangents:
primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)
y = torch.randn(10, 10)

new_fn = functools.partial(fn, y=y)
primal_out, tangent_out = ft.jvp(new_fn, (primal,), (tangent,))
print(torch.allclose(tangent_out, 2 * primal * tangent), primal_out.grad_fn)

# Using the functional API with Modules
model = nn.Linear(5, 5)
input = torch.randn(16, 5)
tangents = tuple([torch.rand_like(p) for p in model.parameters()])
params = dict(model.named_parameters())


def func(*params_tuple):
    return functional_call(model, dict(zip(params.keys(), params_tuple)), input)


primal_out, tangent_out = ft.jvp(func, tuple(params.values()), tangents)
print(tangent_out[:2], primal_out.requires_grad)
print(torch.allclose(tangent_out, input @ tangents[0].T + tangents[1]))

# jacfwd: the whole Jacobian by forward mode
x = torch.randn(4, dtype=torch.float64)
print(ft.jacfwd(torch.sin)(x))
print(ft.jacfwd(lambda a, b: a * b.exp(), argnums=(0, 1))(x, x.flip(0)))
print(ft.jvp(torch.sin, (x,), (torch.ones(4, dtype=torch.float64),), has_aux=False))
