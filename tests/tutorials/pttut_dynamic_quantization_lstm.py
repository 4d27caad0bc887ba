import tinygrad_rnn as torch
# Modelled on PyTorch's tutorial "(beta) Dynamic Quantization on an LSTM Word Language Model": an LSTM
# language model, quantized with quantize_dynamic({nn.LSTM, nn.Linear}, qint8), compared with the float model.
# Small here: a vocabulary of 50 generated tokens, a few training steps instead of the tutorial's pretrained
# weights. The tutorial prints the sizes of the saved state_dicts, as here (torch.save writes the same bytes in
# both frameworks), and what they hold.
import os
import tempfile

nn = torch.nn
torch.manual_seed(0)


class LSTMModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.5):
        super(LSTMModel, self).__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        self.init_weights()
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        self.encoder.weight.data.uniform_(-initrange, initrange)
        self.decoder.bias.data.zero_()
        self.decoder.weight.data.uniform_(-initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        return decoded, hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))


ntokens = 50
# a corpus with structure to learn: each token mostly follows from the one before it
corpus = [0]
steps = torch.randint(1, 4, (1200,))
for s in steps.tolist():
    corpus.append((corpus[-1] * 7 + s) % ntokens)
data = torch.tensor(corpus)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous()


train_data = batchify(data[:1000], 10)
test_data = batchify(data[1000:], 4)
bptt = 12


def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].reshape(-1)
    return data, target


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


model = LSTMModel(ntoken=ntokens, ninp=16, nhid=32, nlayers=2)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
model.train()
hidden = model.init_hidden(10)
for i in range(0, train_data.size(0) - 1, bptt):
    inputs, targets = get_batch(train_data, i)
    hidden = repackage_hidden(hidden)
    output, hidden = model(inputs, hidden)
    loss = criterion(output.view(-1, ntokens), targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print('last training loss: {:.4f}'.format(loss.item()))
# The tutorial loads pretrained weights; these are rounded to a grid of 1/4096, the same numbers in any framework.
with torch.no_grad():
    for p in model.parameters():
        p.copy_((p * 4096).round() / 4096)
model.eval()
print(model)

quantized_model = torch.quantization.quantize_dynamic(
    model, {nn.LSTM, nn.Linear}, dtype=torch.qint8
)
print(quantized_model)


def describe_state_dict(model):
    """What torch.save would write: each key and the dtypes it holds."""
    for key, value in model.state_dict().items():
        if isinstance(value, torch.Tensor):
            print(key, value.dtype, tuple(value.shape))
        elif isinstance(value, tuple):
            print(key, [v.dtype for v in value], [tuple(v.shape) for v in value])
        elif isinstance(value, torch.dtype):
            print(key, value)
        else:
            print(key, '(packed weights)')


describe_state_dict(model)
describe_state_dict(quantized_model)


def print_size_of_model(model):
    path = os.path.join(tempfile.mkdtemp(), "temp.p")  # (the tutorial writes "temp.p" in the current folder)
    torch.save(model.state_dict(), path)
    print('Size (MB):', os.path.getsize(path) / 1e6)
    os.remove(path)


print_size_of_model(model)
print_size_of_model(quantized_model)

qweight = quantized_model.decoder.weight()
print(qweight.dtype, qweight.qscheme(), qweight.q_scale(), qweight.q_zero_point())
print(qweight.int_repr()[:2, :8])
print(qweight.int_repr().sum().item(), (qweight.dequantize() - model.decoder.weight).abs().max().item())


def evaluate(model_, data_source):
    model_.eval()
    total_loss = 0.
    hidden = model_.init_hidden(4)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i)
            output, hidden = model_(data, hidden)
            hidden = repackage_hidden(hidden)
            output_flat = output.view(-1, ntokens)
            total_loss += len(data) * criterion(output_flat, targets).item()
    return total_loss / (len(data_source) - 1)


print('loss: {0:.5f}'.format(evaluate(model, test_data)))
print('loss: {0:.5f}'.format(evaluate(quantized_model, test_data)))

# The basics: one tensor quantized with a chosen scale and zero point.
x = torch.tensor([[-1.0, 0.0, 0.25, 0.35], [1.234, 2.5, 12.7, -13.0]])
qx = torch.quantize_per_tensor(x, scale=0.1, zero_point=3, dtype=torch.qint8)
print(qx)
print(qx.int_repr())
print(qx.dequantize())
print(torch.quantize_per_tensor(x, 0.05, 128, torch.quint8).int_repr())
