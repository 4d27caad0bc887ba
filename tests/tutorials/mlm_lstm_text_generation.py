import tinygrad_rnn as torch
# Machine Learning Mastery, "Text generation with LSTM in PyTorch": a short embedded text, lower-cased,
# char-to-int maps, windows of seq_length chars scaled to [0, 1] as one float feature each, a CharModel
# (LSTM, dropout, Linear on the last step), CrossEntropyLoss(reduction="sum"), the best state_dict kept
# by validation loss and saved with the mapping, then generation: argmax, and softmax sampling with
# torch.multinomial.
import io

import numpy as np

nn = torch.nn
optim = torch.optim
data = torch.utils.data

raw_text = ("Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
            "nothing to do: once or twice she had peeped into the book her sister was reading.").lower()
chars = sorted(list(set(raw_text)))
char_to_int = dict((c, i) for i, c in enumerate(chars))
n_chars, n_vocab = len(raw_text), len(chars)
print("Total Characters:", n_chars, "Total Vocab:", n_vocab)

seq_length = 10
dataX, dataY = [], []
for i in range(0, n_chars - seq_length, 1):
    seq_in = raw_text[i:i + seq_length]
    seq_out = raw_text[i + seq_length]
    dataX.append([char_to_int[char] for char in seq_in])
    dataY.append(char_to_int[seq_out])
n_patterns = len(dataX)
print("Total Patterns:", n_patterns)

X = torch.tensor(dataX, dtype=torch.float32).reshape(n_patterns, seq_length, 1)
X = X / float(n_vocab)
y = torch.tensor(dataY)
print(X.shape, y.shape, X.dtype, y.dtype, X[0, :4, 0], y[:6])


class CharModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=64, num_layers=1, batch_first=True)
        self.dropout = nn.Dropout(0.2)
        self.linear = nn.Linear(64, n_vocab)

    def forward(self, x):
        x, _ = self.lstm(x)
        x = x[:, -1, :]  # take only the last output
        x = self.linear(self.dropout(x))
        return x


torch.manual_seed(0)
n_epochs = 10  # the article trains 40; 10 keeps the suite fast
batch_size = 32
model = CharModel()
optimizer = optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss(reduction="sum")
loader = data.DataLoader(data.TensorDataset(X, y), shuffle=True, batch_size=batch_size)

best_model = None
best_loss = np.inf
for epoch in range(n_epochs):
    model.train()
    for X_batch, y_batch in loader:
        y_pred = model(X_batch)
        loss = loss_fn(y_pred, y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    loss = 0
    with torch.no_grad():
        for X_batch, y_batch in loader:
            y_pred = model(X_batch)
            loss += loss_fn(y_pred, y_batch)
        if loss < best_loss:
            best_loss = loss
            best_model = model.state_dict()
        if epoch % 5 == 4:
            print("Epoch %d: Cross-entropy: %.4f" % (epoch, loss))
print(type(best_loss).__name__, best_loss.dtype, list(best_model.keys()))
print(best_model["linear.bias"] is model.linear.bias.data, best_model["lstm.weight_hh_l0"].requires_grad)

buffer = io.BytesIO()
torch.save([best_model, char_to_int], buffer)
buffer.seek(0)
best_model, char_to_int = torch.load(buffer)
print(type(best_model).__name__, len(char_to_int), best_model["linear.weight"].shape)
int_to_char = dict((i, c) for c, i in char_to_int.items())

model = CharModel()
print(model.load_state_dict(best_model))
prompt = raw_text[20:20 + seq_length]
pattern = [char_to_int[c] for c in prompt]
model.eval()
print('Prompt: "%s"' % prompt)
generated = []
with torch.no_grad():
    for i in range(30):
        x = np.reshape(pattern, (1, len(pattern), 1)) / float(n_vocab)
        x = torch.tensor(x, dtype=torch.float32)
        prediction = model(x)
        index = int(prediction.argmax())
        result = int_to_char[index]
        generated.append(result)
        pattern.append(index)
        pattern = pattern[1:]
print("".join(generated))
print(x.dtype, x.shape, prediction.shape, prediction.argmax(), prediction.argmax(dim=1, keepdim=True))

# sampling instead of argmax: softmax with a temperature, then one draw from torch.multinomial
torch.manual_seed(1)
pattern = [char_to_int[c] for c in prompt]
sampled = []
with torch.no_grad():
    for temperature in (0.5, 1.0, 1.5):
        x = torch.tensor(np.reshape(pattern, (1, len(pattern), 1)) / float(n_vocab), dtype=torch.float32)
        logits = model(x)[0]
        probs = torch.softmax(logits / temperature, dim=-1)
        index = torch.multinomial(probs, num_samples=1).item()
        sampled.append(int_to_char[index])
        print(temperature, probs.max().item(), probs.sum().item(), index, torch.multinomial(probs, 3))
    draws = torch.multinomial(probs, num_samples=5, replacement=True)
    print(draws, draws.dtype, torch.multinomial(probs.unsqueeze(0).repeat(2, 1), 2))
print(repr("".join(sampled)))
