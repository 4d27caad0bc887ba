import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Dive into Deep Learning chapter 8 (PyTorch edition): a VGG block, a NiN block with global average
# pooling, a GoogLeNet Inception block, batch normalization from scratch vs nn.LazyBatchNorm2d /
# BatchNorm1d, the ResNet Residual block and a small DenseNet, all on tiny inputs.
torch.manual_seed(0)


def init_cnn(module):
    """Initialize weights for CNNs."""
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


def layer_summary(net, X_shape):
    X = torch.randn(*X_shape)
    for layer in net:
        X = layer(X)
        print(layer.__class__.__name__, 'output shape:\t', X.shape)


# 8.2 VGG
def vgg_block(num_convs, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.LazyConv2d(out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, arch, lr=0.1, num_classes=10):
        super().__init__()
        conv_blks = []
        for (num_convs, out_channels) in arch:
            conv_blks.append(vgg_block(num_convs, out_channels))
        self.net = nn.Sequential(
            *conv_blks, nn.Flatten(),
            nn.LazyLinear(32), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(num_classes))

    def forward(self, X):
        return self.net(X)


vgg = VGG(arch=((1, 4), (1, 8), (2, 8)))
layer_summary(vgg.net, (1, 1, 16, 16))
vgg.net.apply(init_cnn)
print(vgg)
vgg.eval()
print(vgg(torch.rand(2, 1, 16, 16)))


# 8.3 NiN
def nin_block(out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.LazyConv2d(out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU(),
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU())


class NiN(nn.Module):
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nin_block(8, kernel_size=5, strides=2, padding=0),
            nn.MaxPool2d(3, stride=2),
            nin_block(num_classes, kernel_size=3, strides=1, padding=1),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten())

    def forward(self, X):
        return self.net(X)


nin = NiN()
layer_summary(nin.net, (1, 1, 24, 24))
print(nin.net[0], nin.net[3])
out = nin(torch.randn(2, 1, 24, 24))
print(out, out.grad_fn)
print(nn.AdaptiveAvgPool2d(2)(torch.arange(25.0).reshape(1, 1, 5, 5)))
print(nn.AdaptiveMaxPool2d((2, 3))(torch.arange(25.0).reshape(1, 1, 5, 5)))


# 8.4 GoogLeNet
class Inception(nn.Module):
    # c1--c4 are the number of output channels for each branch
    def __init__(self, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        # Branch 1
        self.b1_1 = nn.LazyConv2d(c1, kernel_size=1)
        # Branch 2
        self.b2_1 = nn.LazyConv2d(c2[0], kernel_size=1)
        self.b2_2 = nn.LazyConv2d(c2[1], kernel_size=3, padding=1)
        # Branch 3
        self.b3_1 = nn.LazyConv2d(c3[0], kernel_size=1)
        self.b3_2 = nn.LazyConv2d(c3[1], kernel_size=5, padding=2)
        # Branch 4
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.LazyConv2d(c4, kernel_size=1)

    def forward(self, x):
        b1 = F.relu(self.b1_1(x))
        b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
        b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
        b4 = F.relu(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)


inc = Inception(2, (2, 4), (1, 2), 2)
x = torch.randn(1, 3, 6, 6, requires_grad=True)
y = inc(x)
print(y.shape, y.grad_fn, y[0, :, 0, 0])
y.pow(2).mean().backward()
print(x.grad[0, 0, :2], inc.b3_2.weight.grad.shape, inc.b3_2.bias.grad)
b1 = nn.Sequential(nn.LazyConv2d(8, kernel_size=7, stride=2, padding=3), nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
print(b1(torch.randn(1, 1, 24, 24)).shape)


# 8.5 batch normalization
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # Use is_grad_enabled to determine whether we are in training mode
    if not torch.is_grad_enabled():
        # In prediction mode, use mean and variance obtained by moving average
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # When using a fully connected layer, calculate the mean and
            # variance on the feature dimension
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # When using a two-dimensional convolutional layer, calculate the
            # mean and variance on the channel dimension (axis=1). Here we
            # need to maintain the shape of X, so that the broadcasting
            # operation can be carried out later
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # In training mode, the current mean and variance are used
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # Update the mean and variance using moving average
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta  # Scale and shift
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    # num_features: the number of outputs for a fully connected layer or the
    # number of output channels for a convolutional layer. num_dims: 2 for a
    # fully connected layer and 4 for a convolutional layer
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        # The scale parameter and the shift parameter (model parameters) are
        # initialized to 1 and 0, respectively
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # The variables that are not model parameters are initialized to 0 and
        # 1
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        # If X is not on the main memory, copy moving_mean and moving_var to
        # the device where X is located
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        # Save the updated moving_mean and moving_var
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.1)
        return Y


X = torch.randn(4, 3, 5, 5) * 2 + 1
bn = BatchNorm(3, num_dims=4)
Y = bn(X)
print(Y[0, 0, 0], Y.grad_fn, bn.moving_mean.flatten(), bn.moving_var.flatten())
with torch.no_grad():
    print(bn(X)[0, 0, 0])
lbn = nn.LazyBatchNorm2d()
print(lbn)
Y2 = lbn(X)
print(lbn, Y2[0, 0, 0], Y2.grad_fn)
print(lbn.running_mean, lbn.running_var, lbn.num_batches_tracked)
print((Y - Y2).abs().max() < 1e-5, [n for n, _ in lbn.named_buffers()])
weights = torch.arange(75.0).reshape(1, 3, 5, 5) / 75 - 0.3
(Y * weights).sum().backward()
print(bn.gamma.grad.flatten(), bn.beta.grad.flatten())
(Y2 * weights).sum().backward()
print(lbn.weight.grad, lbn.bias.grad)
lbn.eval()
print(lbn(X)[0, 0, 0])
bn1 = nn.BatchNorm1d(4, momentum=0.2)
H = torch.randn(6, 4) * 3
out = bn1(H)
print(out[:2], bn1.running_mean, bn1.running_var, out.grad_fn)
bn1.eval()
print(bn1(H)[:2], bn1.training)
bnl = nn.LazyBatchNorm1d(affine=False, track_running_stats=False)
print(bnl(H)[:2], bnl)

net = nn.Sequential(
    nn.LazyConv2d(6, kernel_size=5), nn.LazyBatchNorm2d(), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(), nn.LazyLinear(12), nn.LazyBatchNorm1d(), nn.Sigmoid(),
    nn.LazyLinear(10))
layer_summary(net, (4, 1, 12, 12))
print(net)


# 8.6 ResNet
class Residual(nn.Module):
    """The Residual block of ResNet models."""
    def __init__(self, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1,
                                   stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1,
                                       stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


blk = Residual(3)
X = torch.randn(4, 3, 6, 6)
print(blk(X).shape)
blk = Residual(6, use_1x1conv=True, strides=2)
out = blk(X)
print(out.shape, out.grad_fn, out[0, 0, 0])
print(blk)
out.sum().backward()
print(blk.conv3.weight.grad.flatten()[:4], blk.bn1.weight.grad)


# 8.7 DenseNet
def conv_block(num_channels):
    return nn.Sequential(
        nn.LazyBatchNorm2d(), nn.ReLU(),
        nn.LazyConv2d(num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    def __init__(self, num_convs, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            # Concatenate input and output of each block along the channels
            X = torch.cat((X, Y), dim=1)
        return X


def transition_block(num_channels):
    return nn.Sequential(
        nn.LazyBatchNorm2d(), nn.ReLU(),
        nn.LazyConv2d(num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


blk = DenseBlock(2, 4)
X = torch.randn(2, 3, 8, 8)
Y = blk(X)
print(Y.shape)
blk2 = transition_block(5)
print(blk2(Y).shape)
model = nn.Sequential(blk, blk2, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(3))
model.apply(init_cnn)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
y = torch.tensor([0, 2])
for step in range(3):
    loss = F.cross_entropy(model(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, loss.item())
print(sum(p.numel() for p in model.parameters()), model[0].net[1][0].running_var)
