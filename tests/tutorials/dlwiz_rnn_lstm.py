import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
Variable = torch.autograd.Variable

# Deep Learning Wizard's recurrent pages, shrunk: each MNIST-like image read row by row (14 rows of 14) by
# nn.RNN (tanh, relu, 1-2 layers) and nn.LSTM (1-3 layers) with a zero h0/c0 that is detached, the last
# step's output classified; then an LSTM and a GRU written from scratch as cells unrolled over the rows.
# The images are generated (14x14 to keep the suite fast): noisy class templates, so accuracy moves.
torch.manual_seed(0)
templates = torch.rand(10, 14, 14)
train_labels = torch.arange(64) % 10
train_images = (templates[train_labels] + 0.6 * torch.randn(64, 14, 14)).clamp(0, 1).unsqueeze(1)
test_labels = torch.arange(30) % 10
test_images = (templates[test_labels] + 0.6 * torch.randn(30, 14, 14)).clamp(0, 1).unsqueeze(1)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_images, train_labels),
                                           batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(test_images, test_labels),
                                          batch_size=32, shuffle=False)
seq_dim, input_dim = 14, 14
num_epochs = 2


class RNNModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim, nonlinearity='tanh'):
        super(RNNModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.rnn = nn.RNN(input_dim, hidden_dim, layer_dim, batch_first=True, nonlinearity=nonlinearity)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).requires_grad_()
        out, hn = self.rnn(x, h0.detach())
        out = self.fc(out[:, -1, :])
        return out


class LSTMModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim):
        super(LSTMModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.lstm = nn.LSTM(input_dim, hidden_dim, layer_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).requires_grad_()
        c0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).requires_grad_()
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        out = self.fc(out[:, -1, :])
        return out


def train(model, learning_rate=0.1):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    print(model)
    print(len(list(model.parameters())))
    for i in range(len(list(model.parameters()))):
        print(list(model.parameters())[i].size())
    iter = 0
    for epoch in range(num_epochs):
        for i, (images, labels) in enumerate(train_loader):
            model.train()
            images = images.view(-1, seq_dim, input_dim).requires_grad_()
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            iter += 1
            if iter % 2 == 0:
                model.eval()
                correct = 0
                total = 0
                for images, labels in test_loader:
                    images = images.view(-1, seq_dim, input_dim)
                    outputs = model(images)
                    _, predicted = torch.max(outputs.data, 1)
                    total += labels.size(0)
                    correct += (predicted == labels).sum()
                accuracy = 100 * correct / total
                print('Iteration: {}. Loss: {}. Accuracy: {}'.format(iter, loss.item(), accuracy))
    return outputs, loss


torch.manual_seed(1)
outputs, loss = train(RNNModel(input_dim, 20, 1, 10))
print(outputs.shape, outputs.grad_fn, loss.grad_fn)
train(RNNModel(input_dim, 20, 2, 10))
model = RNNModel(input_dim, 20, 2, 10, nonlinearity='relu')
train(model, learning_rate=0.01)
print(model.rnn.weight_hh_l1.grad.norm(), model.rnn.nonlinearity, list(model.state_dict().keys()))
torch.manual_seed(2)
for layers in (1, 2, 3):
    model = LSTMModel(input_dim, 16, layers, 10)
    train(model)
print(model.lstm.weight_ih_l2.grad[:4, :3], model.lstm.bias_hh_l0.grad[::16])
x = torch.randn(3, seq_dim, input_dim)
h0 = torch.zeros(3, 3, 16).requires_grad_()
out, (hn, cn) = model.lstm(x, (h0.detach(), h0.detach()))
print(out.shape, hn.shape, cn.shape, out.grad_fn.name(), hn.grad_fn.name())
print((out[:, -1, :] - hn[-1]).abs().max(), h0.detach().requires_grad, h0.requires_grad, h0.grad_fn)


# ---- from scratch: gates from two Linear layers, chunked, and the cell unrolled by hand
class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super(LSTMCell, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.x2h = nn.Linear(input_size, 4 * hidden_size, bias=bias)
        self.h2h = nn.Linear(hidden_size, 4 * hidden_size, bias=bias)
        self.reset_parameters()

    def reset_parameters(self):
        std = 1.0 / math.sqrt(self.hidden_size)
        for w in self.parameters():
            w.data.uniform_(-std, std)

    def forward(self, x, hidden):
        hx, cx = hidden
        x = x.view(-1, x.size(1))
        gates = self.x2h(x) + self.h2h(hx)
        gates = gates.squeeze()
        ingate, forgetgate, cellgate, outgate = gates.chunk(4, 1)
        ingate = F.sigmoid(ingate)
        forgetgate = F.sigmoid(forgetgate)
        cellgate = F.tanh(cellgate)
        outgate = F.sigmoid(outgate)
        cy = torch.mul(cx, forgetgate) + torch.mul(ingate, cellgate)
        hy = torch.mul(outgate, F.tanh(cy))
        return (hy, cy)


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super(GRUCell, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.x2h = nn.Linear(input_size, 3 * hidden_size, bias=bias)
        self.h2h = nn.Linear(hidden_size, 3 * hidden_size, bias=bias)
        self.reset_parameters()

    def reset_parameters(self):
        std = 1.0 / math.sqrt(self.hidden_size)
        for w in self.parameters():
            w.data.uniform_(-std, std)

    def forward(self, x, hidden):
        x = x.view(-1, x.size(1))
        gate_x = self.x2h(x)
        gate_h = self.h2h(hidden)
        gate_x = gate_x.squeeze()
        gate_h = gate_h.squeeze()
        i_r, i_i, i_n = gate_x.chunk(3, 1)
        h_r, h_i, h_n = gate_h.chunk(3, 1)
        resetgate = F.sigmoid(i_r + h_r)
        inputgate = F.sigmoid(i_i + h_i)
        newgate = F.tanh(i_n + (resetgate * h_n))
        hy = newgate + inputgate * (hidden - newgate)
        return hy


class LSTMScratchModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim, bias=True):
        super(LSTMScratchModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.lstm = LSTMCell(input_dim, hidden_dim, layer_dim)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = Variable(torch.zeros(self.layer_dim, x.size(0), self.hidden_dim))
        c0 = Variable(torch.zeros(self.layer_dim, x.size(0), self.hidden_dim))
        outs = []
        cn = c0[0, :, :]
        hn = h0[0, :, :]
        for seq in range(x.size(1)):
            hn, cn = self.lstm(x[:, seq, :], (hn, cn))
            outs.append(hn)
        out = outs[-1].squeeze()
        out = self.fc(out)
        return out


class GRUScratchModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim, bias=True):
        super(GRUScratchModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.gru_cell = GRUCell(input_dim, hidden_dim, layer_dim)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = Variable(torch.zeros(self.layer_dim, x.size(0), self.hidden_dim))
        outs = []
        hn = h0[0, :, :]
        for seq in range(x.size(1)):
            hn = self.gru_cell(x[:, seq, :], hn)
            outs.append(hn)
        out = outs[-1].squeeze()
        out = self.fc(out)
        return out


torch.manual_seed(3)
model = LSTMScratchModel(input_dim, 16, 1, 10)
outputs, loss = train(model)
print(outputs.grad_fn, model.lstm.x2h.weight.grad.sum(), model.lstm.h2h.bias.grad[:5])
model = GRUScratchModel(input_dim, 16, 1, 10)
outputs, loss = train(model)
print(outputs.grad_fn, model.gru_cell.h2h.weight.grad.abs().sum(), model.gru_cell.x2h.bias.grad[:5])

# the hand cell against nn.LSTMCell with the same weights
cell = LSTMCell(4, 3)
ref = nn.LSTMCell(4, 3)
with torch.no_grad():
    ref.weight_ih.copy_(cell.x2h.weight)
    ref.weight_hh.copy_(cell.h2h.weight)
    ref.bias_ih.copy_(cell.x2h.bias)
    ref.bias_hh.copy_(cell.h2h.bias)
x, h, c = torch.randn(2, 4), torch.randn(2, 3), torch.randn(2, 3)
mine, theirs = cell(x, (h, c)), ref(x, (h, c))
print(mine[0], theirs[0], torch.allclose(mine[1], theirs[1], atol=1e-6))
gru_cell, gru_ref = GRUCell(4, 3), nn.GRUCell(4, 3)
gru_ref.load_state_dict({'weight_ih': gru_cell.x2h.weight, 'weight_hh': gru_cell.h2h.weight,
                         'bias_ih': gru_cell.x2h.bias, 'bias_hh': gru_cell.h2h.bias})
print(gru_cell(x, h), gru_ref(x, h))
