import tinygrad_rnn as torch
import numpy as np
F = torch.nn.functional
# sentdex's "Neural Networks from Scratch": the spiral data, Layer_Dense / Activation_ReLU /
# Activation_Softmax_Loss_CategoricalCrossentropy with their hand-written backward passes and the
# SGD-with-momentum optimizer, in numpy as the book writes them; each pass checked against autograd
# on the same arrays (torch.from_numpy, requires_grad, backward, .grad.numpy()).
np.random.seed(0)


def spiral_data(samples, classes):
    X = np.zeros((samples * classes, 2), dtype=np.float32)
    y = np.zeros(samples * classes, dtype="uint8")
    for class_number in range(classes):
        ix = range(samples * class_number, samples * (class_number + 1))
        r = np.linspace(0.0, 1, samples)
        t = np.linspace(class_number * 4, (class_number + 1) * 4, samples) + np.random.randn(samples) * 0.2
        X[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
        y[ix] = class_number
    return X, y


class Layer_Dense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons).astype(np.float32)
        self.biases = np.zeros((1, n_neurons), dtype=np.float32)

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = np.dot(dvalues, self.weights.T)


class Activation_ReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class Activation_Softmax:
    def forward(self, inputs):
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)


class Loss_CategoricalCrossentropy:
    def calculate(self, output, y):
        return np.mean(self.forward(output, y))

    def forward(self, y_pred, y_true):
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        correct_confidences = y_pred_clipped[range(len(y_pred)), y_true]
        return -np.log(correct_confidences)


class Activation_Softmax_Loss_CategoricalCrossentropy:
    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


class Optimizer_SGD:
    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.momentum = momentum

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * (1.0 / (1.0 + self.decay * self.iterations))

    def update_params(self, layer):
        if not hasattr(layer, "weight_momentums"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
        weight_updates = self.momentum * layer.weight_momentums - self.current_learning_rate * layer.dweights
        layer.weight_momentums = weight_updates
        bias_updates = self.momentum * layer.bias_momentums - self.current_learning_rate * layer.dbiases
        layer.bias_momentums = bias_updates
        layer.weights += weight_updates
        layer.biases += bias_updates

    def post_update_params(self):
        self.iterations += 1


X, y = spiral_data(samples=40, classes=3)
print(X.shape, X.dtype, y[:5], y.dtype)
dense1 = Layer_Dense(2, 16)
activation1 = Activation_ReLU()
dense2 = Layer_Dense(16, 3)
loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
optimizer = Optimizer_SGD(learning_rate=1.0, decay=1e-3, momentum=0.9)

# the same network in torch, on the same weights: one forward and backward, compared
Xt = torch.from_numpy(X)
yt = torch.from_numpy(y).long()
W1 = torch.tensor(dense1.weights, requires_grad=True)
b1 = torch.tensor(dense1.biases, requires_grad=True)
W2 = torch.from_numpy(dense2.weights.copy()).requires_grad_()
b2 = torch.from_numpy(dense2.biases.copy()).requires_grad_(True)
print(Xt.dtype, yt.dtype, W1.is_leaf, W2.is_leaf, Xt.shape, yt[:5])
h = F.relu(Xt @ W1 + b1)
logits = h.mm(W2) + b2
probs = F.softmax(logits, dim=1)
loss_t = F.cross_entropy(logits, yt)
loss_t.backward()
print(loss_t, probs[:3], logits.grad_fn, h.grad_fn)

dense1.forward(X)
activation1.forward(dense1.output)
dense2.forward(activation1.output)
loss = loss_activation.forward(dense2.output, y)
loss_activation.backward(loss_activation.output, y)
dense2.backward(loss_activation.dinputs)
activation1.backward(dense2.dinputs)
dense1.backward(activation1.dinputs)
print(round(float(loss), 5), loss_t.item() - loss < 1e-5)
print(np.allclose(dense1.dweights, W1.grad.numpy(), atol=1e-6), np.allclose(dense2.dbiases, b2.grad.numpy(), atol=1e-6))
print(np.abs(dense2.dweights - W2.grad.detach().numpy()).max() < 1e-6, W1.grad.numpy().dtype, b1.grad.shape)
try:
    W1.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.tensor(np.float32(1.5)), torch.tensor(np.arange(3)).dtype, torch.as_tensor(X).data_ptr() == Xt.data_ptr())
shared = torch.from_numpy(X)
X[0, 0] = 7.0
print(shared[0], Xt[0, 0].item())

for epoch in range(201):
    dense1.forward(X)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    loss = loss_activation.forward(dense2.output, y)
    predictions = np.argmax(loss_activation.output, axis=1)
    accuracy = np.mean(predictions == y)
    if not epoch % 50:
        # the torch side: accuracy from argmax on the same logits, loss from cross_entropy
        t_logits = torch.from_numpy(dense2.output)
        t_acc = (torch.argmax(t_logits, dim=1) == yt).float().mean()
        t_loss = F.nll_loss(torch.log(torch.clamp(torch.softmax(t_logits, 1), 1e-7, 1 - 1e-7)), yt)
        print(f"epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {optimizer.current_learning_rate:.5f}",
              f"torch acc: {t_acc:.3f}, loss: {t_loss:.3f}")
    loss_activation.backward(loss_activation.output, y)
    dense2.backward(loss_activation.dinputs)
    activation1.backward(dense2.dinputs)
    dense1.backward(activation1.dinputs)
    optimizer.pre_update_params()
    optimizer.update_params(dense1)
    optimizer.update_params(dense2)
    optimizer.post_update_params()

# torch.optim.SGD with momentum from the same start follows the book's optimizer without its decay
layer = torch.nn.Linear(2, 3)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(dense2.weights[:2].T.copy()))
    layer.bias.zero_()
opt = torch.optim.SGD(layer.parameters(), lr=1.0, momentum=0.9)
for step in range(3):
    opt.zero_grad()
    out = F.cross_entropy(layer(Xt), yt)
    out.backward()
    opt.step()
    print(step, f"{out.item():.5f}", layer.bias.data, opt.state[layer.bias]["momentum_buffer"])
