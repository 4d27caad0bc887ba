"""Many-to-one regression: read 20 samples of a wave, predict the next one (RNN + Linear, MSELoss).

The series is a sum of two sines sampled every 0.1 time units. Each example is a window of 20
consecutive samples (input shape (20, 1)) and its target is the sample that follows. The windows
are split 80/20 into training and validation sets with `random_split`, and a `DataLoader` serves
shuffled mini-batches of 32. The model reads a window with an RNN and maps the *last* hidden
state to one number with a Linear layer ("many-to-one"). Progress lines report the training
loss, the validation MSE and the fraction of validation predictions within 0.1 of the truth.

    python examples/sine_regression.py
    python examples/sine_regression.py --steps 600 --plot loss.png

Like every example here it is plain PyTorch apart from its imports, and gives torch's numbers.
"""
from __future__ import annotations

import tinygrad_rnn as torch
from tinygrad_rnn import nn
from tinygrad_rnn.utils.data import DataLoader, TensorDataset, random_split

try:  # run as a script (python examples/sine_regression.py) or imported from the tests
    from _common import parse_args, save_loss_plot, should_print
except ImportError:
    from examples._common import parse_args, save_loss_plot, should_print

window = 20
num_points = 400
tolerance = 0.1  # a validation prediction within this of the truth counts as correct


def make_series() -> torch.Tensor:
    t = torch.arange(num_points, dtype=torch.float32) * 0.1
    return torch.sin(t) + 0.3 * torch.sin(2.7 * t)


def make_dataset() -> TensorDataset:
    """Windows (N, 20, 1) of the series and the value after each window, (N, 1)."""
    series = make_series()
    starts = range(num_points - window)
    x = torch.stack([series[i:i + window] for i in starts]).unsqueeze(-1)
    y = torch.stack([series[i + window] for i in starts]).unsqueeze(-1)
    return TensorDataset(x, y)


class SineRNN(nn.Module):
    """RNN over the window; Linear on the last time step's hidden state."""

    def __init__(self, hidden_size: int = 16) -> None:
        super().__init__()
        self.rnn = nn.RNN(input_size=1, hidden_size=hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _h_n = self.rnn(x)  # (batch, 20, hidden)
        return self.head(out[:, -1, :])  # many-to-one: only the last step feeds the prediction


def evaluate(model: nn.Module, loader: DataLoader) -> tuple[float, float]:
    """Mean squared error and the fraction of predictions within `tolerance`."""
    criterion = nn.MSELoss(reduction="sum")
    total, close, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            pred = model(x)
            total += criterion(pred, y).item()
            close += ((pred - y).abs() < tolerance).sum().item()
            count += len(y)
    return total / count, close / count


def train(model: nn.Module, steps: int = 300, lr: float = 0.01, seed: int = 0, print_every: int = 50) -> dict:
    """Adam on shuffled mini-batches until `steps` optimizer steps are done."""
    generator = torch.Generator().manual_seed(seed)
    train_set, val_set = random_split(make_dataset(), [0.8, 0.2], generator=generator)
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=generator)
    val_loader = DataLoader(val_set, batch_size=64)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "val_mse": [], "val_accuracy": []}
    step = 0
    while step < steps:
        for x, y in train_loader:
            step += 1
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            history["loss"].append(loss.item())
            if should_print(step, steps, print_every):
                val_mse, val_acc = evaluate(model, val_loader)
                history["val_mse"].append(val_mse)
                history["val_accuracy"].append(val_acc)
                print(f"step {step:4d}  train loss {loss.item():.5f}  val MSE {val_mse:.5f}  "
                      f"val within {tolerance}: {val_acc:6.1%}")
            if step == steps:
                break
    val_mse, val_acc = evaluate(model, val_loader)
    history["final_val_mse"], history["final_val_accuracy"] = val_mse, val_acc
    return history


def main(steps: int = 300, seed: int = 0, print_every: int = 50, plot: str | None = None) -> dict:
    torch.manual_seed(seed)
    model = SineRNN()
    print(model)
    history = train(model, steps=steps, seed=seed, print_every=print_every)
    first, last = sum(history["loss"][:10]) / 10, sum(history["loss"][-10:]) / 10
    print(f"mean train loss of the first 10 steps {first:.4f}, of the last 10 {last:.5f} ({first / last:.0f}x lower); "
          f"validation: MSE {history['final_val_mse']:.5f}, {history['final_val_accuracy']:.1%} within {tolerance}")
    if plot:
        save_loss_plot(history["loss"], plot, "sine_regression: many-to-one RNN")
    return history


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0], steps=300, print_every=50)
    main(steps=args.steps, seed=args.seed, print_every=args.print_every, plot=args.plot)
