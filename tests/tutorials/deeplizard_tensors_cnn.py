import tinygrad_rnn as torch
import numpy as np
from collections import OrderedDict, namedtuple
from itertools import product
nn = torch.nn
F = torch.nn.functional
# deeplizard's "Neural Network Programming - Deep Learning with PyTorch": tensor operations, the four
# ways to make a tensor from data, a CNN's weights and forward pass, a training loop over a RunBuilder's
# hyperparameter combinations, and a confusion matrix built with torch.stack.
dd = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
t = torch.tensor(dd)
print(t, type(t).__name__, t.shape, t.dtype, t.device, t.layout)
print(t.reshape(1, 9), t.reshape(1, 9).shape, len(t.shape), torch.tensor(t.shape).prod(), t.numel())
data = np.array([1, 2, 3])
o1 = torch.Tensor(data)
o2 = torch.tensor(data)
o3 = torch.as_tensor(data)
o4 = torch.from_numpy(data)
print(o1, o2, o3, o4)
print(o1.dtype, o2.dtype, o3.dtype, o4.dtype, torch.get_default_dtype())
print(torch.tensor(np.array([1, 2, 3]), dtype=torch.float64))
data[0] = 0
data[1] = 0
data[2] = 0
print(o1, o2, o3, o4)
print(torch.eye(2), torch.zeros([2, 2]), torch.ones([2, 2]), torch.rand([2, 2]).shape)
t = torch.tensor([
    [1, 1, 1, 1],
    [2, 2, 2, 2],
    [3, 3, 3, 3]
], dtype=torch.float32)
print(t.size(), t.shape, len(t.shape), torch.tensor(t.shape).prod(), t.numel())
print(t.reshape([1, 12]), t.reshape([2, 6]), t.reshape(2, 2, 3))
print(t.reshape([1, 12]).squeeze(), t.reshape([1, 12]).squeeze().shape)
print(t.reshape([1, 12]).squeeze().unsqueeze(dim=0), t.reshape([1, 12]).squeeze().unsqueeze(dim=0).shape)
def flatten(t):
    t = t.reshape(1, -1)
    t = t.squeeze()
    return t
print(flatten(t))
t1 = torch.tensor([[1, 2], [3, 4]])
t2 = torch.tensor([[5, 6], [7, 8]])
print(torch.cat((t1, t2), dim=0), torch.cat((t1, t2), dim=1), torch.cat((t1, t2), dim=1).shape)
t1 = torch.tensor([
    [1, 1, 1, 1],
    [1, 1, 1, 1],
    [1, 1, 1, 1],
    [1, 1, 1, 1]
])
t2 = t1 * 2
t3 = t1 * 3
t = torch.stack((t1, t2, t3))
print(t.shape)
t = t.reshape(3, 1, 4, 4)
print(t, t[0], t[0][0], t[0][0][0], t[0][0][0][0])
print(t.reshape(1, -1)[0], t.reshape(-1), t.view(t.numel()), t.flatten())
print(t.flatten(start_dim=1).shape, t.flatten(start_dim=1))
r = torch.ones(1, 2, 2)
g = r + 1
b = r + 2
img = torch.cat((r, g, b), dim=0)
print(img.shape, img.flatten(start_dim=0), img.flatten(start_dim=1))
t1 = torch.tensor([[1, 2], [3, 4]], dtype=torch.float32)
t2 = torch.tensor([[9, 8], [7, 6]], dtype=torch.float32)
print(t1[0], t1[0][0], t2[0][0], t1 + t2, t1 + 2, t1 - 2, t1 * 2, t1 / 2)
print(t1.add(2), t1.sub(2), t1.mul(2), t1.div(2))
print(np.broadcast_to(2, t1.shape), t1 + torch.tensor(np.broadcast_to(2, t1.shape), dtype=torch.float32))
t1 = torch.tensor([[1, 1], [1, 1]], dtype=torch.float32)
t2 = torch.tensor([2, 4], dtype=torch.float32)
print(np.broadcast_to(t2.numpy(), t1.shape), t1 + t2)
t = torch.tensor([[0, 5, 0], [6, 0, 7], [0, 8, 0]], dtype=torch.float32)
print(t.eq(0), t.ge(0), t.gt(0), t.lt(0), t.le(7))
print(t.abs(), t.sqrt(), t.neg(), t.neg().abs())
t = torch.tensor([[0, 1, 0], [2, 0, 2], [0, 3, 0]], dtype=torch.float32)
print(t.sum(), t.numel(), t.sum().numel(), t.sum().numel() < t.numel())
print(t.sum(), t.prod(), t.mean(), t.std())
t = torch.tensor([[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]], dtype=torch.float32)
print(t.sum(dim=0), t.sum(dim=1), t[0] + t[1] + t[2], t[0].sum())
t = torch.tensor([[1, 0, 0, 2], [0, 3, 3, 0], [4, 0, 0, 5]], dtype=torch.float32)
print(t.max(), t.argmax(), t.flatten(), t.max(dim=0), t.argmax(dim=0), t.max(dim=1), t.argmax(dim=1))
t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=torch.float32)
print(t.mean(), t.mean().item(), t.mean(dim=0).tolist(), t.mean(dim=0).numpy())

# the network
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5)
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=12, kernel_size=5)
        self.fc1 = nn.Linear(in_features=12 * 4 * 4, out_features=120)
        self.fc2 = nn.Linear(in_features=120, out_features=60)
        self.out = nn.Linear(in_features=60, out_features=10)
    def forward(self, t):
        t = t
        t = self.conv1(t)
        t = F.relu(t)
        t = F.max_pool2d(t, kernel_size=2, stride=2)
        t = self.conv2(t)
        t = F.relu(t)
        t = F.max_pool2d(t, kernel_size=2, stride=2)
        t = t.reshape(-1, 12 * 4 * 4)
        t = self.fc1(t)
        t = F.relu(t)
        t = self.fc2(t)
        t = F.relu(t)
        t = self.out(t)
        return t
torch.manual_seed(50)
network = Network()
print(network)
print(network.conv1, network.conv1.weight.shape, network.conv2.weight.shape, network.fc1.weight.shape)
print(network.conv2.weight[0].shape, network.fc2.weight.shape, network.out.weight.shape)
for param in network.parameters():
    print(param.shape)
for name, param in network.named_parameters():
    print(name, "\t\t", param.shape)
in_features = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
weight_matrix = torch.tensor([[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]], dtype=torch.float32)
print(weight_matrix.matmul(in_features))
fc = nn.Linear(in_features=4, out_features=3, bias=False)
fc.weight = nn.Parameter(weight_matrix)
print(fc(in_features), fc.weight)
# made-up 28x28 "fashion" images: class k has a bright square at position k
images = torch.rand(100, 1, 28, 28) * 0.3
targets = torch.arange(100) % 10
for k in range(10):
    images[targets == k, 0, 2 * k:2 * k + 8, 2 * k:2 * k + 8] += 0.7
train_set = torch.utils.data.TensorDataset(images, targets)
sample = next(iter(train_set))
image, label = sample
print(len(train_set), image.shape, label, type(label).__name__)
torch.set_grad_enabled(False)
pred = network(image.unsqueeze(0))
print(pred.shape, pred, pred.argmax(dim=1), F.softmax(pred, dim=1), F.softmax(pred, dim=1).sum())
print(pred.requires_grad, pred.grad_fn)
data_loader = torch.utils.data.DataLoader(train_set, batch_size=10)
batch = next(iter(data_loader))
images_b, labels_b = batch
preds = network(images_b)
print(preds.argmax(dim=1), labels_b, preds.argmax(dim=1).eq(labels_b), preds.argmax(dim=1).eq(labels_b).sum())
def get_num_correct(preds, labels):
    return preds.argmax(dim=1).eq(labels).sum().item()
print(get_num_correct(preds, labels_b))
torch.set_grad_enabled(True)
print(torch.is_grad_enabled())
train_loader = torch.utils.data.DataLoader(train_set, batch_size=20, shuffle=True)
optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
for epoch in range(2):
    total_loss = 0
    total_correct = 0
    for batch in train_loader:
        images_b, labels_b = batch
        preds = network(images_b)
        loss = F.cross_entropy(preds, labels_b)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        total_correct += get_num_correct(preds, labels_b)
    print("epoch:", epoch, "total_correct:", total_correct, "loss:", total_loss)
print(network.conv1.weight.grad.shape, network.conv1.weight.grad[0, 0, 0])

# predictions and the confusion matrix
@torch.no_grad()
def get_all_preds(model, loader):
    all_preds = torch.tensor([])
    for batch in loader:
        images_b, labels_b = batch
        preds = model(images_b)
        all_preds = torch.cat((all_preds, preds), dim=0)
    return all_preds
prediction_loader = torch.utils.data.DataLoader(train_set, batch_size=25)
train_preds = get_all_preds(network, prediction_loader)
print(train_preds.shape, train_preds.requires_grad, train_preds.grad)
with torch.no_grad():
    train_preds2 = get_all_preds(network, prediction_loader)
print(torch.equal(train_preds, train_preds2))
preds_correct = get_num_correct(train_preds, targets)
print("total correct:", preds_correct, "accuracy:", preds_correct / len(train_set))
stacked = torch.stack((targets, train_preds.argmax(dim=1)), dim=1)
print(stacked.shape, stacked[:5], stacked[0].tolist())
cmt = torch.zeros(10, 10, dtype=torch.int64)
for p in stacked:
    tl, pl = p.tolist()
    cmt[tl, pl] = cmt[tl, pl] + 1
print(cmt)
cmt2 = torch.zeros(10, 10, dtype=torch.int32)
cmt2.index_put_((stacked[:, 0], stacked[:, 1]), torch.ones(100, dtype=torch.int32), accumulate=True)
print(cmt2, torch.equal(cmt2.long(), cmt), cmt.diag(), cmt.sum(1))

# RunBuilder and RunManager-style bookkeeping
class RunBuilder():
    @staticmethod
    def get_runs(params):
        Run = namedtuple("Run", params.keys())
        runs = []
        for v in product(*params.values()):
            runs.append(Run(*v))
        return runs
params = OrderedDict(lr=[.01, .001], batch_size=[50, 100], shuffle=[True, False])
runs = RunBuilder.get_runs(params)
print(runs[0], runs[0].lr, runs[0].batch_size, len(runs))
results = []
for run in RunBuilder.get_runs(OrderedDict(lr=[.01, .001], batch_size=[25, 50])):
    torch.manual_seed(1)
    network = Network()
    loader = torch.utils.data.DataLoader(train_set, batch_size=run.batch_size)
    optimizer = torch.optim.Adam(network.parameters(), lr=run.lr)
    comment = f"-{run}"
    for epoch in range(1):
        total_loss = 0
        total_correct = 0
        for images_b, labels_b in loader:
            preds = network(images_b)
            loss = F.cross_entropy(preds, labels_b)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * images_b.shape[0]
            total_correct += get_num_correct(preds, labels_b)
    results.append(OrderedDict(run=comment, epoch=epoch + 1, loss=round(total_loss, 4), accuracy=total_correct / 100))
for r in results:
    print(r)
with torch.set_grad_enabled(False):
    out = network(images[:2])
    print(out.requires_grad)
print(torch.is_grad_enabled(), out.shape)
