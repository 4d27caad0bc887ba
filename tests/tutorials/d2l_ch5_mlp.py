import tinygrad_rnn as torch
nn = torch.nn

torch.manual_seed(0)
# 5.1 activation functions and their gradients
x = torch.arange(-8.0, 8.0, 1.0, requires_grad=True)
y = torch.relu(x)
print(y, y.grad_fn)
y.backward(torch.ones_like(x), retain_graph=True)
print(x.grad)
y = torch.sigmoid(x)
x.grad.data.zero_()
y.backward(torch.ones_like(x), retain_graph=True)
print(y.detach(), x.grad)
y = torch.tanh(x)
x.grad.data.zero_()
y.backward(torch.ones_like(x), retain_graph=True)
print(y.detach(), x.grad)

# a small classification set
num_classes = 4
templates = torch.rand(num_classes, 1, 6, 6)
y_all = torch.randint(0, num_classes, (400,))
X_all = templates[y_all] + 0.5 * torch.randn(400, 1, 6, 6)
train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_all[:300], y_all[:300]), batch_size=50,
                                         shuffle=True)
val_X, val_y = X_all[300:], y_all[300:]


def accuracy(y_hat, y):
    return float((y_hat.argmax(axis=1).type(y.dtype) == y).type(y.dtype).sum()) / len(y)


# 5.2 MLP from scratch
num_inputs, num_outputs, num_hiddens = 36, 4, 32
W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
b1 = nn.Parameter(torch.zeros(num_hiddens))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
b2 = nn.Parameter(torch.zeros(num_outputs))
params = [W1, b1, W2, b2]
print(W1.shape, W1.requires_grad, type(W1).__name__, b2)


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


print(relu(torch.tensor([[-1.0, 2.0], [0.5, -0.5]])))


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


loss = nn.CrossEntropyLoss(reduction='none')
updater = torch.optim.SGD(params, lr=0.5)
for epoch in range(5):
    for X, y in train_iter:
        updater.zero_grad()
        l = loss(net(X), y)
        l.mean().backward()
        updater.step()
    with torch.no_grad():
        print(f'epoch {epoch + 1}, loss {loss(net(val_X), val_y).mean():.4f}, acc {accuracy(net(val_X), val_y):.3f}')

# 5.2 concise
net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_hiddens), nn.ReLU(), nn.LazyLinear(num_outputs))
net(X_all[:2])
print(net)
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(3):
    for X, y in train_iter:
        trainer.zero_grad()
        l = loss(net(X), y)
        l.mean().backward()
        trainer.step()
    with torch.no_grad():
        print(f'epoch {epoch + 1}, acc {accuracy(net(val_X), val_y):.3f}')


# 5.6 dropout from scratch
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print('dropout_p = 0:', dropout_layer(X, 0))
print('dropout_p = 0.5:', dropout_layer(X, 0.5))
print('dropout_p = 1:', dropout_layer(X, 1))


class DropoutMLPScratch(nn.Module):
    def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2, dropout_1, dropout_2):
        super().__init__()
        self.lin1 = nn.LazyLinear(num_hiddens_1)
        self.lin2 = nn.LazyLinear(num_hiddens_2)
        self.lin3 = nn.LazyLinear(num_outputs)
        self.relu = nn.ReLU()
        self.dropout_1, self.dropout_2 = dropout_1, dropout_2

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((X.shape[0], -1))))
        if self.training:
            H1 = dropout_layer(H1, self.dropout_1)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, self.dropout_2)
        return self.lin3(H2)


class DropoutMLP(nn.Module):
    def __init__(self, num_outputs, num_hiddens_1, num_hiddens_2, dropout_1, dropout_2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.LazyLinear(num_hiddens_1), nn.ReLU(),
            nn.Dropout(dropout_1), nn.LazyLinear(num_hiddens_2), nn.ReLU(),
            nn.Dropout(dropout_2), nn.LazyLinear(num_outputs))

    def forward(self, X):
        return self.net(X)


for model in (DropoutMLPScratch(4, 32, 16, 0.5, 0.5), DropoutMLP(4, 32, 16, 0.5, 0.5)):
    model(X_all[:2])
    print(model)
    trainer = torch.optim.SGD(model.parameters(), lr=0.3)
    for epoch in range(3):
        model.train()
        for X, y in train_iter:
            trainer.zero_grad()
            loss(model(X), y).mean().backward()
            trainer.step()
        model.eval()
        with torch.no_grad():
            print(f'epoch {epoch + 1}, acc {accuracy(model(val_X), val_y):.3f}', model.training)

# 5.4 numerical stability
x = torch.arange(-8.0, 8.0, 0.5, requires_grad=True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(x.grad)
M = torch.normal(0, 1, size=(4, 4))
print('a single matrix \n', M)
for i in range(100):
    M = M @ torch.normal(0, 1, size=(4, 4))
print('after multiplying 100 matrices\n', M)

# 5.x parameter initialization (d2l 6.3)
net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
X = torch.rand(size=(2, 4))
print(net(X).shape)


def init_normal(module):
    if type(module) == nn.Linear:
        nn.init.normal_(module.weight, mean=0, std=0.01)
        nn.init.zeros_(module.bias)


net.apply(init_normal)
print(net[0].weight.data[0], net[0].bias.data[0])


def init_constant(module):
    if type(module) == nn.Linear:
        nn.init.constant_(module.weight, 1)
        nn.init.zeros_(module.bias)


net.apply(init_constant)
print(net[0].weight.data[0], net[0].bias.data[0])


def init_xavier(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)


def init_42(module):
    if type(module) == nn.Linear:
        nn.init.constant_(module.weight, 42)


net[0].apply(init_xavier)
net[2].apply(init_42)
print(net[0].weight.data[0])
print(net[2].weight.data)


def my_init(module):
    if type(module) == nn.Linear:
        print("Init", *[(name, param.shape) for name, param in module.named_parameters()][0])
        nn.init.uniform_(module.weight, -10, 10)
        module.weight.data *= module.weight.data.abs() >= 5


net.apply(my_init)
print(net[0].weight[:2])
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])
for init in (nn.init.xavier_normal_, nn.init.kaiming_uniform_, nn.init.kaiming_normal_, nn.init.ones_):
    w = torch.empty(3, 5)
    print(init.__name__, init(w))
print(nn.init.calculate_gain('relu'), nn.init.calculate_gain('tanh'), nn.init.calculate_gain('leaky_relu', 0.2))
