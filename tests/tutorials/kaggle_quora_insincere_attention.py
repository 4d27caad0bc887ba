import tinygrad_rnn as torch
import os
import random
import time
import numpy as np
nn = torch.nn
F = torch.nn.functional

# The Quora Insincere Questions "pytorch starter" kernels (the widely forked BiLSTM + BiGRU with
# attention ones): seed_everything (random, PYTHONHASHSEED, np.random.seed, torch.manual_seed,
# cudnn.deterministic), an Attention module with its own weight (feature_dim, step_dim, a mask,
# torch.mm on reshaped inputs, tanh, exp, sum normalisation plus 1e-10), a frozen embedding matrix
# copied in with nn.Parameter(torch.tensor(matrix, dtype=torch.float32)), max and mean pooling
# concatenated, a hand-written CyclicLR, BCEWithLogitsLoss(reduction='sum'), a k-fold loop,
# sigmoid of out-of-fold predictions and a threshold search with numpy. Questions are generated.


def seed_everything(seed=1029):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.backends.cudnn.deterministic = True


seed_everything()
print("cudnn deterministic:", torch.backends.cudnn.deterministic, os.environ["PYTHONHASHSEED"])
max_features, maxlen, embed_size = 60, 12, 8
n_train = 96
x_train = np.random.randint(1, max_features, size=(n_train, maxlen))
lengths = np.random.randint(4, maxlen + 1, size=n_train)
for row, n in zip(x_train, lengths):
    row[: maxlen - n] = 0  # keras-style pre-padding
y_train = ((x_train % 7 == 0).sum(1) >= 2).astype(np.float32)
print(x_train.shape, x_train.dtype, y_train.mean(), x_train[0])
embedding_matrix = np.random.normal(0, 0.3, size=(max_features, embed_size))
embedding_matrix[0] = 0
print(embedding_matrix.shape, embedding_matrix.dtype, round(float(embedding_matrix.std()), 5))


class Attention(nn.Module):
    def __init__(self, feature_dim, step_dim, bias=True, **kwargs):
        super(Attention, self).__init__(**kwargs)
        self.supports_masking = True
        self.bias = bias
        self.feature_dim = feature_dim
        self.step_dim = step_dim
        self.features_dim = 0
        weight = torch.zeros(feature_dim, 1)
        nn.init.xavier_uniform_(weight)
        self.weight = nn.Parameter(weight)
        if bias:
            self.b = nn.Parameter(torch.zeros(step_dim))

    def forward(self, x, mask=None):
        feature_dim = self.feature_dim
        step_dim = self.step_dim
        eij = torch.mm(x.contiguous().view(-1, feature_dim), self.weight).view(-1, step_dim)
        if self.bias:
            eij = eij + self.b
        eij = torch.tanh(eij)
        a = torch.exp(eij)
        if mask is not None:
            a = a * mask
        a = a / torch.sum(a, 1, keepdim=True) + 1e-10
        weighted_input = x * torch.unsqueeze(a, -1)
        return torch.sum(weighted_input, 1)


class NeuralNet(nn.Module):
    def __init__(self, hidden_size=6):
        super(NeuralNet, self).__init__()
        self.embedding = nn.Embedding(max_features, embed_size)
        self.embedding.weight = nn.Parameter(torch.tensor(embedding_matrix, dtype=torch.float32))
        self.embedding.weight.requires_grad = False
        self.embedding_dropout = nn.Dropout2d(0.1)
        self.lstm = nn.LSTM(embed_size, hidden_size, bidirectional=True, batch_first=True)
        self.gru = nn.GRU(hidden_size * 2, hidden_size, bidirectional=True, batch_first=True)
        self.lstm_attention = Attention(hidden_size * 2, maxlen)
        self.gru_attention = Attention(hidden_size * 2, maxlen)
        self.linear = nn.Linear(hidden_size * 8, 8)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.1)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        h_embedding = self.embedding(x)
        h_embedding = torch.squeeze(self.embedding_dropout(torch.unsqueeze(h_embedding, 0)))
        h_lstm, _ = self.lstm(h_embedding)
        h_gru, _ = self.gru(h_lstm)
        h_lstm_atten = self.lstm_attention(h_lstm)
        h_gru_atten = self.gru_attention(h_gru)
        avg_pool = torch.mean(h_gru, 1)
        max_pool, _ = torch.max(h_gru, 1)
        conc = torch.cat((h_lstm_atten, h_gru_atten, avg_pool, max_pool), 1)
        conc = self.relu(self.linear(conc))
        conc = self.dropout(conc)
        return self.out(conc)


model = NeuralNet()
print(model)
print([(n, tuple(p.shape), p.requires_grad) for n, p in model.named_parameters()][:4])
print(model.embedding.weight.dtype, model.embedding.weight[1, :4])
print(model.lstm_attention.weight.shape, model.lstm_attention.b.shape, model.lstm_attention.features_dim)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), list(model.state_dict().keys())[:6])

att = Attention(4, 5)
probe = torch.arange(40, dtype=torch.float32).view(2, 5, 4) / 40
mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.float32)
print(att(probe).shape, att(probe, mask))


class CyclicLR(object):
    """The kernels' hand-written triangular cyclic learning rate (after bckenstler's Keras callback)."""

    def __init__(self, optimizer, base_lr=1e-3, max_lr=4e-3, step_size=4, mode="triangular", gamma=1.0,
                 last_batch_iteration=-1):
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError("{} is not an Optimizer".format(type(optimizer).__name__))
        self.optimizer = optimizer
        self.base_lrs = [base_lr] * len(optimizer.param_groups)
        self.max_lrs = [max_lr] * len(optimizer.param_groups)
        self.step_size = step_size
        self.mode = mode
        self.gamma = gamma
        self.batch_step(last_batch_iteration + 1)
        self.last_batch_iteration = last_batch_iteration

    def batch_step(self, batch_iteration=None):
        if batch_iteration is None:
            batch_iteration = self.last_batch_iteration + 1
        self.last_batch_iteration = batch_iteration
        for param_group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            param_group["lr"] = lr

    def scale_fn(self, x):
        if self.mode == "triangular2":
            return 1 / (2. ** (x - 1))
        if self.mode == "exp_range":
            return self.gamma ** x
        return 1.

    def get_lr(self):
        step_size = float(self.step_size)
        cycle = np.floor(1 + self.last_batch_iteration / (2 * step_size))
        x = np.abs(self.last_batch_iteration / step_size - 2 * cycle + 1)
        lrs = []
        for base_lr, max_lr in zip(self.base_lrs, self.max_lrs):
            base_height = (max_lr - base_lr) * np.maximum(0, (1 - x))
            scale = cycle if self.mode == "triangular2" else self.last_batch_iteration
            lrs.append(base_lr + base_height * self.scale_fn(scale))
        return lrs


try:
    CyclicLR("adam")
except TypeError as e:
    print("TypeError:", e)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def threshold_search(y_true, y_proba):
    best_threshold, best_score = 0, 0
    for threshold in [i * 0.05 for i in range(2, 18)]:
        pred = (y_proba > threshold).astype(int)
        tp = ((pred == 1) & (y_true == 1)).sum()
        precision = tp / max(pred.sum(), 1)
        recall = tp / max(y_true.sum(), 1)
        score = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
        if score > best_score:
            best_threshold, best_score = threshold, score
    return {"threshold": round(best_threshold, 2), "f1": round(float(best_score), 4)}


batch_size, n_epochs, n_splits = 16, 2, 3
folds = np.array_split(np.random.permutation(n_train), n_splits)
train_preds = np.zeros(len(x_train))
loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")
start = time.time()
for i, valid_idx in enumerate(folds):
    train_idx = np.concatenate([f for j, f in enumerate(folds) if j != i])
    x_train_fold = torch.tensor(x_train[train_idx], dtype=torch.long)
    y_train_fold = torch.tensor(y_train[train_idx, np.newaxis], dtype=torch.float32)
    x_val_fold = torch.tensor(x_train[valid_idx], dtype=torch.long)
    y_val_fold = torch.tensor(y_train[valid_idx, np.newaxis], dtype=torch.float32)
    print(f"Fold {i + 1}", x_train_fold.shape, y_train_fold.shape, x_val_fold.dtype)
    seed_everything(i)
    model = NeuralNet()
    optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=3e-3)
    scheduler = CyclicLR(optimizer, base_lr=1e-3, max_lr=4e-3, step_size=3, mode="exp_range", gamma=0.99994)
    train = torch.utils.data.TensorDataset(x_train_fold, y_train_fold)
    valid = torch.utils.data.TensorDataset(x_val_fold, y_val_fold)
    train_loader = torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True)
    valid_loader = torch.utils.data.DataLoader(valid, batch_size=batch_size, shuffle=False)
    for epoch in range(n_epochs):
        model.train()
        avg_loss = 0.
        for x_batch, y_batch in train_loader:
            scheduler.batch_step()
            y_pred = model(x_batch)
            loss = loss_fn(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            avg_loss += loss.item() / len(train_loader)
        model.eval()
        valid_preds_fold = np.zeros((x_val_fold.size(0)))
        avg_val_loss = 0.
        for j, (x_batch, y_batch) in enumerate(valid_loader):
            y_pred = model(x_batch).detach()
            avg_val_loss += loss_fn(y_pred, y_batch).item() / len(valid_loader)
            valid_preds_fold[j * batch_size:(j + 1) * batch_size] = sigmoid(y_pred.cpu().numpy())[:, 0]
        lr = optimizer.param_groups[0]["lr"]
        print("Epoch {}/{} \t loss={:.4f} \t val_loss={:.4f} \t lr={:.6f}".format(
            epoch + 1, n_epochs, avg_loss, avg_val_loss, lr))
    train_preds[valid_idx] = valid_preds_fold
    print("frozen embedding grad:", model.embedding.weight.grad, model.out.weight.grad.shape)
elapsed = time.time() - start
print("elapsed is a float:", isinstance(elapsed, float))
print(np.round(train_preds[:8], 4))
print(threshold_search(y_train, train_preds))
