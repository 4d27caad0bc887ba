import tinygrad_rnn as torch
import math
import random
import numpy as np
nn = torch.nn
# NYU Deep Learning (Canziani) notebooks: spiral classification with a linear model and a two-layer
# net, the temporal-order sequence classification task with an LSTM, and the echo task trained with
# truncated backpropagation through time. (Short runs: 120 steps per spiral model, the notebook's 1000,
# 2 epochs of 6 batches per sequence model, and a 240-value echo series instead of 50000.)
seed = 12345
random.seed(seed)
torch.manual_seed(seed)
N = 40
D = 2
C = 3
H = 50
X = torch.zeros(N * C, D)
y = torch.zeros(N * C, dtype=torch.long)
for c in range(C):
    index = 0
    t = torch.linspace(0, 1, N)
    inner_var = torch.linspace((2 * math.pi / C) * c, (2 * math.pi / C) * (2 + c), N) + torch.randn(N) * 0.2
    for ix in range(N * c, N * (c + 1)):
        X[ix] = t[index] * torch.FloatTensor((math.sin(inner_var[index]), math.cos(inner_var[index])))
        y[ix] = c
        index += 1
print("Shapes:")
print("X:", tuple(X.size()))
print("y:", tuple(y.size()))
print(X[::17], y[::17])
learning_rate = 1e-3
lambda_l2 = 1e-5
model = nn.Sequential(
    nn.Linear(D, H),
    nn.Linear(H, C)
)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
for t in range(120):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = (y == predicted).sum().float() / len(y)
    if t % 40 == 0:
        print("[EPOCH]: %i, [LOSS]: %.6f, [ACCURACY]: %.3f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model)
learning_rate = 1e-2
model = nn.Sequential(
    nn.Linear(D, H),
    nn.ReLU(),
    nn.Linear(H, C)
)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
for t in range(120):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = ((y == predicted).sum().float() / len(y))
    if t % 40 == 0:
        print("[EPOCH]: %i, [LOSS]: %.6f, [ACCURACY]: %.3f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
# (only the argmax: Adam magnifies float32 rounding noise along the loss's flat directions, such as a
# shift of every logit in a row, so after enough steps the logits agree with torch's to ~1e-3 only)
print(y_pred.max(1)[1], score.grad_fn, score.shape)
mesh = np.arange(-1.1, 1.1, 0.5)
xx, yy = np.meshgrid(mesh, mesh)
with torch.no_grad():
    data = torch.from_numpy(np.vstack((xx.reshape(-1), yy.reshape(-1))).T).float()
    Z = model(data).detach()
Z = np.argmax(Z, axis=1).reshape(xx.shape)
print(Z)

# sequence classification: which order do the two markers X, Y appear in?
class TemporalOrder:
    symbols = ["a", "b", "c", "d", "X", "Y", "B", "E"]
    classes = ["Q", "R", "S", "U"]
    def __init__(self, batch_size=8, length=(8, 12), rng=None):
        self.batch_size = batch_size
        self.length = length
        self.rng = rng
        self.n_symbols = len(self.symbols)
        self.n_classes = len(self.classes)
    def generate_pair(self):
        length = self.rng.randint(*self.length)
        seq = [self.rng.choice(self.symbols[:4]) for _ in range(length)]
        a, b = sorted(self.rng.sample(range(1, length - 1), 2))
        first, second = self.rng.choice("XY"), self.rng.choice("XY")
        seq[a], seq[b] = first, second
        label = self.classes[2 * (first == "Y") + (second == "Y")]
        return ["B"] + seq + ["E"], label
    def encode_x(self, seq):
        return np.eye(self.n_symbols, dtype=np.float32)[[self.symbols.index(s) for s in seq]]
    def __len__(self):
        return 6
    def __getitem__(self, index):
        pairs = [self.generate_pair() for _ in range(self.batch_size)]
        longest = max(len(s) for s, _ in pairs)
        x = np.zeros((self.batch_size, longest, self.n_symbols), dtype=np.float32)
        for i, (s, _) in enumerate(pairs):
            x[i, -len(s):] = self.encode_x(s)  # left padding, as the notebook's pad_sequences
        y = np.array([self.classes.index(label) for _, label in pairs])
        return torch.from_numpy(x), torch.from_numpy(y)
rng = random.Random(0)
train_data_gen = TemporalOrder(batch_size=8, rng=rng)
test_data_gen = TemporalOrder(batch_size=8, rng=rng)
x, y = train_data_gen[0]
print(x.shape, x.dtype, y, y.dtype)
print(x[0].argmax(1))
class SimpleLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.lstm = torch.nn.LSTM(input_size, hidden_size, batch_first=True)
        self.linear = torch.nn.Linear(hidden_size, output_size)
    def forward(self, x):
        h = self.lstm(x)[0]
        x = self.linear(h[:, -1, :])
        return x
class SimpleRNN(torch.nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = torch.nn.RNN(input_size, hidden_size, nonlinearity="relu", batch_first=True)
        self.linear = torch.nn.Linear(hidden_size, output_size)
    def forward(self, x):
        h = self.rnn(x)[0]
        x = self.linear(h[:, -1, :])
        return x
def train(model, train_data_gen, criterion, optimizer):
    model.train()
    num_correct = 0
    for batch_idx in range(len(train_data_gen)):
        data, target = train_data_gen[batch_idx]
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        y_pred = output.argmax(dim=1)
        num_correct += (y_pred == target).sum().item()
    return num_correct, loss.item()
def test(model, test_data_gen, criterion):
    model.eval()
    num_correct = 0
    with torch.no_grad():
        for batch_idx in range(len(test_data_gen)):
            data, target = test_data_gen[batch_idx]
            output = model(data)
            loss = criterion(output, target)
            y_pred = output.argmax(dim=1)
            num_correct += (y_pred == target).sum().item()
    return num_correct, loss.item()
for Model in (SimpleRNN, SimpleLSTM):
    torch.manual_seed(1)
    model = Model(train_data_gen.n_symbols, 4, train_data_gen.n_classes)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001)
    for epoch in range(2):
        correct, loss = train(model, train_data_gen, criterion, optimizer)
        accuracy = float(correct) / (len(train_data_gen) * train_data_gen.batch_size) * 100
        print(f"[{Model.__name__}-epoch {epoch + 1}] Train loss: {loss:.3f}, accuracy: {accuracy:.2f}%")
    correct, loss = test(model, test_data_gen, criterion)
    print(f"Test loss: {loss:.3f}, correct: {correct}")
    print(model, [p.shape for p in model.parameters()])

# echo data: the output is the input delayed by a few steps; truncated BPTT
echo_step = 3
total_values = 240
batch_size = 5
seq_length = 20
class EchoData:
    def __init__(self, series_length=total_values, truncated_length=seq_length, echo_step=echo_step,
                 batch_size=batch_size, seed=None):
        self.series_length = series_length
        self.truncated_length = truncated_length
        self.n_batches = series_length // truncated_length
        self.echo_step = echo_step
        self.batch_size = batch_size
        if seed is not None:
            np.random.seed(seed)
        self.generate_new_series()
        self.prepare_batches()
    def __getitem__(self, index):
        if index >= self.n_batches:
            raise IndexError
        return self.x_batches[index], self.y_batches[index]
    def __len__(self):
        return self.n_batches
    def generate_new_series(self):
        x = np.random.choice(2, size=(self.batch_size, self.series_length), p=[0.5, 0.5])
        y = np.roll(x, self.echo_step, axis=1)
        y[:, 0:self.echo_step] = 0
        self.raw_x = x
        self.raw_y = y
    def prepare_batches(self):
        x = np.expand_dims(self.raw_x, axis=-1)
        y = np.expand_dims(self.raw_y, axis=-1)
        self.x_batches = np.split(x, self.n_batches, axis=1)
        self.y_batches = np.split(y, self.n_batches, axis=1)
train_data = EchoData(seed=1)
test_data = EchoData(seed=2)
print(train_data.raw_x[0, :12], train_data.raw_y[0, :12], len(train_data), train_data[0][0].shape)
class SimpleEchoRNN(nn.Module):
    def __init__(self, input_size, rnn_hidden_size, output_size):
        super().__init__()
        self.rnn_hidden_size = rnn_hidden_size
        self.rnn = torch.nn.RNN(input_size=input_size, hidden_size=rnn_hidden_size, num_layers=1,
                                nonlinearity="relu", batch_first=True)
        self.linear = torch.nn.Linear(in_features=rnn_hidden_size, out_features=1)
    def forward(self, x, hidden):
        x, hidden = self.rnn(x, hidden)
        x = self.linear(x)
        return x, hidden
torch.manual_seed(2)
model = SimpleEchoRNN(1, 4, 1)
criterion = torch.nn.BCEWithLogitsLoss()
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001)
def train_echo(hidden):
    model.train()
    correct = 0
    for batch_idx in range(len(train_data)):
        data, target = train_data[batch_idx]
        data, target = torch.from_numpy(data).float(), torch.from_numpy(target).float()
        if hidden is not None:
            hidden.detach_()
        optimizer.zero_grad()
        logits, hidden = model(data, hidden)
        loss = criterion(logits, target)
        loss.backward()
        optimizer.step()
        pred = (torch.sigmoid(logits) > 0.5)
        correct += (pred == target.byte()).int().sum().item()
    return correct, loss.item(), hidden
def test_echo(hidden):
    model.eval()
    correct = 0
    with torch.no_grad():
        for batch_idx in range(len(test_data)):
            data, target = test_data[batch_idx]
            data, target = torch.from_numpy(data).float(), torch.from_numpy(target).float()
            logits, hidden = model(data, hidden)
            pred = (torch.sigmoid(logits) > 0.5)
            correct += (pred == target.byte()).int().sum().item()
    return correct
hidden = None
for epoch in range(2):
    correct, loss, hidden = train_echo(hidden)
    print(f"Train Epoch: {epoch + 1}, loss: {loss:.3f}, accuracy: {correct / (total_values * batch_size) * 100:.2f}%")
    print(hidden.shape, hidden.requires_grad, hidden.grad_fn)
print("test correct:", test_echo(None))
hidden = torch.zeros(1, batch_size, 4)
data = torch.from_numpy(train_data[0][0]).float()
logits, hidden = model(data, hidden)
hidden = hidden.detach()
print(hidden.requires_grad, logits.grad_fn, logits[0, :5, 0])
