import tinygrad_rnn as torch
import random
from collections import Counter
nn = torch.nn
F = torch.nn.functional

# A Kaggle "disaster tweets with a BiGRU" style notebook: tokenise, build a vocabulary with Counter, pack
# variable-length batches, a 2-layer bidirectional GRU whose final states are separated with
# view(num_layers, 2, batch, hidden), attention and masked mean pooling, class weights, and
# precision/recall/F1 computed by hand, with early stopping on validation F1.
random.seed(0)
torch.manual_seed(0)
disaster = ["forest fire near la ronge", "earthquake shakes the city", "flood warning for the valley",
            "evacuation ordered after wildfire", "storm destroys homes downtown", "fire crews battle huge blaze",
            "tornado hits the town tonight", "landslide blocks the highway after rain"]
normal = ["i love this new song", "what a lovely sunny day", "cant wait for the weekend",
          "this pizza is on fire so good", "my phone battery died again", "watching a movie with friends",
          "the game last night was great", "new shoes feel amazing", "coffee first then work",
          "that concert was a blast", "reading a good book tonight", "happy birthday to my sister"]
texts = disaster + normal
targets = [1] * len(disaster) + [0] * len(normal)
order = list(range(len(texts)))
random.shuffle(order)
texts = [texts[i] for i in order]
targets = [targets[i] for i in order]

counts = Counter(w for t in texts for w in t.split())
print(counts.most_common(4))
itos = ["<pad>", "<unk>"] + [w for w, c in counts.most_common() if c >= 1]
stoi = {w: i for i, w in enumerate(itos)}
print(len(itos), itos[:6])
encoded = [torch.tensor([stoi.get(w, 1) for w in t.split()]) for t in texts]
labels = torch.tensor(targets, dtype=torch.float32)
print([len(e) for e in encoded[:6]], labels[:6])
split = 14
train_idx, valid_idx = list(range(split)), list(range(split, len(texts)))


def collate(indices):
    seqs = [encoded[i] for i in indices]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths, labels[indices]


class BiGRUClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_dim=12, n_layers=2, dropout=0.2):
        super().__init__()
        self.n_layers, self.hidden_dim = n_layers, hidden_dim
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.gru = nn.GRU(embed_dim, hidden_dim, num_layers=n_layers, bidirectional=True,
                          batch_first=True, dropout=dropout)
        self.attn = nn.Linear(2 * hidden_dim, 1)
        self.fc = nn.Linear(6 * hidden_dim, 1)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, lengths):
        mask = x != 0
        emb = self.dropout(self.embedding(x))
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        h_n = h_n.view(self.n_layers, 2, x.size(0), self.hidden_dim)
        last = torch.cat([h_n[-1, 0], h_n[-1, 1]], dim=-1)
        scores = self.attn(out).squeeze(-1).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        attended = torch.bmm(weights.unsqueeze(1), out).squeeze(1)
        mean = (out * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        return self.fc(self.dropout(torch.cat([last, attended, mean], dim=1))).squeeze(1), weights


model = BiGRUClassifier(len(itos))
print(model)
print(model.embedding.weight[0].abs().sum().item(), model.gru.weight_hh_l1_reverse.shape)
xb, lb, yb = collate(train_idx[:4])
logits, w = model(xb, lb)
print(xb.shape, logits.shape, w.shape, w.sum(1))
print(torch.where(xb == 0, -1, xb))

pos_weight = (labels[:split] == 0).sum() / (labels[:split] == 1).sum()
print("pos_weight", pos_weight)
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3, weight_decay=1e-5)


def metrics(logits, y):
    preds = (torch.sigmoid(logits) > 0.5).float()
    tp = ((preds == 1) & (y == 1)).sum().item()
    fp = ((preds == 1) & (y == 0)).sum().item()
    fn = ((preds == 0) & (y == 1)).sum().item()
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (preds == y).float().mean().item(), precision, recall, f1


best_f1, best_epoch, best_state = -1.0, 0, None
for epoch in range(1, 9):
    model.train()
    random.shuffle(train_idx)
    epoch_loss = 0.0
    for i in range(0, len(train_idx), 7):
        xb, lb, yb = collate(train_idx[i:i + 7])
        optimizer.zero_grad()
        logits, _ = model(xb, lb)
        loss = criterion(logits, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        optimizer.step()
        epoch_loss += loss.item()
    model.eval()
    with torch.no_grad():
        xv, lv, yv = collate(valid_idx)
        val_logits, _ = model(xv, lv)
        acc, p, r, f1 = metrics(val_logits, yv)
    print(f"epoch {epoch} loss {epoch_loss / 2:.4f} val_acc {acc:.3f} p {p:.2f} r {r:.2f} f1 {f1:.3f}")
    if f1 > best_f1:
        best_f1, best_epoch = f1, epoch
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
print("best epoch", best_epoch, round(best_f1, 3))
model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    probs = torch.sigmoid(model(*collate(valid_idx)[:2])[0])
print(probs.round(decimals=3))
top = torch.topk(probs, k=2)
print([texts[valid_idx[i]] for i in top.indices.tolist()])

# attention weights of one tweet: the padded positions get none
with torch.no_grad():
    xb, lb, _ = collate([0, 1])
    _, weights = model(xb, lb)
print(texts[1], lb.tolist())
print(weights[1])
try:
    torch.zeros(2, 5).masked_fill_(xb[:, :2] == 0, 1.0)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.addcmul(torch.ones(2, 5), torch.ones(2, 1), torch.ones(2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
