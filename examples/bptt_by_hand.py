"""Backpropagation through time, step by step: an unrolled RNN and its per-step gradients.

An RNNCell is applied to a sequence one step at a time; every hidden state keeps its gradient
(`retain_grad()`), so after `loss.backward()` we can print how much gradient reached each step.
The loss looks only at the last state, so everything earlier is reached through the chain
h_t -> h_{t+1} -> ... -> h_T, a product of one Jacobian per step. When the recurrent weights
contract, that product shrinks geometrically: the vanishing gradient.

Run: python examples/bptt_by_hand.py [--steps 30] [--scale 0.5] [--seed 0] [--plot gradients.png]
"""
import numpy as np

import tinygrad_rnn as torch

try:  # run as a script (python examples/bptt_by_hand.py) or imported from the tests
    from _common import example_parser, finite_float, positive_int, pyplot
except ImportError:
    from examples._common import example_parser, finite_float, positive_int, pyplot


def per_step_gradient_norms(steps, scale, seed=0, hidden_size=8):
    """Unroll `steps` steps with W_hh scaled by `scale`; return |d loss / d h_t| for every t."""
    torch.manual_seed(seed)
    cell = torch.nn.RNNCell(4, hidden_size)
    with torch.no_grad():
        cell.weight_hh.mul_(scale)
    xs = torch.randn(steps, 1, 4)
    h = torch.zeros(1, hidden_size)
    states = []
    for x_t in xs:                      # the unrolled loop: the graph grows by one step each time
        h = cell(x_t, h)
        h.retain_grad()                 # keep d loss / d h_t (a non-leaf) after backward
        states.append(h)
    loss = states[-1].sum()
    loss.backward()                     # BPTT: one reverse walk over all the steps
    return [s.grad.norm().item() for s in states], cell


def main(argv=None):
    parser = example_parser(__doc__.splitlines()[0],
                            plot_help="plot the gradient norm per step to FILE (needs matplotlib)")
    parser.add_argument("--steps", type=positive_int, default=30, help="sequence length (default 30)")
    parser.add_argument("--scale", type=finite_float, default=0.5, help="factor applied to W_hh (default 0.5)")
    args = parser.parse_args(argv)

    norms, cell = per_step_gradient_norms(args.steps, args.scale, seed=args.seed)
    print(f"|d loss / d h_t| for a loss on the last state, W_hh scaled by {args.scale}:")
    for t, n in enumerate(norms):
        print(f"  step {t:3d}  {n:.3e}  " + "#" * max(0, int(40 + 4 * np.log10(max(n, 1e-300)))))
    print("weight_hh.grad norm (summed over all steps):", cell.weight_hh.grad.norm().item())

    if args.plot:
        plot(norms, args.plot, args.scale)
    return norms


def plot(norms, path, scale):
    plt = pyplot(path)
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.semilogy(range(len(norms)), norms, marker="o")
    ax.set_xlabel("time step t")
    ax.set_ylabel("|d loss / d h_t|")
    ax.set_title(f"Vanishing gradient (W_hh scaled by {scale})")
    fig.tight_layout()
    fig.savefig(path)
    print("wrote", path)
    return True


if __name__ == "__main__":
    main()
