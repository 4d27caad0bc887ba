import tinygrad_rnn as torch
# Machine Learning Mastery: "Develop your first neural network with PyTorch, step by step" (a Pima-style
# CSV of 8 features and a 0/1 label, loaded with np.loadtxt; the Sequential and the class form of the
# 12-8-1 MLP; BCELoss, Adam, manual mini-batches, accuracy with round()), then "Building a binary
# classification model": a train/test split, a model_train function keeping the best weights with
# copy.deepcopy(model.state_dict()), and k-fold cross-validation comparing a wide and a deep model.
# Shrunk: 120 rows, 12 epochs (the tutorial's 100), model_train 5 epochs (250), 3 folds (5).
import copy
import io

import numpy as np

nn = torch.nn
optim = torch.optim

rng = np.random.default_rng(7)
features = rng.normal(size=(120, 8)) * [3, 30, 10, 10, 80, 7, 0.3, 12] + [4, 120, 70, 20, 80, 32, 0.5, 33]
score = (features[:, 1] - 120) / 30 + (features[:, 5] - 32) / 7 + rng.normal(scale=0.7, size=120)
labels = (score > 0.3).astype(int)
csv_text = "\n".join(",".join(f"{v:.3f}" for v in row) + f",{lab}" for row, lab in zip(features, labels))

dataset = np.loadtxt(io.StringIO(csv_text), delimiter=",")
X = dataset[:, 0:8]
y = dataset[:, 8]
print(dataset.shape, dataset.dtype, y.mean())
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
X = (X - X.mean(dim=0)) / X.std(dim=0)  # the tutorial's raw features train slowly; standardise them
print(X.shape, y.shape, X.dtype, X.mean(0).abs().max() < 1e-5, X.std(0))

torch.manual_seed(42)
model = nn.Sequential(
    nn.Linear(8, 12),
    nn.ReLU(),
    nn.Linear(12, 8),
    nn.ReLU(),
    nn.Linear(8, 1),
    nn.Sigmoid())
print(model)


class PimaClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = nn.Linear(8, 12)
        self.act1 = nn.ReLU()
        self.hidden2 = nn.Linear(12, 8)
        self.act2 = nn.ReLU()
        self.output = nn.Linear(8, 1)
        self.act_output = nn.Sigmoid()

    def forward(self, x):
        x = self.act1(self.hidden1(x))
        x = self.act2(self.hidden2(x))
        x = self.act_output(self.output(x))
        return x


model = PimaClassifier()
print(model)
loss_fn = nn.BCELoss()  # binary cross entropy
optimizer = optim.Adam(model.parameters(), lr=0.001)
n_epochs = 12
batch_size = 10
for epoch in range(n_epochs):
    for i in range(0, len(X), batch_size):
        Xbatch = X[i:i + batch_size]
        y_pred = model(Xbatch)
        ybatch = y[i:i + batch_size]
        loss = loss_fn(y_pred, ybatch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 4 == 3:
        print(f"Finished epoch {epoch}, latest loss {loss}")

with torch.no_grad():
    y_pred = model(X)
accuracy = (y_pred.round() == y).float().mean()
print(f"Accuracy {accuracy}")
predictions = (model(X) > 0.5).int()
for i in range(5):
    print("%s => %d (expected %d)" % (X[i].tolist()[:3], predictions[i], y[i]))
print(predictions.dtype, predictions.shape, model(X[:2]), loss.grad_fn.name())

# the binary-classification follow-up: a 70/30 split, model_train keeping the best weights
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
split = int(0.7 * len(X))
X_train, y_train, X_test, y_test = X[perm[:split]], y[perm[:split]], X[perm[split:]], y[perm[split:]]
print(perm[:8], X_train.shape, X_test.shape)


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 24)
        self.relu = nn.ReLU()
        self.output = nn.Linear(24, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.relu(self.hidden(x))
        x = self.sigmoid(self.output(x))
        return x


class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(8, 8)
        self.act1 = nn.ReLU()
        self.layer2 = nn.Linear(8, 8)
        self.act2 = nn.ReLU()
        self.layer3 = nn.Linear(8, 8)
        self.act3 = nn.ReLU()
        self.output = nn.Linear(8, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.act1(self.layer1(x))
        x = self.act2(self.layer2(x))
        x = self.act3(self.layer3(x))
        x = self.sigmoid(self.output(x))
        return x


model1, model2 = Wide(), Deep()
print(sum([x.reshape(-1).shape[0] for x in model1.parameters()]), sum([x.reshape(-1).shape[0] for x in model2.parameters()]))


def model_train(model, X_train, y_train, X_val, y_val):
    loss_fn = nn.BCELoss()
    optimizer = optim.Adam(model.parameters(), lr=0.001)
    n_epochs = 5
    batch_size = 10
    batch_start = torch.arange(0, len(X_train), batch_size)
    best_acc = -np.inf
    best_weights = None
    for epoch in range(n_epochs):
        model.train()
        for start in batch_start:
            X_batch = X_train[start:start + batch_size]
            y_batch = y_train[start:start + batch_size]
            y_pred = model(X_batch)
            loss = loss_fn(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            acc = (y_pred.round() == y_batch).float().mean()
        model.eval()
        y_pred = model(X_val)
        acc = (y_pred.round() == y_val).float().mean()
        acc = float(acc)
        if acc > best_acc:
            best_acc = acc
            best_weights = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_weights)
    return best_acc


print(type(torch.arange(0, 7, 3)[1]).__name__, X_train[torch.arange(0, 7, 3)[1]:torch.arange(0, 7, 3)[1] + 2].shape)


def kfold_indices(n, k):
    """What sklearn's KFold(n_splits=k, shuffle=True) hands over: (train, test) index arrays per fold."""
    order = np.random.default_rng(1).permutation(n)
    folds = np.array_split(order, k)
    for i in range(k):
        yield np.concatenate([f for j, f in enumerate(folds) if j != i]), folds[i]


cv_scores_wide, cv_scores_deep = [], []
for train, test in kfold_indices(len(X_train), 3):
    model = Wide()
    acc = model_train(model, X_train[train], y_train[train], X_train[test], y_train[test])
    print("Accuracy (wide): %.2f" % acc)
    cv_scores_wide.append(acc)
    model = Deep()
    acc = model_train(model, X_train[train], y_train[train], X_train[test], y_train[test])
    print("Accuracy (deep): %.2f" % acc)
    cv_scores_deep.append(acc)
wide_acc, wide_std = np.mean(cv_scores_wide), np.std(cv_scores_wide)
deep_acc, deep_std = np.mean(cv_scores_deep), np.std(cv_scores_deep)
print("Wide: %.2f%% (+/- %.2f%%)" % (wide_acc * 100, wide_std * 100))
print("Deep: %.2f%% (+/- %.2f%%)" % (deep_acc * 100, deep_std * 100))

model = Wide() if wide_acc > deep_acc else Deep()
acc = model_train(model, X_train, y_train, X_test, y_test)
print(f"Final model accuracy: {acc * 100:.2f}%")
model.eval()
with torch.no_grad():
    for i in range(3):
        y_pred = model(X_test[i:i + 1])
        print(f"{X_test[i].numpy()[:2]} -> {y_pred[0].numpy()} (expected {y_test[i].numpy()})")
    y_pred = model(X_test)
threshold = 0.5
tp = ((y_pred > threshold) & (y_test == 1)).sum().item()
print(tp, ((y_pred > threshold) == y_test.bool()).sum(), y_pred.round().squeeze().shape)
state = model.state_dict()
print(list(state)[:2], copy.deepcopy(state)[list(state)[0]] is state[list(state)[0]])
