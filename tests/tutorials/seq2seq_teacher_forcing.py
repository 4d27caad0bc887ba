import tinygrad_rnn as torch
import random
nn = torch.nn
F = nn.functional
rnn_utils = torch.nn.utils.rnn
# A GRU encoder-decoder that learns to reverse digit strings: a collate_fn that pads with
# pad_sequence / F.pad, packed encoder input (pack_sequence and pack_padded_sequence with
# enforce_sorted=False), teacher forcing chosen by random.random(), clip_grad_value_, greedy decoding.
# 4 epochs of training.
torch.manual_seed(0)
random.seed(0)
PAD, SOS, EOS = 0, 1, 2
def make_pair(n):
    digits = [random.randint(3, 9) for _ in range(n)]
    return torch.tensor(digits), torch.tensor(digits[::-1] + [EOS])
pairs = [make_pair(random.randint(2, 5)) for _ in range(48)]
print(pairs[0], len(pairs))
def collate(batch):
    srcs, tgts = zip(*batch)
    src_lens = torch.tensor([len(s) for s in srcs])
    src = rnn_utils.pad_sequence(srcs, batch_first=True, padding_value=PAD)
    longest = max(len(t) for t in tgts)
    tgt = torch.stack([F.pad(t, (0, longest - len(t)), value=PAD) for t in tgts])
    return src, src_lens, tgt
loader = torch.utils.data.DataLoader(pairs, batch_size=8, shuffle=True, collate_fn=collate)
src, src_lens, tgt = next(iter(loader))
print(src.shape, src_lens, tgt.shape, src.dtype, tgt[0])
packed = rnn_utils.pack_sequence([torch.tensor([3, 4, 5]), torch.tensor([6]), torch.tensor([7, 8])], enforce_sorted=False)
print(packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
padded, lens = rnn_utils.pad_packed_sequence(packed, batch_first=True, padding_value=-1)
print(padded, lens)
print(F.pad(torch.ones(2, 3), (1, 2)).shape, F.pad(torch.ones(2, 3), (0, 0, 1, 0), value=5.0)[0])
class Encoder(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden, padding_idx=PAD)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
    def forward(self, src, lens):
        emb = self.embedding(src)
        packed = rnn_utils.pack_padded_sequence(emb, lens, batch_first=True, enforce_sorted=False)
        outputs, hidden = self.gru(packed)
        outputs, _ = rnn_utils.pad_packed_sequence(outputs, batch_first=True)
        return outputs, hidden
class Decoder(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)
    def forward(self, token, hidden):
        output, hidden = self.gru(F.relu(self.embedding(token)), hidden)
        return F.log_softmax(self.out(output.squeeze(1)), dim=-1), hidden
V, Hd = 10, 32
encoder, decoder = Encoder(V, Hd), Decoder(V, Hd)
enc_opt = torch.optim.Adam(encoder.parameters(), lr=0.01)
dec_opt = torch.optim.Adam(decoder.parameters(), lr=0.01)
criterion = nn.NLLLoss(ignore_index=PAD)
enc_out, enc_hidden = encoder(src, src_lens)
print(enc_out.shape, enc_hidden.shape, encoder.embedding.weight[PAD].abs().sum().item())
def train_step(src, lens, tgt, teacher_forcing_ratio=0.5):
    enc_opt.zero_grad()
    dec_opt.zero_grad()
    _, hidden = encoder(src, lens)
    token = torch.full((src.size(0), 1), SOS, dtype=torch.long)
    use_teacher_forcing = random.random() < teacher_forcing_ratio
    loss = 0
    for t in range(tgt.size(1)):
        log_probs, hidden = decoder(token, hidden)
        loss = loss + criterion(log_probs, tgt[:, t])
        if use_teacher_forcing:
            token = tgt[:, t].unsqueeze(1)
        else:
            topv, topi = log_probs.topk(1)
            token = topi.detach()
    loss.backward()
    torch.nn.utils.clip_grad_value_(encoder.parameters(), 0.5)
    torch.nn.utils.clip_grad_value_(decoder.parameters(), clip_value=0.5)
    enc_opt.step()
    dec_opt.step()
    return loss.item() / tgt.size(1), use_teacher_forcing
for epoch in range(4):
    total, forced = 0.0, 0
    for src, lens, tgt in loader:
        loss, tf = train_step(src, lens, tgt)
        total += loss
        forced += tf
    if epoch % 2 == 1:
        print(f"epoch {epoch + 1} loss {total / len(loader):.4f} teacher-forced batches {forced}")
grads = [p.grad.abs().max().item() for p in decoder.parameters()]
print(max(grads) <= 0.5, len(grads))
def reverse(digits):
    encoder.eval()
    decoder.eval()
    with torch.no_grad():
        src = torch.tensor([digits])
        _, hidden = encoder(src, torch.tensor([len(digits)]))
        token = torch.tensor([[SOS]])
        out = []
        for _ in range(len(digits) + 2):
            log_probs, hidden = decoder(token, hidden)
            token = log_probs.argmax(-1, keepdim=True)
            if token.item() == EOS:
                break
            out.append(token.item())
    return out
for digits in ([3, 4, 5], [9, 8, 7, 6], [5, 5, 3]):
    print(digits, "->", reverse(digits))
