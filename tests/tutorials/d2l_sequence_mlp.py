import tinygrad_rnn as torch
nn = torch.nn; data = torch.utils.data
torch.manual_seed(0)
T = 400
time = torch.arange(1, T + 1, dtype=torch.float32)
x = torch.sin(0.01 * time) + torch.normal(0, 0.2, (T,))
tau = 4
features = torch.zeros((T - tau, tau))
for i in range(tau):
    features[:, i] = x[i: T - tau + i]
labels = x[tau:].reshape((-1, 1))
batch_size, n_train = 16, 300
train_iter = data.DataLoader(data.TensorDataset(features[:n_train], labels[:n_train]), batch_size, shuffle=True)


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)


def get_net():
    net = nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 1))
    net.apply(init_weights)
    return net


loss = nn.MSELoss(reduction='none')


def evaluate_loss(net, data_iter, loss):
    total, count = 0.0, 0
    for X, y in data_iter:
        out = net(X)
        l = loss(out, y.reshape(out.shape))
        total += l.sum().item()
        count += l.numel()
    return total / count


def train(net, train_iter, loss, epochs, lr):
    trainer = torch.optim.Adam(net.parameters(), lr)
    for epoch in range(epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.sum().backward()
            trainer.step()
        print(f'epoch {epoch + 1}, loss: {evaluate_loss(net, train_iter, loss):f}')


net = get_net()
train(net, train_iter, loss, 5, 0.01)
onestep = net(features)
print(onestep.shape, onestep[:3].detach().squeeze())
multistep = torch.zeros(T)
multistep[: n_train + tau] = x[: n_train + tau]
for i in range(n_train + tau, T):
    multistep[i] = net(multistep[i - tau:i].reshape((1, -1)))
print(multistep[-3:].detach(), multistep.requires_grad)
max_steps = 16
feats = torch.zeros((T - tau - max_steps + 1, tau + max_steps))
for i in range(tau):
    feats[:, i] = x[i: i + T - tau - max_steps + 1]
for i in range(tau, tau + max_steps):
    feats[:, i] = net(feats[:, i - tau:i]).reshape(-1)
print([round(feats[:, tau + s - 1].detach().mean().item(), 4) for s in (1, 4, 16)])
with torch.no_grad():
    errors = torch.stack([(feats[:, tau + s - 1] - x[tau + s - 1: T - max_steps + s]).pow(2).mean() for s in (1, 4, 16)])
print(errors, errors.argmax().item(), torch.topk(errors, 2).indices)
