import tinygrad_rnn as torch
import os, tempfile
import numpy as np
nn = torch.nn
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
torch.manual_seed(1)
text = "the quick brown fox jumps over the lazy dog " * 10
chars = sorted(set(text)); stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
seq = 12
X = torch.stack([data[i:i+seq] for i in range(0, len(data)-seq-1, 3)])
Y = torch.stack([data[i+1:i+seq+1] for i in range(0, len(data)-seq-1, 3)])
loader = DataLoader(TensorDataset(X, Y), batch_size=16, shuffle=True)
class LM(nn.Module):
    def __init__(self, V, E=16, H=32):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = nn.LSTM(E, H, num_layers=2, batch_first=True, dropout=0.1)
        self.fc = nn.Linear(H, V)
    def forward(self, x, h=None):
        out, h = self.rnn(self.emb(x), h)
        return self.fc(out), h
model = LM(len(chars))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, 2, 0.5)
crit = nn.CrossEntropyLoss()
for epoch in range(3):
    model.train(); tot = 0
    for xb, yb in loader:
        opt.zero_grad()
        logits, _ = model(xb)
        loss = crit(logits.view(-1, len(chars)), yb.view(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); tot += loss.item()
    sched.step()
    print(epoch, round(tot/len(loader), 4), sched.get_last_lr())
model.eval()
with torch.no_grad():
    x = torch.tensor([[stoi['t']]]); h = None; s = 't'
    for _ in range(20):
        logits, h = model(x, h)
        nxt = logits[0, -1].argmax().item(); s += chars[nxt]; x = torch.tensor([[nxt]])
print(repr(s))
p = os.path.join(tempfile.mkdtemp(), 'm.pt'); torch.save(model.state_dict(), p)
m2 = LM(len(chars)); print(m2.load_state_dict(torch.load(p)))
print(torch.equal(m2.fc.weight, model.fc.weight))
