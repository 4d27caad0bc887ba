import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
import collections
import io
import numpy as np

# pytorch-sentiment-analysis as rewritten without torchtext: a vocab built from a Counter, a
# DataLoader whose collate_fn pads with pad_sequence(batch_first=True), NBoW (mean over the sequence),
# a batch-first packed LSTM (enforce_sorted=False) initialised with xavier_normal_/orthogonal_/zeros_,
# a Conv1d CNN pooled with .max(dim=-1).values and kaiming_normal_, get_accuracy from argmax/eq,
# a state_dict saved to and loaded from a buffer, and predict_sentiment with softmax.
seed = 1234
np.random.seed(seed)
torch.manual_seed(seed)
torch.cuda.manual_seed(seed)
torch.backends.cudnn.deterministic = True

texts = ["a great film with great acting", "i loved it", "wonderful story and fun", "brilliant",
         "the best film of the year", "moving and beautiful", "a terrible film with bad acting", "i hated it",
         "boring story and dull", "awful", "the worst film of the year", "slow and ugly"]
labels = [1] * 6 + [0] * 6
tokens = [t.split() for t in texts]
counter = collections.Counter(tok for toks in tokens for tok in toks)
special_tokens = ["<unk>", "<pad>"]
itos = special_tokens + sorted(tok for tok, c in counter.items() if c >= 1)
stoi = {tok: i for i, tok in enumerate(itos)}
unk_index, pad_index = stoi["<unk>"], stoi["<pad>"]
print(len(itos), itos[:5], counter.most_common(3))


def lookup_indices(toks):
    return [stoi.get(t, unk_index) for t in toks]


data = [{"ids": torch.tensor(lookup_indices(toks)), "length": torch.tensor(len(toks)), "label": torch.tensor(lab)}
        for toks, lab in zip(tokens, labels)]
print(data[0])


def get_collate_fn(pad_index):
    def collate_fn(batch):
        batch_ids = [i["ids"] for i in batch]
        batch_ids = nn.utils.rnn.pad_sequence(batch_ids, padding_value=pad_index, batch_first=True)
        batch_length = [i["length"] for i in batch]
        batch_length = torch.stack(batch_length)
        batch_label = [i["label"] for i in batch]
        batch_label = torch.stack(batch_label)
        batch = {"ids": batch_ids, "length": batch_length, "label": batch_label}
        return batch
    return collate_fn


def get_data_loader(dataset, batch_size, pad_index, shuffle=False):
    collate_fn = get_collate_fn(pad_index)
    data_loader = torch.utils.data.DataLoader(dataset=dataset, batch_size=batch_size, collate_fn=collate_fn,
                                              shuffle=shuffle)
    return data_loader


train_data_loader = get_data_loader(data, 4, pad_index, shuffle=True)
valid_data_loader = get_data_loader(data[::3], 4, pad_index)
first = next(iter(valid_data_loader))
print(first["ids"].shape, first["length"], first["label"], first["ids"].dtype)


class NBoW(nn.Module):
    def __init__(self, vocab_size, embedding_dim, output_dim, pad_index):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_index)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, ids, length=None):
        embedded = self.embedding(ids)
        pooled = embedded.mean(dim=1)
        prediction = self.fc(pooled)
        return prediction


class LSTM(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers, bidirectional, dropout_rate,
                 pad_index):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_index)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, bidirectional=bidirectional,
                            dropout=dropout_rate, batch_first=True)
        self.fc = nn.Linear(hidden_dim * 2 if bidirectional else hidden_dim, output_dim)
        self.dropout = nn.Dropout(dropout_rate)

    def forward(self, ids, length):
        embedded = self.dropout(self.embedding(ids))
        packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, length, batch_first=True, enforce_sorted=False)
        packed_output, (hidden, cell) = self.lstm(packed_embedded)
        output, output_length = nn.utils.rnn.pad_packed_sequence(packed_output)
        if self.lstm.bidirectional:
            hidden = self.dropout(torch.cat([hidden[-1], hidden[-2]], dim=-1))
        else:
            hidden = self.dropout(hidden[-1])
        prediction = self.fc(hidden)
        return prediction


class CNN(nn.Module):
    def __init__(self, vocab_size, embedding_dim, n_filters, filter_sizes, output_dim, dropout_rate, pad_index):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_index)
        self.convs = nn.ModuleList([nn.Conv1d(embedding_dim, n_filters, filter_size) for filter_size in filter_sizes])
        self.fc = nn.Linear(len(filter_sizes) * n_filters, output_dim)
        self.dropout = nn.Dropout(dropout_rate)

    def forward(self, ids, length=None):
        embedded = self.dropout(self.embedding(ids))
        embedded = embedded.permute(0, 2, 1)
        conved = [torch.relu(conv(embedded)) for conv in self.convs]
        pooled = [conv.max(dim=-1).values for conv in conved]
        cat = self.dropout(torch.cat(pooled, dim=-1))
        prediction = self.fc(cat)
        return prediction


def initialize_lstm_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LSTM):
        for name, param in m.named_parameters():
            if "bias" in name:
                nn.init.zeros_(param)
            elif "weight" in name:
                nn.init.orthogonal_(param)


def initialize_cnn_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Conv1d):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def get_accuracy(prediction, label):
    batch_size, _ = prediction.shape
    predicted_classes = prediction.argmax(dim=-1)
    correct_predictions = predicted_classes.eq(label).sum()
    accuracy = correct_predictions / batch_size
    return accuracy


def train(data_loader, model, criterion, optimizer, device):
    model.train()
    epoch_losses = []
    epoch_accs = []
    for batch in data_loader:
        ids = batch["ids"].to(device)
        length = batch["length"]
        label = batch["label"].to(device)
        prediction = model(ids, length)
        loss = criterion(prediction, label)
        accuracy = get_accuracy(prediction, label)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_losses.append(loss.item())
        epoch_accs.append(accuracy.item())
    return np.mean(epoch_losses), np.mean(epoch_accs)


def evaluate(data_loader, model, criterion, device):
    model.eval()
    epoch_losses = []
    epoch_accs = []
    with torch.no_grad():
        for batch in data_loader:
            ids = batch["ids"].to(device)
            length = batch["length"]
            label = batch["label"].to(device)
            prediction = model(ids, length)
            loss = criterion(prediction, label)
            accuracy = get_accuracy(prediction, label)
            epoch_losses.append(loss.item())
            epoch_accs.append(accuracy.item())
    return np.mean(epoch_losses), np.mean(epoch_accs)


def predict_sentiment(text, model, device):
    toks = text.split()
    ids = lookup_indices(toks)
    tensor = torch.LongTensor(ids).unsqueeze(dim=0).to(device)
    length = torch.LongTensor([len(ids)])
    prediction = model(tensor, length).squeeze(dim=0)
    probability = torch.softmax(prediction, dim=-1)
    predicted_class = prediction.argmax(dim=-1).item()
    predicted_probability = probability[predicted_class].item()
    return predicted_class, predicted_probability


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
criterion = nn.CrossEntropyLoss().to(device)
models = {
    "nbow": NBoW(len(itos), 6, 2, pad_index),
    "lstm": LSTM(len(itos), 6, 5, 2, 2, True, 0.5, pad_index),
    "cnn": CNN(len(itos), 6, 3, [1, 2], 2, 0.25, pad_index),
}
models["lstm"].apply(initialize_lstm_weights)
models["cnn"].apply(initialize_cnn_weights)
for name, model in models.items():
    print(f"{name}: the model has {count_parameters(model):,} trainable parameters")
    model = model.to(device)
    optimizer = optim.Adam(model.parameters(), lr=5e-3)
    best_valid_loss = float("inf")
    metrics = collections.defaultdict(list)
    for epoch in range(3):
        train_loss, train_acc = train(train_data_loader, model, criterion, optimizer, device)
        valid_loss, valid_acc = evaluate(valid_data_loader, model, criterion, device)
        metrics["train_losses"].append(train_loss)
        metrics["valid_accs"].append(valid_acc)
        if valid_loss < best_valid_loss:
            best_valid_loss = valid_loss
            buffer = io.BytesIO()
            torch.save(model.state_dict(), buffer)
        print(f"epoch: {epoch}")
        print(f"train_loss: {train_loss:.3f}, train_acc: {train_acc:.3f}")
        print(f"valid_loss: {valid_loss:.3f}, valid_acc: {valid_acc:.3f}")
    buffer.seek(0)
    model.load_state_dict(torch.load(buffer))
    test_loss, test_acc = evaluate(valid_data_loader, model, criterion, device)
    print(f"test_loss: {test_loss:.3f}, test_acc: {test_acc:.3f}", type(train_loss).__name__)
    print(predict_sentiment("this film is great", model, device))
    print(predict_sentiment("this film is terrible", model, device))
lstm = models["lstm"].lstm
print((lstm.weight_hh_l0.T @ lstm.weight_hh_l0).diagonal()[:4])  # orthogonal_ then 3 epochs of Adam
print(models["lstm"].embedding.weight[pad_index], models["cnn"].convs[1].weight.shape)
