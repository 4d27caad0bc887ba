import tinygrad_rnn as torch
import numpy as np
nn = torch.nn

# Zero to Mastery "Learn PyTorch for Deep Learning", 02: neural network classification
# (200 samples instead of 1000; 40 / 120 / 40 epochs instead of 100 / 1000 / 100)
n_samples = 200
rng = np.random.default_rng(42)  # two noisy circles, as sklearn's make_circles(noise=0.03, factor=0.8)
angles = rng.uniform(0, 2 * np.pi, n_samples)
radius = np.where(np.arange(n_samples) % 2 == 0, 1.0, 0.8)
X_np = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1) + rng.normal(0, 0.03, (n_samples, 2))
y_np = (np.arange(n_samples) % 2).astype(np.int64)
print(f"First 5 X features:\n{X_np[:5].round(4)}")
print(f"\nFirst 5 y labels:\n{y_np[:5]}")
X = torch.from_numpy(X_np).type(torch.float)
y = torch.from_numpy(y_np).type(torch.float)
print(X[:5], y[:5], X.dtype, y.dtype)
perm = torch.randperm(n_samples, generator=torch.Generator().manual_seed(42))
X, y = X[perm], y[perm]
X_train, X_test, y_train, y_test = X[:160], X[160:], y[:160], y[160:]
print(len(X_train), len(X_test), len(y_train), len(y_test))
device = "cuda" if torch.cuda.is_available() else "cpu"


class CircleModelV0(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(in_features=2, out_features=5)
        self.layer_2 = nn.Linear(in_features=5, out_features=1)

    def forward(self, x):
        return self.layer_2(self.layer_1(x))


torch.manual_seed(42)
model_0 = CircleModelV0().to(device)
print(model_0)
untrained_preds = model_0(X_test.to(device))
print(f"Length of predictions: {len(untrained_preds)}, Shape: {untrained_preds.shape}")
print(f"\nFirst 10 predictions:\n{untrained_preds[:10]}")
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.1)


def accuracy_fn(y_true, y_pred):
    correct = torch.eq(y_true, y_pred).sum().item()
    acc = (correct / len(y_pred)) * 100
    return acc


y_logits = model_0(X_test.to(device))[:5]
print(y_logits)
y_pred_probs = torch.sigmoid(y_logits)
print(y_pred_probs)
y_preds = torch.round(y_pred_probs)
y_pred_labels = torch.round(torch.sigmoid(model_0(X_test.to(device))[:5]))
print(torch.eq(y_preds.squeeze(), y_pred_labels.squeeze()))
print(y_preds.squeeze())

torch.manual_seed(42)
epochs = 40
X_train, y_train = X_train.to(device), y_train.to(device)
X_test, y_test = X_test.to(device), y_test.to(device)
for epoch in range(epochs):
    model_0.train()
    y_logits = model_0(X_train).squeeze()
    y_pred = torch.round(torch.sigmoid(y_logits))
    loss = loss_fn(y_logits, y_train)
    acc = accuracy_fn(y_true=y_train, y_pred=y_pred)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_0.eval()
    with torch.inference_mode():
        test_logits = model_0(X_test).squeeze()
        test_pred = torch.round(torch.sigmoid(test_logits))
        test_loss = loss_fn(test_logits, y_test)
        test_acc = accuracy_fn(y_true=y_test, y_pred=test_pred)
    if epoch % 10 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Accuracy: {acc:.2f}% | Test loss: {test_loss:.5f}, "
              f"Test acc: {test_acc:.2f}%")


class CircleModelV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_1 = nn.Linear(in_features=2, out_features=10)
        self.layer_2 = nn.Linear(in_features=10, out_features=10)
        self.layer_3 = nn.Linear(in_features=10, out_features=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.layer_3(self.relu(self.layer_2(self.relu(self.layer_1(x)))))


model_3 = CircleModelV2().to(device)
print(model_3)
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model_3.parameters(), lr=0.1)
torch.manual_seed(42)
epochs = 120
for epoch in range(epochs):
    y_logits = model_3(X_train).squeeze()
    y_pred = torch.round(torch.sigmoid(y_logits))
    loss = loss_fn(y_logits, y_train)
    acc = accuracy_fn(y_true=y_train, y_pred=y_pred)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_3.eval()
    with torch.inference_mode():
        test_logits = model_3(X_test).squeeze()
        test_pred = torch.round(torch.sigmoid(test_logits))
        test_loss = loss_fn(test_logits, y_test)
        test_acc = accuracy_fn(y_true=y_test, y_pred=test_pred)
    if epoch % 20 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Accuracy: {acc:.2f}% | Test Loss: {test_loss:.5f}, "
              f"Test Accuracy: {test_acc:.2f}%")
model_3.eval()
with torch.inference_mode():
    y_preds = torch.round(torch.sigmoid(model_3(X_test))).squeeze()
print(y_preds[:10], y[:10])

A = torch.arange(-10, 10, 1, dtype=torch.float32)
print(A)


def relu(x):
    return torch.maximum(torch.tensor(0), x)


def sigmoid(x):
    return 1 / (1 + torch.exp(-x))


print(relu(A))
print(sigmoid(A))
print(torch.relu(A), torch.sigmoid(A))

# multi-class: blobs
NUM_CLASSES, NUM_FEATURES, RANDOM_SEED = 4, 2, 42
centers = rng.uniform(-10, 10, (NUM_CLASSES, NUM_FEATURES))
labels = rng.integers(0, NUM_CLASSES, 200)
X_blob = torch.from_numpy(centers[labels] + rng.normal(0, 1.5, (200, 2))).type(torch.float)
y_blob = torch.from_numpy(labels).type(torch.LongTensor)
print(X_blob[:5], y_blob[:5])
X_blob_train, X_blob_test, y_blob_train, y_blob_test = X_blob[:160], X_blob[160:], y_blob[:160], y_blob[160:]


class BlobModel(nn.Module):
    def __init__(self, input_features, output_features, hidden_units=8):
        super().__init__()
        self.linear_layer_stack = nn.Sequential(
            nn.Linear(in_features=input_features, out_features=hidden_units),
            nn.Linear(in_features=hidden_units, out_features=hidden_units),
            nn.Linear(in_features=hidden_units, out_features=output_features),
        )

    def forward(self, x):
        return self.linear_layer_stack(x)


torch.manual_seed(RANDOM_SEED)
model_4 = BlobModel(input_features=NUM_FEATURES, output_features=NUM_CLASSES, hidden_units=8).to(device)
print(model_4)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model_4.parameters(), lr=0.1)
print(model_4(X_blob_train.to(device))[:5])
print(model_4(X_blob_train.to(device))[0].shape, NUM_CLASSES)
y_logits = model_4(X_blob_test.to(device))
y_pred_probs = torch.softmax(y_logits, dim=1)
print(y_logits[:5])
print(y_pred_probs[:5])
print(torch.sum(y_pred_probs[0]))
print(y_pred_probs[0])
print(torch.argmax(y_pred_probs[0]))
torch.manual_seed(42)
epochs = 40
for epoch in range(epochs):
    model_4.train()
    y_logits = model_4(X_blob_train)
    y_pred = torch.softmax(y_logits, dim=1).argmax(dim=1)
    loss = loss_fn(y_logits, y_blob_train)
    acc = accuracy_fn(y_true=y_blob_train, y_pred=y_pred)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_4.eval()
    with torch.inference_mode():
        test_logits = model_4(X_blob_test)
        test_pred = torch.softmax(test_logits, dim=1).argmax(dim=1)
        test_loss = loss_fn(test_logits, y_blob_test)
        test_acc = accuracy_fn(y_true=y_blob_test, y_pred=test_pred)
    if epoch % 10 == 0:
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Acc: {acc:.2f}% | Test Loss: {test_loss:.5f}, Test Acc: {test_acc:.2f}%")
model_4.eval()
with torch.inference_mode():
    y_logits = model_4(X_blob_test)
y_pred_probs = torch.softmax(y_logits, dim=1)
y_preds = y_pred_probs.argmax(dim=1)
print(f"Predictions: {y_preds[:10]}\nLabels: {y_blob_test[:10]}")
print(f"Test accuracy: {accuracy_fn(y_true=y_blob_test, y_pred=y_preds)}%")
