import tinygrad_rnn as torch
import math
import random
nn = torch.nn
F = nn.functional
# "Dive into Deep Learning" ch. 10: GRU and LSTM from scratch (parameter lists, torch.sigmoid, @),
# a hand-written SGD on param.grad with gradient clipping, then deep and bidirectional concise models.
# Short runs: 6 epochs from scratch, 3 for the concise models (the book's 500), on a two-line text.
torch.manual_seed(42)
random.seed(3)
text = ("the time traveller for so it will be convenient to speak of him was expounding a recondite "
        "matter to us his grey eyes shone and twinkled and his usually pale face was flushed and animated ")
vocab = sorted(set(text))
stoi = {c: i for i, c in enumerate(vocab)}
corpus = [stoi[c] for c in text]
V, H, T, B = len(vocab), 24, 10, 4
print(V, len(corpus))
def seq_data_iter_random(corpus, batch_size, num_steps):
    corpus = corpus[random.randint(0, num_steps - 1):]
    num_subseqs = (len(corpus) - 1) // num_steps
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(initial_indices)
    def data(pos):
        return corpus[pos: pos + num_steps]
    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        initial_indices_per_batch = initial_indices[i: i + batch_size]
        X = [data(j) for j in initial_indices_per_batch]
        Y = [data(j + 1) for j in initial_indices_per_batch]
        yield torch.tensor(X), torch.tensor(Y)
X, Y = next(seq_data_iter_random(list(range(35)), 2, 5))
print(X, Y, sep="\n")
def get_gru_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size
    def normal(shape):
        return torch.randn(size=shape) * 0.01
    def three():
        return (normal((num_inputs, num_hiddens)), normal((num_hiddens, num_hiddens)), torch.zeros(num_hiddens))
    W_xz, W_hz, b_z = three()
    W_xr, W_hr, b_r = three()
    W_xh, W_hh, b_h = three()
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs)
    params = [W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params
def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = torch.sigmoid((X @ W_xz) + (H @ W_hz) + b_z)
        R = torch.sigmoid((X @ W_xr) + (H @ W_hr) + b_r)
        H_tilda = torch.tanh((X @ W_xh) + ((R * H) @ W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = H @ W_hq + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)
def get_lstm_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size
    def three():
        return (nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01),
                nn.Parameter(torch.randn(num_hiddens, num_hiddens) * 0.01),
                nn.Parameter(torch.zeros(num_hiddens)))
    W_xi, W_hi, b_i = three()
    W_xf, W_hf, b_f = three()
    W_xo, W_ho, b_o = three()
    W_xc, W_hc, b_c = three()
    W_hq = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
    b_q = nn.Parameter(torch.zeros(num_outputs))
    return [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q]
def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c, W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = torch.sigmoid(torch.matmul(X, W_xi) + torch.matmul(H, W_hi) + b_i)
        Fg = torch.sigmoid(torch.matmul(X, W_xf) + torch.matmul(H, W_hf) + b_f)
        O = torch.sigmoid(torch.matmul(X, W_xo) + torch.matmul(H, W_ho) + b_o)
        C_tilda = torch.tanh(torch.matmul(X, W_xc) + torch.matmul(H, W_hc) + b_c)
        C = Fg * C + I * C_tilda
        H = O * torch.tanh(C)
        outputs.append((H @ W_hq) + b_q)
    return torch.cat(outputs, dim=0), (H, C)
class RNNModelScratch:
    def __init__(self, params, init_state, forward_fn):
        self.params, self.init_state, self.forward_fn = params, init_state, forward_fn
    def __call__(self, X, state):
        X = F.one_hot(X.T, V).type(torch.float32)
        return self.forward_fn(X, state, self.params)
    def begin_state(self, batch_size):
        return self.init_state(batch_size)
def grad_clipping(params, theta):
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm
def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
def predict(prefix, num_preds, net):
    state = net.begin_state(batch_size=1)
    outputs = [stoi[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(stoi[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab[i] for i in outputs])
def train(net, epochs, lr, use_random_iter):
    loss = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        state, total, n = None, 0.0, 0
        for X, Y in seq_data_iter_random(corpus, B, T):
            if state is None or use_random_iter:
                state = net.begin_state(batch_size=X.shape[0])
            else:
                state = tuple(s.detach() for s in state)
            y = Y.T.reshape(-1)
            y_hat, state = net(X, state)
            l = loss(y_hat, y.long()).mean()
            l.backward()
            norm = grad_clipping(net.params, 1)
            sgd(net.params, lr, 1)
            total += l.item() * y.numel()  # (float(l) warns once per process: the suite runs many programs)
            n += y.numel()
        if epoch % 2 == 1:
            print(f"epoch {epoch + 1} perplexity {math.exp(total / n):.3f} norm {norm.item():.4f}")
gru_net = RNNModelScratch(get_gru_params(V, H), lambda b: (torch.zeros((b, H)),), gru)
Y, new_state = gru_net(X[:, :3] % V, gru_net.begin_state(X.shape[0]))
print(Y.shape, len(new_state), new_state[0].shape)
train(gru_net, 6, 2.0, True)
print(predict("time ", 12, gru_net))
lstm_net = RNNModelScratch(get_lstm_params(V, H), lambda b: (torch.zeros((b, H)), torch.zeros((b, H))), lstm)
print([tuple(p.shape) for p in lstm_net.params[:3]], type(lstm_net.params[0]).__name__, lstm_net.params[2].is_leaf)
train(lstm_net, 6, 2.0, False)
print(predict("the ", 12, lstm_net))
# concise: deep GRU and bidirectional LSTM with nn modules
class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size):
        super().__init__()
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size)
    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size).to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state
    def begin_state(self, batch_size=1):
        shape = (self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros(shape)
        return (torch.zeros(shape), torch.zeros(shape))
for layer in (nn.GRU(V, H, num_layers=2), nn.LSTM(V, H, num_layers=2, bidirectional=True)):
    net = RNNModel(layer, V)
    print(net)
    print(sum(p.numel() for p in net.parameters()), [n for n, _ in net.named_parameters()][-6:])
    optimizer = torch.optim.SGD(net.parameters(), lr=1.0)
    loss = nn.CrossEntropyLoss()
    for epoch in range(3):
        total, n = 0.0, 0
        for X, Y in seq_data_iter_random(corpus, B, T):
            state = net.begin_state(batch_size=X.shape[0])
            y_hat, state = net(X, state)
            l = loss(y_hat, Y.T.reshape(-1))
            optimizer.zero_grad()
            l.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            total += l.item() * Y.numel()
            n += Y.numel()
        if epoch % 2 == 0:
            print(f"epoch {epoch + 1} perplexity {math.exp(total / n):.3f}")
    state = net.begin_state(1)
    out, state = net(torch.tensor([[stoi["t"], stoi["h"]]]), state)
    print(out.shape, out.argmax(1).tolist(), state[0].shape if isinstance(state, tuple) else state.shape)
