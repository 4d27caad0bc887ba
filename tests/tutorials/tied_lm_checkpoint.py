import tinygrad_rnn as torch
import io
import math
nn = torch.nn
F = nn.functional
# A fast.ai / word_language_model style LSTM language model: tied input and output embeddings,
# batchify + BPTT windows with the hidden state detached between them, then a checkpoint of model
# and optimizer through io.BytesIO, and training resumed from it.
torch.manual_seed(1)
text = ("a cat sat on the mat . the cat ate a rat . a rat sat on a hat . the dog saw the cat . "
        "the cat saw a dog . a dog ate the hat . the rat ran . the cat ran after the rat . ") * 3
words = text.split()
vocab = sorted(set(words))
w2i = {w: i for i, w in enumerate(vocab)}
ids = torch.tensor([w2i[w] for w in words], dtype=torch.long)
print(len(vocab), ids.shape, ids[:10])
def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous()
train = batchify(ids, 4)
print(train.shape, train.is_contiguous(), train[:3])
bptt = 6
def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].reshape(-1)
    return data, target
class TiedLM(nn.Module):
    def __init__(self, ntoken, ninp, nlayers, dropout=0.2):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, ninp, nlayers, dropout=dropout)
        self.decoder = nn.Linear(ninp, ntoken)
        self.decoder.weight = self.encoder.weight
        self.nlayers, self.nhid = nlayers, ninp
        self.init_weights()
    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.decoder.out_features)
        return F.log_softmax(decoded, dim=1), hidden
    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)
model = TiedLM(len(vocab), 16, 2)
print(model)
print(model.decoder.weight is model.encoder.weight, model.decoder.weight.data_ptr() == model.encoder.weight.data_ptr())
print(len(list(model.parameters())), sum(p.numel() for p in model.parameters()))
print(list(model.state_dict().keys()))
print([n for n, _ in model.named_parameters()])
print(len(list(model.named_parameters(remove_duplicate=False))))
criterion = nn.NLLLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-5)
def train_epoch():
    model.train()
    hidden = model.init_hidden(4)
    total = 0.0
    for i in range(0, train.size(0) - 1, bptt):
        data, targets = get_batch(train, i)
        hidden = repackage_hidden(hidden)
        optimizer.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        total += len(data) * loss.item()
    return total / (len(train) - 1)
def evaluate(source):
    model.eval()
    hidden = model.init_hidden(4)
    total = 0.0
    with torch.no_grad():
        for i in range(0, source.size(0) - 1, bptt):
            data, targets = get_batch(source, i)
            output, hidden = model(data, hidden)
            total += len(data) * criterion(output, targets).item()
    return total / (len(source) - 1)
for epoch in range(1, 4):
    train_loss = train_epoch()
    val_loss = evaluate(train)
    print(f"| epoch {epoch} | train loss {train_loss:5.3f} | valid loss {val_loss:5.3f} | ppl {math.exp(val_loss):8.3f}")
print(hidden_shape := tuple(model.init_hidden(4)[0].shape), model.training)
# checkpoint: model and optimizer state_dicts plus an epoch number, through an in-memory file
buffer = io.BytesIO()
torch.save({"epoch": 3, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict(),
            "loss": val_loss}, buffer)
print(buffer.tell() > 0)
buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=True)
print(sorted(checkpoint.keys()), checkpoint["epoch"], type(checkpoint["loss"]).__name__)
opt_state = checkpoint["optimizer_state_dict"]
print(sorted(opt_state.keys()), opt_state["param_groups"][0]["lr"], opt_state["param_groups"][0]["params"][:4])
first = opt_state["state"][0]
print(sorted(first.keys()), first["step"], first["exp_avg"].shape, first["exp_avg_sq"].dtype)
restored = TiedLM(len(vocab), 16, 2)
print(restored.load_state_dict(checkpoint["model_state_dict"]))
print(restored.decoder.weight is restored.encoder.weight)
restored_opt = torch.optim.Adam(restored.parameters(), lr=0.01, weight_decay=1e-5)
restored_opt.load_state_dict(checkpoint["optimizer_state_dict"])
print(restored_opt.state_dict()["state"][0]["step"], restored_opt.param_groups[0]["weight_decay"])
same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), restored.state_dict().values()))
print("restored equals trained:", same)
# both copies continue from the same point with the same random numbers
torch.manual_seed(7)
loss_a = train_epoch()
model, optimizer = restored, restored_opt
torch.manual_seed(7)
loss_b = train_epoch()
print(f"{loss_a:.5f} {loss_b:.5f}", loss_a == loss_b)
# only the weights, with strict=False into a model that has an extra layer
class Bigger(TiedLM):
    def __init__(self, *args):
        super().__init__(*args)
        self.extra = nn.Linear(3, 3)
bigger = Bigger(len(vocab), 16, 2)
result = bigger.load_state_dict(checkpoint["model_state_dict"], strict=False)
print(result.missing_keys, result.unexpected_keys)
try:
    bigger.load_state_dict(checkpoint["model_state_dict"])
except RuntimeError as e:
    print(str(e).splitlines()[0])
model.eval()
hidden = model.init_hidden(1)
inp = torch.tensor([[w2i["the"]]])
out = []
torch.manual_seed(3)
with torch.no_grad():
    for _ in range(8):
        output, hidden = model(inp, hidden)
        word_weights = output.squeeze().div(0.8).exp()
        idx = torch.multinomial(word_weights, 1)[0]
        inp.fill_(idx)
        out.append(vocab[idx])
print(" ".join(out))
