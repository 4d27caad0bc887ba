import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# fast.ai book "Deep Learning for Coders", chapter 12 (a language model from scratch): LMModel1..7 on a
# made-up "human numbers" corpus, in plain PyTorch. fastai's Learner, DataLoaders, ModelResetter and
# RNNRegularizer are replaced by a few small helpers written below.
ONES = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
def say(n):
    if n < 10: return ONES[n]
    if n < 20: return TEENS[n - 10]
    if n < 100: return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + say(n % 100))
lines = [say(n) + " \n" for n in range(1, 230)]
text = " . ".join([l.strip() for l in lines])
print(text[:80])
tokens = text.split(" ")
print(tokens[:10], len(tokens))
vocab = list(dict.fromkeys(tokens))
word2idx = {w: i for i, w in enumerate(vocab)}
nums = [word2idx[i] for i in tokens]
print(len(vocab), vocab[:8], nums[:12])
print([(tokens[i:i + 3], tokens[i + 3]) for i in range(0, 12, 3)])
seqs = [(torch.tensor(nums[i:i + 3]), nums[i + 3]) for i in range(0, len(nums) - 4, 3)]
print(seqs[:2], len(seqs))
bs = 16
# ------------------------------------------------------------------ tiny stand-ins for fastai
def collate(items):
    xs, ys = zip(*items)
    return torch.stack(xs), torch.tensor(ys) if not isinstance(ys[0], torch.Tensor) else torch.stack(ys)
def batches(ds, bs, drop_last=False):
    n = len(ds) // bs * bs if drop_last else len(ds)
    return [collate(ds[i:i + bs]) for i in range(0, n, bs)]
def accuracy(inp, targ):
    return (inp.argmax(dim=-1) == targ).float().mean()
def fit(model, train, valid, epochs, lr, loss_func=F.cross_entropy, reset=False, regularizer=None):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        if reset: model.reset()
        for xb, yb in train:
            out = model(xb)
            loss = loss_func(out[0] if isinstance(out, tuple) else out, yb)
            if regularizer is not None: loss = loss + regularizer(out)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        if reset: model.reset()
        with torch.no_grad():
            losses, accs = [], []
            for xb, yb in valid:
                out = model(xb)
                out = out[0] if isinstance(out, tuple) else out
                losses.append(loss_func(out, yb))
                accs.append(accuracy(out, yb))
        print(epoch, f"{loss.item():.4f}", f"{torch.stack(losses).mean():.4f}", f"{torch.stack(accs).mean():.4f}")
cut = int(len(seqs) * 0.8)
train_dl, valid_dl = batches(seqs[:cut], bs), batches(seqs[cut:], bs)
xb, yb = train_dl[0]
print(xb.shape, yb.shape, xb.dtype, yb[:6])
# ------------------------------------------------------------------ LMModel1: three words, unrolled by hand
class LMModel1(nn.Module):
    def __init__(self, vocab_sz, n_hidden):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.h_h = nn.Linear(n_hidden, n_hidden)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
    def forward(self, x):
        h = F.relu(self.h_h(self.i_h(x[:, 0])))
        h = h + self.i_h(x[:, 1])
        h = F.relu(self.h_h(h))
        h = h + self.i_h(x[:, 2])
        h = F.relu(self.h_h(h))
        return self.h_o(h)
torch.manual_seed(42)
model = LMModel1(len(vocab), 24)
print(model)
out = model(xb)
print(out.shape, out.grad_fn.name(), F.cross_entropy(out, yb))
fit(model, train_dl, valid_dl, 2, 1e-2)
n, counts = 0, torch.zeros(len(vocab))
for x, y in valid_dl:
    n += y.shape[0]
    for i in range(len(vocab)): counts[i] += (y == i).long().sum()
idx = torch.argmax(counts)
print(idx, vocab[idx.item()], counts[idx].item() / n)
# ------------------------------------------------------------------ LMModel2: the same as a loop
class LMModel2(nn.Module):
    def __init__(self, vocab_sz, n_hidden):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.h_h = nn.Linear(n_hidden, n_hidden)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
    def forward(self, x):
        h = 0
        for i in range(3):
            h = h + self.i_h(x[:, i])
            h = F.relu(self.h_h(h))
        return self.h_o(h)
torch.manual_seed(42)
model = LMModel2(len(vocab), 24)
fit(model, train_dl, valid_dl, 2, 1e-2)
# ------------------------------------------------------------------ LMModel3: state kept across batches
class LMModel3(nn.Module):
    def __init__(self, vocab_sz, n_hidden):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.h_h = nn.Linear(n_hidden, n_hidden)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
        self.h = 0
    def forward(self, x):
        for i in range(3):
            self.h = self.h + self.i_h(x[:, i])
            self.h = F.relu(self.h_h(self.h))
        out = self.h_o(self.h)
        self.h = self.h.detach()
        return out
    def reset(self): self.h = 0
m = len(seqs) // bs
print(m, bs, len(seqs))
def group_chunks(ds, bs):
    m = len(ds) // bs
    new_ds = []
    for i in range(m): new_ds += [ds[i + m * j] for j in range(bs)]
    return new_ds
train_dl = batches(group_chunks(seqs[:cut], bs), bs, drop_last=True)
valid_dl = batches(group_chunks(seqs[cut:], bs), bs, drop_last=True)
print(len(train_dl), len(valid_dl), train_dl[0][0][:3], train_dl[1][0][:3])
torch.manual_seed(42)
model = LMModel3(len(vocab), 24)
out = model(train_dl[0][0])
print(type(model.h).__name__, model.h.requires_grad, model.h.grad_fn, out.grad_fn.name())
model.reset()
print(model.h)
fit(model, train_dl, valid_dl, 2, 1e-2, reset=True)
# ------------------------------------------------------------------ LMModel4: a prediction after every word
sl = 8
seqs = [(torch.tensor(nums[i:i + sl]), torch.tensor(nums[i + 1:i + sl + 1])) for i in range(0, len(nums) - sl - 1, sl)]
cut = int(len(seqs) * 0.8)
train_dl = batches(group_chunks(seqs[:cut], bs), bs, drop_last=True)
valid_dl = batches(group_chunks(seqs[cut:], bs), bs, drop_last=True)
print([[vocab[o] for o in s] for s in seqs[0]])
class LMModel4(nn.Module):
    def __init__(self, vocab_sz, n_hidden):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.h_h = nn.Linear(n_hidden, n_hidden)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
        self.h = 0
    def forward(self, x):
        outs = []
        for i in range(sl):
            self.h = self.h + self.i_h(x[:, i])
            self.h = F.relu(self.h_h(self.h))
            outs.append(self.h_o(self.h))
        self.h = self.h.detach()
        return torch.stack(outs, dim=1)
    def reset(self): self.h = 0
def loss_func(inp, targ):
    return F.cross_entropy(inp.view(-1, len(vocab)), targ.view(-1))
torch.manual_seed(42)
model = LMModel4(len(vocab), 24)
out = model(train_dl[0][0])
print(out.shape, out.grad_fn.name(), loss_func(out, train_dl[0][1]))
fit(model, train_dl, valid_dl, 2, 3e-3, loss_func=loss_func, reset=True)
# ------------------------------------------------------------------ LMModel5: nn.RNN, two layers
class LMModel5(nn.Module):
    def __init__(self, vocab_sz, n_hidden, n_layers):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.rnn = nn.RNN(n_hidden, n_hidden, n_layers, batch_first=True)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
        self.h = torch.zeros(n_layers, bs, n_hidden)
    def forward(self, x):
        res, h = self.rnn(self.i_h(x), self.h)
        self.h = h.detach()
        return self.h_o(res)
    def reset(self): self.h.zero_()
torch.manual_seed(42)
model = LMModel5(len(vocab), 24, 2)
print(model)
print([(k, tuple(v.shape)) for k, v in model.named_parameters()])
out = model(train_dl[0][0])
print(out.shape, model.h.shape, model.h.requires_grad, model.h[1, 0, :4])
fit(model, train_dl, valid_dl, 2, 3e-3, loss_func=loss_func, reset=True)
# ------------------------------------------------------------------ LSTMCell from scratch, two ways
class LSTMCell(nn.Module):
    def __init__(self, ni, nh):
        super().__init__()
        self.forget_gate = nn.Linear(ni + nh, nh)
        self.input_gate = nn.Linear(ni + nh, nh)
        self.cell_gate = nn.Linear(ni + nh, nh)
        self.output_gate = nn.Linear(ni + nh, nh)
    def forward(self, input, state):
        h, c = state
        h = torch.cat([h, input], dim=1)
        forget = torch.sigmoid(self.forget_gate(h))
        c = c * forget
        inp = torch.sigmoid(self.input_gate(h))
        cell = torch.tanh(self.cell_gate(h))
        c = c + inp * cell
        out = torch.sigmoid(self.output_gate(h))
        h = out * torch.tanh(c)
        return h, (h, c)
torch.manual_seed(0)
cell = LSTMCell(5, 3)
x = torch.randn(4, 5)
state = (torch.zeros(4, 3), torch.zeros(4, 3))
h, (h, c) = cell(x, state)
print(h, c.grad_fn.name())
class LSTMCell(nn.Module):
    def __init__(self, ni, nh):
        super().__init__()
        self.ih = nn.Linear(ni, 4 * nh)
        self.hh = nn.Linear(nh, 4 * nh)
    def forward(self, input, state):
        h, c = state
        # one big multiplication for all the gates is better than 4 smaller ones
        gates = (self.ih(input) + self.hh(h)).chunk(4, 1)
        ingate, forgetgate, outgate = map(torch.sigmoid, gates[:3])
        cellgate = gates[3].tanh()
        c = (forgetgate * c) + (ingate * cellgate)
        h = outgate * c.tanh()
        return h, (h, c)
t = torch.arange(0, 10)
print(t, t.chunk(2), torch.arange(0, 11).chunk(4))
torch.manual_seed(0)
cell = LSTMCell(5, 3)
ref = nn.LSTMCell(5, 3)
order = torch.cat([torch.arange(0, 6), torch.arange(9, 12), torch.arange(6, 9)])
with torch.no_grad():
    # nn.LSTMCell orders its gates input, forget, cell, output; ours puts the cell gate last
    ref.weight_ih.copy_(cell.ih.weight[order])
    ref.weight_hh.copy_(cell.hh.weight[order])
    ref.bias_ih.copy_(cell.ih.bias[order])
    ref.bias_hh.copy_(cell.hh.bias[order])
h, (h, c) = cell(x, state)
h2, c2 = ref(x, state)
print(h, torch.allclose(h, h2, atol=1e-6), torch.allclose(c, c2, atol=1e-6), h2.grad_fn.name())
h.sum().backward()
print(cell.ih.weight.grad[:2], cell.hh.bias.grad)
# ------------------------------------------------------------------ LMModel6: nn.LSTM with (h, c)
class LMModel6(nn.Module):
    def __init__(self, vocab_sz, n_hidden, n_layers):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.rnn = nn.LSTM(n_hidden, n_hidden, n_layers, batch_first=True)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
        self.h = [torch.zeros(n_layers, bs, n_hidden) for _ in range(2)]
    def forward(self, x):
        res, h = self.rnn(self.i_h(x), self.h)
        self.h = [h_.detach() for h_ in h]
        return self.h_o(res)
    def reset(self):
        for h in self.h: h.zero_()
torch.manual_seed(42)
model = LMModel6(len(vocab), 24, 2)
out = model(train_dl[0][0])
print(out.shape, [h.shape for h in model.h], model.h[1][1, 0, :3])
model.reset()
print(model.h[0].abs().sum(), model.h[1].abs().sum())
fit(model, train_dl, valid_dl, 2, 1e-2, loss_func=loss_func, reset=True)
# ------------------------------------------------------------------ dropout by hand, then LMModel7
class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p
    def forward(self, x):
        if not self.training: return x
        mask = x.new(*x.shape).bernoulli_(1 - self.p)
        return x * mask.div_(1 - self.p)
torch.manual_seed(0)
dp = Dropout(0.5)
x = torch.ones(3, 6)
print(dp(x), dp.eval()(x) is x)
print(x.new(2, 3).shape, x.new(2, 3).dtype, x.new([1, 2]).dtype, torch.empty(4).bernoulli_(0.3))
class LMModel7(nn.Module):
    def __init__(self, vocab_sz, n_hidden, n_layers, p):
        super().__init__()
        self.i_h = nn.Embedding(vocab_sz, n_hidden)
        self.rnn = nn.LSTM(n_hidden, n_hidden, n_layers, batch_first=True)
        self.drop = nn.Dropout(p)
        self.h_o = nn.Linear(n_hidden, vocab_sz)
        self.h_o.weight = self.i_h.weight
        self.h = [torch.zeros(n_layers, bs, n_hidden) for _ in range(2)]
    def forward(self, x):
        raw, h = self.rnn(self.i_h(x), self.h)
        out = self.drop(raw)
        self.h = [h_.detach() for h_ in h]
        return self.h_o(out), raw, out
    def reset(self):
        for h in self.h: h.zero_()
def rnn_regularizer(alpha=2., beta=1.):
    # activation regularization on the dropped-out outputs, temporal AR on the raw ones
    def reg(preds):
        _, raw, out = preds
        return alpha * out.float().pow(2).mean() + beta * (raw[:, 1:] - raw[:, :-1]).float().pow(2).mean()
    return reg
torch.manual_seed(42)
model = LMModel7(len(vocab), 24, 2, 0.5)
print(model.h_o.weight is model.i_h.weight, len(list(model.parameters())), [k for k, _ in model.named_parameters()])
print(list(model.state_dict().keys()))
preds, raw, out = model(train_dl[0][0])
print(preds.shape, raw.shape, (out == 0).float().mean(), rnn_regularizer()((preds, raw, out)))
fit(model, train_dl, valid_dl, 2, 1e-2, loss_func=loss_func, reset=True, regularizer=rnn_regularizer(alpha=2, beta=1))
print(model.i_h.weight.grad is None, model.h_o.weight[0, :4])
