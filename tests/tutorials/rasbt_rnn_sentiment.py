import tinygrad_rnn as torch
import random
import time
F = torch.nn.functional
# Sebastian Raschka's deeplearning-models, RNN notebooks: sentiment classifiers on (here, generated)
# review text: a simple RNN with binary_cross_entropy_with_logits, an LSTM and a GRU over packed
# sequences, and a bidirectional two-layer LSTM with enforce_sorted=False that concatenates the last
# forward and backward hidden states; compute_accuracy helpers with torch.max(logits, 1), training
# loops that print `{cost:.4f}` and accuracies under torch.set_grad_enabled(False), predict_sentiment.
RANDOM_SEED = 123
torch.manual_seed(RANDOM_SEED)
random.seed(RANDOM_SEED)
POS = "great good wonderful loved fun best amazing enjoyed".split()
NEG = "bad awful boring hated worst dull terrible poor".split()
FILL = "the movie was a film it and plot acting story this i".split()


def make_review(label):
    words = random.choices(FILL, k=random.randint(2, 9)) + random.choices(POS if label else NEG, k=random.randint(1, 2))
    random.shuffle(words)
    return words


train_data = [(make_review(lab), lab) for lab in [random.randint(0, 1) for _ in range(64)]]
valid_data = [(make_review(lab), lab) for lab in [random.randint(0, 1) for _ in range(24)]]
itos = ["<unk>", "<pad>"] + sorted(set(POS + NEG + FILL))
stoi = {w: i for i, w in enumerate(itos)}
PAD_IDX = stoi["<pad>"]
INPUT_DIM = len(itos)
print(f"Num Train: {len(train_data)}", f"Num Valid: {len(valid_data)}", f"Vocabulary size: {INPUT_DIM}")


class Batch:
    """What torchtext's BucketIterator gave: .text = (padded [seq_len, batch] LongTensor, lengths), .label."""
    def __init__(self, examples, sort_within_batch):
        if sort_within_batch:
            examples = sorted(examples, key=lambda ex: len(ex[0]), reverse=True)
        lengths = [len(words) for words, _ in examples]
        text = torch.full((max(lengths), len(examples)), PAD_IDX, dtype=torch.long)
        for j, (words, _) in enumerate(examples):
            text[:len(words), j] = torch.tensor([stoi[w] for w in words])
        self.text = (text, torch.tensor(lengths))
        self.label = torch.tensor([lab for _, lab in examples])


def make_loader(data, batch_size, sort_within_batch=True):
    return [Batch(data[i:i + batch_size], sort_within_batch) for i in range(0, len(data), batch_size)]


train_loader = make_loader(train_data, 16)
valid_loader = make_loader(valid_data, 16)
for batch in train_loader:
    print(f"Text matrix size: {batch.text[0].size()}", f"Target vector size: {batch.label.size()}")
    print(batch.text[1], batch.text[0][:, 0])
    break


# ---- the simple RNN, one logit, binary cross entropy
class SimpleRNN(torch.nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim):
        super().__init__()
        self.embedding = torch.nn.Embedding(input_dim, embedding_dim)
        self.rnn = torch.nn.RNN(embedding_dim, hidden_dim)
        self.fc = torch.nn.Linear(hidden_dim, output_dim)

    def forward(self, text):
        embedded = self.embedding(text)
        output, hidden = self.rnn(embedded)
        assert torch.equal(output[-1, :, :], hidden.squeeze(0))
        return self.fc(hidden.squeeze(0)).view(-1)


def compute_binary_accuracy(model, data_loader):
    model.eval()
    correct_pred, num_examples = 0, 0
    with torch.no_grad():
        for batch_idx, batch_data in enumerate(data_loader):
            text, text_lengths = batch_data.text
            logits = model(text)
            predicted_labels = (torch.sigmoid(logits) > 0.5).long()
            num_examples += batch_data.label.size(0)
            correct_pred += (predicted_labels == batch_data.label.long()).sum()
        return correct_pred.float()/num_examples * 100


model = SimpleRNN(INPUT_DIM, 8, 12, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
for epoch in range(2):
    model.train()
    for batch_idx, batch_data in enumerate(train_loader):
        text, text_lengths = batch_data.text
        logits = model(text)
        cost = F.binary_cross_entropy_with_logits(logits, batch_data.label.float())
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        if not batch_idx % 2:
            print(f'Epoch: {epoch+1:03d}/002 | Batch {batch_idx:03d}/{len(train_loader):03d} | Cost: {cost:.4f}')
    print(f'training accuracy: {compute_binary_accuracy(model, train_loader):.2f}%')
print(model.rnn.weight_hh_l0.grad[0, :4], compute_binary_accuracy(model, valid_loader))


# ---- LSTM / GRU over packed sequences, two logits
class PackedRNN(torch.nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim, cell="lstm"):
        super().__init__()
        self.cell = cell
        self.embedding = torch.nn.Embedding(input_dim, embedding_dim)
        if cell == "lstm":
            self.rnn = torch.nn.LSTM(embedding_dim, hidden_dim)
        else:
            self.rnn = torch.nn.GRU(embedding_dim, hidden_dim)
        self.fc = torch.nn.Linear(hidden_dim, output_dim)

    def forward(self, text, text_length):
        embedded = self.embedding(text)
        packed = torch.nn.utils.rnn.pack_padded_sequence(embedded, text_length.to('cpu'))
        if self.cell == "lstm":
            packed_output, (hidden, cell) = self.rnn(packed)
        else:
            packed_output, hidden = self.rnn(packed)
        output, output_lengths = torch.nn.utils.rnn.pad_packed_sequence(packed_output)
        self.last = (packed_output, output, output_lengths)
        hidden.squeeze_(0)
        output = self.fc(hidden)
        return output


def compute_accuracy(model, data_loader, device):
    with torch.no_grad():
        correct_pred, num_examples = 0, 0
        for batch_idx, batch_data in enumerate(data_loader):
            text, text_lengths = batch_data.text
            logits = model(text, text_lengths)
            _, predicted_labels = torch.max(logits, 1)
            num_examples += batch_data.label.size(0)
            correct_pred += (predicted_labels.long() == batch_data.label.long()).sum()
        return correct_pred.float()/num_examples * 100


DEVICE = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
for cell in ("lstm", "gru"):
    torch.manual_seed(RANDOM_SEED)
    model = PackedRNN(INPUT_DIM, 8, 12, 2, cell)
    model = model.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    start_time = time.time()
    for epoch in range(2):
        model.train()
        for batch_idx, batch_data in enumerate(train_loader):
            text, text_lengths = batch_data.text
            logits = model(text, text_lengths)
            cost = F.cross_entropy(logits, batch_data.label)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
            if not batch_idx % 2:
                print(f'Epoch: {epoch+1:03d}/002 | Batch {batch_idx:03d}/{len(train_loader):03d} | Cost: {cost:.4f}')
        with torch.set_grad_enabled(False):
            print(f'training accuracy: {compute_accuracy(model, train_loader, DEVICE):.2f}%'
                  f'\nvalid accuracy: {compute_accuracy(model, valid_loader, DEVICE):.2f}%')
        elapsed = (time.time() - start_time)/60
    packed_output, output, output_lengths = model.last
    print(type(packed_output).__name__, packed_output.data.shape, packed_output.batch_sizes,
          packed_output.sorted_indices, output.shape, output_lengths)
    print(output[:, -1, :3], model.fc.weight.grad[0, :4])
    print(f'Test accuracy: {compute_accuracy(model, valid_loader, DEVICE):.2f}%')


def predict_sentiment(model, sentence):
    model.eval()
    tokenized = sentence.split()
    indexed = [stoi.get(t, 0) for t in tokenized]
    length = [len(indexed)]
    tensor = torch.LongTensor(indexed).to(DEVICE)
    tensor = tensor.unsqueeze(1)
    length_tensor = torch.LongTensor(length)
    prediction = torch.nn.functional.softmax(model(tensor, length_tensor), dim=1)
    return prediction[0][0].item()


print('Probability negative:', predict_sentiment(model, "this movie was awful and boring"))
print('Probability negative:', predict_sentiment(model, "i loved this wonderful film"))


# ---- bidirectional multilayer LSTM, batches left unsorted
class BiRNN(torch.nn.Module):
    def __init__(self, input_dim, embedding_dim, bidirectional, hidden_dim, num_layers, output_dim, dropout, pad_idx):
        super().__init__()
        self.embedding = torch.nn.Embedding(input_dim, embedding_dim, padding_idx=pad_idx)
        self.rnn = torch.nn.LSTM(embedding_dim, hidden_dim, num_layers=num_layers, bidirectional=bidirectional,
                                 dropout=dropout)
        self.fc1 = torch.nn.Linear(hidden_dim * num_layers, 16)
        self.fc2 = torch.nn.Linear(16, output_dim)
        self.dropout = torch.nn.Dropout(dropout)

    def forward(self, text, text_length):
        embedded = self.dropout(self.embedding(text))
        packed_embedded = torch.nn.utils.rnn.pack_padded_sequence(embedded, text_length.cpu(), enforce_sorted=False)
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = torch.nn.utils.rnn.pad_packed_sequence(packed_output)
        self.shapes = (output.shape, hidden.shape, cell.shape, output_lengths)
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        hidden = self.fc1(hidden)
        return self.fc2(hidden)


torch.manual_seed(RANDOM_SEED)
unsorted_loader = make_loader(train_data, 16, sort_within_batch=False)
print(unsorted_loader[0].text[1])
model = BiRNN(INPUT_DIM, 8, True, 6, 2, 2, 0.2, PAD_IDX)
print(model)
print(model.embedding.weight[PAD_IDX], [n for n, _ in model.rnn.named_parameters()][-4:])
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
for epoch in range(2):
    model.train()
    for batch_idx, batch_data in enumerate(unsorted_loader):
        text, text_lengths = batch_data.text
        logits = model(text, text_lengths)
        cost = F.cross_entropy(logits, batch_data.label)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
    print(f'Epoch: {epoch+1:03d} | Cost: {cost:.4f} | {model.shapes}')
    model.eval()
    with torch.set_grad_enabled(False):
        print(f'training accuracy: {compute_accuracy(model, unsorted_loader, DEVICE):.2f}%')
print(model.rnn.weight_hh_l1_reverse.grad[:2, :3], model.embedding.weight.grad[PAD_IDX])


# ---- helper_evaluation.py's confusion matrix: predictions gathered with list.extend over tensors
def compute_confusion_matrix(model, data_loader, device):
    from itertools import product
    all_targets, all_predictions = [], []
    with torch.no_grad():
        for i, batch_data in enumerate(data_loader):
            text, text_lengths = batch_data.text
            targets = batch_data.label.to(device)
            logits = model(text, text_lengths)
            _, predicted_labels = torch.max(logits, 1)
            all_targets.extend(targets.to('cpu'))
            all_predictions.extend(predicted_labels.to('cpu'))
    all_predictions = np.array(all_predictions)
    all_targets = np.array(all_targets)
    class_labels = np.unique(np.concatenate((all_targets, all_predictions)))
    if class_labels.shape[0] == 1:
        if class_labels[0] != 0:
            class_labels = np.array([0, class_labels[0]])
        else:
            class_labels = np.array([class_labels[0], 1])
    n_labels = class_labels.shape[0]
    lst = []
    z = list(zip(all_targets, all_predictions))
    for combi in product(class_labels, repeat=2):
        lst.append(z.count(combi))
    mat = np.asarray(lst)[:, None].reshape(n_labels, n_labels)
    return mat


import numpy as np  # noqa: E402  (the helper module's own import)
print(compute_confusion_matrix(model, valid_loader, DEVICE), type(valid_loader[0].label[0].item()).__name__)
