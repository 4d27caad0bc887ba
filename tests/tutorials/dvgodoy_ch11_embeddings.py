import tinygrad_rnn as torch
import numpy as np
from collections import Counter
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

# Godoy's "Deep Learning with PyTorch Step-by-Step", chapter 11, shrunk: a tiny corpus of two "books"
# tokenized by hand, a vocabulary with special tokens, one-hot vs embeddings, a CBOW model, embedding
# arithmetic with cosine similarity, pretrained (frozen) embeddings, EmbeddingBag averages, and
# classifiers over padded token ids: a bag of embeddings, an LSTM and a Transformer encoder with a
# key padding mask.
alice = ["alice was beginning to get very tired of sitting by her sister on the bank",
         "the rabbit took a watch out of its waistcoat pocket and looked at it",
         "alice started to her feet for it flashed across her mind",
         "she ran across the field after the rabbit"]
wizard = ["dorothy lived in the midst of the great kansas prairies",
          "the wind blew the house and dorothy across the prairie",
          "toto was a little black dog with long silky hair",
          "dorothy and toto walked along the yellow brick road"]
sentences = alice + wizard
labels = [0] * len(alice) + [1] * len(wizard)
tokenized = [s.split() for s in sentences]
counts = Counter(tok for sent in tokenized for tok in sent)
special = ['[PAD]', '[UNK]']
vocab = special + sorted(counts, key=lambda t: (-counts[t], t))
word2idx = {w: i for i, w in enumerate(vocab)}
print(len(vocab), vocab[:10], counts.most_common(3))


def encode(tokens, max_len=12):
    ids = [word2idx.get(t, 1) for t in tokens][:max_len]
    return ids + [0] * (max_len - len(ids))


token_ids = torch.as_tensor([encode(t) for t in tokenized])
print(token_ids.shape, token_ids[0], (token_ids != 0).sum(dim=1))

# one-hot encoding vs an embedding lookup
one_hot = F.one_hot(token_ids[0, :4], num_classes=len(vocab))
print(one_hot.shape, one_hot.dtype, one_hot.argmax(dim=1))
torch.manual_seed(42)
emb = nn.Embedding(len(vocab), 5, padding_idx=0)
print(emb, emb.weight.shape, emb.weight[0], emb.padding_idx)
print(torch.allclose(one_hot.float() @ emb.weight, emb(token_ids[0, :4])))


# a CBOW model: the mean of the context embeddings predicts the center word
def context_pairs(sentence_ids, window=2):
    pairs = []
    for i in range(window, len(sentence_ids) - window):
        context = sentence_ids[i - window:i] + sentence_ids[i + 1:i + 1 + window]
        pairs.append((context, sentence_ids[i]))
    return pairs


pairs = [p for t in tokenized for p in context_pairs([word2idx[w] for w in t])]
contexts = torch.as_tensor([c for c, _ in pairs])
targets = torch.as_tensor([t for _, t in pairs])
print(contexts.shape, targets.shape, contexts[:2], targets[:2])


class CBOW(nn.Module):
    def __init__(self, vocab_size, embedding_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.linear = nn.Linear(embedding_size, vocab_size)

    def forward(self, X):
        embeddings = self.embedding(X)
        bow = embeddings.mean(dim=1)
        logits = self.linear(bow)
        return logits


torch.manual_seed(42)
model = CBOW(vocab_size=len(vocab), embedding_size=6)
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.02)
loader = DataLoader(TensorDataset(contexts, targets), batch_size=16, shuffle=True)
for epoch in range(15):
    for xb, yb in loader:
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
print('cbow', loss, model.embedding.weight.grad)
weights = model.embedding.weight.detach()
print(weights[word2idx['alice']], weights.shape)
ratio = torch.tensor([.4, .1])
print(ratio.norm(), ratio / ratio.norm())
vec = weights[word2idx['dorothy']] - weights[word2idx['alice']] + weights[word2idx['rabbit']]
similarities = F.cosine_similarity(vec.unsqueeze(0), weights, dim=1)
print(similarities.shape, similarities.topk(3), [vocab[i] for i in similarities.topk(3).indices])
print(F.cosine_similarity(weights[2], weights[3], dim=0), nn.CosineSimilarity(dim=1, eps=1e-6)(weights[:2], weights[2:4]))

# pretrained embeddings, frozen or not
pretrained = torch.as_tensor(np.linspace(-1, 1, len(vocab) * 4).reshape(len(vocab), 4)).float()
frozen = nn.Embedding.from_pretrained(pretrained, freeze=True, padding_idx=0)
print(frozen, frozen.weight.requires_grad, frozen(token_ids[:1, :3]))
unfrozen = nn.Embedding.from_pretrained(pretrained, freeze=False)
print(unfrozen.weight.requires_grad, unfrozen.weight.data_ptr() == pretrained.data_ptr())
bag = nn.EmbeddingBag.from_pretrained(pretrained, mode='mean', padding_idx=0)
print(bag, bag(token_ids[:2]), bag(token_ids[:2]).shape)
flat = torch.cat([token_ids[0, :3], token_ids[1, :2]])
print(nn.EmbeddingBag.from_pretrained(pretrained, mode='sum')(flat, torch.tensor([0, 3])))


# classifiers over padded ids
class BagClassifier(nn.Module):
    def __init__(self, embedding, n_outputs):
        super().__init__()
        self.embed = embedding
        self.fc = nn.Linear(embedding.embedding_dim, n_outputs)

    def forward(self, X):
        mask = (X != 0).float().unsqueeze(-1)
        embeddings = self.embed(X)
        mean = (embeddings * mask).sum(dim=1) / mask.sum(dim=1)
        return self.fc(mean)


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_size, hidden_dim, n_outputs):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embedding_size, padding_idx=0)
        self.lstm = nn.LSTM(embedding_size, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, n_outputs)

    def forward(self, X):
        lengths = (X != 0).sum(dim=1)
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(X), lengths, batch_first=True, enforce_sorted=False)
        _, (hidden, cell) = self.lstm(packed)
        return self.fc(hidden[-1])


class TransfClassifier(nn.Module):
    def __init__(self, vocab_size, d_model, n_outputs):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=16, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.fc = nn.Linear(d_model, n_outputs)

    def forward(self, X):
        src = torch.cat([self.cls_token.expand(X.size(0), -1, -1), self.embed(X)], dim=1)
        pad_mask = torch.cat([torch.zeros(X.size(0), 1, dtype=torch.bool), X == 0], dim=1)
        states = self.encoder(src, src_key_padding_mask=pad_mask)
        return self.fc(states[:, 0])


y = torch.as_tensor(labels).float().view(-1, 1)
for name, make in [('bag', lambda: BagClassifier(nn.Embedding.from_pretrained(pretrained, freeze=False), 1)),
                   ('lstm', lambda: LSTMClassifier(len(vocab), 4, 3, 1)),
                   ('transformer', lambda: TransfClassifier(len(vocab), 4, 1))]:
    torch.manual_seed(13)
    clf = make()
    optimizer = optim.Adam(clf.parameters(), lr=0.05)
    loss_fn = nn.BCEWithLogitsLoss()
    for step in range(10):
        loss = loss_fn(clf(token_ids), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    clf.eval()
    with torch.no_grad():
        probs = torch.sigmoid(clf(token_ids)).view(-1)
    print(name, round(loss.item(), 4), probs.round(decimals=3), sum(p.numel() for p in clf.parameters()))
    print([n for n, _ in clf.named_parameters()][:4])

# unknown words and decoding ids back to text
new_ids = torch.as_tensor([encode("the cat looked at toto".split())])
print(new_ids, ' '.join(vocab[i] for i in new_ids[0].tolist() if i != 0))
