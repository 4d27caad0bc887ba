import tinygrad_rnn as torch
nn = torch.nn; optim = torch.optim
torch.manual_seed(1)
START, STOP = "<START>", "<STOP>"


def argmax(vec):
    _, idx = torch.max(vec, 1)
    return idx.item()


def log_sum_exp(vec):
    best = vec[0, argmax(vec)]
    broadcast = best.view(1, -1).expand(1, vec.size()[1])
    return best + torch.log(torch.sum(torch.exp(vec - broadcast)))


class BiLSTMCRF(nn.Module):
    def __init__(self, vocab_size, tag_to_ix, embedding_dim, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.tag_to_ix = tag_to_ix
        self.tagset_size = len(tag_to_ix)
        self.embed = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim // 2, num_layers=1, bidirectional=True)
        self.to_tags = nn.Linear(hidden_dim, self.tagset_size)
        # transitions[i, j]: score of moving from tag j to tag i
        self.transitions = nn.Parameter(torch.randn(self.tagset_size, self.tagset_size))
        self.transitions.data[tag_to_ix[START], :] = -10000
        self.transitions.data[:, tag_to_ix[STOP]] = -10000
        self.hidden = self.init_hidden()

    def init_hidden(self):
        return (torch.randn(2, 1, self.hidden_dim // 2), torch.randn(2, 1, self.hidden_dim // 2))

    def partition(self, feats):
        alphas = torch.full((1, self.tagset_size), -10000.)
        alphas[0][self.tag_to_ix[START]] = 0.
        forward_var = alphas
        for feat in feats:
            step = []
            for nxt in range(self.tagset_size):
                emit = feat[nxt].view(1, -1).expand(1, self.tagset_size)
                trans = self.transitions[nxt].view(1, -1)
                step.append(log_sum_exp(forward_var + trans + emit).view(1))
            forward_var = torch.cat(step).view(1, -1)
        terminal = forward_var + self.transitions[self.tag_to_ix[STOP]]
        return log_sum_exp(terminal)

    def lstm_features(self, sentence):
        self.hidden = self.init_hidden()
        embeds = self.embed(sentence).view(len(sentence), 1, -1)
        out, self.hidden = self.lstm(embeds, self.hidden)
        return self.to_tags(out.view(len(sentence), self.hidden_dim))

    def gold_score(self, feats, tags):
        score = torch.zeros(1)
        tags = torch.cat([torch.tensor([self.tag_to_ix[START]], dtype=torch.long), tags])
        for i, feat in enumerate(feats):
            score = score + self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
        return score + self.transitions[self.tag_to_ix[STOP], tags[-1]]

    def viterbi(self, feats):
        backpointers = []
        init = torch.full((1, self.tagset_size), -10000.)
        init[0][self.tag_to_ix[START]] = 0
        forward_var = init
        for feat in feats:
            ptrs, scores = [], []
            for nxt in range(self.tagset_size):
                nxt_var = forward_var + self.transitions[nxt]
                best = argmax(nxt_var)
                ptrs.append(best)
                scores.append(nxt_var[0][best].view(1))
            forward_var = (torch.cat(scores) + feat).view(1, -1)
            backpointers.append(ptrs)
        terminal = forward_var + self.transitions[self.tag_to_ix[STOP]]
        best = argmax(terminal)
        path_score = terminal[0][best]
        path = [best]
        for ptrs in reversed(backpointers):
            best = ptrs[best]
            path.append(best)
        assert path.pop() == self.tag_to_ix[START]
        path.reverse()
        return path_score, path

    def neg_log_likelihood(self, sentence, tags):
        feats = self.lstm_features(sentence)
        return self.partition(feats) - self.gold_score(feats, tags)

    def forward(self, sentence):
        return self.viterbi(self.lstm_features(sentence))


training_data = [("the wall street journal reported today that apple corporation made money".split(),
                  "B I I I O O O B I O O".split()),
                 ("georgia tech is a university in georgia".split(), "B I O O O O B".split())]
word_to_ix = {}
for sentence, tags in training_data:
    for word in sentence:
        word_to_ix.setdefault(word, len(word_to_ix))
tag_to_ix = {"B": 0, "I": 1, "O": 2, START: 3, STOP: 4}


def prepare(seq, to_ix):
    return torch.tensor([to_ix[w] for w in seq], dtype=torch.long)


model = BiLSTMCRF(len(word_to_ix), tag_to_ix, 5, 4)
optimizer = optim.SGD(model.parameters(), lr=0.01, weight_decay=1e-4)
with torch.no_grad():
    score, path = model(prepare(training_data[0][0], word_to_ix))
    print(round(score.item(), 3), path)
for epoch in range(12):  # the tutorial's 300 epochs, shrunk for the test suite's time
    total = 0.0
    for sentence, tags in training_data:
        model.zero_grad()
        loss = model.neg_log_likelihood(prepare(sentence, word_to_ix), torch.tensor([tag_to_ix[t] for t in tags],
                                                                                      dtype=torch.long))
        loss.backward()
        optimizer.step()
        total += loss.item()
    if epoch % 4 == 0:
        print(epoch, round(total, 3))
with torch.no_grad():
    score, path = model(prepare(training_data[0][0], word_to_ix))
    print(round(score.item(), 3), path)
    print(model.transitions.grad.abs().sum() > 0, model.lstm.weight_hh_l0_reverse.grad.shape)
print(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_parameters()])
