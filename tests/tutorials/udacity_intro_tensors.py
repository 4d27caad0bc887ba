import tinygrad_rnn as torch
import numpy as np
from collections import OrderedDict
nn, optim = torch.nn, torch.optim
F = torch.nn.functional
# Udacity deep-learning v2-pytorch, intro notebooks: Part 1 tensors and a single neuron, Part 2-3 an
# MNIST-like network (random "images"), its forward pass, NLLLoss, autograd and the accuracy check.
def activation(x):
    return 1 / (1 + torch.exp(-x))
torch.manual_seed(7)
features = torch.randn((1, 5))
weights = torch.randn_like(features)
bias = torch.randn((1, 1))
y = activation(torch.sum(features * weights) + bias)
print(y)
y = activation((features * weights).sum() + bias)
print(y)
y = activation(torch.mm(features, weights.view(5, 1)) + bias)
print(y, y.shape)
print(weights.reshape(5, 1).shape, weights.view(5, 1).shape)
try:
    torch.mm(features, weights)
except RuntimeError as e:
    print("RuntimeError:", e)
w2 = weights.clone()
w2.resize_(5, 1)
print(w2, w2.shape)
# a two-layer network
torch.manual_seed(7)
features = torch.randn((1, 3))
n_input = features.shape[1]
n_hidden = 2
n_output = 1
W1 = torch.randn(n_input, n_hidden)
W2 = torch.randn(n_hidden, n_output)
B1 = torch.randn((1, n_hidden))
B2 = torch.randn((1, n_output))
h = activation(torch.mm(features, W1) + B1)
output = activation(torch.mm(h, W2) + B2)
print(output)
# numpy bridge: memory is shared both ways
a = np.random.rand(4, 3)
print(a)
b = torch.from_numpy(a)
print(b)
print(b.numpy())
b.mul_(2)
print(a)
print(b.dtype, type(b.numpy()))
# Part 2: a network from matrix products on fake 28x28 images
torch.manual_seed(0)
images = torch.rand(64, 1, 28, 28)
labels = torch.randint(0, 10, (64,))
print(images.shape, labels.shape)
inputs = images.view(images.shape[0], -1)
w1 = torch.randn(784, 256)
b1 = torch.randn(256)
w2 = torch.randn(256, 10)
b2 = torch.randn(10)
h = activation(torch.mm(inputs, w1) + b1)
out = torch.mm(h, w2) + b2
def softmax(x):
    return torch.exp(x) / torch.sum(torch.exp(x), dim=1).view(-1, 1)
probabilities = softmax(out)
print(probabilities.shape)
print(probabilities.sum(dim=1)[:5])
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 256)
        self.output = nn.Linear(256, 10)
        self.sigmoid = nn.Sigmoid()
        self.softmax = nn.Softmax(dim=1)
    def forward(self, x):
        x = self.hidden(x)
        x = self.sigmoid(x)
        x = self.output(x)
        x = self.softmax(x)
        return x
model = Network()
print(model)
class Network2(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)
    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.softmax(self.fc3(x), dim=1)
        return x
model = Network2()
print(model)
print(model.fc1.weight)
print(model.fc1.bias)
model.fc1.bias.data.fill_(0)
model.fc1.weight.data.normal_(std=0.01)
print(model.fc1.bias[:5], model.fc1.weight.std())
images.resize_(64, 1, 784)
img_idx = 0
ps = model.forward(images[img_idx, :])
print(ps)
input_size = 784
hidden_sizes = [128, 64]
output_size = 10
model = nn.Sequential(nn.Linear(input_size, hidden_sizes[0]),
                      nn.ReLU(),
                      nn.Linear(hidden_sizes[0], hidden_sizes[1]),
                      nn.ReLU(),
                      nn.Linear(hidden_sizes[1], output_size),
                      nn.Softmax(dim=1))
print(model)
ps = model.forward(images[0, :])
print(ps.shape)
print(model[0])
print(model[0].weight.shape)
model = nn.Sequential(OrderedDict([
    ('fc1', nn.Linear(input_size, hidden_sizes[0])),
    ('relu1', nn.ReLU()),
    ('fc2', nn.Linear(hidden_sizes[0], hidden_sizes[1])),
    ('relu2', nn.ReLU()),
    ('output', nn.Linear(hidden_sizes[1], output_size)),
    ('softmax', nn.Softmax(dim=1))]))
print(model)
print(model[0], model.fc1)
# Part 3: losses and autograd
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
criterion = nn.CrossEntropyLoss()
images = images.view(images.shape[0], -1)
logits = model(images)
loss = criterion(logits, labels)
print(loss)
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10),
                      nn.LogSoftmax(dim=1))
criterion = nn.NLLLoss()
logps = model(images)
loss = criterion(logps, labels)
print(loss)
x = torch.randn(2, 2, requires_grad=True)
print(x)
y = x**2
print(y)
print(y.grad_fn)
z = y.mean()
print(z)
print(x.grad)
z.backward()
print(x.grad)
print(x / 2)
print('Before backward pass: \n', model[0].weight.grad)
loss.backward()
print('After backward pass: \n', model[0].weight.grad)
optimizer = optim.SGD(model.parameters(), lr=0.01)
print('Initial weights - ', model[0].weight)
optimizer.zero_grad()
output = model(images)
loss = criterion(output, labels)
loss.backward()
print('Gradient -', model[0].weight.grad)
optimizer.step()
print('Updated weights - ', model[0].weight)
optimizer = optim.SGD(model.parameters(), lr=0.003)
epochs = 3
for e in range(epochs):
    running_loss = 0
    for i in range(0, 64, 16):
        imgs, labs = images[i:i + 16], labels[i:i + 16]
        optimizer.zero_grad()
        output = model(imgs)
        loss = criterion(output, labs)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    else:
        print(f"Training loss: {running_loss/4}")
# Part 5: inference and validation
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(256, 10),
                      nn.LogSoftmax(dim=1))
ps = torch.exp(model(images))
print(ps.shape)
top_p, top_class = ps.topk(1, dim=1)
print(top_class[:10, :])
equals = top_class == labels.view(*top_class.shape)
print(equals.shape, equals.dtype)
accuracy = torch.mean(equals.type(torch.FloatTensor))
print(f'Accuracy: {accuracy.item()*100}%')
with torch.no_grad():
    model.eval()
    log_ps = model(images)
    ps = torch.exp(log_ps)
    top_p, top_class = ps.topk(1, dim=1)
    equals = top_class == labels.view(*top_class.shape)
    accuracy = torch.mean(equals.type(torch.FloatTensor))
model.train()
print(top_p[:3], accuracy)
ps = F.softmax(model(images[:1]), dim=1)
print(ps)
print(ps.data.numpy().squeeze().shape)
# Part 6: saving and loading
print("Our model: \n\n", model, '\n')
print("The state dict keys: \n\n", model.state_dict().keys())
