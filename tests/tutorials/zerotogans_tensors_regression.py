import tinygrad_rnn as torch
# Jovian's "Deep Learning with PyTorch: Zero to GANs", lessons 1-3: tensors and gradients, linear regression by
# hand then with TensorDataset/DataLoader/nn.Linear/F.mse_loss, logistic regression on (generated) 28x28 digits
# with random_split, accuracy from torch.max, a training_step/validation_step model and a state_dict round trip
import io
import numpy as np
nn = torch.nn
F = torch.nn.functional
TensorDataset = torch.utils.data.TensorDataset
DataLoader = torch.utils.data.DataLoader
random_split = torch.utils.data.random_split

# ---------------------------------------------------------------- lesson 1: tensors and gradients
t1 = torch.tensor(4.)
print(t1, t1.dtype)
t2 = torch.tensor([1., 2, 3, 4])
print(t2)
t3 = torch.tensor([[5., 6], [7, 8], [9, 10]])
print(t3, t3.shape)
t4 = torch.tensor([[[11, 12, 13], [13, 14, 15]], [[15, 16, 17], [17, 18, 19.]]])
print(t4, t4.shape, t4.dtype)
x = torch.tensor(3.)
w = torch.tensor(4., requires_grad=True)
b = torch.tensor(5., requires_grad=True)
print(x, w, b)
y = w * x + b
print(y)
y.backward()
print('dy/dx:', x.grad)
print('dy/dw:', w.grad)
print('dy/db:', b.grad)
t6 = torch.full((3, 2), 42)
print(t6, t6.dtype)
t7 = torch.cat((t3, t6))
print(t7, t7.dtype)
t8 = torch.sin(t7)
print(t8)
t9 = t8.reshape(3, 2, 2)
print(t9)
x = np.array([[1, 2], [3, 4.]])
y = torch.from_numpy(x)
print(y, x.dtype, y.dtype)
z = y.numpy()
print(z, type(z).__name__)
print(torch.linspace(1, 2, 5), torch.randn(2, 2).shape, torch.tensor([[1, 2], [3, 4]]).float().mean())
try:
    torch.tensor([[1, 2], [3]])
except ValueError as e:
    print('ValueError:', e)
try:
    torch.tensor([[1, 2], [3, 4]]).mean()
except RuntimeError as e:
    print('RuntimeError:', e)

# ---------------------------------------------------------------- lesson 2: linear regression
inputs = np.array([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70],
                   [74, 66, 43], [91, 87, 65], [88, 134, 59], [101, 44, 37], [68, 96, 71],
                   [73, 66, 44], [92, 87, 64], [87, 135, 57], [103, 43, 36], [68, 97, 70]], dtype='float32')
targets = np.array([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119],
                    [57, 69], [80, 102], [118, 132], [21, 38], [104, 118],
                    [57, 69], [82, 100], [118, 134], [20, 38], [102, 120]], dtype='float32')
inputs = torch.from_numpy(inputs)
targets = torch.from_numpy(targets)
print(inputs[:2], targets.dtype)

torch.manual_seed(42)
w = torch.randn(2, 3, requires_grad=True)
b = torch.randn(2, requires_grad=True)
print(w)
print(b)


def model(x):
    return x @ w.t() + b


preds = model(inputs)
print(preds[:3])


def mse(t1, t2):
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()


loss = mse(preds, targets)
print(loss)
loss.backward()
print(w.grad)
print(b.grad)
with torch.no_grad():
    w -= w.grad * 1e-5
    b -= b.grad * 1e-5
    w.grad.zero_()
    b.grad.zero_()
print(w, w.grad, w.requires_grad, w.is_leaf)
for i in range(100):
    preds = model(inputs)
    loss = mse(preds, targets)
    loss.backward()
    with torch.no_grad():
        w -= w.grad * 1e-5
        b -= b.grad * 1e-5
        w.grad.zero_()
        b.grad.zero_()
print(loss, preds[:2])

train_ds = TensorDataset(inputs, targets)
print(train_ds[0:3])
batch_size = 5
torch.manual_seed(1)
train_dl = DataLoader(train_ds, batch_size, shuffle=True)
for xb, yb in train_dl:
    print(xb)
    print(yb)
    break
model = nn.Linear(3, 2)
print(model.weight)
print(model.bias)
print(list(model.parameters()))
preds = model(inputs)
loss_fn = F.mse_loss
loss = loss_fn(model(inputs), targets)
print(loss)
opt = torch.optim.SGD(model.parameters(), lr=1e-5)


def fit(num_epochs, model, loss_fn, opt, train_dl):
    for epoch in range(num_epochs):
        for xb, yb in train_dl:
            pred = model(xb)
            loss = loss_fn(pred, yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
        if (epoch + 1) % 10 == 0:
            print('Epoch [{}/{}], Loss: {:.4f}'.format(epoch + 1, num_epochs, loss.item()))


fit(50, model, loss_fn, opt, train_dl)
preds = model(inputs)
print(preds[:3])
print(model(torch.tensor([[75, 63, 44.]])))

# ---------------------------------------------------------------- lesson 3: logistic regression
torch.manual_seed(0)
n_images = 240
labels = torch.randint(0, 10, (n_images,))
images = torch.rand(n_images, 1, 28, 28) * 0.3
for i in range(n_images):  # each class lights a band of rows
    images[i, 0, 2 * labels[i]:2 * labels[i] + 6, 4:24] += 0.7
dataset = TensorDataset(images, labels)
image, label = dataset[0]
print(image.shape, label, type(label).__name__, label.dtype)
train_ds, val_ds = random_split(dataset, [200, 40])
print(len(train_ds), len(val_ds), type(train_ds).__name__)
batch_size = 32
train_loader = DataLoader(train_ds, batch_size, shuffle=True)
val_loader = DataLoader(val_ds, batch_size)
input_size = 28 * 28
num_classes = 10


def accuracy(outputs, labels):
    _, preds = torch.max(outputs, dim=1)
    return torch.tensor(torch.sum(preds == labels).item() / len(preds))


class MnistModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(input_size, num_classes)

    def forward(self, xb):
        xb = xb.reshape(-1, 784)
        out = self.linear(xb)
        return out

    def training_step(self, batch):
        images, labels = batch
        out = self(images)
        loss = F.cross_entropy(out, labels)
        return loss

    def validation_step(self, batch):
        images, labels = batch
        out = self(images)
        loss = F.cross_entropy(out, labels)
        acc = accuracy(out, labels)
        return {'val_loss': loss, 'val_acc': acc}

    def validation_epoch_end(self, outputs):
        batch_losses = [x['val_loss'] for x in outputs]
        epoch_loss = torch.stack(batch_losses).mean()
        batch_accs = [x['val_acc'] for x in outputs]
        epoch_acc = torch.stack(batch_accs).mean()
        return {'val_loss': epoch_loss.item(), 'val_acc': epoch_acc.item()}

    def epoch_end(self, epoch, result):
        print("Epoch [{}], val_loss: {:.4f}, val_acc: {:.4f}".format(epoch, result['val_loss'], result['val_acc']))


model = MnistModel()
print(model.linear.weight.shape, model.linear.bias.shape)
for images, labels in train_loader:
    print(images.shape)
    outputs = model(images)
    break
print('outputs.shape : ', outputs.shape)
print('Sample outputs :\n', outputs[:2].data)
probs = F.softmax(outputs, dim=1)
print("Sample probabilities:\n", probs[:2].data)
print("Sum: ", torch.sum(probs[0]).item())
max_probs, preds = torch.max(probs, dim=1)
print(preds)
print(max_probs)
print(accuracy(outputs, labels), accuracy(outputs, labels).dtype)
loss_fn = F.cross_entropy
loss = loss_fn(outputs, labels)
print(loss)


def evaluate(model, val_loader):
    outputs = [model.validation_step(batch) for batch in val_loader]
    return model.validation_epoch_end(outputs)


def fit(epochs, lr, model, train_loader, val_loader, opt_func=torch.optim.SGD):
    optimizer = opt_func(model.parameters(), lr)
    history = []
    for epoch in range(epochs):
        for batch in train_loader:
            loss = model.training_step(batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        result = evaluate(model, val_loader)
        model.epoch_end(epoch, result)
        history.append(result)
    return history


result0 = evaluate(model, val_loader)
print(result0)
history1 = fit(3, 0.05, model, train_loader, val_loader)
history2 = fit(2, 0.01, model, train_loader, val_loader)
accuracies = [r['val_acc'] for r in [result0] + history1 + history2]
print(['%.4f' % a for a in accuracies])


def predict_image(img, model):
    xb = img.unsqueeze(0)
    yb = model(xb)
    _, preds = torch.max(yb, dim=1)
    return preds[0].item()


img, label = val_ds[0]
print('Label:', label.item(), ', Predicted:', predict_image(img, model))
test_loader = DataLoader(val_ds, batch_size=256)
result = evaluate(model, test_loader)
print(result)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print(model.state_dict().keys())
buffer.seek(0)
model2 = MnistModel()
print(model2.load_state_dict(torch.load(buffer)))
print(evaluate(model2, test_loader) == result)
