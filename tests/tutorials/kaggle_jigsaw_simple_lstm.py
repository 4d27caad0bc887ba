import tinygrad_rnn as torch
import random
import numpy as np
nn = torch.nn
data = torch.utils.data
F = torch.nn.functional

# The Jigsaw Unintended Bias "simple LSTM" kernels (Benjamin Minixhofer's and the many forks): a
# SpatialDropout that is Dropout2d over permuted embeddings, two bidirectional LSTM layers, max and
# average pooling concatenated, two residual dense layers, a linear_out head plus linear_aux_out for
# the auxiliary targets, a custom BCE loss with per-example weights, LambdaLR decaying by 0.6 an
# epoch, checkpoint ensembling with np.average over epochs (weights 2 ** epoch), TensorDataset and
# DataLoader without a sampler, and sequence bucketing (sort by length, pad each batch to its own
# longest). Comments and labels are generated.
random.seed(1234)
np.random.seed(1234)
torch.manual_seed(1234)
torch.backends.cudnn.deterministic = True
vocab, embed_size, n_train, n_test = 80, 8, 120, 24
LSTM_UNITS = 6
DENSE_HIDDEN_UNITS = 4 * LSTM_UNITS
NUM_MODELS, EPOCHS, BATCH_SIZE = 2, 2, 32
raw_lengths = np.random.randint(5, 26, size=n_train + n_test)
seqs = [list(np.random.randint(1, vocab, size=n)) for n in raw_lengths]
max_len = max(raw_lengths)
x_all = np.zeros((len(seqs), max_len), dtype=np.int64)
for i, s in enumerate(seqs):
    x_all[i, -len(s):] = s  # keras pad_sequences: pre-padded with zeros
x_train, x_test = x_all[:n_train], x_all[n_train:]
toxicity = np.array([np.mean([t % 5 == 0 for t in s]) * 3 for s in seqs[:n_train]]).clip(0, 1)
y_train = np.vstack([(toxicity >= 0.5).astype(float), np.random.rand(n_train) * 0.5]).T
y_aux_train = np.random.rand(n_train, 3).round(2)
identity = np.random.rand(n_train, 2) > 0.7
sample_weights = np.ones(n_train, dtype=np.float32)
sample_weights += identity.sum(axis=1)
sample_weights += (y_train[:, 0] >= 0.5) * (~identity).sum(axis=1)
sample_weights /= sample_weights.mean()
y_train[:, 1] = sample_weights
print(x_train.shape, y_train.shape, y_aux_train.shape, round(float(sample_weights.max()), 4))
embedding_matrix = np.concatenate([np.random.randn(vocab, embed_size // 2) * 0.2,
                                   np.random.rand(vocab, embed_size // 2) - 0.5], axis=-1)
print(embedding_matrix.shape, embedding_matrix.dtype)


class SpatialDropout(nn.Dropout2d):
    def forward(self, x):
        x = x.unsqueeze(2)    # (N, T, 1, K)
        x = x.permute(0, 3, 2, 1)  # (N, K, 1, T)
        x = super(SpatialDropout, self).forward(x)  # (N, K, 1, T), some features are masked
        x = x.permute(0, 3, 2, 1)  # (N, T, 1, K)
        x = x.squeeze(2)  # (N, T, K)
        return x


class NeuralNet(nn.Module):
    def __init__(self, embedding_matrix, num_aux_targets):
        super(NeuralNet, self).__init__()
        embed_size = embedding_matrix.shape[1]
        self.embedding = nn.Embedding(vocab, embed_size)
        self.embedding.weight = nn.Parameter(torch.tensor(embedding_matrix, dtype=torch.float32))
        self.embedding.weight.requires_grad = False
        self.embedding_dropout = SpatialDropout(0.3)
        self.lstm1 = nn.LSTM(embed_size, LSTM_UNITS, bidirectional=True, batch_first=True)
        self.lstm2 = nn.LSTM(LSTM_UNITS * 2, LSTM_UNITS, bidirectional=True, batch_first=True)
        self.linear1 = nn.Linear(DENSE_HIDDEN_UNITS, DENSE_HIDDEN_UNITS)
        self.linear2 = nn.Linear(DENSE_HIDDEN_UNITS, DENSE_HIDDEN_UNITS)
        self.linear_out = nn.Linear(DENSE_HIDDEN_UNITS, 1)
        self.linear_aux_out = nn.Linear(DENSE_HIDDEN_UNITS, num_aux_targets)

    def forward(self, x, lengths=None):
        h_embedding = self.embedding(x.long())
        h_embedding = self.embedding_dropout(h_embedding)
        h_lstm1, _ = self.lstm1(h_embedding)
        h_lstm2, _ = self.lstm2(h_lstm1)
        avg_pool = torch.mean(h_lstm2, 1)
        max_pool, _ = torch.max(h_lstm2, 1)
        h_conc = torch.cat((max_pool, avg_pool), 1)
        h_conc_linear1 = F.relu(self.linear1(h_conc))
        h_conc_linear2 = F.relu(self.linear2(h_conc))
        hidden = h_conc + h_conc_linear1 + h_conc_linear2
        result = self.linear_out(hidden)
        aux_result = self.linear_aux_out(hidden)
        return torch.cat([result, aux_result], 1)


sd = SpatialDropout(0.5)
print(sd, isinstance(sd, nn.Dropout2d))
probe = torch.ones(2, 4, 6)
dropped = sd(probe)
print(dropped.shape, (dropped == 0).all(dim=1).sum().item() + (dropped == 2).all(dim=1).sum().item())
sd.eval()
print(torch.equal(sd(probe), probe))


def custom_loss(data, targets):
    """Weighted BCE on the toxicity column (weights in targets[:, 1]) plus BCE on the aux targets."""
    bce_loss_1 = nn.BCEWithLogitsLoss(weight=targets[:, 1:2])(data[:, :1], targets[:, :1])
    bce_loss_2 = nn.BCEWithLogitsLoss()(data[:, 1:], targets[:, 2:])
    return (bce_loss_1 * 0.8) + bce_loss_2


class SequenceBucketCollator():
    """Pads each batch only to its own longest sequence (the pre-padding zeros are cut off)."""

    def __init__(self, choose_length, sequence_index, length_index, label_index=None):
        self.choose_length = choose_length
        self.sequence_index = sequence_index
        self.length_index = length_index
        self.label_index = label_index

    def __call__(self, batch):
        batch = [torch.stack(x) for x in list(zip(*batch))]
        sequences = batch[self.sequence_index]
        lengths = batch[self.length_index]
        length = self.choose_length(lengths)
        mask = torch.arange(start=max_len, end=0, step=-1) < length
        padded_sequences = sequences[:, mask]
        batch[self.sequence_index] = padded_sequences
        if self.label_index is not None:
            return [x for i, x in enumerate(batch) if i != self.label_index], batch[self.label_index]
        return batch


lengths = torch.from_numpy(np.array([len(s) for s in seqs[:n_train]]))
test_lengths = torch.from_numpy(np.array([len(s) for s in seqs[n_train:]]))
print(lengths[:8], lengths.dtype, torch.max(test_lengths))
x_train_torch = torch.tensor(x_train, dtype=torch.long)
x_test_torch = torch.tensor(x_test, dtype=torch.long)
y_train_torch = torch.tensor(np.hstack([y_train, y_aux_train]), dtype=torch.float32)
print(x_train_torch.shape, y_train_torch.shape, y_train_torch.dtype)
train_dataset = data.TensorDataset(x_train_torch, lengths, y_train_torch)
test_dataset = data.TensorDataset(x_test_torch, test_lengths)
print(len(train_dataset), [t.shape for t in train_dataset[0]])
train_collator = SequenceBucketCollator(lambda lenghts: lenghts.max(), sequence_index=0, length_index=1,
                                        label_index=2)
test_collator = SequenceBucketCollator(lambda lenghts: lenghts.max(), sequence_index=0, length_index=1)
sorted_idx = test_lengths.argsort()
print("test order by length:", sorted_idx.tolist()[:8])
test_loader = data.DataLoader(data.Subset(test_dataset, sorted_idx.tolist()), batch_size=8, shuffle=False,
                              collate_fn=test_collator)
for x_batch, len_batch in test_loader:
    print("bucket:", tuple(x_batch.shape), len_batch.tolist())


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def train_model(model, train_loader, test_loader, loss_fn, lr=0.005, batch_size=BATCH_SIZE, n_epochs=EPOCHS,
                enable_checkpoint_ensemble=True):
    param_lrs = [{"params": param, "lr": lr} for param in model.parameters()]
    optimizer = torch.optim.Adam(param_lrs, lr=lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 0.6 ** epoch)
    all_test_preds = []
    checkpoint_weights = [2 ** epoch for epoch in range(n_epochs)]
    for epoch in range(n_epochs):
        model.train()
        avg_loss = 0.
        for data_ in train_loader:
            x_batch = data_[0]
            y_batch = data_[1]
            y_pred = model(*x_batch)
            loss = loss_fn(y_pred, y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            avg_loss += loss.item() / len(train_loader)
        scheduler.step()
        model.eval()
        test_preds = np.zeros((len(test_loader.dataset), 4))
        for i, x_batch in enumerate(test_loader):
            with torch.no_grad():
                y_pred = sigmoid(model(*x_batch).detach().cpu().numpy())
            test_preds[i * 8:(i + 1) * 8, :] = y_pred
        all_test_preds.append(test_preds)
        print("Epoch {}/{} \t loss={:.4f} \t lr={:.5f} \t groups={}".format(
            epoch + 1, n_epochs, avg_loss, scheduler.get_last_lr()[0], len(optimizer.param_groups)))
    if enable_checkpoint_ensemble:
        test_preds = np.average(all_test_preds, weights=checkpoint_weights, axis=0)
    else:
        test_preds = all_test_preds[-1]
    return test_preds


all_test_preds = []
for model_idx in range(NUM_MODELS):
    print("Model ", model_idx)
    torch.manual_seed(1234 + model_idx)
    model = NeuralNet(embedding_matrix, y_aux_train.shape[-1])
    if model_idx == 0:
        print(model)
        print(list(model.state_dict().keys()))
        print(model.embedding.weight.requires_grad, model.linear_aux_out.weight.shape)
    train_loader = data.DataLoader(train_dataset, batch_size=BATCH_SIZE, shuffle=True, collate_fn=train_collator)
    test_preds = train_model(model, train_loader, test_loader, loss_fn=custom_loss)
    all_test_preds.append(test_preds)
    print(test_preds.shape, np.round(test_preds[:3, 0], 4))
final = np.mean(all_test_preds, axis=0)[:, 0]
inverse = np.empty_like(sorted_idx.numpy())
inverse[sorted_idx.numpy()] = np.arange(len(inverse))
print("submission:", np.round(final[inverse][:6], 4), final.dtype)
