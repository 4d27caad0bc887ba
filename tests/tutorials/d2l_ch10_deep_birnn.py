import tinygrad_rnn as torch
import math
import collections
import inspect
nn = torch.nn
F = torch.nn.functional

# "Dive into Deep Learning" (PyTorch, 1.0) chapter 10, shrunk: RNNs from scratch stacked into
# deep and bidirectional ones, then the concise nn.GRU(num_layers, bidirectional) and nn.LSTM,
# each trained as a character language model with a LazyLinear output layer, d2l's gradient
# clipping through param.grad[:] *=, perplexity and greedy prediction.
torch.manual_seed(10)
text = "the time machine by h g wells the time traveller for so it will be convenient to speak of him " * 3
tokens = list(text)


class Vocab:
    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = list(sorted(set(['<unk>'] + list(reserved_tokens) + [
            token for token, freq in self.token_freqs if freq >= min_freq])))
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if hasattr(indices, '__len__') and len(indices) > 1:
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[indices]

    @property
    def unk(self):
        return self.token_to_idx['<unk>']


vocab = Vocab(tokens)
corpus = [vocab[token] for token in tokens]
num_steps, batch_size = 8, 16
array = torch.tensor([corpus[i:i + num_steps + 1] for i in range(len(corpus) - num_steps)])
X, Y = array[:, :-1], array[:, 1:]
print(len(vocab), array.shape, X.dtype, vocab.to_tokens(X[0]))
num_train = 128
dataset = torch.utils.data.TensorDataset(*tuple(a[slice(0, num_train)] for a in (X, Y)))
train_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)


class HyperParameters:
    def save_hyperparameters(self, ignore=()):
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {k: v for k, v in local_vars.items() if k not in set(ignore) | {"self"} and not k.startswith('_')}
        for k, v in self.hparams.items():
            setattr(self, k, v)


class RNNScratch(nn.Module, HyperParameters):
    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W_xh = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))

    def forward(self, inputs, state=None):
        if state is None:
            state = torch.zeros((inputs.shape[1], self.num_hiddens), device=inputs.device)
        else:
            state, = state
        outputs = []
        for X in inputs:
            state = torch.tanh(torch.matmul(X, self.W_xh) + torch.matmul(state, self.W_hh) + self.b_h)
            outputs.append(state)
        return outputs, state


class StackedRNNScratch(nn.Module, HyperParameters):
    def __init__(self, num_inputs, num_hiddens, num_layers, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.rnns = nn.Sequential(*[RNNScratch(num_inputs if i == 0 else num_hiddens, num_hiddens, sigma)
                                    for i in range(num_layers)])

    def forward(self, inputs, Hs=None):
        outputs = inputs
        if Hs is None:
            Hs = [None] * self.num_layers
        for i in range(self.num_layers):
            outputs, Hs[i] = self.rnns[i](outputs, Hs[i])
            outputs = torch.stack(outputs, 0)
        return outputs, Hs


class BiRNNScratch(nn.Module, HyperParameters):
    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.f_rnn = RNNScratch(num_inputs, num_hiddens, sigma)
        self.b_rnn = RNNScratch(num_inputs, num_hiddens, sigma)
        self.num_hiddens *= 2

    def forward(self, inputs, Hs=None):
        f_H, b_H = Hs if Hs is not None else (None, None)
        f_outputs, f_H = self.f_rnn(inputs, f_H)
        b_outputs, b_H = self.b_rnn(reversed(inputs), b_H)
        outputs = [torch.cat((f, b), -1) for f, b in zip(f_outputs, reversed(b_outputs))]
        return outputs, (f_H, b_H)


class RNNLMScratch(nn.Module, HyperParameters):
    def __init__(self, rnn, vocab_size, lr=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.W_hq = nn.Parameter(torch.randn(self.rnn.num_hiddens, self.vocab_size) * self.rnn.sigma)
        self.b_q = nn.Parameter(torch.zeros(self.vocab_size))

    def one_hot(self, X):
        return F.one_hot(X.T, self.vocab_size).type(torch.float32)

    def output_layer(self, rnn_outputs):
        outputs = [torch.matmul(H, self.W_hq) + self.b_q for H in rnn_outputs]
        return torch.stack(outputs, 1)

    def forward(self, X, state=None):
        embs = self.one_hot(X)
        rnn_outputs, _ = self.rnn(embs, state)
        return self.output_layer(rnn_outputs)

    def loss(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        return F.cross_entropy(Y_hat, Y, reduction='mean' if averaged else 'none')

    def predict(self, prefix, num_preds, vocab, device=None):
        state, outputs = None, [vocab[prefix[0]]]
        for i in range(len(prefix) + num_preds - 1):
            X = torch.tensor([[outputs[-1]]], device=device)
            embs = self.one_hot(X)
            rnn_outputs, state = self.rnn(embs, state)
            if i < len(prefix) - 1:
                outputs.append(vocab[prefix[i + 1]])
            else:
                Y = self.output_layer(rnn_outputs)
                outputs.append(int(Y.argmax(axis=2).reshape(1)))
        return ''.join([vocab.idx_to_token[i] for i in outputs])


class RNNLM(RNNLMScratch):
    def __init__(self, rnn, vocab_size, lr=0.01):
        nn.Module.__init__(self)
        self.save_hyperparameters()
        self.linear = nn.LazyLinear(self.vocab_size)

    def output_layer(self, hiddens):
        return self.linear(hiddens).swapaxes(0, 1)


class GRU(nn.Module, HyperParameters):
    def __init__(self, num_inputs, num_hiddens, num_layers, dropout=0, bidirectional=False):
        super().__init__()
        self.save_hyperparameters()
        self.rnn = nn.GRU(num_inputs, num_hiddens, num_layers, dropout=dropout, bidirectional=bidirectional)
        if bidirectional:
            self.num_hiddens *= 2

    def forward(self, inputs, H=None):
        return self.rnn(inputs, H)


def clip_gradients(grad_clip_val, model):
    params = [p for p in model.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > grad_clip_val:
        for param in params:
            param.grad[:] *= grad_clip_val / norm
    return norm


def fit(model, max_epochs, lr):
    optim = torch.optim.SGD(model.parameters(), lr)
    for epoch in range(max_epochs):
        model.train()
        for Xb, Yb in train_iter:
            l = model.loss(model(Xb), Yb)
            optim.zero_grad()
            with torch.no_grad():
                l.backward()
                norm = clip_gradients(1, model)
            optim.step()
        print(epoch, 'ppl', torch.exp(l).item(), 'norm', norm)


x = torch.arange(6.).reshape(3, 2)
print(reversed(x), list(reversed(x))[0])

stacked = StackedRNNScratch(num_inputs=len(vocab), num_hiddens=12, num_layers=2)
print(stacked.hparams, [n for n, _ in stacked.named_parameters()])
model = RNNLMScratch(stacked, vocab_size=len(vocab), lr=2)
outs = model(X[:2])
print(outs.shape, outs.grad_fn.name(), model.loss(outs, Y[:2], averaged=False).shape)
fit(model, 2, 2)
print(model.predict('time ', 6, vocab))

birnn = BiRNNScratch(num_inputs=len(vocab), num_hiddens=8)
outputs, (f_H, b_H) = birnn(torch.randn(5, 2, len(vocab)))
print(len(outputs), outputs[0].shape, f_H.shape, b_H.shape, birnn.num_hiddens)

gru = GRU(num_inputs=len(vocab), num_hiddens=12, num_layers=2, dropout=0.1, bidirectional=True)
model = RNNLM(gru, vocab_size=len(vocab), lr=2)
print(model)
print(model.linear.weight, type(model.linear).__name__)
out = model(X[:3])
print(out.shape, type(model.linear).__name__, model.linear.weight.shape, model.linear.in_features)
output, H = gru(torch.ones(num_steps, 2, len(vocab)))
print(output.shape, H.shape, output[-1, 0, :3], H[1, 0, :3], output[0, 0, 12:15], H[-1, 0, :3])
print([(n, tuple(p.shape)) for n, p in gru.rnn.named_parameters()][-4:])
fit(model, 2, 2)
model.eval()
print(model.predict('time ', 6, vocab))

lstm = nn.LSTM(len(vocab), 10, num_layers=3, dropout=0.2)
model = RNNLM(lstm, vocab_size=len(vocab), lr=2)
model.rnn.num_hiddens = 10
out = model(X[:3])
print(out.shape, model.linear.in_features)
fit(model, 1, 4)
model.eval()
with torch.no_grad():
    out, (h, c) = lstm(model.one_hot(X[:2]))
print(out.shape, h.shape, c.shape, (out[-1] - h[-1]).abs().max().item())
