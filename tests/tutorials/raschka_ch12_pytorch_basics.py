import tinygrad_rnn as torch
import os
import tempfile
import numpy as np
nn = torch.nn
DataLoader, Dataset, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.Dataset, torch.utils.data.TensorDataset
# Raschka et al., "Machine Learning with PyTorch and Scikit-Learn", chapter 12 (parallelizing neural network
# training with PyTorch): creating and manipulating tensors, Dataset/DataLoader with shuffling, a linear
# regression by hand then with nn.Linear and optim.SGD, an Iris-like MLP with nn.Softmax(dim=1), save and
# load, and the activation functions; Iris is replaced by made-up data of the same shape.
np.set_printoptions(precision=3)
a = [1, 2, 3]
b = np.array([4, 5, 6], dtype=np.int32)
t_a = torch.tensor(a)
t_b = torch.from_numpy(b)
print(t_a)
print(t_b)
print(torch.is_tensor(a), torch.is_tensor(t_a))
t_ones = torch.ones(2, 3)
print(t_ones.shape)
print(t_ones)
torch.manual_seed(0)
rand_tensor = torch.rand(2, 3)
print(rand_tensor)
t_a_new = t_a.to(torch.int64)
print(t_a_new.dtype, t_b.to(torch.float32), t_b.to(dtype=torch.float64).dtype, t_b.to("cpu").dtype)
b[0] = 40  # from_numpy shares the array's memory
print(t_b, t_b.numpy().dtype)
t = torch.rand(3, 5)
t_tr = torch.transpose(t, 0, 1)
print(t.shape, ' --> ', t_tr.shape)
t = torch.zeros(30)
t_reshape = t.reshape(5, 6)
print(t_reshape.shape)
t = torch.zeros(1, 2, 1, 4, 1)
t_sqz = torch.squeeze(t, 2)
print(t.shape, ' --> ', t_sqz.shape, torch.squeeze(t).shape, t.squeeze(-1).shape, t.squeeze((0, 2)).shape)
torch.manual_seed(1)
t1 = 2 * torch.rand(5, 2) - 1
t2 = torch.normal(mean=0, std=1, size=(5, 2))
t3 = torch.multiply(t1, t2)
print(t3)
t4 = torch.mean(t1, axis=0)
print(t4)
t5 = torch.matmul(t1, torch.transpose(t2, 0, 1))
print(t5)
t6 = torch.matmul(torch.transpose(t1, 0, 1), t2)
print(t6)
norm_t1 = torch.linalg.norm(t1, ord=2, dim=1)
print(norm_t1)
print(np.sqrt(np.sum(np.square(t1.numpy()), axis=1)))
torch.manual_seed(1)
t = torch.rand(6)
print(t)
t_splits = torch.chunk(t, 3)
print([item.numpy() for item in t_splits])
torch.manual_seed(1)
t = torch.rand(5)
print(t)
t_splits = torch.split(t, split_size_or_sections=[3, 2])
print([item.numpy() for item in t_splits], torch.split(t, 2))
A = torch.ones(3)
B = torch.zeros(2)
C = torch.cat([A, B], axis=0)
print(C)
A = torch.ones(3)
B = torch.zeros(3)
S = torch.stack([A, B], axis=1)
print(S)
# ------------------------------------------------------------------ input pipelines
t = torch.arange(6, dtype=torch.float32)
data_loader = DataLoader(t)
for item in data_loader:
    print(item)
data_loader = DataLoader(t, batch_size=3, drop_last=False)
for i, batch in enumerate(data_loader, 1):
    print(f'batch {i}:', batch)
torch.manual_seed(1)
t_x = torch.rand([4, 3], dtype=torch.float32)
t_y = torch.arange(4)
class JointDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __len__(self):
        return len(self.x)
    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]
joint_dataset = JointDataset(t_x, t_y)
for example in joint_dataset:
    print('  x: ', example[0], '  y: ', example[1])
joint_dataset = TensorDataset(t_x, t_y)
for example in joint_dataset:
    print('  x: ', example[0], '  y: ', example[1])
torch.manual_seed(1)
data_loader = DataLoader(dataset=joint_dataset, batch_size=2, shuffle=True)
for i, batch in enumerate(data_loader, 1):
    print(f'batch {i}:', 'x:', batch[0], '\n         y:', batch[1])
for epoch in range(2):
    print(f'epoch {epoch+1}')
    for i, batch in enumerate(data_loader, 1):
        print(f'batch {i}:', 'x:', batch[0], '\n         y:', batch[1])
g = torch.Generator()
g.manual_seed(7)
seeded = DataLoader(joint_dataset, batch_size=3, shuffle=True, generator=g)
print([y.tolist() for _, y in seeded], [y.tolist() for _, y in seeded], len(seeded))
# ------------------------------------------------------------------ linear regression
X_train = np.arange(10, dtype='float32').reshape((10, 1))
y_train = np.array([1.0, 1.3, 3.1, 2.0, 5.0, 6.3, 6.6, 7.4, 8.0, 9.0], dtype='float32')
X_train_norm = (X_train - np.mean(X_train)) / np.std(X_train)
X_train_norm = torch.from_numpy(X_train_norm)
y_train = torch.from_numpy(y_train).float()
train_ds = TensorDataset(X_train_norm, y_train)
batch_size = 1
torch.manual_seed(1)
train_dl = DataLoader(train_ds, batch_size, shuffle=True)
torch.manual_seed(1)
weight = torch.randn(1)
weight.requires_grad_()
bias = torch.zeros(1, requires_grad=True)
def loss_fn(input, target):
    return (input - target).pow(2).mean()
def model(xb):
    return xb @ weight + bias
learning_rate = 0.001
num_epochs = 16  # the book's 200, logged every 20
log_epochs = 5
for epoch in range(num_epochs):
    for x_batch, y_batch in train_dl:
        pred = model(x_batch)
        loss = loss_fn(pred, y_batch.long())
        loss.backward()
        with torch.no_grad():
            weight -= weight.grad * learning_rate
            bias -= bias.grad * learning_rate
            weight.grad.zero_()
            bias.grad.zero_()
    if epoch % log_epochs == 0:
        print(f'Epoch {epoch}  Loss {loss.item():.4f}')
print('Final Parameters:', weight.item(), bias.item(), pred.shape, pred.grad_fn.name())
X_test = np.linspace(0, 9, num=20, dtype='float32').reshape(-1, 1)
X_test_norm = (X_test - np.mean(X_train)) / np.std(X_train)
X_test_norm = torch.from_numpy(X_test_norm)
y_pred = model(X_test_norm).detach().numpy()
print(y_pred[:5], y_pred.dtype, y_pred.shape)
loss_fn = nn.MSELoss(reduction='mean')
input_size = 1
output_size = 1
torch.manual_seed(1)
model = nn.Linear(input_size, output_size)
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
for epoch in range(num_epochs):
    for x_batch, y_batch in train_dl:
        # 1. Generate predictions
        pred = model(x_batch)[:, 0]
        # 2. Calculate loss
        loss = loss_fn(pred, y_batch)
        # 3. Compute gradients
        loss.backward()
        # 4. Update parameters using gradients
        optimizer.step()
        # 5. Reset the gradients to zero
        optimizer.zero_grad()
    if epoch % log_epochs == 0:
        print(f'Epoch {epoch}  Loss {loss.item():.4f}')
print('Final Parameters:', model.weight.item(), model.bias.item())
# ------------------------------------------------------------------ an Iris-like classifier
rng = np.random.RandomState(1)
centers = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
y = np.repeat(np.arange(3), 50)
X = (centers[y] + rng.normal(scale=0.35, size=(150, 4))).astype(np.float64)
order = rng.permutation(150)
X, y = X[order], y[order]
X_train, X_test, y_train, y_test = X[:100], X[100:], y[:100], y[100:]
X_train_norm = (X_train - np.mean(X_train)) / np.std(X_train)
X_train_norm = torch.from_numpy(X_train_norm).float()
y_train = torch.from_numpy(y_train)
print(X_train_norm.dtype, y_train.dtype, X_train_norm[:2])
train_ds = TensorDataset(X_train_norm, y_train)
torch.manual_seed(1)
batch_size = 10
train_dl = DataLoader(train_ds, batch_size, shuffle=True)
class Model(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layer1 = nn.Linear(input_size, hidden_size)
        self.layer2 = nn.Linear(hidden_size, output_size)
    def forward(self, x):
        x = self.layer1(x)
        x = nn.Sigmoid()(x)
        x = self.layer2(x)
        x = nn.Softmax(dim=1)(x)
        return x
input_size = X_train_norm.shape[1]
hidden_size = 16
output_size = 3
model = Model(input_size, hidden_size, output_size)
learning_rate = 0.01
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
num_epochs = 6  # the book's 100
loss_hist = [0] * num_epochs
accuracy_hist = [0] * num_epochs
for epoch in range(num_epochs):
    for x_batch, y_batch in train_dl:
        pred = model(x_batch)
        loss = loss_fn(pred, y_batch.long())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        loss_hist[epoch] += loss.item() * y_batch.size(0)
        is_correct = (torch.argmax(pred, dim=1) == y_batch).float()
        accuracy_hist[epoch] += is_correct.sum()
    loss_hist[epoch] /= len(train_dl.dataset)
    accuracy_hist[epoch] /= len(train_dl.dataset)
print([round(v, 4) for v in loss_hist])
print(accuracy_hist[:3], type(accuracy_hist[0]).__name__)
X_test_norm = (X_test - np.mean(X_train)) / np.std(X_train)
X_test_norm = torch.from_numpy(X_test_norm).float()
y_test = torch.from_numpy(y_test)
pred_test = model(X_test_norm)
correct = (torch.argmax(pred_test, dim=1) == y_test).float()
accuracy = correct.mean()
print(f'Test Acc.: {accuracy:.4f}', pred_test[:2], pred_test.sum(dim=1)[:3])
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, 'iris_classifier.pt')
    # the book saves the whole model; a class defined in an exec'd program cannot be pickled, so its layers
    whole = nn.Sequential(model.layer1, nn.Sigmoid(), model.layer2, nn.Softmax(dim=1))
    torch.save(whole, path)
    model_new = torch.load(path, weights_only=False)
    print(model_new.eval())
    pred_test = model_new(X_test_norm)
    correct = (torch.argmax(pred_test, dim=1) == y_test).float()
    print(f'Test Acc.: {correct.mean():.4f}')
    path = os.path.join(tmp, 'iris_classifier_state.pt')
    torch.save(model.state_dict(), path)
    model_new = Model(input_size, hidden_size, output_size)
    print(model_new.load_state_dict(torch.load(path)))
    print(list(torch.load(path).keys()), torch.load(path)['layer2.bias'])
# ------------------------------------------------------------------ activation functions
X = np.array([1, 1.4, 2.5])  # first value must be 1
w = np.array([0.4, 0.3, 0.5])
def net_input(X, w):
    return np.dot(X, w)
def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))
def logistic_activation(X, w):
    z = net_input(X, w)
    return logistic(z)
print(f'P(y=1|x) = {logistic_activation(X, w):.3f}')
W = np.array([[1.1, 1.2, 0.8, 0.4], [0.2, 0.4, 1.0, 0.2], [0.6, 1.5, 1.2, 0.7]])
A = np.array([[1, 0.1, 0.4, 0.6]])
Z = np.dot(W, A[0])
y_probas = logistic(Z)
print('Net Input: \n', Z)
print('Output Units:\n', y_probas)
y_class = np.argmax(Z, axis=0)
print('Predicted class label:', y_class)
def softmax(z):
    return np.exp(z) / np.sum(np.exp(z))
y_probas = softmax(Z)
print('Probabilities:\n', y_probas, np.sum(y_probas))
print(torch.softmax(torch.from_numpy(Z), dim=0))
z = np.arange(-5, 5, 1.5)
print(np.tanh(z), torch.tanh(torch.from_numpy(z)), torch.sigmoid(torch.from_numpy(z)), torch.nn.Softmax(dim=0)(torch.from_numpy(z)))
