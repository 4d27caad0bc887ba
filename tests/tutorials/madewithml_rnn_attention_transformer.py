import tinygrad_rnn as torch
import math
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
Adam = torch.optim.Adam

# Made With ML foundations, shrunk: RNNs (RNNCell unrolled, nn.RNN, GRU, bidirectional GRU, the last
# relevant hidden state gathered by sequence length), Attention (a Linear scoring each step, softmax
# over the steps, masked for padding, bmm into a context vector) and Transformers (scaled dot-product
# and multi-head attention by hand, sinusoidal positions, and the lesson's Transformer head over an
# encoder returning (seq, pool) from input ids and an attention mask), on generated headlines. Training is short: 3 epochs with a
# patience of 2 per RNN model, 2 for the Transformer (the lessons' 100 and 10, patience 10 and 3).


def set_seeds(seed=1234):
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)


set_seeds(1234)
device = torch.device("cpu")

# ---- the RNN lesson's building blocks
BATCH_SIZE = 8
SEQ_LEN = 10
EMBEDDING_DIM = 12
RNN_HIDDEN_DIM = 16
x = torch.rand((BATCH_SIZE, SEQ_LEN, EMBEDDING_DIM))
seq_lens = torch.randint(high=SEQ_LEN, size=(BATCH_SIZE, ))
print(x.shape)
print(seq_lens.shape, seq_lens)
hidden_t = torch.zeros((BATCH_SIZE, RNN_HIDDEN_DIM))
print(hidden_t.size())
rnn_cell = nn.RNNCell(EMBEDDING_DIM, RNN_HIDDEN_DIM)
print(f"rnn_cell: {rnn_cell}")
hidden_t_s = []
for t in range(SEQ_LEN):
    hidden_t = rnn_cell(x[:, t, :], hidden_t)
    hidden_t_s.append(hidden_t)
hidden_t_s = torch.stack(hidden_t_s)
print(f"hidden_t_s: {hidden_t_s.shape}", hidden_t_s.grad_fn)
hidden_t_s = hidden_t_s.permute(1, 0, 2)
rnn = nn.RNN(EMBEDDING_DIM, RNN_HIDDEN_DIM, batch_first=True)
out, h_n = rnn(x)
print("out: ", out.shape)
print("h_n: ", h_n.shape)
with torch.no_grad():  # the same weights give the cell's states
    rnn.weight_ih_l0.copy_(rnn_cell.weight_ih)
    rnn.weight_hh_l0.copy_(rnn_cell.weight_hh)
    rnn.bias_ih_l0.copy_(rnn_cell.bias_ih)
    rnn.bias_hh_l0.copy_(rnn_cell.bias_hh)
out, h_n = rnn(x)
print(torch.allclose(out, hidden_t_s, atol=1e-6), (out[:, -1] - h_n[0]).abs().max())


def gather_last_relevant_hidden(hiddens, seq_lens):
    """Extract and collect the last relevant hidden state based on the sequence length."""
    seq_lens = seq_lens.long().detach().cpu().numpy() - 1
    out = []
    for batch_index, column_index in enumerate(seq_lens):
        out.append(hiddens[batch_index, column_index])
    return torch.stack(out)


last_hidden = gather_last_relevant_hidden(hiddens=out, seq_lens=seq_lens)
print(last_hidden.size(), last_hidden.grad_fn, last_hidden[:2, :4])
gru = nn.GRU(input_size=EMBEDDING_DIM, hidden_size=RNN_HIDDEN_DIM, batch_first=True)
out, h_n = gru(x)
print(f"out: {out.shape}", f"h_n: {h_n.shape}", out.grad_fn.name())
lstm = nn.LSTM(input_size=EMBEDDING_DIM, hidden_size=RNN_HIDDEN_DIM, batch_first=True)
out, (h_n, c_n) = lstm(x)
print(f"out: {out.shape}", f"h_n: {h_n.shape}", f"c_n: {c_n.shape}")
rnn = nn.GRU(EMBEDDING_DIM, RNN_HIDDEN_DIM, batch_first=True, bidirectional=True)
out, h_n = rnn(x)
print(f"out: {out.shape}", f"h_n: {h_n.shape}")
print((out[:, -1, :RNN_HIDDEN_DIM] - h_n[0]).abs().max(), (out[:, 0, RNN_HIDDEN_DIM:] - h_n[1]).abs().max())

# ---- the attention lesson's building blocks
W_attn = nn.Linear(RNN_HIDDEN_DIM * 2, 1)
e = W_attn(out)
print(f"e: {e.size()}")
a = F.softmax(e.squeeze(2), dim=1)
print(f"a: {a.size()}", a.sum(dim=1)[:3])
c = torch.bmm(a.unsqueeze(1), out).squeeze(1)
print(f"c: {c.size()}", c.grad_fn.name())
mask = torch.arange(SEQ_LEN)[None, :] < seq_lens[:, None]
masked = F.softmax(e.squeeze(2).masked_fill(~mask, -1e9), dim=1)
print(mask.dtype, masked[:2], masked.grad_fn.name())
masked_inf = F.softmax(e.squeeze(2).masked_fill(mask == 0, float('-inf')), dim=1)
print(masked_inf[:3])  # a row with no valid step is all nan, as in torch

# ---- generated headlines, 4 topics; sequences of ids padded with 0
TOPICS = {
    "Business": "stocks market profit bank shares trade oil prices rise fall",
    "Sci/Tech": "software chip internet phone space research computer data launch new",
    "Sports": "team win game season coach cup final league score player",
    "World": "minister election war talks president peace troops government vote capital",
}
COMMON = "the a of in to on for says after".split()
vocab = ["<PAD>", "<UNK>", "[CLS]"] + COMMON + sorted({w for words in TOPICS.values() for w in words.split()})
token_to_index = {t: i for i, t in enumerate(vocab)}
classes = sorted(TOPICS)
samples = []
for _ in range(28):
    for label, words in enumerate(TOPICS.values()):
        words = words.split()
        title = [random.choice(words) if random.random() < 0.6 else random.choice(COMMON)
                 for _ in range(random.randint(2, 8))]
        samples.append((np.asarray([token_to_index[w] for w in title]), label))
random.shuffle(samples)
n_train, n_val = int(0.7 * len(samples)), int(0.15 * len(samples))
splits = samples[:n_train], samples[n_train:n_train + n_val], samples[n_train + n_val:]
VOCAB_SIZE, NUM_CLASSES = len(vocab), len(classes)
print(VOCAB_SIZE, [len(s) for s in splits], splits[0][0])


def pad_sequences(sequences, max_seq_len=0):
    max_seq_len = max(max_seq_len, max(len(sequence) for sequence in sequences))
    padded_sequences = np.zeros((len(sequences), max_seq_len))
    for i, sequence in enumerate(sequences):
        padded_sequences[i][:len(sequence)] = sequence
    return padded_sequences


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
        return [X, len(X), y]

    def collate_fn(self, batch):
        batch = np.array(batch, dtype=object)
        X = batch[:, 0]
        seq_lens = batch[:, 1]
        y = batch[:, 2]
        X = pad_sequences(X)
        X = torch.LongTensor(X.astype(np.int32))
        seq_lens = torch.LongTensor(seq_lens.astype(np.int32))
        y = torch.LongTensor(y.astype(np.int32))
        return X, seq_lens, y

    def create_dataloader(self, batch_size, shuffle=False, drop_last=False):
        return torch.utils.data.DataLoader(dataset=self, batch_size=batch_size, collate_fn=self.collate_fn,
                                           shuffle=shuffle, drop_last=drop_last)


datasets = [Dataset([s[0] for s in split], [s[1] for s in split]) for split in splits]
print(datasets[0], datasets[0][0])
batch_X, batch_seq_lens, batch_y = next(iter(datasets[0].create_dataloader(batch_size=6)))
print(f"  X: {list(batch_X.size())}\n  seq_lens: {list(batch_seq_lens.size())}\n  y: {list(batch_y.size())}")
print(batch_X, batch_seq_lens, batch_y)


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

    def predict_step(self, dataloader):
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
            print(f"Epoch: {epoch+1} | train_loss: {train_loss:.5f}, val_loss: {val_loss:.5f}, "
                  f"lr: {self.optimizer.param_groups[0]['lr']:.2E}, _patience: {_patience}")
        return best_model


def run(model, datasets, epochs=3, lr=1e-2, batch_size=16):
    loaders = [datasets[0].create_dataloader(batch_size=batch_size, shuffle=True),
               datasets[1].create_dataloader(batch_size=batch_size),
               datasets[2].create_dataloader(batch_size=batch_size)]
    print(model.named_parameters)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=2)
    trainer = Trainer(model=model, device=device, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler)
    trainer.train(epochs, 2, loaders[0], loaders[1])
    test_loss, y_true, y_prob = trainer.eval_step(dataloader=loaders[2])
    y_pred = np.argmax(y_prob, axis=1)
    print(f"test_loss: {test_loss:.4f}, accuracy: {(y_pred == y_true.ravel()).mean():.4f}")
    print(trainer.predict_step(loaders[2])[:2])
    return trainer


# ---- RNN and bidirectional GRU classifiers on the last relevant hidden state
class RNN(nn.Module):
    def __init__(self, embedding_dim, vocab_size, rnn_hidden_dim, hidden_dim, dropout_p, num_classes,
                 padding_idx=0, cell="RNN"):
        super(RNN, self).__init__()
        self.embeddings = nn.Embedding(embedding_dim=embedding_dim, num_embeddings=vocab_size,
                                       padding_idx=padding_idx)
        if cell == "RNN":
            self.rnn = nn.RNN(embedding_dim, rnn_hidden_dim, batch_first=True)
        else:
            self.rnn = nn.GRU(embedding_dim, rnn_hidden_dim, batch_first=True, bidirectional=True)
        directions = 2 if cell != "RNN" else 1
        self.dropout = nn.Dropout(dropout_p)
        self.fc1 = nn.Linear(rnn_hidden_dim * directions, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, inputs):
        x_in, seq_lens = inputs
        x_in = self.embeddings(x_in)
        out, h_n = self.rnn(x_in)
        z = gather_last_relevant_hidden(hiddens=out, seq_lens=seq_lens)
        z = self.fc1(z)
        z = self.dropout(z)
        z = self.fc2(z)
        return z


HIDDEN_DIM, DROPOUT_P = 16, 0.1
for cell in ("RNN", "GRU"):
    set_seeds(1234)
    model = RNN(EMBEDDING_DIM, VOCAB_SIZE, RNN_HIDDEN_DIM, HIDDEN_DIM, DROPOUT_P, NUM_CLASSES, cell=cell)
    run(model, datasets)
    print(model.rnn.weight_hh_l0.grad.abs().sum(), model.embeddings.weight.grad[0].abs().sum())


# ---- attention over the RNN's outputs, plus a copy that returns its weights for interpretation
class AttentionRNN(nn.Module):
    def __init__(self, embedding_dim, vocab_size, rnn_hidden_dim, hidden_dim, dropout_p, num_classes,
                 padding_idx=0, masked=False):
        super(AttentionRNN, self).__init__()
        self.masked = masked
        self.embeddings = nn.Embedding(embedding_dim=embedding_dim, num_embeddings=vocab_size,
                                       padding_idx=padding_idx)
        self.rnn = nn.RNN(embedding_dim, rnn_hidden_dim, batch_first=True)
        self.attn = nn.Linear(rnn_hidden_dim, 1)
        self.dropout = nn.Dropout(dropout_p)
        self.fc1 = nn.Linear(rnn_hidden_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def attend(self, x_in, seq_lens):
        x_in = self.embeddings(x_in)
        out, h_n = self.rnn(x_in)
        e = self.attn(out).squeeze(2)
        if self.masked:
            mask = torch.arange(x_in.size(1), device=x_in.device).unsqueeze(0) < seq_lens.unsqueeze(1)
            e = e.masked_fill(~mask, -1e9)
        attn_vals = F.softmax(e, dim=1)
        c = torch.bmm(attn_vals.unsqueeze(1), out).squeeze(1)
        return c, attn_vals

    def forward(self, inputs):
        x_in, seq_lens = inputs
        c, _ = self.attend(x_in, seq_lens)
        z = self.fc1(c)
        z = self.dropout(z)
        z = self.fc2(z)
        return z


for masked in (False, True):
    set_seeds(1234)
    model = AttentionRNN(EMBEDDING_DIM, VOCAB_SIZE, RNN_HIDDEN_DIM, HIDDEN_DIM, DROPOUT_P, NUM_CLASSES,
                         masked=masked)
    run(model, datasets)
    model.eval()
    with torch.inference_mode():
        _, attn_vals = model.attend(batch_X, batch_seq_lens)
    print(attn_vals[:2], attn_vals.is_inference())
    print(f"most attended: {attn_vals.argmax(dim=1).tolist()}", (attn_vals.sum(dim=1) - 1).abs().max() < 1e-6)


# ---- transformers: the attention maths by hand
def scaled_dot_product_attention(Q, K, V, mask=None):
    d_k = Q.size(-1)
    scores = torch.matmul(Q, K.transpose(-2, -1)) / math.sqrt(d_k)
    if mask is not None:
        scores = scores.masked_fill(mask == 0, -1e9)
    attn = F.softmax(scores, dim=-1)
    return torch.matmul(attn, V), attn


Q = torch.randn(2, 4, 8, requires_grad=True)
K, V = torch.randn(2, 4, 8), torch.randn(2, 4, 8)
mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]]).unsqueeze(1)
context, attn = scaled_dot_product_attention(Q, K, V, mask)
print(context.shape, attn[1], context.grad_fn.name())
context.sum().backward()
print(Q.grad[1, :2])
ours = F.scaled_dot_product_attention(Q, K, V, attn_mask=mask.bool())
print(torch.allclose(ours, context, atol=1e-6))


class MultiHeadAttention(nn.Module):
    def __init__(self, embedding_dim, num_heads):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, embedding_dim // num_heads
        self.q, self.k, self.v = (nn.Linear(embedding_dim, embedding_dim) for _ in range(3))
        self.out = nn.Linear(embedding_dim, embedding_dim)

    def forward(self, x, mask=None):
        batch_size, seq_len, _ = x.size()

        def heads(t):
            return t.view(batch_size, seq_len, self.num_heads, self.head_dim).transpose(1, 2)
        context, attn = scaled_dot_product_attention(heads(self.q(x)), heads(self.k(x)), heads(self.v(x)), mask)
        context = context.transpose(1, 2).contiguous().view(batch_size, seq_len, -1)
        return self.out(context), attn


def positional_encoding(max_len, embedding_dim):
    pe = torch.zeros(max_len, embedding_dim)
    position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, embedding_dim, 2).float() * (-math.log(10000.0) / embedding_dim))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe


pe = positional_encoding(6, 8)
print(pe[:3], pe.shape)
mha = MultiHeadAttention(8, 2)
y, attn = mha(torch.randn(2, 4, 8) + pe[:4], mask.unsqueeze(1))
print(y.shape, attn.shape, attn[0, 1])


# ---- the lesson's Transformer head over an encoder that takes ids and an attention mask
class TinyEncoder(nn.Module):
    """Stands in for the pretrained BERT: token and position embeddings, two encoder layers, a pooler."""
    def __init__(self, vocab_size, embedding_dim, num_heads, max_len=16):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.position_embeddings = nn.Embedding(max_len, embedding_dim)
        layer = nn.TransformerEncoderLayer(embedding_dim, num_heads, dim_feedforward=2 * embedding_dim,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.pooler = nn.Linear(embedding_dim, embedding_dim)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.size(1)).unsqueeze(0).expand_as(input_ids)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        seq = self.encoder(x, src_key_padding_mask=attention_mask == 0)
        pool = torch.tanh(self.pooler(seq[:, 0]))
        return seq, pool


class Transformer(nn.Module):
    def __init__(self, transformer, dropout_p, embedding_dim, num_classes):
        super(Transformer, self).__init__()
        self.transformer = transformer
        self.dropout = torch.nn.Dropout(dropout_p)
        self.fc1 = torch.nn.Linear(embedding_dim, num_classes)

    def forward(self, inputs):
        ids, masks = inputs
        seq, pool = self.transformer(input_ids=ids, attention_mask=masks)
        z = self.dropout(pool)
        z = self.fc1(z)
        return z


class TransformerTextDataset(torch.utils.data.Dataset):
    def __init__(self, ids, masks, targets):
        self.ids = ids
        self.masks = masks
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def __str__(self):
        return f"<Dataset(N={len(self)})>"

    def __getitem__(self, index):
        ids = torch.tensor(self.ids[index], dtype=torch.long)
        masks = torch.tensor(self.masks[index], dtype=torch.long)
        targets = torch.FloatTensor(self.targets[index])
        return ids, masks, targets

    def create_dataloader(self, batch_size, shuffle=False, drop_last=False):
        return torch.utils.data.DataLoader(dataset=self, batch_size=batch_size, shuffle=shuffle,
                                           drop_last=drop_last, pin_memory=False)


def tokenize(split):
    """[CLS] + ids, padded to the longest, with the attention mask (what the lesson's tokenizer returns)."""
    ids = pad_sequences([np.concatenate([[2], s[0]]) for s in split]).astype(np.int64)
    one_hot = np.eye(NUM_CLASSES)[[s[1] for s in split]]
    return ids, (ids != 0).astype(np.int64), one_hot


transformer_datasets = [TransformerTextDataset(*tokenize(split)) for split in splits]
ids, masks, targets = transformer_datasets[0][0]
print(transformer_datasets[0], ids, masks, targets)
loaders = [d.create_dataloader(batch_size=16, shuffle=i == 0) for i, d in enumerate(transformer_datasets)]
batch = next(iter(loaders[1]))
print([item.shape for item in batch], [item.dtype for item in batch])
set_seeds(1234)
model = Transformer(TinyEncoder(VOCAB_SIZE, 16, 2), dropout_p=0.1, embedding_dim=16, num_classes=NUM_CLASSES)
print(model.named_parameters)
print(sum(p.numel() for p in model.parameters()), [name for name, _ in model.named_parameters()][:8])
counts = np.bincount([s[1] for s in splits[0]])
class_weights_tensor = torch.Tensor(1.0 / counts)
loss_fn = nn.BCEWithLogitsLoss(weight=class_weights_tensor)
optimizer = Adam(model.parameters(), lr=5e-3)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.1, patience=2)
trainer = Trainer(model=model, device=device, loss_fn=loss_fn, optimizer=optimizer, scheduler=scheduler)
trainer.train(2, 3, loaders[0], loaders[1])
test_loss, y_true, y_prob = trainer.eval_step(dataloader=loaders[2])
print(f"test_loss: {test_loss:.4f}", y_true.shape, (y_prob.argmax(1) == y_true.argmax(1)).mean())
model.eval()
with torch.no_grad():
    seq, pool = model.transformer(input_ids=batch[0], attention_mask=batch[1])
print(seq.shape, pool.shape, pool[0, :4], seq[0, -1, :4])
