import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
# Aladdin Persson's pytorch_rnn_gru_lstm.py and pytorch_bidirectional_lstm.py: image rows as a
# sequence (batch_first), an RNN/GRU whose outputs at every step go into one Linear, an LSTM whose
# last step's output does, and a bidirectional LSTM reading the last step of both directions.
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
input_size = 8
hidden_size = 16
num_layers = 2
num_classes = 10
sequence_length = 8
learning_rate = 0.005
batch_size = 16


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size * sequence_length, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.rnn(x, h0)
        out = out.reshape(out.shape[0], -1)
        out = self.fc(out)
        return out


class RNN_GRU(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN_GRU, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size * sequence_length, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.gru(x, h0)
        out = out.reshape(out.shape[0], -1)
        out = self.fc(out)
        return out


class RNN_LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN_LSTM, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


class BRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(BRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


targets = torch.randint(0, num_classes, (64,))
protos = torch.rand(num_classes, 1, 8, 8)
images = protos[targets] + 0.3 * torch.randn(64, 1, 8, 8)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, targets), batch_size=batch_size,
                                     shuffle=True)


def check_accuracy(loader, model):
    num_correct = 0
    num_samples = 0
    model.eval()
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device=device).squeeze(1)
            y = y.to(device=device)
            scores = model(x)
            _, predictions = scores.max(1)
            num_correct += (predictions == y).sum()
            num_samples += predictions.size(0)
    model.train()
    return num_correct / num_samples


for cls in (RNN, RNN_GRU, RNN_LSTM, BRNN):
    model = cls(input_size, hidden_size, num_layers, num_classes).to(device)
    print(model)
    print([(n, tuple(p.shape)) for n, p in model.named_parameters()][:5])
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=learning_rate)
    for epoch in range(2):
        for batch_idx, (data, targets) in enumerate(loader):
            data = data.to(device=device).squeeze(1)
            targets = targets.to(device=device)
            scores = model(data)
            loss = criterion(scores, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(cls.__name__, epoch, data.shape, scores.shape, f"{loss.item():.4f}", loss.grad_fn.name())
    print(f"Accuracy on training set: {check_accuracy(loader, model)*100:.2f}")
x = torch.randn(3, sequence_length, input_size)
lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
out, (h, c) = lstm(x)
print(out.shape, h.shape, c.shape, out.grad_fn.name())
print(torch.allclose(out[:, -1, :hidden_size], h[-2]), torch.allclose(out[:, 0, hidden_size:], h[-1]))
gru = nn.GRU(input_size, hidden_size, batch_first=True)
out, h = gru(x)
print(out.shape, h.shape, torch.equal(out[:, -1], h[0]), out.is_contiguous())
print(h)
