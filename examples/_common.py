"""Small helpers shared by the examples: command-line options, progress lines, plots.

Nothing here is needed to understand the models; each example reads top to bottom on its own.
"""
from __future__ import annotations

import argparse
import math
import os
from collections.abc import Sequence

# The file types matplotlib writes (checked before training, so a typo fails at once, not after it).
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff", ".webp")


def example_parser(description: str, seed: int = 0, plot_help: str = "write a plot to FILE (needs matplotlib)",
                   plot_suffixes: Sequence[str] = PLOT_SUFFIXES) -> argparse.ArgumentParser:
    """A parser with the options every example takes: --seed and --plot (and --help)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=seed_int, default=seed, help=f"random seed (default {seed})")
    parser.add_argument("--plot", metavar="FILE", default=None, type=output_file(plot_suffixes),
                        help=f"{plot_help}; FILE ends in {', '.join(plot_suffixes)}")
    return parser


def parse_args(description: str, steps: int, print_every: int, seed: int = 0,
               argv: Sequence[str] | None = None) -> argparse.Namespace:
    """--steps, --seed, --print-every and --plot, the options every training example accepts."""
    parser = example_parser(description, seed, plot_help="write a plot of the loss curve to FILE (needs matplotlib)")
    parser.add_argument("--steps", type=positive_int, default=steps, help=f"training steps (default {steps})")
    parser.add_argument("--print-every", type=int, default=print_every,
                        help=f"print a progress line every N steps (default {print_every}; 0 = quiet)")
    return parser.parse_args(argv)


def seed_int(text: str) -> int:
    """An argparse type: a seed that manual_seed accepts (a 64-bit integer, signed or not)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not -2**63 <= value < 2**64:
        raise argparse.ArgumentTypeError(f"must be between -2**63 and 2**64 - 1, got {value}")
    return value


def finite_float(text: str) -> float:
    """An argparse type: a number that is not inf or nan."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {value}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def output_file(suffixes: Sequence[str]):
    """An argparse type: a path with one of `suffixes`, in a folder that exists."""
    def check(text: str) -> str:
        if os.path.splitext(text)[1].lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"{text!r} must end in one of {', '.join(suffixes)}")
        folder = os.path.dirname(text) or "."
        if not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"the folder {folder!r} of {text!r} does not exist")
        return text
    return check


def pyplot(path: str):
    """matplotlib.pyplot, set to write files; None (saying so) when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # write files; never open a window
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"--plot {path}: matplotlib is not installed, so no plot was written "
              "(pip install matplotlib to get one). The example itself does not need it.")
        return None
    return plt


def should_print(step: int, steps: int, print_every: int) -> bool:
    """Print the first step, every `print_every`-th step and the last one."""
    return print_every > 0 and (step == 1 or step % print_every == 0 or step == steps)


def save_loss_plot(losses: Sequence[float], path: str, title: str) -> bool:
    """Plot the loss per step to `path`. matplotlib is optional: without it, say so and return False."""
    plt = pyplot(path)
    if plt is None:
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
