import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
import io

# pytorch-sentiment-analysis appendices B and C, shrunk: a closer look at word embeddings (closest
# words by torch.dist and by cosine similarity, analogies, torch.topk/sort) with a tiny made-up
# "GloVe" table, then loading, freezing (weight.requires_grad = False), unfreezing and saving embeddings.
torch.manual_seed(1234)


class ToyGloVe:
    """Stands in for torchtext.vocab.GloVe: itos, stoi and a vectors tensor."""

    def __init__(self, words, dim):
        self.itos = list(words)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        base = torch.randn(len(words), dim)
        royal, male = torch.randn(dim), torch.randn(dim)  # plant two directions so the analogy works
        for w, (r, m) in {"king": (1, 1), "queen": (1, -1), "man": (0, 1), "woman": (0, -1), "prince": (1, 1),
                          "princess": (1, -1), "boy": (0, 1), "girl": (0, -1)}.items():
            base[self.stoi[w]] = base[self.stoi[w]] * 0.1 + 2 * r * royal + 2 * m * male
        self.vectors = base


words = ["the", "a", "king", "queen", "man", "woman", "prince", "princess", "boy", "girl", "film", "movie",
         "good", "bad", "great", "awful"]
glove = ToyGloVe(words, 8)
print(f'There are {len(glove.itos)} words in the vocabulary', glove.vectors.shape)
print(glove.itos[:5], glove.stoi['king'])


def get_vector(embeddings, word):
    assert word in embeddings.stoi, f'*{word}* is not in the vocab!'
    return embeddings.vectors[embeddings.stoi[word]]


print(get_vector(glove, 'the').shape, get_vector(glove, 'king')[:3])


def closest_words(embeddings, vector, n=10):
    distances = [(word, torch.dist(vector, get_vector(embeddings, word)).item()) for word in embeddings.itos]
    return sorted(distances, key=lambda w: w[1])[:n]


def print_tuples(tuples):
    for w, d in tuples:
        print(f'({d:02.04f}) {w}')


print_tuples(closest_words(glove, get_vector(glove, 'king'), 4))


def analogy(embeddings, word1, word2, word3, n=5):
    candidate_words = closest_words(embeddings, get_vector(embeddings, word2) - get_vector(embeddings, word1) +
                                    get_vector(embeddings, word3), n + 3)
    candidate_words = [(word, dist) for (word, dist) in candidate_words if word not in [word1, word2, word3]][:n]
    print(f'{word1} is to {word2} as {word3} is to...')
    return candidate_words


print_tuples(analogy(glove, 'man', 'king', 'woman'))
print_tuples(analogy(glove, 'boy', 'prince', 'girl', 3))

# cosine similarity of one word against the whole table, and the top matches
vector = get_vector(glove, 'queen')
similarities = F.cosine_similarity(vector.unsqueeze(0), glove.vectors, dim=1)
print(similarities.shape, similarities[glove.stoi['queen']])
values, indices = torch.topk(similarities, 4)
print([(glove.itos[i], round(v, 4)) for v, i in zip(values.tolist(), indices.tolist())])
sorted_sims, order = torch.sort(similarities, descending=True)
print(order[:4], sorted_sims[-2:])
norms = glove.vectors.norm(dim=1, keepdim=True)
normalized = glove.vectors / norms
print(torch.mm(normalized, normalized.t()).diag().sum(), torch.norm(glove.vectors[0], p=2))
print(torch.dist(glove.vectors[0], glove.vectors[1], p=1), torch.cdist(glove.vectors[:2], glove.vectors[2:4]))

# appendix C: load the vectors into a model, freeze them, unfreeze them later, save them
sentences = [("a good film", 1.), ("a great movie", 1.), ("a bad film", 0.), ("an awful movie", 0.)]
vocab = ['<unk>', '<pad>'] + sorted({w for s, _ in sentences for w in s.split()})
stoi = {w: i for i, w in enumerate(vocab)}
UNK_IDX, PAD_IDX = stoi['<unk>'], stoi['<pad>']
text = torch.tensor([[stoi[w] for w in s.split()] for s, _ in sentences]).t()
label = torch.tensor([l for _, l in sentences])
pretrained = torch.zeros(len(vocab), 8)
for w, i in stoi.items():
    if w in glove.stoi:
        pretrained[i] = get_vector(glove, w)
print(f'{(pretrained.abs().sum(1) == 0).sum().item()} words have no vector')


class NBoW(nn.Module):
    def __init__(self, vocab_size, embedding_dim, output_dim, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc = nn.Linear(embedding_dim, output_dim)

    def forward(self, text):
        embedded = self.embedding(text).permute(1, 0, 2)
        return self.fc(embedded.mean(1))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


model = NBoW(len(vocab), 8, 1, PAD_IDX)
model.embedding.weight.data.copy_(pretrained)
model.embedding.weight.data[UNK_IDX] = torch.zeros(8)
model.embedding.weight.data[PAD_IDX] = torch.zeros(8)
FREEZE_FOR = 2
model.embedding.weight.requires_grad = False
print(f'The model has {count_parameters(model):,} trainable parameters')
optimizer = optim.Adam(model.parameters())
criterion = nn.BCEWithLogitsLoss()
before = model.embedding.weight.clone()
for epoch in range(4):
    optimizer.zero_grad()
    predictions = model(text).squeeze(1)
    loss = criterion(predictions, label)
    loss.backward()
    optimizer.step()
    frozen = not model.embedding.weight.requires_grad
    print(f'Epoch: {epoch+1:02} | Loss: {loss.item():.3f} | Frozen? {frozen} | '
          f'grad: {model.embedding.weight.grad is not None} | moved: {not torch.equal(before, model.embedding.weight)}')
    if epoch + 1 >= FREEZE_FOR:
        model.embedding.weight.requires_grad = True
print(f'The model has {count_parameters(model):,} trainable parameters', model.embedding.weight.grad[stoi['good']][:3])
embedding_weights = model.embedding.weight.data
buffer = io.BytesIO()
torch.save(embedding_weights, buffer)
buffer.seek(0)
loaded = torch.load(buffer)
print(type(loaded).__name__, loaded.requires_grad, torch.equal(loaded, embedding_weights), loaded.shape)
embedding = nn.Embedding.from_pretrained(loaded, freeze=True, padding_idx=PAD_IDX)
print(embedding, embedding.weight.requires_grad, embedding(torch.tensor([stoi['good'], PAD_IDX])).sum(1))
lines = io.StringIO()  # the appendix writes "word v1 v2 ..." lines to a file
for w, i in stoi.items():
    lines.write(w + ' ' + ' '.join(f'{v:.5f}' for v in embedding_weights[i].tolist()) + '\n')
print(lines.getvalue().splitlines()[2][:40])
