import tinygrad_rnn as torch
import json
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
init = torch.nn.init
Adam = torch.optim.Adam

# Made With ML foundations, shrunk: Neural Networks (spiral data, MLP with ReLU, dropout, Xavier init
# through the old `init.xavier_normal`, overfitting random labels), Data Quality (decision regions
# on a grid) and Utilities (set_seeds, a Dataset with collate_fn, DataLoaders, and the Trainer class
# with train_step/eval_step/predict_step, early stopping and ReduceLROnPlateau).


def set_seeds(seed=1234):
    """Set seeds for reproducibility."""
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


set_seeds(seed=1234)
cuda = True
device = torch.device("cuda" if (torch.cuda.is_available() and cuda) else "cpu")
torch.set_default_tensor_type("torch.FloatTensor")
if device.type == "cuda":
    torch.set_default_tensor_type("torch.cuda.FloatTensor")
print(device, torch.get_default_dtype())

# ---- spiral data: three arms
NUM_SAMPLES_PER_CLASS = 40
NUM_CLASSES = 3
X, y = [], []
for c in range(NUM_CLASSES):
    r = np.linspace(0.0, 1, NUM_SAMPLES_PER_CLASS)
    t = np.linspace(c * 4, (c + 1) * 4, NUM_SAMPLES_PER_CLASS) + np.random.randn(NUM_SAMPLES_PER_CLASS) * 0.2
    X.append(np.c_[r * np.sin(t), r * np.cos(t)])
    y.extend([f"c{c + 1}"] * NUM_SAMPLES_PER_CLASS)
X = np.concatenate(X).astype(np.float32)
y = np.array(y)
print(f"X: {np.shape(X)}, y: {np.shape(y)}")
order = np.random.permutation(len(X))
X, y = X[order], y[order]
n_train, n_val = int(0.7 * len(X)), int(0.15 * len(X))
X_train, X_val, X_test = X[:n_train], X[n_train:n_train + n_val], X[n_train + n_val:]
classes = sorted(set(y))
class_to_index = {c: i for i, c in enumerate(classes)}
y_train, y_val, y_test = [np.array([class_to_index[c] for c in part])
                          for part in (y[:n_train], y[n_train:n_train + n_val], y[n_train + n_val:])]
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train, X_val, X_test = [(part - mean) / std for part in (X_train, X_val, X_test)]
print(f"counts: {np.bincount(y_train)}, X_train[0]: {X_train[0]}, y_train[0]: {y_train[0]}")
INPUT_DIM = X_train.shape[1]
HIDDEN_DIM = 50
DROPOUT_P = 0.1
LEARNING_RATE = 1e-2
NUM_EPOCHS = 60


class LinearModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_classes):
        super(LinearModel, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, x_in):
        z = self.fc1(x_in)
        z = self.fc2(z)
        return z


class MLP(nn.Module):
    def __init__(self, input_dim, hidden_dim, num_classes):
        super(MLP, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, x_in):
        z = F.relu(self.fc1(x_in))
        z = self.fc2(z)
        return z


class DropoutMLP(nn.Module):
    def __init__(self, input_dim, hidden_dim, dropout_p, num_classes):
        super(DropoutMLP, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.dropout = nn.Dropout(dropout_p)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def init_weights(self):
        init.xavier_normal(self.fc1.weight, gain=init.calculate_gain("relu"))

    def forward(self, x_in):
        z = F.relu(self.fc1(x_in))
        z = self.dropout(z)
        z = self.fc2(z)
        return z


def accuracy_fn(y_pred, y_true):
    n_correct = torch.eq(y_pred, y_true).sum().item()
    accuracy = (n_correct / len(y_pred)) * 100
    return accuracy


X_train_t, y_train_t = torch.Tensor(X_train), torch.LongTensor(y_train)
X_test_t, y_test_t = torch.Tensor(X_test), torch.LongTensor(y_test)


def fit(model, X, y, epochs=NUM_EPOCHS):
    loss_fn = nn.CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
    for epoch in range(epochs):
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 20 == 0:
            predictions = y_pred.max(dim=1)[1]
            accuracy = accuracy_fn(y_pred=predictions, y_true=y)
            print(f"Epoch: {epoch} | loss: {loss:.2f}, accuracy: {accuracy:.1f}")


for make in (lambda: LinearModel(INPUT_DIM, HIDDEN_DIM, NUM_CLASSES), lambda: MLP(INPUT_DIM, HIDDEN_DIM, NUM_CLASSES)):
    model = make()
    print(model.named_parameters)
    fit(model, X_train_t, y_train_t)
    y_prob = F.softmax(model(X_test_t), dim=1)
    y_pred = y_prob.max(dim=1)[1]
    print(f"test accuracy: {accuracy_fn(y_pred, y_test_t):.1f}", y_prob[:2])

model = DropoutMLP(input_dim=INPUT_DIM, hidden_dim=HIDDEN_DIM, dropout_p=DROPOUT_P, num_classes=NUM_CLASSES)
model.init_weights()
print(model.named_parameters, model.fc1.weight.std())
fit(model, X_train_t, y_train_t)
model.eval()
print(model.training, model.dropout.training, model(X_test_t[:2]))
# overfitting: random labels can still be learned by a big enough net
y_random = torch.LongTensor(np.random.randint(0, NUM_CLASSES, len(X_train)))
fit(MLP(INPUT_DIM, 4 * HIDDEN_DIM, NUM_CLASSES), X_train_t, y_random, epochs=41)


# ---- data quality: the model's decision over a grid
def decision_regions(model, X, steps=21):
    x_min, x_max = X[:, 0].min() - 0.1, X[:, 0].max() + 0.1
    y_min, y_max = X[:, 1].min() - 0.1, X[:, 1].max() + 0.1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, steps), np.linspace(y_min, y_max, steps))
    X_grid = torch.from_numpy(np.c_[xx.ravel(), yy.ravel()]).float()
    y_pred = F.softmax(model(X_grid), dim=1)
    _, y_pred = y_pred.max(dim=1)
    y_pred = y_pred.reshape(xx.shape)
    return y_pred


regions = decision_regions(model, X_test)
print(regions.shape, regions.dtype, torch.bincount(regions.flatten()), regions[::5, ::5])


# ---- utilities: Dataset with collate_fn, DataLoaders, the Trainer
class Dataset(torch.utils.data.Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y

    def __len__(self):
        return len(self.y)

    def __str__(self):
        return f"<Dataset(N={len(self)})>"

    def __getitem__(self, index):
        X = self.X[index]
        y = self.y[index]
        return [X, y]

    def collate_fn(self, batch):
        """Processing on a batch."""
        batch = np.array(batch, dtype=object)
        X = np.stack(batch[:, 0], axis=0)
        y = batch[:, 1]
        X = torch.FloatTensor(X.astype(np.float32))
        y = torch.LongTensor(y.astype(np.int32))
        return X, y

    def create_dataloader(self, batch_size, shuffle=False, drop_last=False):
        return torch.utils.data.DataLoader(
            dataset=self, batch_size=batch_size, collate_fn=self.collate_fn,
            shuffle=shuffle, drop_last=drop_last, pin_memory=True)


train_dataset = Dataset(X=X_train, y=y_train)
val_dataset = Dataset(X=X_val, y=y_val)
test_dataset = Dataset(X=X_test, y=y_test)
print("Datasets:\n"
      f"  Train dataset:{train_dataset.__str__()}\n"
      f"  Val dataset: {val_dataset.__str__()}\n"
      f"  Test dataset: {test_dataset.__str__()}\n"
      "Sample point:\n"
      f"  X: {train_dataset[0][0]}\n"
      f"  y: {train_dataset[0][1]}")
batch_size = 16
train_dataloader = train_dataset.create_dataloader(batch_size=batch_size, shuffle=True)
val_dataloader = val_dataset.create_dataloader(batch_size=batch_size)
test_dataloader = test_dataset.create_dataloader(batch_size=batch_size)
batch_X, batch_y = next(iter(train_dataloader))
print("Sample batch:\n"
      f"  X: {list(batch_X.size())}\n"
      f"  y: {list(batch_y.size())}\n"
      "Sample point:\n"
      f"  X: {batch_X[0]}\n"
      f"  y: {batch_y[0]}")


class UtilMLP(nn.Module):
    def __init__(self, input_dim, hidden_dim, dropout_p, num_classes):
        super(UtilMLP, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.dropout = nn.Dropout(dropout_p)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, inputs):
        x_in, = inputs
        z = F.relu(self.fc1(x_in))
        z = self.dropout(z)
        z = self.fc2(z)
        return z


class Trainer(object):
    def __init__(self, model, device, loss_fn=None, optimizer=None, scheduler=None):
        self.model = model
        self.device = device
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.scheduler = scheduler

    def train_step(self, dataloader):
        """Train step."""
        self.model.train()
        loss = 0.0
        for i, batch in enumerate(dataloader):
            batch = [item.to(self.device) for item in batch]
            inputs, targets = batch[:-1], batch[-1]
            self.optimizer.zero_grad()
            z = self.model(inputs)
            J = self.loss_fn(z, targets)
            J.backward()
            self.optimizer.step()
            loss += (J.detach().item() - loss) / (i + 1)
        return loss

    def eval_step(self, dataloader):
        """Validation or test step."""
        self.model.eval()
        loss = 0.0
        y_trues, y_probs = [], []
        with torch.inference_mode():
            for i, batch in enumerate(dataloader):
                batch = [item.to(self.device) for item in batch]
                inputs, y_true = batch[:-1], batch[-1]
                z = self.model(inputs)
                J = self.loss_fn(z, y_true).item()
                loss += (J - loss) / (i + 1)
                y_prob = F.softmax(z).cpu().numpy()
                y_probs.extend(y_prob)
                y_trues.extend(y_true.cpu().numpy())
        return loss, np.vstack(y_trues), np.vstack(y_probs)

    def predict_step(self, dataloader):
        """Prediction step."""
        self.model.eval()
        y_probs = []
        with torch.inference_mode():
            for i, batch in enumerate(dataloader):
                inputs, targets = batch[:-1], batch[-1]
                z = self.model(inputs)
                y_prob = F.softmax(z, dim=1).cpu().numpy()
                y_probs.extend(y_prob)
        return np.vstack(y_probs)

    def train(self, num_epochs, patience, train_dataloader, val_dataloader):
        best_val_loss = np.inf
        for epoch in range(num_epochs):
            train_loss = self.train_step(dataloader=train_dataloader)
            val_loss, _, _ = self.eval_step(dataloader=val_dataloader)
            self.scheduler.step(val_loss)
            if val_loss < best_val_loss:
                best_val_loss = val_loss
                best_model = self.model
                _patience = patience
            else:
                _patience -= 1
            if not _patience:
                print("Stopping early!")
                break
            print(
                f"Epoch: {epoch+1} | "
                f"train_loss: {train_loss:.5f}, "
                f"val_loss: {val_loss:.5f}, "
                f"lr: {self.optimizer.param_groups[0]['lr']:.2E}, "
                f"_patience: {_patience}"
            )
        return best_model


set_seeds(seed=1234)
model = UtilMLP(input_dim=INPUT_DIM, hidden_dim=HIDDEN_DIM, dropout_p=DROPOUT_P, num_classes=NUM_CLASSES)
model = model.to(device)
print(model.named_parameters)
loss_fn = nn.CrossEntropyLoss()
optimizer = Adam(model.parameters(), lr=0.05)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=1)
trainer = Trainer(model=model, device=device, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler)
best_model = trainer.train(12, 4, train_dataloader, val_dataloader)
test_loss, y_true, y_prob = trainer.eval_step(dataloader=test_dataloader)
y_pred = np.argmax(y_prob, axis=1)
print(f"test_loss: {test_loss:.4f}", y_true.shape, y_prob.shape, y_prob.dtype, y_prob[:2])
performance = {"overall": {"accuracy": float((y_pred == y_true.ravel()).mean())},
               "class": {c: int(((y_pred == i) & (y_true.ravel() == i)).sum()) for i, c in enumerate(classes)}}
print(json.dumps(performance, indent=2))
print(trainer.predict_step(test_dataloader)[:3], best_model is model)
print(scheduler.state_dict()["best"], scheduler.num_bad_epochs, optimizer.state_dict()["param_groups"][0]["lr"])
