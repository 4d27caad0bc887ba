import tinygrad_rnn as torch
import numpy as np
# "Extending torch.func with autograd.Function" (PyTorch docs): setup_context-style Functions,
# a numpy sort usable under grad / vmap / jacrev, a vmap staticmethod, generate_vmap_rule, jvp
torch.manual_seed(0)


def to_numpy(tensor):
    return tensor.cpu().numpy()


class NumpySort(torch.autograd.Function):
    # Note that forward does not take ctx
    @staticmethod
    def forward(x, dim):
        device = x.device
        x = to_numpy(x)
        ind = np.argsort(x, axis=dim)
        ind_inv = np.argsort(ind, axis=dim)
        result = np.take_along_axis(x, ind, axis=dim)
        # Any intermediates to be saved in backward must be returned as
        # outputs.
        return (
            # The desired output
            torch.tensor(result, device=device),
            # intermediate to save for backward
            torch.tensor(ind, device=device),
            # intermediate to save for backward
            torch.tensor(ind_inv, device=device),
        )

    # setup_context is responsible for calling methods and/or assigning to
    # the ctx object. Please do not do additional compute (e.g. add
    # Tensors together) in setup_context.
    @staticmethod
    def setup_context(ctx, inputs, output):
        x, dim = inputs
        # Note that output is whatever you returned from forward.
        # If you returned multiple values, then output is a Tuple of multiple values.
        # If you returned a single Tensor, then output is a Tensor.
        # If you returned a Tuple with a single Tensor, then output is a
        # Tuple with a single Tensor.
        _, ind, ind_inv = output
        ctx.mark_non_differentiable(ind, ind_inv)
        # Tensors must be saved via ctx.save_for_backward. Please do not
        # assign them directly onto the ctx object.
        ctx.save_for_backward(ind, ind_inv)
        # Non-tensors may be saved by assigning them as attributes on the ctx object.
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output, _0, _1):
        # For the autograd.Function to be arbitrarily composable with function
        # transforms, all staticmethod other than forward and setup_context
        # must be implemented in a "transformable" way; that is, they must
        # only consist of PyTorch operations or autograd.Function.
        #
        # For example, this allows us to do double backwards and/or compute
        # second order gradients.
        #
        # We've written the backward pass of NumpySort in terms of another
        # autograd.Function, NumpyTake.
        ind, ind_inv = ctx.saved_tensors
        return NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim), None

    # The signature of the vmap staticmethod is:
    # vmap(info, in_dims: Tuple[Optional[int]], *args)
    # where *args is the same as the arguments to `forward`.
    @staticmethod
    def vmap(info, in_dims, x, dim):
        # For every input (x and dim), in_dims stores an Optional[int]
        # that is:
        # - None if the input is not being vmapped over or if the input
        #   is not a Tensor
        # - an integer if the input is being vmapped over that represents
        #   the index of the dimension being vmapped over.
        x_bdim, _ = in_dims

        # A "vmap rule" is the logic of how to perform the operation given
        # inputs with one additional dimension. In NumpySort, x has an
        # additional dimension (x_bdim). The vmap rule is simply
        # to call NumpySort again but pass it a different `dim`.
        x = x.movedim(x_bdim, 0)
        # Handle negative dims correctly
        dim = dim if dim >= 0 else dim + x.dim() - 1
        result = NumpySort.apply(x, dim + 1)

        # The vmap rule must return a tuple of two things
        # 1. the output. Should be the same amount of things
        #    as returned by the forward().
        # 2. one Optional[int] for each output specifying if each output
        # is being vmapped over, and if so, the index of the
        # dimension being vmapped over.
        #
        # NumpySort.forward returns a Tuple of 3 Tensors. Since we moved the
        # dimension being vmapped over to the front of `x`, that appears at
        # dimension 0 of all outputs.
        # The return is (output, out_dims) -- output is a tuple of 3 Tensors
        # and out_dims is a Tuple of 3 Optional[int]
        return NumpySort.apply(x, dim + 1), (0, 0, 0)


class NumpyTake(torch.autograd.Function):
    @staticmethod
    def forward(x, ind, ind_inv, dim):
        device = x.device
        x = to_numpy(x)
        ind = to_numpy(ind)
        return torch.tensor(np.take_along_axis(x, ind, dim), device=device)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, ind, ind_inv, dim = inputs
        ctx.save_for_backward(ind, ind_inv)
        ctx.dim = dim

    @staticmethod
    def backward(ctx, grad_output):
        ind, ind_inv = ctx.saved_tensors
        result = NumpyTake.apply(grad_output, ind_inv, ind, ctx.dim)
        return result, None, None, None

    @staticmethod
    def vmap(info, in_dims, x, ind, ind_inv, dim):
        x_bdim, ind_bdim, ind_inv_bdim, _ = in_dims

        # The strategy is: expand {x, ind, ind_inv} to all have the dimension
        # being vmapped over.
        # Then, call back into NumpyTake(expanded_x, expanded_ind, expanded_ind_inv, new_dim).

        # Handle negative dims by wrapping them to be positive
        logical_dim = x.dim() if x_bdim is None else x_bdim - 1
        dim = dim if dim >= 0 else dim + logical_dim

        def maybe_expand_bdim_at_front(x, x_bdim):
            if x_bdim is None:
                return x.expand(info.batch_size, *x.shape)
            return x.movedim(x_bdim, 0)

        # If the Tensor doesn't have the dimension being vmapped over,
        # expand it out. Otherwise, move it to the front of the Tensor
        x = maybe_expand_bdim_at_front(x, x_bdim)
        ind = maybe_expand_bdim_at_front(ind, ind_bdim)
        ind_inv = maybe_expand_bdim_at_front(ind_inv, ind_inv_bdim)

        # The return is a tuple (output, out_dims). Since output is a Tensor,
        # then out_dims is an Optional[int] (instead of being a Tuple).
        return NumpyTake.apply(x, ind, ind_inv, dim + 1), 0


def numpy_sort(x, dim=-1):
    result, _, _ = NumpySort.apply(x, dim)
    return result


x = torch.randn(2, 3)
result = torch.vmap(numpy_sort)(x)
assert torch.allclose(result, numpy_sort(result, 1))
print(result, result.shape)
print(numpy_sort(x), numpy_sort(x, 0))

x = torch.randn(3, dtype=torch.double)
grad_x = torch.func.grad(lambda x: numpy_sort(x).sum())(x)
assert torch.allclose(grad_x, torch.ones_like(x))
print(grad_x)
weights = torch.arange(3.0, dtype=torch.double)
print(torch.func.grad(lambda x: (numpy_sort(x) * weights).sum())(x), x.argsort())
grad_grad_x = torch.func.jacrev(torch.func.grad(lambda x: numpy_sort(x).pow(2).sum()))(x)
print(grad_grad_x)
print(torch.func.jacrev(numpy_sort)(x))
x = torch.randn(4, 3, dtype=torch.double)
per_row = torch.vmap(torch.func.grad(lambda r: (numpy_sort(r) * weights).sum()))(x)
print(per_row)
print(torch.vmap(numpy_sort, in_dims=1)(x).shape, torch.vmap(numpy_sort, in_dims=1, out_dims=1)(x).shape)
print(torch.vmap(lambda a: NumpyTake.apply(a, torch.tensor([2, 0, 1]), torch.tensor([1, 2, 0]), 0))(x))
print(torch.vmap(lambda i: NumpyTake.apply(x[0], i, i, 0))(torch.tensor([[2, 0, 1], [1, 1, 0]])))

# reverse mode through the Functions, checked numerically
xg = torch.randn(3, 4, dtype=torch.double, requires_grad=True)
print(torch.autograd.gradcheck(lambda t: numpy_sort(t, 1), (xg,)))
out, ind, ind_inv = NumpySort.apply(xg, 0)
print(out.requires_grad, ind.requires_grad, ind.dtype, out.grad_fn)
out.backward(torch.arange(12.0, dtype=torch.double).view(3, 4))
print(xg.grad)


# generate_vmap_rule: the vmap rule comes from running the Function's staticmethods under vmap
class MyCube(torch.autograd.Function):
    # Set generate_vmap_rule to True to ask PyTorch to automatically generate
    # a vmap rule.
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        result = x ** 3
        # In regular PyTorch, if we had just run y = x ** 3, then the backward
        # pass computes dx = 3 * x ** 2. In this autograd.Function, we've done
        # that computation here in the forward pass instead.
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        # In order for the autograd.Function to work with higher-order
        # gradients, we must add the gradient contribution of `dx`,
        # which is grad_dx * 6 * x.
        result = grad_output * dx + grad_dx * 6 * x
        return result


# Wrap MyCube in a function so that the gradients print more clearly
def my_cube(x):
    result, dx = MyCube.apply(x)
    return result


x = torch.randn(3, dtype=torch.double)
result = torch.vmap(my_cube)(x)
assert torch.allclose(result, x ** 3)
print(result)
print(torch.func.grad(my_cube)(torch.tensor(2.0)), torch.func.grad(torch.func.grad(my_cube))(torch.tensor(2.0)))
print(torch.vmap(torch.func.grad(my_cube))(x), 3 * x ** 2)
print(torch.func.jacrev(torch.func.jacrev(my_cube))(x).diagonal(dim1=1, dim2=2))
try:  # hessian is jacfwd(jacrev(f)): forward mode needs a jvp staticmethod
    torch.func.hessian(lambda v: my_cube(v).sum())(x)
except NotImplementedError as e:
    print("NotImplementedError", e)
try:
    torch.vmap(lambda a: NumpySort.apply(a, 0)[0], in_dims=0, randomness='error')(x.view(3, 1))
    print("vmap ok")
except Exception as e:
    print(type(e).__name__, e)


# forward-mode AD: a jvp staticmethod, with save_for_forward
class MyExp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        result = x.exp()
        return result

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result = output
        ctx.save_for_forward(result)
        ctx.save_for_backward(result)

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result

    @staticmethod
    def jvp(ctx, x_t):
        result, = ctx.saved_tensors
        return x_t * result


x = torch.randn(3, dtype=torch.double)
print(torch.func.jvp(MyExp.apply, (x,), (torch.ones(3, dtype=torch.double),)))
for jac in (torch.func.jacfwd, torch.func.jacrev):  # both vmap over the basis: MyExp has no vmap rule
    try:
        print(jac(MyExp.apply)(x))
    except RuntimeError as e:
        print("RuntimeError", e)
print(torch.autograd.gradcheck(MyExp.apply, (x.clone().requires_grad_(),), check_forward_ad=True))


# a Function without a vmap rule (and no generate_vmap_rule) cannot be vmapped
class NoRule(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, g):
        return g * 2


try:
    torch.vmap(NoRule.apply)(torch.randn(2, 3))
except RuntimeError as e:
    print("RuntimeError", str(e)[:120])
