import tinygrad_rnn as torch
import random
from collections import OrderedDict

import numpy as np
nn = torch.nn
F = torch.nn.functional

# dataflowr (Marc Lelarge's "Deep Learning Do It Yourself"), Module 11 "RNN practicals": well-parenthesised
# sequences over a 10-symbol alphabet, one-hot encoded with torch.from_numpy(np.array(...)).type(torch.FloatTensor);
# the Elman RecNet (x.new_zeros, a Python loop over time), RecNetGating, and LSTMNet (nn.LSTM with 4 layers,
# output.narrow on the last step), trained one sequence at a time with torch.max(y.data, 1) and l.data.item();
# then an LSTM cell written by hand from nn.LSTM's own weight_ih_l0 / weight_hh_l0 chunks and checked against
# it, and the "packing sequences" tutorial (pad_sequence, pack_padded_sequence, pad_packed_sequence).
# (Sequences of length 4 to 8, 20 training steps, hidden size 12.)
random.seed(11)
np.random.seed(11)
torch.manual_seed(11)
seq_min_len, seq_max_len, nb_symbol = 4, 8, 10


def all_parent(n, a, k=-1):
    global res
    if k == n - 1 and sum(a) == 0:
        res.append(a.copy())
    elif k == n - 1:
        pass
    else:
        k += 1
        if sum(a) > 0:
            a[k] = 1
            all_parent(n, a, k)
            a[k] = -1
            all_parent(n, a, k)
            a[k] = 0
        else:
            a[k] = 1
            all_parent(n, a, k)
            a[k] = 0


def reading_par(l, n):
    res = [0] * len(l)
    s = []
    n_plus, n_moins, c = -1, n + 1, 0
    for i in l:
        if i == 1:
            n_plus += 1
            s.append(n_plus)
            res[c] = n_plus
        else:
            try:
                res[c] = n - s.pop()
            except IndexError:
                res[c] = n_moins
                n_moins += 1
        c += 1
    return res


all_par = OrderedDict()
for n in range(seq_min_len, seq_max_len + 1, 2):
    a = [0] * n
    res = []
    all_parent(n=n, a=a, k=-1)
    all_par[n] = [reading_par(k, n) for k in res]
Catalan_num = {i: len(l) for (i, l) in all_par.items()}
print(all_par[4], Catalan_num)


class SequenceGenerator():
    def __init__(self, nb_symbol=10, seq_min_len=4, seq_max_len=8):
        self.nb_symbol, self.seq_min_len, self.seq_max_len = nb_symbol, seq_min_len, seq_max_len
        self.population = [i for i in range(int(nb_symbol / 2))]

    def generate_pattern_parenthesis(self, len_r=None):
        if len_r is None:
            len_r = int(2 * random.randint(self.seq_min_len // 2, self.seq_max_len // 2))
        pattern = np.random.choice(self.population, size=int(len_r / 2), replace=True)
        ind_r = random.randint(0, Catalan_num[len_r] - 1)
        return [pattern[i] if i <= len_r / 2 else self.nb_symbol - 1 - pattern[len_r - i] for i in all_par[len_r][ind_r]]

    def generate_false(self):
        popu = [i for i in range(self.nb_symbol)]
        length = random.randint(self.seq_min_len // 2, self.seq_max_len // 2)
        return random.choices(popu, k=length) + random.choices(popu, k=length)

    def generate_label_parenthesis(self, x):
        s, label = [], 1
        for i in x:
            if s == [] and i < self.nb_symbol / 2:
                s.append(i)
            elif s == [] and i >= self.nb_symbol / 2:
                label = 0
                break
            elif i == self.nb_symbol - 1 - s[-1]:
                s.pop()
            else:
                s.append(i)
        if s != []:
            label = 0
        return label

    def one_hot(self, seq):
        one_hot_seq = []
        for s in seq:
            one_hot = [0 for _ in range(self.nb_symbol)]
            one_hot[s] = 1
            one_hot_seq.append(one_hot)
        return one_hot_seq

    def generate_input(self, len_r=None, true_parent=False):
        if true_parent or bool(random.getrandbits(1)):
            seq = self.generate_pattern_parenthesis(len_r)
        else:
            seq = self.generate_false()
        return (torch.from_numpy(np.array(self.one_hot(seq))).type(torch.FloatTensor),
                torch.from_numpy(np.array([self.generate_label_parenthesis(seq)])))


generator = SequenceGenerator(nb_symbol=nb_symbol, seq_min_len=seq_min_len, seq_max_len=seq_max_len)
x_demo = generator.generate_pattern_parenthesis()
print([int(v) for v in x_demo], generator.generate_label_parenthesis(x_demo))
x, l = generator.generate_input()
print(x.shape, x.dtype, x.type(), l, l.dtype, l.type())


class RecNet(nn.Module):
    def __init__(self, dim_input=10, dim_recurrent=12, dim_output=2):
        super(RecNet, self).__init__()
        self.fc_x2h = nn.Linear(dim_input, dim_recurrent)
        self.fc_h2h = nn.Linear(dim_recurrent, dim_recurrent, bias=False)
        self.fc_h2y = nn.Linear(dim_recurrent, dim_output)

    def forward(self, x):
        h = x.new_zeros(1, self.fc_h2y.weight.size(1))
        for t in range(x.size(0)):
            h = torch.relu(self.fc_x2h(x[t, :]) + self.fc_h2h(h))
        return self.fc_h2y(h)


class RecNetGating(nn.Module):
    def __init__(self, dim_input=10, dim_recurrent=12, dim_output=2):
        super(RecNetGating, self).__init__()
        self.fc_x2h = nn.Linear(dim_input, dim_recurrent)
        self.fc_h2h = nn.Linear(dim_recurrent, dim_recurrent, bias=False)
        self.fc_x2z = nn.Linear(dim_input, dim_recurrent)
        self.fc_h2z = nn.Linear(dim_recurrent, dim_recurrent, bias=False)
        self.fc_h2y = nn.Linear(dim_recurrent, dim_output)

    def forward(self, x):
        h = x.new_zeros(1, self.fc_h2y.weight.size(1))
        for t in range(x.size(0)):
            z = torch.sigmoid(self.fc_x2z(x[t, :]) + self.fc_h2z(h))
            hb = torch.relu(self.fc_x2h(x[t, :]) + self.fc_h2h(h))
            h = z * h + (1 - z) * hb
        return self.fc_h2y(h)


class LSTMNet(nn.Module):
    def __init__(self, dim_input=10, dim_recurrent=12, num_layers=4, dim_output=2):
        super(LSTMNet, self).__init__()
        self.lstm = nn.LSTM(input_size=dim_input, hidden_size=dim_recurrent, num_layers=num_layers)
        self.fc_o2y = nn.Linear(dim_recurrent, dim_output)

    def forward(self, x):
        x = x.unsqueeze(1)
        output, _ = self.lstm(x)
        output = output.squeeze(1)
        output = output.narrow(0, output.size(0) - 1, 1)
        return self.fc_o2y(F.relu(output))


cross_entropy = nn.CrossEntropyLoss()
for Net in (RecNet, RecNetGating, LSTMNet):
    model = Net(dim_input=nb_symbol)
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_t, corrects = [], []
    for k in range(20):
        x, l = generator.generate_input()
        y = model(x)
        loss = cross_entropy(y, l)
        _, preds = torch.max(y.data, 1)
        corrects.append(preds.item() == l.data.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_t.append(loss)
    print(Net.__name__, y.shape, loss_t[-1], np.sum(corrects) / len(corrects))
    print(round(float(torch.stack(loss_t).mean()), 4), sum(p.numel() for p in model.parameters()))
    with torch.no_grad():
        x, l = generator.generate_input(len_r=seq_max_len, true_parent=True)
        print(model(x).softmax(dim=1), l)

# An LSTM cell by hand, from nn.LSTM's own weights: gates i, f, g, o in that order.
lstm = nn.LSTM(input_size=3, hidden_size=4, batch_first=True)
print([(name, tuple(p.shape)) for name, p in lstm.named_parameters()])
xs = torch.randn(2, 5, 3)
W_ii, W_if, W_ig, W_io = lstm.weight_ih_l0.chunk(4, 0)
W_hi, W_hf, W_hg, W_ho = lstm.weight_hh_l0.chunk(4, 0)
b = lstm.bias_ih_l0 + lstm.bias_hh_l0
b_i, b_f, b_g, b_o = b.chunk(4)
h = torch.zeros(2, 4)
c = torch.zeros(2, 4)
outs = []
for t in range(xs.size(1)):
    x_t = xs[:, t, :]
    i = torch.sigmoid(x_t @ W_ii.t() + h @ W_hi.t() + b_i)
    f = torch.sigmoid(x_t @ W_if.t() + h @ W_hf.t() + b_f)
    g = torch.tanh(x_t @ W_ig.t() + h @ W_hg.t() + b_g)
    o = torch.sigmoid(x_t @ W_io.t() + h @ W_ho.t() + b_o)
    c = f * c + i * g
    h = o * torch.tanh(c)
    outs.append(h)
by_hand = torch.stack(outs, dim=1)
out, (h_n, c_n) = lstm(xs)
print(by_hand.shape, out.shape, h_n.shape, torch.allclose(by_hand, out, atol=1e-6), torch.allclose(c, c_n[0], atol=1e-6))
print((by_hand - out).abs().max() < 1e-6, by_hand.grad_fn is not None)
cell = nn.LSTMCell(3, 4)
cell.load_state_dict({k.replace("_l0", ""): v for k, v in lstm.state_dict().items()})
hc = None
for t in range(xs.size(1)):
    hc = cell(xs[:, t], hc)
print(torch.allclose(hc[0], h_n[0], atol=1e-6), list(cell.state_dict().keys()))

# Packing sequences: a batch of variable-length sequences through an RNN, padded positions skipped.
seqs = [torch.tensor([1, 2, 3, 4]), torch.tensor([5, 6]), torch.tensor([7, 8, 9])]
lengths = torch.tensor([len(s) for s in seqs])
padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
print(padded, lengths)
emb = nn.Embedding(10, 3, padding_idx=0)
rnn = nn.GRU(3, 4, batch_first=True)
packed = nn.utils.rnn.pack_padded_sequence(emb(padded), lengths, batch_first=True, enforce_sorted=False)
print(type(packed).__name__, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
packed_out, h_last = rnn(packed)
unpacked, out_lengths = nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True)
print(unpacked.shape, out_lengths, (unpacked[1, 2:] == 0).all())
print(torch.allclose(unpacked[torch.arange(3), lengths - 1], h_last[0], atol=1e-6))
