import tinygrad_rnn as torch
import copy
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader = torch.utils.data.DataLoader
TensorDataset = torch.utils.data.TensorDataset
# Neuromatch Academy Deep Learning, W1D5 (regularization): the shared train/test/main loop with an optional
# regulariser, frobenius norms of the weights, overfitting a small net, early stopping that keeps a
# copy.deepcopy of the best model and of its state_dict, L1 and L2 penalties, dropout in train and eval
# mode, weight_decay in SGD, and memorising shuffled labels. Data: generated two-class blobs and a 1-d curve.


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


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(2, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return F.log_softmax(x, dim=1)


def train(args, model, train_loader, optimizer, reg_function1=None, reg_function2=None, criterion=F.nll_loss):
    device = args['device']
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        if reg_function1 is None:
            loss = criterion(output, target)
        elif reg_function2 is None:
            loss = criterion(output, target)+args['lambda']*reg_function1(model)
        else:
            loss = criterion(output, target) + args['lambda1']*reg_function1(model) + args['lambda2']*reg_function2(model)
        loss.backward()
        optimizer.step()
    return model


def test(model, test_loader, loader='Test', criterion=F.nll_loss, device='cpu'):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += criterion(output, target, reduction='sum').item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    return 100. * correct / len(test_loader.dataset)


def calculate_frobenius_norm(model):
    norm = 0.0
    for name, param in model.named_parameters():
        norm += torch.norm(param).data**2
    return norm**0.5


def main(args, model, train_loader, val_loader, reg_function1=None, reg_function2=None):
    device = args['device']
    model = model.to(device)
    optimizer = optim.SGD(model.parameters(), lr=args['lr'], momentum=args['momentum'],
                          weight_decay=args.get('weight_decay', 0))
    val_acc_list, train_acc_list, param_norm_list = [], [], []
    for epoch in range(args['epochs']):
        trained_model = train(args, model, train_loader, optimizer, reg_function1=reg_function1,
                              reg_function2=reg_function2)
        train_acc = test(trained_model, train_loader, loader='Train', device=device)
        val_acc = test(trained_model, val_loader, loader='Val', device=device)
        param_norm = calculate_frobenius_norm(trained_model)
        train_acc_list.append(train_acc)
        val_acc_list.append(val_acc)
        param_norm_list.append(param_norm)
    return val_acc_list, train_acc_list, param_norm_list, model, 0


rng = np.random.RandomState(0)
n = 96
labels = rng.randint(0, 2, n)
points = rng.normal(0, 1.0, (n, 2)) + np.where(labels[:, None] == 1, 1.0, -1.0)
X = torch.tensor(points, dtype=torch.float32)
y = torch.tensor(labels)
g_seed = torch.Generator()
g_seed.manual_seed(SEED)
train_set, val_set = torch.utils.data.random_split(TensorDataset(X, y), [64, 32], generator=g_seed)
print(len(train_set), len(val_set), train_set.indices[:8], type(train_set).__name__)
train_loader = DataLoader(train_set, batch_size=16, shuffle=True, num_workers=0, worker_init_fn=seed_worker, generator=g_seed)
val_loader = DataLoader(val_set, batch_size=16, shuffle=False, num_workers=0, worker_init_fn=seed_worker)

args = {'epochs': 6, 'lr': 5e-2, 'momentum': 0.9, 'device': DEVICE}
set_seed(seed=SEED)
model = Net().to(DEVICE)
print(calculate_frobenius_norm(model), type(calculate_frobenius_norm(model)).__name__)
val_acc_pure, train_acc_pure, param_norm_pure, _, _ = main(args, model, train_loader, val_loader)
print(val_acc_pure, train_acc_pure)
print(param_norm_pure)


# ---------------------------------------------------------------- early stopping
def early_stopping_main(args, model, train_loader, val_loader):
    device = args['device']
    model = model.to(device)
    optimizer = optim.SGD(model.parameters(), lr=args['lr'], momentum=args['momentum'])
    best_acc = 0.0
    best_epoch = 0
    patience = 2
    wait = 0
    val_acc_list, train_acc_list = [], []
    for epoch in range(args['epochs']):
        trained_model = train(args, model, train_loader, optimizer)
        train_acc = test(trained_model, train_loader, device=device)
        val_acc = test(trained_model, val_loader, device=device)
        if (val_acc > best_acc):
            best_acc = val_acc
            best_epoch = epoch
            best_model = copy.deepcopy(trained_model)
            best_state = copy.deepcopy(trained_model.state_dict())
            wait = 0
        else:
            wait += 1
        if (wait > patience):
            print(f'early stopped on epoch: {epoch}')
            break
        train_acc_list.append(train_acc)
        val_acc_list.append(val_acc)
    return val_acc_list, train_acc_list, best_model, best_epoch, best_state


set_seed(seed=SEED)
model = Net().to(DEVICE)
args['epochs'] = 12
val_acc_es, train_acc_es, best_model, best_epoch, best_state = early_stopping_main(args, model, train_loader, val_loader)
print(f'Maximum Validation Accuracy is reached at epoch: {best_epoch:2d}', val_acc_es)
print(best_model.training, model.training, best_model.fc3.bias, model.fc3.bias)
print(best_model.fc1.weight is model.fc1.weight, best_state['fc3.bias'], best_state['fc3.bias'].requires_grad)
model.load_state_dict(best_state)
print(torch.equal(model.fc1.weight, best_model.fc1.weight), test(model, val_loader))
print(list(best_state.keys()), best_state['fc1.weight'].is_leaf)


# ---------------------------------------------------------------- L1 and L2 penalties
def l1_reg(model):
    l1 = 0.0
    for param in model.parameters():
        l1 += torch.sum(torch.abs(param))
    return l1


def l2_reg(model):
    l2 = 0.0
    for param in model.parameters():
        l2 += torch.sum(torch.abs(param)**2)
    return l2


set_seed(seed=SEED)
net = nn.Linear(20, 20)
print(f"L1 norm of the model: {l1_reg(net)}")
print(f"L2 norm of the model: {l2_reg(net)}")
args1 = {'epochs': 3, 'lr': 5e-2, 'momentum': 0.9, 'device': DEVICE, 'lambda': 0.001}
args2 = {'epochs': 3, 'lr': 5e-2, 'momentum': 0.9, 'device': DEVICE, 'lambda1': 0.001, 'lambda2': 0.001}
set_seed(seed=SEED)
model = Net()
val_acc_l1, _, param_norm_l1, _, _ = main(args1, model, train_loader, val_loader, reg_function1=l1_reg)
print(val_acc_l1, param_norm_l1[-1])
set_seed(seed=SEED)
model = Net()
val_acc_l1l2, _, param_norm_l1l2, _, _ = main(args2, model, train_loader, val_loader, reg_function1=l1_reg,
                                              reg_function2=l2_reg)
print(val_acc_l1l2, param_norm_l1l2[-1], l2_reg(model).grad_fn)

# weight decay
args_wd = {'epochs': 3, 'lr': 5e-2, 'momentum': 0.9, 'device': DEVICE, 'weight_decay': 0.05}
set_seed(seed=SEED)
model = Net()
val_acc_wd, _, param_norm_wd, _, _ = main(args_wd, model, train_loader, val_loader)
print(val_acc_wd, param_norm_wd)


# ---------------------------------------------------------------- dropout on a 1-d regression
class NetDropout(nn.Module):
    def __init__(self):
        super(NetDropout, self).__init__()
        self.fc1 = nn.Linear(1, 30)
        self.fc2 = nn.Linear(30, 50)
        self.fc3 = nn.Linear(50, 1)
        # dropout layers
        self.dropout1 = nn.Dropout(0.4)
        self.dropout2 = nn.Dropout(0.2)

    def forward(self, x):
        x = F.leaky_relu(self.dropout1(self.fc1(x)))
        x = F.leaky_relu(self.dropout2(self.fc2(x)))
        output = self.fc3(x)
        return output


set_seed(seed=SEED)
X = torch.linspace(-1, 1, 24).reshape(-1, 1)
Y = X**2 + 0.1 * torch.normal(0, 1, (24, 1))
net_dropout = NetDropout()
print(net_dropout)
criterion = nn.MSELoss()
optimizer = optim.Adam(net_dropout.parameters(), lr=1e-2, weight_decay=1e-3)
for epoch in range(40):
    net_dropout.train()
    optimizer.zero_grad()
    train_loss = criterion(net_dropout(X), Y)
    train_loss.backward()
    optimizer.step()
    net_dropout.eval()
    with torch.no_grad():
        test_loss = criterion(net_dropout(X), Y)
    if epoch % 10 == 0:
        print(epoch, train_loss.item(), test_loss.item(), net_dropout.training, net_dropout.dropout1.training)
net_dropout.train()
d = net_dropout.dropout1(torch.ones(2, 6))
print(d, (d == 0).sum(), nn.Dropout(0.5).eval()(torch.ones(3)), F.dropout(torch.ones(4), 0.5, training=False))
print(F.dropout(torch.ones(2, 4), p=0.25), F.dropout(torch.ones(3), 0.0))

# ---------------------------------------------------------------- memorisation of shuffled labels
set_seed(seed=SEED)
X, y = train_set[:][0], train_set[:][1]
y_shuffled = y[torch.randperm(len(y))]
print(X.shape, y[:10], y_shuffled[:10], torch.randint(0, 2, (10,)))
loader = DataLoader(TensorDataset(X, y_shuffled), batch_size=16, shuffle=True, generator=g_seed)
model = Net()
val_acc, train_acc, _, _, _ = main({'epochs': 4, 'lr': 5e-2, 'momentum': 0.9, 'device': DEVICE}, model, loader, val_loader)
print(val_acc, train_acc)
