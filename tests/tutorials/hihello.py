import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
optim = torch.optim
torch.manual_seed(777)
idx2char = ['h', 'i', 'e', 'l', 'o']
x_data = [[0, 1, 0, 2, 3, 3]]   # hihell
x_one_hot = [[[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0]]]
y_data = [[1, 0, 2, 3, 3, 4]]   # ihello
X = torch.FloatTensor(x_one_hot)
Y = torch.LongTensor(y_data)
print(X.shape, Y.shape, X.type(), Y.type())
num_classes, input_size, hidden_size, batch_size, sequence_length = 5, 5, 5, 1, 6
class RNN(nn.Module):
    def __init__(self, num_classes, input_size, hidden_size, num_layers):
        super(RNN, self).__init__()
        self.num_classes = num_classes
        self.num_layers = num_layers
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.sequence_length = sequence_length
        self.rnn = nn.RNN(input_size=5, hidden_size=5, batch_first=True)
    def forward(self, x):
        h_0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        x.view(x.size(0), self.sequence_length, self.input_size)
        out, _ = self.rnn(x, h_0)
        return out.view(-1, num_classes)
rnn = RNN(num_classes, input_size, hidden_size, 1)
print(rnn)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.1)
for epoch in range(40):
    outputs = rnn(X)
    optimizer.zero_grad()
    loss = criterion(outputs, Y.view(-1))
    loss.backward()
    optimizer.step()
    _, idx = outputs.max(1)
    idx = idx.data.numpy()
    result_str = [idx2char[c] for c in idx.squeeze()]
    if epoch % 8 == 0 or epoch == 39:
        print("epoch: %d, loss: %1.3f" % (epoch + 1, loss.item()))
        print("Predicted string: ", ''.join(result_str))
print(loss)
# the same with an explicit cell loop, as the lab's first version does
cell = nn.RNN(input_size=input_size, hidden_size=hidden_size, batch_first=True)
optimizer = optim.SGD(cell.parameters(), lr=0.1, momentum=0.9)
inputs = X
labels = Y.view(-1)
for epoch in range(20):
    optimizer.zero_grad()
    loss = 0
    hidden = torch.zeros(1, 1, hidden_size)
    for i in range(inputs.size(1)):
        out, hidden = cell(inputs[:, i:i + 1, :], hidden)
        out = out.view(-1, num_classes)
        loss += criterion(out, labels[i:i + 1])
    loss.backward()
    optimizer.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {loss.item():.4f}", type(loss).__name__, loss.grad_fn)
