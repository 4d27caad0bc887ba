"""Forecast a noisy sine wave one step ahead with an LSTM.

The series is sin(t) plus Gaussian noise, sampled every 0.1. Each training example is a window
of `window` consecutive values; the target is the value that follows the window. The model reads
the window with an LSTM (one feature per step), and a Linear layer turns the last hidden state
into the forecast. MSELoss and Adam do the rest.

    python examples/lstm_forecast.py                  # train and print progress
    python examples/lstm_forecast.py --plot fc.png    # also plot forecast vs truth (needs matplotlib)

At the end it compares the test error with two baselines: "repeat the last value" and the noise
itself (no forecast can beat the noise, since it is unpredictable). A trained model lands
between them, close to the noise floor.

The code is plain PyTorch; only the imports differ. Write `import torch` and `from torch import nn`
instead and it runs on PyTorch.
"""
from __future__ import annotations

import numpy as np

import tinygrad_rnn as torch
from tinygrad_rnn import nn

try:  # run as a script (python examples/lstm_forecast.py) or imported from the tests
    from _common import parse_args, should_print
except ImportError:
    from examples._common import parse_args, should_print

NOISE = 0.1  # standard deviation of the noise added to the sine


def make_series(points: int, seed: int) -> np.ndarray:
    """sin(0.1 k) + noise for k = 0..points-1, as float32 (embedded data, no download)."""
    rng = np.random.default_rng(seed)
    t = 0.1 * np.arange(points)
    return (np.sin(t) + NOISE * rng.standard_normal(points)).astype(np.float32)


def make_windows(series: np.ndarray, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (examples, window, 1) and targets (examples, 1): each window and the value after it."""
    starts = np.arange(len(series) - window)
    inputs = np.stack([series[s:s + window] for s in starts])[:, :, None]
    targets = series[starts + window][:, None]
    return torch.from_numpy(inputs), torch.from_numpy(targets)


class Forecaster(nn.Module):
    """LSTM over the window, then a Linear layer on the final hidden state."""

    def __init__(self, hidden_size: int = 32) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, (h_n, c_n) = self.lstm(x)  # output: (batch, window, hidden); h_n: (1, batch, hidden)
        return self.head(h_n[-1])  # (batch, 1)


def train(steps: int = 300, seed: int = 0, window: int = 20, hidden_size: int = 32, batch_size: int = 32,
          points: int = 600, print_every: int = 50) -> dict:
    """Train on the first 80% of the series, report the error on the rest; returns the history."""
    torch.manual_seed(seed)
    inputs, targets = make_windows(make_series(points, seed), window)
    split = int(0.8 * len(inputs))
    train_x, train_y, test_x, test_y = inputs[:split], targets[:split], inputs[split:], targets[split:]
    model = Forecaster(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    rng = np.random.default_rng(seed)
    history: dict = {"loss": []}
    for step in range(1, steps + 1):
        batch = torch.from_numpy(rng.integers(0, split, batch_size))
        optimizer.zero_grad()
        loss = criterion(model(train_x[batch]), train_y[batch])
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.item())
        if should_print(step, steps, print_every):
            print(f"step {step:4d}  train MSE {loss.item():.4f}")
    with torch.no_grad():
        prediction = model(test_x)
    history["test_mse"] = criterion(prediction, test_y).item()
    history["repeat_last_mse"] = criterion(test_x[:, -1], test_y).item()
    history["noise_mse"] = NOISE**2
    history["prediction"], history["truth"] = prediction.numpy().ravel(), test_y.numpy().ravel()
    return history


def save_forecast_plot(history: dict, path: str) -> None:
    """Test-set truth and forecast; matplotlib is optional."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"--plot {path}: matplotlib is not installed, so no plot was written.")
        return
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(history["truth"], label="noisy series")
    ax.plot(history["prediction"], label="LSTM one-step forecast")
    ax.set_xlabel("test step")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    print(f"forecast plot written to {path}")


def main(steps: int = 300, seed: int = 0, print_every: int = 50, plot: str | None = None) -> dict:
    history = train(steps=steps, seed=seed, print_every=print_every)
    print(f"test MSE {history['test_mse']:.4f}  (repeat-last-value baseline {history['repeat_last_mse']:.4f}, "
          f"noise floor {history['noise_mse']:.4f})")
    if plot:
        save_forecast_plot(history, plot)
    return history


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0], steps=300, print_every=50)
    main(steps=args.steps, seed=args.seed, print_every=args.print_every, plot=args.plot)
