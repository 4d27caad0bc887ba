import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional

# A Towards-Data-Science style pointer network (Vinyals et al.) that learns to sort short lists of numbers:
# an LSTM encoder, an LSTMCell decoder whose attention scores are the output distribution over input
# positions, already-chosen positions masked with masked_fill(-inf), the mask updated with scatter, and
# greedy (argmax) as well as sampled (Categorical) decoding.
torch.manual_seed(0)
SEQ, BATCH, HID = 5, 16, 16


def make_batch(n):
    x = torch.rand(n, SEQ)
    target = x.argsort(dim=1)  # the positions in ascending order of value
    return x.unsqueeze(-1), target


class Attention(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.W1 = nn.Linear(hidden, hidden, bias=False)
        self.W2 = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Parameter(torch.FloatTensor(hidden).uniform_(-1 / math.sqrt(hidden), 1 / math.sqrt(hidden)))

    def forward(self, enc, dec_h, mask):
        u = torch.tanh(self.W1(enc) + self.W2(dec_h).unsqueeze(1)) @ self.v
        return u.masked_fill(mask, float("-inf"))


class PointerNet(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.embed = nn.Linear(1, hidden)
        self.encoder = nn.LSTM(hidden, hidden, batch_first=True)
        self.decoder = nn.LSTMCell(hidden, hidden)
        self.attention = Attention(hidden)
        self.start = nn.Parameter(torch.zeros(hidden))
        for name, p in self.named_parameters():
            if "weight" in name:
                nn.init.uniform_(p, -0.08, 0.08)

    def forward(self, x, target=None, sample=False):
        batch = x.size(0)
        emb = self.embed(x)
        enc, (h, c) = self.encoder(emb)
        h, c = h.squeeze(0), c.squeeze(0)
        dec_in = self.start.unsqueeze(0).expand(batch, -1)
        mask = torch.zeros(batch, SEQ, dtype=torch.bool)
        logits, pointers = [], []
        for step in range(SEQ):
            h, c = self.decoder(dec_in, (h, c))
            scores = self.attention(enc, h, mask)
            if sample:
                idx = torch.distributions.Categorical(logits=scores).sample()
            else:
                idx = scores.argmax(dim=1)
            chosen = target[:, step] if target is not None else idx
            mask = mask.scatter(1, chosen.unsqueeze(1), True)
            dec_in = emb.gather(1, chosen.view(batch, 1, 1).expand(-1, 1, emb.size(2))).squeeze(1)
            logits.append(scores)
            pointers.append(idx)
        return torch.stack(logits, dim=2), torch.stack(pointers, dim=1)


model = PointerNet(HID)
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()][-4:])
x, y = make_batch(3)
print(x.squeeze(-1))
print(y)
scores, ptr = model(x, y)
print(scores.shape, ptr.shape)
print(torch.isinf(scores).sum(dim=1))

optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=6, gamma=0.5)
for step in range(1, 19):  # 18 steps
    x, y = make_batch(BATCH)
    scores, ptr = model(x, y)
    # (batch, positions, steps): nll_loss over the class dim 1 of a 3-d input; -inf only at masked positions
    loss = F.nll_loss(F.log_softmax(scores.masked_fill(torch.isinf(scores), -1e9), dim=1), y)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    optimizer.step()
    scheduler.step()
    if step % 6 == 0:
        acc = (ptr == y).float().mean().item()
        print(f"step {step:3d} loss {loss.item():.4f} pointer acc {acc:.3f} lr {scheduler.get_last_lr()[0]:.4f}")

model.eval()
torch.manual_seed(5)
x, y = make_batch(4)
with torch.no_grad():
    _, greedy = model(x)
    _, sampled = model(x, sample=True)
print(x.squeeze(-1))
print("target ", y)
print("greedy ", greedy)
print("sampled", sampled)
sorted_vals = x.squeeze(-1).gather(1, greedy)
print(sorted_vals)
print("sorted rows:", (sorted_vals[:, 1:] >= sorted_vals[:, :-1]).all(dim=1))
print("every position once:", (greedy.sort(dim=1).values == torch.arange(SEQ)).all().item())
