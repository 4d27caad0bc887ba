import tinygrad_rnn as torch
# CMU 11-785 homework style (HW3P1): RNN, GRU and LSTM cells written by hand in numpy, forward and
# backward, checked against nn.RNNCell / nn.GRUCell / nn.LSTMCell and autograd, the way the local
# autograder does (weights copied in from the torch cell, np.allclose on outputs and every gradient).
import numpy as np

nn = torch.nn

np.random.seed(11785)
torch.manual_seed(11785)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class RNNCell:
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh); the gradients are summed over the batch here and divided
    by the batch size at the end, as the handout asks."""

    def __init__(self, input_size, hidden_size):
        self.W_ih = np.random.randn(hidden_size, input_size)
        self.W_hh = np.random.randn(hidden_size, hidden_size)
        self.b_ih = np.random.randn(hidden_size)
        self.b_hh = np.random.randn(hidden_size)
        self.zero_grad()

    def init_weights(self, W_ih, W_hh, b_ih, b_hh):
        self.W_ih, self.W_hh, self.b_ih, self.b_hh = W_ih, W_hh, b_ih, b_hh

    def zero_grad(self):
        self.dW_ih = np.zeros_like(self.W_ih)
        self.dW_hh = np.zeros_like(self.W_hh)
        self.db_ih = np.zeros_like(self.b_ih)
        self.db_hh = np.zeros_like(self.b_hh)

    def forward(self, x, h_prev_t):
        return np.tanh(x @ self.W_ih.T + self.b_ih + h_prev_t @ self.W_hh.T + self.b_hh)

    def backward(self, delta, h_t, h_prev_l, h_prev_t):
        batch_size = delta.shape[0]
        dz = delta * (1 - h_t ** 2)
        self.dW_ih += dz.T @ h_prev_l / batch_size
        self.dW_hh += dz.T @ h_prev_t / batch_size
        self.db_ih += dz.sum(0) / batch_size
        self.db_hh += dz.sum(0) / batch_size
        return dz @ self.W_ih, dz @ self.W_hh


def torch_weights(cell):
    return [p.detach().numpy().astype(np.float64) for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]


batch, in_dim, hidden = 4, 5, 3
ref = nn.RNNCell(in_dim, hidden)
print(ref, [(n, tuple(p.shape)) for n, p in ref.named_parameters()])
user = RNNCell(in_dim, hidden)
user.init_weights(*torch_weights(ref))
x = np.random.randn(batch, in_dim)
h = np.random.randn(batch, hidden)
x_t = torch.tensor(x, dtype=torch.float32, requires_grad=True)
h_t = torch.tensor(h, dtype=torch.float32, requires_grad=True)
h_ref = ref(x_t, h_t)
h_user = user.forward(x, h)
print("rnn forward", h_ref.shape, h_ref.dtype, h_ref.grad_fn.name(), np.allclose(h_ref.detach().numpy(), h_user, atol=1e-6))
print(h_ref)
delta = np.random.randn(batch, hidden)
(h_ref * torch.tensor(delta, dtype=torch.float32)).sum().div(batch).backward()
dx, dh = user.backward(delta, h_user, x, h)
for name, mine, theirs in [("dx", dx / batch, x_t.grad), ("dh", dh / batch, h_t.grad), ("dW_ih", user.dW_ih, ref.weight_ih.grad),
                           ("dW_hh", user.dW_hh, ref.weight_hh.grad), ("db_ih", user.db_ih, ref.bias_ih.grad),
                           ("db_hh", user.db_hh, ref.bias_hh.grad)]:
    print(name, tuple(theirs.shape), np.allclose(mine, theirs.numpy(), atol=1e-5), theirs.norm().item())
print(ref(x_t).shape, ref(x_t[0]).shape, nn.RNNCell(in_dim, hidden, nonlinearity="relu", bias=False))


class GRUCell:
    """The gate order is torch's: reset (r), update (z), new (n), stacked in weight_ih/weight_hh."""

    def __init__(self, in_dim, hidden_dim):
        self.d, self.h = in_dim, hidden_dim

    def init_weights(self, Wrx, Wzx, Wnx, Wrh, Wzh, Wnh, brx, bzx, bnx, brh, bzh, bnh):
        self.Wrx, self.Wzx, self.Wnx, self.Wrh, self.Wzh, self.Wnh = Wrx, Wzx, Wnx, Wrh, Wzh, Wnh
        self.brx, self.bzx, self.bnx, self.brh, self.bzh, self.bnh = brx, bzx, bnx, brh, bzh, bnh

    def forward(self, x, h_prev_t):
        self.x, self.hidden = x, h_prev_t
        self.r = sigmoid(self.Wrx @ x + self.brx + self.Wrh @ h_prev_t + self.brh)
        self.z = sigmoid(self.Wzx @ x + self.bzx + self.Wzh @ h_prev_t + self.bzh)
        self.nh = self.Wnh @ h_prev_t + self.bnh
        self.n = np.tanh(self.Wnx @ x + self.bnx + self.r * self.nh)
        return (1 - self.z) * self.n + self.z * h_prev_t

    def backward(self, delta):
        dn = delta * (1 - self.z)
        dz = delta * (self.hidden - self.n)
        dn_pre = dn * (1 - self.n ** 2)
        dr = dn_pre * self.nh
        dz_pre = dz * self.z * (1 - self.z)
        dr_pre = dr * self.r * (1 - self.r)
        self.dWnx, self.dbnx = np.outer(dn_pre, self.x), dn_pre
        self.dWnh, self.dbnh = np.outer(dn_pre * self.r, self.hidden), dn_pre * self.r
        self.dWzx = np.outer(dz_pre, self.x)
        self.dWzh = np.outer(dz_pre, self.hidden)
        self.dWrx = np.outer(dr_pre, self.x)
        self.dWrh = np.outer(dr_pre, self.hidden)
        dx = dn_pre @ self.Wnx + dz_pre @ self.Wzx + dr_pre @ self.Wrx
        dh = delta * self.z + (dn_pre * self.r) @ self.Wnh + dz_pre @ self.Wzh + dr_pre @ self.Wrh
        return dx, dh


ref = nn.GRUCell(in_dim, hidden)
W_ih, W_hh, b_ih, b_hh = torch_weights(ref)
Wrx, Wzx, Wnx = np.split(W_ih, 3)
Wrh, Wzh, Wnh = np.split(W_hh, 3)
brx, bzx, bnx = np.split(b_ih, 3)
brh, bzh, bnh = np.split(b_hh, 3)
user = GRUCell(in_dim, hidden)
user.init_weights(Wrx, Wzx, Wnx, Wrh, Wzh, Wnh, brx, bzx, bnx, brh, bzh, bnh)
x1, h1 = np.random.randn(in_dim), np.random.randn(hidden)
x_t = torch.tensor(x1, dtype=torch.float, requires_grad=True)
h_t = torch.tensor(h1, dtype=torch.float, requires_grad=True)
h_ref = ref(x_t, h_t)  # an unbatched cell input: (in_dim,) -> (hidden,)
h_user = user.forward(x1, h1)
print("gru forward", h_ref.shape, h_ref.grad_fn.name(), np.allclose(h_ref.detach().numpy(), h_user, atol=1e-6), h_ref)
delta = np.random.randn(hidden)
h_ref.backward(torch.from_numpy(delta).float())
dx, dh = user.backward(delta)
W_grad = ref.weight_ih.grad.numpy()
print("gru dx", np.allclose(dx, x_t.grad.numpy(), atol=1e-5), "dh", np.allclose(dh, h_t.grad.numpy(), atol=1e-5))
print("gru dW", [np.allclose(mine, theirs, atol=1e-5) for mine, theirs in
                 zip((user.dWrx, user.dWzx, user.dWnx), torch.chunk(ref.weight_ih.grad, 3, dim=0))],
      [np.allclose(mine, theirs, atol=1e-5) for mine, theirs in
       zip((user.dWrh, user.dWzh, user.dWnh), ref.weight_hh.grad.split(hidden))],
      np.allclose(user.dbnx, ref.bias_ih.grad[2 * hidden:].numpy(), atol=1e-5),
      np.allclose(user.dbnh, ref.bias_hh.grad[2 * hidden:].numpy(), atol=1e-5))
print(W_grad.shape, ref.bias_hh.grad, x_t.grad.dtype, h_t.grad)


class LSTMCell:
    """Gate order i, f, g, o; the cell keeps its gates for backward."""

    def __init__(self, W_ih, W_hh, b_ih, b_hh):
        self.W_ih, self.W_hh, self.b = W_ih, W_hh, b_ih + b_hh

    def forward(self, x, h, c):
        gates = x @ self.W_ih.T + h @ self.W_hh.T + self.b
        i, f, g, o = np.split(gates, 4, axis=1)
        self.i, self.f, self.g, self.o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
        self.x, self.h, self.c = x, h, c
        self.c_new = self.f * c + self.i * self.g
        self.h_new = self.o * np.tanh(self.c_new)
        return self.h_new, self.c_new

    def backward(self, dh_new, dc_new):
        tc = np.tanh(self.c_new)
        dc = dc_new + dh_new * self.o * (1 - tc ** 2)
        di = dc * self.g * self.i * (1 - self.i)
        df = dc * self.c * self.f * (1 - self.f)
        dg = dc * self.i * (1 - self.g ** 2)
        do = dh_new * tc * self.o * (1 - self.o)
        dgates = np.concatenate([di, df, dg, do], axis=1)
        self.dW_ih, self.dW_hh, self.db = dgates.T @ self.x, dgates.T @ self.h, dgates.sum(0)
        return dgates @ self.W_ih, dgates @ self.W_hh, dc * self.f


ref = nn.LSTMCell(in_dim, hidden).double()
print(ref, ref.weight_ih.dtype, ref.weight_ih.shape)
user = LSTMCell(*[p.detach().numpy() for p in (ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh)])
x, h, c = np.random.randn(batch, in_dim), np.random.randn(batch, hidden), np.random.randn(batch, hidden)
tx, th, tc = (torch.from_numpy(a).requires_grad_() for a in (x, h, c))
h_ref, c_ref = ref(tx, (th, tc))
h_user, c_user = user.forward(x, h, c)
print("lstm forward", h_ref.dtype, h_ref.grad_fn.name(), c_ref.grad_fn.name(), np.abs(h_ref.detach().numpy() - h_user).max() < 1e-12,
      np.abs(c_ref.detach().numpy() - c_user).max() < 1e-12)
dh_new, dc_new = np.random.randn(batch, hidden), np.random.randn(batch, hidden)
torch.autograd.backward([h_ref, c_ref], [torch.from_numpy(dh_new), torch.from_numpy(dc_new)])
dx, dh, dc = user.backward(dh_new, dc_new)
for name, mine, theirs in [("dx", dx, tx.grad), ("dh", dh, th.grad), ("dc", dc, tc.grad), ("dW_ih", user.dW_ih, ref.weight_ih.grad),
                           ("dW_hh", user.dW_hh, ref.weight_hh.grad), ("db", user.db, ref.bias_hh.grad)]:
    print(name, theirs.dtype, tuple(theirs.shape), np.abs(mine - theirs.numpy()).max() < 1e-10, round(theirs.sum().item(), 8))
print(torch.allclose(ref.bias_ih.grad, ref.bias_hh.grad), torch.equal(ref.bias_ih.grad, ref.bias_hh.grad))

# a cell unrolled over time, as the HW's RNN classifier does, against nn.RNN with the same weights
rnn = nn.RNN(in_dim, hidden, num_layers=2, batch_first=True)
cells = [nn.RNNCell(in_dim, hidden), nn.RNNCell(hidden, hidden)]
with torch.no_grad():
    for layer, cell in enumerate(cells):
        cell.weight_ih.copy_(getattr(rnn, f"weight_ih_l{layer}"))
        cell.weight_hh.copy_(getattr(rnn, f"weight_hh_l{layer}"))
        cell.bias_ih.copy_(getattr(rnn, f"bias_ih_l{layer}"))
        cell.bias_hh.copy_(getattr(rnn, f"bias_hh_l{layer}"))
seq = torch.randn(batch, 6, in_dim)
out_ref, h_n = rnn(seq)
hs = [torch.zeros(batch, hidden) for _ in cells]
outs = []
for t in range(seq.shape[1]):
    inp = seq[:, t, :]
    for layer, cell in enumerate(cells):
        hs[layer] = cell(inp, hs[layer])
        inp = hs[layer]
    outs.append(inp)
out_cells = torch.stack(outs, dim=1)
print(out_ref.shape, h_n.shape, out_ref.grad_fn.name(), out_cells.grad_fn.name(), torch.allclose(out_ref, out_cells, atol=1e-6),
      torch.allclose(h_n, torch.stack(hs), atol=1e-6))
loss = nn.CrossEntropyLoss()(nn.Linear(hidden, 3)(out_cells[:, -1]), torch.tensor([0, 2, 1, 1]))
loss.backward()
print(loss, [c.weight_hh.grad.abs().sum().item() for c in cells])
