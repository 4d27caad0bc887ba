import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
pack_padded_sequence = torch.nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = torch.nn.utils.rnn.pad_packed_sequence
pad_sequence = torch.nn.utils.rnn.pad_sequence
torch.manual_seed(42)
reviews = ["great movie loved it", "terrible plot", "what a wonderful film truly great", "boring and bad",
           "loved the acting", "bad bad bad", "a masterpiece", "awful waste of time"]
labels = [1, 0, 1, 0, 1, 0, 1, 0]
vocab = {"<pad>": 0, "<unk>": 1}
for r in reviews:
    for w in r.split():
        vocab.setdefault(w, len(vocab))
print(len(vocab))
seqs = [torch.tensor([vocab[w] for w in r.split()]) for r in reviews]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True, padding_value=0)
print(padded.shape, lengths, padded[1])
y = torch.tensor(labels, dtype=torch.float)
class Sentiment(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers, bidirectional, dropout, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.rnn = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers, bidirectional=bidirectional,
                           dropout=dropout, batch_first=True)
        self.fc = nn.Linear(hidden_dim * 2, output_dim)
        self.dropout = nn.Dropout(dropout)
    def forward(self, text, text_lengths):
        embedded = self.dropout(self.embedding(text))
        packed_embedded = pack_padded_sequence(embedded, text_lengths, batch_first=True, enforce_sorted=False)
        packed_output, (hidden, cell) = self.rnn(packed_embedded)
        output, output_lengths = pad_packed_sequence(packed_output, batch_first=True)
        hidden = self.dropout(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1))
        return self.fc(hidden), output, output_lengths
model = Sentiment(len(vocab), 8, 16, 1, 2, True, 0.25, 0)
def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f'The model has {count_parameters(model):,} trainable parameters')
print(model.embedding.weight[0])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.BCEWithLogitsLoss()
def binary_accuracy(preds, y):
    rounded_preds = torch.round(torch.sigmoid(preds))
    correct = (rounded_preds == y).float()
    acc = correct.sum() / len(correct)
    return acc
for epoch in range(15):
    model.train()
    optimizer.zero_grad()
    predictions, output, output_lengths = model(padded, lengths)
    predictions = predictions.squeeze(1)
    loss = criterion(predictions, y)
    acc = binary_accuracy(predictions, y)
    loss.backward()
    optimizer.step()
    if epoch % 5 == 4:
        print(f'Epoch: {epoch+1:02} | Train Loss: {loss.item():.3f} | Train Acc: {acc.item()*100:.2f}%')
print(output.shape, output_lengths, loss.grad_fn.name())
print(model.embedding.weight.grad[0].abs().sum().item())
model.eval()
with torch.no_grad():
    preds, _, _ = model(padded, lengths)
    print(torch.sigmoid(preds.squeeze()).gt(0.5).long().tolist())
packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
print(packed.data.shape)
sorted_lengths, idx = lengths.sort(descending=True)
packed2 = pack_padded_sequence(padded[idx], sorted_lengths, batch_first=True)
print(packed2.sorted_indices, packed2.batch_sizes.tolist())
out, lens = pad_packed_sequence(packed2, batch_first=True, total_length=8, padding_value=-1)
print(out.shape, lens, out[-1])
