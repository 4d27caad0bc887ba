import tinygrad_rnn as torch
# Machine Learning Mastery: "Building a multiclass classification model" (an Iris-like table, one-hot
# targets, CrossEntropyLoss on class probabilities, argmax accuracy, best weights kept), "Using
# dropout regularization", "Using learning rate schedules" (StepLR, ExponentialLR, LambdaLR,
# MultiStepLR, ReduceLROnPlateau, printing param_groups' lr), and "Save and load your models"
# (torch.save/torch.load of a state_dict and of a whole dict, to a temporary file).
import copy
import os
import tempfile

import numpy as np

nn = torch.nn
optim = torch.optim
F = torch.nn.functional

rng = np.random.default_rng(3)
centres = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
X = np.concatenate([c + rng.normal(scale=0.35, size=(30, 4)) for c in centres]).astype(np.float32)
names = np.array(["Iris-setosa", "Iris-versicolor", "Iris-virginica"]).repeat(30)
classes = sorted(set(names))
y_index = np.array([classes.index(n) for n in names])
X = torch.tensor(X, dtype=torch.float32)
y = F.one_hot(torch.tensor(y_index), num_classes=3).float()  # what OneHotEncoder(sparse_output=False) gives
print(X.shape, y.shape, y.dtype, y[:2], y.sum(0), F.one_hot(torch.tensor([2, 0])))
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(42))
X_train, y_train, X_test, y_test = X[perm[:63]], y[perm[:63]], X[perm[63:]], y[perm[63:]]


class Multiclass(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 8)
        self.act = nn.ReLU()
        self.dropout = nn.Dropout(0.2)
        self.output = nn.Linear(8, 3)

    def forward(self, x):
        x = self.act(self.hidden(x))
        x = self.dropout(x)
        x = self.output(x)
        return x


torch.manual_seed(0)
model = Multiclass()
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
n_epochs, batch_size = 30, 8
batches_per_epoch = len(X_train) // batch_size
best_acc, best_weights = -np.inf, None
train_loss_hist, test_acc_hist = [], []
for epoch in range(n_epochs):
    epoch_loss = []
    model.train()
    for i in range(batches_per_epoch):
        start = i * batch_size
        X_batch, y_batch = X_train[start:start + batch_size], y_train[start:start + batch_size]
        y_pred = model(X_batch)
        loss = loss_fn(y_pred, y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        acc = (torch.argmax(y_pred, 1) == torch.argmax(y_batch, 1)).float().mean()
        epoch_loss.append(loss.item())  # (float(loss) warns once per process in torch: a suite-order effect)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        y_pred = model(X_test)
        ce = loss_fn(y_pred, y_test)
        acc = (torch.argmax(y_pred, 1) == torch.argmax(y_test, 1)).float().mean()
    ce, acc = float(ce), float(acc)
    train_loss_hist.append(np.mean(epoch_loss))
    test_acc_hist.append(acc)
    if acc > best_acc:
        best_acc = acc
        best_weights = copy.deepcopy(model.state_dict())
    if epoch % 10 == 9:
        print(f"Epoch {epoch} validation: Cross-entropy={ce:.4f}, Accuracy={acc * 100:.1f}%", optimizer.param_groups[0]["lr"],
              scheduler.get_last_lr())
model.load_state_dict(best_weights)
print("best", best_acc, round(float(np.mean(train_loss_hist)), 4), loss.grad_fn.name())
print(F.softmax(model(X_test[:3]), dim=1), torch.argmax(model(X_test[:3]), 1))
print(loss_fn(torch.tensor([[2.0, 0.5, 0.1]]), torch.tensor([[0.7, 0.2, 0.1]])),
      nn.CrossEntropyLoss(label_smoothing=0.1)(torch.tensor([[2.0, 0.5, 0.1]]), torch.tensor([[1.0, 0.0, 0.0]])))

# dropout: active in train(), the identity in eval(); scaled by 1 / (1 - p)
drop = nn.Dropout(p=0.5)
torch.manual_seed(1)
out = drop(torch.ones(2, 6))
print(drop, out, out.sum(), drop.training)
drop.eval()
print(drop(torch.ones(2, 3)), F.dropout(torch.ones(4), p=0.25, training=True), F.dropout(torch.ones(2), training=False))
print(nn.Dropout(0.0)(torch.ones(2)), nn.Dropout1d(0.5)(torch.ones(1, 3, 2)).shape)

# the learning-rate schedules, each printing the rate an epoch sees


def rates(make, epochs=6, metric=None):
    opt = optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = make(opt)
    out = []
    for epoch in range(epochs):
        opt.step()
        out.append(round(opt.param_groups[0]["lr"], 6))
        sched.step(metric[epoch]) if metric else sched.step()
    return out


print("StepLR", rates(lambda o: optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)))
print("ExponentialLR", rates(lambda o: optim.lr_scheduler.ExponentialLR(o, gamma=0.9)))
print("LambdaLR", rates(lambda o: optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch)))
print("MultiStepLR", rates(lambda o: optim.lr_scheduler.MultiStepLR(o, milestones=[1, 4], gamma=0.1)))
print("LinearLR", rates(lambda o: optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.3, total_iters=4)))
print("Plateau", rates(lambda o: optim.lr_scheduler.ReduceLROnPlateau(o, "min", factor=0.5, patience=1),
                       metric=[1.0, 0.9, 0.9, 0.9, 0.9, 0.9]))
sched = optim.lr_scheduler.StepLR(optimizer, step_size=3)
print(sched.state_dict(), sched.last_epoch, sched.base_lrs)

# saving and loading
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "multiclass.pth")
    torch.save(model.state_dict(), path)
    restored = Multiclass()
    print(restored.load_state_dict(torch.load(path)))
    restored.eval()
    print(torch.equal(restored(X_test), model(X_test)), sorted(os.listdir(folder)))
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": n_epochs, "acc": best_acc}, path)
    checkpoint = torch.load(path, weights_only=True)
    print(sorted(checkpoint), checkpoint["epoch"], checkpoint["optimizer"]["param_groups"][0]["lr"],
          sorted(checkpoint["optimizer"]["state"][0]))
    seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))  # (a class of the program's own would
    torch.save(seq, path)                                                # not unpickle from an exec'd __main__)
    try:
        torch.load(path)
    except Exception as error:  # a pickled Module needs weights_only=False now
        print(type(error).__name__, str(error).splitlines()[0])
    whole = torch.load(path, weights_only=False)
    print(type(whole).__name__, whole.training, whole[0].weight.dtype, torch.equal(whole[2].bias, seq[2].bias))
