import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
# Patrick Loeber's PyTorch tutorials, parts 2-5: tensor basics, autograd, backpropagation and
# gradient descent, first by hand in numpy, then with autograd, then with nn.Linear / MSELoss / SGD.
torch.manual_seed(0)
x = torch.empty(2, 3)
print(x.shape, x.dtype)
x = torch.rand(2, 2)
y = torch.rand(2, 2)
print(x, y)
z = x + y
z = torch.add(x, y)
print(z)
y.add_(x)
print(y)
z = torch.sub(x, y)
z = torch.mul(x, y)
z = torch.div(x, y)
print(z)
x = torch.rand(5, 3)
print(x[:, 0], x[1, :], x[1, 1], x[1, 1].item())
x = torch.rand(4, 4)
y = x.view(16)
z = x.view(-1, 8)
print(y.size(), z.size())
a = torch.ones(5)
b = a.numpy()
print(a, b, type(b))
a.add_(1)
print(a, b)
a = np.ones(5)
b = torch.from_numpy(a)
a += 1
print(a, b)
x = torch.ones(5, requires_grad=True)
print(x)
z = torch.zeros(3, dtype=torch.int)
print(z, z.dtype)
t = torch.tensor([2.5, 0.1])
print(t, torch.ones(2, 2, dtype=torch.float16), torch.ones(2, 2, dtype=torch.double))

# autograd
x = torch.randn(3, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 2
print(z, z.grad_fn)
z = z.mean()
print(z)
z.backward()
print(x.grad)
x = torch.randn(3, requires_grad=True)
y = x * 2
for _ in range(10):
    y = y * 2
print(y, y.shape)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float32)
y.backward(v)
print(x.grad)
a = torch.randn(2, 2)
print(a.requires_grad)
b = ((a * 3) / (a - 1))
print(b.grad_fn)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
a = torch.randn(2, 2, requires_grad=True)
b = a.detach()
print(b.requires_grad)
with torch.no_grad():
    y = a + 2
    print(y.requires_grad, y)
a.requires_grad_(False)
print(a.requires_grad)
weights = torch.ones(4, requires_grad=True)
for epoch in range(3):
    model_output = (weights * 3).sum()
    model_output.backward()
    print(weights.grad)
    weights.grad.zero_()
print(weights.grad)
optimizer = torch.optim.SGD([weights], lr=0.1)
optimizer.step()
optimizer.zero_grad()
print(weights, weights.grad)

# backpropagation by hand
x = torch.tensor(1.0)
y = torch.tensor(2.0)
w = torch.tensor(1.0, requires_grad=True)
y_predicted = w * x
loss = (y_predicted - y) ** 2
print(loss, loss.grad_fn)
loss.backward()
print(w.grad)
with torch.no_grad():
    w -= 0.01 * w.grad
w.grad.zero_()
print(w)

# gradient descent with numpy
X = np.array([1, 2, 3, 4], dtype=np.float32)
Y = np.array([2, 4, 6, 8], dtype=np.float32)
w = 0.0
def forward(x):
    return w * x
def loss(y, y_pred):
    return ((y_pred - y) ** 2).mean()
def gradient(x, y, y_pred):
    return np.dot(2 * x, y_pred - y).mean()
print(f"Prediction before training: f(5) = {forward(5):.3f}")
learning_rate = 0.01
for epoch in range(10):
    y_pred = forward(X)
    l = loss(Y, y_pred)
    dw = gradient(X, Y, y_pred)
    w -= learning_rate * dw
    if epoch % 2 == 0:
        print(f"epoch {epoch + 1}: w = {w:.3f}, loss = {l:.8f}")
print(f"Prediction after training: f(5) = {forward(5):.3f}")

# gradient descent with autograd
X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
Y = torch.tensor([2, 4, 6, 8], dtype=torch.float32)
w = torch.tensor(0.0, dtype=torch.float32, requires_grad=True)
print(f"Prediction before training: f(5) = {forward(5):.3f}")
for epoch in range(20):
    y_pred = forward(X)
    l = loss(Y, y_pred)
    l.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
    w.grad.zero_()
    if epoch % 4 == 0:
        print(f"epoch {epoch + 1}: w = {w:.3f}, loss = {l:.8f}")
print(f"Prediction after training: f(5) = {forward(5).item():.3f}")

# with nn.Linear, nn.MSELoss and optim.SGD
X = torch.tensor([[1], [2], [3], [4]], dtype=torch.float32)
Y = torch.tensor([[2], [4], [6], [8]], dtype=torch.float32)
X_test = torch.tensor([5], dtype=torch.float32)
n_samples, n_features = X.shape
print(f"#samples: {n_samples}, #features: {n_features}")
input_size = n_features
output_size = n_features
class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegression, self).__init__()
        self.lin = nn.Linear(input_dim, output_dim)
    def forward(self, x):
        return self.lin(x)
model = LinearRegression(input_size, output_size)
print(model)
print(f"Prediction before training: f(5) = {model(X_test).item():.3f}")
learning_rate = 0.01
n_iters = 100
loss = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
for epoch in range(n_iters):
    y_predicted = model(X)
    l = loss(Y, y_predicted)
    l.backward()
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 10 == 0:
        [w, b] = model.parameters()
        print("epoch ", epoch + 1, ": w = ", w[0][0].item(), " loss = ", l)
print(f"Prediction after training: f(5) = {model(X_test).item():.3f}")
print(optimizer)
print(l.grad_fn, y_predicted.grad_fn)
