import tinygrad_rnn as torch
import copy
import math
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# Neuromatch Academy Deep Learning, W1D3 (MLPs: an activation chosen by eval('nn.%s' % actv), add_module,
# cross-entropy written by hand and checked against nn.CrossEntropyLoss with np.abs of tensors, the spiral
# dataset, train_test_classification, sample_grid with meshgrid) and W1D4 (optimization written by hand:
# zero_grad over .grad.data, gradient, momentum and rmsprop updates through .data, minibatches indexed by
# numpy arrays, random updates with randn_like).


def set_seed(seed=None, seed_torch=True):
    if seed is None:
        seed = np.random.choice(2 ** 32)
    random.seed(seed)
    np.random.seed(seed)
    if seed_torch:
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.cuda.manual_seed(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    print(f'Random seed {seed} has been set.')


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


SEED = 2021
set_seed(seed=SEED)
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


# ---------------------------------------------------------------- W1D3 T1
class Net(nn.Module):
    def __init__(self, actv, input_feature_num, hidden_unit_nums, output_feature_num):
        super(Net, self).__init__()
        self.input_feature_num = input_feature_num
        self.mlp = nn.Sequential()
        in_num = input_feature_num
        for i in range(len(hidden_unit_nums)):
            out_num = hidden_unit_nums[i]
            layer = nn.Linear(in_num, out_num)
            in_num = out_num
            self.mlp.add_module('Linear_%d' % i, layer)
            actv_layer = eval('nn.%s' % actv)
            self.mlp.add_module('Activation_%d' % i, actv_layer)
        out_layer = nn.Linear(in_num, output_feature_num)
        self.mlp.add_module('Output_Linear', out_layer)

    def forward(self, x):
        x = x.view(-1, self.input_feature_num)
        logits = self.mlp(x)
        return logits


input = torch.zeros((100, 2))
net = Net(actv='LeakyReLU(0.1)', input_feature_num=2, hidden_unit_nums=[100, 10, 5], output_feature_num=1).to(DEVICE)
y = net(input.to(DEVICE))
print(f'The output shape is {y.shape} for an input of shape {input.shape}')
print(net)
print([name for name, _ in net.named_children()], [name for name, _ in net.mlp.named_children()][:3])


def cross_entropy_loss(x, labels):
    x_of_labels = torch.zeros(len(labels))
    for i, label in enumerate(labels):
        x_of_labels[i] = x[i, label]
    losses = -x_of_labels + torch.log(torch.sum(torch.exp(x), axis=1))
    avg_loss = torch.mean(losses)
    return avg_loss


labels = torch.tensor([0, 1])
x = torch.tensor([[10.0, 1.0, -1.0, -20.0], [-1.0, 10.0, 8.0, 2.0]])
expected = torch.tensor(0.0006)
criterion = nn.CrossEntropyLoss()
pytorch_loss = criterion(x, labels).item()
our_loss = cross_entropy_loss(x, labels).item()
print('Our CE loss: %0.8f, Pytorch CE loss: %0.8f' % (our_loss, pytorch_loss))
print('Difference: %0.8f' % np.abs(our_loss - pytorch_loss))
t_loss, t_ours = criterion(x, labels), cross_entropy_loss(x, labels)
diff = np.abs(t_ours - t_loss)
print(type(diff).__name__, diff.dtype, '%0.6f' % diff, cross_entropy_loss(x, labels).grad_fn)


def create_spiral_dataset(K, sigma, N):
    X = torch.zeros(K * N, 2)
    y = torch.zeros(K * N)
    for k in range(K):
        t = torch.linspace(0, 1, N)
        r = t
        theta = torch.linspace(2 * k * math.pi / K, 2 * (k + 1) * math.pi / K, N) + torch.randn(N) * sigma
        X[k * N:(k + 1) * N] = torch.stack((r * torch.sin(theta), r * torch.cos(theta)), dim=1)
        y[k * N:(k + 1) * N] = k
    return X, y


K, sigma, N = 4, 0.16, 50
X, y = create_spiral_dataset(K, sigma, N)
print(X.shape, y.dtype, y[::25], X[:3])


def shuffle_and_split_data(X, y, seed):
    torch.manual_seed(seed)
    N = X.shape[0]
    shuffled_indices = torch.randperm(N)
    X = X[shuffled_indices]
    y = y[shuffled_indices]
    test_size = int(0.2 * N)
    X_test = X[:test_size]
    y_test = y[:test_size]
    X_train = X[test_size:]
    y_train = y[test_size:]
    return X_test, y_test, X_train, y_train


X_test, y_test, X_train, y_train = shuffle_and_split_data(X, y, seed=SEED)
g_seed = torch.Generator()
g_seed.manual_seed(SEED)
batch_size = 32
test_data = torch.utils.data.TensorDataset(X_test, y_test)
test_loader = torch.utils.data.DataLoader(test_data, batch_size=batch_size, shuffle=False, num_workers=0,
                                          worker_init_fn=seed_worker, generator=g_seed)
train_data = torch.utils.data.TensorDataset(X_train, y_train)
train_loader = torch.utils.data.DataLoader(train_data, batch_size=batch_size, drop_last=True, shuffle=True,
                                           worker_init_fn=seed_worker, generator=g_seed)
print(len(train_loader), len(test_loader), y_test[:10])


def train_test_classification(net, criterion, optimizer, train_loader, test_loader, num_epochs=1, verbose=True,
                              training_plot=False, device='cpu'):
    net.train()
    training_losses = []
    for epoch in range(num_epochs):
        for i, data in enumerate(train_loader, 0):
            inputs, labels = data
            inputs = inputs.to(device).float()
            labels = labels.to(device).long()
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            if verbose:
                training_losses += [loss.item()]
    net.eval()

    def test(data_loader):
        correct = 0
        total = 0
        for data in data_loader:
            inputs, labels = data
            inputs = inputs.to(device).float()
            labels = labels.to(device).long()
            outputs = net(inputs)
            _, predicted = torch.max(outputs, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
        acc = 100 * correct / total
        return total, acc

    train_total, train_acc = test(train_loader)
    test_total, test_acc = test(test_loader)
    if verbose:
        print(f"Accuracy on the {train_total} training samples: {train_acc:0.2f}")
        print(f"Accuracy on the {test_total} testing samples: {test_acc:0.2f}")
        print(training_losses[::5])
    return train_acc, test_acc


set_seed(SEED)
net = Net('ReLU()', X_train.shape[1], [32], K).to(DEVICE)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(net.parameters(), lr=1e-2)
train_acc, test_acc = train_test_classification(net, criterion, optimizer, train_loader, test_loader, num_epochs=8)


def sample_grid(M=20, x_max=2.0):
    ii, jj = torch.meshgrid(torch.linspace(-x_max, x_max, M), torch.linspace(-x_max, x_max, M), indexing="ij")  # (without it: a once-per-process warning)
    X_all = torch.cat([ii.unsqueeze(-1), jj.unsqueeze(-1)], dim=-1).view(-1, 2)
    return X_all


X_all = sample_grid()
y_pred = net(X_all)
print(X_all.shape, X_all[:3], y_pred.argmax(1)[:12], y_pred.grad_fn)


# ---------------------------------------------------------------- W1D4: optimization by hand
class MLP(nn.Module):
    def __init__(self, in_dim=784, out_dim=10, hidden_dims=[], use_bias=True):
        super(MLP, self).__init__()
        self.in_dim = in_dim
        self.out_dim = out_dim
        if len(hidden_dims) == 0:
            layers = [nn.Linear(in_dim, out_dim, bias=use_bias)]
        else:
            layers = [nn.Linear(in_dim, hidden_dims[0], bias=use_bias), nn.ReLU()]
            for i, hidden_dim in enumerate(hidden_dims[:-1]):
                layers += [nn.Linear(hidden_dim, hidden_dims[i + 1], bias=use_bias), nn.ReLU()]
            layers += [nn.Linear(hidden_dims[-1], out_dim, bias=use_bias)]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        transformed_x = x.view(-1, self.in_dim)
        hidden_output = self.main(transformed_x)
        output = F.log_softmax(hidden_output, dim=1)
        return output


def zero_grad(params):
    for par in params:
        if not (par.grad is None):
            par.grad.data.zero_()


def random_update(model, noise_scale=0.1, normalized=False):
    for par in model.parameters():
        noise = torch.randn_like(par)
        if normalized:
            noise /= torch.norm(noise)
        par.data += noise_scale * noise


def gradient_update(loss, params, lr=1e-3):
    zero_grad(params)
    loss.backward()
    with torch.no_grad():
        for par in params:
            par.data -= lr * par.grad.data


def momentum_update(loss, params, grad_vel, lr=1e-3, beta=0.8):
    zero_grad(params)
    loss.backward()
    for (par, vel) in zip(params, grad_vel):
        vel.data = -lr * par.grad.data + beta * vel.data
        par.data += vel.data


def rmsprop_update(loss, params, grad_sq, lr=1e-3, alpha=0.8, epsilon=1e-8):
    zero_grad(params)
    loss.backward()
    with torch.no_grad():
        for (par, gsq) in zip(params, grad_sq):
            gsq.data = alpha * gsq.data + (1 - alpha) * par.grad.data**2
            par.data -= lr * (par.grad.data / (epsilon + gsq.data)**0.5)


def sample_minibatch(input_data, target_data, num_points=100):
    batch_indices = np.random.choice(len(input_data), num_points)
    batch_inputs = input_data[batch_indices, :]
    batch_targets = target_data[batch_indices]
    return batch_inputs, batch_targets


def eval_model(model, data_loader, num_batches=np.inf, device='cpu'):
    loss_log, acc_log = [], []
    model.to(device=device)
    with torch.no_grad():
        for batch_id, batch in enumerate(data_loader):
            if batch_id >= num_batches:
                break
            data = batch[0].to(device)
            labels = batch[1].long().to(device)
            log_probs = model(data)
            loss = F.nll_loss(log_probs, labels)
            loss_log.append(loss.item())
            acc = (log_probs.argmax(1) == labels).float().mean()
            acc_log.append(acc.item())
    return np.mean(loss_log), np.mean(acc_log)


images = torch.tensor(np.random.RandomState(3).rand(120, 1, 4, 4), dtype=torch.float32)
targets = (images.view(120, -1).sum(1) > 8).long()
print(images.shape, targets[:10], targets.float().mean())
loss_fn = F.nll_loss
for name, update in [("gd", "gradient"), ("momentum", "momentum"), ("rmsprop", "rmsprop"), ("random", "random")]:
    set_seed(SEED)
    model = MLP(in_dim=16, out_dim=2, hidden_dims=[8])
    params = list(model.parameters())
    grad_vel = [torch.randn_like(p) for p in model.parameters()]
    grad_sq = [torch.zeros_like(p) for p in model.parameters()]
    for step in range(20):
        batch_inputs, batch_targets = sample_minibatch(images, targets, num_points=32)
        loss = loss_fn(model(batch_inputs), batch_targets)
        if update == "gradient":
            gradient_update(loss, params, lr=1e-1)
        elif update == "momentum":
            momentum_update(loss, params, grad_vel, lr=1e-1)
        elif update == "rmsprop":
            rmsprop_update(loss, params, grad_sq, lr=1e-2)
        else:
            random_update(model, noise_scale=0.01, normalized=True)
    print(name, loss.item(), eval_model(model, [(images, targets)]), model.main[0].weight.grad is None)
print(grad_vel[1], grad_sq[3], model.main[0].weight.is_leaf, params[0].data.requires_grad)

set_seed(SEED)
model = MLP(in_dim=16, out_dim=2, hidden_dims=[8, 8], use_bias=False)
print(model, len(list(model.parameters())))
initial = copy.deepcopy(model.state_dict())
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(10):
    optimizer.zero_grad()
    loss = loss_fn(model(images), targets)
    loss.backward()
    optimizer.step()
print(loss, {k: (v - initial[k]).norm().item() for k, v in model.state_dict().items()})
print(optimizer.state_dict()['state'][0]['momentum_buffer'].shape, optimizer.param_groups[0]['momentum'])
