import tinygrad_rnn as torch
nn = torch.nn
F = nn.functional
pad_sequence, pack_padded_sequence, pad_packed_sequence = (
    nn.utils.rnn.pad_sequence, nn.utils.rnn.pack_padded_sequence, nn.utils.rnn.pad_packed_sequence)
# a bidirectional GRU sentence classifier: padding index 0, batch_first, masked mean pooling
torch.manual_seed(11)
sentences = [("i loved this movie", 1), ("what a waste of time", 0), ("great acting and a great story", 1),
             ("boring", 0), ("i would watch it again", 1), ("the plot made no sense at all", 0)]
word2idx = {"<pad>": 0, "<unk>": 1}
for s, _ in sentences:
    for w in s.split():
        word2idx.setdefault(w, len(word2idx))
def encode(s):
    return torch.tensor([word2idx.get(w, 1) for w in s.split()], dtype=torch.long)
seqs = [encode(s) for s, _ in sentences]
labels = torch.tensor([y for _, y in sentences], dtype=torch.float)
padded = pad_sequence(seqs, batch_first=True, padding_value=0)
lengths = torch.tensor([len(s) for s in seqs])
print(padded.shape, padded[3], lengths)
mask = (padded != 0)
print(mask.dtype, mask.sum(dim=1))
class BiGRUClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.gru = nn.GRU(embed_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(2 * hidden_dim, 1)
    def forward(self, x, mask):
        emb = self.embedding(x)
        out, h_n = self.gru(emb)
        m = mask.unsqueeze(-1).float()
        pooled = (out * m).sum(dim=1) / m.sum(dim=1).clamp(min=1)
        return self.fc(self.dropout(pooled)).squeeze(-1), h_n
model = BiGRUClassifier(len(word2idx), 8, 6)
print(model)
print(model.embedding.weight[0])
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-4)
for epoch in range(25):
    model.train()
    optimizer.zero_grad()
    logits, h_n = model(padded, mask)
    loss = criterion(logits, labels)
    loss.backward()
    optimizer.step()
    if epoch % 6 == 0:
        acc = ((logits > 0).float() == labels).float().mean()
        print(f"epoch {epoch:2d} loss {loss.item():.4f} acc {acc.item():.3f}")
print(model.embedding.weight.grad[0], h_n.shape)
model.eval()
with torch.no_grad():
    logits, _ = model(padded, mask)
    probs = torch.sigmoid(logits)
    print(probs.round(decimals=3), (probs > 0.5).long().tolist())
    test = pad_sequence([encode("great movie"), encode("a waste of a story at all")], batch_first=True)
    print(torch.sigmoid(model(test, test != 0)[0]))
# the packed version gives the same final states as running each sentence alone
packed = pack_padded_sequence(model.embedding(padded), lengths, batch_first=True, enforce_sorted=False)
out, h = model.gru(packed)
unpacked, out_lengths = pad_packed_sequence(out, batch_first=True)
alone = model.gru(model.embedding(seqs[3]).unsqueeze(0))[1]
print(unpacked.shape, out_lengths, torch.allclose(h[:, 3], alone[:, 0], atol=1e-6))
final = torch.cat([h[-2], h[-1]], dim=1)
print(final.shape, final[0, :3])
