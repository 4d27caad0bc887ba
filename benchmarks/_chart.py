"""The scaling chart: forward+backward time and peak memory against sequence length and against
hidden size, ours and torch's, for each RNN family (a PNG, drawn only when matplotlib is present)."""
from __future__ import annotations

from pathlib import Path

COLORS = {"RNN": "tab:blue", "GRU": "tab:green", "LSTM": "tab:red"}


def draw(sweeps: dict, path: Path) -> bool:
    """sweeps[axis][family] = {"x": [...], "ours ms": [...], "torch ms": [...], "ours MB": [...],
    "torch MB": [...]} for axis "seq_len" and "hidden_size". False (and no file) without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), constrained_layout=True)
    for col, axis in enumerate(("seq_len", "hidden_size")):
        for row, (unit, label) in enumerate((("ms", "forward+backward, ms"), ("MB", "peak memory, MB"))):
            ax = axes[row][col]
            for family, data in sweeps.get(axis, {}).items():
                for who, style in (("ours", "-o"), ("torch", "--s")):
                    values = data.get(f"{who} {unit}")
                    if values and any(v is not None for v in values):
                        ax.plot(data["x"], values, style, color=COLORS[family], label=f"{family} {who}",
                                markersize=4)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel(axis.replace("_", " ") + ("  (hidden 128)" if axis == "seq_len" else "  (seq_len 50)"))
            ax.set_ylabel(label)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7, ncol=3)
    fig.suptitle("tinygrad_rnn (solid) and torch (dashed), input 64, batch 32, float32")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True
