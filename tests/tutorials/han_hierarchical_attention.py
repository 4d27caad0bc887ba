import tinygrad_rnn as torch

# Hierarchical Attention Networks for document classification (Yang et al. 2016), in the shape of the
# common PyTorch ports (sgrvinod's a-PyTorch-Tutorial-to-Text-Classification HAN, EdGENetworks' HAN):
# documents padded to (docs, sentences, words), a word-level bidirectional GRU over the packed
# sentences (pack_padded_sequence with enforce_sorted=False, pad_packed_sequence), word attention with a
# context vector and a masked softmax, a sentence-level GRU over the packed sentence vectors with its
# own attention, then a linear classifier. Trained a few steps with CrossEntropyLoss and Adam.
nn = torch.nn
F = torch.nn.functional
pack_padded_sequence = torch.nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = torch.nn.utils.rnn.pad_packed_sequence
pad_sequence = torch.nn.utils.rnn.pad_sequence
torch.manual_seed(2016)

corpus = [
    ("the food was great . the staff were kind . we will return", 1),
    ("cold food . rude waiter", 0),
    ("great view . great wine . kind staff . we loved it", 1),
    ("the room was dirty and the staff were rude", 0),
]
words = sorted({w for doc, _ in corpus for w in doc.split() if w != '.'})
vocab = {'<pad>': 0, '<unk>': 1, **{w: i + 2 for i, w in enumerate(words)}}
print('vocab size', len(vocab))


def encode(doc):
    sentences = [s.split() for s in doc.split(' . ')]
    return [torch.tensor([vocab.get(w, 1) for w in s]) for s in sentences]


docs = [encode(d) for d, _ in corpus]
labels = torch.tensor([y for _, y in corpus])
max_sents = max(len(d) for d in docs)
max_words = max(len(s) for d in docs for s in d)
sents_per_doc = torch.tensor([len(d) for d in docs])
words_per_sent = torch.zeros(len(docs), max_sents, dtype=torch.long)
batch = torch.zeros(len(docs), max_sents, max_words, dtype=torch.long)
for i, d in enumerate(docs):
    padded = pad_sequence(d, batch_first=True)
    batch[i, :len(d), :padded.size(1)] = padded
    words_per_sent[i, :len(d)] = torch.tensor([len(s) for s in d])
print('batch', batch.shape, batch.dtype)
print('sentences per doc', sents_per_doc)
print('words per sentence', words_per_sent)
print(batch[1])


def masked_softmax(scores, mask, dim=-1):
    scores = scores.masked_fill(~mask, float('-inf'))
    return torch.softmax(scores, dim=dim)


class AttentionGRU(nn.Module):
    """A bidirectional GRU over packed sequences, then attention pooling with a learned context vector."""

    def __init__(self, input_size, hidden_size, attention_size):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.attention = nn.Linear(2 * hidden_size, attention_size)
        self.context = nn.Linear(attention_size, 1, bias=False)

    def forward(self, seqs, lengths):
        packed = pack_padded_sequence(seqs, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, h_n = self.gru(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=seqs.size(1))
        u = torch.tanh(self.attention(out))
        scores = self.context(u).squeeze(2)
        mask = torch.arange(seqs.size(1)).unsqueeze(0) < out_lengths.unsqueeze(1)
        alphas = masked_softmax(scores, mask)
        pooled = (out * alphas.unsqueeze(2)).sum(dim=1)
        return pooled, alphas, h_n


class HAN(nn.Module):
    def __init__(self, n_vocab, emb_size, word_hidden, sent_hidden, att_size, n_classes, dropout=0.2):
        super().__init__()
        self.embeddings = nn.Embedding(n_vocab, emb_size, padding_idx=0)
        self.word_attention = AttentionGRU(emb_size, word_hidden, att_size)
        self.sentence_attention = AttentionGRU(2 * word_hidden, sent_hidden, att_size)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * sent_hidden, n_classes)

    def forward(self, documents, sentences_per_document, words_per_sentence):
        # keep the real sentences only: flatten (docs, sents) and pick the non-empty ones
        sent_mask = words_per_sentence > 0
        flat_sentences = documents[sent_mask]
        flat_lengths = words_per_sentence[sent_mask]
        emb = self.dropout(self.embeddings(flat_sentences))
        sent_vecs, word_alphas, _ = self.word_attention(emb, flat_lengths)
        # scatter the sentence vectors back into a padded (docs, sents, 2*hidden) tensor
        padded = sent_vecs.new_zeros(documents.size(0), documents.size(1), sent_vecs.size(1))
        padded = padded.masked_scatter(sent_mask.unsqueeze(2), sent_vecs)
        doc_vecs, sent_alphas, _ = self.sentence_attention(self.dropout(padded), sentences_per_document)
        return self.fc(self.dropout(doc_vecs)), word_alphas, sent_alphas


model = HAN(len(vocab), emb_size=8, word_hidden=5, sent_hidden=4, att_size=6, n_classes=2)
print(model)
n_params = sum(p.numel() for p in model.parameters())
print('parameters', n_params, [n for n, _ in model.named_parameters()][:6])

model.eval()
logits, word_alphas, sent_alphas = model(batch, sents_per_doc, words_per_sent)
print('logits', logits)
print('word alphas', word_alphas.shape, word_alphas.sum(1))
print(word_alphas[:3])
print('sentence alphas', sent_alphas)
print('zero where padded', bool((sent_alphas[1, 2:] == 0).all()), sent_alphas.grad_fn.name())

# one packed pass shown in detail
emb = model.embeddings(batch[:, 0])
lengths = words_per_sent[:, 0]
packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
print('packed', packed.data.shape, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
out, h_n = model.word_attention.gru(packed)
print('h_n', h_n.shape, type(out).__name__)
unpacked, lens = pad_packed_sequence(out, batch_first=True)
print('unpacked', unpacked.shape, lens, unpacked[1, 2:].abs().sum().item())

model.train()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
for step in range(5):
    optimizer.zero_grad()
    logits, _, _ = model(batch, sents_per_doc, words_per_sent)
    loss = criterion(logits, labels)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    optimizer.step()
    acc = (logits.argmax(1) == labels).sum().item() / len(labels)
    print(f'step {step} loss {loss.item():.5f} acc {acc:.2f}')

print('embedding pad grad', model.embeddings.weight.grad[0].abs().sum().item())
print('context grad', model.word_attention.context.weight.grad)
model.eval()
with torch.no_grad():
    logits, word_alphas, sent_alphas = model(batch, sents_per_doc, words_per_sent)
print('probs', F.softmax(logits, dim=1))
print('pred', logits.argmax(dim=1), 'labels', labels)
top = word_alphas.topk(2, dim=1)
print('top word weights', top.values, top.indices)
print('sentence alphas', sent_alphas.round(decimals=3))
