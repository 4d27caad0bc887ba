import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Karpathy-style char-RNN: train an LSTM on a string, then sample with temperature
torch.manual_seed(3)
data = "hello world, hello there, hello again. the world says hello back. "
chars = sorted(list(set(data)))
data_size, vocab_size = len(data), len(chars)
print('data has %d characters, %d unique.' % (data_size, vocab_size))
char_to_ix = {ch: i for i, ch in enumerate(chars)}
ix_to_char = {i: ch for i, ch in enumerate(chars)}
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, n_layers=1, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden_size)
        self.lstm = nn.LSTM(hidden_size, hidden_size, n_layers, dropout=dropout, batch_first=True)
        self.fc = nn.Linear(hidden_size, vocab_size)
    def forward(self, x, hidden=None):
        out, hidden = self.lstm(self.embed(x), hidden)
        return self.fc(out), hidden
model = CharRNN(vocab_size, 32, n_layers=2, dropout=0.1)
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)
seq_length = 16
encoded = torch.tensor([char_to_ix[c] for c in data], dtype=torch.long)
for it in range(40):
    model.train()
    p = (it * seq_length) % (data_size - seq_length - 1)
    inputs = encoded[p:p + seq_length].unsqueeze(0)
    targets = encoded[p + 1:p + seq_length + 1].unsqueeze(0)
    logits, _ = model(inputs)
    loss = F.cross_entropy(logits.view(-1, vocab_size), targets.view(-1))
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_value_(model.parameters(), 5.0)
    optimizer.step()
    if it % 10 == 0:
        print('iter %d, loss: %f' % (it, loss.item()))
@torch.no_grad()
def sample(model, seed_ix, n, temperature=1.0, top_k=None):
    model.eval()
    x = torch.tensor([[seed_ix]])
    hidden = None
    ixes = []
    for t in range(n):
        logits, hidden = model(x, hidden)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            v, _ = torch.topk(logits, top_k)
            logits[logits < v[:, [-1]]] = -float('Inf')
        probs = F.softmax(logits, dim=-1)
        ix = torch.multinomial(probs, num_samples=1)
        ixes.append(ix.item())
        x = ix
    return ixes
for T in [0.5, 1.0, 1.5]:
    torch.manual_seed(0)
    txt = ''.join(ix_to_char[ix] for ix in sample(model, char_to_ix['h'], 30, temperature=T))
    print('T=%.1f ----\n %r \n----' % (T, txt))
torch.manual_seed(0)
print(repr(''.join(ix_to_char[ix] for ix in sample(model, char_to_ix['w'], 30, top_k=3))))
# the greedy choice and the distribution's entropy at the first step
logits, (h, c) = model(torch.tensor([[char_to_ix['h']]]))
probs = logits[0, -1].softmax(0)
print(ix_to_char[probs.argmax().item()], (-(probs * probs.log()).sum()).item(), h.shape, c.shape)
