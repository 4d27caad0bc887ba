import tinygrad_rnn as torch
import math
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
DataLoader = torch.utils.data.DataLoader
TensorDataset = torch.utils.data.TensorDataset
# Neuromatch Academy Deep Learning, W1D1 (PyTorch basics: tensors, ops, indexing, a first network on two
# interleaved half-moons) and W1D2 (autograd of a simple graph, wide and deep-linear networks). The helper
# functions set_seed / seed_worker / set_device are the ones every NMA notebook starts with.


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


def set_device():
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device != "cuda":
        print("WARNING: For this notebook to perform best, if possible, in the menu under `Runtime` -> "
              "`Change runtime type.`  select `GPU` ")
    else:
        print("GPU is enabled in this notebook.")
    return device


SEED = 2021
set_seed(seed=SEED)
DEVICE = set_device()

# ---------------------------------------------------------------- W1D1 T1: tensors
a = torch.tensor([0, 1, 2])
arr = np.array([4, 5, 6])
b = torch.tensor(arr)
c = torch.tensor([[1., 2.], [3., 4.]])
print(f"Tensor a: {a}")
print(f"Tensor b: {b}")
print(f"Tensor c: {c}")
x = torch.ones(5, 3)
y = torch.zeros(2)
z = torch.empty(1, 1, 5)
print(f"Tensor x: {x}")
print(f"Tensor y: {y}")
print(f"Tensor z: {z.shape}")
a = torch.rand(1, 3)
b = torch.randn(3, 4)
c = torch.zeros_like(a)
d = torch.rand_like(c)
print(f"Tensor a: {a}\nTensor b: {b}\nTensor c: {c}\nTensor d: {d}")
a = torch.arange(0, 10, step=1)
b = np.arange(0, 10, step=1)
c = torch.linspace(0, 5, steps=11)
d = np.linspace(0, 5, num=11)
print(f"Tensor a: {a}\n", f"Numpy array b: {b}\n", f"Tensor c: {c}\n", f"Numpy array d: {d}\n")


def tensor_creation(Z):
    A = torch.ones(20, 21)
    B = torch.tensor(Z)
    C = torch.rand_like(A)
    D = torch.arange(4, 41, step=2)
    return A, B, C, D


Z = np.vander([1, 2, 3], 4)
A, B, C, D = tensor_creation(Z)
print(A.shape, B, B.dtype, C.shape, D)

a = torch.ones(5, 3)
b = torch.rand(5, 3)
c = torch.empty(5, 3)
d = torch.empty(5, 3)
torch.add(a, b, out=c)
d = a + b
print(c, torch.equal(c, d))
x = torch.rand(3, 3)
print(f"Sum of every element of x: {x.sum()}")
print(f"Sum of the columns of x: {x.sum(axis=0)}")
print(f"Sum of the rows of x: {x.sum(axis=1)}")
print(f"Mean value of all elements of x {x.mean()}")
print(f"Mean values of the columns of x {x.mean(axis=0)}")
print(f"Mean values of the rows of x {x.mean(axis=1)}")
a = torch.tensor([[2, 4], [5, 7]])
b = torch.tensor([[1, 1], [2, 3]])
print(a @ b, torch.matmul(a, b), a * b, torch.dot(torch.tensor([1, 2]), torch.tensor([3, 4])))


def simple_operations(a1: torch.Tensor, a2: torch.Tensor, a3: torch.Tensor):
    answer = a1 @ a2 + a3
    return answer


def dot_product(b1: torch.Tensor, b2: torch.Tensor):
    product = b1 @ b2
    return product


print(simple_operations(torch.tensor([[2, 4], [5, 7]]), torch.tensor([[1, 1], [2, 3]]), torch.tensor([[10, 10], [12, 1]])))
print(dot_product(torch.tensor([3, 5, 7]), torch.tensor([2, 4, 8])))

x = torch.arange(0, 10)
print(x, x[-1], x[1:3], x[:-2])
x = torch.rand(1, 2, 3)
print(x, x.flatten(), x.flatten().shape)
z = torch.arange(12).reshape(6, 2)
print(f"Original z: \n{z}")
z = z.view(2, 6)
print(f"Viewed z: \n{z}")
x = torch.randn(1, 10)
print(f"x[0]: {x[0]}")
print(x.shape, x.squeeze(0).shape, x.unsqueeze(1).shape)
x = torch.rand(3, 48, 64)
x = x.permute(1, 2, 0)
print(x.shape)
x = torch.arange(12, dtype=torch.float32).reshape((3, 4))
y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(f"Concatenated by rows: {torch.cat((x, y), dim=0).shape}\n {torch.cat((x, y), dim=0)}")
print(f"Concatenated by colums: {torch.cat((x, y), dim=1).shape}\n {torch.cat((x, y), dim=1)}")
x = torch.randn(5)
print(f"x: {x}  |  x type:  {x.type()}")
y = x.numpy()
print(f"y: {y}  |  y type:  {type(y)}")
z = torch.tensor(y)
print(f"z: {z}  |  z type:  {z.type()}")
a = torch.tensor([3.5])
print(a, a.item(), float(a), int(a))


def functionA(my_tensor1, my_tensor2):
    output = my_tensor1.sum(axis=0) * my_tensor2.flatten()
    return output


def functionB(my_tensor):
    idx_tensor = torch.arange(0, len(my_tensor), dtype=torch.float).view(-1, 1)
    output = torch.cat([idx_tensor, my_tensor], axis=1)
    return output


def functionC(my_tensor1, my_tensor2):
    if torch.numel(my_tensor1) == torch.numel(my_tensor2):
        my_tensor2 = my_tensor2.reshape(my_tensor1.shape)
        output = my_tensor1 + my_tensor2
    else:
        output = torch.cat((my_tensor1.flatten(), my_tensor2.flatten()))
    return output


print(functionA(torch.tensor([[1, 1], [1, 1]]), torch.tensor([[1, 2], [3, 4]])[:1]))
print(functionB(torch.tensor([[2, 3], [-1, 10]])))
print(functionC(torch.tensor([[1, -1], [-1, 3]]), torch.tensor([[2, 3, 0, 2]])))
print(functionC(torch.tensor([[1, -1], [-1, 3]]), torch.tensor([[2, 3, 0]])))

# ---------------------------------------------------------------- W1D1 T1: a first network (two moons)
rng = np.random.RandomState(0)
t = rng.uniform(0, np.pi, 64)
label = rng.randint(0, 2, 64)
data = np.stack([np.where(label == 0, np.cos(t), 1 - np.cos(t)),
                 np.where(label == 0, np.sin(t), 0.5 - np.sin(t)) + rng.normal(0, 0.1, 64),
                 label], 1)
X_orig = torch.tensor(data[:, 0:2]).float()
y_orig = torch.tensor(data[:, 2]).int()
print(f"Size X:{X_orig.shape}")
print(f"Size y:{y_orig.shape}")
X = X_orig.to(DEVICE)
y = y_orig.to(DEVICE)
print(X.dtype, y.dtype, y[:8])


class NaiveNet(nn.Module):

    def __init__(self):
        super(NaiveNet, self).__init__()
        self.layers = nn.Sequential(
            nn.Linear(2, 16),
            nn.ReLU(),
            nn.Linear(16, 2),
        )

    def forward(self, x):
        return self.layers(x)

    def predict(self, x):
        output = self.forward(x)
        return torch.argmax(output, 1)

    def train(self, X, y):
        loss_function = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(self.parameters(), lr=1e-2)
        losses = []
        for i in range(150):
            y_logits = model.forward(X)
            loss = loss_function(y_logits, y.long())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if i % 30 == 0:
                print(f"Epoch {i} loss is {loss.item()}")
        return losses


set_seed(SEED)
model = NaiveNet().to(DEVICE)
print(model)
input = torch.tensor([[1.0, 0.5], [-1.0, 0.2]]).to(DEVICE)
output = model(input)
print(f"Network output: {output}")
print(f"Predicted labels: {model.predict(input)}")
losses = model.train(X, y)
print(len(losses), losses[-1], (model.predict(X) == y).float().mean())
try:
    model.eval()  # nn.Module.eval calls self.train(False): here the tutorial's train, which needs y
except TypeError as e:
    print("TypeError", e)

# ---------------------------------------------------------------- W1D1: DataLoader reproducibility
g_seed = torch.Generator()
g_seed.manual_seed(SEED)
dataset = TensorDataset(X_orig, y_orig)
loader = DataLoader(dataset, batch_size=16, shuffle=True, num_workers=0, worker_init_fn=seed_worker, generator=g_seed)
for i, (xb, yb) in enumerate(loader):
    print(i, xb.shape, yb.dtype, yb[:6])
print(torch.initial_seed(), g_seed.initial_seed(), torch.initial_seed() % 2**32)
seed_worker(0)
print(np.random.rand(), random.random())


# ---------------------------------------------------------------- W1D2 T1: autograd of a simple graph
class SimpleGraph:
    def __init__(self, w, b):
        assert isinstance(w, float)
        assert isinstance(b, float)
        self.w = torch.tensor([w], requires_grad=True)
        self.b = torch.tensor([b], requires_grad=True)

    def forward(self, x):
        assert isinstance(x, torch.Tensor)
        prediction = torch.tanh(x * self.w + self.b)
        return prediction


def sq_loss(y_true, y_prediction):
    assert isinstance(y_true, torch.Tensor)
    assert isinstance(y_prediction, torch.Tensor)
    loss = (y_true - y_prediction)**2
    return loss


feature = torch.tensor([1])
target = torch.tensor([7])
simple_graph = SimpleGraph(-0.5, 0.5)
print(f"initial weight = {simple_graph.w.item()}, \ninitial bias = {simple_graph.b.item()}")
prediction = simple_graph.forward(feature)
square_loss = sq_loss(target, prediction)
print(f"for x={feature.item()} and y={target.item()}, prediction={prediction.item()}, and L2 Loss = {square_loss.item()}")
print(f'Gradient function for prediction = {prediction.grad_fn}')
print(f'Gradient function for loss = {square_loss.grad_fn}')
print(square_loss.grad_fn.next_functions, square_loss.grad_fn.next_functions[0][0].next_functions)
square_loss.backward()
print(simple_graph.w.grad, simple_graph.b.grad)
a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
q.backward(gradient=external_grad)
print(9*a**2 == a.grad, -2*b == b.grad, a.grad, b.grad)


# ---------------------------------------------------------------- W1D2 T1: wide network and a training loop
class WideNet(nn.Module):

    def __init__(self):
        n_cells = 512
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(1, n_cells),
            nn.Tanh(),
            nn.Linear(n_cells, 1),
        )

    def forward(self, x):
        return self.layers(x)


set_seed(seed=SEED)
wide_net = WideNet()
print(wide_net)
x = torch.tensor([1.0])
output = wide_net(x)
print(output)
sgd_optimizer = torch.optim.SGD(wide_net.parameters(), lr=0.003)
print(sgd_optimizer)
mse_loss = nn.MSELoss()
n_samples = 32
inputs = torch.linspace(-1.0, 1.0, n_samples).reshape(n_samples, 1)
noise = torch.randn(n_samples, 1) / 4
targets = torch.sin(math.pi * inputs) + noise


def train(features, labels, model, loss_fun, optimizer, n_epochs):
    loss_record = []
    for i in range(n_epochs):
        optimizer.zero_grad()
        predictions = model(features)
        loss = loss_fun(predictions, labels)
        loss.backward()
        optimizer.step()
        loss_record.append(loss.item())
    return loss_record


with torch.no_grad():
    print("untrained loss", mse_loss(wide_net(inputs), targets))
losses = train(inputs, targets, wide_net, mse_loss, sgd_optimizer, 60)
print(losses[::10])
print(wide_net.layers[0].weight.grad.norm(), wide_net.layers[2].bias)


# ---------------------------------------------------------------- W1D2 T2: deep linear network
class LNNet(nn.Module):

    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.in_hid = nn.Linear(in_dim, hid_dim, bias=False)
        self.hid_out = nn.Linear(hid_dim, out_dim, bias=False)

    def forward(self, x):
        hid = self.in_hid(x)
        out = self.hid_out(hid)
        return out, hid


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        sigma = gamma / math.sqrt(n_in + n_out)
        nn.init.normal_(weight, mean=0.0, std=sigma)


def ex_initializer_(model, gamma=1e-12):
    initializer_(model, gamma)


set_seed(seed=SEED)
dlnn = LNNet(8, 6, 4)
ex_initializer_(dlnn, gamma=0.5)
print(dlnn.in_hid.weight, dlnn.hid_out.weight.std())
items = torch.eye(8)
labels = torch.tensor(np.random.RandomState(1).randint(0, 2, (8, 4)), dtype=torch.float32)
optimizer = torch.optim.SGD(dlnn.parameters(), lr=0.1)
criterion = nn.MSELoss(reduction="sum")
for i in range(40):
    optimizer.zero_grad()
    predictions, hiddens = dlnn(items)
    loss = criterion(predictions, labels)
    loss.backward()
    optimizer.step()
    if i % 10 == 0:
        print(i, loss.item(), hiddens.shape)
U, S, V = torch.svd(labels.T @ items)
print(S)
print(torch.linalg.svd(dlnn.hid_out.weight @ dlnn.in_hid.weight).S.detach())
