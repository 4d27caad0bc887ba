import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional

torch.manual_seed(0)
# a small stand-in for Fashion-MNIST: 10 classes of 1x8x8 "images", each a noisy class template
num_classes, n_train, n_val = 10, 600, 200
templates = torch.rand(num_classes, 1, 8, 8)


def make_split(n):
    y = torch.randint(0, num_classes, (n,))
    X = templates[y] + 0.3 * torch.randn(n, 1, 8, 8)
    return X, y


train_X, train_y = make_split(n_train)
val_X, val_y = make_split(n_val)
print(train_X.shape, train_y.shape, train_y.dtype, train_y[:10])
train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_X, train_y), batch_size=64, shuffle=True)
X, y = next(iter(train_iter))
print(X.shape, X.dtype, y.shape, y.dtype)

# 4.4 from scratch
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdims=True), X.sum(1, keepdims=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


X = torch.rand((2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))

num_inputs, num_outputs = 64, 10
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    """Number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))


class Accumulator:
    """Sums over n variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, X, y):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


print(evaluate_accuracy(net, val_X, val_y))


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def train_epoch(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum().detach()), accuracy(y_hat, y), y.numel())  # (torch warns once per process otherwise)
    return metric[0] / metric[2], metric[1] / metric[2]


def cross_entropy_none(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


lr = 0.1
for epoch in range(5):
    train_loss, train_acc = train_epoch(net, train_iter, cross_entropy_none, lambda n: sgd([W, b], lr, n))
    print(f'epoch {epoch + 1}: loss {train_loss:.5f}, train acc {train_acc:.4f}, '
          f'val acc {evaluate_accuracy(net, val_X, val_y):.4f}')
preds = net(val_X[:6]).argmax(axis=1)
print(preds, val_y[:6], W.grad.abs().sum(), b.grad)

# 4.5 concise
torch.manual_seed(1)
net = nn.Sequential(nn.Flatten(), nn.LazyLinear(10))
print(net)


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net(train_X[:1])
net.apply(init_weights)
print(net, [(n, p.shape) for n, p in net.named_parameters()])
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    train_loss, train_acc = train_epoch(net, train_iter, loss, trainer)
    print(f'epoch {epoch + 1}: loss {train_loss:.5f}, train acc {train_acc:.4f}, '
          f'val acc {evaluate_accuracy(net, val_X, val_y):.4f}')
Y_hat = net(val_X[:4])
print(Y_hat.shape, Y_hat.grad_fn, F.cross_entropy(Y_hat, val_y[:4], reduction='none'))
Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
print(F.cross_entropy(Y_hat, val_y[:4], reduction='mean'), net.training)
print(type(net[1]).__name__, net[1].weight.shape, net[1].in_features)
