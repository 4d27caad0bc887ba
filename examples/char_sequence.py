"""Next-character prediction on a longer sentence: a 2-layer RNN plus a Linear layer.

The sentence is cut into overlapping windows of 10 characters ("sliding windows"). For each window
the model reads the characters one-hot encoded and, at every position, predicts the next
character: the target is the same window shifted by one. The Linear layer maps the RNN's hidden
state (values in [-1, 1]) to unbounded class scores, so unlike examples/hihello.py the model can
become confident. Progress lines report the loss and the fraction of next characters predicted
correctly over all windows; at the end the model's predictions are stitched into the sentence.

    python examples/char_sequence.py
    python examples/char_sequence.py --steps 200 --plot loss.png

Like every example here it is plain PyTorch apart from its imports, and gives torch's numbers.
"""
from __future__ import annotations

import tinygrad_rnn as torch
from tinygrad_rnn import nn

try:  # run as a script (python examples/char_sequence.py) or imported from the tests
    from _common import parse_args, save_loss_plot, should_print
except ImportError:
    from examples._common import parse_args, save_loss_plot, should_print

sentence = ("if you want to build a ship, don't drum up people together to "
            "collect wood and don't assign them tasks and work, but rather "
            "teach them to long for the endless immensity of the sea.")
char_set = sorted(set(sentence))
char_dic = {c: i for i, c in enumerate(char_set)}
dic_size = len(char_set)
sequence_length = 10


def make_windows() -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (windows, 10) and targets (windows, 10): each target is its input shifted by one."""
    x_data, y_data = [], []
    for start in range(len(sentence) - sequence_length):
        x_str = sentence[start:start + sequence_length]
        y_str = sentence[start + 1:start + sequence_length + 1]
        x_data.append([char_dic[c] for c in x_str])
        y_data.append([char_dic[c] for c in y_str])
    return torch.tensor(x_data), torch.tensor(y_data)


class CharRNN(nn.Module):
    """One-hot characters -> RNN(num_layers=2) -> Linear -> one score per character class."""

    def __init__(self, input_dim: int, hidden_dim: int, layers: int) -> None:
        super().__init__()
        self.rnn = nn.RNN(input_dim, hidden_dim, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, input_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, _status = self.rnn(x)
        return self.fc(x)


def build_model(seed: int = 0, hidden_size: int = 32) -> CharRNN:
    torch.manual_seed(seed)
    return CharRNN(dic_size, hidden_size, 2)


def train(model: nn.Module, steps: int = 100, lr: float = 0.05, print_every: int = 20) -> dict:
    """Full-batch Adam over all windows; returns the loss and accuracy of every step."""
    x_idx, y = make_windows()
    dtype = model.fc.weight.dtype
    x = torch.eye(dic_size, dtype=dtype)[x_idx]  # one-hot: (windows, 10, dic_size)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"loss": [], "accuracy": []}
    for step in range(1, steps + 1):
        optimizer.zero_grad()
        outputs = model(x)  # (windows, 10, dic_size)
        loss = criterion(outputs.view(-1, dic_size), y.view(-1))
        loss.backward()
        optimizer.step()

        accuracy = (outputs.argmax(dim=2) == y).float().mean().item()
        history["loss"].append(loss.item())
        history["accuracy"].append(accuracy)
        if should_print(step, steps, print_every):
            print(f"step {step:4d}  loss {loss.item():.4f}  accuracy {accuracy:6.1%}")
    return history


def predict_sentence(model: nn.Module) -> str:
    """The first window's predictions, then the last prediction of every later window."""
    x_idx, _ = make_windows()
    with torch.no_grad():
        x = torch.eye(dic_size, dtype=model.fc.weight.dtype)[x_idx]
        predicted = model(x).argmax(dim=2).tolist()
    text = "".join(char_set[i] for i in predicted[0])
    return text + "".join(char_set[row[-1]] for row in predicted[1:])


def main(steps: int = 100, seed: int = 0, print_every: int = 20, plot: str | None = None) -> dict:
    model = build_model(seed)
    print(model)
    windows = len(sentence) - sequence_length
    print(f"{windows} windows of {sequence_length} characters, {dic_size} distinct characters")
    history = train(model, steps=steps, print_every=print_every)
    print(f"predicted: {sentence[0]}{predict_sentence(model)}")
    print(f"final accuracy {history['accuracy'][-1]:.1%}, loss {history['loss'][0]:.3f} -> {history['loss'][-1]:.3f}")
    if plot:
        save_loss_plot(history["loss"], plot, "char_sequence: 2-layer RNN + Linear")
    return history


if __name__ == "__main__":
    args = parse_args(__doc__.splitlines()[0], steps=100, print_every=20)
    main(steps=args.steps, seed=args.seed, print_every=args.print_every, plot=args.plot)
