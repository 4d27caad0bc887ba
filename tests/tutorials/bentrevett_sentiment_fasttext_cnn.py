import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
import random

# pytorch-sentiment-analysis, notebooks 3-5, shrunk: FastText (bigrams, F.avg_pool2d over the sentence),
# the CNN (nn.Conv2d over unsqueezed embeddings, F.max_pool1d over time, then a ModuleList of
# Conv1d's) and the multi-class CNN (CrossEntropyLoss, argmax accuracy) on a toy batch-first corpus.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)


def generate_bigrams(x):
    n_grams = set(zip(*[x[i:] for i in range(2)]))
    for n_gram in sorted(n_grams):
        x.append(' '.join(n_gram))
    return x


print(generate_bigrams(['This', 'film', 'is', 'terrible']))
sentences = ["a great film", "i loved this movie", "wonderful acting", "truly brilliant story",
             "a terrible film", "i hated this movie", "awful acting", "truly dreadful story"]
labels = [1., 1., 1., 1., 0., 0., 0., 0.]
tokens = [generate_bigrams(s.split()) for s in sentences]
itos = ['<unk>', '<pad>'] + sorted({t for ts in tokens for t in ts})
stoi = {t: i for i, t in enumerate(itos)}
PAD_IDX, UNK_IDX = stoi['<pad>'], stoi['<unk>']


def pad(batch_tokens, min_len=1):
    max_len = max(min_len, max(len(ts) for ts in batch_tokens))
    return torch.tensor([[stoi.get(t, UNK_IDX) for t in ts] + [PAD_IDX] * (max_len - len(ts)) for ts in batch_tokens])


text = pad(tokens).t()  # FastText takes [sent len, batch size]
label = torch.tensor(labels)
print(text.shape, text.dtype)


class FastText(nn.Module):
    def __init__(self, vocab_size, embedding_dim, output_dim, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, text):
        embedded = self.embedding(text)
        embedded = embedded.permute(1, 0, 2)
        pooled = F.avg_pool2d(embedded, (embedded.shape[1], 1)).squeeze(1)
        return self.fc(pooled)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    return correct.sum() / len(correct)


model = FastText(len(itos), 6, 1, PAD_IDX)
print(f'The model has {count_parameters(model):,} trainable parameters')
model.embedding.weight.data[PAD_IDX] = torch.zeros(6)
optimizer = optim.Adam(model.parameters())
criterion = nn.BCEWithLogitsLoss()
for epoch in range(5):
    model.train()
    optimizer.zero_grad()
    predictions = model(text).squeeze(1)
    loss = criterion(predictions, label)
    acc = binary_accuracy(predictions, label)
    loss.backward()
    optimizer.step()
    print(f'Epoch: {epoch+1:02} | Train Loss: {loss.item():.3f} | Train Acc: {acc.item()*100:.2f}%')
emb = model.embedding(text).permute(1, 0, 2)
pooled = F.avg_pool2d(emb, (emb.shape[1], 1))
print(pooled.shape, pooled.grad_fn.name(), torch.allclose(pooled.squeeze(1), emb.mean(1)))

# ---- CNN: batch first, each sentence at least as long as the largest filter
tokens = [s.split() for s in sentences]
itos = ['<unk>', '<pad>'] + sorted({t for ts in tokens for t in ts})
stoi = {t: i for i, t in enumerate(itos)}
text = pad(tokens, min_len=4)
print(text.shape)


class CNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.conv_0 = nn.Conv2d(in_channels=1, out_channels=n_filters, kernel_size=(filter_sizes[0], embedding_dim))
        self.conv_1 = nn.Conv2d(in_channels=1, out_channels=n_filters, kernel_size=(filter_sizes[1], embedding_dim))
        self.conv_2 = nn.Conv2d(in_channels=1, out_channels=n_filters, kernel_size=(filter_sizes[2], embedding_dim))
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text)
        embedded = embedded.unsqueeze(1)
        conved_0 = F.relu(self.conv_0(embedded).squeeze(3))
        conved_1 = F.relu(self.conv_1(embedded).squeeze(3))
        conved_2 = F.relu(self.conv_2(embedded).squeeze(3))
        pooled_0 = F.max_pool1d(conved_0, conved_0.shape[2]).squeeze(2)
        pooled_1 = F.max_pool1d(conved_1, conved_1.shape[2]).squeeze(2)
        pooled_2 = F.max_pool1d(conved_2, conved_2.shape[2]).squeeze(2)
        cat = self.dropout(torch.cat((pooled_0, pooled_1, pooled_2), dim=1))
        return self.fc(cat)


class CNN1d(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.convs = nn.ModuleList([nn.Conv1d(in_channels=embedding_dim, out_channels=n_filters, kernel_size=fs)
                                    for fs in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.embedding(text)
        embedded = embedded.permute(0, 2, 1)
        conved = [F.relu(conv(embedded)) for conv in self.convs]
        pooled = [F.max_pool1d(conv, conv.shape[2]).squeeze(2) for conv in conved]
        cat = self.dropout(torch.cat(pooled, dim=1))
        return self.fc(cat)


for Model in (CNN, CNN1d):
    model = Model(len(itos), 5, 3, [2, 3, 4], 1, 0.5, PAD_IDX)
    print(f'The model has {count_parameters(model):,} trainable parameters')
    model.embedding.weight.data[UNK_IDX] = torch.zeros(5)
    model.embedding.weight.data[PAD_IDX] = torch.zeros(5)
    optimizer = optim.Adam(model.parameters())
    for epoch in range(4):
        model.train()
        optimizer.zero_grad()
        predictions = model(text).squeeze(1)
        loss = criterion(predictions, label)
        acc = binary_accuracy(predictions, label)
        loss.backward()
        optimizer.step()
        print(f'Epoch: {epoch+1:02} | Train Loss: {loss.item():.3f} | Train Acc: {acc.item()*100:.2f}%')
    print(model.convs[0].weight.grad.shape if Model is CNN1d else model.conv_2.weight.grad.shape)
    model.eval()
    with torch.no_grad():
        tensor = torch.LongTensor([stoi.get(t, UNK_IDX) for t in "this film is great".split()]).unsqueeze(0)
        print(f'{torch.sigmoid(model(tensor)).item():.4f}')

# ---- multi-class: six question types, CrossEntropyLoss and argmax accuracy
questions = [("how many people live here", 0), ("what is a cat", 1), ("who wrote this book", 2),
             ("where is the station", 3), ("when does it start", 4), ("why is the sky blue", 5),
             ("how many legs has a spider", 0), ("what is a dog", 1)]
tokens = [q.split() for q, _ in questions]
itos = ['<unk>', '<pad>'] + sorted({t for ts in tokens for t in ts})
stoi = {t: i for i, t in enumerate(itos)}
text = pad(tokens, min_len=4)
label = torch.tensor([c for _, c in questions])
print(label.dtype, text.shape)


def categorical_accuracy(preds, y):
    top_pred = preds.argmax(1, keepdim=True)
    correct = top_pred.eq(y.view_as(top_pred)).sum()
    acc = correct.float() / y.shape[0]
    return acc


model = CNN(len(itos), 5, 4, [2, 3, 4], 6, 0.5, PAD_IDX)
optimizer = optim.Adam(model.parameters())
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    model.train()
    optimizer.zero_grad()
    predictions = model(text)
    loss = criterion(predictions, label)
    acc = categorical_accuracy(predictions, label)
    loss.backward()
    optimizer.step()
    print(f'Epoch: {epoch+1:02} | Train Loss: {loss.item():.3f} | Train Acc: {acc.item()*100:.2f}%')
model.eval()
tensor = torch.LongTensor([stoi.get(t, UNK_IDX) for t in "who is the author".split()]).unsqueeze(0)
preds = model(tensor)
max_preds = preds.argmax(dim=1)
print(preds.shape, max_preds, max_preds.item(), F.softmax(preds, dim=1))
