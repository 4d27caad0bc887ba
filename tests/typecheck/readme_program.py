"""A program a user writes from the README's API; tests/test_types.py type-checks it with
`mypy --strict` (it must report nothing, as the same program on torch does) and runs it."""
import tinygrad_rnn as torch
from tinygrad_rnn import nn


class Model(nn.Module):
    def __init__(self, vocab: int, hidden: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, hidden)
        self.rnn = nn.RNN(hidden, hidden, batch_first=True)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=1, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embed(x))
        out, (h, c) = self.lstm(out)
        logits: torch.Tensor = self.head(out)
        return logits


def main(path: str) -> float:
    torch.manual_seed(0)
    model = Model(5, 8)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    x = torch.randint(0, 5, (2, 4))
    y = torch.tensor([[1, 2, 3, 4], [0, 1, 2, 3]])
    loss = nn.functional.cross_entropy(model(x).reshape(-1, 5), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        z = torch.randn(3, 4, dtype=torch.float32) * 2.0
    torch.save(model.state_dict(), path)
    model.load_state_dict(torch.load(path))
    return float(loss.item()) + float(z.sum())
