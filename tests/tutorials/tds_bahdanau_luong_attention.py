import tinygrad_rnn as torch
import random
nn = torch.nn
F = torch.nn.functional
pad_sequence = torch.nn.utils.rnn.pad_sequence

# A Towards-Data-Science style walk through attention-based seq2seq: a bidirectional GRU encoder,
# Bahdanau (additive) and Luong (dot / general / concat) attention, teacher forcing with random,
# greedy decoding with topk and beam search with torch.cat / index_select, on a toy "reverse the digits" task
# (16 pairs of 2 to 4 digits, one batch; the Bahdanau model trains 6 epochs, each Luong model 2).
random.seed(1)
torch.manual_seed(1)
PAD, SOS, EOS = 0, 1, 2
VOCAB = 13  # 3 specials + digits 0..9 as tokens 3..12


def make_pair():
    n = random.randint(2, 4)
    digits = [random.randint(3, 12) for _ in range(n)]
    return torch.tensor(digits + [EOS]), torch.tensor(digits[::-1] + [EOS])


pairs = [make_pair() for _ in range(16)]
src_lens = torch.tensor([len(s) for s, _ in pairs])
print("lengths:", src_lens[:8].tolist(), "max", src_lens.max().item())
left = pad_sequence([s for s, _ in pairs[:3]], batch_first=True, padding_value=PAD, padding_side="left")
right = pad_sequence([s for s, _ in pairs[:3]], batch_first=True, padding_value=PAD)
print(left)
print(right)


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hid, layers=2):
        super().__init__()
        self.layers, self.hid = layers, hid
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.rnn = nn.GRU(emb, hid, num_layers=layers, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(hid * 2, hid)

    def forward(self, src, lengths):
        embedded = self.embedding(src)
        packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        packed_out, hidden = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(packed_out, batch_first=True, total_length=src.size(1))
        # hidden is (layers * 2, batch, hid); separate layers and directions, keep the top layer
        hidden = hidden.view(self.layers, 2, src.size(0), self.hid)
        top = torch.cat((hidden[-1, 0], hidden[-1, 1]), dim=1)
        return outputs, torch.tanh(self.fc(top))


class BahdanauAttention(nn.Module):
    def __init__(self, enc_dim, dec_dim, attn_dim):
        super().__init__()
        self.W = nn.Linear(enc_dim + dec_dim, attn_dim)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, hidden, enc_out, mask):
        src_len = enc_out.shape[1]
        hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
        energy = torch.tanh(self.W(torch.cat((hidden, enc_out), dim=2)))
        scores = self.v(energy).squeeze(2)
        scores = scores.masked_fill(mask == 0, -1e10)
        return F.softmax(scores, dim=1)


class LuongAttention(nn.Module):
    def __init__(self, method, enc_dim, dec_dim):
        super().__init__()
        self.method = method
        if method == "general":
            self.Wa = nn.Linear(enc_dim, dec_dim, bias=False)
        elif method == "concat":
            self.Wa = nn.Linear(enc_dim + dec_dim, dec_dim)
            self.va = nn.Parameter(torch.rand(dec_dim))

    def forward(self, hidden, enc_out, mask):
        if self.method == "dot":
            scores = torch.bmm(enc_out, hidden.unsqueeze(2)).squeeze(2)
        elif self.method == "general":
            scores = torch.bmm(self.Wa(enc_out), hidden.unsqueeze(2)).squeeze(2)
        else:
            expanded = hidden.unsqueeze(1).expand(-1, enc_out.size(1), -1)
            energy = torch.tanh(self.Wa(torch.cat((expanded, enc_out), 2)))
            scores = torch.sum(self.va * energy, dim=2)
        scores = scores.masked_fill(~mask, float("-inf"))
        return F.softmax(scores, dim=-1)


class Decoder(nn.Module):
    def __init__(self, vocab, emb, enc_dim, hid, attention):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.attention = attention
        self.rnn = nn.GRU(emb + enc_dim, hid, batch_first=True)
        self.out = nn.Linear(hid + enc_dim + emb, vocab)

    def forward(self, token, hidden, enc_out, mask):
        embedded = self.embedding(token.unsqueeze(1))
        a = self.attention(hidden, enc_out, mask)
        context = torch.bmm(a.unsqueeze(1), enc_out)
        output, h = self.rnn(torch.cat((embedded, context), dim=2), hidden.unsqueeze(0))
        logits = self.out(torch.cat((output, context, embedded), dim=2).squeeze(1))
        return logits, h.squeeze(0), a


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, src, lengths, trg, teacher_forcing_ratio=0.5):
        batch, trg_len = trg.shape
        outputs = torch.zeros(batch, trg_len, VOCAB)
        enc_out, hidden = self.encoder(src, lengths)
        mask = src != PAD
        token = torch.full((batch,), SOS, dtype=torch.long)
        for t in range(trg_len):
            logits, hidden, _ = self.decoder(token, hidden, enc_out, mask)
            outputs[:, t] = logits
            teacher_force = random.random() < teacher_forcing_ratio
            token = trg[:, t] if teacher_force else logits.argmax(1)
        return outputs


def batches(data, size):
    for i in range(0, len(data), size):
        chunk = data[i:i + size]
        src = pad_sequence([s for s, _ in chunk], batch_first=True, padding_value=PAD)
        trg = pad_sequence([t for _, t in chunk], batch_first=True, padding_value=PAD)
        yield src, torch.tensor([len(s) for s, _ in chunk]), trg


def train(model, epochs, name):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for src, lengths, trg in batches(pairs, 16):
            optimizer.zero_grad()
            out = model(src, lengths, trg, teacher_forcing_ratio=0.75)
            loss = criterion(out.reshape(-1, VOCAB), trg.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item()
        if epoch % 2 == 1:
            print(f"{name} epoch {epoch + 1}: loss {total:.4f}")
    return model


ENC, EMB, HID = 16, 8, 16
bahdanau = Seq2Seq(Encoder(VOCAB, EMB, ENC), Decoder(VOCAB, EMB, 2 * ENC, HID, BahdanauAttention(2 * ENC, HID, 12)))
print(bahdanau.decoder.attention)
print(sum(p.numel() for p in bahdanau.parameters()))
train(bahdanau, 6, "bahdanau")
for method in ["dot", "general", "concat"]:
    torch.manual_seed(2)
    enc = Encoder(VOCAB, EMB, ENC)
    enc_dim = 2 * ENC
    model = Seq2Seq(enc, Decoder(VOCAB, EMB, enc_dim, enc_dim, LuongAttention(method, enc_dim, enc_dim)))
    # the encoder's final state feeds a decoder of the encoder's width here
    model.encoder.fc = nn.Linear(2 * ENC, enc_dim)
    train(model, 2, "luong-" + method)


@torch.no_grad()
def greedy_decode(model, src, max_len=8):
    model.eval()
    lengths = torch.tensor([src.size(0)])
    enc_out, hidden = model.encoder(src.unsqueeze(0), lengths)
    mask = torch.ones(1, src.size(0), dtype=torch.bool)
    token, result, attentions = torch.tensor([SOS]), [], []
    for _ in range(max_len):
        logits, hidden, a = model.decoder(token, hidden, enc_out, mask)
        top_val, top_idx = logits.topk(1)
        token = top_idx.squeeze(1)
        attentions.append(a)
        if token.item() == EOS:
            break
        result.append(token.item())
    return result, torch.cat(attentions, dim=0)


src, trg = pairs[0]
decoded, attn = greedy_decode(bahdanau, src)
print("source ", src.tolist())
print("target ", trg.tolist())
print("greedy ", decoded)
print("attention", attn.shape, attn.sum(dim=1))
print(attn.argmax(dim=1))


@torch.no_grad()
def beam_search(model, src, beam_width=3, max_len=8):
    model.eval()
    enc_out, hidden = model.encoder(src.unsqueeze(0), torch.tensor([src.size(0)]))
    mask = torch.ones(1, src.size(0), dtype=torch.bool)
    sequences = torch.full((1, 1), SOS, dtype=torch.long)
    scores = torch.zeros(1)
    finished = []
    for _ in range(max_len):
        k = sequences.size(0)
        logits, new_hidden, _ = model.decoder(sequences[:, -1], hidden, enc_out.expand(k, -1, -1), mask.expand(k, -1))
        log_probs = F.log_softmax(logits, dim=-1) + scores.unsqueeze(1)
        top_scores, flat = log_probs.view(-1).topk(beam_width)
        beam_idx = torch.div(flat, VOCAB, rounding_mode="floor")
        token_idx = flat % VOCAB
        sequences = torch.cat([sequences.index_select(0, beam_idx), token_idx.unsqueeze(1)], dim=1)
        hidden = new_hidden.index_select(0, beam_idx)
        done = token_idx == EOS
        for seq, score in zip(sequences[done], top_scores[done]):
            finished.append((score.item() / seq.size(0), seq[1:-1].tolist()))
        if done.all():
            break
        keep = torch.where(~done)[0]
        sequences, scores, hidden = sequences[keep], top_scores[keep], hidden[keep]
    finished.sort(key=lambda item: item[0], reverse=True)
    return finished[:beam_width]


for score, seq in beam_search(bahdanau, src):
    print(f"beam {score:.4f} {seq}")

# scores computed with baddbmm: a learned bias plus scaled dot products
torch.manual_seed(3)
q, k = torch.randn(2, 1, 4), torch.randn(2, 5, 4)
bias = torch.zeros(2, 1, 5)
scores = torch.baddbmm(bias, q, k.transpose(1, 2), beta=1.0, alpha=0.5)
mask = torch.tensor([[True, True, True, False, False], [True] * 5]).unsqueeze(1)
print(scores.masked_fill(~mask, float("-inf")).softmax(-1))
print(torch.allclose(scores, 0.5 * q @ k.transpose(1, 2)))
try:
    torch.baddbmm(bias, q, k)
except RuntimeError as e:
    print("RuntimeError:", e)
