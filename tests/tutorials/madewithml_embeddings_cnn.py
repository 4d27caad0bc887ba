import tinygrad_rnn as torch
import math
import random
from collections import Counter
import numpy as np
nn = torch.nn
F = torch.nn.functional
Adam = torch.optim.Adam

# Made With ML foundations, shrunk: CNNs on text (a Tokenizer, one-hot sequences, Conv1d with
# "same" padding through F.pad, F.max_pool1d over time, BatchNorm1d) and Embeddings (nn.Embedding
# with padding_idx, pretrained vectors given through `_weight`, `from_pretrained` and
# `weight.data.copy_`, frozen or not), trained by the lesson's Trainer on generated news headlines
# (60 of them, 4 epochs per model: the lessons train 100 epochs on 120000 AG News headlines).
SEED = 1234


def set_seeds(seed=1234):
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)


set_seeds(seed=SEED)
device = torch.device("cpu")
TOPICS = {
    "Business": "stocks market profit bank shares trade oil prices rise fall",
    "Sci/Tech": "software chip internet phone space research computer data launch new",
    "Sports": "team win game season coach cup final league score player",
    "World": "minister election war talks president peace troops government vote capital",
}
COMMON = "the a of in to on for says after".split()
titles, categories = [], []
for _ in range(15):
    for category, words in TOPICS.items():
        words = words.split()
        n = random.randint(3, 7)
        title = [random.choice(words) if random.random() < 0.7 else random.choice(COMMON) for _ in range(n)]
        titles.append(" ".join(title))
        categories.append(category)
order = np.random.permutation(len(titles))
X = np.array(titles)[order]
y = np.array(categories)[order]
print(X[:3], y[:3])
n_train, n_val = int(0.7 * len(X)), int(0.15 * len(X))
X_train, X_val, X_test = X[:n_train], X[n_train:n_train + n_val], X[n_train + n_val:]
classes = sorted(TOPICS)
y_train, y_val, y_test = [np.array([classes.index(c) for c in part])
                          for part in (y[:n_train], y[n_train:n_train + n_val], y[n_train + n_val:])]
NUM_CLASSES = len(classes)
print(f"X_train: {X_train.shape}, y_train: {y_train.shape}, counts: {np.bincount(y_train)}")


class Tokenizer(object):
    def __init__(self, char_level, num_tokens=None, pad_token="<PAD>", oov_token="<UNK>", token_to_index=None):
        self.char_level = char_level
        self.separator = "" if self.char_level else " "
        if num_tokens:
            num_tokens -= 2
        self.num_tokens = num_tokens
        self.pad_token = pad_token
        self.oov_token = oov_token
        if not token_to_index:
            token_to_index = {pad_token: 0, oov_token: 1}
        self.token_to_index = token_to_index
        self.index_to_token = {v: k for k, v in self.token_to_index.items()}

    def __len__(self):
        return len(self.token_to_index)

    def __str__(self):
        return f"<Tokenizer(num_tokens={len(self)})>"

    def fit_on_texts(self, texts):
        if not self.char_level:
            texts = [text.split(" ") for text in texts]
        all_tokens = [token for text in texts for token in text]
        counts = Counter(all_tokens).most_common(self.num_tokens)
        self.min_token_freq = counts[-1][1]
        for token, count in counts:
            index = len(self)
            self.token_to_index[token] = index
            self.index_to_token[index] = token
        return self

    def texts_to_sequences(self, texts):
        sequences = []
        for text in texts:
            if not self.char_level:
                text = text.split(" ")
            sequence = []
            for token in text:
                sequence.append(self.token_to_index.get(token, self.token_to_index[self.oov_token]))
            sequences.append(np.asarray(sequence))
        return sequences

    def sequences_to_texts(self, sequences):
        texts = []
        for sequence in sequences:
            text = []
            for index in sequence:
                text.append(self.index_to_token.get(index, self.oov_token))
            texts.append(self.separator.join([token for token in text]))
        return texts


tokenizer = Tokenizer(char_level=False, num_tokens=40)
tokenizer.fit_on_texts(texts=X_train)
VOCAB_SIZE = len(tokenizer)
print(tokenizer, tokenizer.min_token_freq)
X_train = tokenizer.texts_to_sequences(X_train)
X_val = tokenizer.texts_to_sequences(X_val)
X_test = tokenizer.texts_to_sequences(X_test)
print(f"Text to indices:\n  (preprocessed) -> {tokenizer.sequences_to_texts([X_train[0]])}\n  (tokenized) -> {X_train[0]}")


def to_categorical(seq, num_classes):
    """One-hot encode a sequence of tokens."""
    one_hot = np.zeros((len(seq), num_classes))
    for i, item in enumerate(seq):
        one_hot[i, item] = 1.
    return one_hot


cat_seq = to_categorical(seq=X_train[0], num_classes=len(tokenizer))
print(cat_seq.shape)


def pad_sequences(sequences, max_seq_len=0):
    """Pad sequences to max length in sequence."""
    max_seq_len = max(max_seq_len, max(len(sequence) for sequence in sequences))
    num_features = sequences[0].shape[-1] if sequences[0].ndim > 1 else 0
    padded_sequences = np.zeros((len(sequences), max_seq_len, num_features) if num_features else
                                (len(sequences), max_seq_len))
    for i, sequence in enumerate(sequences):
        padded_sequences[i][:len(sequence)] = sequence
    return padded_sequences


padded = pad_sequences(X_train[0:3])
print(padded.shape, padded)

# ---- the CNN lesson's building blocks
NUM_FILTERS = 6
FILTER_SIZE = 3
batch_size, max_seq_len, vocab_size = 4, 8, 10
x = torch.randn((batch_size, max_seq_len, vocab_size))
print(f"X: {x.shape}")
x = x.transpose(1, 2)
print(f"X: {x.shape}")
conv1 = nn.Conv1d(in_channels=vocab_size, out_channels=NUM_FILTERS, kernel_size=FILTER_SIZE, stride=1,
                  padding=0, padding_mode="zeros")
print(f"conv: {conv1.weight.shape}", conv1)
z = conv1(x)
print(f"z: {z.shape}", z.grad_fn.name())
stride = 1
padding_left = int((stride * (max_seq_len - 1) - max_seq_len + FILTER_SIZE) / 2)
padding_right = int(math.ceil((stride * (max_seq_len - 1) - max_seq_len + FILTER_SIZE) / 2))
print(f"padding: {(padding_left, padding_right)}")
z = conv1(F.pad(x, (padding_left, padding_right)))
print(f"z: {z.shape}")
pool_output = F.max_pool1d(z, z.size(2))
print("Size: {}".format(pool_output.shape), pool_output.grad_fn.name(), pool_output[0, :3])
batch_norm = nn.BatchNorm1d(num_features=NUM_FILTERS)
z = batch_norm(conv1(x))
print(f"z: {z.shape}")
print(f"mean: {torch.mean(conv1(x)):.2f}, std: {torch.std(conv1(x)):.2f}")
print(f"mean: {torch.mean(z):.2f}, std: {torch.std(z):.2f}")
print(batch_norm.running_mean, batch_norm.num_batches_tracked)
same = nn.Conv1d(vocab_size, NUM_FILTERS, FILTER_SIZE, padding="same")
print(same(x).shape, same, nn.Conv1d(vocab_size, 2, 4, padding="same", padding_mode="reflect")(x)[0, :, :3])
x_grad = x.clone().requires_grad_()
for mode in ("constant", "reflect", "replicate", "circular"):
    padded = F.pad(x_grad, (padding_left, padding_right + 1), mode=mode)
    print(mode, padded.shape, padded.grad_fn, padded[0, 0, :3])

# ---- embeddings lesson: the layer
x = torch.randint(high=10, size=(2, 5))
print(x)
embeddings = nn.Embedding(embedding_dim=4, num_embeddings=10, padding_idx=0)
print(embeddings.weight.shape, embeddings.weight[0], embeddings)
print(embeddings(x).shape, embeddings(x)[0, :2])
embeddings(x).sum().backward()
print(embeddings.weight.grad[:3])


class Dataset(torch.utils.data.Dataset):
    def __init__(self, X, y, max_filter_size, one_hot=False):
        self.X = X
        self.y = y
        self.max_filter_size = max_filter_size
        self.one_hot = one_hot

    def __len__(self):
        return len(self.y)

    def __str__(self):
        return f"<Dataset(N={len(self)})>"

    def __getitem__(self, index):
        X = self.X[index]
        y = self.y[index]
        return [X, y]

    def collate_fn(self, batch):
        batch = np.array(batch, dtype=object)
        X = batch[:, 0]
        y = batch[:, 1]
        if self.one_hot:
            X = [to_categorical(seq, num_classes=VOCAB_SIZE) for seq in X]
            X = pad_sequences(X, max_seq_len=self.max_filter_size)
            X = torch.FloatTensor(X.astype(np.int32))
        else:
            X = pad_sequences(X, max_seq_len=self.max_filter_size)
            X = torch.LongTensor(X.astype(np.int32))
        y = torch.LongTensor(y.astype(np.int32))
        return X, y

    def create_dataloader(self, batch_size, shuffle=False, drop_last=False):
        return torch.utils.data.DataLoader(dataset=self, batch_size=batch_size, collate_fn=self.collate_fn,
                                           shuffle=shuffle, drop_last=drop_last)


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
        with torch.inference_mode():
            for i, batch in enumerate(dataloader):
                batch = [item.to(self.device) for item in batch]
                inputs, y_true = batch[:-1], batch[-1]
                z = self.model(inputs)
                J = self.loss_fn(z, y_true).item()
                loss += (J - loss) / (i + 1)
                y_prob = F.softmax(z, dim=1).cpu().numpy()
                y_probs.extend(y_prob)
                y_trues.extend(y_true.cpu().numpy())
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


# ---- one-hot CNN
class OneHotCNN(nn.Module):
    def __init__(self, vocab_size, num_filters, filter_size, hidden_dim, dropout_p, num_classes):
        super(OneHotCNN, self).__init__()
        self.filter_size = filter_size
        self.conv = nn.Conv1d(in_channels=vocab_size, out_channels=num_filters, kernel_size=filter_size,
                              stride=1, padding=0, padding_mode="zeros")
        self.batch_norm = nn.BatchNorm1d(num_features=num_filters)
        self.fc1 = nn.Linear(num_filters, hidden_dim)
        self.dropout = nn.Dropout(dropout_p)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, inputs, channel_first=False):
        x_in, = inputs
        if not channel_first:
            x_in = x_in.transpose(1, 2)
        max_seq_len = x_in.shape[2]
        padding_left = int((self.conv.stride[0] * (max_seq_len - 1) - max_seq_len + self.filter_size) / 2)
        padding_right = int(math.ceil((self.conv.stride[0] * (max_seq_len - 1) - max_seq_len + self.filter_size) / 2))
        # (batch_norm stays unused: behind it the conv bias gets only rounding noise as gradient, which
        # Adam scales up into steps that differ from run to run of any library)
        z = self.conv(F.pad(x_in, (padding_left, padding_right)))
        z = F.max_pool1d(z, z.size(2)).squeeze(2)
        z = self.fc1(z)
        z = self.dropout(z)
        z = self.fc2(z)
        return z


HIDDEN_DIM = 16
DROPOUT_P = 0.1
FILTER_SIZES = [1, 2, 3]
max_filter_size = max(FILTER_SIZES)
one_hot = [Dataset(X=part, y=labels, max_filter_size=FILTER_SIZE, one_hot=True)
           for part, labels in ((X_train, y_train), (X_val, y_val), (X_test, y_test))]
print(one_hot[0], one_hot[0][0])
batch_X, batch_y = next(iter(one_hot[0].create_dataloader(batch_size=8)))
print(f"Sample batch:\n  X: {list(batch_X.size())}\n  y: {list(batch_y.size())}", batch_X.dtype, batch_y[:4])


def run(model, datasets, epochs=4, lr=1e-2):
    loaders = [datasets[0].create_dataloader(batch_size=16, shuffle=True),
               datasets[1].create_dataloader(batch_size=16), datasets[2].create_dataloader(batch_size=16)]
    model = model.to(device)
    print(model.named_parameters)
    print(f"Parameters: {sum(p.numel() for p in model.parameters() if p.requires_grad)}")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=2)
    trainer = Trainer(model=model, device=device, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler)
    best_model = trainer.train(epochs, 3, loaders[0], loaders[1])
    test_loss, y_true, y_prob = trainer.eval_step(dataloader=loaders[2])
    y_pred = np.argmax(y_prob, axis=1)
    print(f"test_loss: {test_loss:.4f}, accuracy: {(y_pred == y_true.ravel()).mean():.4f}")
    print(y_prob[0])
    return best_model


set_seeds(seed=SEED)
run(OneHotCNN(VOCAB_SIZE, NUM_FILTERS, FILTER_SIZE, HIDDEN_DIM, DROPOUT_P, NUM_CLASSES), one_hot)


# ---- embeddings CNN with several filter sizes; random, pretrained-and-frozen, pretrained-and-tuned
class CNN(nn.Module):
    def __init__(self, embedding_dim, vocab_size, num_filters, filter_sizes, hidden_dim, dropout_p, num_classes,
                 pretrained_embeddings=None, freeze_embeddings=False, padding_idx=0):
        super(CNN, self).__init__()
        self.filter_sizes = filter_sizes
        if pretrained_embeddings is None:
            self.embeddings = nn.Embedding(embedding_dim=embedding_dim, num_embeddings=vocab_size,
                                           padding_idx=padding_idx)
        else:
            pretrained_embeddings = torch.from_numpy(pretrained_embeddings).float()
            self.embeddings = nn.Embedding(embedding_dim=embedding_dim, num_embeddings=vocab_size,
                                           padding_idx=padding_idx, _weight=pretrained_embeddings)
        if freeze_embeddings:
            self.embeddings.weight.requires_grad = False
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
            padding_right = int(math.ceil(
                (self.conv[i].stride[0] * (max_seq_len - 1) - max_seq_len + self.filter_sizes[i]) / 2))
            _z = self.conv[i](F.pad(x_in, (padding_left, padding_right)))
            _z = F.max_pool1d(_z, _z.size(2)).squeeze(2)
            z.append(_z)
        z = torch.cat(z, 1)
        z = self.fc1(z)
        z = self.dropout(z)
        z = self.fc2(z)
        return z


EMBEDDING_DIM = 8
datasets = [Dataset(X=part, y=labels, max_filter_size=max_filter_size)
            for part, labels in ((X_train, y_train), (X_val, y_val), (X_test, y_test))]
batch_X, batch_y = next(iter(datasets[0].create_dataloader(batch_size=8)))
print(batch_X.dtype, batch_X.shape, batch_X[:2])
pretrained = np.random.RandomState(0).normal(0, 1, (VOCAB_SIZE, EMBEDDING_DIM))  # stands in for GloVe
print(pretrained.dtype, pretrained[0, :3])
for freeze in (None, True, False):
    set_seeds(seed=SEED)
    model = CNN(EMBEDDING_DIM, VOCAB_SIZE, NUM_FILTERS, FILTER_SIZES, HIDDEN_DIM, DROPOUT_P, NUM_CLASSES,
                pretrained_embeddings=None if freeze is None else pretrained, freeze_embeddings=bool(freeze))
    print(model.embeddings.weight[0], model.embeddings.weight.requires_grad, model.embeddings.padding_idx)
    run(model, datasets)
    print(model.embeddings.weight.grad is None, model.embeddings.weight[0, :3], model.embeddings.weight[2, :3])

# the other ways to load vectors
weights = torch.FloatTensor(pretrained[:5, :3])
frozen = nn.Embedding.from_pretrained(weights)
tuned = nn.Embedding.from_pretrained(weights, freeze=False, padding_idx=0)
print(frozen, frozen.weight.requires_grad, tuned, tuned.weight.requires_grad, tuned.weight[0])
out = tuned(torch.LongTensor([[0, 2, 4], [4, 0, 0]]))
out.sum().backward()
print(out.grad_fn.name(), tuned.weight.grad)
copied = nn.Embedding(5, 3, padding_idx=0)
copied.weight.data.copy_(weights)
copied.weight.requires_grad = False
print(copied.weight, list(copied.state_dict().keys()), [n for n, p in copied.named_parameters() if p.requires_grad])
print(nn.Embedding(5, 3, padding_idx=-1).padding_idx, nn.Embedding(5, 3, max_norm=1.0)(torch.LongTensor([1, 2])).norm(dim=1))
