import tinygrad_rnn as torch
nn = torch.nn
# torch.masked on padded RNN outputs: pool over the real time steps only, attend with a masked softmax
torch.manual_seed(0)
lengths = torch.tensor([5, 3, 1, 4])
N, T, H = len(lengths), int(lengths.max()), 6
x = torch.randn(N, T, 3)
y = torch.tensor([1.0, 0.0, 1.0, 0.0])
valid = torch.arange(T)[None, :] < lengths[:, None]  # (N, T) mask of the real steps
print(valid)
print(torch.masked.sum(x, 1, mask=valid[..., None]).shape)
print(torch.masked.mean(x[..., 0], 1, mask=valid))
print(torch.masked.amax(x[..., 0], 1, mask=valid), torch.masked.argmax(x[..., 0], 1, mask=valid))
print(torch.masked.softmax(x[..., 0], 1, mask=valid))
print(torch.masked.cumsum(x[..., 0], 1, mask=valid))
print(torch.masked.var(x[..., 0], 1, mask=valid), torch.masked.norm(x[..., 0], 2.0, 1, mask=valid))
print(torch.masked.logsumexp(x[..., 0], 1, mask=torch.zeros(N, T, dtype=torch.bool)))


class Pooled(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(3, H, batch_first=True)
        self.score = nn.Linear(H, 1)
        self.head = nn.Linear(2 * H, 1)

    def forward(self, x, valid):
        h, _ = self.rnn(x)
        weights = torch.masked.softmax(self.score(h).squeeze(-1), 1, mask=valid)
        attended = (weights[..., None] * h).sum(1)
        mean = torch.masked.mean(h, 1, mask=valid[..., None])
        return self.head(torch.cat([attended, mean], 1)).squeeze(-1)


model = Pooled()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(6):
    opt.zero_grad()
    out = model(x, valid)
    loss = nn.functional.binary_cross_entropy_with_logits(out, y)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5), out.grad_fn.name())
print(model.score.weight.grad)
h, _ = model.rnn(x)
pooled = torch.masked.mean(h, 1, mask=valid[..., None])
print(pooled.grad_fn, pooled.shape)
try:
    torch.masked.mean(x.long(), 1, mask=valid[..., None])
except ValueError as e:
    print("ValueError:", e)
