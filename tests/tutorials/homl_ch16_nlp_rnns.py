import tinygrad_rnn as torch
import io
nn = torch.nn
F = torch.nn.functional
rnn_utils = torch.nn.utils.rnn
# Géron, "Hands-On Machine Learning" (PyTorch edition), chapter on NLP with RNNs: a char-RNN on a
# Shakespeare-like text (a stateful variant that carries the hidden state across batches with detach),
# text generation at several temperatures with torch.multinomial; sentiment analysis over variable-length
# reviews batched by a collate_fn (pad_sequence), packed with enforce_sorted=False and a bidirectional GRU;
# pretrained embeddings through nn.Embedding.from_pretrained; an encoder-decoder with beam search; the
# whole model pickled with torch.save and refused by torch.load's weights_only default.
torch.manual_seed(42)
shakespeare_text = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
                    "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n")
vocab = sorted(set(shakespeare_text.lower()))
char_to_id = {char: index for index, char in enumerate(vocab)}
id_to_char = {index: char for index, char in enumerate(vocab)}
print(len(vocab), "".join(vocab).encode())
def encode_text(text):
    return torch.tensor([char_to_id[char] for char in text.lower()])
def decode_text(char_ids):
    return "".join([id_to_char[char_id.item()] for char_id in char_ids])
encoded = encode_text("Hear me, all?")
print(encoded, decode_text(encoded))
class CharDataset(torch.utils.data.Dataset):
    def __init__(self, text, window_length):
        self.encoded_text = encode_text(text)
        self.window_length = window_length
    def __len__(self):
        return len(self.encoded_text) - self.window_length
    def __getitem__(self, idx):
        if idx >= len(self):
            raise IndexError("dataset index out of range")
        end = idx + self.window_length
        window = self.encoded_text[idx:end]
        target = self.encoded_text[idx + 1:end + 1]
        return window, target
window_length = 20
dataset = CharDataset(shakespeare_text, window_length)
train_set, valid_set = torch.utils.data.random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(42))
print(len(dataset), len(train_set), len(valid_set), train_set.indices[:5])
train_loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True,
                                           generator=torch.Generator().manual_seed(42))
class ShakespeareModel(nn.Module):
    def __init__(self, vocab_size, n_layers=2, embed_dim=10, hidden_dim=32, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim, hidden_dim, num_layers=n_layers, batch_first=True, dropout=dropout)
        self.output = nn.Linear(hidden_dim, vocab_size)
    def forward(self, X):
        embeddings = self.embed(X)
        outputs, _states = self.gru(embeddings)
        return self.output(outputs).permute(0, 2, 1)
model = ShakespeareModel(len(vocab))
print(model)
optimizer = torch.optim.NAdam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(3):
    model.train()
    total = 0.0
    for X_batch, y_batch in train_loader:
        y_pred = model(X_batch)
        loss = loss_fn(y_pred, y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item()
    print(f"epoch {epoch + 1}: train loss {total / len(train_loader):.4f}")
model.eval()
def next_char(model, text, temperature=1):
    encoded_text = encode_text(text)
    with torch.no_grad():
        Y_logits = model(encoded_text.unsqueeze(dim=0))
        Y_probas = F.softmax(Y_logits[0, :, -1] / temperature, dim=-1)
        predicted_char_id = torch.multinomial(Y_probas, num_samples=1).item()
    return id_to_char[predicted_char_id]
def extend_text(model, text, n_chars=30, temperature=1):
    for _ in range(n_chars):
        text += next_char(model, text, temperature)
    return text
torch.manual_seed(42)
for temperature in (0.01, 1, 100):
    print(repr(extend_text(model, "speak", temperature=temperature)))
# stateful: consecutive windows, hidden state carried (and detached) from batch to batch
class StatefulModel(ShakespeareModel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hidden_states = None
    def forward(self, X):
        embeddings = self.embed(X)
        outputs, hidden_states = self.gru(embeddings, self.hidden_states)
        self.hidden_states = hidden_states.detach()
        return self.output(outputs).permute(0, 2, 1)
torch.manual_seed(42)
stateful = StatefulModel(len(vocab), n_layers=1)
ids = encode_text(shakespeare_text)
n_batches = 3
stream = ids[: (len(ids) - 1) // n_batches * n_batches + 1]
inputs = stream[:-1].view(n_batches, -1)
targets = stream[1:].view(n_batches, -1)
print(inputs.shape, stateful.hidden_states)
optimizer = torch.optim.Adam(stateful.parameters(), lr=1e-2)
for epoch in range(2):
    stateful.hidden_states = None
    for start in range(0, inputs.shape[1], 25):
        y_pred = stateful(inputs[:, start:start + 25])
        loss = loss_fn(y_pred, targets[:, start:start + 25])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"stateful epoch {epoch}: loss {loss.item():.4f}, state {tuple(stateful.hidden_states.shape)} "
          f"requires_grad={stateful.hidden_states.requires_grad}")
# sentiment analysis with packed sequences
reviews = [("this movie was great and fun", 1), ("terrible plot and bad acting", 0), ("great fun", 1),
           ("i loved it , a great great movie", 1), ("bad", 0), ("boring , long and terrible", 0),
           ("fun acting and a loved plot", 1), ("it was bad , so bad", 0)]
words = sorted({w for text, _ in reviews for w in text.split()})
word_to_id = {"<pad>": 0, "<unk>": 1, **{w: i + 2 for i, w in enumerate(words)}}
def collate_fn(batch):
    seqs = [torch.tensor([word_to_id.get(w, 1) for w in text.split()]) for text, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = rnn_utils.pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths, torch.tensor([label for _, label in batch], dtype=torch.float32)
loader = torch.utils.data.DataLoader(reviews, batch_size=4, shuffle=True, collate_fn=collate_fn,
                                     generator=torch.Generator().manual_seed(0))
padded, lengths, y = next(iter(loader))
print(padded, lengths, y)
packed = rnn_utils.pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)
class SentimentAnalysisModel(nn.Module):
    def __init__(self, vocab_size, n_layers=1, embed_dim=8, hidden_dim=16, pretrained=None):
        super().__init__()
        if pretrained is None:
            self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        else:
            self.embed = nn.Embedding.from_pretrained(pretrained, freeze=True, padding_idx=0)
        self.gru = nn.GRU(embed_dim, hidden_dim, num_layers=n_layers, batch_first=True, bidirectional=True)
        self.output = nn.Linear(2 * hidden_dim, 1)
    def forward(self, X, lengths):
        embeddings = self.embed(X)
        packed = rnn_utils.pack_padded_sequence(embeddings, lengths, batch_first=True, enforce_sorted=False)
        _outputs, hidden_states = self.gru(packed)
        n_dims = self.output.in_features
        top_states = hidden_states[-2:].permute(1, 0, 2).reshape(-1, n_dims)
        return self.output(top_states).squeeze(-1)
torch.manual_seed(42)
sentiment = SentimentAnalysisModel(len(word_to_id))
optimizer = torch.optim.Adam(sentiment.parameters(), lr=2e-2)
bce = nn.BCEWithLogitsLoss()
for epoch in range(4):
    for padded, lengths, y in loader:
        loss = bce(sentiment(padded, lengths), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"sentiment epoch {epoch}: loss {loss.item():.4f}")
with torch.no_grad():
    padded, lengths, y = collate_fn(reviews)
    out, _ = sentiment.gru(rnn_utils.pack_padded_sequence(sentiment.embed(padded), lengths, batch_first=True,
                                                          enforce_sorted=False))
    unpacked, out_lengths = rnn_utils.pad_packed_sequence(out, batch_first=True, total_length=10)
    print(unpacked.shape, out_lengths, unpacked[4, 1:, 0])
    print((torch.sigmoid(sentiment(padded, lengths)) > 0.5).long(), y.long())
pretrained = torch.randn(len(word_to_id), 8)
frozen = SentimentAnalysisModel(len(word_to_id), pretrained=pretrained)
print(frozen.embed, frozen.embed.weight.requires_grad, frozen.embed.padding_idx)
print(sum(p.numel() for p in frozen.parameters() if p.requires_grad))
print(torch.equal(frozen.embed(torch.tensor([3])), pretrained[3:4]))
# encoder-decoder with beam search over a toy "translation" (reverse the words)
src_words = ["<pad>", "<sos>", "<eos>", "a", "b", "c", "d"]
def make_pair(seq):
    return [1] + seq + [2], [1] + seq[::-1] + [2]
pairs = [make_pair([3 + (i * 7 + j * 3) % 4 for j in range(3)]) for i in range(8)]
src = torch.tensor([p[0] for p in pairs])
tgt = torch.tensor([p[1] for p in pairs])
class EncoderDecoder(nn.Module):
    def __init__(self, vocab_size, embed_dim=8, hidden_dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.encoder = nn.GRU(embed_dim, hidden_dim, batch_first=True)
        self.decoder = nn.GRU(embed_dim, hidden_dim, batch_first=True)
        self.output = nn.Linear(hidden_dim, vocab_size)
    def forward(self, src, tgt_in, state=None):
        if state is None:
            _, state = self.encoder(self.embed(src))
        out, state = self.decoder(self.embed(tgt_in), state)
        return self.output(out), state
torch.manual_seed(0)
nmt = EncoderDecoder(len(src_words))
optimizer = torch.optim.Adam(nmt.parameters(), lr=2e-2)
for step in range(24):
    logits, _ = nmt(src, tgt[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, len(src_words)), tgt[:, 1:].reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 8 == 0:
        print(f"nmt step {step}: loss {loss.item():.4f}")
def beam_search(model, src_ids, beam_width=3, max_len=6):
    with torch.no_grad():
        _, state = model.encoder(model.embed(src_ids.unsqueeze(0)))
        beams = [(0.0, [1], state)]
        for _ in range(max_len):
            candidates = []
            for score, seq, st in beams:
                if seq[-1] == 2:
                    candidates.append((score, seq, st))
                    continue
                logits, new_state = model(None, torch.tensor([[seq[-1]]]), st)
                log_probs = F.log_softmax(logits[0, -1], dim=-1)
                top = torch.topk(log_probs, beam_width)
                for lp, idx in zip(top.values.tolist(), top.indices.tolist()):
                    candidates.append((score + lp, seq + [idx], new_state))
            beams = sorted(candidates, key=lambda c: c[0], reverse=True)[:beam_width]
        return [(round(score, 3), " ".join(src_words[i] for i in seq)) for score, seq, _ in beams]
print(" ".join(src_words[i] for i in src[0].tolist()))
for result in beam_search(nmt, src[0]):
    print(result)
buffer = io.BytesIO()
head = nn.Sequential(nmt.embed, nmt.output)
torch.save(head, buffer)
buffer.seek(0)
try:
    torch.load(buffer)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0][:60])
buffer.seek(0)
whole = torch.load(buffer, weights_only=False)
print(whole, torch.equal(whole[1].weight, nmt.output.weight), whole[1].weight.requires_grad)
