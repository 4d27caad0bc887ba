import random

import tinygrad_rnn as torch
nn = torch.nn

random.seed(0)
torch.manual_seed(0)


# 3.2-3.4 linear regression from scratch
def synthetic_data(w, b, num_examples):
    """y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 200)
print('features:', features[0], '\nlabel:', labels[0])
print(features.shape, labels.shape, features.dtype)


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X, '\n', y)
    break

w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
print(w, b)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
print(f'error in estimating b: {true_b - b}')
print(w.grad, b.grad, w.requires_grad, w.is_leaf)

# 3.5 concise implementation
torch.manual_seed(1)
net = nn.Sequential(nn.LazyLinear(1))
print(net)
net(features[:2])
print(net)
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
print(net[0].weight.shape, net[0].bias)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
print(trainer)
dataset = torch.utils.data.TensorDataset(features, labels)
data_loader = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)
for epoch in range(num_epochs):
    for X, y in data_loader:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')
w = net[0].weight.data
print('error in estimating w:', true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print('error in estimating b:', true_b - b)
print(net[0].weight.grad, net[0].bias.grad)
print(net.state_dict().keys())

# 3.7 weight decay, from scratch then concise
n_train, n_test, num_inputs = 20, 50, 40
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
train_X, train_y = synthetic_data(true_w.reshape(-1), true_b, n_train)
test_X, test_y = synthetic_data(true_w.reshape(-1), true_b, n_test)


def init_params():
    w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    return [w, b]


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def train_scratch(lambd):
    w, b = init_params()
    for epoch in range(30):
        for X, y in data_iter(5, train_X, train_y):
            l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)
            l.sum().backward()
            sgd([w, b], 0.003, 5)
        if (epoch + 1) % 10 == 0:
            with torch.no_grad():
                print(epoch + 1, squared_loss(linreg(train_X, w, b), train_y).mean().item(),
                      squared_loss(linreg(test_X, w, b), test_y).mean().item())
    print('L2 norm of w:', torch.norm(w).item())


train_scratch(lambd=0)
train_scratch(lambd=3)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 30, 0.003
    trainer = torch.optim.SGD([
        {"params": net[0].weight, 'weight_decay': wd},
        {"params": net[0].bias}], lr=lr)
    print(trainer)
    for epoch in range(num_epochs):
        for X, y in data_iter(5, train_X, train_y):
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
        if (epoch + 1) % 10 == 0:
            with torch.no_grad():
                print(epoch + 1, loss(net(train_X), train_y).mean().item(), loss(net(test_X), test_y).mean().item())
    print('L2 norm of w:', net[0].weight.norm().item())
    print([g['weight_decay'] for g in trainer.param_groups], trainer.state_dict()['param_groups'])


train_concise(0)
train_concise(3)
