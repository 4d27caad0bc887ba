import tinygrad_rnn as torch
import math
nn = torch.nn
F = nn.functional
# "Dive into Deep Learning", concise RNN: nn.RNN + nn.Linear, trained with torch.optim.SGD
torch.manual_seed(42)
text = "it was the best of times it was the worst of times it was the age of wisdom it was the age of foolishness "
vocab = sorted(set(text))
corpus = torch.tensor([vocab.index(c) for c in text])
vocab_size, num_hiddens, num_steps, batch_size = len(vocab), 24, 6, 3
rnn_layer = nn.RNN(len(vocab), num_hiddens)
state = torch.zeros((1, batch_size, num_hiddens))
print(state.shape)
X = torch.rand(size=(num_steps, batch_size, len(vocab)))
Y, state_new = rnn_layer(X, state)
print(Y.shape, state_new.shape)
class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)
    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state
    def begin_state(self, device, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens), device=device)
        return (torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens), device=device),
                torch.zeros((self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens), device=device))
device = torch.device('cpu')
for layer in [rnn_layer, nn.GRU(vocab_size, num_hiddens), nn.LSTM(vocab_size, num_hiddens, num_layers=2)]:
    net = RNNModel(layer, vocab_size=len(vocab))
    net = net.to(device)
    print(net)
    print(sum(p.numel() for p in net.parameters()), [n for n, _ in net.named_parameters()][:3])
    updater = torch.optim.SGD(net.parameters(), lr=1)
    loss = nn.CrossEntropyLoss()
    num_tokens = ((len(corpus) - 1) // batch_size) * batch_size
    Xs = corpus[:num_tokens].reshape(batch_size, -1)
    Ys = corpus[1:num_tokens + 1].reshape(batch_size, -1)
    for epoch in range(12):
        state, total, n = None, 0.0, 0
        for i in range(0, (Xs.shape[1] // num_steps) * num_steps, num_steps):
            X, Y = Xs[:, i:i + num_steps], Ys[:, i:i + num_steps]
            if state is None:
                state = net.begin_state(batch_size=X.shape[0], device=device)
            elif isinstance(state, tuple):
                for s in state:
                    s.detach_()
            else:
                state.detach_()
            y = Y.T.reshape(-1)
            y_hat, state = net(X, state)
            l = loss(y_hat, y.long()).mean()
            updater.zero_grad()
            l.backward()
            norm = nn.utils.clip_grad_norm_(net.parameters(), 1)
            updater.step()
            total += l.item() * y.numel()
            n += y.numel()
        if epoch % 4 == 3:
            print(f'epoch {epoch + 1}, perplexity {math.exp(total / n):.2f}, clipped from {norm:.4f}')
    state = net.begin_state(batch_size=1, device=device)
    outputs = [vocab.index('i')]
    for _ in range(15):
        y, state = net(torch.tensor([outputs[-1]]).reshape((1, 1)), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    print(repr(''.join(vocab[i] for i in outputs)))
