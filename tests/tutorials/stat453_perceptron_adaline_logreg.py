import tinygrad_rnn as torch
import numpy as np
F = torch.nn.functional
# Raschka's STAT 453 (2021) lecture code: a perceptron trained by its update rule with torch tensors,
# ADALINE with hand-derived gradients then with autograd, logistic regression by hand vs nn.Module, and
# softmax regression with manual gradients vs F.cross_entropy. Generated blobs replace the course's CSVs.
rng = np.random.RandomState(123)
X0 = rng.randn(30, 2) + np.array([-1.5, -1.0])
X1 = rng.randn(30, 2) + np.array([1.5, 1.0])
X = np.vstack([X0, X1]).astype(np.float32)
y = np.array([0] * 30 + [1] * 30)
idx = rng.permutation(60)
X, y = X[idx], y[idx]
X_train, y_train = torch.tensor(X[:45], dtype=torch.float32), torch.tensor(y[:45], dtype=torch.float32)
X_test, y_test = torch.tensor(X[45:], dtype=torch.float32), torch.tensor(y[45:], dtype=torch.float32)
mu, sigma = X_train.mean(dim=0), X_train.std(dim=0)
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma
print(X_train.shape, y_train.dtype, mu, sigma)

# ------------------------------------------------------------------ perceptron
device = torch.device("cpu")
class Perceptron():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weights = torch.zeros(num_features, 1, dtype=torch.float32, device=device)
        self.bias = torch.zeros(1, dtype=torch.float32, device=device)
        self.ones = torch.ones(1)
        self.zeros = torch.zeros(1)
    def forward(self, x):
        linear = torch.add(torch.mm(x, self.weights), self.bias)
        predictions = torch.where(linear > 0., self.ones, self.zeros)
        return predictions
    def backward(self, x, y):
        predictions = self.forward(x)
        errors = y - predictions
        return errors
    def train(self, x, y, epochs):
        for e in range(epochs):
            for i in range(y.shape[0]):
                errors = self.backward(x[i].reshape(1, self.num_features), y[i]).reshape(-1)
                self.weights += (errors * x[i]).reshape(self.num_features, 1)
                self.bias += errors
    def evaluate(self, x, y):
        predictions = self.forward(x).reshape(-1)
        accuracy = torch.sum(predictions == y).float() / y.shape[0]
        return accuracy
ppn = Perceptron(num_features=2)
ppn.train(X_train, y_train, epochs=5)
print('Model parameters:')
print('  Weights: %s' % ppn.weights)
print('  Bias: %s' % ppn.bias)
print('Class label counts:', np.bincount(y))
print('Train set accuracy: %.2f%%' % (ppn.evaluate(X_train, y_train) * 100))
print('Test set accuracy: %.2f%%' % (ppn.evaluate(X_test, y_test) * 100))
w, b = ppn.weights, ppn.bias
x_min = -2
y_min = ((-(w[0] * x_min) - b[0]) / w[1])
print(x_min, y_min, y_min.shape)

# ------------------------------------------------------------------ ADALINE, manual gradients
yr = torch.tensor(rng.randn(45).astype(np.float32)) + 2.0 * X_train[:, 0] - X_train[:, 1]
class Adaline1():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weight = torch.zeros(num_features, 1, dtype=torch.float)
        self.bias = torch.zeros(1, dtype=torch.float)
    def forward(self, x):
        netinputs = torch.add(torch.mm(x, self.weight), self.bias)
        activations = netinputs
        return activations.view(-1)
    def backward(self, x, yhat, y):
        grad_loss_yhat = 2 * (yhat - y)
        grad_yhat_weights = x
        grad_yhat_bias = 1.
        grad_loss_weights = torch.mm(grad_yhat_weights.t(), grad_loss_yhat.view(-1, 1)) / y.size(0)
        grad_loss_bias = torch.sum(grad_yhat_bias * grad_loss_yhat) / y.size(0)
        return (-1) * grad_loss_weights, (-1) * grad_loss_bias
def loss_func(yhat, y):
    return torch.mean((yhat - y) ** 2)
def train(model, x, y, num_epochs, learning_rate=0.01, seed=123, minibatch_size=10):
    cost = []
    torch.manual_seed(seed)
    for e in range(num_epochs):
        shuffle_idx = torch.randperm(y.size(0), dtype=torch.long)
        minibatches = torch.split(shuffle_idx, minibatch_size)
        for minibatch_idx in minibatches:
            yhat = model.forward(x[minibatch_idx])
            negative_grad_w, negative_grad_b = model.backward(x[minibatch_idx], yhat, y[minibatch_idx])
            model.weight += learning_rate * negative_grad_w
            model.bias += learning_rate * negative_grad_b
        with torch.no_grad():
            yhat = model.forward(x)
            curr_loss = loss_func(yhat, y)
            print('Epoch: %03d' % (e + 1), end="")
            print(' | MSE: %.5f' % curr_loss)
            cost.append(curr_loss)
    return cost
model = Adaline1(num_features=X_train.size(1))
cost = train(model, X_train, yr, num_epochs=4, learning_rate=0.1, seed=123, minibatch_size=10)
print(cost[-1], model.weight.view(-1), model.bias)
ones = torch.ones(X_train.size(0), 1)
Xb = torch.cat((ones, X_train), dim=1)
w_ne = torch.inverse(Xb.t() @ Xb) @ Xb.t() @ yr.view(-1, 1)
print('normal equations:', w_ne.view(-1))

# ------------------------------------------------------------------ ADALINE, autograd
class Adaline2():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weight = torch.zeros(num_features, 1, dtype=torch.float, requires_grad=True)
        self.bias = torch.zeros(1, dtype=torch.float, requires_grad=True)
    def forward(self, x):
        netinputs = torch.add(torch.mm(x, self.weight), self.bias)
        return netinputs.view(-1)
model = Adaline2(num_features=2)
torch.manual_seed(123)
for e in range(3):
    shuffle_idx = torch.randperm(yr.size(0), dtype=torch.long)
    for minibatch_idx in torch.split(shuffle_idx, 10):
        yhat = model.forward(X_train[minibatch_idx])
        loss = F.mse_loss(yhat, yr[minibatch_idx])
        grad_w = torch.autograd.grad(loss, model.weight, retain_graph=True)[0]
        grad_b = torch.autograd.grad(loss, model.bias)[0]
        model.weight = model.weight - 0.1 * grad_w
        model.bias = model.bias - 0.1 * grad_b
    print(e, loss.item(), model.weight.grad_fn.name(), model.weight.is_leaf, model.bias.view(-1))
    model.weight = model.weight.detach().requires_grad_(True)
    model.bias = model.bias.detach().requires_grad_(True)

# ------------------------------------------------------------------ logistic regression, manual vs autograd
class LogisticRegression1():
    def __init__(self, num_features):
        self.num_features = num_features
        self.weights = torch.zeros(1, num_features, dtype=torch.float32, device=device)
        self.bias = torch.zeros(1, dtype=torch.float32, device=device)
    def forward(self, x):
        linear = torch.add(torch.mm(x, self.weights.t()), self.bias).view(-1)
        probas = self._sigmoid(linear)
        return probas
    def backward(self, x, y, probas):
        grad_loss_wrt_z = probas.view(-1) - y
        grad_loss_wrt_w = torch.mm(x.t(), grad_loss_wrt_z.view(-1, 1)).t()
        grad_loss_wrt_b = torch.sum(grad_loss_wrt_z)
        return grad_loss_wrt_w, grad_loss_wrt_b
    def predict_labels(self, x):
        probas = self.forward(x)
        labels = torch.where(probas >= .5, 1, 0)
        return labels
    def evaluate(self, x, y):
        labels = self.predict_labels(x).float()
        accuracy = torch.sum(labels.view(-1) == y.float()).item() / y.size(0)
        return accuracy
    def _sigmoid(self, z):
        return 1. / (1. + torch.exp(-z))
    def _logit_cost(self, y, proba):
        tmp1 = torch.mm(-y.view(1, -1), torch.log(proba.view(-1, 1)))
        tmp2 = torch.mm((1 - y).view(1, -1), torch.log(1 - proba.view(-1, 1)))
        return tmp1 - tmp2
    def train(self, x, y, num_epochs, learning_rate=0.01):
        epoch_cost = []
        for e in range(num_epochs):
            probas = self.forward(x)
            grad_w, grad_b = self.backward(x, y, probas)
            self.weights -= learning_rate * grad_w
            self.bias -= learning_rate * grad_b
            cost = self._logit_cost(y, self.forward(x)) / x.size(0)
            print('Epoch: %03d' % (e + 1), end="")
            print(' | Train ACC: %.3f' % self.evaluate(x, y), end="")
            print(' | Cost: %.3f' % cost)
            epoch_cost.append(cost)
        return epoch_cost
logr = LogisticRegression1(num_features=2)
epoch_cost = logr.train(X_train, y_train, num_epochs=4, learning_rate=0.1)
print(logr.weights, logr.bias, epoch_cost[-1].shape, logr.predict_labels(X_test)[:5])

class LogisticRegression2(torch.nn.Module):
    def __init__(self, num_features):
        super(LogisticRegression2, self).__init__()
        self.linear = torch.nn.Linear(num_features, 1)
        self.linear.weight.detach().zero_()
        self.linear.bias.detach().zero_()
    def forward(self, x):
        logits = self.linear(x)
        probas = torch.sigmoid(logits)
        return probas
model2 = LogisticRegression2(num_features=2).to(device)
optimizer = torch.optim.SGD(model2.parameters(), lr=0.1)
def comp_accuracy(label_var, pred_probas):
    pred_labels = torch.where((pred_probas > 0.5), 1, 0).view(-1)
    acc = torch.sum(pred_labels == label_var.view(-1)).float() / label_var.size(0)
    return acc
y_train_t = y_train.view(-1, 1)
for epoch in range(4):
    out = model2(X_train)
    cost = F.binary_cross_entropy(out, y_train_t, reduction='sum')
    optimizer.zero_grad()
    cost.backward()
    print(model2.linear.weight.grad, model2.linear.bias.grad, cost.grad_fn.name())
    optimizer.step()
    pred_probas = model2(X_train)
    acc = comp_accuracy(y_train_t, pred_probas)
    print('Epoch: %03d' % (epoch + 1), end="")
    print(' | Train ACC: %.3f' % acc, end="")
    print(' | Cost: %.3f' % F.binary_cross_entropy(pred_probas, y_train_t).item())
print('\nModel parameters:')
print('  Weights: %s' % model2.linear.weight)
print('  Bias: %s' % model2.linear.bias)
print(torch.allclose(model2.linear.weight, logr.weights, atol=1e-5))

# ------------------------------------------------------------------ softmax regression
Xs = torch.tensor(np.vstack([rng.randn(12, 3) + c for c in (-2, 0, 2)]).astype(np.float32))
ys = torch.tensor([0] * 12 + [1] * 12 + [2] * 12)
def to_onehot(y, num_classes):
    y_onehot = torch.zeros(y.size(0), num_classes)
    y_onehot.scatter_(1, y.view(-1, 1).long(), 1).float()
    return y_onehot
def softmax(z):
    return (torch.exp(z.t()) / torch.sum(torch.exp(z), dim=1)).t()
def cross_entropy(softmax, y_target):
    return - torch.sum(torch.log(softmax) * (y_target), dim=1)
onehot = to_onehot(ys[::6], 3)
print(onehot)
class SoftmaxRegression1():
    def __init__(self, num_features, num_classes):
        self.num_features = num_features
        self.num_classes = num_classes
        self.weights = torch.zeros(num_classes, num_features, dtype=torch.float32, device=device)
        self.bias = torch.zeros(num_classes, dtype=torch.float32, device=device)
    def forward(self, x):
        logits = torch.mm(x, self.weights.t()) + self.bias
        probas = softmax(logits)
        return logits, probas
    def backward(self, x, y, probas):
        grad_loss_wrt_w = -torch.mm(x.t(), y - probas).t()
        grad_loss_wrt_b = -torch.sum(y - probas)
        return grad_loss_wrt_w, grad_loss_wrt_b
    def predict_labels(self, x):
        logits, probas = self.forward(x)
        labels = torch.argmax(probas, dim=1)
        return labels
sm = SoftmaxRegression1(3, 3)
for e in range(3):
    logits, probas = sm.forward(Xs)
    grad_w, grad_b = sm.backward(Xs, to_onehot(ys, 3), probas)
    sm.weights -= 0.05 * grad_w
    sm.bias -= 0.05 * grad_b
    logits, probas = sm.forward(Xs)
    cost = torch.mean(cross_entropy(probas, to_onehot(ys, 3)))
    acc = torch.sum(sm.predict_labels(Xs) == ys).float() / ys.size(0)
    print('Epoch %d | cost %.4f | acc %.3f' % (e, cost, acc), F.cross_entropy(logits, ys))
class SoftmaxRegression2(torch.nn.Module):
    def __init__(self, num_features, num_classes):
        super(SoftmaxRegression2, self).__init__()
        self.linear = torch.nn.Linear(num_features, num_classes)
        self.linear.weight.detach().zero_()
        self.linear.bias.detach().zero_()
    def forward(self, x):
        logits = self.linear(x)
        probas = F.softmax(logits, dim=1)
        return logits, probas
model3 = SoftmaxRegression2(num_features=3, num_classes=3)
optimizer = torch.optim.SGD(model3.parameters(), lr=0.05)
for e in range(3):
    logits, probas = model3(Xs)
    cost = F.cross_entropy(logits, ys.long())
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    print(e, cost, probas[:2], logits.grad_fn)
print(F.nll_loss(torch.log(probas), ys), F.cross_entropy(logits, ys, reduction='none')[:4])
print(model3.linear.weight, sm.weights)
