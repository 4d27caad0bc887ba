import tinygrad_rnn as torch
import math
import numpy as np
nn = torch.nn
# Dive into Deep Learning chapter 12 (PyTorch edition): gradient descent and Newton's method on
# one-dimensional functions, SGD with decaying learning rates, minibatch SGD, momentum, Adagrad,
# RMSProp, Adadelta, Adam and Yogi written from scratch with their states, each then compared with
# torch.optim's on the same tiny linear regression; learning-rate schedulers by hand and torch's.
torch.manual_seed(0)


# 12.3 gradient descent
def f(x):  # Objective function
    return x ** 2


def f_grad(x):  # Gradient (derivative) of the objective function
    return 2 * x


def gd(eta, f_grad):
    x = 10.0
    results = [x]
    for i in range(10):
        x -= eta * f_grad(x)
        results.append(float(x))
    print(f'epoch 10, x: {x:f}')
    return results


print(gd(0.2, f_grad), f(torch.tensor(10.0)))
print(gd(1.1, f_grad)[-3:])
c = torch.tensor(0.15 * np.pi)


def f(x):  # Objective function
    return x * torch.cos(c * x)


def f_grad(x):  # Gradient of the objective function
    return torch.cos(c * x) - c * x * torch.sin(c * x)


results = gd(2, f_grad)
print(results)
print(f(torch.tensor(results)))


def train_2d(trainer, steps=20, f_grad=None):
    """Optimize a 2D objective function with a customized trainer."""
    # `s1` and `s2` are internal state variables that will be used in Momentum, adagrad, RMSProp
    x1, x2, s1, s2 = -5, -2, 0, 0
    results = [(x1, x2)]
    for i in range(steps):
        if f_grad:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        results.append((x1, x2))
    print(f'epoch {i + 1}, x1: {float(x1):f}, x2: {float(x2):f}')
    return results


def f_2d(x1, x2):  # Objective function
    return x1 ** 2 + 2 * x2 ** 2


def f_2d_grad(x1, x2):  # Gradient of the objective function
    return (2 * x1, 4 * x2)


def gd_2d(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    return (x1 - eta * g1, x2 - eta * g2, 0, 0)


eta = 0.1
print(train_2d(gd_2d, f_grad=f_2d_grad)[-1])
c = torch.tensor(0.5)


def f(x):  # Objective function
    return torch.cosh(c * x)


def f_grad(x):  # Gradient of the objective function
    return c * torch.sinh(c * x)


def f_hess(x):  # Hessian of the objective function
    return c ** 2 * torch.cosh(c * x)


def newton(eta=1):
    x = 10.0
    results = [x]
    for i in range(10):
        x -= eta * f_grad(x) / f_hess(x)
        results.append(float(x))
    print('epoch 10, x:', x)
    return results


print(newton(), f_hess(torch.tensor(1.0)))
c = torch.tensor(0.15 * np.pi)


def f(x):  # Objective function
    return x * torch.cos(c * x)


def f_grad(x):  # Gradient of the objective function
    return torch.cos(c * x) - c * x * torch.sin(c * x)


def f_hess(x):  # Hessian of the objective function
    return - 2 * c * torch.sin(c * x) - x * c ** 2 * torch.cos(c * x)


print(newton()[-3:], newton(0.5)[-3:])


# 12.4 stochastic gradient descent
def f_grad(x1, x2):
    return 2 * x1, 4 * x2


def sgd(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    # Simulate noisy gradient
    g1 += torch.normal(0.0, 1, (1,)).item()
    g2 += torch.normal(0.0, 1, (1,)).item()
    eta_t = eta * lr()
    return (x1 - eta_t * g1, x2 - eta_t * g2, 0, 0)


def constant_lr():
    return 1


eta = 0.1
lr = constant_lr  # Constant learning rate
print(train_2d(sgd, steps=50, f_grad=f_grad)[-1])


def exponential_lr():
    # Global variable that is defined outside this function and updated inside
    global t
    t += 1
    return math.exp(-0.1 * t)


t = 1
lr = exponential_lr
print(train_2d(sgd, steps=100, f_grad=f_grad)[-1])


def polynomial_lr():
    # Global variable that is defined outside this function and updated inside
    global t
    t += 1
    return (1 + 0.1 * t) ** (-0.5)


t = 1
lr = polynomial_lr
print(train_2d(sgd, steps=50, f_grad=f_grad)[-1])

# 12.5 minibatch SGD on a tiny made-up "airfoil" regression (5 features)
A = torch.randn(4, 3)
B = torch.randn(3, 4)
C = torch.mm(A, B)
print(C[0], torch.mv(A, B[:, 0]), torch.dot(A[0], B[:, 0]))
features = torch.randn(64, 5)
true_w = torch.tensor([[1.5], [-2.0], [0.5], [0.0], [3.0]])
labels = features @ true_w + 0.2 + 0.1 * torch.randn(64, 1)
features = (features - features.mean(axis=0)) / features.std(axis=0)
print(features.mean(0), features.std(0), labels[:3].T)


def get_data_ch11(batch_size=10, n=48):
    dataset = torch.utils.data.TensorDataset(features[:n], labels[:n])
    data_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=False)
    return data_iter, features.shape[1]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    metric = [0.0, 0]
    for X, y in data_iter:
        out = net(X)
        y = y.reshape(out.shape)
        l = loss(out, y)
        metric[0] += l.sum().item()  # (float() of it warns once per process: which program first depends on test order)
        metric[1] += l.numel()
    return metric[0] / metric[1]


def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams['lr'] * p.grad)
        p.grad.data.zero_()


def train_ch11(trainer_fn, states, hyperparams, data_iter, feature_dim, num_epochs=2):
    # Initialization
    torch.manual_seed(1)
    w = torch.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = torch.zeros((1), requires_grad=True)
    net, loss = lambda X: linreg(X, w, b), squared_loss
    # Train
    n = 0
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n += X.shape[0]
        print(f'loss: {evaluate_loss(net, data_iter, loss):.6f}, n {n}')
    return w, b


def train_sgd(lr, batch_size, num_epochs=2):
    data_iter, feature_dim = get_data_ch11(batch_size)
    return train_ch11(sgd, None, {'lr': lr}, data_iter, feature_dim, num_epochs)


gd_res = train_sgd(1, 48, 4)
sgd_res = train_sgd(0.005, 1, 1)
mini1_res = train_sgd(.4, 16)
print(mini1_res[0].T, mini1_res[1], mini1_res[0].grad.T)


def train_concise_ch11(trainer_fn, hyperparams, data_iter, num_epochs=2):
    # Initialization
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(5, 1))

    def init_weights(module):
        if type(module) == nn.Linear:
            torch.nn.init.normal_(module.weight, std=0.01)

    net.apply(init_weights)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction='none')
    n = 0
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            l.mean().backward()
            optimizer.step()
            n += X.shape[0]
        print(f'loss: {evaluate_loss(net, data_iter, loss) / 2:.6f}, n {n}')
    return net, optimizer


data_iter, feature_dim = get_data_ch11(16)
net, trainer = train_concise_ch11(torch.optim.SGD, {'lr': 0.2}, data_iter)
print(net[0].weight.data, net[0].bias.data, trainer)


# 12.6 momentum
def init_momentum_states(feature_dim):
    v_w = torch.zeros((feature_dim, 1))
    v_b = torch.zeros(1)
    return (v_w, v_b)


def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v[:] = hyperparams['momentum'] * v + p.grad
            p[:] -= hyperparams['lr'] * v
        p.grad.data.zero_()


def train_momentum(lr, momentum, num_epochs=2):
    states = init_momentum_states(feature_dim)
    w, b = train_ch11(sgd_momentum, states, {'lr': lr, 'momentum': momentum}, data_iter, feature_dim, num_epochs)
    print(w.T, b, states[0].T, states[1])


train_momentum(0.02, 0.5)
train_momentum(0.01, 0.9)
net, trainer = train_concise_ch11(torch.optim.SGD, {'lr': 0.005, 'momentum': 0.9}, data_iter)
print(net[0].weight.data, trainer.state_dict()['state'][0]['momentum_buffer'])
net, trainer = train_concise_ch11(torch.optim.SGD, {'lr': 0.005, 'momentum': 0.9, 'nesterov': True,
                                                    'weight_decay': 0.01}, data_iter)
print(net[0].weight.data, trainer)


# 12.7 Adagrad
def init_adagrad_states(feature_dim):
    s_w = torch.zeros((feature_dim, 1))
    s_b = torch.zeros(1)
    return (s_w, s_b)


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


w, b = train_ch11(adagrad, init_adagrad_states(feature_dim), {'lr': 0.1}, data_iter, feature_dim)
print(w.T, b)
net, trainer = train_concise_ch11(torch.optim.Adagrad, {'lr': 0.1}, data_iter)
print(net[0].weight.data, trainer.state_dict()['state'][0]['sum'], trainer.state_dict()['state'][0]['step'])


# 12.8 RMSProp
def init_rmsprop_states(feature_dim):
    s_w = torch.zeros((feature_dim, 1))
    s_b = torch.zeros(1)
    return (s_w, s_b)


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams['gamma'], 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
            p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


w, b = train_ch11(rmsprop, init_rmsprop_states(feature_dim), {'lr': 0.01, 'gamma': 0.9}, data_iter, feature_dim)
print(w.T, b)
net, trainer = train_concise_ch11(torch.optim.RMSprop, {'lr': 0.01, 'alpha': 0.9}, data_iter)
print(net[0].weight.data, trainer.state_dict()['state'][0]['square_avg'])


# 12.9 Adadelta
def init_adadelta_states(feature_dim):
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    delta_w, delta_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((s_w, delta_w), (s_b, delta_b))


def adadelta(params, states, hyperparams):
    rho, eps = hyperparams['rho'], 1e-5
    for p, (s, delta) in zip(params, states):
        with torch.no_grad():
            # In-place updates via [:]
            s[:] = rho * s + (1 - rho) * torch.square(p.grad)
            g = (torch.sqrt(delta + eps) / torch.sqrt(s + eps)) * p.grad
            p[:] -= g
            delta[:] = rho * delta + (1 - rho) * g * g
        p.grad.data.zero_()


w, b = train_ch11(adadelta, init_adadelta_states(feature_dim), {'rho': 0.9}, data_iter, feature_dim)
print(w.T, b)
net, trainer = train_concise_ch11(torch.optim.Adadelta, {'rho': 0.9}, data_iter)
print(net[0].weight.data, trainer.state_dict()['state'][0]['acc_delta'], trainer)


# 12.10 Adam
def init_adam_states(feature_dim):
    v_w, v_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((v_w, s_w), (v_b, s_b))


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams['t'])
            s_bias_corr = s / (1 - beta2 ** hyperparams['t'])
            p[:] -= hyperparams['lr'] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams['t'] += 1


w, b = train_ch11(adam, init_adam_states(feature_dim), {'lr': 0.01, 't': 1}, data_iter, feature_dim)
print(w.T, b)
net, trainer = train_concise_ch11(torch.optim.Adam, {'lr': 0.01}, data_iter)
state = trainer.state_dict()['state'][0]
print(net[0].weight.data, state['exp_avg'], state['exp_avg_sq'], state['step'])


def yogi(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-3
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = s + (1 - beta2) * torch.sign(
                torch.square(p.grad) - s) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams['t'])
            s_bias_corr = s / (1 - beta2 ** hyperparams['t'])
            p[:] -= hyperparams['lr'] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams['t'] += 1


w, b = train_ch11(yogi, init_adam_states(feature_dim), {'lr': 0.01, 't': 1}, data_iter, feature_dim)
print(w.T, b)
net, trainer = train_concise_ch11(torch.optim.AdamW, {'lr': 0.01, 'weight_decay': 0.1, 'amsgrad': True}, data_iter)
print(net[0].weight.data, trainer.state_dict()['state'][0]['max_exp_avg_sq'])


# 12.11 learning-rate scheduling
class SquareRootScheduler:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


class FactorScheduler:
    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update):
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class CosineScheduler:
    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (
                self.base_lr_orig - self.final_lr) * (1 + math.cos(
                    math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr


scheduler = SquareRootScheduler(lr=0.1)
print([round(scheduler(t), 6) for t in range(5)])
scheduler = FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
print([round(scheduler(t), 6) for t in range(0, 50, 10)])
scheduler = CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)
print([round(scheduler(t), 6) for t in range(0, 25, 4)])
scheduler = CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
print([round(scheduler(t), 6) for t in range(0, 25, 3)])


def net_fn():
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 1))
    return model


def train(net, train_iter, num_epochs, loss, trainer, scheduler=None):
    for epoch in range(num_epochs):
        for i, (X, y) in enumerate(train_iter):
            net.train()
            trainer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            trainer.step()
        if scheduler:
            if scheduler.__module__ == torch.optim.lr_scheduler.__name__:
                # Using PyTorch In-Built scheduler
                scheduler.step()
            else:
                # Using custom defined scheduler
                for param_group in trainer.param_groups:
                    param_group['lr'] = scheduler(epoch)
        print(f'epoch {epoch + 1}, lr {trainer.param_groups[0]["lr"]:.5f}, '
              f'train loss {evaluate_loss(net, train_iter, loss):.5f}')


loss = nn.MSELoss()
torch.manual_seed(2)
net = net_fn()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
train(net, data_iter, 3, loss, trainer, FactorScheduler(factor=0.5, base_lr=0.1))
torch.manual_seed(2)
net = net_fn()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.MultiStepLR(trainer, milestones=[2, 4], gamma=0.5)


def get_lr(trainer, scheduler):
    lr = scheduler.get_last_lr()[0]
    trainer.step()
    scheduler.step()
    return lr


print([get_lr(trainer, scheduler) for t in range(6)])
print(scheduler.state_dict(), scheduler.last_epoch)
torch.manual_seed(2)
net = net_fn()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.MultiStepLR(trainer, milestones=[1, 2], gamma=0.5)
train(net, data_iter, 3, loss, trainer, scheduler)
trainer = torch.optim.SGD(net.parameters(), lr=0.3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(trainer, T_max=8, eta_min=0.01)
print([round(get_lr(trainer, scheduler), 6) for t in range(10)])
trainer = torch.optim.SGD(net.parameters(), lr=0.3)
scheduler = torch.optim.lr_scheduler.LambdaLR(trainer, lr_lambda=lambda epoch: 0.9 ** epoch)
print([round(get_lr(trainer, scheduler), 6) for t in range(4)])
trainer = torch.optim.SGD(net.parameters(), lr=0.3)
scheduler = torch.optim.lr_scheduler.StepLR(trainer, step_size=2, gamma=0.1)
print([round(get_lr(trainer, scheduler), 6) for t in range(5)])
trainer = torch.optim.Adam(net.parameters(), lr=0.3)
warm = torch.optim.lr_scheduler.LinearLR(trainer, start_factor=0.1, total_iters=3)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(trainer, T_max=5, eta_min=0.01)
scheduler = torch.optim.lr_scheduler.SequentialLR(trainer, schedulers=[warm, cos], milestones=[3])
print([round(get_lr(trainer, scheduler), 6) for t in range(9)])
trainer = torch.optim.SGD(net.parameters(), lr=0.3)
scheduler = torch.optim.lr_scheduler.ExponentialLR(trainer, gamma=0.5)
print([get_lr(trainer, scheduler) for t in range(4)], scheduler.get_last_lr())
