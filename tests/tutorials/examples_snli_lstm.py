import tinygrad_rnn as torch
import io
from types import SimpleNamespace
nn, O = torch.nn, torch.optim
# pytorch/examples' snli: a premise/hypothesis classifier whose Linear is made by multiple inheritance from a
# "Bottle" module that folds (seq, batch) into one dim and back, an LSTM encoder (bidirectional, final states
# ht[-2:] joined per example), embeddings filled from given vectors with weight.data.copy_, the training loop's
# accuracy through torch.max(answer, 1)[1].view(...), and a snapshot saved with torch.save and loaded back (its
# state_dict: the example pickles the whole model, which a program run by exec cannot). Made-up sentence pairs
# replace SNLI and torchtext's iterators.


class Bottle(nn.Module):

    def forward(self, input):
        if len(input.size()) <= 2:
            return super(Bottle, self).forward(input)
        size = input.size()[:2]
        out = super(Bottle, self).forward(input.view(size[0] * size[1], -1))
        return out.view(size[0], size[1], -1)


class Linear(Bottle, nn.Linear):
    pass


class Encoder(nn.Module):

    def __init__(self, config):
        super(Encoder, self).__init__()
        self.config = config
        input_size = config.d_proj if config.projection else config.d_embed
        dropout = 0 if config.n_layers == 1 else config.dp_ratio
        self.rnn = nn.LSTM(input_size=input_size, hidden_size=config.d_hidden, num_layers=config.n_layers,
                           dropout=dropout, bidirectional=config.birnn)

    def forward(self, inputs):
        batch_size = inputs.size()[1]
        state_shape = self.config.n_cells, batch_size, self.config.d_hidden
        h0 = c0 = inputs.new_zeros(state_shape)
        outputs, (ht, ct) = self.rnn(inputs, (h0, c0))
        return ht[-1] if not self.config.birnn else ht[-2:].transpose(0, 1).contiguous().view(batch_size, -1)


class SNLIClassifier(nn.Module):

    def __init__(self, config):
        super(SNLIClassifier, self).__init__()
        self.config = config
        self.embed = nn.Embedding(config.n_embed, config.d_embed)
        self.projection = Linear(config.d_embed, config.d_proj)
        self.encoder = Encoder(config)
        self.dropout = nn.Dropout(p=config.dp_ratio)
        self.relu = nn.ReLU()
        seq_in_size = 2 * config.d_hidden
        if self.config.birnn:
            seq_in_size *= 2
        lin_config = [seq_in_size] * 2
        self.out = nn.Sequential(
            Linear(*lin_config),
            self.relu,
            self.dropout,
            Linear(*lin_config),
            self.relu,
            self.dropout,
            Linear(seq_in_size, config.d_out))

    def forward(self, batch):
        prem_embed = self.embed(batch.premise)
        hypo_embed = self.embed(batch.hypothesis)
        if self.config.fix_emb:
            prem_embed = prem_embed.detach()
            hypo_embed = hypo_embed.detach()
        if self.config.projection:
            prem_embed = self.relu(self.projection(prem_embed))
            hypo_embed = self.relu(self.projection(hypo_embed))
        premise = self.encoder(prem_embed)
        hypothesis = self.encoder(hypo_embed)
        scores = self.out(torch.cat([premise, hypothesis], 1))
        return scores


torch.manual_seed(3435)
pairs = [("a man plays a guitar", "a man plays music", 0), ("a man plays a guitar", "a woman sleeps", 2),
         ("two dogs run in a park", "animals are outside", 0), ("two dogs run in a park", "the dogs sit inside", 2),
         ("a child eats an apple", "a child eats", 0), ("a child eats an apple", "the child is hungry", 1),
         ("a woman reads a book", "a person reads", 0), ("a woman reads a book", "a woman sleeps", 2),
         ("people walk on a street", "people are outside", 0), ("people walk on a street", "it is a sunny day", 1)]
vocab = {"<pad>": 0}
for p, h, _ in pairs:
    for w in (p + " " + h).split():
        vocab.setdefault(w, len(vocab))


def numericalize(sentences):
    longest = max(len(s.split()) for s in sentences)
    ids = [[vocab[w] for w in s.split()] + [0] * (longest - len(s.split())) for s in sentences]
    return torch.tensor(ids).t()  # torchtext's iterators give (seq, batch)


config = SimpleNamespace(n_embed=len(vocab), d_embed=12, d_proj=10, projection=True, d_hidden=8, n_layers=2,
                         dp_ratio=0.2, birnn=True, d_out=3, fix_emb=True)
config.n_cells = config.n_layers * (2 if config.birnn else 1)
model = SNLIClassifier(config)
print(model)
print("Linear MRO:", [c.__name__ for c in Linear.__mro__][:4])
vectors = torch.randn(len(vocab), config.d_embed) * 0.5
model.embed.weight.data.copy_(vectors)
print("embedding copied:", torch.equal(model.embed.weight, vectors), model.embed.weight.requires_grad)
criterion = nn.CrossEntropyLoss()
opt = O.Adam(model.parameters(), lr=0.01)
batches = [pairs[:5], pairs[5:]]
iterations = 0
for epoch in range(6):
    n_correct, n_total = 0, 0
    for chunk in batches:
        batch = SimpleNamespace(premise=numericalize([p for p, _, _ in chunk]),
                                hypothesis=numericalize([h for _, h, _ in chunk]),
                                label=torch.tensor([label for _, _, label in chunk]))
        model.train()
        opt.zero_grad()
        iterations += 1
        answer = model(batch)
        n_correct += (torch.max(answer, 1)[1].view(batch.label.size()) == batch.label).sum().item()
        n_total += batch.label.size()[0]
        train_acc = 100. * n_correct / n_total
        loss = criterion(answer, batch.label)
        loss.backward()
        opt.step()
    print(f"epoch {epoch} iterations {iterations} loss {loss.item():.4f} train acc {train_acc:.1f}")
print("frozen embeddings got no gradient:", model.embed.weight.grad is None)
print("projection grad:", model.projection.weight.grad.shape, round(model.projection.weight.grad.abs().sum().item(), 4))

buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
loaded = SNLIClassifier(config)
print(loaded.load_state_dict(torch.load(buffer)))
model.eval()
loaded.eval()
dev = SimpleNamespace(premise=numericalize(["a man plays a guitar"]), hypothesis=numericalize(["a man plays music"]))
with torch.no_grad():
    print(type(loaded).__name__, type(loaded.projection).__name__)
    print(model(dev), loaded(dev))
    print(torch.softmax(loaded(dev), dim=1).argmax(dim=1))
