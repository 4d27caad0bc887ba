import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# fast.ai book "Deep Learning for Coders", chapter 4 (under the hood: training a digit classifier) in plain
# PyTorch: pixel-similarity baseline, a linear model with a hand-written SGD loop, then nn.Linear, a BasicOptim
# and a small nn.Sequential net, on made-up 8x8 "threes" and "sevens" (fastai's Learner written out by hand).
rng = np.random.RandomState(0)
three = np.zeros((8, 8)); three[1, 2:6] = three[4, 3:6] = three[6, 2:6] = 1; three[1:7, 5] = 1
seven = np.zeros((8, 8)); seven[1, 1:7] = 1; seven[2:7, 6 - np.arange(5) // 2] = 1
def noisy(img, n):
    return [torch.tensor((np.clip(img + 0.35 * rng.rand(8, 8), 0, 1) * 255).astype(np.uint8)) for _ in range(n)]
three_tensors, seven_tensors = noisy(three, 60), noisy(seven, 60)
print(len(three_tensors), len(seven_tensors), three_tensors[0].dtype, three_tensors[0].shape)
print(three_tensors[1][0:4, 0:6])
stacked_sevens = torch.stack(seven_tensors).float() / 255
stacked_threes = torch.stack(three_tensors).float() / 255
print(stacked_threes.shape, stacked_threes.dtype, len(stacked_threes.shape), stacked_threes.ndim)
mean3 = stacked_threes.mean(0)
mean7 = stacked_sevens.mean(0)
print(mean3[:3], mean7.shape)
a_3 = stacked_threes[1]
dist_3_abs = (a_3 - mean3).abs().mean()
dist_3_sqr = ((a_3 - mean3) ** 2).mean().sqrt()
print(dist_3_abs, dist_3_sqr)
dist_7_abs = (a_3 - mean7).abs().mean()
dist_7_sqr = ((a_3 - mean7) ** 2).mean().sqrt()
print(dist_7_abs, dist_7_sqr)
print(F.l1_loss(a_3.float(), mean7), F.mse_loss(a_3, mean7).sqrt())
data = [[1, 2, 3], [4, 5, 6]]
arr = np.array(data)
tns = torch.tensor(data)
print(arr, tns, tns[1], tns[:, 1], tns[1, 1:3], tns + 1, tns.type(), tns * 1.5)
valid_3_tens = torch.stack(noisy(three, 20)).float() / 255
valid_7_tens = torch.stack(noisy(seven, 20)).float() / 255
print(valid_3_tens.shape, valid_7_tens.shape)
def mnist_distance(a, b): return (a - b).abs().mean((-1, -2))
print(mnist_distance(a_3, mean3))
valid_3_dist = mnist_distance(valid_3_tens, mean3)
print(valid_3_dist[:5], valid_3_dist.shape)
print(torch.tensor([1, 2, 3]) + torch.tensor(1), (valid_3_tens - mean3).shape)
def is_3(x): return mnist_distance(x, mean3) < mnist_distance(x, mean7)
print(is_3(a_3), is_3(a_3).float(), is_3(valid_3_tens)[:8])
accuracy_3s = is_3(valid_3_tens).float().mean()
accuracy_7s = (1 - is_3(valid_7_tens).float()).mean()
print(accuracy_3s, accuracy_7s, (accuracy_3s + accuracy_7s) / 2)
# ------------------------------------------------------------------ stochastic gradient descent
def f(x): return x ** 2
xt = torch.tensor(3.).requires_grad_()
yt = f(xt)
print(yt)
yt.backward()
print(xt.grad)
xt = torch.tensor([3., 4., 10.]).requires_grad_()
def f(x): return (x ** 2).sum()
yt = f(xt)
print(yt)
yt.backward()
print(xt.grad)
time = torch.arange(0, 20).float()
print(time)
torch.manual_seed(42)
speed = torch.randn(20) * 3 + 0.75 * (time - 9.5) ** 2 + 1
print(speed)
def f(t, params):
    a, b, c = params
    return a * (t ** 2) + (b * t) + c
def mse(preds, targets): return ((preds - targets) ** 2).mean().sqrt()
params = torch.randn(3).requires_grad_()
orig_params = params.clone()
preds = f(time, params)
loss = mse(preds, speed)
print(loss)
loss.backward()
print(params.grad, params.grad * 1e-5, params)
lr = 1e-5
params.data -= lr * params.grad.data
params.grad = None
preds = f(time, params)
print(mse(preds, speed))
def apply_step(params, prn=True):
    preds = f(time, params)
    loss = mse(preds, speed)
    loss.backward()
    params.data -= lr * params.grad.data
    params.grad = None
    if prn: print(loss.item())
    return preds
for i in range(6): apply_step(params)
params = orig_params.detach().requires_grad_()
print(params, params.is_leaf, orig_params.grad_fn.name())
# ------------------------------------------------------------------ the MNIST loss function
train_x = torch.cat([stacked_threes, stacked_sevens]).view(-1, 8 * 8)
train_y = torch.tensor([1] * len(three_tensors) + [0] * len(seven_tensors)).unsqueeze(1)
print(train_x.shape, train_y.shape)
dset = list(zip(train_x, train_y))
x, y = dset[0]
print(x.shape, y)
valid_x = torch.cat([valid_3_tens, valid_7_tens]).view(-1, 8 * 8)
valid_y = torch.tensor([1] * len(valid_3_tens) + [0] * len(valid_7_tens)).unsqueeze(1)
valid_dset = list(zip(valid_x, valid_y))
def init_params(size, std=1.0): return (torch.randn(size) * std).requires_grad_()
weights = init_params((8 * 8, 1))
bias = init_params(1)
print(weights.shape, bias, weights.is_leaf)
print((train_x[0] * weights.T).sum() + bias)
def linear1(xb): return xb @ weights + bias
preds = linear1(train_x)
print(preds[:4], preds.grad_fn.name())
corrects = (preds > 0.0).float() == train_y
print(corrects[:4], corrects.float().mean().item())
with torch.no_grad(): weights[0] *= 1.0001
preds = linear1(train_x)
print(((preds > 0.0).float() == train_y).float().mean().item())
trgts = torch.tensor([1, 0, 1])
prds = torch.tensor([0.9, 0.4, 0.2])
def mnist_loss(predictions, targets):
    return torch.where(targets == 1, 1 - predictions, predictions).mean()
print(torch.where(trgts == 1, 1 - prds, prds), mnist_loss(prds, trgts), mnist_loss(torch.tensor([0.9, 0.4, 0.8]), trgts))
def sigmoid(x): return 1 / (1 + torch.exp(-x))
print(sigmoid(torch.linspace(-4, 4, 5)), torch.sigmoid(torch.linspace(-4, 4, 5)))
def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()
# ------------------------------------------------------------------ mini-batches (fastai's DataLoader by hand)
def dataloader(ds, bs, shuffle=False, g=None):
    idx = torch.randperm(len(ds), generator=g) if shuffle else torch.arange(len(ds))
    for i in range(0, len(ds), bs):
        items = [ds[j] for j in idx[i:i + bs].tolist()]
        yield tuple(torch.stack(t) for t in zip(*items))
coll = range(15)
g = torch.Generator().manual_seed(1)
print([torch.randperm(15, generator=g)[i:i + 5] for i in range(0, 15, 5)])
ds = [(i, c) for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")]
print([ds[j] for j in torch.randperm(26, generator=g)[:6].tolist()])
torch.manual_seed(42)
weights = init_params((8 * 8, 1))
bias = init_params(1)
dl = list(dataloader(dset, 32, shuffle=True, g=torch.Generator().manual_seed(0)))
xb, yb = dl[0]
print(xb.shape, yb.shape, len(dl))
batch = train_x[:4]
preds = linear1(batch)
print(preds)
loss = mnist_loss(preds, train_y[:4])
print(loss)
loss.backward()
print(weights.grad.shape, weights.grad.mean(), bias.grad)
def calc_grad(xb, yb, model):
    preds = model(xb)
    loss = mnist_loss(preds, yb)
    loss.backward()
calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
weights.grad.zero_()
bias.grad.zero_()
def train_epoch(model, lr, params):
    for xb, yb in dataloader(dset, 32, shuffle=True, g=g):
        calc_grad(xb, yb, model)
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()
def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds > 0.5) == yb
    return correct.float().mean()
print(batch_accuracy(linear1(batch), train_y[:4]))
def validate_epoch(model):
    accs = [batch_accuracy(model(xb), yb) for xb, yb in dataloader(valid_dset, 16)]
    return round(torch.stack(accs).mean().item(), 4)
print(validate_epoch(linear1))
lr = 1.
params = weights, bias
g = torch.Generator().manual_seed(2)
train_epoch(linear1, lr, params)
print(validate_epoch(linear1))
for i in range(4):
    train_epoch(linear1, lr, params)
    print(validate_epoch(linear1), end=' ')
print()
# ------------------------------------------------------------------ an optimizer: nn.Linear and BasicOptim
torch.manual_seed(42)
linear_model = nn.Linear(8 * 8, 1)
w, b = linear_model.parameters()
print(w.shape, b.shape)
class BasicOptim:
    def __init__(self, params, lr): self.params, self.lr = list(params), lr
    def step(self, *args, **kwargs):
        for p in self.params: p.data -= p.grad.data * self.lr
    def zero_grad(self, *args, **kwargs):
        for p in self.params: p.grad = None
opt = BasicOptim(linear_model.parameters(), lr)
def train_epoch(model):
    for xb, yb in dataloader(dset, 32, shuffle=True, g=g):
        calc_grad(xb, yb, model)
        opt.step()
        opt.zero_grad()
print(validate_epoch(linear_model))
def train_model(model, epochs):
    for i in range(epochs):
        train_epoch(model)
        print(validate_epoch(model), end=' ')
    print()
train_model(linear_model, 4)
torch.manual_seed(42)
linear_model = nn.Linear(8 * 8, 1)
opt = torch.optim.SGD(linear_model.parameters(), lr)
train_model(linear_model, 4)
print(linear_model.weight.grad is None, linear_model.bias)
# ------------------------------------------------------------------ adding a nonlinearity
def simple_net(xb):
    res = xb @ w1 + b1
    res = res.max(torch.tensor(0.0))
    res = res @ w2 + b2
    return res
torch.manual_seed(42)
w1 = init_params((8 * 8, 30))
b1 = init_params(30)
w2 = init_params((30, 1))
b2 = init_params(1)
print(simple_net(batch), F.relu(torch.linspace(-2, 2, 5)))
torch.manual_seed(42)
simple_net = nn.Sequential(
    nn.Linear(8 * 8, 30),
    nn.ReLU(),
    nn.Linear(30, 1)
)
print(simple_net)
opt = torch.optim.SGD(simple_net.parameters(), lr=0.1)
train_model(simple_net, 6)
m = simple_net[0]
print(m, m.weight.shape, m.bias[:4], [n for n, _ in simple_net.named_parameters()])
print(simple_net(batch), simple_net[1](torch.tensor([-1., 2.])))
