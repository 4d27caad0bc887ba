import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Karpathy's makemore, parts 1 and 2: a counts-matrix bigram model, the same model as a one-layer
# net trained by hand on one-hot inputs, then the MLP with a character embedding table.
words = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper", "evelyn",
         "abigail", "emily", "elizabeth", "mila", "ella", "avery", "sofia", "camila", "aria", "scarlett",
         "victoria", "madison", "luna", "grace", "chloe", "penelope", "layla", "riley", "zoey", "nora",
         "lily", "eleanor", "hannah", "lillian", "addison", "aubrey", "ellie", "stella", "natalie", "zoe"]
print(len(words), min(len(w) for w in words), max(len(w) for w in words))
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
V = len(stoi)
N = torch.zeros((V, V), dtype=torch.int32)
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1
print(V, N.sum(), N[0, :8], N.dtype, N.max().item())
p = N[0].float()
p = p / p.sum()
print(p[:6])
g = torch.Generator().manual_seed(2147483647)
print(torch.rand(3, generator=g))
ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
print(ix, itos[ix])
P = (N + 1).float()
P /= P.sum(1, keepdims=True)
print(P.shape, round(P[0].sum().item(), 4), P.sum(1)[:3].tolist())  # (float32 sums: torch adds in another order)
g = torch.Generator().manual_seed(2147483647)
for i in range(5):
    out = []
    ix = 0
    while True:
        p = P[ix]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    print("".join(out))
log_likelihood = 0.0
n = 0
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        prob = P[stoi[ch1], stoi[ch2]]
        log_likelihood += torch.log(prob)
        n += 1
nll = -log_likelihood
print(f"{log_likelihood=}")
print(f"{nll / n}")
# the bigram model as a neural net
xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()
print("number of examples:", num)
xenc = F.one_hot(xs, num_classes=V).float()
print(xenc.shape, xenc.dtype, F.one_hot(xs[:3]).shape)
g = torch.Generator().manual_seed(2147483647)
W = torch.randn((V, V), generator=g, requires_grad=True)
for k in range(30):
    xenc = F.one_hot(xs, num_classes=V).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W ** 2).mean()
    if k % 10 == 0:
        print(k, loss.item())
    W.grad = None
    loss.backward()
    W.data += -10 * W.grad
print(loss)
g = torch.Generator().manual_seed(2147483647)
for i in range(3):
    out = []
    ix = 0
    while True:
        xenc = F.one_hot(torch.tensor([ix]), num_classes=V).float()
        logits = xenc @ W
        counts = logits.exp()
        p = counts / counts.sum(1, keepdims=True)
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    print("".join(out))
# part 2: the MLP
block_size = 3
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
Xtr, Ytr = build_dataset(words[:32])
Xdev, Ydev = build_dataset(words[32:])
g = torch.Generator().manual_seed(2147483647)
C = torch.randn((V, 2), generator=g)
emb = C[Xtr]
print(emb.shape, C[5], F.one_hot(torch.tensor(5), num_classes=V).float() @ C)
print(torch.cat([emb[:, 0, :], emb[:, 1, :], emb[:, 2, :]], 1).shape, torch.cat(torch.unbind(emb, 1), 1).shape)
a = torch.arange(18)
print(a.view(3, 3, 2).shape, a.storage_offset(), a.stride(), emb.view(-1, 6).is_contiguous())
W1 = torch.randn((6, 50), generator=g)
b1 = torch.randn(50, generator=g)
W2 = torch.randn((50, V), generator=g)
b2 = torch.randn(V, generator=g)
parameters = [C, W1, b1, W2, b2]
print(sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True
h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
logits = h @ W2 + b2
counts = logits.exp()
prob = counts / counts.sum(1, keepdim=True)
manual = -prob[torch.arange(Ytr.shape[0]), Ytr].log().mean()
print(manual, F.cross_entropy(logits, Ytr))
lre = torch.linspace(-3, 0, 1000)
lrs = 10 ** lre
print(lrs[::250])
lossi = []
for i in range(200):
    ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
    emb = C[Xtr[ix]]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < 150 else 0.01
    for p in parameters:
        p.data += -lr * p.grad
    lossi.append(loss.log10().item())
print(f"{sum(lossi[:20]) / 20:.4f} {sum(lossi[-20:]) / 20:.4f}")
@torch.no_grad()
def split_loss(X, Y):
    emb = C[X]
    h = torch.tanh(emb.view(-1, 6) @ W1 + b1)
    return F.cross_entropy(h @ W2 + b2, Y).item()
print(f"train {split_loss(Xtr, Ytr):.4f} dev {split_loss(Xdev, Ydev):.4f}")
g = torch.Generator().manual_seed(2147483647 + 10)
for _ in range(4):
    out = []
    context = [0] * block_size
    while True:
        emb = C[torch.tensor([context])]
        h = torch.tanh(emb.view(1, -1) @ W1 + b1)
        logits = h @ W2 + b2
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0 or len(out) > 15:
            break
    print("".join(itos[i] for i in out))
