"""Forward mode or reverse mode? Time jacfwd against jacrev on a tall and on a wide function.

A function from n inputs to m outputs has an m x n Jacobian.
- jacfwd (forward mode) gets one *column* per forward pass with dual numbers: n passes.
- jacrev (reverse mode) gets one *row* per backward pass (here all rows in one batched pass): m rows.

So forward mode wins on a tall Jacobian (few inputs, many outputs) and reverse mode on a wide one
(many inputs, few outputs: a loss, the usual case in training). The two Jacobians are the same
numbers; only the cost differs.

    python examples/jacfwd_vs_jacrev.py               # both shapes, times and ratios
    python examples/jacfwd_vs_jacrev.py --plot t.png  # also a bar chart of the times
"""
import time

import tinygrad_rnn as torch

try:  # run as a script (python examples/jacfwd_vs_jacrev.py) or imported from the tests
    from _common import example_parser, pyplot
except ImportError:
    from examples._common import example_parser, pyplot

FEW, MANY = 8, 512  # the two sides of the Jacobian


def make_function(n_inputs, n_outputs):
    """x -> tanh(W x) * sum(x): n_inputs in, n_outputs out, every output depending on every input."""
    weight = torch.randn(n_outputs, n_inputs, dtype=torch.float64) / n_inputs ** 0.5

    def f(x):
        return torch.tanh(weight @ x) * x.sum()

    return f


def best_time(fn, repeats=3):
    """The fastest of a few runs (the least disturbed by whatever else the machine does), in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def compare(name, n_inputs, n_outputs):
    """Time both transforms on one function; check they agree; return (jacfwd s, jacrev s)."""
    f = make_function(n_inputs, n_outputs)
    x = torch.randn(n_inputs, dtype=torch.float64)
    forward_s, by_forward = best_time(lambda: torch.func.jacfwd(f)(x))
    reverse_s, by_reverse = best_time(lambda: torch.func.jacrev(f)(x))
    assert torch.allclose(by_forward, by_reverse), "the two modes must give the same Jacobian"
    print(f"{name}: {n_inputs} inputs -> {n_outputs} outputs, Jacobian {tuple(by_forward.shape)}")
    print(f"  jacfwd {forward_s * 1e3:8.1f} ms   ({n_inputs} forward passes, one column each)")
    print(f"  jacrev {reverse_s * 1e3:8.1f} ms   ({n_outputs} rows, one batched backward pass)")
    print(f"  jacfwd / jacrev = {forward_s / reverse_s:.2g}")
    return forward_s, reverse_s


def plot(times, path):
    plt = pyplot(path)
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    names = list(times)
    for k, label in enumerate(("jacfwd", "jacrev")):
        ax.bar([i + 0.4 * k for i in range(len(names))], [times[n][k] * 1e3 for n in names], width=0.4, label=label)
    ax.set_xticks([i + 0.2 for i in range(len(names))], names)
    ax.set_ylabel("time (ms)")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"wrote {path}")


def main(argv=None):
    args = example_parser(__doc__.splitlines()[0]).parse_args(argv)
    torch.manual_seed(args.seed)
    times = {
        "tall": compare("tall", FEW, MANY),  # forward mode should win
        "wide": compare("wide", MANY, FEW),  # reverse mode should win
    }
    if args.plot:
        plot(times, args.plot)
    return times


if __name__ == "__main__":
    main()
