"""gradcheck catches a wrong backward formula: a custom op with a planted bug, then fixed.

The op is a "leaky tanh", f(x) = tanh(x) + slope * x, written as a custom autograd.Function.
Its derivative is 1 - tanh(x)^2 + slope. The buggy backward forgets the `+ slope` term: it runs,
it trains (a bit worse), and nothing crashes - but gradcheck compares it with finite differences
and says exactly where it is wrong.

gradgradcheck then checks second derivatives, which shows one more way to get them wrong.

Every check that fails says why: the report of gradcheck (both Jacobians and the worst element),
then what is wrong in the code.

    python examples/gradcheck_demo.py                 # the four checks
    python examples/gradcheck_demo.py --plot d.png    # also plot each backward against the true slope
"""

import tinygrad_rnn as torch

try:  # run as a script (python examples/gradcheck_demo.py) or imported from the tests
    from _common import example_parser, pyplot
except ImportError:
    from examples._common import example_parser, pyplot


class LeakyTanhBuggy(torch.autograd.Function):
    why_wrong = "backward returns 1 - tanh(x)^2 and forgets the + slope term of the derivative."
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
    why_wrong = ("backward uses y = tanh(x) saved by forward, where no graph is recorded: to autograd y is "
                 "a constant, so the derivative of backward misses d(1 - y^2)/dx and comes out 0.")
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
    """gradcheck the op at x; print the verdict, and when it fails, the report and why."""
    try:
        torch.autograd.gradcheck(lambda t: op.apply(t, 0.1), (x,))
    except RuntimeError as error:  # torch.autograd.gradcheck.GradcheckError
        print(f"{op.__name__}: gradcheck FAILED\n{error}")
        print(f"  why: {op.why_wrong}")
        return False
    print(f"{op.__name__}: gradcheck passed")
    return True


def check_second(op, x):
    """gradgradcheck the op at x: the same comparison for the derivative of backward itself."""
    try:
        torch.autograd.gradgradcheck(lambda t: op.apply(t, 0.1), (x,))
    except RuntimeError as error:
        print(f"{op.__name__}: gradgradcheck (second derivatives) FAILED")
        report = str(error).splitlines()
        worst = [line for line in report if line.strip()][-1]  # the line that names the worst element
        print(f"  {report[0]}\n  {worst}\n  why: {op.why_wrong}")
        return False
    print(f"{op.__name__}: gradgradcheck (second derivatives) passed")
    return True


def main(argv=None):
    args = example_parser(__doc__.splitlines()[0],
                          plot_help="plot each backward against finite differences to FILE (needs matplotlib)"
                          ).parse_args(argv)
    torch.manual_seed(args.seed)
    # float64: finite differences in float32 are too coarse to check anything (see docs/gradcheck.md)
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    buggy_ok = check(LeakyTanhBuggy, x)
    fixed_ok = check(LeakyTanh, x)
    check_second(LeakyTanh, x)
    second_ok = check_second(LeakyTanhTwice, x)
    if args.plot:
        plot_derivatives(args.plot)
    return buggy_ok, fixed_ok, second_ok


def plot_derivatives(path):
    """What each backward says the slope is, against the slope of the forward (central differences)."""
    plt = pyplot(path)
    if plt is None:
        return False
    xs = torch.linspace(-3, 3, 121, dtype=torch.float64)
    forward = lambda t: (t.tanh() + 0.1 * t).numpy()
    true_slope = (forward(xs + 1e-6) - forward(xs - 1e-6)) / 2e-6
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(xs.numpy(), true_slope, linewidth=4, alpha=0.4, label="finite differences")
    for op in (LeakyTanhBuggy, LeakyTanh):
        t = xs.clone().requires_grad_()
        op.apply(t, 0.1).sum().backward()
        ax.plot(xs.numpy(), t.grad.numpy(), label=f"{op.__name__}.backward")
    ax.set_xlabel("x")
    ax.set_ylabel("d f / d x")
    ax.set_title("f(x) = tanh(x) + 0.1 x: the buggy backward misses the 0.1")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print("wrote", path)
    return True


if __name__ == "__main__":
    main()
