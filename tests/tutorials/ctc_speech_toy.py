import tinygrad_rnn as torch
# Lightning-free toy "speech recognition" with CTC, the way blog posts and the nn.CTCLoss docs write it:
# the docs' padded and concatenated target examples, then a conv front end (strided, so the input
# lengths shrink) feeding a bidirectional GRU, log_softmax over the classes with time first, training
# with nn.CTCLoss, greedy decoding with unique_consecutive, and an edit-distance character error rate.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# --- the nn.CTCLoss documentation examples ---
T, C, N, S = 20, 6, 4, 7  # input length, classes (blank = 0), batch, longest target
S_min = 3
inp = torch.randn(T, N, C).log_softmax(2).detach().requires_grad_()
target = torch.randint(low=1, high=C, size=(N, S), dtype=torch.long)
input_lengths = torch.full(size=(N,), fill_value=T, dtype=torch.long)
target_lengths = torch.randint(low=S_min, high=S, size=(N,), dtype=torch.long)
ctc_loss = nn.CTCLoss()
loss = ctc_loss(inp, target, input_lengths, target_lengths)
loss.backward()
print("padded targets loss:", loss)
print("grad shape:", inp.grad.shape, "grad at t=0:", inp.grad[0, 0])

target_lengths = torch.randint(low=1, high=T, size=(N,), dtype=torch.long)
target = torch.randint(low=1, high=C, size=(int(sum(target_lengths)),), dtype=torch.long)
input_lengths = torch.randint(low=T // 2, high=T, size=(N,), dtype=torch.int32)
loss = F.ctc_loss(inp, target, input_lengths, target_lengths, reduction="none")
print("concatenated targets, int32 lengths:", loss)
print("blank=C-1, sum:", nn.CTCLoss(blank=C - 1, reduction="sum", zero_infinity=True)(
    inp, target.clamp(max=C - 2), input_lengths, target_lengths))

# --- a toy alphabet: each character is a noisy "formant" pattern lasting a few frames ---
ALPHABET = "_abcde"  # "_" is the CTC blank
FEATURES = 8
prototypes = torch.randn(len(ALPHABET), FEATURES)


def synthesize(text):
    frames = []
    for ch in text:
        repeat = int(torch.randint(2, 5, (1,)))
        frames.append(prototypes[ALPHABET.index(ch)].repeat(repeat, 1))
        frames.append(prototypes[0].unsqueeze(0))  # a short pause
    x = torch.cat(frames)
    return x + 0.3 * torch.randn_like(x)


def make_batch(words):
    feats = [synthesize(w) for w in words]
    labels = [torch.tensor([ALPHABET.index(c) for c in w]) for w in words]
    x = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    y = nn.utils.rnn.pad_sequence(labels, batch_first=True, padding_value=0)
    x_lengths = torch.tensor([f.shape[0] for f in feats])
    y_lengths = torch.tensor([len(w) for w in words])
    return x, y, x_lengths, y_lengths


words = ["abc", "bad", "cab", "dead", "ace", "bed", "dab", "cede"]
x, y, x_lengths, y_lengths = make_batch(words)
print("features:", x.shape, "labels:", y.shape)
print("frame lengths:", x_lengths.tolist(), "label lengths:", y_lengths.tolist())


class SpeechModel(nn.Module):
    def __init__(self, n_feats, n_class, hidden=24):
        super().__init__()
        self.cnn = nn.Conv1d(n_feats, hidden, kernel_size=3, stride=2, padding=1)
        self.norm = nn.LayerNorm(hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(2 * hidden, n_class)

    def output_lengths(self, lengths):
        return torch.div(lengths + 2 * 1 - 3, 2, rounding_mode="floor") + 1

    def forward(self, x):
        x = self.cnn(x.transpose(1, 2)).transpose(1, 2)  # (batch, time, channels)
        x = F.gelu(self.norm(x))
        x, _ = self.rnn(x)
        return self.classifier(self.dropout(x))


model = SpeechModel(FEATURES, len(ALPHABET))
print(model)
criterion = nn.CTCLoss(blank=0, zero_infinity=True)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-2, total_steps=40, anneal_strategy="linear")
out_lengths = model.output_lengths(x_lengths)
print("output lengths:", out_lengths)
for epoch in range(1, 41):
    model.train()
    output = model(x)
    output = F.log_softmax(output, dim=2).transpose(0, 1)  # (time, batch, class)
    loss = criterion(output, y, out_lengths, y_lengths)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d} loss {loss.item():.4f} lr {scheduler.get_last_lr()[0]:.5f}")


def greedy_decode(log_probs, lengths):
    best = torch.argmax(log_probs, dim=2)  # (batch, time)
    texts = []
    for path, length in zip(best, lengths):
        collapsed = torch.unique_consecutive(path[:length])
        texts.append("".join(ALPHABET[i] for i in collapsed.tolist() if i != 0))
    return texts


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


model.eval()
with torch.no_grad():
    log_probs = F.log_softmax(model(x), dim=-1)
    decoded = greedy_decode(log_probs, out_lengths)
    path, counts = torch.unique_consecutive(log_probs[0].argmax(-1), return_counts=True)
    print("first path:", path.tolist(), "run lengths:", counts.tolist())
errors = sum(edit_distance(d, w) for d, w in zip(decoded, words))
for d, w in zip(decoded, words):
    print(f"{w:>5} -> {d!r}")
print(f"CER: {errors / sum(len(w) for w in words):.3f}")
