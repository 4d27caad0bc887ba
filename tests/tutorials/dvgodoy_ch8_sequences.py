import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
rnn_utils = torch.nn.utils.rnn

# Godoy's "Deep Learning with PyTorch Step-by-Step", chapter 8, shrunk: the corners of squares drawn
# clockwise or counter-clockwise, an RNN cell by hand against nn.RNNCell, nn.RNN/GRU/LSTM with their
# weights and state_dict names, stacked and bidirectional RNNs, variable-length sequences packed and
# padded, and a 1D convolution over the sequence. Each model trains 3 epochs (the book's 100).


def generate_sequences(n=32, variable_len=False, seed=13):
    basic_corners = np.array([[-1, -1], [-1, 1], [1, 1], [1, -1]])
    np.random.seed(seed)
    bases = np.random.randint(4, size=n)
    if variable_len:
        lengths = np.random.randint(3, size=n) + 2
    else:
        lengths = [4] * n
    directions = np.random.randint(2, size=n)
    points = [basic_corners[[(b + i) % 4 for i in range(4)]][slice(None, None, d * 2 - 1)][:l]
              + np.random.randn(l, 2) * 0.1
              for b, d, l in zip(bases, directions, lengths)]
    return points, directions


points, directions = generate_sequences(n=64, seed=13)
print(len(points), points[0].round(4), directions[:10])

# an RNN cell by hand
n_features = 2
hidden_dim = 2
torch.manual_seed(19)
rnn_cell = nn.RNNCell(input_size=n_features, hidden_size=hidden_dim)
rnn_state = rnn_cell.state_dict()
print(rnn_cell, rnn_state)
linear_input = nn.Linear(n_features, hidden_dim)
linear_hidden = nn.Linear(hidden_dim, hidden_dim)
with torch.no_grad():
    linear_input.weight = nn.Parameter(rnn_state['weight_ih'])
    linear_input.bias = nn.Parameter(rnn_state['bias_ih'])
    linear_hidden.weight = nn.Parameter(rnn_state['weight_hh'])
    linear_hidden.bias = nn.Parameter(rnn_state['bias_hh'])
initial_hidden = torch.zeros(1, hidden_dim)
th = linear_hidden(initial_hidden)
X = torch.as_tensor(points[0]).float()
tx = linear_input(X[0:1])
adding = th + tx
print(th, tx, torch.tanh(adding))
print(rnn_cell(X[0:1]))
hidden = torch.zeros(1, hidden_dim)
for i in range(X.shape[0]):
    out = rnn_cell(X[i:i + 1], hidden)
    print(out)
    hidden = out

# nn.RNN, batch_first and the shapes
torch.manual_seed(19)
rnn = nn.RNN(input_size=n_features, hidden_size=hidden_dim)
print(rnn, rnn.state_dict().keys())
batch = torch.as_tensor(np.array(points[:3])).float()
print(batch.shape)
permuted_batch = batch.permute(1, 0, 2)
print(permuted_batch.shape, permuted_batch.is_contiguous())
out, final_hidden = rnn(permuted_batch)
print(out.shape, final_hidden.shape, (out[-1] == final_hidden).all())
batch_first_output = out.permute(1, 0, 2)
print(batch_first_output[:, -1])
torch.manual_seed(19)
rnn_batch_first = nn.RNN(input_size=n_features, hidden_size=hidden_dim, batch_first=True)
out, final_hidden = rnn_batch_first(batch)
print(out.shape, final_hidden.shape, out[:, -1], final_hidden)

# stacked RNN: layer by layer equals the two-layer module
torch.manual_seed(19)
rnn_stacked = nn.RNN(input_size=2, hidden_size=2, num_layers=2, batch_first=True)
state = rnn_stacked.state_dict()
print(list(state.keys()))
rnn_layer0 = nn.RNN(input_size=2, hidden_size=2, batch_first=True)
rnn_layer1 = nn.RNN(input_size=2, hidden_size=2, batch_first=True)
rnn_layer0.load_state_dict(dict(list(state.items())[:4]))
rnn_layer1.load_state_dict(dict([(k[:-1] + '0', v) for k, v in list(state.items())[4:]]))
x = torch.as_tensor(points[0:1]).float()
out0, h0 = rnn_layer0(x)
out1, h1 = rnn_layer1(out0)
print(out1, torch.cat([h0, h1]))
out, hidden = rnn_stacked(x)
print(out, hidden, (out[:, -1] == hidden.permute(1, 0, 2)[:, -1]).all())

# bidirectional RNN: the reversed sequence through a second RNN
torch.manual_seed(19)
rnn_bidirect = nn.RNN(input_size=2, hidden_size=2, bidirectional=True, batch_first=True)
state = rnn_bidirect.state_dict()
print(list(state.keys()), [v.shape for v in state.values()])
rnn_forward = nn.RNN(input_size=2, hidden_size=2, batch_first=True)
rnn_reverse = nn.RNN(input_size=2, hidden_size=2, batch_first=True)
rnn_forward.load_state_dict(dict(list(state.items())[:4]))
rnn_reverse.load_state_dict(dict([(k[:-8], v) for k, v in list(state.items())[4:]]))
x_rev = torch.flip(x, dims=[1])
out, h = rnn_forward(x)
out_rev, h_rev = rnn_reverse(x_rev)
out_rev_back = torch.flip(out_rev, dims=[1])
print(torch.cat([out, out_rev_back], dim=2), torch.cat([h, h_rev]))
out, hidden = rnn_bidirect(x)
print(out, hidden, out.grad_fn)


# the square classifier, trained a few epochs
class SquareModel(nn.Module):
    def __init__(self, n_features, hidden_dim, n_outputs, rnn_layer=nn.RNN, **kwargs):
        super(SquareModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.hidden = None
        self.basic_rnn = rnn_layer(self.n_features, self.hidden_dim, batch_first=True, **kwargs)
        output_dim = (self.basic_rnn.proj_size if getattr(self.basic_rnn, 'proj_size', 0) else self.hidden_dim)
        if self.basic_rnn.bidirectional:
            output_dim *= 2
        self.classifier = nn.Linear(output_dim, self.n_outputs)

    def forward(self, X):
        is_packed = isinstance(X, nn.utils.rnn.PackedSequence)
        batch_first_output, self.hidden = self.basic_rnn(X)
        if is_packed:
            batch_first_output, seq_sizes = rnn_utils.pad_packed_sequence(batch_first_output, batch_first=True)
            seq_slice = torch.arange(seq_sizes.size(0))
            last_output = batch_first_output[seq_slice, seq_sizes - 1]
        else:
            last_output = batch_first_output[:, -1]
        out = self.classifier(last_output)
        return out.view(-1, self.n_outputs)


train_data = TensorDataset(torch.as_tensor(np.array(points)).float(),
                           torch.as_tensor(directions).view(-1, 1).float())
test_points, test_directions = generate_sequences(n=16, seed=19)
test_x = torch.as_tensor(np.array(test_points)).float()
test_y = torch.as_tensor(test_directions).view(-1, 1).float()
for layer, kwargs in [(nn.RNN, {}), (nn.GRU, {}), (nn.LSTM, {}), (nn.LSTM, {'num_layers': 2, 'dropout': 0.2}),
                      (nn.GRU, {'bidirectional': True}), (nn.LSTM, {'proj_size': 1})]:
    torch.manual_seed(21)
    train_loader = DataLoader(train_data, batch_size=16, shuffle=True)
    model = SquareModel(n_features=2, hidden_dim=2, n_outputs=1, rnn_layer=layer, **kwargs)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(3):
        model.train()
        for xb, yb in train_loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    with torch.no_grad():
        acc = ((model(test_x) > 0).float() == test_y).float().mean()
    hidden = model.hidden
    shapes = [h.shape for h in hidden] if isinstance(hidden, tuple) else hidden.shape
    print(layer.__name__, kwargs, round(loss.item(), 4), acc, shapes)
    print({k: tuple(v.shape) for k, v in model.basic_rnn.state_dict().items()})

# GRU and LSTM cells by hand against the modules
torch.manual_seed(17)
gru_cell = nn.GRUCell(input_size=n_features, hidden_size=hidden_dim)
gru_state = gru_cell.state_dict()
print(gru_cell, {k: v.shape for k, v in gru_state.items()})
Wx, bx = gru_state['weight_ih'], gru_state['bias_ih']
Wh, bh = gru_state['weight_hh'], gru_state['bias_hh']
Wxr, Wxz, Wxn = Wx.split(hidden_dim, dim=0)
bxr, bxz, bxn = bx.split(hidden_dim, dim=0)
Whr, Whz, Whn = Wh.split(hidden_dim, dim=0)
bhr, bhz, bhn = bh.split(hidden_dim, dim=0)


def linear_layers(Wx, bx, Wh, bh):
    hidden_dim, n_features = Wx.size()
    lin_input = nn.Linear(n_features, hidden_dim)
    lin_input.load_state_dict({'weight': Wx, 'bias': bx})
    lin_hidden = nn.Linear(hidden_dim, hidden_dim)
    lin_hidden.load_state_dict({'weight': Wh, 'bias': bh})
    return lin_hidden, lin_input


r_hidden, r_input = linear_layers(Wxr, bxr, Whr, bhr)
z_hidden, z_input = linear_layers(Wxz, bxz, Whz, bhz)
n_hidden, n_input = linear_layers(Wxn, bxn, Whn, bhn)


def reset_gate(h, x):
    return torch.sigmoid(r_hidden(h) + r_input(x))


def update_gate(h, x):
    return torch.sigmoid(z_hidden(h) + z_input(x))


def candidate_n(h, x, r):
    return torch.tanh(n_input(x) + r * n_hidden(h))


initial_hidden = torch.zeros(1, hidden_dim)
first_corner = X[0:1]
r = reset_gate(initial_hidden, first_corner)
n = candidate_n(initial_hidden, first_corner, r)
z = update_gate(initial_hidden, first_corner)
h_prime = n * (1 - z) + initial_hidden * z
print(r, z, n, h_prime)
print(gru_cell(first_corner))

torch.manual_seed(17)
lstm_cell = nn.LSTMCell(input_size=n_features, hidden_size=hidden_dim)
lstm_state = lstm_cell.state_dict()
print(lstm_cell, {k: v.shape for k, v in lstm_state.items()})
Wx, bx = lstm_state['weight_ih'], lstm_state['bias_ih']
Wh, bh = lstm_state['weight_hh'], lstm_state['bias_hh']
Wxi, Wxf, Wxg, Wxo = Wx.split(hidden_dim, dim=0)
bxi, bxf, bxg, bxo = bx.split(hidden_dim, dim=0)
Whi, Whf, Whg, Who = Wh.split(hidden_dim, dim=0)
bhi, bhf, bhg, bho = bh.split(hidden_dim, dim=0)
i_hidden, i_input = linear_layers(Wxi, bxi, Whi, bhi)
f_hidden, f_input = linear_layers(Wxf, bxf, Whf, bhf)
o_hidden, o_input = linear_layers(Wxo, bxo, Who, bho)
g_hidden, g_input = linear_layers(Wxg, bxg, Whg, bhg)
initial_cell = torch.zeros(1, hidden_dim)
i = torch.sigmoid(i_hidden(initial_hidden) + i_input(first_corner))
f = torch.sigmoid(f_hidden(initial_hidden) + f_input(first_corner))
g = torch.tanh(g_hidden(initial_hidden) + g_input(first_corner))
o = torch.sigmoid(o_hidden(initial_hidden) + o_input(first_corner))
c_prime = f * initial_cell + i * g
h_prime = o * torch.tanh(c_prime)
print(c_prime, h_prime)
print(lstm_cell(first_corner))
print(lstm_cell(first_corner, (initial_hidden, initial_cell))[1].grad_fn is not None)

# variable-length sequences: padding and packing
s0 = torch.tensor(points[0], dtype=torch.float32)
s1 = torch.tensor(points[1][2:], dtype=torch.float32)
s2 = torch.tensor(points[2][1:], dtype=torch.float32)
print(s0.size(), s1.size(), s2.size())
all_seqs = [s0, s1, s2]
padded = rnn_utils.pad_sequence(all_seqs, batch_first=True)
print(padded)
print(rnn_utils.pad_sequence(all_seqs, batch_first=False, padding_value=-1.).shape)
print(rnn_utils.pad_sequence(all_seqs, batch_first=True, padding_side='left')[1])
torch.manual_seed(11)
rnn = nn.RNN(2, 2, batch_first=True)
output_padded, hidden_padded = rnn(padded)
print(output_padded, hidden_padded.permute(1, 0, 2))
packed = rnn_utils.pack_sequence(all_seqs, enforce_sorted=False)
print(packed)
print(packed.data.shape, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
print((packed.data[[0, 3, 6, 8]] == s0).all())
output_packed, hidden_packed = rnn(packed)
print(output_packed, hidden_packed)
print(hidden_packed == hidden_padded)
output_unpacked, seq_sizes = rnn_utils.pad_packed_sequence(output_packed, batch_first=True)
print(output_unpacked, seq_sizes)
seq_idx = torch.arange(seq_sizes.size(0))
print(output_unpacked[seq_idx, seq_sizes - 1])
len_seqs = [len(seq) for seq in all_seqs]
packed = rnn_utils.pack_padded_sequence(padded, len_seqs, enforce_sorted=False, batch_first=True)
print(packed.batch_sizes, packed.sorted_indices)
try:
    rnn_utils.pack_sequence(all_seqs, enforce_sorted=True)
except RuntimeError as e:
    print('RuntimeError', e)
sorted_seqs = sorted(all_seqs, key=len, reverse=True)
packed_sorted = rnn_utils.pack_sequence(sorted_seqs)
print(packed_sorted.sorted_indices, packed_sorted.batch_sizes)
print(rnn_utils.pad_packed_sequence(packed_sorted, batch_first=True, total_length=5)[0].shape)
print(rnn_utils.unpack_sequence(packed)[1], len(rnn_utils.unpad_sequence(padded, torch.tensor(len_seqs),
                                                                        batch_first=True)))

# variable-length training with a collate function
var_points, var_directions = generate_sequences(n=32, variable_len=True, seed=13)
print([len(p) for p in var_points[:8]])


class CustomDataset(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x = [torch.as_tensor(s).float() for s in x]
        self.y = torch.as_tensor(y).float().view(-1, 1)

    def __getitem__(self, index):
        return (self.x[index], self.y[index])

    def __len__(self):
        return len(self.x)


def pack_collate(batch):
    X = [item[0] for item in batch]
    y = [item[1] for item in batch]
    X_pack = rnn_utils.pack_sequence(X, enforce_sorted=False)
    return X_pack, torch.as_tensor(y).view(-1, 1)


train_var_data = CustomDataset(var_points, var_directions)
torch.manual_seed(21)
train_var_loader = DataLoader(train_var_data, batch_size=8, shuffle=True, collate_fn=pack_collate)
x_batch, y_batch = next(iter(train_var_loader))
print(type(x_batch).__name__, x_batch.batch_sizes, y_batch.dtype, y_batch.shape)
model = SquareModel(n_features=2, hidden_dim=2, n_outputs=1, rnn_layer=nn.LSTM, bidirectional=True)
optimizer = optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(3):
    for xb, yb in train_var_loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
print('packed training', loss, model.basic_rnn.weight_hh_l0_reverse.grad is None)


# 1D convolutions over sequences
temperatures = np.array([5, 11, 15, 6, 5, 3, 3, 0, 0, 3, 4, 2, 1])
size = 5
weight = torch.ones(size) * 0.2
print(F.conv1d(torch.as_tensor(temperatures).float().view(1, 1, -1), weight=weight.view(1, 1, -1)))
seqs = torch.as_tensor(np.array(points[:3])).float()
seqs_length_last = seqs.permute(0, 2, 1)
print(seqs_length_last.shape)
torch.manual_seed(17)
conv_seq = nn.Conv1d(in_channels=2, out_channels=1, kernel_size=2, bias=False)
print(conv_seq, conv_seq.weight, conv_seq.weight.shape)
print(conv_seq(seqs_length_last))
conv_dilated = nn.Conv1d(in_channels=2, out_channels=1, kernel_size=2, dilation=2, bias=False)
print(conv_dilated(seqs_length_last).shape, conv_dilated.dilation)


class SquareModelOne(nn.Module):
    def __init__(self, n_features, hidden_dim, n_outputs):
        super().__init__()
        self.conv1 = nn.Conv1d(n_features, hidden_dim, kernel_size=2)
        self.activation = nn.ReLU()
        self.pool = nn.MaxPool1d(kernel_size=3, stride=1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(hidden_dim, n_outputs)

    def forward(self, X):
        X = X.permute(0, 2, 1)
        out = self.pool(self.activation(self.conv1(X)))
        return self.fc(self.flatten(out))


torch.manual_seed(21)
model = SquareModelOne(n_features=2, hidden_dim=1, n_outputs=1)
optimizer = optim.Adam(model.parameters(), lr=0.01)
train_loader = DataLoader(train_data, batch_size=16, shuffle=True)
for epoch in range(5):
    for xb, yb in train_loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
print('conv1d model', loss, model.conv1.weight.grad is None, model.state_dict())
