import tinygrad_rnn as torch
# CMU 11-785 HW4P1 style: a word-level LSTM language model with the AWD-LSTM regularisers the
# handout points to (embedding dropout built from .data.new().resize_().bernoulli_(), LockedDropout
# with one mask per sequence, DropConnect on weight_hh through a raw Parameter, weight tying), trained
# with truncated BPTT of random length, hidden states detached between batches, and generation.
import numpy as np

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(11785)
np.random.seed(11785)

text = ("the cat sat on the mat . the dog sat on the log . a cat and a dog met on the mat . "
        "the log was by the mat and the cat sat by the dog .").split()
vocab = sorted(set(text))
word_to_id = {w: i for i, w in enumerate(vocab)}
ids = np.array([word_to_id[w] for w in text])
print(len(text), len(vocab), ids[:10])


def batchify(data, batch_size):
    n_batch = len(data) // batch_size
    return torch.tensor(data[:n_batch * batch_size]).view(batch_size, -1).t().contiguous()


train_data = batchify(ids, 4)
print(train_data.shape, train_data.dtype, train_data[:3])


def embedded_dropout(embed, words, dropout=0.1, scale=None):
    if dropout:
        mask = embed.weight.data.new().resize_((embed.weight.size(0), 1)).bernoulli_(1 - dropout).expand_as(
            embed.weight) / (1 - dropout)
        masked_embed_weight = mask * embed.weight
    else:
        masked_embed_weight = embed.weight
    if scale:
        masked_embed_weight = scale.expand_as(masked_embed_weight) * masked_embed_weight
    padding_idx = embed.padding_idx if embed.padding_idx is not None else -1
    return F.embedding(words, masked_embed_weight, padding_idx, embed.max_norm, embed.norm_type,
                       embed.scale_grad_by_freq, embed.sparse)


class LockedDropout(nn.Module):
    """One dropout mask per sequence, shared by every time step (x is (T, B, H))."""

    def forward(self, x, dropout=0.5):
        if not self.training or not dropout:
            return x
        m = x.data.new(1, x.size(1), x.size(2)).bernoulli_(1 - dropout)
        mask = torch.autograd.Variable(m, requires_grad=False) / (1 - dropout)
        mask = mask.expand_as(x)
        return mask * x


class WeightDrop(nn.Module):
    """DropConnect on the named weights of a wrapped RNN: the real weight lives as `<name>_raw`, and a
    dropped-out copy is set as the RNN's attribute before each forward."""

    def __init__(self, module, weights, dropout=0.0):
        super().__init__()
        self.module, self.weights, self.dropout = module, weights, dropout
        for name_w in self.weights:
            w = getattr(self.module, name_w)
            del self.module._parameters[name_w]
            self.module.register_parameter(name_w + "_raw", nn.Parameter(w.data))

    def _setweights(self):
        for name_w in self.weights:
            raw_w = getattr(self.module, name_w + "_raw")
            w = F.dropout(raw_w, p=self.dropout, training=self.training)
            setattr(self.module, name_w, w)

    def forward(self, *args):
        self._setweights()
        return self.module.forward(*args)


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.3, dropouth=0.2, dropouti=0.2, dropoute=0.1, wdrop=0.3):
        super().__init__()
        self.lockdrop = LockedDropout()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnns = nn.ModuleList([WeightDrop(nn.LSTM(ninp if l == 0 else nhid, nhid if l != nlayers - 1 else ninp, 1),
                                              ["weight_hh_l0"], dropout=wdrop) for l in range(nlayers)])
        self.decoder = nn.Linear(ninp, ntoken)
        self.decoder.weight = self.encoder.weight  # weight tying
        self.init_weights()
        self.ninp, self.nhid, self.nlayers = ninp, nhid, nlayers
        self.dropout, self.dropouti, self.dropouth, self.dropoute = dropout, dropouti, dropouth, dropoute

    def init_weights(self):
        initrange = 0.1
        self.encoder.weight.data.uniform_(-initrange, initrange)
        self.decoder.bias.data.fill_(0)

    def forward(self, input, hidden):
        emb = embedded_dropout(self.encoder, input, dropout=self.dropoute if self.training else 0)
        emb = self.lockdrop(emb, self.dropouti)
        raw_output, new_hidden = emb, []
        for l, rnn in enumerate(self.rnns):
            raw_output, new_h = rnn(raw_output, hidden[l])
            new_hidden.append(new_h)
            if l != self.nlayers - 1:
                raw_output = self.lockdrop(raw_output, self.dropouth)
        output = self.lockdrop(raw_output, self.dropout)
        decoded = self.decoder(output.view(output.size(0) * output.size(1), output.size(2)))
        return decoded.view(output.size(0), output.size(1), decoded.size(1)), new_hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters()).data
        return [(weight.new(1, bsz, self.nhid if l != self.nlayers - 1 else self.ninp).zero_(),
                 weight.new(1, bsz, self.nhid if l != self.nlayers - 1 else self.ninp).zero_())
                for l in range(self.nlayers)]


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


model = RNNModel(len(vocab), 8, 12, 2)
print(model)
print([n for n, _ in model.named_parameters()])
print(sum(p.numel() for p in model.parameters()), model.decoder.weight is model.encoder.weight)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.ASGD(model.parameters(), lr=1.0, t0=0, lambd=0.0, weight_decay=1.2e-6)

bptt = 5
for epoch in range(3):
    model.train()
    hidden = model.init_hidden(4)
    i, total = 0, 0.0
    while i < train_data.size(0) - 2:
        seq_len = max(3, int(np.random.normal(bptt, 1)))
        seq_len = min(seq_len, train_data.size(0) - 1 - i)
        data, targets = train_data[i:i + seq_len], train_data[i + 1:i + 1 + seq_len].reshape(-1)
        hidden = [repackage_hidden(h) for h in hidden]
        optimizer.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output.view(-1, len(vocab)), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
        total += loss.item() * seq_len
        i += seq_len
    print(epoch, round(total / i, 6), "ppl", round(float(np.exp(total / i)), 4), seq_len, output.shape)
print(model.rnns[0].module.weight_hh_l0_raw.grad.shape, hidden[1][0].requires_grad, hidden[1][0].shape)
print(sorted(optimizer.state_dict()["state"][0]), optimizer.state_dict()["param_groups"][0]["t0"])

model.eval()
with torch.no_grad():
    hidden = model.init_hidden(1)
    word = torch.tensor([[word_to_id["the"]]])
    words = []
    for _ in range(8):
        output, hidden = model(word, hidden)
        word = output[-1].argmax(-1, keepdim=True)
        words.append(vocab[word.item()])
print(" ".join(words), word.shape, output.shape)
