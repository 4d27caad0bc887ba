import tinygrad_rnn as torch
import math
import os
import tempfile
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(1111)
corpus = ("the cat sat on the mat . the dog sat on the log . a cat and a dog met on the mat . "
          "the log was on the mat and the cat was on the log .").split()
vocab = sorted(set(corpus))
word2idx = {w: i for i, w in enumerate(vocab)}
ids = torch.tensor([word2idx[w] for w in corpus], dtype=torch.long)
print(len(vocab), ids.shape, ids[:8])
def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data
train_data = batchify(ids, 4)
print(train_data.shape, train_data.is_contiguous())
bptt = 5
def get_batch(source, i):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i + seq_len]
    target = source[i + 1:i + 1 + seq_len].reshape(-1)
    return data, target
class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.2, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers
    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)
    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden
    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)
def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)
for rnn_type, tie in (('LSTM', True), ('GRU', False)):
    torch.manual_seed(1)
    model = RNNModel(rnn_type, len(vocab), 12, 12, 2, dropout=0.2, tie_weights=tie)
    print(model)
    print(sum(p.numel() for p in model.parameters()), len(list(model.named_parameters())))
    criterion = nn.NLLLoss()
    lr = 5.0
    for epoch in range(1, 4):
        model.train()
        total_loss = 0.
        hidden = model.init_hidden(4)
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            total_loss += loss.item()
        cur_loss = total_loss / (batch + 1)
        print('| epoch {:3d} | lr {:02.2f} | loss {:5.2f} | ppl {:8.2f}'.format(epoch, lr, cur_loss, math.exp(cur_loss)))
        lr /= 2.0
    model.eval()
    with torch.no_grad():
        hidden = model.init_hidden(1)
        input = torch.randint(len(vocab), (1, 1), dtype=torch.long)
        words = []
        for i in range(8):
            output, hidden = model(input, hidden)
            word_weights = output.squeeze().div(0.8).exp()
            word_idx = torch.multinomial(word_weights, 1)[0]
            input.fill_(word_idx)
            words.append(vocab[word_idx])
        print(' '.join(words))
    path = os.path.join(tempfile.mkdtemp(), 'model.pt')
    torch.save(model.state_dict(), path)
    sd = torch.load(path)
    print(list(sd.keys())[:4], sd['decoder.bias'].dtype)
    fresh = RNNModel(rnn_type, len(vocab), 12, 12, 2, tie_weights=tie)
    print(fresh.load_state_dict(sd))
    print(all(torch.equal(a, b) for a, b in zip(fresh.parameters(), model.parameters())))
