import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
# Raschka et al., "Machine Learning with PyTorch and Scikit-Learn", chapter 14 (classifying images with deep
# convolutional neural networks): 1-D and 2-D convolutions by hand against F.conv1d/conv2d, L2 penalties and
# weight decay, BCE/CCE with probabilities and logits, a CNN built with add_module, and a smile-like
# classifier with AvgPool2d and a sigmoid output, on made-up 12x12 images.
def conv1d(x, w, p=0, s=1):
    w_rot = np.array(w[::-1])
    x_padded = np.array(x)
    if p > 0:
        zero_pad = np.zeros(shape=p)
        x_padded = np.concatenate([zero_pad, x_padded, zero_pad])
    res = []
    for i in range(0, int((len(x_padded) - len(w_rot))) + 1, s):
        res.append(np.sum(x_padded[i:i + w_rot.shape[0]] * w_rot))
    return np.array(res)
x = [1, 3, 2, 4, 5, 6, 1, 3]
w = [1, 0, 3, 1, 2]
print('Conv1d Implementation:', conv1d(x, w, p=2, s=1))
print('Numpy Results:', np.convolve(x, w, mode='same'))
xt = torch.tensor(x, dtype=torch.float64).view(1, 1, -1)
wt = torch.tensor(w[::-1], dtype=torch.float64).view(1, 1, -1)
print('F.conv1d:', nn.functional.conv1d(xt, wt, padding=2), nn.functional.conv1d(xt, wt, padding=2, stride=2))
def conv2d(X, W, p=(0, 0), s=(1, 1)):
    W_rot = np.array(W)[::-1, ::-1]
    X_orig = np.array(X)
    n1 = X_orig.shape[0] + 2 * p[0]
    n2 = X_orig.shape[1] + 2 * p[1]
    X_padded = np.zeros(shape=(n1, n2))
    X_padded[p[0]:p[0] + X_orig.shape[0], p[1]:p[1] + X_orig.shape[1]] = X_orig
    res = []
    for i in range(0, int((X_padded.shape[0] - W_rot.shape[0]) / s[0]) + 1, s[0]):
        res.append([])
        for j in range(0, int((X_padded.shape[1] - W_rot.shape[1]) / s[1]) + 1, s[1]):
            X_sub = X_padded[i:i + W_rot.shape[0], j:j + W_rot.shape[1]]
            res[-1].append(np.sum(X_sub * W_rot))
    return np.array(res)
X = [[1, 3, 2, 4], [5, 6, 1, 3], [1, 2, 0, 2], [3, 4, 3, 2]]
W = [[1, 0, 3], [1, 2, 1], [0, 1, 1]]
print('Conv2d Implementation:\n', conv2d(X, W, p=(1, 1), s=(1, 1)))
Xt = torch.tensor(X, dtype=torch.float64)[None, None]
Wt = torch.tensor(W, dtype=torch.float64).flip(0, 1)[None, None]
print('F.conv2d:\n', nn.functional.conv2d(Xt, Wt, padding=1)[0, 0], nn.functional.conv2d(Xt, Wt, padding='same').shape,
      nn.functional.conv2d(Xt, Wt, stride=(2, 1), padding=(1, 0)))
# ------------------------------------------------------------------ regularization and losses
torch.manual_seed(1)
loss_func = nn.BCELoss()
loss = loss_func(torch.tensor([0.9]), torch.tensor([1.0]))
l2_lambda = 0.001
conv_layer = nn.Conv2d(in_channels=3, out_channels=5, kernel_size=5)
l2_penalty = l2_lambda * sum([(p ** 2).sum() for p in conv_layer.parameters()])
loss_with_penalty = loss + l2_penalty
print(loss, l2_penalty, loss_with_penalty)
linear_layer = nn.Linear(10, 16)
l2_penalty = l2_lambda * sum([(p ** 2).sum() for p in linear_layer.parameters()])
loss_with_penalty = loss + l2_penalty
print(loss_with_penalty, loss_with_penalty.grad_fn.name())
logits = torch.tensor([0.8])
probas = torch.sigmoid(logits)
target = torch.tensor([1.0])
bce_loss_fn = nn.BCELoss()
bce_logits_loss_fn = nn.BCEWithLogitsLoss()
print(f'BCE (w Probas): {bce_loss_fn(probas, target):.4f}')
print(f'BCE (w Logits): {bce_logits_loss_fn(logits, target):.4f}')
logits = torch.tensor([[1.5, 0.8, 2.1]])
probas = torch.softmax(logits, dim=1)
target = torch.tensor([2])
cce_loss_fn = nn.NLLLoss()
cce_logits_loss_fn = nn.CrossEntropyLoss()
print(f'CCE (w Logits): {cce_logits_loss_fn(logits, target):.4f}')
print(f'CCE (w Probas): {cce_loss_fn(torch.log(probas), target):.4f}')
# ------------------------------------------------------------------ a CNN built with add_module
rng = np.random.RandomState(1)
protos = rng.rand(4, 12, 12).astype(np.float32)
labels = rng.randint(0, 4, size=96)
images = protos[labels] + 0.3 * rng.rand(96, 12, 12).astype(np.float32)
x_train = torch.from_numpy(images[:64]).unsqueeze(1)
y_train = torch.from_numpy(labels[:64])
x_valid = torch.from_numpy(images[64:]).unsqueeze(1)
y_valid = torch.from_numpy(labels[64:])
print(x_train.shape, y_train.dtype, y_train[:8])
torch.manual_seed(1)
train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
valid_dl = DataLoader(TensorDataset(x_valid, y_valid), batch_size=16, shuffle=False)
model = nn.Sequential()
model.add_module('conv1', nn.Conv2d(in_channels=1, out_channels=4, kernel_size=5, padding=2))
model.add_module('relu1', nn.ReLU())
model.add_module('pool1', nn.MaxPool2d(kernel_size=2))
model.add_module('conv2', nn.Conv2d(in_channels=4, out_channels=8, kernel_size=5, padding=2))
model.add_module('relu2', nn.ReLU())
model.add_module('pool2', nn.MaxPool2d(kernel_size=2))
x = torch.ones((4, 1, 12, 12))
print(model(x).shape)
model.add_module('flatten', nn.Flatten())
print(model(x).shape)
model.add_module('fc1', nn.Linear(72, 32))
model.add_module('relu3', nn.ReLU())
model.add_module('dropout', nn.Dropout(p=0.5))
model.add_module('fc2', nn.Linear(32, 4))
print(model)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
def train(model, num_epochs, train_dl, valid_dl):
    loss_hist_train = [0] * num_epochs
    accuracy_hist_train = [0] * num_epochs
    loss_hist_valid = [0] * num_epochs
    accuracy_hist_valid = [0] * num_epochs
    for epoch in range(num_epochs):
        model.train()
        for x_batch, y_batch in train_dl:
            pred = model(x_batch)
            loss = loss_fn(pred, y_batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            loss_hist_train[epoch] += loss.item() * y_batch.size(0)
            is_correct = (torch.argmax(pred, dim=1) == y_batch).float()
            accuracy_hist_train[epoch] += is_correct.sum()
        loss_hist_train[epoch] /= len(train_dl.dataset)
        accuracy_hist_train[epoch] /= len(train_dl.dataset)
        model.eval()
        with torch.no_grad():
            for x_batch, y_batch in valid_dl:
                pred = model(x_batch)
                loss = loss_fn(pred, y_batch)
                loss_hist_valid[epoch] += loss.item() * y_batch.size(0)
                is_correct = (torch.argmax(pred, dim=1) == y_batch).float()
                accuracy_hist_valid[epoch] += is_correct.sum()
        loss_hist_valid[epoch] /= len(valid_dl.dataset)
        accuracy_hist_valid[epoch] /= len(valid_dl.dataset)
        print(f'Epoch {epoch+1} accuracy: {accuracy_hist_train[epoch]:.4f} val_accuracy: {accuracy_hist_valid[epoch]:.4f}')
    return loss_hist_train, loss_hist_valid, accuracy_hist_train, accuracy_hist_valid
torch.manual_seed(1)
num_epochs = 3
hist = train(model, num_epochs, train_dl, valid_dl)
print([round(v, 4) for v in hist[0]], hist[2])
pred = model(x_valid[:4])
print(torch.argmax(pred, axis=1), y_valid[:4], pred.grad_fn.name(), model.conv1.weight.grad is None)
# ------------------------------------------------------------------ a smile classifier: AvgPool2d and a sigmoid
smiles = (labels % 2)[:64]
torch.manual_seed(1)
x_aug = torch.cat([x_train, torch.flip(x_train, dims=[3])])  # horizontal flips as data augmentation
y_aug = torch.cat([torch.from_numpy(smiles), torch.from_numpy(smiles)])
smile_dl = DataLoader(TensorDataset(x_aug, y_aug), batch_size=32, shuffle=True)
model = nn.Sequential()
model.add_module('conv1', nn.Conv2d(in_channels=1, out_channels=4, kernel_size=3, padding=1))
model.add_module('relu1', nn.ReLU())
model.add_module('pool1', nn.MaxPool2d(kernel_size=2))
model.add_module('dropout1', nn.Dropout(p=0.5))
model.add_module('conv2', nn.Conv2d(in_channels=4, out_channels=8, kernel_size=3, padding=1))
model.add_module('relu2', nn.ReLU())
model.add_module('pool4', nn.AvgPool2d(kernel_size=6))
model.add_module('flatten', nn.Flatten())
print(model(torch.ones((4, 1, 12, 12))).shape)
model.add_module('fc', nn.Linear(8, 1))
model.add_module('sigmoid', nn.Sigmoid())
loss_fn = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(3):
    model.train()
    total = 0.
    for x_batch, y_batch in smile_dl:
        pred = model(x_batch)[:, 0]
        loss = loss_fn(pred, y_batch.float())
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        is_correct = ((pred >= 0.5).float() == y_batch).float()
        total += is_correct.sum()
    print(f'Epoch {epoch+1} loss: {loss.item():.4f} accuracy: {total/len(smile_dl.dataset):.4f}')
model.eval()
with torch.no_grad():
    pred = model(x_valid)[:, 0]
print(pred[:6], pred.dtype, ((pred >= 0.5).float() == torch.from_numpy(labels[64:] % 2)).float().mean())
