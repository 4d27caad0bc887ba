import tinygrad_rnn as torch
import io
nn = torch.nn
optim = torch.optim
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

# IBM's "Deep Neural Networks with PyTorch" (Coursera), modules 2-4: prediction with nn.Linear and a
# custom LR module, linear regression by hand (w.data updates, grad.data.zero_()), SGD and mini-batch
# with DataLoader, state_dict edits, train/validation with saved best models, multiple outputs,
# logistic regression with BCELoss and a hand-written cross entropy, a softmax classifier.

w = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)


def forward(x):
    yhat = w * x + b
    return yhat


x = torch.tensor([[1.0]])
yhat = forward(x)
print("The prediction: ", yhat)
x = torch.tensor([[1.0], [2.0]])
print("The shape of x: ", x.shape)
yhat = forward(x)
print("The prediction: ", yhat)

torch.manual_seed(1)
lr = nn.Linear(in_features=1, out_features=1, bias=True)
print("Parameters w and b: ", list(lr.parameters()))
print("Python dictionary: ", lr.state_dict())
print("keys: ", lr.state_dict().keys())
print("values: ", lr.state_dict().values())
print("weight:", lr.weight)
print("bias:", lr.bias)
x = torch.tensor([[1.0]])
yhat = lr(x)
print("The prediction: ", yhat)
x = torch.tensor([[1.0], [2.0]])
yhat = lr(x)
print("The prediction: ", yhat)


class LR(nn.Module):
    def __init__(self, input_size, output_size):
        super(LR, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        out = self.linear(x)
        return out


lr = LR(1, 1)
print("The parameters: ", list(lr.parameters()))
print("Linear model: ", lr.linear)
x = torch.tensor([[1.0]])
yhat = lr(x)
print("The prediction: ", yhat)
print("Python dictionary: ", lr.state_dict())
print("keys: ", lr.state_dict().keys())
print("values: ", lr.state_dict().values())

# Linear regression one parameter, by hand
X = torch.arange(-3, 3, 0.1).view(-1, 1)
f = -3 * X
Y = f + 0.1 * torch.randn(X.size())
print(X.shape, X.dtype, Y[:3])


def forward(x):
    return w * x


def criterion(yhat, y):
    return torch.mean((yhat - y) ** 2)


lr = 0.1
LOSS = []
w = torch.tensor(-10.0, requires_grad=True)


def train_model(iter):
    for epoch in range(iter):
        Yhat = forward(X)
        loss = criterion(Yhat, Y)
        LOSS.append(loss.item())
        loss.backward()
        w.data = w.data - lr * w.grad.data
        w.grad.data.zero_()
        print(epoch, w.data, loss.tolist())


train_model(4)
print(LOSS)

# Two parameters, stochastic gradient descent and mini-batches
w = torch.tensor(-15.0, requires_grad=True)
b = torch.tensor(-10.0, requires_grad=True)
Y = 1 * X - 1
Y = f = Y + 0.1 * torch.randn(X.size())
lr = 0.1


def forward(x):
    return w * x + b


def train_model_SGD(iter):
    for epoch in range(iter):
        Yhat = forward(X)
        LOSS.append(criterion(Yhat, Y).tolist())
        for x, y in zip(X, Y):
            yhat = forward(x)
            loss = criterion(yhat, y)
            loss.backward()
            w.data = w.data - lr * w.grad.data
            b.data = b.data - lr * b.grad.data
            w.grad.data.zero_()
            b.grad.data.zero_()
        print(epoch, w.item(), b.item(), yhat, loss)


train_model_SGD(2)


class Data(Dataset):
    def __init__(self):
        self.x = torch.arange(-3, 3, 0.1).view(-1, 1)
        self.y = 1 * self.x - 1
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


dataset = Data()
trainloader = DataLoader(dataset=dataset, batch_size=5)
w = torch.tensor(-15.0, requires_grad=True)
b = torch.tensor(-10.0, requires_grad=True)
for epoch in range(2):
    for x, y in trainloader:
        yhat = forward(x)
        loss = criterion(yhat, y)
        loss.backward()
        w.data = w.data - lr * w.grad.data
        b.data = b.data - lr * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
    print(epoch, x.shape, w, b, loss.grad_fn)

# The same with nn.Module, optim.SGD and a state_dict edit
criterion = nn.MSELoss()
model = LR(1, 1)
optimizer = optim.SGD(model.parameters(), lr=0.01)
print(list(model.parameters()))
print("Optimizer: ", optimizer.state_dict())
model.state_dict()['linear.weight'][0] = -15
model.state_dict()['linear.bias'][0] = -10
print(model.state_dict())
trainloader = DataLoader(dataset=dataset, batch_size=1)
for epoch in range(3):
    for x, y in trainloader:
        yhat = model(x)
        loss = criterion(yhat, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(epoch, loss, model.state_dict()['linear.weight'], model.linear.bias.grad)
print("Optimizer: ", optimizer.state_dict())

# Train/validation: keep the best model of each learning rate
torch.manual_seed(1)
train_x = torch.arange(-3, 3, 0.1).view(-1, 1)
train_y = -3 * train_x + 1 + 0.1 * torch.randn(train_x.size())
train_y[0] = 0
train_y[50:55] = 20
val_x = torch.arange(-3, 3, 0.2).view(-1, 1)
val_y = -3 * val_x + 1
learning_rates = [0.0001, 0.001, 0.01, 0.1]
train_error = torch.zeros(len(learning_rates))
validation_error = torch.zeros(len(learning_rates))
MODELS = []
train_loader = DataLoader(dataset=torch.utils.data.TensorDataset(train_x, train_y), batch_size=2)
for i, learning_rate in enumerate(learning_rates):
    model = LR(1, 1)
    optimizer = optim.SGD(model.parameters(), lr=learning_rate)
    for epoch in range(2):
        for x, y in train_loader:
            yhat = model(x)
            loss = criterion(yhat, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    Yhat = model(train_x)
    train_loss = criterion(Yhat, train_y)
    train_error[i] = train_loss.item()
    Yhat = model(val_x)
    val_loss = criterion(Yhat, val_y)
    validation_error[i] = val_loss.item()
    MODELS.append(model)
print(train_error, validation_error)
for model, learning_rate in zip(MODELS, learning_rates):
    yhat = model(val_x)
    print('i', yhat.detach().numpy()[0:3].ravel(), learning_rate)
checkpoint = {'epoch': 1, 'model_state_dict': MODELS[2].state_dict(), 'loss': validation_error[2]}
buffer = io.BytesIO()
torch.save(checkpoint, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer)
model_best = LR(1, 1)
model_best.load_state_dict(checkpoint['model_state_dict'])
print(checkpoint['epoch'], checkpoint['loss'], model_best.state_dict())

# Multiple linear regression, multiple outputs
torch.manual_seed(1)


class Data2D(Dataset):
    def __init__(self):
        self.x = torch.zeros(20, 2)
        self.x[:, 0] = torch.arange(-1, 1, 0.1)
        self.x[:, 1] = torch.arange(-1, 1, 0.1)
        self.w = torch.tensor([[1.0, -1.0], [1.0, 3.0]])
        self.b = torch.tensor([[1.0, -1.0]])
        self.f = torch.mm(self.x, self.w) + self.b
        self.y = self.f + 0.001 * torch.randn((self.x.shape[0], 1))
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


class linear_regression(nn.Module):
    def __init__(self, input_size, output_size):
        super(linear_regression, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        yhat = self.linear(x)
        return yhat


data_set = Data2D()
model = linear_regression(2, 2)
optimizer = optim.SGD(model.parameters(), lr=0.1)
criterion = nn.MSELoss()
train_loader = DataLoader(dataset=data_set, batch_size=5)
LOSS = []
for epoch in range(10):
    for x, y in train_loader:
        yhat = model(x)
        loss = criterion(yhat, y)
        LOSS.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
print(LOSS[::10], model.state_dict())
print(data_set.y.shape, data_set.f[:2])

# Logistic regression
z = torch.arange(-100, 100, 0.1).view(-1, 1)
print("The tensor: ", z.shape)
sig = nn.Sigmoid()
yhat = sig(z)
print(yhat[995:1005].view(-1))
yhat = torch.sigmoid(z)
print(torch.tanh(z)[995:1000].view(-1), torch.relu(z)[995:1000].view(-1))
x = torch.tensor([[1.0], [100]])
model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
print("list(model.parameters()):\n ", list(model.parameters()))
print("\nmodel.state_dict():\n ", model.state_dict())
yhat = model(x)
print("The prediction: ", yhat)


class logistic_regression(nn.Module):
    def __init__(self, n_inputs):
        super(logistic_regression, self).__init__()
        self.linear = nn.Linear(n_inputs, 1)

    def forward(self, x):
        yhat = torch.sigmoid(self.linear(x))
        return yhat


class LogData(Dataset):
    def __init__(self):
        self.x = torch.arange(-1, 1, 0.1).view(-1, 1)
        self.y = torch.zeros(self.x.shape[0], 1)
        self.y[self.x[:, 0] > 0.2] = 1
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


data_set = LogData()
model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
model.state_dict()['0.weight'].data[0] = torch.tensor([-5])
model.state_dict()['0.bias'].data[0] = torch.tensor([-10])
print("The parameters: ", model.state_dict())


def criterion(yhat, y):
    out = -1 * torch.mean(y * torch.log(yhat) + (1 - y) * torch.log(1 - yhat))
    return out


trainloader = DataLoader(dataset=data_set, batch_size=3)
optimizer = torch.optim.SGD(model.parameters(), lr=2)
for epoch in range(10):
    for x, y in trainloader:
        yhat = model(x)
        loss = criterion(yhat, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 5 == 0:
        print(epoch, loss, loss.grad_fn)
yhat = model(data_set.x)
label = yhat > 0.5
print("The accuracy: ", torch.mean((label == data_set.y.type(torch.ByteTensor)).type(torch.float)))
print(label.dtype, data_set.y.type(torch.ByteTensor).dtype)
model = logistic_regression(1)
criterion = nn.BCELoss()
print(criterion)
optimizer = torch.optim.SGD(model.parameters(), lr=1)
for epoch in range(10):
    for x, y in trainloader:
        yhat = model(x)
        loss = criterion(yhat, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
yhat = model(data_set.x)
label = yhat > 0.5
print("The accuracy: ", torch.mean((label == data_set.y.type(torch.ByteTensor)).type(torch.float)))
print(loss, loss.grad_fn)

# Softmax classifier on three classes of 2-D points
torch.manual_seed(0)


class ThreeClass(Dataset):
    def __init__(self):
        self.x = torch.randn(60, 2) + torch.tensor([[3.0, 0.0], [0.0, 3.0], [-3.0, -3.0]]).repeat(20, 1)
        self.y = torch.tensor([0, 1, 2]).repeat(20)
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


data_set = ThreeClass()
print(data_set.y.type(), data_set[0])


class SoftMax(nn.Module):
    def __init__(self, input_size, output_size):
        super(SoftMax, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        out = self.linear(x)
        return out


model = SoftMax(2, 3)
print(model)
print('W: ', list(model.parameters())[0].size())
print('b: ', list(model.parameters())[1].size())
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
trainloader = DataLoader(dataset=data_set, batch_size=10)
for epoch in range(10):
    for x, y in trainloader:
        optimizer.zero_grad()
        yhat = model(x)
        loss = criterion(yhat, y)
        loss.backward()
        optimizer.step()
    z = model(data_set.x)
    _, yhat = z.max(1)
    correct = (data_set.y == yhat).sum().item()
    accuracy = correct / len(data_set)
    if epoch % 3 == 0:
        print(epoch, loss.item(), accuracy)
z = model(data_set.x)
_, yhat = torch.max(z.data, 1)
print(yhat[:9], torch.max(z.data, 1).values[:3])
print("The accuracy: ", (yhat == data_set.y).sum().item() / len(data_set))
Softmax_fn = nn.Softmax(dim=-1)
Probability = Softmax_fn(z)
for i in range(3):
    print("probability of class {} isg given by  {}".format(i, Probability[0, i]))
print(Probability.sum(1)[:3], z.shape)
