import tinygrad_rnn as torch
# Edward Raff, "Inside Deep Learning" (Manning), chapter 12 "Network design alternatives to RNNs": a text
# classifier written five ways on the same padded batches: averaging embeddings through AdaptiveAvgPool2d((1, None)),
# an EmbeddingAttentionBag (attention pooling with a mask from the padding), a 1D CNN over the embedding
# (LambdaLayer permute, Conv1d + BatchNorm1d blocks, MaxPool1d, AdaptiveMaxPool1d), sinusoidal positional
# encodings kept in a registered buffer, and a small nn.TransformerEncoder with a src_key_padding_mask. A made-up
# four-topic headline set (LayerNorm after the heads and bias-free convs before BatchNorm: a bias a norm
# cancels has a gradient of rounding noise, which Adam would blow up into a visible difference) with a vocabulary built by Counter replaces AG News and torchtext.
from collections import Counter

import numpy as np

nn, F = torch.nn, torch.nn.functional
torch.manual_seed(12)
np.random.seed(12)

topics = {
    0: "match team goal season coach player win league cup score",
    1: "market stock price bank profit trade shares growth rates deal",
    2: "phone software chip data cloud app internet device launch users",
    3: "election minister vote party leader talks treaty border court law",
}
common = "the a of in on new after over says".split()
rng = np.random.RandomState(0)
samples = []
for i in range(48):
    label = i % 4
    words = topics[label].split()
    n = rng.randint(4, 10)
    text = [words[j] if rng.rand() < 0.7 else common[j % len(common)] for j in rng.randint(0, 10, size=n)]
    samples.append((label, " ".join(text)))
print(samples[:3])

counter = Counter(w for _, t in samples for w in t.split())
itos = ["<pad>", "<unk>"] + [w for w, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
stoi = {w: i for i, w in enumerate(itos)}
VOCAB_SIZE, NUM_CLASS, embed_dim = len(itos), 4, 16
print("vocab", VOCAB_SIZE, itos[:8], counter.most_common(3))


def text_pipeline(text):
    return [stoi.get(w, 1) for w in text.split()]


def pad_batch(batch):
    labels = torch.tensor([label for label, _ in batch], dtype=torch.int64)
    texts = [torch.tensor(text_pipeline(t), dtype=torch.int64) for _, t in batch]
    return nn.utils.rnn.pad_sequence(texts, batch_first=True), labels


train_loader = torch.utils.data.DataLoader(samples[:32], batch_size=8, shuffle=True, collate_fn=pad_batch)
test_loader = torch.utils.data.DataLoader(samples[32:], batch_size=16, collate_fn=pad_batch)
xb, yb = next(iter(test_loader))
print(xb.shape, xb.dtype, yb, xb[0])


class LambdaLayer(nn.Module):
    def __init__(self, lambd):
        super(LambdaLayer, self).__init__()
        self.lambd = lambd

    def forward(self, x):
        return self.lambd(x)


def getMaskByFill(x, time_dimension=1, fill=0):
    to_sum_over = list(range(1, len(x.shape)))
    if time_dimension in to_sum_over:
        to_sum_over.remove(time_dimension)
    with torch.no_grad():
        if len(to_sum_over) == 0:
            return x != fill
        return torch.sum((x != fill), dim=to_sum_over) > 0


class AdditiveAttentionScore(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.v = nn.Linear(H, 1)
        self.w = nn.Linear(2 * H, H)

    def forward(self, states, context):
        T = states.size(1)
        context = torch.stack([context for _ in range(T)], dim=1)
        return self.v(torch.tanh(self.w(torch.cat((states, context), dim=2))))


class EmbeddingAttentionBag(nn.Module):
    def __init__(self, vocab_size, D, embd_layers=2, padding_idx=None):
        super(EmbeddingAttentionBag, self).__init__()
        self.padding_idx = padding_idx
        self.embd = nn.Embedding(vocab_size, D, padding_idx=padding_idx)
        self.embd_layers = nn.Sequential(*[nn.Sequential(nn.Linear(D, D), nn.LeakyReLU()) for _ in range(embd_layers)])
        self.attn = AdditiveAttentionScore(D)

    def forward(self, input):
        mask = getMaskByFill(input, fill=self.padding_idx)
        x = self.embd_layers(self.embd(input))
        context = x.sum(dim=1) / (mask.sum(dim=1).unsqueeze(1) + 1e-5)
        scores = self.attn(x, context)
        scores[~mask] = -float("inf")
        weights = F.softmax(scores, dim=1)
        return (x * weights).sum(dim=1)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64, batch_first=False):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)
        self.d_model = d_model
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-np.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer("pe", pe)
        self.batch_first = batch_first

    def forward(self, x):
        if self.batch_first:
            x = x.permute(1, 0, 2)
        x = x * np.sqrt(self.d_model) + self.pe[:x.size(0), :]
        x = self.dropout(x)
        if self.batch_first:
            x = x.permute(1, 0, 2)
        return x


pos = PositionalEncoding(8, dropout=0.0, max_len=10, batch_first=True)
print("pe", pos.pe.shape, [n for n, _ in pos.named_buffers()], list(pos.state_dict().keys()))
print(pos.pe[:3, 0])
print(pos(torch.zeros(2, 3, 8))[1])


def cnnLayer(in_size, out_size, k_size=3):
    return nn.Sequential(nn.Conv1d(in_size, out_size, kernel_size=k_size, padding=k_size // 2, bias=False),
                         nn.BatchNorm1d(out_size), nn.ReLU())


class SimpleTransformerClassifier(nn.Module):
    def __init__(self, vocab_size, D, padding_idx=None):
        super(SimpleTransformerClassifier, self).__init__()
        self.padding_idx = padding_idx
        self.embd = nn.Embedding(vocab_size, D, padding_idx=padding_idx)
        self.position = PositionalEncoding(D, dropout=0.0, batch_first=True)
        self.transformer = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model=D, nhead=2, dim_feedforward=2 * D, dropout=0.0, batch_first=True),
            num_layers=2)
        self.pred = nn.Sequential(nn.Flatten(), nn.Linear(D, D), nn.LeakyReLU(), nn.LayerNorm(D),
                                  nn.Linear(D, NUM_CLASS))

    def forward(self, input):
        mask = getMaskByFill(input, fill=self.padding_idx)
        x = self.position(self.embd(input))
        x = self.transformer(x, src_key_padding_mask=~mask)
        x = (x * mask.unsqueeze(2)).sum(dim=1) / mask.sum(dim=1, keepdim=True)
        return self.pred(x)


def build(name):
    torch.manual_seed(4)
    if name == "avg":
        return nn.Sequential(
            nn.Embedding(VOCAB_SIZE, embed_dim), nn.Linear(embed_dim, embed_dim), nn.LeakyReLU(),
            nn.AdaptiveAvgPool2d((1, None)), nn.Flatten(), nn.Linear(embed_dim, embed_dim), nn.LeakyReLU(),
            nn.LayerNorm(embed_dim), nn.Linear(embed_dim, NUM_CLASS))
    if name == "attn":
        return nn.Sequential(EmbeddingAttentionBag(VOCAB_SIZE, embed_dim, padding_idx=0),
                             nn.Linear(embed_dim, embed_dim), nn.LeakyReLU(), nn.LayerNorm(embed_dim),
                             nn.Linear(embed_dim, NUM_CLASS))
    if name == "cnn":
        return nn.Sequential(
            nn.Embedding(VOCAB_SIZE, embed_dim), LambdaLayer(lambda x: x.permute(0, 2, 1)),
            cnnLayer(embed_dim, embed_dim), cnnLayer(embed_dim, embed_dim), nn.MaxPool1d(2),
            cnnLayer(embed_dim, embed_dim), nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(embed_dim, NUM_CLASS))
    if name == "pos_avg":
        return nn.Sequential(
            nn.Embedding(VOCAB_SIZE, embed_dim), PositionalEncoding(embed_dim, dropout=0.0, batch_first=True),
            nn.Linear(embed_dim, embed_dim), nn.LeakyReLU(), nn.AdaptiveAvgPool2d((1, None)), nn.Flatten(),
            nn.Linear(embed_dim, NUM_CLASS))
    return SimpleTransformerClassifier(VOCAB_SIZE, embed_dim, padding_idx=0)


for name in ("avg", "attn", "cnn", "pos_avg", "transformer"):
    model = build(name)
    print(name, sum(p.numel() for p in model.parameters() if p.requires_grad), len(list(model.buffers())))
    if name in ("cnn", "transformer"):
        print(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.005, weight_decay=0.01)
    for epoch in range(2):
        model.train()
        losses = []
        for x, y in train_loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(round(loss.item(), 4))
        model.eval()
        with torch.no_grad():
            logits = model(xb)
            acc = (logits.argmax(dim=1) == yb).float().mean().item()
        print(" epoch", epoch, losses, "val acc", round(acc, 4))
    print(" probs", F.softmax(logits[:2], dim=1))
