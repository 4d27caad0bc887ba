import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim

# GeeksforGeeks-style recurrent examples: a character RNN learning "hello" from one-hot inputs
# (np.eye, torch.tensor(..., dtype=torch.float32), output.view(-1, size), argmax), an LSTM on a sine
# wave with the hidden state carried across epochs and detached, an RNNCell/LSTMCell/GRUCell loop,
# and sampling characters with torch.multinomial from a softmax.
torch.manual_seed(0)
np.random.seed(0)
text = "hello"
chars = sorted(list(set(text)))
char_to_idx = {ch: i for i, ch in enumerate(chars)}
idx_to_char = {i: ch for i, ch in enumerate(chars)}
print(chars, char_to_idx)
input_seq = text[:-1]
target_seq = text[1:]
input_idx = [char_to_idx[ch] for ch in input_seq]
target_idx = [char_to_idx[ch] for ch in target_seq]
input_size = len(chars)
hidden_size = 8
output_size = len(chars)
x_one_hot = np.eye(input_size)[input_idx]
print(x_one_hot, x_one_hot.dtype)
x_tensor = torch.tensor(x_one_hot, dtype=torch.float32).unsqueeze(0)
y_tensor = torch.tensor(target_idx, dtype=torch.long)
print(x_tensor.shape, y_tensor, x_tensor.type())


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x, hidden):
        out, hidden = self.rnn(x, hidden)
        out = self.fc(out)
        return out, hidden


model = CharRNN(input_size, hidden_size, output_size)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.05)
hidden = torch.zeros(1, 1, hidden_size)
for epoch in range(60):
    optimizer.zero_grad()
    output, hidden = model(x_tensor, hidden.detach())
    loss = criterion(output.view(-1, output_size), y_tensor)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 20 == 0:
        print(f"Epoch [{epoch + 1}/60], Loss: {loss.item():.4f}")
with torch.no_grad():
    test_hidden = torch.zeros(1, 1, hidden_size)
    test_output, _ = model(x_tensor, test_hidden)
    predicted = torch.argmax(test_output, dim=2).squeeze().numpy()
    print("Input sequence: ", input_seq)
    print("Predicted sequence: ", ''.join([idx_to_char[i] for i in predicted]))
    print(predicted, predicted.dtype, test_output.shape)

# LSTM on a sine wave: sequences of 10 steps, the state carried between epochs
t = np.linspace(0, 30, 150)
data = np.sin(t)


def create_sequences(data, seq_length):
    xs, ys = [], []
    for i in range(len(data) - seq_length):
        x = data[i:(i + seq_length)]
        y = data[i + seq_length]
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


seq_length = 10
X, y = create_sequences(data, seq_length)
trainX = torch.tensor(X[:, :, None], dtype=torch.float32)
trainY = torch.tensor(y[:, None], dtype=torch.float32)
print(trainX.shape, trainY.shape, trainX.dtype)


class LSTMModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim):
        super(LSTMModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.lstm = nn.LSTM(input_dim, hidden_dim, layer_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x, h0=None, c0=None):
        if h0 is None or c0 is None:
            h0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).to(x.device)
            c0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).to(x.device)
        out, (hn, cn) = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out, hn, cn


model = LSTMModel(input_dim=1, hidden_dim=12, layer_dim=1, output_dim=1)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
num_epochs = 40
h0, c0 = None, None
for epoch in range(num_epochs):
    model.train()
    optimizer.zero_grad()
    outputs, h0, c0 = model(trainX, h0, c0)
    loss = criterion(outputs, trainY)
    loss.backward()
    optimizer.step()
    h0 = h0.detach()
    c0 = c0.detach()
    if (epoch + 1) % 10 == 0:
        print(f'Epoch [{epoch + 1}/{num_epochs}], Loss: {loss.item():.4f}')
model.eval()
predicted, _, _ = model(trainX, h0, c0)
original = data[seq_length:]
time_steps = np.arange(seq_length, len(data))
print(predicted.detach().numpy()[:4].ravel(), original[:4], time_steps[:3])
print(h0.shape, c0.is_leaf)

# Cells unrolled by hand
rnn_cell = nn.RNNCell(input_size=3, hidden_size=4)
lstm_cell = nn.LSTMCell(input_size=3, hidden_size=4)
gru_cell = nn.GRUCell(input_size=3, hidden_size=4, bias=True)
print(rnn_cell, lstm_cell, gru_cell)
inputs = torch.randn(5, 2, 3)
hx = torch.randn(2, 4)
cx = torch.randn(2, 4)
output = []
for i in range(inputs.size()[0]):
    hx = rnn_cell(inputs[i], hx)
    output.append(hx)
output = torch.stack(output, dim=0)
print(output.shape, output[-1], output.grad_fn)
hx, cx = torch.zeros(2, 4), torch.zeros(2, 4)
for i in range(inputs.size()[0]):
    hx, cx = lstm_cell(inputs[i], (hx, cx))
print(hx, cx, hx.grad_fn, cx.grad_fn)
hx = gru_cell(inputs[0])
print(hx, hx.grad_fn)
print(rnn_cell(inputs[0][0]).shape, lstm_cell(inputs[0][0])[1].shape)

# Sampling the next character from a softmax
vocab = "abcde"
logits = torch.randn(1, len(vocab))
for temperature in [0.5, 1.0, 2.0]:
    probs = F.softmax(logits / temperature, dim=1)
    samples = [vocab[torch.multinomial(probs, 1).item()] for _ in range(8)]
    print(temperature, probs, ''.join(samples))
p = torch.softmax(logits[0], dim=0).detach().numpy()
print(p.sum().round(5), vocab[np.argmax(p)], torch.multinomial(torch.softmax(logits[0], 0), num_samples=3, replacement=True))
top_p, top_i = torch.topk(F.softmax(logits, dim=1), k=2)
print(top_p, top_i, top_i.dtype)
