import tinygrad_rnn as torch
import io
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader
# Patrick Loeber's PyTorch tutorials, parts 8-13 and 17-20: logistic regression with BCELoss,
# a custom Dataset with a DataLoader, softmax and cross-entropy by hand and in torch, activation
# functions, a feed-forward net, saving and loading, and the RNN / LSTM / GRU classifier.
torch.manual_seed(0)
rng = np.random.RandomState(1234)
X_numpy = rng.randn(60, 4)
y_numpy = (X_numpy @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.randn(60) > 0).astype(np.int64)
mean, std = X_numpy.mean(0), X_numpy.std(0)
X_numpy = (X_numpy - mean) / std
X_train = torch.from_numpy(X_numpy[:48].astype(np.float32))
X_test = torch.from_numpy(X_numpy[48:].astype(np.float32))
y_train = torch.from_numpy(y_numpy[:48].astype(np.float32))
y_test = torch.from_numpy(y_numpy[48:].astype(np.float32))
y_train = y_train.view(y_train.shape[0], 1)
y_test = y_test.view(y_test.shape[0], 1)
n_samples, n_features = X_train.shape
class Model(nn.Module):
    def __init__(self, n_input_features):
        super(Model, self).__init__()
        self.linear = nn.Linear(n_input_features, 1)
    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred
model = Model(n_features)
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(50):
    y_pred = model(X_train)
    loss = criterion(y_pred, y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 10 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")
with torch.no_grad():
    y_predicted = model(X_test)
    y_predicted_cls = y_predicted.round()
    acc = y_predicted_cls.eq(y_test).sum() / float(y_test.shape[0])
    print(f"accuracy: {acc.item():.4f}", acc, y_predicted_cls.dtype, y_predicted[:3])
print(loss.grad_fn, y_pred.grad_fn)

# Dataset and DataLoader
class WineDataset(Dataset):
    def __init__(self):
        data = np.round(rng.rand(30, 5) * 10, 2).astype(np.float32)
        data[:, 0] = rng.randint(1, 4, size=30)
        self.n_samples = data.shape[0]
        self.x_data = torch.from_numpy(data[:, 1:])
        self.y_data = torch.from_numpy(data[:, [0]])
    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]
    def __len__(self):
        return self.n_samples
dataset = WineDataset()
first_data = dataset[0]
features, labels = first_data
print(features, labels)
train_loader = DataLoader(dataset=dataset, batch_size=4, shuffle=True, num_workers=0)
dataiter = iter(train_loader)
data = next(dataiter)
features, labels = data
print(features, labels)
num_epochs = 2
total_samples = len(dataset)
n_iterations = math.ceil(total_samples / 4)
print(total_samples, n_iterations)
for epoch in range(num_epochs):
    for i, (inputs, labels) in enumerate(train_loader):
        if (i + 1) % 4 == 0:
            print(f"Epoch: {epoch + 1}/{num_epochs}, Step {i + 1}/{n_iterations}| Inputs {inputs.shape} | Labels {labels.shape}")

# softmax and cross-entropy
def softmax(x):
    return np.exp(x) / np.sum(np.exp(x), axis=0)
x = np.array([2.0, 1.0, 0.1])
outputs = softmax(x)
print("softmax numpy:", outputs)
x = torch.tensor([2.0, 1.0, 0.1])
outputs = torch.softmax(x, dim=0)
print("softmax torch:", outputs)
def cross_entropy(actual, predicted):
    EPS = 1e-15
    predicted = np.clip(predicted, EPS, 1 - EPS)
    loss = -np.sum(actual * np.log(predicted))
    return loss
Y = np.array([1, 0, 0])
Y_pred_good = np.array([0.7, 0.2, 0.1])
Y_pred_bad = np.array([0.1, 0.3, 0.6])
print(f"Loss1 numpy: {cross_entropy(Y, Y_pred_good):.4f}")
print(f"Loss2 numpy: {cross_entropy(Y, Y_pred_bad):.4f}")
loss = nn.CrossEntropyLoss()
Y = torch.tensor([0])
Y_pred_good = torch.tensor([[2.0, 1.0, 0.1]])
Y_pred_bad = torch.tensor([[0.5, 2.0, 0.3]])
l1 = loss(Y_pred_good, Y)
l2 = loss(Y_pred_bad, Y)
print(f"PyTorch Loss1: {l1.item():.4f}")
print(f"PyTorch Loss2: {l2.item():.4f}")
_, predictions1 = torch.max(Y_pred_good, 1)
_, predictions2 = torch.max(Y_pred_bad, 1)
print(f"Actual class: {Y.item()}, Y_pred1: {predictions1.item()}, Y_pred2: {predictions2.item()}")
Y = torch.tensor([2, 0, 1])
Y_pred_good = torch.tensor([[0.1, 0.2, 3.9], [1.2, 0.1, 0.3], [0.3, 2.2, 0.2]])
Y_pred_bad = torch.tensor([[0.9, 0.2, 0.1], [0.1, 0.3, 1.5], [1.2, 0.2, 0.5]])
l1 = loss(Y_pred_good, Y)
l2 = loss(Y_pred_bad, Y)
print(f"Batch Loss1:  {l1.item():.4f}", f"Batch Loss2: {l2.item():.4f}")
_, predictions1 = torch.max(Y_pred_good, 1)
_, predictions2 = torch.max(Y_pred_bad, 1)
print(f"Actual class: {Y}, Y_pred1: {predictions1}, Y_pred2: {predictions2}")
class NeuralNet2(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet2, self).__init__()
        self.linear1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(hidden_size, num_classes)
    def forward(self, x):
        out = self.linear1(x)
        out = self.relu(out)
        out = self.linear2(out)
        return out
model = NeuralNet2(input_size=28 * 28, hidden_size=5, num_classes=3)
criterion = nn.CrossEntropyLoss()
class NeuralNet1(nn.Module):
    def __init__(self, input_size, hidden_size):
        super(NeuralNet1, self).__init__()
        self.linear1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(hidden_size, 1)
    def forward(self, x):
        out = self.linear1(x)
        out = self.relu(out)
        out = self.linear2(out)
        y_pred = torch.sigmoid(out)
        return y_pred
model = NeuralNet1(input_size=28 * 28, hidden_size=5)
criterion = nn.BCELoss()
print(model, criterion)

# activation functions
x = torch.tensor([-1.0, 1.0, 2.0, 3.0])
output = torch.softmax(x, dim=0)
print(output)
sm = nn.Softmax(dim=0)
print(sm(x), sm)
output = torch.sigmoid(x)
print(output, nn.Sigmoid()(x))
output = torch.tanh(x)
print(output, nn.Tanh()(x))
output = torch.relu(x)
print(output, nn.ReLU()(x))
output = F.leaky_relu(x)
print(output, nn.LeakyReLU(0.1)(x), nn.LeakyReLU(0.1))
print(F.relu(x), F.softmax(x, dim=0), torch.sigmoid(x).grad_fn)

# feed-forward net on made-up 28x28 "digits"
input_size = 784
hidden_size = 50
num_classes = 10
num_epochs = 2
batch_size = 20
learning_rate = 0.001
images_all = torch.rand(80, 1, 28, 28)
labels_all = torch.randint(0, 10, (80,))
train_loader = DataLoader(dataset=list(zip(images_all, labels_all)), batch_size=batch_size, shuffle=True)
test_loader = DataLoader(dataset=list(zip(images_all[:40], labels_all[:40])), batch_size=batch_size, shuffle=False)
examples = iter(test_loader)
example_data, example_targets = next(examples)
print(example_data.shape, example_targets.shape, example_targets)
class NeuralNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet, self).__init__()
        self.input_size = input_size
        self.l1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(hidden_size, num_classes)
    def forward(self, x):
        out = self.l1(x)
        out = self.relu(out)
        out = self.l2(out)
        return out
model = NeuralNet(input_size, hidden_size, num_classes)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
n_total_steps = len(train_loader)
for epoch in range(num_epochs):
    for i, (images, labels) in enumerate(train_loader):
        images = images.reshape(-1, 28 * 28)
        outputs = model(images)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 2 == 0:
            print(f"Epoch [{epoch + 1}/{num_epochs}], Step [{i + 1}/{n_total_steps}], Loss: {loss.item():.4f}")
with torch.no_grad():
    n_correct = 0
    n_samples = 0
    for images, labels in test_loader:
        images = images.reshape(-1, 28 * 28)
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        n_samples += labels.size(0)
        n_correct += (predicted == labels).sum().item()
    acc = 100.0 * n_correct / n_samples
    print(f"Accuracy of the network on the test images: {acc} %")

# saving and loading
buffer = io.BytesIO()
whole = nn.Sequential(model.l1, model.relu, model.l2)  # (a class from an exec'd __main__ does not pickle)
torch.save(whole, buffer)
buffer.seek(0)
loaded = torch.load(buffer, weights_only=False)
print(loaded)
loaded.eval()
for param in loaded.parameters():
    print(param.shape, param.requires_grad)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print(model.state_dict().keys())
buffer.seek(0)
loaded_model = NeuralNet(input_size, hidden_size, num_classes)
loaded_model.load_state_dict(torch.load(buffer))
loaded_model.eval()
print(loaded_model.l2.bias, torch.equal(loaded_model.l1.weight, model.l1.weight))
print(optimizer.state_dict()["param_groups"])
checkpoint = {"epoch": 90, "model_state": model.state_dict(), "optim_state": optimizer.state_dict()}
buffer = io.BytesIO()
torch.save(checkpoint, buffer)
buffer.seek(0)
loaded_checkpoint = torch.load(buffer)
epoch = loaded_checkpoint["epoch"]
model = NeuralNet(input_size, hidden_size, num_classes)
optimizer = torch.optim.SGD(model.parameters(), lr=0)
model.load_state_dict(loaded_checkpoint["model_state"])
optimizer.load_state_dict(loaded_checkpoint["optim_state"])
print(epoch, optimizer.state_dict()["param_groups"], sorted(optimizer.state_dict()["state"].keys()))
print(optimizer.state_dict()["state"][3]["exp_avg"], optimizer.state_dict()["state"][0]["step"])

# RNN / GRU / LSTM classifier on 28 rows of 28 pixels, out[:, -1, :]
input_size = 28
sequence_length = 28
hidden_size = 16
num_layers = 2
class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes, kind):
        super(RNN, self).__init__()
        self.num_layers = num_layers
        self.hidden_size = hidden_size
        self.kind = kind
        if kind == "rnn":
            self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True)
        elif kind == "gru":
            self.rnn = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        else:
            self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)
    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        if self.kind == "lstm":
            c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
            out, _ = self.lstm(x, (h0, c0))
        else:
            out, _ = self.rnn(x, h0)
        out = out[:, -1, :]
        out = self.fc(out)
        return out
for kind in ("rnn", "gru", "lstm"):
    model = RNN(input_size, hidden_size, num_layers, num_classes, kind)
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(2):
        for i, (images, labels) in enumerate(train_loader):
            images = images.reshape(-1, sequence_length, input_size)
            outputs = model(images)
            loss = criterion(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"{kind} Epoch [{epoch + 1}/2], Loss: {loss.item():.4f}", outputs.grad_fn)
    with torch.no_grad():
        outputs = model(example_data.reshape(-1, sequence_length, input_size))
        _, predicted = torch.max(outputs.data, 1)
        print(predicted, (predicted == example_targets).sum().item())
