import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional

# Deep Learning Wizard's from-scratch pages, shrunk: derivatives and gradients by autograd, gradient
# descent by hand on .data, a two-layer net whose forward, backward (hand-derived derivatives) and
# gradient-descent steps are its own methods (its `train` shadows nn.Module.train), checked against
# autograd, and the fully-connected overcomplete autoencoder denoising dropout-corrupted images.
torch.manual_seed(2)

# ---- derivatives, gradients, Jacobian
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = 5 * (x + 1) ** 2
o = (1 / 2) * torch.sum(y)
o.backward()
print(x.grad, 5 * (x.data + 1))
x.grad.data.zero_()
y = 5 * (x + 1) ** 2
y.backward(torch.ones_like(y) * 2)
print(x.grad)
grad_x, = torch.autograd.grad(outputs=(x ** 3).sum(), inputs=x, create_graph=True)
print(grad_x, grad_x.grad_fn)
second, = torch.autograd.grad(grad_x.sum(), x)
print(second, 6 * x.data)
jacobian = torch.autograd.functional.jacobian(lambda v: v ** 2 + v.sum(), x.detach())
print(jacobian)

# ---- gradient descent by hand on y = (x - 3)^2
x = torch.tensor([-2.0], requires_grad=True)
learning_rate = 0.2
for step in range(12):
    y = (x - 3) ** 2
    y.backward()
    x.data -= learning_rate * x.grad.data
    if step % 3 == 0:
        print('step {} x {} grad {} y {}'.format(step, x.data, x.grad.data, y.item()))
    x.grad.data.zero_()
print(x, x.is_leaf, x.grad)

# ---- two classes of two features (a stand-in for the page's iris rows), standardised
np.random.seed(2)
features = np.concatenate([np.random.normal([5.0, 3.4], 0.4, (50, 2)), np.random.normal([6.0, 2.8], 0.4, (50, 2))])
X = torch.tensor(features, dtype=torch.float)
y = torch.tensor([0] * 50 + [1] * 50, dtype=torch.float).view(-1, 1)
print(X.size(), y.size(), X.dtype, y.dtype)
X = (X - X.mean(dim=0)) / X.std(dim=0)
print(X.mean(dim=0).abs().max() < 1e-6, X.std(dim=0))


class FNN(nn.Module):
    def __init__(self, ):
        super().__init__()
        self.input_dim = 2
        self.hidden_dim = 32
        self.output_dim = 1
        self.learning_rate = 0.001
        self.w1 = torch.randn(self.input_dim, self.hidden_dim)
        self.w2 = torch.randn(self.hidden_dim, self.output_dim)

    def sigmoid(self, s):
        return 1 / (1 + torch.exp(-s))

    def sigmoid_first_order_derivative(self, s):
        return s * (1 - s)

    def forward(self, X):
        self.y1 = torch.matmul(X, self.w1)
        self.y2 = self.sigmoid(self.y1)
        self.y3 = torch.matmul(self.y2, self.w2)
        y4 = self.sigmoid(self.y3)
        return y4

    def backward(self, X, l, y4):
        self.dC_dy4 = y4 - l
        self.dy4_dy3 = self.sigmoid_first_order_derivative(y4)
        self.dy3_dw2 = self.y2
        self.y4_delta = self.dC_dy4 * self.dy4_dy3
        self.dC_dw2 = torch.matmul(torch.t(self.dy3_dw2), self.y4_delta)
        self.dy3_dy2 = self.w2
        self.dy2_dy1 = self.sigmoid_first_order_derivative(self.y2)
        self.y2_delta = torch.matmul(self.y4_delta, torch.t(self.dy3_dy2)) * self.dy2_dy1
        self.dC_dw1 = torch.matmul(torch.t(X), self.y2_delta)
        self.w1 -= self.learning_rate * self.dC_dw1
        self.w2 -= self.learning_rate * self.dC_dw2

    def train(self, X, l):
        y4 = self.forward(X)
        self.backward(X, l, y4)


model = FNN()
print(model, list(model.parameters()), model.state_dict(), model.training)
print(model.w1.shape, model.w2.shape, model.w1.requires_grad)
loss_lst = []
num_epochs = 101
for epoch in range(num_epochs):
    y_hat = model(X)
    cross_entropy_loss = -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat))
    mean_cross_entropy_loss = torch.mean(cross_entropy_loss).detach().item()
    if epoch % 20 == 0:
        print('Epoch {} | Loss: {}'.format(epoch, mean_cross_entropy_loss))
    loss_lst.append(mean_cross_entropy_loss)
    model.train(X, y)
print(len(loss_lst), loss_lst[-1] < loss_lst[0], model.y4_delta.shape, model.dC_dw1[:2, :4])

# the hand-derived gradients against autograd's (the hand cost is the *summed* cross entropy)
w1 = model.w1.clone().requires_grad_()
w2 = model.w2.clone().requires_grad_()
y_hat = torch.sigmoid(torch.sigmoid(X @ w1) @ w2)
loss = F.binary_cross_entropy(y_hat, y, reduction='sum')
loss.backward()
model.forward(X)
model.learning_rate = 0.0
model.backward(X, y, model(X))
print(torch.allclose(w2.grad, model.dC_dw2, atol=1e-5), torch.allclose(w1.grad, model.dC_dw1, atol=1e-5))
print(loss.grad_fn, w1.grad[0, :4])

# ---- fully-connected overcomplete autoencoder, inputs corrupted by dropout
torch.manual_seed(0)
templates = torch.rand(10, 1, 14, 14)
labels = torch.arange(60) % 10
images = (templates[labels] + 0.2 * torch.randn(60, 1, 14, 14)).clamp(0, 1)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images[:40], labels[:40]),
                                           batch_size=10, shuffle=True)
test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images[40:], labels[40:]),
                                          batch_size=10, shuffle=False)


class FullyConnectedAutoencoder(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out = self.fc1(x)
        out = F.leaky_relu(out)
        out = self.fc2(out)
        out = torch.sigmoid(out)
        return out


input_dim = 14 * 14
hidden_dim = int(input_dim * 1.5)
output_dim = input_dim
model = FullyConnectedAutoencoder(input_dim, hidden_dim, output_dim)
print(model)
criterion = nn.MSELoss()
learning_rate = 1e-3
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
dropout = nn.Dropout(0.5)
iter = 0
for epoch in range(2):
    for i, (images, labels) in enumerate(train_loader):
        images = images.view(-1, 14 * 14).requires_grad_()
        noisy_images = dropout(torch.ones(images.shape)) * images
        optimizer.zero_grad()
        outputs = model(noisy_images)
        loss = criterion(outputs, images.view(-1, 14 * 14))
        loss.backward()
        optimizer.step()
        iter += 1
        if iter % 4 == 0:
            total_test_loss = 0
            for images, labels in test_loader:
                images = images.view(-1, 14 * 14).requires_grad_()
                noisy_images = dropout(torch.ones(images.shape)) * images
                outputs = model(noisy_images)
                test_loss = criterion(outputs, images.view(-1, 14 * 14))
                total_test_loss += test_loss
            print('Iteration: {}. Average Test Loss: {}'.format(iter, total_test_loss / len(test_loader)))
print(total_test_loss / len(test_loader), noisy_images.grad_fn, (noisy_images == 0).float().mean())
print(images.grad is None, model.fc1.weight.grad.abs().mean(), dropout.training, dropout)
dropout.eval()
print(dropout(torch.ones(2, 3)), F.dropout(torch.ones(2, 3), p=0.5, training=False))
