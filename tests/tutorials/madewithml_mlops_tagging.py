import tinygrad_rnn as torch
import io
import json
import random
from collections import Counter
import numpy as np
nn = torch.nn
F = torch.nn.functional

# Made With ML's MLOps modelling, shrunk: multi-label tagging of project titles with a CNN over
# embeddings (one Conv1d per filter size, "same" padding by F.pad, max over time), class-weighted
# BCEWithLogitsLoss, sigmoid probabilities, a threshold picked from the validation scores, metrics
# in plain numpy, and the artifacts (state_dict, optimizer, label map) saved and loaded back.


def set_seeds(seed=42):
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


set_seeds()
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
TAG_WORDS = {
    "computer-vision": "image pixel detection segmentation camera video",
    "natural-language-processing": "text language token translation sentence bert",
    "graph-learning": "graph node edge network link molecule",
    "mlops": "deploy monitoring pipeline serving docker feature",
}
FILLER = "using with a for and model learning deep".split()
tags = sorted(TAG_WORDS)
texts, labels = [], []
for _ in range(90):
    chosen = random.sample(tags, k=random.choice([1, 1, 2]))
    words = [random.choice(TAG_WORDS[t].split()) for t in chosen for _ in range(2)]
    words += random.sample(FILLER, k=random.randint(1, 3))
    random.shuffle(words)
    texts.append(" ".join(words))
    labels.append(chosen)
print(texts[:2], labels[:2])


class LabelEncoder(object):
    """Multi-label: each sample's tags as a 0/1 row."""
    def __init__(self, class_to_index={}):
        self.class_to_index = class_to_index or {}
        self.index_to_class = {v: k for k, v in self.class_to_index.items()}
        self.classes = list(self.class_to_index.keys())

    def __len__(self):
        return len(self.class_to_index)

    def __str__(self):
        return f"<LabelEncoder(num_classes={len(self)})>"

    def fit(self, y):
        classes = np.unique(list(__import__("itertools").chain.from_iterable(y)))
        for i, class_ in enumerate(classes):
            self.class_to_index[class_] = i
        self.index_to_class = {v: k for k, v in self.class_to_index.items()}
        self.classes = list(self.class_to_index.keys())
        return self

    def encode(self, y):
        y_one_hot = np.zeros((len(y), len(self.class_to_index)), dtype=int)
        for i, item in enumerate(y):
            for class_ in item:
                y_one_hot[i][self.class_to_index[class_]] = 1
        return y_one_hot

    def decode(self, y):
        classes = []
        for i, item in enumerate(y):
            indices = np.where(np.asarray(item) == 1)[0]
            classes.append([self.index_to_class[index] for index in indices])
        return classes

    def save(self):
        return {"class_to_index": self.class_to_index}


label_encoder = LabelEncoder()
label_encoder.fit(labels)
y = label_encoder.encode(labels)
print(label_encoder, y[:3], label_encoder.decode(y[:2]))
vocab = ["<PAD>", "<UNK>"] + [t for t, _ in Counter(w for t in texts for w in t.split()).most_common()]
token_to_index = {t: i for i, t in enumerate(vocab)}
X = np.array([np.asarray([token_to_index[w] for w in t.split()]) for t in texts], dtype=object)
n_train, n_val = 60, 15
X_train, X_val, X_test = X[:n_train], X[n_train:n_train + n_val], X[n_train + n_val:]
y_train, y_val, y_test = y[:n_train], y[n_train:n_train + n_val], y[n_train + n_val:]
counts = np.bincount(y_train.nonzero()[1])
class_weights = {i: 1.0 / count for i, count in enumerate(counts)}
print(f"class counts: {counts},\nclass weights: {class_weights}")


def pad_sequences(sequences, max_seq_len=0):
    max_seq_len = max(max_seq_len, max(len(sequence) for sequence in sequences))
    padded_sequences = np.zeros((len(sequences), max_seq_len))
    for i, sequence in enumerate(sequences):
        padded_sequences[i][:len(sequence)] = sequence
    return padded_sequences


class CNNTextDataset(torch.utils.data.Dataset):
    def __init__(self, X, y, max_filter_size):
        self.X = X
        self.y = y
        self.max_filter_size = max_filter_size

    def __len__(self):
        return len(self.y)

    def __str__(self):
        return f"<Dataset(N={len(self)})>"

    def __getitem__(self, index):
        X = self.X[index]
        y = self.y[index]
        return [X, y]

    def collate_fn(self, batch):
        batch = np.array(batch, dtype="object")
        X = batch[:, 0]
        y = np.stack(batch[:, 1], axis=0)
        X = pad_sequences(X, max_seq_len=self.max_filter_size)
        X = torch.LongTensor(X.astype(np.int32))
        y = torch.FloatTensor(y.astype(np.int32))
        return X, y

    def create_dataloader(self, batch_size, shuffle=False, drop_last=False):
        return torch.utils.data.DataLoader(dataset=self, batch_size=batch_size, collate_fn=self.collate_fn,
                                           shuffle=shuffle, drop_last=drop_last, pin_memory=False)


filter_sizes = list(range(1, 4))
datasets = [CNNTextDataset(X=a, y=b, max_filter_size=max(filter_sizes))
            for a, b in ((X_train, y_train), (X_val, y_val), (X_test, y_test))]
loaders = [d.create_dataloader(batch_size=16, shuffle=i == 0) for i, d in enumerate(datasets)]
batch_X, batch_y = next(iter(loaders[1]))
print(datasets[0], batch_X.shape, batch_y.shape, batch_X.dtype, batch_y.dtype, batch_y[:2])


class CNN(nn.Module):
    def __init__(self, embedding_dim, vocab_size, num_filters, filter_sizes, hidden_dim, dropout_p, num_classes,
                 padding_idx=0):
        super().__init__()
        self.embeddings = nn.Embedding(embedding_dim=embedding_dim, num_embeddings=vocab_size,
                                       padding_idx=padding_idx)
        self.filter_sizes = filter_sizes
        self.conv = nn.ModuleList([nn.Conv1d(in_channels=embedding_dim, out_channels=num_filters, kernel_size=f)
                                   for f in filter_sizes])
        self.dropout = nn.Dropout(dropout_p)
        self.fc1 = nn.Linear(num_filters * len(filter_sizes), hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, inputs, channel_first=False):
        x_in, = inputs
        x_in = self.embeddings(x_in)
        if not channel_first:
            x_in = x_in.transpose(1, 2)
        z = []
        max_seq_len = x_in.shape[2]
        for i, f in enumerate(self.filter_sizes):
            padding_left = int((self.conv[i].stride[0] * (max_seq_len - 1) - max_seq_len + self.filter_sizes[i]) / 2)
            padding_right = int(np.ceil((self.conv[i].stride[0] * (max_seq_len - 1) - max_seq_len
                                         + self.filter_sizes[i]) / 2))
            _z = self.conv[i](F.pad(x_in, (padding_left, padding_right)))
            _z = F.max_pool1d(_z, _z.size(2)).squeeze(2)
            z.append(_z)
        z = torch.cat(z, 1)
        z = self.fc1(z)
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
        self.model.eval()
        loss = 0.0
        y_trues, y_probs = [], []
        with torch.no_grad():
            for i, batch in enumerate(dataloader):
                batch = [item.to(self.device) for item in batch]
                inputs, y_true = batch[:-1], batch[-1]
                z = self.model(inputs)
                J = self.loss_fn(z, y_true).item()
                loss += (J - loss) / (i + 1)
                y_prob = torch.sigmoid(z).cpu().numpy()
                y_trues.extend(y_true.cpu().numpy())
                y_probs.extend(y_prob)
        return loss, np.vstack(y_trues), np.vstack(y_probs)

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
            print(f"Epoch: {epoch+1} | train_loss: {train_loss:.5f}, val_loss: {val_loss:.5f}, "
                  f"lr: {self.optimizer.param_groups[0]['lr']:.2E}, _patience: {_patience}")
        return best_model


set_seeds()
model = CNN(embedding_dim=16, vocab_size=len(vocab), num_filters=8, filter_sizes=filter_sizes, hidden_dim=16,
            dropout_p=0.3, num_classes=len(label_encoder))
model = model.to(device)
print(model.named_parameters)
class_weights_tensor = torch.Tensor(np.array(list(class_weights.values())))
loss_fn = nn.BCEWithLogitsLoss(weight=class_weights_tensor)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.05, patience=2)
trainer = Trainer(model=model, device=device, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler)
best_model = trainer.train(num_epochs=8, patience=3, train_dataloader=loaders[0], val_dataloader=loaders[1])

# a threshold from the validation scores: the one with the best mean F1 over a grid
_, y_true, y_prob = trainer.eval_step(dataloader=loaders[1])


def f1_scores(y_true, y_pred):
    tp = (y_true * y_pred).sum(axis=0)
    precision = tp / np.maximum(y_pred.sum(axis=0), 1)
    recall = tp / np.maximum(y_true.sum(axis=0), 1)
    return precision, recall, 2 * precision * recall / np.maximum(precision + recall, 1e-12)


grid = np.linspace(0.1, 0.9, 9)
f1s = [f1_scores(y_true, (y_prob >= t).astype(int))[2].mean() for t in grid]
threshold = float(grid[int(np.argmax(f1s))])
print(f"threshold: {threshold:.2f}", np.round(f1s, 3))
test_loss, y_true, y_prob = trainer.eval_step(dataloader=loaders[2])
y_pred = np.array([np.where(prob >= threshold, 1, 0) for prob in y_prob])
precision, recall, f1 = f1_scores(y_true, y_pred)
performance = {"overall": {"precision": round(float(precision.mean()), 4), "recall": round(float(recall.mean()), 4),
                           "f1": round(float(f1.mean()), 4), "num_samples": float(len(y_true))},
               "class": {c: round(float(f1[i]), 4) for i, c in enumerate(label_encoder.classes)}}
print(f"test_loss: {test_loss:.4f}")
print(json.dumps(performance, indent=2))
print(label_encoder.decode(y_pred[:3]), label_encoder.decode(y_true[:3].astype(int)))

# artifacts: save and load back into a fresh model
buffer = io.BytesIO()
torch.save({"model": best_model.state_dict(), "optimizer": optimizer.state_dict(), "threshold": threshold,
            "label_encoder": label_encoder.save()}, buffer)
buffer.seek(0)
try:  # torch >= 2.6 loads weights only by default, and the label map's classes are numpy strings
    torch.load(buffer, map_location=device)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[-3][:120])
buffer.seek(0)
artifacts = torch.load(buffer, map_location=device, weights_only=False)
print([type(k).__name__ for k in artifacts["label_encoder"]["class_to_index"]])
print(sorted(artifacts), list(artifacts["model"].keys()), artifacts["threshold"], artifacts["label_encoder"])
print(artifacts["optimizer"]["param_groups"][0]["lr"], sorted(artifacts["optimizer"]["state"][0]))
loaded = CNN(embedding_dim=16, vocab_size=len(vocab), num_filters=8, filter_sizes=filter_sizes, hidden_dim=16,
             dropout_p=0.3, num_classes=len(label_encoder))
print(loaded.load_state_dict(artifacts["model"]))
loaded.to(device)
loaded.eval()
best_model.eval()
with torch.inference_mode():
    text = "graph node deploy docker"
    ids = torch.LongTensor(pad_sequences([np.asarray([token_to_index.get(w, 1) for w in text.split()])],
                                         max_seq_len=3).astype(np.int32))
    probs = torch.sigmoid(loaded([ids]))
    print(probs, torch.equal(probs, torch.sigmoid(best_model([ids]))))
    print(label_encoder.decode((probs.numpy() >= threshold).astype(int)))
