import tinygrad_rnn as torch
nn = torch.nn
Function = torch.autograd.Function
gradcheck = torch.autograd.gradcheck
# "Extending PyTorch" (docs/notes): LinearFunction, MulConstant, MyCube, a Linear module built on them,
# checked with gradcheck / gradgradcheck
torch.manual_seed(0)


# Inherit from Function
class LinearFunction(Function):

    # Note that forward, setup_context, and backward are @staticmethods
    @staticmethod
    def forward(input, weight, bias=None):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    # inputs is a Tuple of all of the inputs passed to forward.
    # output is the output of the forward().
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    # This function has only a single output, so it gets only one gradient
    @staticmethod
    def backward(ctx, grad_output):
        # This is a pattern that is very convenient - at the top of backward
        # unpack saved_tensors and initialize all gradients w.r.t. inputs to
        # None. Thanks to the fact that additional trailing Nones are
        # ignored, the return statement is simple even when the function has
        # optional inputs.
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None

        # These needs_input_grad checks are optional and there only to
        # improve efficiency. If you want to make your code simpler, you can
        # skip them. Returning gradients for inputs that don't require it is
        # not an error.
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)

        return grad_input, grad_weight, grad_bias


# Option 1: alias
linear = LinearFunction.apply


# Option 2: wrap in a function, to support default args and keyword args.
def linear2(input, weight, bias=None):
    return LinearFunction.apply(input, weight, bias)


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        # ctx is a context object that can be used to stash information
        # for backward computation
        tensor, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        # We return as many input gradients as there were arguments.
        # Gradients of non-Tensor arguments to forward must be None.
        return grad_output * ctx.constant, None


class MulConstantOld(Function):
    # the same, written with forward(ctx, ...) and set_materialize_grads
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.set_materialize_grads(False)
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        # Here we must handle None grad_output tensor. In this case we
        # can skip unnecessary computations and just return None.
        if grad_output is None:
            return None, None

        # We return as many input gradients as there were arguments.
        # Gradients of non-Tensor arguments to forward must be None.
        return grad_output * ctx.constant, None


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        # We wish to save dx for backward. In order to do so, it must
        # be returned as an output.
        dx = 3 * x ** 2
        result = x ** 3
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


# Wrap MyCube in a function so that it is clearer what the output is
def my_cube(x):
    result, dx = MyCube.apply(x)
    return result


# gradcheck takes a tuple of tensors as input, check if your gradient
# evaluated with these tensors are close enough to numerical
# approximations and returns True if they all verify this condition.
input = (torch.randn(8, 6, dtype=torch.double, requires_grad=True), torch.randn(5, 6, dtype=torch.double, requires_grad=True))
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print(test)
print(gradcheck(linear2, input))
bias = torch.randn(5, dtype=torch.double, requires_grad=True)
print(gradcheck(LinearFunction.apply, input + (bias,), eps=1e-6, atol=1e-4))
print(torch.autograd.gradgradcheck(LinearFunction.apply, input + (bias,)))

out = linear(*input, bias)
print(out.shape, out.grad_fn, out.grad_fn.next_functions)
print(torch.allclose(out, nn.functional.linear(input[0], input[1], bias)))
out.sum().backward()
print(bias.grad[:4], input[1].grad.shape)

x = torch.randn(4, 3, requires_grad=True)
y = MulConstant.apply(x, 5.5)
print(y.grad_fn, y.requires_grad)
y.backward(torch.ones_like(y))
print(x.grad[0])
print(gradcheck(MulConstant.apply, (torch.randn(3, dtype=torch.double, requires_grad=True), 2.5)))
z = MulConstantOld.apply(x, -2.0)
a, b = z.unbind(0)[:2]
(a.sum() * 0).backward()
print(x.grad[0], z.grad_fn)
print(gradcheck(MulConstantOld.apply, (torch.randn(3, dtype=torch.double, requires_grad=True), 2.5)))

c = torch.tensor([1.0, -2.0, 0.5], dtype=torch.double, requires_grad=True)
print(gradcheck(my_cube, (c,)), torch.autograd.gradgradcheck(my_cube, (c,)))
g, = torch.autograd.grad(my_cube(c).sum(), c, create_graph=True)
print(g, g.grad_fn)
gg, = torch.autograd.grad(g.sum(), c)
print(gg)
r, dx = MyCube.apply(c)
print(r.grad_fn is dx.grad_fn, r.grad_fn.name())


class Linear(nn.Module):
    def __init__(self, input_features, output_features, bias=True):
        super().__init__()
        self.input_features = input_features
        self.output_features = output_features

        # nn.Parameter is a special kind of Tensor, that will get
        # automatically registered as Module's parameter once it's assigned
        # as an attribute. Parameters and buffers need to be registered, or
        # they won't appear in .parameters() (doesn't apply to buffers), and
        # won't be converted when e.g. .cuda() is called. You can use
        # .register_buffer() to register buffers.
        # nn.Parameters require gradients by default.
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(output_features))
        else:
            # You should always register all possible parameters, but the
            # optional ones can be None if you want.
            self.register_parameter('bias', None)

        # Not a very smart way to initialize weights
        nn.init.uniform_(self.weight, -0.1, 0.1)
        if self.bias is not None:
            nn.init.uniform_(self.bias, -0.1, 0.1)

    def forward(self, input):
        # See the autograd section for explanation of what happens here.
        return LinearFunction.apply(input, self.weight, self.bias)

    def extra_repr(self):
        # (Optional)Set the extra information about this module. You can test
        # it by printing an object of this class.
        return 'input_features={}, output_features={}, bias={}'.format(
            self.input_features, self.output_features, self.bias is not None
        )


model = nn.Sequential(Linear(6, 5), nn.Tanh(), Linear(5, 2, bias=False))
print(model)
print([(n, p.shape) for n, p in model.named_parameters()])
opt = torch.optim.SGD(model.parameters(), lr=0.5)
xs, ys = torch.randn(16, 6), torch.randn(16, 2)
for step in range(5):
    loss = nn.functional.mse_loss(model(xs), ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
print(model[0].weight.grad[0], model[2].bias)
