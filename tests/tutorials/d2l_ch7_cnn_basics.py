import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Dive into Deep Learning chapter 7 (PyTorch edition): cross-correlation by loops, a Conv2D module
# from scratch, learning an edge-detection kernel, padding/stride shape arithmetic, multiple input
# and output channels, 1x1 convolution as a matmul, pooling by loops vs nn.MaxPool2d/AvgPool2d,
# and LeNet built from lazy modules with xavier init applied after a dummy forward.
torch.manual_seed(0)


def corr2d(X, K):
    """Compute 2D cross-correlation."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
print(corr2d(X, K))


class Conv2D(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(kernel_size))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return corr2d(x, self.weight) + self.bias


X = torch.ones((6, 8))
X[:, 2:6] = 0
print(X)
K = torch.tensor([[1.0, -1.0]])
Y = corr2d(X, K)
print(Y)
print(corr2d(X.t(), K))

my_conv = Conv2D(kernel_size=(1, 2))
out = my_conv(X)
print(out.shape, out.grad_fn, [(n, p.shape) for n, p in my_conv.named_parameters()])
out.sum().backward()
print(my_conv.weight.grad, my_conv.bias.grad)

# Construct a two-dimensional convolutional layer with 1 output channel and a kernel of shape (1, 2).
conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)
X = X.reshape((1, 1, 6, 8))
Y = Y.reshape((1, 1, 6, 7))
lr = 3e-2  # Learning rate
for i in range(10):
    Y_hat = conv2d(X)
    l = (Y_hat - Y) ** 2
    conv2d.zero_grad()
    l.sum().backward()
    # Update the kernel
    conv2d.weight.data[:] -= lr * conv2d.weight.grad
    if (i + 1) % 2 == 0:
        print(f'epoch {i + 1}, loss {l.sum():.3f}')
print(conv2d.weight.data.reshape((1, 2)))
print(conv2d)


# 7.3 padding and stride
def comp_conv2d(conv2d, X):
    # (1, 1) indicates that batch size and the number of channels are both 1
    X = X.reshape((1, 1) + X.shape)
    Y = conv2d(X)
    # Strip the first two dimensions: examples and channels
    return Y.reshape(Y.shape[2:])


X = torch.rand(size=(8, 8))
conv2d = nn.LazyConv2d(1, kernel_size=3, padding=1)
print(comp_conv2d(conv2d, X).shape)
conv2d = nn.LazyConv2d(1, kernel_size=(5, 3), padding=(2, 1))
print(comp_conv2d(conv2d, X).shape)
conv2d = nn.LazyConv2d(1, kernel_size=3, padding=1, stride=2)
print(comp_conv2d(conv2d, X).shape)
conv2d = nn.LazyConv2d(1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
print(comp_conv2d(conv2d, X).shape, conv2d)
conv2d = nn.Conv2d(1, 1, kernel_size=3, padding='same')
print(comp_conv2d(conv2d, X).shape, conv2d)


# 7.4 multiple input and output channels
def corr2d_multi_in(X, K):
    # Iterate through the 0th dimension (channel) of K first, then add them up
    return sum(corr2d(x, k) for x, k in zip(X, K))


X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                  [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
print(corr2d_multi_in(X, K))


def corr2d_multi_in_out(X, K):
    # Iterate through the 0th dimension of K, and each time, perform
    # cross-correlation operations with input X. All of the results are
    # stacked together
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


K = torch.stack((K, K + 1, K + 2), 0)
print(K.shape)
print(corr2d_multi_in_out(X, K))
print(F.conv2d(X.unsqueeze(0), K).squeeze(0))


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    # Matrix multiplication in the fully connected layer
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


X = torch.normal(0, 1, (3, 3, 3))
K = torch.normal(0, 1, (2, 3, 1, 1))
Y1 = corr2d_multi_in_out_1x1(X, K)
Y2 = corr2d_multi_in_out(X, K)
assert float(torch.abs(Y1 - Y2).sum()) < 1e-6
print(Y1, float(torch.abs(Y1 - Y2).sum()) < 1e-6)


# 7.5 pooling
def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
print(pool2d(X, (2, 2)))
print(pool2d(X, (2, 2), 'avg'))
X = torch.arange(16, dtype=torch.float32).reshape((1, 1, 4, 4))
print(X)
pool2d = nn.MaxPool2d(3)
# Pooling has no model parameters, hence it needs no initialization
print(pool2d(X), pool2d)
pool2d = nn.MaxPool2d(3, padding=1, stride=2)
print(pool2d(X), pool2d)
pool2d = nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))
print(pool2d(X), pool2d)
X = torch.cat((X, X + 1), 1)
print(X)
pool2d = nn.MaxPool2d(3, padding=1, stride=2)
print(pool2d(X))
avg = nn.AvgPool2d(3, padding=1, stride=2)
print(avg(X), avg)
avg = nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1), count_include_pad=False)
print(avg(X), avg)
print(F.max_pool2d(X, 2), F.avg_pool2d(X, kernel_size=2, stride=1)[0, 1])
out, idx = F.max_pool2d(X, 2, return_indices=True)
print(idx, nn.MaxPool2d(2, ceil_mode=True)(X[:, :, :3, :3]))
Xg = X.clone().requires_grad_()
nn.MaxPool2d(3, padding=1, stride=2)(Xg).sum().backward()
print(Xg.grad)
Xg.grad = None
nn.AvgPool2d(3, padding=1, stride=2)(Xg).sum().backward()
print(Xg.grad)


# 7.6 LeNet
def init_cnn(module):
    """Initialize weights for CNNs."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


class LeNet(nn.Module):
    """The LeNet-5 model."""
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.LazyLinear(120), nn.Sigmoid(),
            nn.LazyLinear(84), nn.Sigmoid(),
            nn.LazyLinear(num_classes))

    def forward(self, X):
        return self.net(X)

    def apply_init(self, inputs, init=None):
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)

    def layer_summary(self, X_shape):
        X = torch.randn(*X_shape)
        for layer in self.net:
            X = layer(X)
            print(layer.__class__.__name__, 'output shape:\t', X.shape)


model = LeNet()
print(model)
model.layer_summary((1, 1, 28, 28))
print(model)
model = LeNet(lr=0.1)
model.apply_init([torch.randn(2, 1, 28, 28)], init_cnn)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
print(model.net[0].weight[0, 0, 0], model.net[-1].bias[:3])
X = torch.rand(16, 1, 28, 28)
y = torch.randint(0, 10, (16,))
optimizer = torch.optim.SGD(model.parameters(), lr=model.lr)
for epoch in range(3):
    Y_hat = model(X)
    loss = F.cross_entropy(Y_hat, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    acc = (Y_hat.argmax(axis=1).type(y.dtype) == y).type(torch.float32).mean()
    print(epoch, f'{loss.item():.5f}', float(acc), loss.grad_fn)
print(model.net[3].weight.grad[0, 0, 0], model.net[3].bias.grad[:4])
