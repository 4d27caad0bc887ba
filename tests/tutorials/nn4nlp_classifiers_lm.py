import tinygrad_rnn as torch
Variable = torch.autograd.Variable
nn = torch.nn
import random
import time
from collections import defaultdict
import numpy as np

# Graham Neubig's CMU "Neural Networks for NLP" PyTorch examples, shrunk: bag-of-words, CBOW and
# deep CBOW sentiment classifiers with torch.sum, the CNN classifier (Conv1d over the embeddings, max
# over time), a BiLSTM tagger, and an LSTM language model trained on minibatches sorted by length,
# then sampled from.
torch.manual_seed(1)
random.seed(1)

w2i = defaultdict(lambda: len(w2i))
t2i = defaultdict(lambda: len(t2i))
UNK = w2i["<unk>"]
raw = ["3 ||| a gripping , moving film", "0 ||| a dull , lifeless mess", "4 ||| the best film of the year",
       "1 ||| too long and too dull", "3 ||| moving and funny", "0 ||| the worst", "2 ||| it is a film",
       "4 ||| gripping , funny and moving", "1 ||| lifeless and long", "2 ||| of the year"]


def read_dataset(lines):
    for line in lines:
        tag, words = line.lower().strip().split(" ||| ")
        yield ([w2i[x] for x in words.split(" ")], t2i[tag])


train = list(read_dataset(raw))
w2i = defaultdict(lambda: UNK, w2i)
dev = list(read_dataset(["3 ||| a moving film", "0 ||| dull and lifeless", "4 ||| unseen words here"]))
nwords = len(w2i)
ntags = len(t2i)
print("nwords", nwords, "ntags", ntags, "dev", dev)

type = torch.FloatTensor
use_cuda = torch.cuda.is_available()
if use_cuda:
    type = torch.cuda.FloatTensor


class BoW(torch.nn.Module):
    def __init__(self, nwords, ntags):
        super(BoW, self).__init__()
        # the course's bias is a plain tensor, not a Parameter: the optimizer never sees it
        self.bias = Variable(torch.zeros(ntags), requires_grad=True).type(type)
        self.embedding = nn.Embedding(nwords, ntags)
        nn.init.xavier_uniform_(self.embedding.weight)

    def forward(self, words):
        emb = self.embedding(words)
        out = torch.sum(emb, dim=0) + self.bias
        out = out.view(1, -1)
        return out


class CBoW(torch.nn.Module):
    def __init__(self, nwords, ntags, emb_size):
        super(CBoW, self).__init__()
        self.embedding = nn.Embedding(nwords, emb_size)
        nn.init.xavier_uniform_(self.embedding.weight)
        self.linear = nn.Linear(emb_size, ntags)
        nn.init.xavier_uniform_(self.linear.weight)

    def forward(self, words):
        emb = self.embedding(words)
        emb_sum = torch.sum(emb, dim=0)
        emb_sum = emb_sum.view(1, -1)
        out = self.linear(emb_sum)
        return out


class DeepCBoW(torch.nn.Module):
    def __init__(self, nwords, ntags, nlayers, emb_size, hid_size):
        super(DeepCBoW, self).__init__()
        self.nlayers = nlayers
        self.embedding = nn.Embedding(nwords, emb_size)
        nn.init.xavier_uniform_(self.embedding.weight)
        self.linears = nn.ModuleList([
            nn.Linear(emb_size if i == 0 else hid_size, hid_size) for i in range(nlayers)])
        for i in range(nlayers):
            nn.init.xavier_uniform_(self.linears[i].weight)
        self.output_layer = nn.Linear(hid_size, ntags)
        nn.init.xavier_uniform_(self.output_layer.weight)

    def forward(self, words):
        emb = self.embedding(words)
        h = torch.sum(emb, dim=0)
        h = h.view(1, -1)
        for i in range(self.nlayers):
            h = torch.tanh(self.linears[i](h))
        out = self.output_layer(h)
        return out


def run_classifier(model, name, epochs=2, pad_to=0):
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for ITER in range(epochs):
        random.shuffle(train)
        train_loss = 0.0
        start = time.time()
        for words, tag in train:
            if len(words) < pad_to:
                words = words + [0] * (pad_to - len(words))
            words_tensor = torch.tensor(words).type(torch.LongTensor)
            tag_tensor = torch.tensor([tag]).type(torch.LongTensor)
            scores = model(words_tensor)
            loss = criterion(scores, tag_tensor)
            train_loss += loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        _ = time.time() - start
        print("%s iter %r: train loss/sent=%.4f" % (name, ITER, train_loss / len(train)))
        test_correct = 0.0
        for words, tag in dev:
            if len(words) < pad_to:
                words = words + [0] * (pad_to - len(words))
            words_tensor = torch.tensor(words).type(torch.LongTensor)
            scores = model(words_tensor)[0]
            predict = scores.argmax().item()
            if predict == tag:
                test_correct += 1
        print("%s iter %r: test acc=%.4f" % (name, ITER, test_correct / len(dev)))
    return scores


bow = BoW(nwords, ntags)
print(bow, "bias", bow.bias, bow.bias.requires_grad, bow.bias.is_leaf, bow.bias.dtype)
print("bow params", [p.shape for p in bow.parameters()])
scores = run_classifier(bow, "bow")
print("bow bias grad", bow.bias.grad, scores.grad_fn.name())
cbow = CBoW(nwords, ntags, 6)
run_classifier(cbow, "cbow")
deep = DeepCBoW(nwords, ntags, 2, 6, 8)
print(deep)
scores = run_classifier(deep, "deep-cbow")
print(scores)


class CNNclass(torch.nn.Module):
    def __init__(self, nwords, emb_size, num_filters, window_size, ntags):
        super(CNNclass, self).__init__()
        self.embedding = torch.nn.Embedding(nwords, emb_size)
        torch.nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
        self.conv_1d = torch.nn.Conv1d(in_channels=emb_size, out_channels=num_filters, kernel_size=window_size,
                                       stride=1, padding=0, dilation=1, groups=1, bias=True)
        self.relu = torch.nn.ReLU()
        self.projection_layer = torch.nn.Linear(in_features=num_filters, out_features=ntags, bias=True)
        torch.nn.init.xavier_uniform_(self.projection_layer.weight)

    def forward(self, words):
        emb = self.embedding(words)                 # nwords x emb_size
        emb = emb.unsqueeze(0).permute(0, 2, 1)     # 1 x emb_size x nwords
        h = self.conv_1d(emb)                       # 1 x num_filters x nwords
        h = h.max(dim=2)[0]                         # 1 x num_filters
        h = self.relu(h)
        out = self.projection_layer(h)              # size(out) = 1 x ntags
        return out


WIN_SIZE = 3
cnn = CNNclass(nwords, 6, 5, WIN_SIZE, ntags)
print(cnn)
probe = torch.tensor([1, 2, 3, 4]).type(torch.LongTensor)
emb = cnn.embedding(probe).unsqueeze(0).permute(0, 2, 1)
print("emb", emb.shape, emb.is_contiguous(), emb.stride())
h = cnn.conv_1d(emb)
print("conv", h.shape, h.grad_fn.name())
mx = h.max(dim=2)
print("max", mx[0].shape, mx[1], mx[0].grad_fn.name())
scores = run_classifier(cnn, "cnn", pad_to=WIN_SIZE)
print(scores, scores.grad_fn)
print("conv grad norm", cnn.conv_1d.weight.grad.norm(), cnn.conv_1d.bias.grad)

# BiLSTM tagger: words -> embeddings -> bidirectional LSTM -> per-word tag scores
tagged = [("the film is gripping", "DET NOUN VERB ADJ"), ("a dull mess", "DET ADJ NOUN"),
          ("it is funny", "PRON VERB ADJ"), ("the worst film", "DET ADJ NOUN")]
tag_vocab = defaultdict(lambda: len(tag_vocab))
tagged = [([w2i[w] for w in s.split()], [tag_vocab[t] for t in ts.split()]) for s, ts in tagged]


class BiLSTMTagger(nn.Module):
    def __init__(self, nwords, ntags, emb_size, hid_size):
        super(BiLSTMTagger, self).__init__()
        self.embedding = nn.Embedding(nwords, emb_size)
        self.lstm = nn.LSTM(emb_size, hid_size // 2, bidirectional=True)
        self.proj = nn.Linear(hid_size, ntags)

    def forward(self, words):
        emb = self.embedding(words).view(len(words), 1, -1)
        lstm_out, (h, c) = self.lstm(emb)
        scores = self.proj(lstm_out.view(len(words), -1))
        return torch.nn.functional.log_softmax(scores, dim=1), h


tagger = BiLSTMTagger(nwords, len(tag_vocab), 6, 8)
print(tagger)
tag_opt = torch.optim.SGD(tagger.parameters(), lr=0.1)
loss_function = nn.NLLLoss()
for epoch in range(4):
    total = 0.0
    for words, tags in tagged:
        tagger.zero_grad()
        log_probs, h = tagger(torch.LongTensor(words))
        loss = loss_function(log_probs, torch.LongTensor(tags))
        loss.backward()
        tag_opt.step()
        total += loss.item()
    print("tagger epoch", epoch, "loss %.5f" % total, h.shape)
with torch.no_grad():
    log_probs, _ = tagger(torch.LongTensor(tagged[0][0]))
print(log_probs.argmax(dim=1), log_probs.exp().sum(1))

# LSTM language model with minibatches of sentences sorted by length (padding with </s>)
S = w2i["<s>"]
sents = [words for words, _ in train] + [words for words, _ in tagged]
sents.sort(key=lambda x: -len(x))
MB_SIZE = 4
train_order = [x * MB_SIZE for x in range(int((len(sents) - 1) / MB_SIZE + 1))]
nwords = len(w2i)
print("order", train_order, "lengths", [len(s) for s in sents])


class LSTMClass(nn.Module):
    def __init__(self, nwords, emb_size, hid_size, num_layers, dropout):
        super(LSTMClass, self).__init__()
        self.embedding = nn.Embedding(nwords, emb_size)
        self.lstm = nn.LSTM(input_size=emb_size, hidden_size=hid_size, num_layers=num_layers,
                            dropout=dropout, batch_first=True)
        self.projection_layer = nn.Linear(hid_size, nwords)

    def forward(self, words, seq_lengths):
        batch_size, seq_len = words.size()
        embedding = self.embedding(words)
        embedding = nn.utils.rnn.pack_padded_sequence(embedding, seq_lengths, batch_first=True)
        lstm_out, _ = self.lstm(embedding)
        lstm_out, _ = nn.utils.rnn.pad_packed_sequence(lstm_out, batch_first=True)
        logits = self.projection_layer(lstm_out.contiguous().view(batch_size * seq_len, -1))
        return logits


lm = LSTMClass(nwords, 8, 12, 2, 0.0)
print(lm)
lm_opt = torch.optim.Adam(lm.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss(reduction="sum", ignore_index=S)


def calc_lm_loss(sents):
    seq_lengths = [len(sent) + 1 for sent in sents]
    max_len = max(seq_lengths)
    inputs = [[S] + sent + [S] * (max_len - len(sent) - 1) for sent in sents]
    targets = [sent + [S] * (max_len - len(sent)) for sent in sents]
    inputs, targets = torch.LongTensor(inputs), torch.LongTensor(targets)
    logits = lm(inputs, torch.LongTensor(seq_lengths))
    return criterion(logits, targets.view(-1)), sum(seq_lengths)


for ITER in range(4):
    random.shuffle(train_order)
    train_words, train_loss = 0, 0.0
    lm.train()
    for sid in train_order:
        my_loss, mb_words = calc_lm_loss(sents[sid:sid + MB_SIZE])
        train_loss += my_loss.item()
        train_words += mb_words
        lm_opt.zero_grad()
        my_loss.backward()
        torch.nn.utils.clip_grad_norm_(lm.parameters(), 5.0)
        lm_opt.step()
    print("lm iter %r: train loss/word=%.4f, ppl=%.4f" % (ITER, train_loss / train_words,
                                                          np.exp(train_loss / train_words)))


def generate_sent(max_len=8):
    lm.eval()
    sent = [S]
    state = None
    with torch.no_grad():
        while len(sent) < max_len:
            emb = lm.embedding(torch.LongTensor([[sent[-1]]]))
            out, state = lm.lstm(emb, state)
            logits = lm.projection_layer(out.view(1, -1))
            prob = torch.nn.functional.softmax(logits, dim=1)
            next_word = prob.multinomial(1).data[0, 0].item()
            if next_word == S:
                break
            sent.append(next_word)
    return sent[1:]


i2w = {v: k for k, v in w2i.items()}
for _ in range(3):
    print("sample:", " ".join(i2w.get(x, "<unk>") for x in generate_sent()))
probs = torch.softmax(lm.projection_layer(torch.zeros(1, 12)), dim=-1)
print("argmax word", i2w[probs.argmax().item()], probs.shape, torch.multinomial(probs, 3).shape)

# inspecting trained embeddings: rows read under no_grad still say requires_grad=True (torch's views)
with torch.no_grad():
    film = cbow.embedding.weight[w2i["film"]]
    print("embedding of 'film'", film, film.is_leaf, film.grad_fn)
    sims = torch.nn.functional.cosine_similarity(cbow.embedding.weight, film.unsqueeze(0), dim=1)
    print("nearest", [i2w.get(i, "?") for i in sims.topk(3)[1].tolist()], sims.requires_grad)
