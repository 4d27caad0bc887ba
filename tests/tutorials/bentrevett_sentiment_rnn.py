import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
import random
import time

# pytorch-sentiment-analysis, notebooks 1 and 2, shrunk: a toy vocabulary replaces torchtext's IMDb.
# First a simple RNN (fc on hidden.squeeze(0)), then the upgraded model: a 2-layer bidirectional LSTM
# over packed padded sequences, "pretrained" vectors copied in and the <unk>/<pad> rows zeroed.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True

positive = ["a great film", "i loved this movie", "wonderful acting and a great story", "truly brilliant",
            "one of the best films ever", "fun and moving"]
negative = ["a terrible film", "i hated this movie", "boring story and awful acting", "truly dreadful",
            "one of the worst films ever", "dull and slow"]
data = [(s.split(), 1.0) for s in positive] + [(s.split(), 0.0) for s in negative]
random.shuffle(data)
train_data, valid_data = data[:9], data[9:]
print(f'Number of training examples: {len(train_data)}')
print(f'Number of validation examples: {len(valid_data)}')

itos = ['<unk>', '<pad>'] + sorted({w for words, _ in data for w in words})
stoi = {w: i for i, w in enumerate(itos)}
UNK_IDX, PAD_IDX = stoi['<unk>'], stoi['<pad>']
print(f"Unique tokens in TEXT vocabulary: {len(itos)}", itos[:6])
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def batches(examples, batch_size):
    """What BucketIterator gives: [sent len, batch size] text, lengths and float labels."""
    for start in range(0, len(examples), batch_size):
        chunk = examples[start:start + batch_size]
        lengths = [len(words) for words, _ in chunk]
        text = torch.full((max(lengths), len(chunk)), PAD_IDX, dtype=torch.long)
        for j, (words, _) in enumerate(chunk):
            text[:len(words), j] = torch.tensor([stoi.get(w, UNK_IDX) for w in words])
        yield text.to(device), torch.tensor(lengths), torch.tensor([label for _, label in chunk]).to(device)


class RNN(nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, embedding_dim)
        self.rnn = nn.RNN(embedding_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, text):
        # text = [sent len, batch size]
        embedded = self.embedding(text)
        output, hidden = self.rnn(embedded)
        assert torch.equal(output[-1, :, :], hidden.squeeze(0))
        return self.fc(hidden.squeeze(0))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    acc = correct.sum() / len(correct)
    return acc


def train(model, iterator, optimizer, criterion, packed=False):
    epoch_loss = 0
    epoch_acc = 0
    model.train()
    n = 0
    for text, text_lengths, label in iterator:
        optimizer.zero_grad()
        predictions = (model(text, text_lengths) if packed else model(text)).squeeze(1)
        loss = criterion(predictions, label)
        acc = binary_accuracy(predictions, label)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
        n += 1
    return epoch_loss / n, epoch_acc / n


def evaluate(model, iterator, criterion, packed=False):
    epoch_loss = 0
    epoch_acc = 0
    model.eval()
    n = 0
    with torch.no_grad():
        for text, text_lengths, label in iterator:
            predictions = (model(text, text_lengths) if packed else model(text)).squeeze(1)
            loss = criterion(predictions, label)
            acc = binary_accuracy(predictions, label)
            epoch_loss += loss.item()
            epoch_acc += acc.item()
            n += 1
    return epoch_loss / n, epoch_acc / n


def epoch_time(start_time, end_time):
    elapsed_time = end_time - start_time
    elapsed_mins = int(elapsed_time / 60)
    elapsed_secs = int(elapsed_time - (elapsed_mins * 60))
    return elapsed_mins, elapsed_secs


model = RNN(len(itos), 8, 12, 1)
print(f'The model has {count_parameters(model):,} trainable parameters')
print(model)
optimizer = optim.SGD(model.parameters(), lr=1e-1)
criterion = nn.BCEWithLogitsLoss()
model = model.to(device)
criterion = criterion.to(device)
print(binary_accuracy(torch.tensor([0.3, -1.2, 2.0]), torch.tensor([1., 1., 0.])))
best_valid_loss = float('inf')
for epoch in range(4):
    start_time = time.time()
    train_loss, train_acc = train(model, batches(train_data, 4), optimizer, criterion)
    valid_loss, valid_acc = evaluate(model, batches(valid_data, 4), criterion)
    end_time = time.time()
    epoch_mins, epoch_secs = epoch_time(start_time, end_time)
    if valid_loss < best_valid_loss:
        best_valid_loss = valid_loss
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    print(f'Epoch: {epoch+1:02} | Epoch Time: {epoch_mins}m {epoch_secs < 60}s')  # the seconds vary from run to run
    print(f'\tTrain Loss: {train_loss:.3f} | Train Acc: {train_acc*100:.2f}%')
    print(f'\t Val. Loss: {valid_loss:.3f} |  Val. Acc: {valid_acc*100:.2f}%')
model.load_state_dict(best_state)
print(sorted(best_state), best_state['rnn.weight_hh_l0'].shape)


class UpgradedRNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers,
                 bidirectional, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.rnn = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers,
                           bidirectional=bidirectional, dropout=dropout)
        self.fc = nn.Linear(hidden_dim * 2, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        # lengths must be on the CPU for packing
        packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, text_lengths.to('cpu'), enforce_sorted=False)
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = nn.utils.rnn.pad_packed_sequence(packed_output)
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden)


EMBEDDING_DIM = 10
model = UpgradedRNN(len(itos), EMBEDDING_DIM, 8, 1, 2, True, 0.5, PAD_IDX)
print(f'The model has {count_parameters(model):,} trainable parameters')
pretrained_embeddings = torch.randn(len(itos), EMBEDDING_DIM) * 0.5  # stands in for TEXT.vocab.vectors
print(pretrained_embeddings.shape)
model.embedding.weight.data.copy_(pretrained_embeddings)
model.embedding.weight.data[UNK_IDX] = torch.zeros(EMBEDDING_DIM)
model.embedding.weight.data[PAD_IDX] = torch.zeros(EMBEDDING_DIM)
print(model.embedding.weight.data[:3])
optimizer = optim.Adam(model.parameters())
for epoch in range(3):
    train_loss, train_acc = train(model, batches(train_data, 3), optimizer, criterion, packed=True)
    valid_loss, valid_acc = evaluate(model, batches(valid_data, 3), criterion, packed=True)
    print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train Acc: {train_acc*100:.2f}% | '
          f'Val. Loss: {valid_loss:.3f} | Val. Acc: {valid_acc*100:.2f}%')
print(model.embedding.weight.grad[PAD_IDX], model.embedding.weight[PAD_IDX])


def predict_sentiment(model, sentence):
    model.eval()
    tokenized = sentence.split()
    indexed = [stoi.get(t, UNK_IDX) for t in tokenized]
    length = [len(indexed)]
    tensor = torch.LongTensor(indexed).to(device)
    tensor = tensor.unsqueeze(1)
    length_tensor = torch.LongTensor(length)
    prediction = torch.sigmoid(model(tensor, length_tensor))
    return prediction.item()


print(f'{predict_sentiment(model, "this film is terrible"):.4f}')
print(f'{predict_sentiment(model, "this film is great"):.4f}')
