import tinygrad_rnn as torch
import math
nn = torch.nn
# an LSTM autoencoder for short sequences (repeat the code along time), then an encoder-decoder
# that decodes with nn.GRUCell in a Python loop with teacher forcing
torch.manual_seed(5)
t = torch.linspace(0, 2 * math.pi, 12)
phases = torch.rand(16, 1) * math.pi
X = torch.sin(t.unsqueeze(0) + phases).unsqueeze(-1)
print(X.shape, X.dtype, round(X.mean().item(), 5))
class LSTMAutoencoder(nn.Module):
    def __init__(self, n_features, embedding_dim):
        super().__init__()
        self.encoder = nn.LSTM(n_features, embedding_dim, batch_first=True)
        self.decoder = nn.LSTM(embedding_dim, embedding_dim, batch_first=True)
        self.output_layer = nn.Linear(embedding_dim, n_features)
    def forward(self, x):
        seq_len = x.shape[1]
        _, (hidden, _) = self.encoder(x)
        code = hidden[-1]
        repeated = code.unsqueeze(1).repeat(1, seq_len, 1)
        out, _ = self.decoder(repeated)
        return self.output_layer(out), code
model = LSTMAutoencoder(1, 8)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.L1Loss(reduction='sum')
history = []
for epoch in range(20):
    optimizer.zero_grad()
    recon, code = model(X)
    loss = criterion(recon, X)
    loss.backward()
    optimizer.step()
    history.append(loss.item() / len(X))
print([round(h, 4) for h in history[::4]])
print(code.shape, code.expand(2, -1, -1).shape, code[:2].detach().norm(dim=1))
# the same code expanded instead of repeated: same numbers, a view
e = code.unsqueeze(1).expand(-1, 12, -1)
print(e.shape, e.stride(), torch.equal(e, code.unsqueeze(1).repeat(1, 12, 1)), e.is_contiguous())
class Seq2Seq(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.encoder = nn.GRU(1, hidden, batch_first=True)
        self.cell = nn.GRUCell(1, hidden)
        self.out = nn.Linear(hidden, 1)
    def forward(self, src, target_len, target=None, teacher_forcing=True):
        _, h = self.encoder(src)
        h = h.squeeze(0)
        x = src[:, -1, :]
        outputs = []
        for i in range(target_len):
            h = self.cell(x, h)
            y = self.out(h)
            outputs.append(y)
            x = target[:, i, :] if (teacher_forcing and target is not None) else y
        return torch.stack(outputs, dim=1)
src, tgt = X[:, :8], X[:, 8:]
s2s = Seq2Seq(10)
opt = torch.optim.SGD(s2s.parameters(), lr=0.1, momentum=0.9, nesterov=True)
mse = nn.MSELoss()
for epoch in range(15):
    opt.zero_grad()
    pred = s2s(src, 4, tgt, teacher_forcing=epoch < 10)
    loss = mse(pred, tgt)
    loss.backward()
    opt.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} mse {loss.item():.5f}")
with torch.no_grad():
    pred = s2s(src, 4, teacher_forcing=False)
print(pred.shape, pred[0].flatten(), tgt[0].flatten())
print(s2s.cell, s2s.cell.weight_ih.shape, s2s.cell.bias_hh.shape)
