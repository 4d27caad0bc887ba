import tinygrad_rnn as torch
F = torch.nn.functional
# Karpathy's makemore, part 5: a WaveNet-style hierarchy of small layer classes (Embedding,
# FlattenConsecutive, Linear, BatchNorm1d over (0, 1), Tanh, Sequential), with their output shapes,
# a training loop with a learning-rate drop (80 steps, the lecture's 200000), and sampling in eval mode.
import random
words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper", "evelyn",
         "abigail", "emily", "elizabeth", "mila", "ella", "avery", "sofia", "camila", "aria", "scarlett",
         "victoria", "madison", "luna", "grace", "chloe", "penelope", "layla", "riley", "zoey", "nora",
         "lily", "eleanor", "hannah", "lillian", "addison", "aubrey", "ellie", "stella", "natalie", "zoe",
         "leah", "hazel", "violet", "aurora", "savannah", "audrey", "brooklyn", "bella", "claire", "skylar"]
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
block_size = 8
def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y
random.seed(42)
random.shuffle(words)
n1 = int(0.8 * len(words))
n2 = int(0.9 * len(words))
Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:n2])
Xte, Yte = build_dataset(words[n2:])
for x, y in zip(Xtr[:10], Ytr[:10]):
    print("".join(itos[ix.item()] for ix in x), "-->", itos[y.item()])
class Linear:
    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = torch.randn((fan_in, fan_out)) / fan_in ** 0.5  # note: kaiming init
        self.bias = torch.zeros(fan_out) if bias else None
    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out
    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])
class BatchNorm1d:
    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)
    def __call__(self, x):
        if self.training:
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            xmean = x.mean(dim, keepdim=True)
            xvar = x.var(dim, keepdim=True)
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)
        self.out = self.gamma * xhat + self.beta
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out
    def parameters(self):
        return [self.gamma, self.beta]
class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out
    def parameters(self):
        return []
class Embedding:
    def __init__(self, num_embeddings, embedding_dim):
        self.weight = torch.randn((num_embeddings, embedding_dim))
    def __call__(self, IX):
        self.out = self.weight[IX]
        return self.out
    def parameters(self):
        return [self.weight]
class FlattenConsecutive:
    def __init__(self, n):
        self.n = n
    def __call__(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        self.out = x
        return self.out
    def parameters(self):
        return []
class Sequential:
    def __init__(self, layers):
        self.layers = layers
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        self.out = x
        return self.out
    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
torch.manual_seed(42)
n_embd = 10
n_hidden = 68
model = Sequential([
    Embedding(vocab_size, n_embd),
    FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
    Linear(n_hidden, vocab_size),
])
with torch.no_grad():
    model.layers[-1].weight *= 0.1
parameters = model.parameters()
print(sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True
ix = torch.randint(0, Xtr.shape[0], (4,))
Xb, Yb = Xtr[ix], Ytr[ix]
logits = model(Xb)
print(Xb.shape)
print(Xb)
for layer in model.layers:
    print(layer.__class__.__name__, ":", tuple(layer.out.shape))
print(model.layers[3].running_mean.shape, model.layers[3].out.grad_fn, model.layers[1].out.is_contiguous())
print((torch.randn(4, 80) @ torch.randn(80, 200) + torch.randn(200)).shape)
print((torch.randn(4, 5, 80) @ torch.randn(80, 200) + torch.randn(200)).shape)
print((torch.randn(4, 4, 20) @ torch.randn(20, 200) + torch.randn(200)).shape)
e = torch.randn(4, 8, 10)
explicit = torch.cat([e[:, ::2, :], e[:, 1::2, :]], dim=2)
print(explicit.shape, (e.view(4, 4, 20) == explicit).all())
print(e[:, ::2, :].stride(), e[:, 1::2, :].is_contiguous(), e.view(4, 4, 20).stride())
a = torch.arange(18)
print(a.view(3, 3, 2))
# (the lecture prints a.storage(); torch warns about TypedStorage once per process, which the test's
# shared process may have used up, so the untyped storage is shown here; tests/surface/test_storage.py
# compares a.storage() itself)
print(a.untyped_storage().nbytes(), len(a.view(3, 3, 2).untyped_storage()), a.view(2, 9).t().storage_offset(),
      a.view(3, 3, 2).untyped_storage().data_ptr() == a.untyped_storage().data_ptr(), a[4:].untyped_storage().nbytes())
x3 = torch.randn(32, 4, 68)
emean = x3.mean((0, 1), keepdim=True)
evar = x3.var((0, 1), keepdim=True)
print(emean.shape, evar.shape, x3.var(0, keepdim=True).shape, x3.mean(dim=(0, 1)).shape, x3.var((0, 1), correction=0)[:3])
print(torch.randn(1, 1, 3).squeeze(1).shape, torch.randn(2, 1, 3).squeeze(-2).shape, torch.randn(2, 3).squeeze(1).shape)
max_steps = 80
batch_size = 32
lossi = []
for i in range(max_steps):
    ix = torch.randint(0, Xtr.shape[0], (batch_size,))
    Xb, Yb = Xtr[ix], Ytr[ix]
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 60 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    if i % 20 == 0:
        print(f"{i:7d}/{max_steps:7d}: {loss.item():.4f}")
    lossi.append(loss.log10().item())
print(torch.tensor(lossi).view(-1, 20).mean(1))
for layer in model.layers:
    layer.training = False
@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "val": (Xdev, Ydev), "test": (Xte, Yte)}[split]
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    print(split, loss.item())
split_loss("train")
split_loss("val")
print(model.layers[3].running_mean.shape, model.layers[3].running_var[0, 0, :4])
for _ in range(5):
    out = []
    context = [0] * block_size
    while True:
        logits = model(torch.tensor([context]))
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 15:
            break
    print("".join(itos[i] for i in out))
# the same hierarchy out of torch.nn: BatchNorm1d takes (N, C, L), so the channels go in the middle
class FlattenConsecutiveNN(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n
    def forward(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        return x.squeeze(1) if x.shape[1] == 1 else x
torch.manual_seed(42)
net = torch.nn.Sequential(torch.nn.Embedding(vocab_size, n_embd), FlattenConsecutiveNN(4),
                          torch.nn.Linear(n_embd * 4, n_hidden, bias=False))
h = net(Xb)
print(h.shape, h.grad_fn, torch.nn.BatchNorm1d(n_hidden)(h.transpose(1, 2)).transpose(1, 2).shape)
print(net)
