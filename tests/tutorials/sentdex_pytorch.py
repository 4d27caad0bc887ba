import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# sentdex's "Deep Learning with PyTorch" series: tensor basics, the MNIST-style fully connected net
# with log_softmax + nll_loss and an argmax accuracy loop, the dataset balance count, then the
# cats-vs-dogs convnet whose linear size is found with a dummy pass, trained on one-hot targets with
# MSELoss from torch.Tensor([i[0] for i in data]), and fwd_pass with in-sample / out-of-sample accuracy.
# Images are generated here (small random "digits" and "pets"), not downloaded.
torch.manual_seed(0)
x = torch.Tensor([5, 3])
y = torch.Tensor([2, 1])
print(x * y, x.dtype)
x = torch.zeros([2, 5])
print(x, x.shape)
y = torch.rand([2, 5])
print(y)
print(y.view([1, 10]))
y = y.view([1, 10])
print(y.shape)

# ---- part 2-4: a fully connected net on 28x28 "digits"
torch.manual_seed(0)
N_TRAIN, N_TEST = 120, 40
protos = torch.rand(10, 28, 28)
labels_train = torch.randint(0, 10, (N_TRAIN,))
labels_test = torch.randint(0, 10, (N_TEST,))
imgs_train = (protos[labels_train] + 0.3 * torch.rand(N_TRAIN, 28, 28)).unsqueeze(1) / 1.3
imgs_test = (protos[labels_test] + 0.3 * torch.rand(N_TEST, 28, 28)).unsqueeze(1) / 1.3
train = torch.utils.data.TensorDataset(imgs_train, labels_train)
test = torch.utils.data.TensorDataset(imgs_test, labels_test)
trainset = torch.utils.data.DataLoader(train, batch_size=10, shuffle=True)
testset = torch.utils.data.DataLoader(test, batch_size=10, shuffle=False)
for data in trainset:
    print(data[0].shape, data[1])
    break
x, y = data[0][0], data[1][0]
print(y, data[0][0].shape, data[0][0].view(28, 28).shape)

total = 0
counter_dict = {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0}
for data in trainset:
    Xs, ys = data
    for y in ys:
        counter_dict[int(y)] += 1
        total += 1
print(counter_dict)
for i in counter_dict:
    print(f"{i}: {counter_dict[i]/total*100.0}%")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28*28, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 64)
        self.fc4 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.relu(self.fc3(x))
        x = self.fc4(x)
        return F.log_softmax(x, dim=1)


net = Net()
print(net)
X = torch.rand((28, 28))
X = X.view(-1, 28*28)
output = net(X)
print(output, output.grad_fn)
optimizer = optim.Adam(net.parameters(), lr=0.001)
for epoch in range(3):
    for data in trainset:
        X, y = data
        net.zero_grad()
        output = net(X.view(-1, 784))
        loss = F.nll_loss(output, y)
        loss.backward()
        optimizer.step()
    print(loss)
print(net.fc4.bias.grad, net.fc1.weight.grad.shape)
correct = 0
total = 0
with torch.no_grad():
    for data in testset:
        X, y = data
        output = net(X.view(-1, 784))
        for idx, i in enumerate(output):
            if torch.argmax(i) == y[idx]:
                correct += 1
            total += 1
print("Accuracy: ", round(correct/total, 3))
print(torch.argmax(net(X[0].view(-1, 784))[0]), y[0], torch.argmax(i), torch.argmax(i) == y[idx])

# ---- part 5-8: the cats-vs-dogs convnet (here 24x24 "pets")
IMG_SIZE = 24
rng = np.random.RandomState(1)
training_data = []
for label in [0, 1]:
    for _ in range(40):
        img = rng.randint(0, 256, (IMG_SIZE, IMG_SIZE)).astype(np.uint8)
        if label == 0:
            img[:IMG_SIZE // 2] //= 3
        training_data.append([np.array(img), np.eye(2)[label]])
rng.shuffle(training_data)
print(len(training_data), training_data[0][1], training_data[0][0].dtype)

if torch.cuda.is_available():
    device = torch.device("cuda:0")
    print("Running on the GPU")
else:
    device = torch.device("cpu")
    print("Running on the CPU")
print(device, torch.cuda.device_count())


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.conv3 = nn.Conv2d(16, 16, 3)
        x = torch.randn(IMG_SIZE, IMG_SIZE).view(-1, 1, IMG_SIZE, IMG_SIZE)
        self._to_linear = None
        self.convs(x)
        self.fc1 = nn.Linear(self._to_linear, 32)
        self.fc2 = nn.Linear(32, 2)

    def convs(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv3(x)), (2, 2))
        if self._to_linear is None:
            print(x[0].shape)
            self._to_linear = x[0].shape[0]*x[0].shape[1]*x[0].shape[2]
        return x

    def forward(self, x):
        x = self.convs(x)
        x = x.view(-1, self._to_linear)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.softmax(x, dim=1)


net = ConvNet().to(device)
print(net, net._to_linear)
optimizer = optim.Adam(net.parameters(), lr=0.001)
loss_function = nn.MSELoss()
X = torch.Tensor(np.array([i[0] for i in training_data])).view(-1, IMG_SIZE, IMG_SIZE)  # (a list of arrays warns once)
X = X/255.0
y = torch.Tensor(np.array([i[1] for i in training_data]))
print(X.shape, X.dtype, y[:3], y.dtype)
VAL_PCT = 0.1
val_size = int(len(X)*VAL_PCT)
print(val_size)
train_X = X[:-val_size]
train_y = y[:-val_size]
test_X = X[-val_size:]
test_y = y[-val_size:]
print(len(train_X), len(test_X))
BATCH_SIZE = 12
EPOCHS = 2


def train(net):
    for epoch in range(EPOCHS):
        for i in range(0, len(train_X), BATCH_SIZE):
            batch_X = train_X[i:i+BATCH_SIZE].view(-1, 1, IMG_SIZE, IMG_SIZE)
            batch_y = train_y[i:i+BATCH_SIZE]
            batch_X, batch_y = batch_X.to(device), batch_y.to(device)
            net.zero_grad()
            outputs = net(batch_X)
            loss = loss_function(outputs, batch_y)
            loss.backward()
            optimizer.step()
        print(f"Epoch: {epoch}. Loss: {loss}")


def test(net):
    correct = 0
    total = 0
    with torch.no_grad():
        for i in range(len(test_X)):
            real_class = torch.argmax(test_y[i]).to(device)
            net_out = net(test_X[i].view(-1, 1, IMG_SIZE, IMG_SIZE).to(device))[0]
            predicted_class = torch.argmax(net_out)
            if predicted_class == real_class:
                correct += 1
            total += 1
    print("Accuracy: ", round(correct/total, 3))


train(net)
test(net)


def fwd_pass(X, y, train=False):
    if train:
        net.zero_grad()
    outputs = net(X)
    matches = [torch.argmax(i) == torch.argmax(j) for i, j in zip(outputs, y)]
    acc = matches.count(True)/len(matches)
    loss = loss_function(outputs, y)
    if train:
        loss.backward()
        optimizer.step()
    return acc, loss


def test_batch(size=8):
    random_start = np.random.randint(len(test_X)-size)
    X, y = test_X[random_start:random_start+size], test_y[random_start:random_start+size]
    with torch.no_grad():
        val_acc, val_loss = fwd_pass(X.view(-1, 1, IMG_SIZE, IMG_SIZE).to(device), y.to(device))
    return val_acc, val_loss


val_acc, val_loss = test_batch(size=6)
print(val_acc, val_loss)
MODEL_NAME = "model-toy"
log = []
for epoch in range(2):
    for i in range(0, len(train_X), BATCH_SIZE):
        batch_X = train_X[i:i+BATCH_SIZE].view(-1, 1, IMG_SIZE, IMG_SIZE)
        batch_y = train_y[i:i+BATCH_SIZE]
        batch_X, batch_y = batch_X.to(device), batch_y.to(device)
        acc, loss = fwd_pass(batch_X, batch_y, train=True)
        if i % (BATCH_SIZE * 3) == 0:
            val_acc, val_loss = test_batch(size=6)
            # (.item(): float() of a loss that requires grad warns once per process, which an earlier test may use up)
            log.append(f"{MODEL_NAME},{epoch},{i},{round(float(acc),2)},{round(loss.item(),4)},"
                       f"{round(float(val_acc),2)},{round(val_loss.item(),4)}")
print("\n".join(log))
print(loss.grad_fn, net.fc2.weight.grad)
