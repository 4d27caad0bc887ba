import tinygrad_rnn as torch
import json
import numpy as np
nn = torch.nn
F = torch.nn.functional
Adam = torch.optim.Adam

# Made With ML (Goku Mohandas) foundations in PyTorch, shrunk: the Tensors lesson, then Linear
# Regression (standardised data, MSE, L2 via weight_decay, unscaled weights) and Logistic
# Regression (class weights, accuracy, softmax inference, per-class metrics without sklearn).
SEED = 1234
np.random.seed(seed=SEED)
torch.manual_seed(SEED)

# ---- tensors
x = torch.randn(2, 3)
print(f"Type: {x.type()}")
print(f"Size: {x.shape}")
print(f"Values: \n{x}")
x = torch.zeros(2, 3)
print(x)
x = torch.ones(2, 3)
print(x)
x = torch.Tensor([[1, 2, 3], [4, 5, 6]])
print(f"Size: {x.shape}")
print(f"Values: \n{x}")
x = torch.Tensor(np.random.rand(2, 3))
print(f"Size: {x.shape}")
print(f"Values: \n{x}")
x = torch.Tensor(3, 4)
print(f"Type: {x.type()}")
x = x.long()
print(f"Type: {x.type()}")
x = torch.randn(2, 3)
y = torch.randn(2, 3)
z = x + y
print(f"Size: {z.shape}")
print(f"Values: \n{z}")
x = torch.randn(2, 3)
y = torch.randn(3, 2)
z = torch.mm(x, y)
print(f"Size: {z.shape}")
print(f"Values: \n{z}")
x = torch.randn(2, 3)
print(f"Size: {x.shape}")
print(f"Values: \n{x}")
y = torch.t(x)
print(f"Size: {y.shape}")
print(f"Values: \n{y}")
x = torch.randn(2, 3)
z = x.view(3, 2)
print(f"Size: {z.shape}")
print(f"Values: \n{z}")
x = torch.tensor([
    [[1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]],
    [[10, 10, 10, 10], [20, 20, 20, 20], [30, 30, 30, 30]]
])
print(f"Size: {x.shape}")
print(f"x: \n{x}\n")
a = x.view(x.size(1), -1)
print(f"\nSize: {a.shape}")
print(f"a: \n{a}\n")
b = x.transpose(0, 1).contiguous()
print(f"\nSize: {b.shape}")
print(f"b: \n{b}\n")
c = b.view(b.size(0), -1)
print(f"\nSize: {c.shape}")
print(f"c: \n{c}")
x = torch.randn(2, 3)
print(f"Values: \n{x}")
y = torch.sum(x, dim=0)
print(f"Values: \n{y}")
z = torch.sum(x, dim=1)
print(f"Values: \n{z}")
x = torch.randn(3, 4)
print(f"x: \n{x}")
print(f"x[:1]: \n{x[:1]}")
print(f"x[:1, 1:3]: \n{x[:1, 1:3]}")
x = torch.randn(2, 3)
print(f"Values: \n{x}")
col_indices = torch.LongTensor([0, 2])
chosen = torch.index_select(x, dim=1, index=col_indices)
print(f"Values: \n{chosen}")
row_indices = torch.LongTensor([0, 1])
col_indices = torch.LongTensor([0, 2])
chosen = x[row_indices, col_indices]
print(f"Values: \n{chosen}")
x = torch.randn(2, 3)
print(x)
y = torch.randn(2, 3)
print(y)
z = torch.cat([x, y], dim=0)
print(z)
z = torch.stack([x, y], dim=0)
print(z)
x = torch.rand(3, 4, requires_grad=True)
y = 3 * x + 2
z = y.mean()
z.backward()
print(f"x: \n{x}")
print(f"x.grad: \n{x.grad}")
print(torch.cuda.is_available())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, x.to(device).device, x.is_cuda)

# ---- linear regression
NUM_SAMPLES = 50
TRAIN_SIZE, VAL_SIZE, TEST_SIZE = 0.7, 0.15, 0.15


def generate_data(num_samples):
    X = np.array(range(num_samples))
    random_noise = np.random.uniform(-10, 20, size=num_samples)
    y = 3.5 * X + random_noise
    return X, y


X, y = generate_data(num_samples=NUM_SAMPLES)
data = np.vstack([X, y]).T
print(data[:5])
X = data[:, 0].reshape(-1, 1)
y = data[:, 1].reshape(-1, 1)


def train_val_test_split(X, y, train_size):
    """The lesson's sklearn train_test_split twice, as a seeded permutation."""
    order = np.random.permutation(len(X))
    n_train, n_val = int(train_size * len(X)), int((1 - train_size) / 2 * len(X))
    parts = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    return [X[p] for p in parts] + [y[p] for p in parts]


X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y, train_size=TRAIN_SIZE)
print(f"X_train: {X_train.shape}, y_train: {y_train.shape}")
print(f"X_val: {X_val.shape}, y_val: {y_val.shape}")
print(f"X_test: {X_test.shape}, y_test: {y_test.shape}")


class StandardScaler:
    def fit(self, X):
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
        return self

    def transform(self, X):
        return (X - self.mean_) / self.scale_


X_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train)
X_train = X_scaler.transform(X_train)
y_train = y_scaler.transform(y_train).ravel().reshape(-1, 1)
X_val = X_scaler.transform(X_val)
y_val = y_scaler.transform(y_val).ravel().reshape(-1, 1)
X_test = X_scaler.transform(X_test)
y_test = y_scaler.transform(y_test).ravel().reshape(-1, 1)
print(f"mean: {np.mean(X_test, axis=0)[0]:.1f}, std: {np.std(X_test, axis=0)[0]:.1f}")

INPUT_DIM = X_train.shape[1]
OUTPUT_DIM = y_train.shape[1]
N = 3
x = torch.randn(N, INPUT_DIM)
fc1 = nn.Linear(INPUT_DIM, OUTPUT_DIM)
print(x.numpy())
y = fc1(x)
print(y.detach().numpy())


class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegression, self).__init__()
        self.fc1 = nn.Linear(input_dim, output_dim)

    def forward(self, x_in):
        y_pred = self.fc1(x_in)
        return y_pred


model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
print(model.named_parameters)
loss_fn = nn.MSELoss()
y_pred = torch.Tensor([0., 0., 1., 1.])
y_true = torch.Tensor([1., 1., 1., 0.])
loss = loss_fn(y_pred, y_true)
print("Loss: ", loss.numpy())
LEARNING_RATE = 1e-1
NUM_EPOCHS = 100
optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
X_train = torch.Tensor(X_train)
y_train = torch.Tensor(y_train)
X_val = torch.Tensor(X_val)
y_val = torch.Tensor(y_val)
X_test = torch.Tensor(X_test)
y_test = torch.Tensor(y_test)
for epoch in range(NUM_EPOCHS):
    y_pred = model(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | loss: {loss:.2f}")
pred_train = model(X_train)
pred_test = model(X_test)
train_error = loss_fn(pred_train, y_train)
test_error = loss_fn(pred_test, y_test)
print(f"train_error: {train_error:.2f}")
print(f"test_error: {test_error:.2f}")
W = model.fc1.weight.data.numpy()[0][0]
b = model.fc1.bias.data.numpy()[0]
W_unscaled = W * (y_scaler.scale_ / X_scaler.scale_)
b_unscaled = b * y_scaler.scale_ + y_scaler.mean_ - np.sum(W_unscaled * X_scaler.mean_)
print("[actual] y = 3.5X + noise")
print(f"[model] y_hat = {W_unscaled[0]:.1f}X + {b_unscaled[0]:.1f}")
L2_LAMBDA = 1e-2
model = LinearRegression(input_dim=INPUT_DIM, output_dim=OUTPUT_DIM)
optimizer = Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=L2_LAMBDA)
for epoch in range(NUM_EPOCHS):
    y_pred = model(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | loss: {loss:.2f}")
print(f"train_error: {loss_fn(model(X_train), y_train):.2f}, test_error: {loss_fn(model(X_test), y_test):.2f}")

# ---- logistic regression: two tumour features, benign/malignant, imbalanced
n_benign, n_malignant = 60, 30
leukocyte = np.concatenate([np.random.normal(13, 2, n_benign), np.random.normal(16, 2, n_malignant)])
blood_pressure = np.concatenate([np.random.normal(15, 2, n_benign), np.random.normal(11, 2, n_malignant)])
tumor_class = np.array(["benign"] * n_benign + ["malignant"] * n_malignant)
order = np.random.permutation(len(tumor_class))
X = np.stack([leukocyte, blood_pressure], axis=1)[order]
y = tumor_class[order]
print(X[:3].round(4), y[:3])


class LabelEncoder(object):
    def __init__(self, class_to_index={}):
        self.class_to_index = class_to_index or {}
        self.index_to_class = {v: k for k, v in self.class_to_index.items()}
        self.classes = list(self.class_to_index.keys())

    def __len__(self):
        return len(self.class_to_index)

    def __str__(self):
        return f"<LabelEncoder(num_classes={len(self)})>"

    def fit(self, y):
        classes = np.unique(y)
        for i, class_ in enumerate(classes):
            self.class_to_index[class_] = i
        self.index_to_class = {v: k for k, v in self.class_to_index.items()}
        self.classes = list(self.class_to_index.keys())
        return self

    def encode(self, y):
        encoded = np.zeros((len(y)), dtype=int)
        for i, item in enumerate(y):
            encoded[i] = self.class_to_index[item]
        return encoded

    def decode(self, y):
        classes = []
        for i, item in enumerate(y):
            classes.append(self.index_to_class[item])
        return classes


X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(X, y, train_size=TRAIN_SIZE)
label_encoder = LabelEncoder()
label_encoder.fit(y_train)
NUM_CLASSES = len(label_encoder.classes)
print(label_encoder, label_encoder.class_to_index)
y_train = label_encoder.encode(y_train)
y_val = label_encoder.encode(y_val)
y_test = label_encoder.encode(y_test)
counts = np.bincount(y_train)
class_weights = {i: 1.0 / count for i, count in enumerate(counts)}
print(f"counts: {counts}\nweights: {class_weights}")
X_scaler = StandardScaler().fit(X_train)
X_train = X_scaler.transform(X_train)
X_val = X_scaler.transform(X_val)
X_test = X_scaler.transform(X_test)
print(f"X_test[0]: mean: {np.mean(X_test[:, 0], axis=0):.1f}, std: {np.std(X_test[:, 0], axis=0):.1f}")
INPUT_DIM = X_train.shape[1]


class LogisticRegression(nn.Module):
    def __init__(self, input_dim, num_classes):
        super(LogisticRegression, self).__init__()
        self.fc1 = nn.Linear(input_dim, num_classes)

    def forward(self, x_in):
        z = self.fc1(x_in)
        return z


model = LogisticRegression(input_dim=INPUT_DIM, num_classes=NUM_CLASSES)
print(model.named_parameters)
loss_fn = nn.CrossEntropyLoss()
y_pred = torch.randn(3, NUM_CLASSES, requires_grad=False)
y_true = torch.empty(3, dtype=torch.long).random_(NUM_CLASSES)
print(y_true)
loss = loss_fn(y_pred, y_true)
print(f"Loss: {loss.numpy()}")
class_weights_tensor = torch.Tensor(list(class_weights.values()))
loss_fn = nn.CrossEntropyLoss(weight=class_weights_tensor)
print(loss_fn, loss_fn.weight, loss_fn.reduction)


def accuracy_fn(y_pred, y_true):
    n_correct = torch.eq(y_pred, y_true).sum().item()
    accuracy = (n_correct / len(y_pred)) * 100
    return accuracy


y_pred = torch.Tensor([0, 0, 1])
y_true = torch.Tensor([1, 1, 1])
print("Accuracy: {accuracy_fn(y_pred, y_true):.1f}", f"{accuracy_fn(y_pred, y_true):.1f}")
optimizer = Adam(model.parameters(), lr=LEARNING_RATE)
X_train = torch.Tensor(X_train)
y_train = torch.LongTensor(y_train)
X_val = torch.Tensor(X_val)
y_val = torch.LongTensor(y_val)
X_test = torch.Tensor(X_test)
y_test = torch.LongTensor(y_test)
for epoch in range(50):
    y_pred = model(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        predictions = y_pred.max(dim=1)[1]
        accuracy = accuracy_fn(y_pred=predictions, y_true=y_train)
        print(f"Epoch: {epoch} | loss: {loss:.2f}, accuracy: {accuracy:.1f}")
y_prob = F.softmax(model(X_test), dim=1)
print(f"sample probability: {y_prob[0]}")
y_pred = y_prob.max(dim=1)[1]
print(f"sample class: {y_pred[0]}")


def precision_recall_fscore_support(y_true, y_pred, average=None):
    """sklearn's metric, per class (average=None) or weighted by support."""
    classes = np.arange(max(y_true.max(), y_pred.max()) + 1)
    tp = np.array([np.sum((y_pred == c) & (y_true == c)) for c in classes])
    precision = tp / np.maximum([np.sum(y_pred == c) for c in classes], 1)
    support = np.array([np.sum(y_true == c) for c in classes])
    recall = tp / np.maximum(support, 1)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    if average == "weighted":
        weights = support / support.sum()
        return (precision * weights).sum(), (recall * weights).sum(), (f1 * weights).sum(), None
    return precision, recall, f1, support


def get_metrics(y_true, y_pred, classes):
    performance = {"overall": {}, "class": {}}
    metrics = precision_recall_fscore_support(y_true, y_pred, average="weighted")
    performance["overall"]["precision"] = round(float(metrics[0]), 4)
    performance["overall"]["recall"] = round(float(metrics[1]), 4)
    performance["overall"]["f1"] = round(float(metrics[2]), 4)
    performance["overall"]["num_samples"] = np.float64(len(y_true)).item()
    metrics = precision_recall_fscore_support(y_true, y_pred, average=None)
    for i in range(len(classes)):
        performance["class"][classes[i]] = {
            "precision": round(float(metrics[0][i]), 4), "recall": round(float(metrics[1][i]), 4),
            "f1": round(float(metrics[2][i]), 4), "num_samples": np.float64(metrics[3][i]).item()}
    return performance


performance = get_metrics(y_true=y_test.numpy(), y_pred=y_pred.numpy(), classes=label_encoder.classes)
print(json.dumps(performance, indent=2))
W = model.fc1.weight.data.numpy()
b = model.fc1.bias.data.numpy()
print(W.round(4), b.round(4))
X_new = np.array([[16.0, 12.0], [12.0, 16.0]])
X_infer = X_scaler.transform(X_new)
y_infer = F.softmax(model(torch.Tensor(X_infer)), dim=1)
prob, _class = y_infer.max(dim=1)
label = label_encoder.decode(_class.detach().numpy())[0]
print(f"The probability that you have a {label} tumor is {prob.detach().numpy()[0]*100.0:.0f}%")
print(y_infer, prob.grad_fn, _class.dtype)

# ---- the same constructors under a float64 default (and back)
torch.set_default_dtype(torch.float64)
x = torch.Tensor([[1, 2, 3], [4, 5, 6]])
print(f"Type: {x.type()}", torch.Tensor(np.random.rand(2, 3)).dtype, torch.Tensor(3, 4).type(), torch.randn(2).dtype)
print(LinearRegression(1, 1).fc1.weight.dtype, torch.FloatTensor([1]).dtype, torch.tensor([1.5]).dtype)
torch.set_default_dtype(torch.float32)
print(torch.Tensor([1.5]).type(), torch.get_default_dtype())
