"""gradcheck catches a wrong backward formula: a custom op with a planted bug, then fixed.

The op is a "leaky tanh", f(x) = tanh(x) + slope * x, written as a custom autograd.Function.
Its derivative is 1 - tanh(x)^2 + slope. The buggy backward forgets the `+ slope` term: it runs,
it trains (a bit worse), and nothing crashes - but gradcheck compares it with finite differences
and says exactly where it is wrong.

gradgradcheck then checks second derivatives, which shows one more way to get them wrong.

Run: python examples/gradcheck_demo.py
"""
import tinygrad_rnn as torch


class LeakyTanhBuggy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, slope):
        y = x.tanh()
        ctx.save_for_backward(y)
        ctx.slope = slope
        return y + slope * x

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y), None          # BUG: the slope term is missing


class LeakyTanh(LeakyTanhBuggy):
    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y + ctx.slope), None   # one gradient per forward input


class LeakyTanhTwice(torch.autograd.Function):
    """The same op, ready for second derivatives. `y` above was computed inside forward, where no
    graph is recorded, so to autograd it is a constant: the first derivative is right, but the
    derivative of the derivative misses d(1 - y^2)/dx (torch behaves the same way). Saving the
    input and recomputing tanh in backward, with tensor ops, keeps that dependence."""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return x.tanh() + slope * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        y = x.tanh()  # recorded when backward runs with create_graph=True
        return grad_output * (1 - y * y + ctx.slope), None


def check(op, x):
    """gradcheck the op at x; print the verdict (and the report when it fails)."""
    try:
        torch.autograd.gradcheck(lambda t: op.apply(t, 0.1), (x,))
    except RuntimeError as error:  # torch.autograd.gradcheck.GradcheckError
        print(f"{op.__name__}: gradcheck FAILED\n{error}")
        return False
    print(f"{op.__name__}: gradcheck passed")
    return True


def main():
    torch.manual_seed(0)
    # float64: finite differences in float32 are too coarse to check anything (see docs/gradcheck.md)
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    buggy_ok = check(LeakyTanhBuggy, x)
    fixed_ok = check(LeakyTanh, x)
    for op in (LeakyTanh, LeakyTanhTwice):
        ok = torch.autograd.gradgradcheck(lambda t, op=op: op.apply(t, 0.1), (x,), raise_exception=False)
        print(f"{op.__name__}: gradgradcheck (second derivatives) {'passed' if ok else 'FAILED'}")
    second_ok = torch.autograd.gradgradcheck(lambda t: LeakyTanhTwice.apply(t, 0.1), (x,), raise_exception=False)
    return buggy_ok, fixed_ok, second_ok


if __name__ == "__main__":
    main()
