import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
Variable = torch.autograd.Variable

# Deep Learning Wizard (Ritchie Ng, "Practical Deep Learning with PyTorch"), shrunk: the matrices and
# gradients pages, linear regression, logistic regression and feed-forward nets on MNIST-shaped rows,
# and the CNN page, each with the site's training loops and prints. The data is generated, not MNIST.

# ---- matrices
arr = [[1, 2], [3, 4]]
print(np.array(arr))
print(torch.Tensor(arr))
print(torch.ones((2, 2)), torch.rand(2, 2).shape)
np.random.seed(0)
print(np.random.rand(2, 2))
torch.manual_seed(0)
print(torch.rand(2, 2))
if torch.cuda.is_available():
    torch.cuda.manual_seed_all(0)
np_array = np.ones((2, 2))
torch_tensor = torch.from_numpy(np_array)
print(torch_tensor, type(torch_tensor.numpy()))
for dtype in (np.int64, np.int32, np.uint8, np.float64, np.float32):
    print(torch.from_numpy(np.ones((2, 2), dtype=dtype)).type())
tensor_cpu = torch.ones(2, 2)
if torch.cuda.is_available():
    tensor_cpu.cuda()
print(tensor_cpu.cpu())
a = torch.ones(2, 2)
print(a.size(), a.view(4), a.view(4).size())
b = torch.ones(2, 2)
c = a + b
print(c, torch.add(a, b))
print(c.add_(a), c)
print(a - b, a.sub(b), a, a.sub_(b), a)
a = torch.ones(2, 2)
b = torch.zeros(2, 2)
print(a * b, torch.mul(a, b), a.mul(b), a.mul_(b), a)
a = torch.ones(2, 2)
b = torch.zeros(2, 2)
print(b / a, torch.div(b, a), b.div(a), b.div_(a))
a = torch.Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
print(a.size(), a.mean(dim=0), a.std(dim=0))
a = torch.Tensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]])
print(a.size(), a.mean(dim=1), a.std(dim=1), a.mean(dim=0))

# ---- gradients
a = torch.ones((2, 2), requires_grad=True)
print(a.requires_grad)
a = torch.ones((2, 2))
a.requires_grad_()
print(a.requires_grad)
a = torch.ones((2, 2), requires_grad=True)
b = torch.ones((2, 2), requires_grad=True)
print(a + b, torch.add(a, b), a * b, torch.mul(a, b))
x = torch.ones(2, requires_grad=True)
y = 5 * (x + 1) ** 2
print(y)
o = (1 / 2) * torch.sum(y)
print(o)
o.backward()
print(x.grad)
x = torch.ones(2, requires_grad=True)
y = 5 * (x + 1) ** 2
y.backward(torch.FloatTensor([1.0, 1.0]))
print(x.grad, y.grad_fn, o.grad_fn)
v = Variable(torch.ones(2, 2), requires_grad=True)
print(v, isinstance(v, torch.Tensor), (v * 2).sum().grad_fn.name())

# ---- linear regression
x_values = [i for i in range(11)]
x_train = np.array(x_values, dtype=np.float32)
print(x_train.shape)
x_train = x_train.reshape(-1, 1)
print(x_train.shape)
y_values = [2 * i + 1 for i in x_values]
y_train = np.array(y_values, dtype=np.float32).reshape(-1, 1)


class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


torch.manual_seed(0)
input_dim = 1
output_dim = 1
model = LinearRegressionModel(input_dim, output_dim)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)
print(model, device)
criterion = nn.MSELoss()
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
epochs = 60
for epoch in range(epochs):
    epoch += 1
    inputs = torch.from_numpy(x_train).requires_grad_().to(device)
    labels = torch.from_numpy(y_train).to(device)
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = criterion(outputs, labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print('epoch {}, loss {}'.format(epoch, loss.item()))
predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()
print(predicted[:3], y_train[:3])
print(model.state_dict())
save_model = False
if save_model is True:
    torch.save(model.state_dict(), 'awesome_model.pkl')

# ---- MNIST-shaped data: 10 classes, each a noisy template image
torch.manual_seed(0)
templates = torch.rand(10, 1, 28, 28)
train_labels = torch.arange(96) % 10
train_images = (templates[train_labels] + 0.5 * torch.randn(96, 1, 28, 28)).clamp(0, 1)
test_labels = torch.arange(40) % 10
test_images = (templates[test_labels] + 0.5 * torch.randn(40, 1, 28, 28)).clamp(0, 1)
train_dataset = torch.utils.data.TensorDataset(train_images, train_labels)
test_dataset = torch.utils.data.TensorDataset(test_images, test_labels)
print(len(train_dataset), train_dataset[0][0].size(), train_dataset[0][1])
show_img = train_dataset[0][0].numpy().reshape(28, 28)
print(show_img.shape, show_img.dtype)
batch_size = 32
n_iters = 6  # the tutorial's 3000
num_epochs = n_iters / (len(train_dataset) / batch_size)
num_epochs = int(num_epochs)
print(num_epochs)
train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)
print(len(train_loader), len(test_loader))


def train(model, optimizer, criterion, reshape, every=2):
    iter = 0
    for epoch in range(num_epochs):
        for i, (images, labels) in enumerate(train_loader):
            images = reshape(images).requires_grad_()
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            iter += 1
            if iter % every == 0:
                correct = 0
                total = 0
                for images, labels in test_loader:
                    images = reshape(images).requires_grad_()
                    outputs = model(images)
                    _, predicted = torch.max(outputs.data, 1)
                    total += labels.size(0)
                    correct += (predicted == labels).sum()
                accuracy = 100 * correct / total
                print('Iteration: {}. Loss: {}. Accuracy: {}'.format(iter, loss.item(), accuracy))


# ---- logistic regression
class LogisticRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LogisticRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out


input_dim = 28 * 28
output_dim = 10
model = LogisticRegressionModel(input_dim, output_dim)
criterion = nn.CrossEntropyLoss()
learning_rate = 0.001
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
print(model.parameters())
print(len(list(model.parameters())))
print(list(model.parameters())[0].size(), list(model.parameters())[1].size())
train(model, optimizer, criterion, lambda images: images.view(-1, 28 * 28))


# ---- feed-forward nets: one hidden layer with sigmoid, tanh and relu, then three relu layers
class FeedforwardNeuralNetModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim, activation):
        super(FeedforwardNeuralNetModel, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.sigmoid = activation
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out = self.fc1(x)
        out = self.sigmoid(out)
        out = self.fc2(out)
        return out


class FeedforwardNeuralNetModel3(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(FeedforwardNeuralNetModel3, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, hidden_dim)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(hidden_dim, hidden_dim)
        self.relu3 = nn.ReLU()
        self.fc4 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out = self.relu1(self.fc1(x))
        out = self.relu2(self.fc2(out))
        out = self.relu3(self.fc3(out))
        return self.fc4(out)


for activation in (nn.Sigmoid(), nn.Tanh(), nn.ReLU()):
    model = FeedforwardNeuralNetModel(input_dim=28 * 28, hidden_dim=100, output_dim=10, activation=activation)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    print(model)
    train(model, optimizer, nn.CrossEntropyLoss(), lambda images: images.view(-1, 28 * 28), every=3)
model = FeedforwardNeuralNetModel3(28 * 28, 100, 10)
for p in model.parameters():
    print(p.size())
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train(model, optimizer, nn.CrossEntropyLoss(), lambda images: images.view(-1, 28 * 28), every=3)


# ---- CNN: two conv + max-pool blocks, then the same with average pooling and "same" padding
class CNNModel(nn.Module):
    def __init__(self, pool=nn.MaxPool2d, padding=0):
        super(CNNModel, self).__init__()
        self.cnn1 = nn.Conv2d(in_channels=1, out_channels=4, kernel_size=5, stride=1, padding=padding)
        self.relu1 = nn.ReLU()
        self.maxpool1 = pool(kernel_size=2)
        self.cnn2 = nn.Conv2d(in_channels=4, out_channels=8, kernel_size=5, stride=1, padding=padding)
        self.relu2 = nn.ReLU()
        self.maxpool2 = pool(kernel_size=2)
        size = 7 if padding == 2 else 4
        self.fc1 = nn.Linear(8 * size * size, 10)

    def forward(self, x):
        out = self.maxpool1(self.relu1(self.cnn1(x)))
        out = self.maxpool2(self.relu2(self.cnn2(out)))
        out = out.view(out.size(0), -1)
        out = self.fc1(out)
        return out


for pool, padding in ((nn.MaxPool2d, 0), (nn.AvgPool2d, 0), (nn.MaxPool2d, 2)):
    torch.manual_seed(1)
    model = CNNModel(pool, padding)
    print(model)
    for p in model.parameters():
        print(p.size())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    train(model, optimizer, nn.CrossEntropyLoss(), lambda images: images, every=3)
