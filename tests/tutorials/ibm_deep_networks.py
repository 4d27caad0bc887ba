import tinygrad_rnn as torch
nn = torch.nn
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

# IBM's "Deep Neural Networks with PyTorch" (Coursera), modules 4-6: a one-hidden-layer net built
# from nn.Linear and sigmoid, nn.ModuleList deep nets, dropout with train()/eval(), weight
# initialization (default, uniform_, xavier_uniform_, kaiming_uniform_), SGD momentum, batch
# norm nets, and the convolution lab's hand-set kernels. The data is generated, and every net trains a
# few epochs only (4 / 3 / 20 / 3 where the labs run 100-1000).
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, D_in, H, D_out):
        super(Net, self).__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        self.l1 = self.linear1(x)
        self.a1 = torch.sigmoid(self.l1)
        self.l2 = self.linear2(self.a1)
        yhat = torch.sigmoid(self.linear2(self.a1))
        return yhat


def criterion_cross(outputs, labels):
    out = -1 * torch.mean(labels * torch.log(outputs) + (1 - labels) * torch.log(1 - outputs))
    return out


X = torch.arange(-20, 20, 1).view(-1, 1).type(torch.FloatTensor)
Y = torch.zeros(X.shape[0])
Y[(X[:, 0] > -4) & (X[:, 0] < 4)] = 1.0
print(X.dtype, Y.dtype, Y.sum())
model = Net(1, 2, 1)
learning_rate = 0.1
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
cost = []
for epoch in range(4):
    total = 0
    for y, x in zip(Y, X):
        yhat = model(x)
        loss = criterion_cross(yhat, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    cost.append(total)
print(cost[::2])
print(model.a1.shape, model.l1, model.state_dict()['linear2.weight'])
yhat = model(X)
print(yhat[15:20].view(-1), (yhat > 0.5).type(torch.long).view(-1)[15:25])
criterion = nn.BCELoss()
print(criterion(model(X), Y.view(-1, 1)))


class XOR_Data(Dataset):
    def __init__(self, N_s=100):
        self.x = torch.zeros((N_s, 2))
        self.y = torch.zeros((N_s, 1))
        for i in range(N_s // 4):
            self.x[i, :] = torch.Tensor([0.0, 0.0])
            self.y[i, 0] = torch.Tensor([0.0])
            self.x[i + N_s // 4, :] = torch.Tensor([0.0, 1.0])
            self.y[i + N_s // 4, 0] = torch.Tensor([1.0])
            self.x[i + N_s // 2, :] = torch.Tensor([1.0, 0.0])
            self.y[i + N_s // 2, 0] = torch.Tensor([1.0])
            self.x[i + 3 * N_s // 4, :] = torch.Tensor([1.0, 1.0])
            self.y[i + 3 * N_s // 4, 0] = torch.Tensor([0.0])
            self.x = self.x + 0.01 * torch.randn((N_s, 2))
        self.len = N_s

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


data_set = XOR_Data(40)
print(data_set.x[:3], data_set.y.view(-1)[::10])


def accuracy(model, data_set):
    return np.mean(data_set.y.view(-1).numpy() == (model(data_set.x)[:, 0] > 0.5).numpy())


import numpy as np  # noqa: E402  (the lab imports it late, where it first needs it)
model = Net(2, 3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_loader = DataLoader(dataset=data_set, batch_size=1)
for epoch in range(3):
    total = 0
    for x, y in train_loader:
        optimizer.zero_grad()
        yhat = model(x)
        loss = criterion(yhat, y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 2 == 0:
        print(epoch, total, accuracy(model, data_set))


class DeepNet(nn.Module):
    def __init__(self, Layers, p=0):
        super(DeepNet, self).__init__()
        self.hidden = nn.ModuleList()
        self.drop = nn.Dropout(p=p)
        for input_size, output_size in zip(Layers, Layers[1:]):
            self.hidden.append(nn.Linear(input_size, output_size))

    def forward(self, activation):
        L = len(self.hidden)
        for (l, linear_transform) in zip(range(L), self.hidden):
            if l < L - 1:
                activation = self.drop(torch.relu(linear_transform(activation)))
            else:
                activation = linear_transform(activation)
        return activation


torch.manual_seed(1)
Layers = [2, 8, 6, 3]
model = DeepNet(Layers, p=0.5)
print(model)
print(len(model.hidden), model.hidden[0], model.hidden[-1].weight.shape)
x = torch.randn(90, 2)
y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()
print(y.dtype, y.bincount())
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
for epoch in range(20):
    model.train()
    optimizer.zero_grad()
    yhat = model(x)
    loss = criterion(yhat, y)
    loss.backward()
    optimizer.step()
    model.eval()
    if epoch % 5 == 0:
        _, yhat = torch.max(model(x).data, 1)
        print(epoch, loss.item(), (yhat == y).numpy().mean(), model.training, model.drop.training)
model.train()
print(model.training, model.hidden[0].training)
drop = nn.Dropout(0.5)
print(drop, drop(torch.ones(2, 6)))
drop.eval()
print(drop(torch.ones(2, 6)))


# Initialization
class Net_Init(nn.Module):
    def __init__(self, Layers, init='default'):
        super(Net_Init, self).__init__()
        self.hidden = nn.ModuleList()
        for input_size, output_size in zip(Layers, Layers[1:]):
            linear = nn.Linear(input_size, output_size)
            if init == 'uniform':
                linear.weight.data.uniform_(0, 1)
            elif init == 'uniform_':
                torch.nn.init.uniform_(linear.weight, 0, 1)
            elif init == 'xavier':
                torch.nn.init.xavier_uniform_(linear.weight)
            elif init == 'he':
                torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity='relu')
            elif init == 'normal':
                torch.nn.init.normal_(linear.weight, mean=0.0, std=0.5)
            elif init == 'pytorch_uniform':
                n = linear.in_features
                linear.weight.data.uniform_(-1 / np.sqrt(n), 1 / np.sqrt(n))
            self.hidden.append(linear)

    def forward(self, x):
        L = len(self.hidden)
        for (l, linear_transform) in zip(range(L), self.hidden):
            if l < L - 1:
                x = torch.tanh(linear_transform(x))
            else:
                x = linear_transform(x)
        return x


for init in ['default', 'uniform', 'uniform_', 'xavier', 'he', 'normal', 'pytorch_uniform']:
    torch.manual_seed(0)
    model = Net_Init([4, 5, 3], init)
    w = model.hidden[0].weight
    print(init, w.data[0], w.mean().item(), w.requires_grad, w.grad_fn)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.4)
    for epoch in range(5):
        optimizer.zero_grad()
        loss = criterion(model(x[:, [0, 1, 0, 1]]), y)
        loss.backward()
        optimizer.step()
    print(init, loss.item(), optimizer.state_dict()['param_groups'][0]['momentum'])
print(torch.nn.init.calculate_gain('relu'), torch.nn.init.calculate_gain('tanh'))
linear = nn.Linear(3, 2)
out = torch.nn.init.kaiming_uniform_(linear.weight, nonlinearity='relu')
print(out is linear.weight, linear.weight.grad_fn, torch.nn.init.xavier_uniform_(linear.weight, gain=2.0))
print(torch.nn.init.constant_(linear.bias, 0.1), torch.nn.init.zeros_(linear.bias))
print(torch.nn.init.kaiming_normal_(torch.empty(2, 3), mode='fan_out', nonlinearity='relu'))

# Momentum on a polynomial, the lab's cubic
torch.manual_seed(0)


class one_param(nn.Module):
    def __init__(self, input_size, output_size):
        super(one_param, self).__init__()
        self.linear = nn.Linear(input_size, output_size, bias=False)

    def forward(self, x):
        yhat = self.linear(x)
        return yhat


w = one_param(1, 1)


def cubic(yhat):
    out = yhat ** 3
    return out


for momentum in [0, 0.9]:
    w.state_dict()['linear.weight'][0] = 4
    optimizer = torch.optim.SGD(w.parameters(), lr=0.01, momentum=momentum)
    LOSS = []
    for n in range(4):
        optimizer.zero_grad()
        loss = cubic(w(torch.tensor([[1.0]])))
        loss.backward()
        optimizer.step()
        LOSS.append(loss.item())
    print(momentum, w.state_dict()['linear.weight'][0].detach(), LOSS)
print(optimizer)


# Batch norm
class NetBatchNorm(nn.Module):
    def __init__(self, in_size, n_hidden1, n_hidden2, out_size):
        super(NetBatchNorm, self).__init__()
        self.linear1 = nn.Linear(in_size, n_hidden1)
        self.linear2 = nn.Linear(n_hidden1, n_hidden2)
        self.linear3 = nn.Linear(n_hidden2, out_size)
        self.bn1 = nn.BatchNorm1d(n_hidden1)
        self.bn2 = nn.BatchNorm1d(n_hidden2)

    def forward(self, x):
        x = self.bn1(torch.sigmoid(self.linear1(x)))
        x = self.bn2(torch.sigmoid(self.linear2(x)))
        x = self.linear3(x)
        return x

    def activation(self, x):
        out = []
        z1 = self.bn1(self.linear1(x))
        out.append(z1.detach().numpy().reshape(-1))
        a1 = torch.sigmoid(z1)
        out.append(a1.detach().numpy().reshape(-1).reshape(-1))
        return out


torch.manual_seed(0)
model = NetBatchNorm(2, 6, 5, 3)
print(model)
print(model.bn1.running_mean, model.bn1.num_batches_tracked, model.state_dict().keys())
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
loader = DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=30, shuffle=True)
for epoch in range(3):
    for xb, yb in loader:
        model.train()
        optimizer.zero_grad()
        z = model(xb)
        loss = criterion(z, yb)
        loss.backward()
        optimizer.step()
    model.eval()
    z = model(x)
    _, label = torch.max(z, 1)
    print(epoch, loss.item(), (label == y).numpy().mean())
print(model.bn1.running_mean, model.bn1.running_var, model.bn2.num_batches_tracked)
print(model.activation(x[:2])[0][:4])
print(model.bn1.weight.grad)

# Convolution lab: hand-set kernels through state_dict
conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3)
print(conv)
conv.state_dict()['weight'][0][0] = torch.tensor([[1.0, 0, -1.0], [2.0, 0, -2.0], [1.0, 0.0, -1.0]])
conv.state_dict()['bias'][0] = 0.0
print(conv.state_dict())
image = torch.zeros(1, 1, 5, 5)
image[0, 0, :, 2] = 1
print(image)
z = conv(image)
print(z)
K, stride = 2, 2
conv1 = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=K, stride=stride, padding=1)
conv1.state_dict()['weight'][0][0] = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
conv1.state_dict()['bias'][0] = 0.0
print(conv1(image))
relu = nn.ReLU()
print(relu(z), torch.relu(z).grad_fn)
image1 = torch.zeros(1, 1, 4, 4)
image1[0, 0, 0, :] = torch.tensor([1.0, 2.0, 3.0, -4.0])
image1[0, 0, 1, :] = torch.tensor([0.0, 2.0, -3.0, 0.0])
image1[0, 0, 2, :] = torch.tensor([0.0, 2.0, 3.0, 1.0])
max1 = torch.nn.MaxPool2d(2, stride=1)
print(max1(image1))
print(torch.max_pool2d(image1, stride=1, kernel_size=2))
max2 = torch.nn.MaxPool2d(2)
print(max2(image1), max2)
conv3 = nn.Conv2d(in_channels=2, out_channels=3, kernel_size=2)
print(conv3.state_dict()['weight'].shape, conv3(torch.randn(1, 2, 3, 3)).shape)
