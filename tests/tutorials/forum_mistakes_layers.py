import tinygrad_rnn as torch
# The layer and loss mistakes that PyTorch forum threads ("RuntimeError: mat1 and mat2 shapes cannot be
# multiplied", "expected scalar type Long but found Float", "Expected hidden size ...") and course notebooks
# show most: each block makes one mistake and prints the error torch gives for it.
import numpy as np

nn = torch.nn
F = nn.functional
torch.manual_seed(0)


def attempt(label, mistake):
    """Runs one mistake and prints its exception's type and message (or that nothing was raised)."""
    try:
        mistake()
        print(f"{label}: no error")
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")


linear = nn.Linear(4, 3)
attempt("Linear, wrong feature count", lambda: linear(torch.randn(2, 5)))
attempt("Linear, image not flattened", lambda: linear(torch.randn(2, 1, 2, 2)))
attempt("Linear, Long input", lambda: linear(torch.tensor([[1, 2, 3, 4]])))
attempt("Linear, Double input", lambda: linear(torch.randn(2, 4, dtype=torch.float64)))
attempt("Linear, Double weights", lambda: nn.Linear(4, 3).double()(torch.randn(2, 4)))
attempt("Linear, 0-d input", lambda: linear(torch.tensor(1.0)))
attempt("Linear, a list", lambda: linear([1.0, 2.0, 3.0, 4.0]))

conv = nn.Conv2d(3, 8, 3)
attempt("Conv2d, wrong channels", lambda: conv(torch.randn(1, 1, 8, 8)))
attempt("Conv2d, channels last", lambda: conv(torch.randn(1, 8, 8, 3)))
attempt("Conv2d, 2-d input", lambda: conv(torch.randn(8, 8)))
attempt("Conv2d, 5-d input", lambda: conv(torch.randn(1, 1, 3, 8, 8)))
attempt("Conv2d, too small", lambda: conv(torch.randn(1, 3, 2, 2)))
attempt("Conv2d, uint8 image", lambda: conv(torch.zeros(1, 3, 8, 8, dtype=torch.uint8)))
attempt("Conv2d, Double input", lambda: conv(torch.randn(1, 3, 8, 8).double()))
attempt("conv2d, one image, Double weight", lambda: F.conv2d(torch.randn(1, 3, 8, 8), torch.randn(4, 3, 3, 3).double()))
attempt("conv2d, a batch, Double weight", lambda: F.conv2d(torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3, 3).double()))

lstm = nn.LSTM(4, 6, batch_first=True)
gru = nn.GRU(4, 6, num_layers=2)
rnn = nn.RNN(4, 6)
x = torch.randn(3, 5, 4)
attempt("LSTM, wrong input size", lambda: lstm(torch.randn(3, 5, 7)))
attempt("LSTM, 4-d input", lambda: lstm(torch.randn(3, 5, 4, 1)))
attempt("LSTM, int64 input", lambda: lstm(torch.randint(0, 5, (3, 5, 4))))
attempt("LSTM, Double input", lambda: lstm(x.double()))
attempt("LSTM, h0 made from a float64 numpy array",
        lambda: lstm(x, (torch.from_numpy(np.zeros((1, 3, 6))), torch.zeros(1, 3, 6))))
attempt("LSTM, Long c0", lambda: lstm(x, (torch.zeros(1, 3, 6), torch.zeros(1, 3, 6, dtype=torch.long))))
attempt("LSTM, h0 not a tuple", lambda: lstm(x, torch.zeros(1, 3, 6)))
attempt("LSTM, (h0, c0) of wrong batch", lambda: lstm(x, (torch.zeros(1, 5, 6), torch.zeros(1, 5, 6))))
attempt("LSTM, h0 batch first", lambda: lstm(x, (torch.zeros(3, 1, 6), torch.zeros(3, 1, 6))))
attempt("LSTM, c0 wrong size", lambda: lstm(x, (torch.zeros(1, 3, 6), torch.zeros(1, 3, 5))))
attempt("LSTM, 2-d h0 for 3-d input", lambda: lstm(x, (torch.zeros(3, 6), torch.zeros(3, 6))))
attempt("GRU, h0 for one layer", lambda: gru(x, torch.zeros(1, 5, 6)))
attempt("GRU, h0 a tuple", lambda: gru(x, (torch.zeros(2, 5, 6), torch.zeros(2, 5, 6))))
attempt("GRU, wrong hidden size", lambda: gru(x, torch.zeros(2, 5, 4)))
attempt("RNN, 2-d h0 for 3-d input", lambda: rnn(x, torch.zeros(5, 6)))
attempt("RNN, Double h0", lambda: rnn(x, torch.zeros(1, 5, 6, dtype=torch.float64)))
attempt("RNN, bad nonlinearity", lambda: nn.RNN(4, 6, nonlinearity="sigmoid"))
attempt("LSTMCell, 3-d input", lambda: nn.LSTMCell(4, 6)(x))
attempt("LSTMCell, h not a tuple", lambda: nn.LSTMCell(4, 6)(torch.randn(3, 4), torch.zeros(3, 6)))
attempt("GRUCell, wrong hidden", lambda: nn.GRUCell(4, 6)(torch.randn(3, 4), torch.zeros(3, 5)))

embedding = nn.Embedding(10, 3)
attempt("Embedding, float indices", lambda: embedding(torch.tensor([1.0, 2.0])))
attempt("Embedding, index out of range", lambda: embedding(torch.tensor([3, 10])))
attempt("Embedding, negative index", lambda: embedding(torch.tensor([-1, 2])))
attempt("Embedding, padding_idx out of range", lambda: nn.Embedding(10, 3, padding_idx=10))

logits = torch.randn(4, 3)
attempt("CrossEntropy, float class targets", lambda: F.cross_entropy(logits, torch.tensor([0.0, 1.0, 2.0, 1.0])))
attempt("CrossEntropy, int32 targets", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 2, 1], dtype=torch.int32)))
attempt("CrossEntropy, one-hot Long targets", lambda: F.cross_entropy(logits, F.one_hot(torch.tensor([0, 1, 2, 1]), 3)))
attempt("CrossEntropy, target out of range", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 3, 1])))
attempt("CrossEntropy, negative target", lambda: F.cross_entropy(logits, torch.tensor([0, -1, 2, 1])))
attempt("CrossEntropy, wrong batch size", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 2])))
attempt("CrossEntropy, targets as column", lambda: F.cross_entropy(logits, torch.tensor([[0], [1], [2], [1]])))
attempt("CrossEntropy, sequence not permuted", lambda: F.cross_entropy(torch.randn(2, 5, 3), torch.zeros(2, 5).long()))
attempt("CrossEntropy, float ignore_index", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 2, 1]), ignore_index=-1.0))
attempt("NLLLoss, float targets", lambda: nn.NLLLoss()(logits.log_softmax(1), torch.tensor([0.0, 1.0, 2.0, 1.0])))
attempt("NLLLoss, wrong batch size", lambda: nn.NLLLoss()(logits.log_softmax(1), torch.tensor([0, 1])))
attempt("MSELoss, Long target", lambda: nn.MSELoss()(logits, torch.tensor([0, 1, 2, 1])))
attempt("MSELoss, sizes that do not broadcast", lambda: F.mse_loss(torch.randn(4, 3), torch.randn(3, 4)))
attempt("MSELoss, Double target", lambda: F.mse_loss(torch.randn(4, requires_grad=True), torch.randn(4).double()).backward())
print("MSELoss, broadcast target:", F.mse_loss(torch.ones(4, 1), torch.zeros(4)).item())
attempt("BCELoss, logits", lambda: nn.BCELoss()(torch.tensor([1.5, -0.5]), torch.tensor([1.0, 0.0])))
attempt("BCELoss, Long target", lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.2]), torch.tensor([1, 0])))
attempt("BCELoss, wrong target shape", lambda: F.binary_cross_entropy(torch.rand(4, 1), torch.rand(4)))
attempt("BCEWithLogits, int targets", lambda: nn.BCEWithLogitsLoss()(torch.randn(2), torch.tensor([1, 0])))
attempt("BCEWithLogits, wrong shape", lambda: F.binary_cross_entropy_with_logits(torch.randn(4, 1), torch.rand(4)))
