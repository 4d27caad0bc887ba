import tinygrad_rnn as torch
# CMU 11-785 HW1P1/HW2P1 style: layers written by hand in numpy (Linear, activations, softmax
# cross-entropy, BatchNorm1d with running statistics, Conv1d and a strided Conv2d, max pooling),
# each forward and backward compared with the torch layer and autograd, as the local autograder does.
import numpy as np

nn = torch.nn
F = torch.nn.functional
np.random.seed(11785)
torch.manual_seed(11785)


def close(mine, theirs, tol=1e-5):
    return bool(np.allclose(mine, theirs.detach().numpy(), atol=tol, rtol=tol))


class Linear:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, A):
        self.A = A
        return A @ self.W.T + self.b

    def backward(self, dLdZ):
        self.dLdW = dLdZ.T @ self.A
        self.dLdb = dLdZ.sum(0)
        return dLdZ @ self.W


class Activations:
    @staticmethod
    def sigmoid(Z):
        A = 1 / (1 + np.exp(-Z))
        return A, A * (1 - A)

    @staticmethod
    def tanh(Z):
        A = np.tanh(Z)
        return A, 1 - A ** 2

    @staticmethod
    def relu(Z):
        return np.maximum(Z, 0), (Z > 0).astype(Z.dtype)

    @staticmethod
    def gelu(Z):
        from math import erf, pi, sqrt
        cdf = 0.5 * (1 + np.vectorize(erf)(Z / sqrt(2)))
        pdf = np.exp(-Z ** 2 / 2) / sqrt(2 * pi)
        return Z * cdf, cdf + Z * pdf


class CrossEntropyLoss:
    def forward(self, Z, Y):
        e = np.exp(Z - Z.max(1, keepdims=True))
        self.softmax, self.Y = e / e.sum(1, keepdims=True), Y
        return (-Y * np.log(self.softmax)).sum() / Z.shape[0]

    def backward(self):
        return (self.softmax - self.Y) / self.Y.shape[0]


N, D, H, C = 6, 5, 7, 3
X = np.random.randn(N, D)
labels = np.random.randint(0, C, N)
Y = np.eye(C)[labels]
l1, l2 = nn.Linear(D, H).double(), nn.Linear(H, C).double()
mine1 = Linear(l1.weight.detach().numpy().copy(), l1.bias.detach().numpy().copy())
mine2 = Linear(l2.weight.detach().numpy().copy(), l2.bias.detach().numpy().copy())
for name, act in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", F.relu), ("gelu", F.gelu)]:
    for layer in (l1, l2):
        layer.zero_grad()
    x = torch.tensor(X, requires_grad=True)
    z1 = l1(x)
    a1 = act(z1)
    z2 = l2(a1)
    loss = nn.CrossEntropyLoss()(z2, torch.tensor(labels))
    loss.backward()
    ce = CrossEntropyLoss()
    Z1 = mine1.forward(X)
    A1, dA1dZ1 = getattr(Activations, name)(Z1)
    Z2 = mine2.forward(A1)
    my_loss = ce.forward(Z2, Y)
    dZ1 = mine2.backward(ce.backward()) * dA1dZ1
    dX = mine1.backward(dZ1)
    print(name, a1.grad_fn.name(), round(loss.item(), 10), abs(my_loss - loss.item()) < 1e-12, close(dX, x.grad, 1e-10),
          close(mine1.dLdW, l1.weight.grad, 1e-10), close(mine2.dLdb, l2.bias.grad, 1e-10))


class BatchNorm1d:
    def __init__(self, num_features, alpha=0.9):
        self.alpha, self.eps = alpha, 1e-5
        self.BW, self.Bb = np.ones((1, num_features)), np.zeros((1, num_features))
        self.running_M, self.running_V = np.zeros((1, num_features)), np.ones((1, num_features))

    def forward(self, Z, eval=False):
        if eval:
            return self.BW * (Z - self.running_M) / np.sqrt(self.running_V + self.eps) + self.Bb
        self.Z, self.N = Z, Z.shape[0]
        self.M, self.V = Z.mean(0, keepdims=True), Z.var(0, keepdims=True)
        self.NZ = (Z - self.M) / np.sqrt(self.V + self.eps)
        self.running_M = self.alpha * self.running_M + (1 - self.alpha) * self.M
        self.running_V = self.alpha * self.running_V + (1 - self.alpha) * Z.var(0, ddof=1, keepdims=True)
        return self.BW * self.NZ + self.Bb

    def backward(self, dLdBZ):
        self.dLdBW = (dLdBZ * self.NZ).sum(0, keepdims=True)
        self.dLdBb = dLdBZ.sum(0, keepdims=True)
        dLdNZ = dLdBZ * self.BW
        inv = 1 / np.sqrt(self.V + self.eps)
        return inv / self.N * (self.N * dLdNZ - dLdNZ.sum(0) - self.NZ * (dLdNZ * self.NZ).sum(0))


bn = nn.BatchNorm1d(4, momentum=0.1).double()
print(bn, bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.training)
mine = BatchNorm1d(4)
for step in range(3):
    Z = np.random.randn(8, 4) * 3 + 1
    z = torch.tensor(Z, requires_grad=True)
    out = bn(z)
    up = np.random.randn(8, 4)
    out.backward(torch.tensor(up))
    my_out = mine.forward(Z)
    dZ = mine.backward(up)
    print(step, out.grad_fn.name(), close(my_out, out, 1e-10), close(dZ, z.grad, 1e-10), close(mine.dLdBW, bn.weight.grad[None], 1e-9),
          close(mine.running_M, bn.running_mean[None], 1e-12), close(mine.running_V, bn.running_var[None], 1e-12), bn.num_batches_tracked)
    bn.zero_grad()
bn.eval()
Z = np.random.randn(3, 4)
print("eval", close(mine.forward(Z, eval=True), bn(torch.tensor(Z)), 1e-10), bn(torch.tensor(Z)).grad_fn.name())
print(bn.running_var, bn.state_dict().keys())


def conv1d_by_hand(A, W, b, stride):
    batch, _, width = A.shape
    out_channels, _, kernel = W.shape
    out_width = (width - kernel) // stride + 1
    Z = np.zeros((batch, out_channels, out_width))
    for i in range(out_width):
        Z[:, :, i] = np.tensordot(A[:, :, i * stride:i * stride + kernel], W, axes=([1, 2], [1, 2])) + b
    return Z


def conv1d_backward_by_hand(A, W, dLdZ, stride):
    dLdA, dLdW = np.zeros_like(A), np.zeros_like(W)
    kernel = W.shape[2]
    for i in range(dLdZ.shape[2]):
        window = A[:, :, i * stride:i * stride + kernel]
        dLdW += np.tensordot(dLdZ[:, :, i], window, axes=([0], [0]))
        dLdA[:, :, i * stride:i * stride + kernel] += np.tensordot(dLdZ[:, :, i], W, axes=([1], [0]))
    return dLdA, dLdW, dLdZ.sum((0, 2))


for stride in (1, 2):
    conv = nn.Conv1d(3, 4, kernel_size=3, stride=stride).double()
    A = np.random.randn(2, 3, 9)
    a = torch.tensor(A, requires_grad=True)
    z = conv(a)
    up = np.random.randn(*z.shape)
    z.backward(torch.from_numpy(up))
    W, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    dA, dW, db = conv1d_backward_by_hand(A, W, up, stride)
    print("conv1d", stride, tuple(z.shape), z.grad_fn.name(), close(conv1d_by_hand(A, W, b, stride), z, 1e-10),
          close(dA, a.grad, 1e-10), close(dW, conv.weight.grad, 1e-10), close(db, conv.bias.grad, 1e-10))

conv2d = nn.Conv2d(2, 3, kernel_size=(2, 3), stride=2, padding=1).double()
x = torch.randn(2, 2, 5, 6, dtype=torch.float64, requires_grad=True)
y = conv2d(x)
pooled = F.max_pool2d(y, kernel_size=2, stride=1)
print(conv2d, y.shape, pooled.shape, pooled.grad_fn.name())
pooled.sum().backward()
print(conv2d.weight.grad.shape, conv2d.weight.grad.sum().item(), x.grad.abs().sum().item())
print(torch.autograd.gradcheck(lambda t: F.max_pool2d(conv2d(t), 2, 1), (x.detach().requires_grad_(),)))
print(F.avg_pool1d(torch.arange(8.).view(1, 1, 8), 2), nn.MaxPool1d(3, stride=2, return_indices=True)(torch.arange(8.).view(1, 1, 8)))
unfolded = F.unfold(torch.arange(16.).view(1, 1, 4, 4), kernel_size=2, stride=2)
print(unfolded.shape, unfolded[0, :, 0], F.fold(unfolded, (4, 4), kernel_size=2, stride=2).squeeze())
