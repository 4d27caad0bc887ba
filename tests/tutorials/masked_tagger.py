import tinygrad_rnn as torch
nn = torch.nn
F = nn.functional
# many-to-many tagging with padded targets: CrossEntropyLoss(ignore_index=-100) on (N, C, L)
torch.manual_seed(2)
tags = ["DET", "NOUN", "VERB", "ADJ"]
data = [("the dog runs", "DET NOUN VERB"), ("a big cat sleeps", "DET ADJ NOUN VERB"),
        ("dogs bark", "NOUN VERB"), ("the small red bird sings", "DET ADJ ADJ NOUN VERB")]
vocab = {"<pad>": 0}
for s, _ in data:
    for w in s.split():
        vocab.setdefault(w, len(vocab))
N, L = len(data), max(len(s.split()) for s, _ in data)
words = torch.zeros(N, L, dtype=torch.long)
targets = torch.full((N, L), -100, dtype=torch.long)
for i, (s, t) in enumerate(data):
    ws, ts = s.split(), t.split()
    words[i, :len(ws)] = torch.tensor([vocab[w] for w in ws])
    targets[i, :len(ts)] = torch.tensor([tags.index(x) for x in ts])
print(words)
print(targets)
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(len(vocab), 10, padding_idx=0)
        self.rnn = nn.LSTM(10, 12, batch_first=True, bidirectional=True, num_layers=1)
        self.norm = nn.LayerNorm(24)
        self.head = nn.Linear(24, len(tags))
    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.head(self.norm(h))
model = Tagger()
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
opt = torch.optim.AdamW(model.parameters(), lr=0.03)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
for epoch in range(30):
    logits = model(words)
    loss = loss_fn(logits.permute(0, 2, 1), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if epoch % 10 == 0:
        pred = logits.argmax(-1)
        valid = targets != -100
        acc = (pred[valid] == targets[valid]).float().mean()
        print(f"epoch {epoch} loss {loss.item():.4f} acc {acc.item():.3f} lr {sched.get_last_lr()[0]:.4f}")
# the same loss three ways: (N, C, L), flattened (N*L, C), and summed per token / valid count
logits = model(words)
a = F.cross_entropy(logits.permute(0, 2, 1), targets)
b = F.cross_entropy(logits.reshape(-1, len(tags)), targets.reshape(-1))
per_token = F.cross_entropy(logits.transpose(1, 2), targets, reduction='none')
print(a, b, per_token.shape, per_token[2], per_token.sum() / (targets != -100).sum())
print(F.cross_entropy(logits.permute(0, 2, 1), targets, label_smoothing=0.1))
weighted = F.cross_entropy(logits.permute(0, 2, 1), targets, weight=torch.tensor([0.5, 1.0, 1.0, 2.0]))
print(weighted, weighted.grad_fn.name())
with torch.no_grad():
    pred = model(words).argmax(dim=2)
for i, (s, _) in enumerate(data):
    n = len(s.split())
    print(s, "->", [tags[j] for j in pred[i, :n].tolist()])
