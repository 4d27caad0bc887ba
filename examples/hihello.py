"""Teach a one-layer RNN to turn "hihell" into "ihello": the classic first character RNN.

Each input character is a one-hot vector of size 5 (the alphabet h, i, e, l, o). The RNN reads
the six characters of "hihell"; at every step its 5 outputs are scores for the *next* character,
and CrossEntropyLoss compares them with "ihello". After a few dozen Adam steps the argmax of the
outputs spells "ihello".

    python examples/hihello.py                 # train and print progress
    python examples/hihello.py --plot loss.png # also plot the loss (needs matplotlib)

The outputs of an RNN are tanh values in [-1, 1], so used directly as class scores they cannot
grow confident, and from some starting weights (about one seed in four, e.g. `--seed 0`) Adam
settles in a local minimum such as "ilello". The default seed, 4, learns "ihello" by step 13; try
other seeds to see both behaviours. A Linear layer on top of the RNN (examples/char_sequence.py)
removes the limit.

The code is plain PyTorch; only the imports differ. Write `import torch` and `from torch import nn`
instead and it runs on PyTorch with the same numbers (tests/test_examples_training.py checks this).
"""
from __future__ import annotations

import tinygrad_rnn as torch
from tinygrad_rnn import nn

try:  # run as a script (python examples/hihello.py) or imported from the tests
    from _common import parse_args, save_loss_plot, should_print
except ImportError:
    from examples._common import parse_args, save_loss_plot, should_print

idx2char = ["h", "i", "e", "l", "o"]
x_data = [0, 1, 0, 2, 3, 3]  # h i h e l l
y_data = [1, 0, 2, 3, 3, 4]  # i h e l l o
num_classes = 5  # one-hot size = number of distinct characters
input_size = 5
hidden_size = 5  # the RNN's outputs are used directly as the 5 class scores
batch_size = 1
sequence_length = 6
DEFAULT_SEED = 4  # see the docstring: some seeds end in a local minimum


def make_data(dtype: torch.dtype | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One-hot inputs of shape (batch=1, sequence=6, 5) and the target indices, shape (6,)."""
    one_hot = torch.eye(num_classes, dtype=dtype)
    inputs = one_hot[torch.tensor(x_data)].unsqueeze(0)
    labels = torch.tensor(y_data)
    return inputs, labels


def build_model(seed: int = DEFAULT_SEED) -> nn.RNN:
    torch.manual_seed(seed)
    return nn.RNN(input_size=input_size, hidden_size=hidden_size, batch_first=True)


def train(model: nn.RNN, steps: int = 50, lr: float = 0.1, print_every: int = 10) -> dict:
    """Adam on the whole (one-sequence) batch; returns the loss and accuracy of every step."""
    dtype = model.weight_ih_l0.dtype
    inputs, labels = make_data(dtype)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    hidden = torch.zeros(1, batch_size, hidden_size, dtype=dtype)  # (num_layers, batch, hidden)
    history = {"loss": [], "accuracy": [], "prediction": []}
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        outputs, _ = model(inputs, hidden)  # (1, 6, 5): one score vector per input character
        loss = criterion(outputs.view(-1, num_classes), labels)
        loss.backward()
        optimizer.step()

        predicted = outputs.argmax(dim=2).view(-1)
        accuracy = (predicted == labels).float().mean().item()
        text = "".join(idx2char[i] for i in predicted.tolist())
        history["loss"].append(loss.item())
        history["accuracy"].append(accuracy)
        history["prediction"].append(text)
        if should_print(step, steps, print_every):
            print(f"step {step:3d}  loss {loss.item():.4f}  accuracy {accuracy:6.1%}  predicted {text!r}")
    return history


def main(steps: int = 50, seed: int = DEFAULT_SEED, print_every: int = 10, plot: str | None = None) -> dict:
    model = build_model(seed)
    print(model)
    print(f"learning to map {''.join(idx2char[i] for i in x_data)!r} -> {''.join(idx2char[i] for i in y_data)!r}")
    history = train(model, steps=steps, print_every=print_every)
    reached = [step for step, acc in enumerate(history["accuracy"], 1) if acc == 1.0]
    if history["accuracy"][-1] == 1.0:
        print(f"final prediction {history['prediction'][-1]!r}: 100% accuracy (first reached at step {reached[0]})")
    else:
        print(f"final prediction {history['prediction'][-1]!r}: stuck at {history['accuracy'][-1]:.1%} accuracy "
              "(a local minimum; see the docstring, or try another --seed)")
    if plot:
        save_loss_plot(history["loss"], plot, "hihello: character RNN")
    return history


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0], steps=50, print_every=5, seed=DEFAULT_SEED)
    main(steps=args.steps, seed=args.seed, print_every=args.print_every, plot=args.plot)
