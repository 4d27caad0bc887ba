"""Small helpers shared by the training examples: command-line options, progress lines, loss plots.

Nothing here is needed to understand the models; each example reads top to bottom on its own.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence


def parse_args(description: str, steps: int, print_every: int, seed: int = 0,
               argv: Sequence[str] | None = None) -> argparse.Namespace:
    """--steps, --seed, --print-every and --plot, the options every example accepts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=_positive_int, default=steps, help=f"training steps (default {steps})")
    parser.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    parser.add_argument("--print-every", type=int, default=print_every,
                        help=f"print a progress line every N steps (default {print_every}; 0 = quiet)")
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help="write a plot of the loss curve to FILE (needs matplotlib)")
    return parser.parse_args(argv)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def should_print(step: int, steps: int, print_every: int) -> bool:
    """Print the first step, every `print_every`-th step and the last one."""
    return print_every > 0 and (step == 1 or step % print_every == 0 or step == steps)


def save_loss_plot(losses: Sequence[float], path: str, title: str) -> bool:
    """Plot the loss per step to `path`. matplotlib is optional: without it, say so and return False."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # write files; never open a window
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"--plot {path}: matplotlib is not installed, so no plot was written "
              "(pip install matplotlib to get one). Training itself does not need it.")
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(1, len(losses) + 1), losses)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"loss plot written to {path}")
    return True
