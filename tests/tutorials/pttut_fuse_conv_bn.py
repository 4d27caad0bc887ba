import tinygrad_rnn as torch
F = torch.nn.functional

# "Fusing Convolution and Batch Norm using Custom Function": conv and batch norm as custom autograd
# Functions, checked with gradcheck, then fused into one Function that saves less for backward.
# The conv gradcheck input is 3x3x5x5 (the tutorial's 10x3x7x7): gradcheck perturbs every element.
torch.manual_seed(0)


def convolution_backward(grad_out, X, weight):
    grad_input = F.conv2d(X.transpose(0, 1), grad_out.transpose(0, 1)).transpose(0, 1)
    grad_X = F.conv_transpose2d(grad_out, weight)
    return grad_X, grad_input


class Conv2D(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, weight):
        ctx.save_for_backward(X, weight)
        return F.conv2d(X, weight)

    @staticmethod
    def backward(ctx, grad_out):
        X, weight = ctx.saved_tensors
        return convolution_backward(grad_out, X, weight)


weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
X = torch.rand(3, 3, 5, 5, requires_grad=True, dtype=torch.double)
print(torch.autograd.gradcheck(Conv2D.apply, (X, weight)))


def unsqueeze_all(t):
    return t[None, :, None, None]


def batch_norm_backward(grad_out, X, sum, sqrt_var, N, eps):
    tmp = ((X - unsqueeze_all(sum) / N) * grad_out).sum(dim=(0, 2, 3))
    tmp *= -1
    d_denom = tmp / (sqrt_var + eps)**2
    d_var = d_denom / (2 * sqrt_var)
    d_mean_dx = grad_out / unsqueeze_all(sqrt_var + eps)
    d_mean_dx = unsqueeze_all(-d_mean_dx.sum(dim=(0, 2, 3)) / N)
    grad_input = X * unsqueeze_all(d_var * N)
    grad_input += unsqueeze_all(-d_var * sum)
    grad_input *= 2 / ((N - 1) * N)
    grad_input += d_mean_dx
    grad_input *= unsqueeze_all(sqrt_var + eps)
    grad_input += grad_out
    grad_input /= unsqueeze_all(sqrt_var + eps)
    return grad_input


class BatchNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, eps=1e-3):
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.save_for_backward(X)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        X, = ctx.saved_tensors
        return batch_norm_backward(grad_out, X, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)


a = torch.rand(1, 2, 3, 4, requires_grad=True, dtype=torch.double)
print(torch.autograd.gradcheck(BatchNorm.apply, (a,), fast_mode=False))


class FusedConvBN2DFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, conv_weight, eps=1e-3):
        assert X.ndim == 4
        ctx.save_for_backward(X, conv_weight)
        X = F.conv2d(X, conv_weight)
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        X, conv_weight, = ctx.saved_tensors
        X_conv_out = F.conv2d(X, conv_weight)
        grad_out = batch_norm_backward(grad_out, X_conv_out, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)
        grad_X, grad_input = convolution_backward(grad_out, X, conv_weight)
        return grad_X, grad_input, None, None, None, None, None


weight = torch.rand(5, 3, 3, 3, requires_grad=True, dtype=torch.double)
X = torch.rand(2, 3, 4, 4, requires_grad=True, dtype=torch.double)
print(torch.autograd.gradcheck(FusedConvBN2DFunction.apply, (X, weight)))

# torch.nn.grad gives the same convolution gradients as the hand-written ones
grad_out = torch.rand(2, 5, 2, 2, dtype=torch.double)
gX, gW = convolution_backward(grad_out, X.detach(), weight.detach())
print(torch.allclose(gX, torch.nn.grad.conv2d_input(X.shape, weight.detach(), grad_out)))
print(torch.allclose(gW, torch.nn.grad.conv2d_weight(X.detach(), weight.shape, grad_out)))
print(gW[0, 0], gX.shape)


class FusedConvBN(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, exp_avg_factor=0.1,
                 eps=1e-3, device=None, dtype=None):
        super(FusedConvBN, self).__init__()
        factory_kwargs = {'device': device, 'dtype': dtype}
        weight_shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.conv_weight = torch.nn.Parameter(torch.empty(*weight_shape, **factory_kwargs))
        self.eps = eps
        self.reset_parameters()

    def forward(self, X):
        return FusedConvBN2DFunction.apply(X, self.conv_weight, self.eps)

    def reset_parameters(self) -> None:
        torch.nn.init.kaiming_uniform_(self.conv_weight, a=5 ** 0.5)


class Net(torch.nn.Module):
    def __init__(self, fused=True):
        super(Net, self).__init__()
        self.fused = fused
        if fused:
            self.convbn1 = FusedConvBN(1, 4, 3)
            self.convbn2 = FusedConvBN(4, 8, 3)
        else:
            self.conv1 = torch.nn.Conv2d(1, 4, 3, 1, bias=False)
            self.bn1 = torch.nn.BatchNorm2d(4, affine=False, track_running_stats=False)
            self.conv2 = torch.nn.Conv2d(4, 8, 3, 1, bias=False)
            self.bn2 = torch.nn.BatchNorm2d(8, affine=False, track_running_stats=False)
        self.fc1 = torch.nn.Linear(8 * 2 * 2, 16)
        self.dropout = torch.nn.Dropout(0.5)
        self.fc2 = torch.nn.Linear(16, 3)

    def forward(self, x):
        if self.fused:
            x = self.convbn1(x)
        else:
            x = self.conv1(x)
            x = self.bn1(x)
        F.relu_(x)
        if self.fused:
            x = self.convbn2(x)
        else:
            x = self.conv2(x)
            x = self.bn2(x)
        F.relu_(x)
        x = F.max_pool2d(x, 2)
        F.relu_(x)
        x = x.flatten(1)
        x = self.fc1(x)
        x = self.dropout(x)
        F.relu_(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


data = torch.rand(6, 1, 8, 8)
target = torch.tensor([0, 1, 2, 0, 1, 2])
for fused in [True, False]:
    torch.manual_seed(1)
    model = Net(fused=fused)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    model.train()
    for step in range(3):
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        print(fused, step, round(loss.item(), 5), output.grad_fn.name())
    print(type(model.convbn1 if fused else model.conv1).__name__, next(model.parameters()).grad.abs().sum())


# a wrong backward: gradcheck says where
class BadScale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 3

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out * 2


x = torch.rand(2, dtype=torch.double, requires_grad=True)
print(torch.autograd.gradcheck(BadScale.apply, (x,), raise_exception=False))
try:
    torch.autograd.gradcheck(BadScale.apply, (x,))
except Exception as e:
    print(type(e).__name__, "\n".join(str(e).splitlines()[:5]))
try:
    torch.autograd.gradcheck(BadScale.apply, (x.float().detach().requires_grad_(),))
except Exception as e:
    print(type(e).__name__, "\n".join(str(e).splitlines()[:5]))
print(torch.autograd.gradcheck(BadScale.apply, (x,), fast_mode=True, raise_exception=False))
print(torch.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,)))
