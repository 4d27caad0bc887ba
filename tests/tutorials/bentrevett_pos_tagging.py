import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
import random

# Ben Trevett's pytorch-pos-tagging, shrunk: a 2-layer bidirectional LSTM tagger over a toy tagged
# corpus, normal_(std=0.1) init over named_parameters, the <pad> row zeroed, CrossEntropyLoss with
# ignore_index for the tag <pad>, categorical_accuracy through (y != pad).nonzero() indexing, tag_sentence.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True

corpus = [("the dog runs fast", "DET NOUN VERB ADV"), ("a cat sleeps", "DET NOUN VERB"),
          ("the old man walks slowly", "DET ADJ NOUN VERB ADV"), ("dogs bark", "NOUN VERB"),
          ("a small bird sings", "DET ADJ NOUN VERB"), ("the child laughs loudly", "DET NOUN VERB ADV"),
          ("cats run", "NOUN VERB"), ("the big dog sleeps", "DET ADJ NOUN VERB")]
words = ['<pad>', '<unk>'] + sorted({w for s, _ in corpus for w in s.split()})
tags = ['<pad>'] + sorted({t for _, ts in corpus for t in ts.split()})
TEXT_STOI = {w: i for i, w in enumerate(words)}
TAG_STOI = {t: i for i, t in enumerate(tags)}
PAD_IDX, UNK_IDX, TAG_PAD_IDX = TEXT_STOI['<pad>'], TEXT_STOI['<unk>'], TAG_STOI['<pad>']
print(f"Unique tokens in TEXT vocabulary: {len(words)}", f"Unique tokens in UD_TAGS vocabulary: {len(tags)}")
print(tags)


def batch(examples):
    """[sent len, batch size] text and tags, padded, as BucketIterator gives them."""
    n = max(len(s.split()) for s, _ in examples)
    text = torch.full((n, len(examples)), PAD_IDX, dtype=torch.long)
    tag = torch.full((n, len(examples)), TAG_PAD_IDX, dtype=torch.long)
    for j, (s, ts) in enumerate(examples):
        text[:len(s.split()), j] = torch.tensor([TEXT_STOI[w] for w in s.split()])
        tag[:len(ts.split()), j] = torch.tensor([TAG_STOI[t] for t in ts.split()])
    return text, tag


train_iterator = [batch(corpus[:4]), batch(corpus[4:])]
print(train_iterator[0][0].shape, train_iterator[0][1][:, 3])


class BiLSTMPOSTagger(nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim, n_layers, bidirectional, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, embedding_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers, bidirectional=bidirectional,
                            dropout=dropout if n_layers > 1 else 0)
        self.fc = nn.Linear(hidden_dim * 2 if bidirectional else hidden_dim, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, text):
        embedded = self.dropout(self.embedding(text))
        outputs, (hidden, cell) = self.lstm(embedded)
        predictions = self.fc(self.dropout(outputs))
        return predictions


model = BiLSTMPOSTagger(len(words), 8, 8, len(tags), 2, True, 0.25, PAD_IDX)


def init_weights(m):
    for name, param in m.named_parameters():
        nn.init.normal_(param.data, mean=0, std=0.1)


model.apply(init_weights)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


print(f'The model has {count_parameters(model):,} trainable parameters')
model.embedding.weight.data[PAD_IDX] = torch.zeros(8)
print(model.embedding.weight.data[PAD_IDX])
optimizer = optim.Adam(model.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss(ignore_index=TAG_PAD_IDX)


def categorical_accuracy(preds, y, tag_pad_idx):
    max_preds = preds.argmax(dim=1, keepdim=True)
    non_pad_elements = (y != tag_pad_idx).nonzero()
    correct = max_preds[non_pad_elements].squeeze(1).eq(y[non_pad_elements])
    return correct.sum() / y[non_pad_elements].shape[0]


def train(model, iterator, optimizer, criterion, tag_pad_idx):
    epoch_loss = 0
    epoch_acc = 0
    model.train()
    for text, tags_ in iterator:
        optimizer.zero_grad()
        predictions = model(text)
        predictions = predictions.view(-1, predictions.shape[-1])
        tags_ = tags_.view(-1)
        loss = criterion(predictions, tags_)
        acc = categorical_accuracy(predictions, tags_, tag_pad_idx)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        epoch_acc += acc.item()
    return epoch_loss / len(iterator), epoch_acc / len(iterator)


def evaluate(model, iterator, criterion, tag_pad_idx):
    epoch_loss = 0
    epoch_acc = 0
    model.eval()
    with torch.no_grad():
        for text, tags_ in iterator:
            predictions = model(text)
            predictions = predictions.view(-1, predictions.shape[-1])
            tags_ = tags_.view(-1)
            loss = criterion(predictions, tags_)
            acc = categorical_accuracy(predictions, tags_, tag_pad_idx)
            epoch_loss += loss.item()
            epoch_acc += acc.item()
    return epoch_loss / len(iterator), epoch_acc / len(iterator)


for epoch in range(6):
    train_loss, train_acc = train(model, train_iterator, optimizer, criterion, TAG_PAD_IDX)
    valid_loss, valid_acc = evaluate(model, train_iterator, criterion, TAG_PAD_IDX)
    print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train Acc: {train_acc*100:.2f}% | '
          f'Val. Loss: {valid_loss:.3f} |  Val. Acc: {valid_acc*100:.2f}%')

text, tags_ = train_iterator[0]
predictions = model(text).view(-1, len(tags))
non_pad = (tags_.view(-1) != TAG_PAD_IDX).nonzero()
print(non_pad.shape, non_pad.dtype, predictions.argmax(dim=1, keepdim=True)[non_pad].shape)
print(tags_.view(-1)[non_pad].shape, tags_.view(-1)[non_pad][:3])


def tag_sentence(model, device, sentence, text_stoi, tag_itos):
    model.eval()
    tokens = sentence.split()
    numericalized_tokens = [text_stoi.get(t, UNK_IDX) for t in tokens]
    unk_idx = UNK_IDX
    unks = [t for t, n in zip(tokens, numericalized_tokens) if n == unk_idx]
    token_tensor = torch.LongTensor(numericalized_tokens)
    token_tensor = token_tensor.unsqueeze(-1).to(device)
    predictions = model(token_tensor)
    top_predictions = predictions.argmax(-1)
    predicted_tags = [tag_itos[t.item()] for t in top_predictions]
    return tokens, predicted_tags, unks


tokens, pred_tags, unks = tag_sentence(model, torch.device('cpu'), "the small cat barks loudly", TEXT_STOI, tags)
print(unks)
print("Pred. Tag\tToken\n")
for token, pred_tag in zip(tokens, pred_tags):
    print(f"{pred_tag}\t\t{token}")
