import tinygrad_rnn as torch
import math
import random
nn = torch.nn
F = torch.nn.functional
# fast.ai part 2 (2022), 04_minibatch_training: log_softmax and nll from scratch, a manual training loop,
# nn.Module/ModuleList/Sequential, a hand-written Optimizer, then Dataset/DataLoader/Sampler by hand and torch's.
def test_close(a, b, eps=1e-5):
    assert torch.allclose(a, b, rtol=0, atol=eps), f"near: {a}\n{b}"
torch.manual_seed(42)
centers = torch.randn(10, 12) * 2
y_train = torch.randint(0, 10, (200,))
x_train = centers[y_train] + torch.randn(200, 12)
y_valid = torch.randint(0, 10, (40,))
x_valid = centers[y_valid] + torch.randn(40, 12)
n, m = x_train.shape
c = y_train.max() + 1
nh = 20
print(n, m, c, nh)
class Model(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.layers = [nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out)]
    def __call__(self, x):
        for l in self.layers: x = l(x)
        return x
model = Model(m, nh, 10)
pred = model(x_train)
print(pred.shape)
def log_softmax(x): return (x.exp() / (x.exp().sum(-1, keepdim=True))).log()
print(log_softmax(pred)[:2])
def log_softmax(x): return x - x.exp().sum(-1, keepdim=True).log()
print(log_softmax(pred)[:2])
def logsumexp(x):
    m = x.max(-1)[0]
    return m + (x - m[:, None]).exp().sum(-1).log()
def log_softmax(x): return x - x.logsumexp(-1, keepdim=True)
test_close(logsumexp(pred), pred.logsumexp(-1))
sm_pred = log_softmax(pred)
print(sm_pred[:2])
print(y_train[:3], sm_pred[0, y_train[0]], sm_pred[[0, 1, 2], y_train[:3]])
def nll(input, target): return -input[range(target.shape[0]), target].mean()
loss = nll(sm_pred, y_train)
print(loss)
test_close(F.nll_loss(F.log_softmax(pred, -1), y_train), loss, 1e-3)
test_close(F.cross_entropy(pred, y_train), loss, 1e-3)
loss_func = F.cross_entropy
bs = 50
xb = x_train[0:bs]
preds = model(xb)
print(preds[0], preds.shape)
yb = y_train[0:bs]
print(yb, loss_func(preds, yb))
print(preds.argmax(dim=1))
def accuracy(out, yb): return (out.argmax(dim=1) == yb).float().mean()
print(accuracy(preds, yb))
lr = 0.5
epochs = 3
def report(loss, preds, yb): print(f'{loss:.2f}, {accuracy(preds, yb):.2f}')
xb, yb = x_train[:bs], y_train[:bs]
preds = model(xb)
report(loss_func(preds, yb), preds, yb)
for epoch in range(epochs):
    for i in range(0, n, bs):
        s = slice(i, min(n, i + bs))
        xb, yb = x_train[s], y_train[s]
        preds = model(xb)
        loss = loss_func(preds, yb)
        loss.backward()
        with torch.no_grad():
            for l in model.layers:
                if hasattr(l, 'weight'):
                    l.weight -= l.weight.grad * lr
                    l.bias -= l.bias.grad * lr
                    l.weight.grad.zero_()
                    l.bias.grad.zero_()
    report(loss, preds, yb)
m1 = nn.Module()
m1.foo = nn.Linear(3, 4)
print(m1, list(m1.named_children()), list(m1.named_parameters())[0][0])
class MLP(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.l1 = nn.Linear(n_in, nh)
        self.l2 = nn.Linear(nh, n_out)
        self.relu = nn.ReLU()
    def forward(self, x): return self.l2(self.relu(self.l1(x)))
model = MLP(m, nh, 10)
print(model.l1, model)
for name, l in model.named_children(): print(f"{name}: {l}")
for p in model.parameters(): print(p.shape)
def fit():
    for epoch in range(epochs):
        for i in range(0, n, bs):
            s = slice(i, min(n, i + bs))
            xb, yb = x_train[s], y_train[s]
            preds = model(xb)
            loss = loss_func(preds, yb)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters(): p -= p.grad * lr
                model.zero_grad()
        report(loss, preds, yb)
fit()
class MyModule:
    def __init__(self, n_in, nh, n_out):
        self._modules = {}
        self.l1 = nn.Linear(n_in, nh)
        self.l2 = nn.Linear(nh, n_out)
    def __setattr__(self, k, v):
        if not k.startswith("_"): self._modules[k] = v
        super().__setattr__(k, v)
    def __repr__(self): return f'{self._modules}'
    def parameters(self):
        for l in self._modules.values(): yield from l.parameters()
mdl = MyModule(m, nh, 10)
print(mdl)
for p in mdl.parameters(): print(p.shape)
from functools import reduce
layers = [nn.Linear(m, nh), nn.ReLU(), nn.Linear(nh, 10)]
class Model(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = layers
        for i, l in enumerate(self.layers): self.add_module(f'layer_{i}', l)
    def forward(self, x): return reduce(lambda val, layer: layer(val), self.layers, x)
model = Model(layers)
print(model)
print(model(xb).shape)
class SequentialModel(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)
    def forward(self, x):
        for l in self.layers: x = l(x)
        return x
model = SequentialModel(layers)
print(model)
fit()
print(loss_func(model(xb), yb), accuracy(model(xb), yb))
model = nn.Sequential(nn.Linear(m, nh), nn.ReLU(), nn.Linear(nh, 10))
fit()
print(loss_func(model(xb), yb), accuracy(model(xb), yb))
print(model)
class Optimizer():
    def __init__(self, params, lr=0.5): self.params, self.lr = list(params), lr
    def step(self):
        with torch.no_grad():
            for p in self.params: p -= p.grad * self.lr
    def zero_grad(self):
        for p in self.params: p.grad.data.zero_()
model = nn.Sequential(nn.Linear(m, nh), nn.ReLU(), nn.Linear(nh, 10))
opt = Optimizer(model.parameters())
for epoch in range(epochs):
    for i in range(0, n, bs):
        s = slice(i, min(n, i + bs))
        xb, yb = x_train[s], y_train[s]
        preds = model(xb)
        loss = loss_func(preds, yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
    report(loss, preds, yb)
optim = torch.optim
def get_model():
    model = nn.Sequential(nn.Linear(m, nh), nn.ReLU(), nn.Linear(nh, 10))
    return model, optim.SGD(model.parameters(), lr=lr)
model, opt = get_model()
print(loss_func(model(xb), yb), opt)
class Dataset():
    def __init__(self, x, y): self.x, self.y = x, y
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return self.x[i], self.y[i]
train_ds, valid_ds = Dataset(x_train, y_train), Dataset(x_valid, y_valid)
assert len(train_ds) == len(x_train)
xb, yb = train_ds[0:5]
print(xb.shape, yb)
class DataLoader():
    def __init__(self, ds, bs): self.ds, self.bs = ds, bs
    def __iter__(self):
        for i in range(0, len(self.ds), self.bs): yield self.ds[i:i + self.bs]
train_dl = DataLoader(train_ds, bs)
valid_dl = DataLoader(valid_ds, bs)
xb, yb = next(iter(valid_dl))
print(xb.shape, yb)
def fit():
    for epoch in range(epochs):
        for xb, yb in train_dl:
            preds = model(xb)
            loss = loss_func(preds, yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        report(loss, preds, yb)
model, opt = get_model()
fit()
class Sampler():
    def __init__(self, ds, shuffle=False): self.n, self.shuffle = len(ds), shuffle
    def __iter__(self):
        res = list(range(self.n))
        if self.shuffle: random.shuffle(res)
        return iter(res)
from itertools import islice
ss = Sampler(train_ds)
print(list(islice(ss, 5)))
random.seed(42)
ss = Sampler(train_ds, shuffle=True)
print(list(islice(ss, 5)))
def chunked(it, chunk_sz):
    it = iter(it)
    while True:
        chunk = list(islice(it, chunk_sz))
        if not chunk: return
        yield chunk
print(list(islice(chunked(ss, 4), 3)))
class BatchSampler():
    def __init__(self, sampler, bs, drop_last=False): self.sampler, self.bs, self.drop_last = sampler, bs, drop_last
    def __iter__(self): yield from chunked(iter(self.sampler), self.bs)
def collate(b):
    xs, ys = zip(*b)
    return torch.stack(xs), torch.stack(ys)
class DataLoader():
    def __init__(self, ds, batchs, collate_fn=collate): self.ds, self.batchs, self.collate_fn = ds, batchs, collate_fn
    def __iter__(self): yield from (self.collate_fn([self.ds[i] for i in b]) for b in self.batchs)
train_samp = BatchSampler(Sampler(train_ds, shuffle=True), bs)
valid_samp = BatchSampler(Sampler(valid_ds, shuffle=False), bs)
train_dl = DataLoader(train_ds, batchs=train_samp)
valid_dl = DataLoader(valid_ds, batchs=valid_samp)
xb, yb = next(iter(valid_dl))
print(xb.shape, yb.shape, yb[:10])
model, opt = get_model()
fit()
data = torch.utils.data
DataLoader, SequentialSampler, RandomSampler, BatchSampler = (data.DataLoader, data.SequentialSampler,
                                                              data.RandomSampler, data.BatchSampler)
default_collate = data.default_collate
torch.manual_seed(7)
train_samp = BatchSampler(RandomSampler(train_ds), bs, drop_last=False)
valid_samp = BatchSampler(SequentialSampler(valid_ds), bs, drop_last=False)
print(len(train_samp), len(valid_samp), list(valid_samp))
train_dl = DataLoader(train_ds, batch_sampler=train_samp, collate_fn=collate)
valid_dl = DataLoader(valid_ds, batch_sampler=valid_samp, collate_fn=collate)
model, opt = get_model()
fit()
print(default_collate([train_ds[0], train_ds[1]]))
train_dl = DataLoader(train_ds, bs, sampler=RandomSampler(train_ds), collate_fn=collate)
xb, yb = next(iter(train_dl))
print(xb.shape, yb)
train_dl = DataLoader(train_ds, bs, shuffle=True, drop_last=True, num_workers=0)
valid_dl = DataLoader(valid_ds, bs, shuffle=False)
print(len(train_dl), len(valid_dl))
xb, yb = next(iter(train_dl))
print(xb.shape, yb, yb.dtype)
train_dl = DataLoader(train_ds, sampler=train_samp)
xb, yb = next(iter(train_dl))
print(xb.shape, yb.shape)
def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss = loss_func(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        model.eval()
        with torch.no_grad():
            tot_loss, tot_acc, count = 0., 0., 0
            for xb, yb in valid_dl:
                pred = model(xb)
                n = len(xb)
                count += n
                tot_loss += loss_func(pred, yb).item() * n
                tot_acc += accuracy(pred, yb).item() * n
        print(epoch, tot_loss / count, tot_acc / count)
    return tot_loss / count, tot_acc / count
def get_dls(train_ds, valid_ds, bs, **kwargs):
    return (DataLoader(train_ds, batch_size=bs, shuffle=True, **kwargs),
            DataLoader(valid_ds, batch_size=bs * 2, **kwargs))
train_dl, valid_dl = get_dls(train_ds, valid_ds, bs)
model, opt = get_model()
loss, acc = fit(5, model, loss_func, opt, train_dl, valid_dl)
print(round(loss, 4), acc)
