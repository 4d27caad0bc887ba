import tinygrad_rnn as torch
# Ian Pointer, "Programming PyTorch for Deep Learning" (O'Reilly): chapter 5's OurFirstLSTM tweet classifier
# (sequence-first LSTM, the last hidden state squeezed into a Linear) fed by random-insertion augmentation from a
# small synonym table, then chapter 9's tricks: mixup (np.random.beta ratio, randperm-shuffled partners, the two
# losses mixed), a hand-written LabelSmoothingCrossEntropyLoss set against nn.CrossEntropyLoss(label_smoothing=),
# and text generation from a character LSTM with temperature, top-k filtering and torch.multinomial sampling.
# Made-up tweets and a nursery-rhyme corpus stand in for the Sentiment140 data and GPT-2.
import random

import numpy as np

nn, F, optim = torch.nn, torch.nn.functional, torch.optim
torch.manual_seed(9)

tweets = [("i love this sunny day", 1), ("what a great game tonight", 1), ("so happy with my new phone", 1),
          ("best coffee in town", 1), ("i hate waiting in traffic", 0), ("this rain is awful", 0),
          ("my phone broke again", 0), ("worst service ever", 0)]
synonyms = {"love": ["adore", "like"], "great": ["fine", "good"], "happy": ["glad"], "hate": ["loathe"],
            "awful": ["bad", "terrible"], "worst": ["poorest"], "day": ["morning"], "phone": ["mobile"]}


def random_insertion(sentence, n):
    words = sentence.split()
    for _ in range(n):
        candidates = [w for w in words if w in synonyms]
        if not candidates:
            break
        new_word = random.choice(synonyms[random.choice(candidates)])
        words.insert(random.randint(0, len(words)), new_word)
    return " ".join(words)


random.seed(5)
augmented = tweets + [(random_insertion(t, 2), y) for t, y in tweets]
print(augmented[8:11])
vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in augmented:
    for w in text.split():
        vocab.setdefault(w, len(vocab))
print("vocab size", len(vocab))


def encode(batch):
    seqs = [torch.tensor([vocab.get(w, 1) for w in t.split()]) for t, _ in batch]
    return nn.utils.rnn.pad_sequence(seqs), torch.tensor([y for _, y in batch])


class OurFirstLSTM(nn.Module):
    def __init__(self, hidden_size, embedding_dim, vocab_size):
        super(OurFirstLSTM, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.encoder = nn.LSTM(input_size=embedding_dim, hidden_size=hidden_size, num_layers=1)
        self.predictor = nn.Linear(hidden_size, 2)

    def forward(self, seq):
        output, (hidden, _) = self.encoder(self.embedding(seq))
        preds = self.predictor(hidden.squeeze(0))
        return preds


model = OurFirstLSTM(12, 8, len(vocab))
print(model)
loader = torch.utils.data.DataLoader(augmented, batch_size=4, shuffle=True, collate_fn=encode)
seq, labels = next(iter(loader))
print(seq.shape, seq.dtype, labels)
optimizer = optim.Adam(model.parameters(), lr=2e-2)
criterion = nn.CrossEntropyLoss()
for epoch in range(3):
    training_loss = 0.0
    model.train()
    for batch_idx, (seq, labels) in enumerate(loader):
        optimizer.zero_grad()
        output = model(seq)
        loss = criterion(output, labels)
        loss.backward()
        optimizer.step()
        training_loss += loss.data.item() * seq.size(1)
    print("epoch", epoch, round(training_loss / len(loader.dataset), 4))
model.eval()
seq, labels = encode(tweets)
print(torch.argmax(F.softmax(model(seq), dim=1), dim=1), labels)

# ---------------------------------------------------------------- chapter 9: mixup and label smoothing


class LabelSmoothingCrossEntropyLoss(nn.Module):
    def __init__(self, epsilon=0.1):
        super(LabelSmoothingCrossEntropyLoss, self).__init__()
        self.epsilon = epsilon

    def forward(self, output, target):
        num_classes = output.size()[-1]
        log_preds = F.log_softmax(output, dim=-1)
        loss = (-log_preds.sum(dim=-1)).mean()
        nll = F.nll_loss(log_preds, target)
        return self.epsilon * loss / num_classes + (1 - self.epsilon) * nll


logits = torch.randn(5, 3, requires_grad=True)
target = torch.tensor([0, 2, 1, 1, 0])
ours = LabelSmoothingCrossEntropyLoss(0.1)(logits, target)
builtin = nn.CrossEntropyLoss(label_smoothing=0.1)(logits, target)
print(ours, builtin, torch.allclose(ours, builtin))
grad_ours, = torch.autograd.grad(ours, logits)
grad_builtin, = torch.autograd.grad(builtin, logits)
print(grad_ours)
print((grad_ours - grad_builtin).abs().max() < 1e-6)

X = torch.randn(32, 6)
y = (X[:, 0] + X[:, 1] > 0).long() + (X[:, 2] > 1).long()
data = torch.utils.data.TensorDataset(X, y)
mix_loader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True)
net = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
loss_fn = LabelSmoothingCrossEntropyLoss(0.1)
np.random.seed(3)
for epoch in range(3):
    net.train()
    losses = []
    for inputs, targets in mix_loader:
        mix_ratio = np.random.beta(0.4, 0.4)
        mix_ratio = max(mix_ratio, 1 - mix_ratio)
        shuffle = torch.randperm(inputs.size(0))
        inputs_shuffled, targets_shuffled = inputs[shuffle], targets[shuffle]
        new_inputs = mix_ratio * inputs + (1 - mix_ratio) * inputs_shuffled
        output = net(new_inputs)
        loss = mix_ratio * loss_fn(output, targets) + (1 - mix_ratio) * loss_fn(output, targets_shuffled)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
    net.eval()
    with torch.no_grad():
        correct = torch.eq(torch.max(F.softmax(net(X), dim=1), dim=1)[1], y).view(-1)
    print("mixup epoch", epoch, losses, correct.sum().item(), correct.shape[0])
print(type(mix_ratio).__name__, (mix_ratio * inputs).dtype, new_inputs.dtype)

# ---------------------------------------------------------------- chapter 9: generating text
corpus = "twinkle twinkle little star how i wonder what you are up above the world so high "
chars = sorted(set(corpus))
char2idx = {c: i for i, c in enumerate(chars)}
encoded = torch.tensor([char2idx[c] for c in corpus])
print(len(chars), encoded[:10])


class CharLSTM(nn.Module):
    def __init__(self, n_chars, hidden=24):
        super().__init__()
        self.embed = nn.Embedding(n_chars, 10)
        self.lstm = nn.LSTM(10, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_chars)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


torch.manual_seed(11)
gen = CharLSTM(len(chars))
gen_opt = optim.RMSprop(gen.parameters(), lr=0.01)
seq_len = 16
starts = torch.arange(0, len(corpus) - seq_len - 1, 8)
inputs = torch.stack([encoded[s:s + seq_len] for s in starts])
targets = torch.stack([encoded[s + 1:s + seq_len + 1] for s in starts])
print(inputs.shape, targets.shape)
for step in range(25):
    logits, _ = gen(inputs)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), targets.reshape(-1))
    gen_opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(gen.parameters(), 1.0)
    gen_opt.step()
    if step % 8 == 0:
        print("gen step", step, round(loss.item(), 4))


def top_k_logits(logits, k):
    if k == 0:
        return logits
    values, _ = torch.topk(logits, k)
    min_values = values[:, -1].unsqueeze(1)
    return torch.where(logits < min_values, torch.ones_like(logits) * -1e10, logits)


def generate(prompt, length, temperature=1.0, top_k=0, greedy=False):
    gen.eval()
    with torch.no_grad():
        x = torch.tensor([[char2idx[c] for c in prompt]])
        logits, state = gen(x)
        out = prompt
        for _ in range(length):
            next_logits = top_k_logits(logits[:, -1, :] / temperature, top_k)
            probs = F.softmax(next_logits, dim=-1)
            if greedy:
                next_char = torch.argmax(probs, dim=-1, keepdim=True)
            else:
                next_char = torch.multinomial(probs, num_samples=1)
            out += chars[next_char.item()]
            logits, state = gen(next_char, state)
    return out


print(repr(generate("twi", 20, greedy=True)))
torch.manual_seed(0)
print(top_k_logits(torch.tensor([[1.0, 3.0, 2.0, 0.5]]), 2))
for temperature, k in ((0.5, 0), (1.0, 3), (1.5, 5)):
    torch.manual_seed(21)
    print(temperature, k, repr(generate("how ", 20, temperature=temperature, top_k=k)))
