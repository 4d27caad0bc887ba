import tinygrad_rnn as torch
import math
nn = torch.nn
StepLR = torch.optim.lr_scheduler.StepLR
ExponentialLR = torch.optim.lr_scheduler.ExponentialLR
ReduceLROnPlateau = torch.optim.lr_scheduler.ReduceLROnPlateau

# Deep Learning Wizard's training pages, shrunk: learning-rate scheduling (StepLR, ExponentialLR,
# ReduceLROnPlateau fed the accuracy tensor, in the page's old step-first order too), weight
# initialisation (nn.init.* on the layers, then the weights' statistics) and the optimisation
# algorithms page (one feed-forward net trained by each optimizer, losses printed). 80 made-up samples in
# two batches of 40 stand in for MNIST.
torch.manual_seed(0)
templates = torch.rand(10, 64)
train_labels = torch.arange(80) % 10
train_x = templates[train_labels] + 0.4 * torch.randn(80, 64)
test_labels = torch.arange(30) % 10
test_x = templates[test_labels] + 0.4 * torch.randn(30, 64)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_labels),
                                           batch_size=40, shuffle=True)
test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(test_x, test_labels), batch_size=30)
input_dim, hidden_dim, output_dim = 64, 32, 10


class FeedforwardNeuralNetModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(FeedforwardNeuralNetModel, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out


def accuracy_of(model):
    correct = 0
    total = 0
    for images, labels in test_loader:
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum()
    return 100 * correct / total


def train_epoch(model, optimizer, criterion):
    for images, labels in train_loader:
        images = images.view(-1, input_dim).requires_grad_()
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
    return loss


# ---- learning-rate scheduling
criterion = nn.CrossEntropyLoss()
learning_rate = 0.1
num_epochs = 4
torch.manual_seed(1)
model = FeedforwardNeuralNetModel(input_dim, hidden_dim, output_dim)
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9, nesterov=True)
scheduler = StepLR(optimizer, step_size=1, gamma=0.1)
for epoch in range(num_epochs):
    scheduler.step()  # the page's old order: the schedule starts one step early, and torch warns
    print('Epoch:', epoch, 'LR:', scheduler.get_lr())
    loss = train_epoch(model, optimizer, criterion)
    print('Epoch: {}. Loss: {}. Accuracy: {}'.format(epoch, loss.item(), accuracy_of(model)))

for make in (lambda o: StepLR(o, step_size=2, gamma=0.1), lambda o: ExponentialLR(o, gamma=0.96)):
    torch.manual_seed(1)
    model = FeedforwardNeuralNetModel(input_dim, hidden_dim, output_dim)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9, nesterov=True)
    scheduler = make(optimizer)
    print(type(scheduler).__name__, scheduler.get_last_lr(), scheduler.last_epoch, scheduler.base_lrs)
    for epoch in range(num_epochs):
        loss = train_epoch(model, optimizer, criterion)
        scheduler.step()
        print('Epoch: {} LR: {} Loss: {:.6f}'.format(epoch, scheduler.get_last_lr(), loss.item()))
    print(scheduler.state_dict())

torch.manual_seed(1)
model = FeedforwardNeuralNetModel(input_dim, hidden_dim, output_dim)
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9, nesterov=True)
scheduler = ReduceLROnPlateau(optimizer, mode='max', factor=0.1, patience=0)
for epoch in range(6):
    loss = train_epoch(model, optimizer, criterion)
    accuracy = accuracy_of(model)
    scheduler.step(accuracy if epoch != 2 else accuracy - 50)  # a tensor, as on the page
    print('Epoch: {}. Loss: {}. Accuracy: {}'.format(epoch, loss.item(), accuracy))
    print('Epoch: {} LR: {}'.format(epoch, optimizer.param_groups[0]['lr']))
print(scheduler.best, scheduler.num_bad_epochs, scheduler.get_last_lr(), scheduler.mode_worse)
print(optimizer.param_groups[0]['momentum'], optimizer.param_groups[0]['nesterov'], len(optimizer.state))


# ---- weight initialisation: normal, Lecun, Xavier and He, on tanh, relu and leaky-relu nets
class InitModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, scheme, activation):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.act = activation
        self.fc2 = nn.Linear(hidden_dim, output_dim)
        for fc, fan_in in ((self.fc1, input_dim), (self.fc2, hidden_dim)):
            if scheme == 'normal':
                nn.init.normal_(fc.weight, mean=0, std=1)
            elif scheme == 'lecun':
                nn.init.normal_(fc.weight, mean=0, std=math.sqrt(1. / fan_in))
            elif scheme == 'xavier_normal':
                nn.init.xavier_normal_(fc.weight)
            elif scheme == 'xavier_uniform':
                nn.init.xavier_uniform_(fc.weight, gain=nn.init.calculate_gain('tanh'))
            elif scheme == 'he':
                nn.init.kaiming_normal_(fc.weight)
            elif scheme == 'he_leaky':
                nn.init.kaiming_normal_(fc.weight, a=0.01, mode='fan_in', nonlinearity='leaky_relu')
            elif scheme == 'he_uniform':
                nn.init.kaiming_uniform_(fc.weight, mode='fan_out', nonlinearity='relu')
            nn.init.zeros_(fc.bias) if scheme != 'normal' else nn.init.constant_(fc.bias, 0.1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


for scheme, activation in (('normal', nn.Tanh()), ('lecun', nn.Tanh()), ('xavier_normal', nn.Tanh()),
                           ('xavier_uniform', nn.Tanh()), ('he', nn.ReLU()),
                           ('he_leaky', nn.LeakyReLU()), ('he_uniform', nn.ReLU())):
    torch.manual_seed(2)
    model = InitModel(input_dim, hidden_dim, output_dim, scheme, activation)
    w = model.fc1.weight
    print(scheme, w.mean().item(), w.std().item(), model.fc2.weight.abs().max().item(), model.fc1.bias[:3])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    for epoch in range(2):
        loss = train_epoch(model, optimizer, criterion)
    print(scheme, 'Loss: {}. Accuracy: {}'.format(loss.item(), accuracy_of(model)))
print([nn.init.calculate_gain(n) for n in ('linear', 'sigmoid', 'tanh', 'relu', 'selu')],
      nn.init.calculate_gain('leaky_relu', 0.2))

# ---- optimisation algorithms: the same net and data through each one
optimizers = {
    'SGD': lambda p: torch.optim.SGD(p, lr=0.1),
    'SGD momentum': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    'SGD nesterov': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    'SGD weight decay': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3),
    'Adam': lambda p: torch.optim.Adam(p, lr=0.01),
    'Adam amsgrad': lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
    'AdamW': lambda p: torch.optim.AdamW(p, lr=0.01),
    'Adagrad': lambda p: torch.optim.Adagrad(p, lr=0.1),
    'Adadelta': lambda p: torch.optim.Adadelta(p, lr=1.0),
    'RMSprop': lambda p: torch.optim.RMSprop(p, lr=0.01),
    'Adamax': lambda p: torch.optim.Adamax(p, lr=0.02),
}
for name, make in optimizers.items():
    torch.manual_seed(3)
    model = FeedforwardNeuralNetModel(input_dim, hidden_dim, output_dim)
    optimizer = make(model.parameters())
    if name in ('SGD', 'Adam', 'RMSprop'):
        print(optimizer)
    losses = []
    for epoch in range(3):
        losses.append(round(train_epoch(model, optimizer, criterion).item(), 5))
    state = optimizer.state_dict()
    print(name, losses, 'Accuracy: {}'.format(accuracy_of(model)), sorted(state['state'].get(0, {}).keys()))
    print(sorted(k for k in state['param_groups'][0] if k != 'params'), state['param_groups'][0]['params'])
