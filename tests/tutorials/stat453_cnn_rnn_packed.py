import tinygrad_rnn as torch
import numpy as np
F = torch.nn.functional
# Raschka's STAT 453 (2021) lecture code: a small VGG-style CNN and ResNet residual blocks (identity and
# 1x1-projection shortcuts) on tiny inputs; an RNN/LSTM sentiment classifier over padded batches with
# pack_padded_sequence(enforce_sorted=False) taking the last hidden state; a character RNN generator with
# temperature sampling through torch.multinomial. Generated images and made-up sentences replace the datasets.
torch.manual_seed(123)

class VGG16Tiny(torch.nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.block_1 = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=3, out_channels=4, kernel_size=(3, 3), stride=(1, 1), padding=1),
            torch.nn.ReLU(),
            torch.nn.Conv2d(in_channels=4, out_channels=4, kernel_size=(3, 3), stride=(1, 1), padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2)))
        self.block_2 = torch.nn.Sequential(
            torch.nn.Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=1),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2)))
        self.classifier = torch.nn.Sequential(
            torch.nn.Linear(8 * 2 * 2, 16),
            torch.nn.ReLU(True),
            torch.nn.Dropout(p=0.5),
            torch.nn.Linear(16, num_classes))
        for m in self.modules():
            if isinstance(m, torch.nn.Conv2d) or isinstance(m, torch.nn.Linear):
                torch.nn.init.kaiming_uniform_(m.weight, mode='fan_in', nonlinearity='relu')
                if m.bias is not None:
                    m.bias.detach().zero_()
        self.avgpool = torch.nn.AdaptiveAvgPool2d((2, 2))
    def forward(self, x):
        x = self.block_1(x)
        x = self.block_2(x)
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        logits = self.classifier(x)
        return logits
vgg = VGG16Tiny(num_classes=3)
imgs = torch.randn(4, 3, 12, 12)
targets = torch.tensor([0, 2, 1, 2])
optimizer = torch.optim.Adam(vgg.parameters(), lr=0.001)
for epoch in range(3):
    vgg.train()
    logits = vgg(imgs)
    cost = F.cross_entropy(logits, targets)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    print(f'Epoch {epoch} cost {cost.item():.4f}', logits.argmax(dim=1), vgg.block_1[0].weight.grad.abs().sum())
vgg.eval()
with torch.no_grad():
    probas = F.softmax(vgg(imgs), dim=1)
print(probas, vgg.block_1(imgs).shape, vgg.block_2(vgg.block_1(imgs)).shape)

class ResidualBlock(torch.nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.block = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=channels[0], out_channels=channels[1], kernel_size=(3, 3),
                            stride=(2, 2), padding=1),
            torch.nn.BatchNorm2d(channels[1]),
            torch.nn.ReLU(inplace=True),
            torch.nn.Conv2d(in_channels=channels[1], out_channels=channels[2], kernel_size=(1, 1),
                            stride=(1, 1), padding=0),
            torch.nn.BatchNorm2d(channels[2]))
        self.shortcut = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels=channels[0], out_channels=channels[2], kernel_size=(1, 1),
                            stride=(2, 2), padding=0),
            torch.nn.BatchNorm2d(channels[2]))
    def forward(self, x):
        shortcut = x
        block = self.block(x)
        shortcut = self.shortcut(x)
        x = torch.nn.functional.relu(block + shortcut)
        return x
class IdentityBlock(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv_1 = torch.nn.Conv2d(c, c, kernel_size=(3, 3), stride=(1, 1), padding=1, bias=False)
        self.conv_1_bn = torch.nn.BatchNorm2d(c)
        self.conv_2 = torch.nn.Conv2d(c, c, kernel_size=(3, 3), stride=(1, 1), padding=1, bias=False)
        self.conv_2_bn = torch.nn.BatchNorm2d(c)
    def forward(self, x):
        shortcut = x
        out = self.conv_1(x)
        out = self.conv_1_bn(out)
        out = F.relu(out)
        out = self.conv_2(out)
        out = self.conv_2_bn(out)
        out += shortcut
        out = F.relu(out)
        return out
class ConvNet(torch.nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.residual_block_1 = ResidualBlock(channels=[1, 4, 8])
        self.identity = IdentityBlock(8)
        self.residual_block_2 = ResidualBlock(channels=[8, 8, 16])
        self.linear_1 = torch.nn.Linear(16 * 2 * 2, num_classes)
    def forward(self, x):
        out = self.residual_block_1(x)
        out = self.identity(out)
        out = self.residual_block_2(out)
        logits = self.linear_1(out.view(-1, 16 * 2 * 2))
        probas = F.softmax(logits, dim=1)
        return logits, probas
resnet = ConvNet(num_classes=2)
x = torch.randn(3, 1, 8, 8)
logits, probas = resnet(x)
print(logits, probas.grad_fn, resnet.identity.conv_1.bias)
cost = F.cross_entropy(logits, torch.tensor([0, 1, 1]))
cost.backward()
print(cost, resnet.linear_1.weight.grad[:, :4], resnet.identity.conv_2_bn.weight.grad)
print(resnet.residual_block_2.block[1].running_var[:4], resnet.residual_block_2.block[1].num_batches_tracked)
print(sum(p.numel() for p in resnet.parameters() if p.requires_grad))

# ------------------------------------------------------------------ packed-sequence sentiment RNN
pos = "good great fun loved nice best".split()
neg = "bad awful boring hated worst dull".split()
fill = "the film was a and it movie plot".split()
rng = np.random.RandomState(1)
sents, labels = [], []
for i in range(24):
    words = list(rng.choice((pos if i % 2 else neg) + fill, size=rng.randint(2, 9)))
    sents.append(words)
    labels.append(i % 2)
vocab = {'<unk>': 0, '<pad>': 1}
for s in sents:
    for w in s:
        vocab.setdefault(w, len(vocab))
PAD = vocab['<pad>']
def make_batch(batch_sents):
    lengths = torch.tensor([len(s) for s in batch_sents])
    seqs = [torch.tensor([vocab[w] for w in s]) for s in batch_sents]
    text = torch.nn.utils.rnn.pad_sequence(seqs, padding_value=PAD)
    return text, lengths
text, lengths = make_batch(sents[:6])
print(text.shape, text.dtype, lengths)

class RNN(torch.nn.Module):
    def __init__(self, input_dim, embedding_dim, hidden_dim, output_dim):
        super().__init__()
        self.embedding = torch.nn.Embedding(input_dim, embedding_dim, padding_idx=PAD)
        self.rnn = torch.nn.LSTM(embedding_dim, hidden_dim)
        self.fc = torch.nn.Linear(hidden_dim, output_dim)
    def forward(self, text, text_length):
        embedded = self.embedding(text)
        packed = torch.nn.utils.rnn.pack_padded_sequence(embedded, text_length.to('cpu'), enforce_sorted=False)
        packed_output, (hidden, cell) = self.rnn(packed)
        hidden.squeeze_(0)
        output = self.fc(hidden)
        return output
torch.manual_seed(123)
model = RNN(input_dim=len(vocab), embedding_dim=6, hidden_dim=5, output_dim=2)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
def compute_binary_accuracy(model, batches):
    model.eval()
    correct_pred, num_examples = 0, 0
    with torch.no_grad():
        for text, text_lengths, targets in batches:
            logits = model(text, text_lengths)
            predicted_labels = torch.argmax(logits, 1)
            num_examples += len(text_lengths)
            correct_pred += (predicted_labels == targets).sum()
    return correct_pred.float() / num_examples * 100
batches = []
for start in range(0, 24, 8):
    text, lengths = make_batch(sents[start:start + 8])
    batches.append((text, lengths, torch.tensor(labels[start:start + 8])))
for epoch in range(3):
    model.train()
    for batch_idx, (text, text_lengths, targets) in enumerate(batches):
        logits = model(text, text_lengths)
        cost = F.cross_entropy(logits, targets)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
    print(f'Epoch: {epoch+1:03d} | Cost: {cost:.4f} | acc: {compute_binary_accuracy(model, batches):.2f}%')
print(model.embedding.weight.grad[PAD], model.rnn.weight_hh_l0.grad.shape)
emb = model.embedding(batches[0][0])
packed = torch.nn.utils.rnn.pack_padded_sequence(emb, batches[0][1], enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)
out_packed, (h, c) = model.rnn(packed)
unpacked, lens = torch.nn.utils.rnn.pad_packed_sequence(out_packed, padding_value=0.0)
print(unpacked.shape, lens, torch.allclose(unpacked[lens - 1, torch.arange(8)], h[0]))
rnn = torch.nn.RNN(6, 4, nonlinearity='relu')
o, hn = rnn(packed)
print(type(o).__name__, hn.shape, hn[0, :2])

# ------------------------------------------------------------------ character RNN generator
text = "the quick brown fox jumps over the lazy dog and the cat sat on the mat " * 3
chars = sorted(set(text))
char_to_int = {c: i for i, c in enumerate(chars)}
def char_to_tensor(s):
    tensor = torch.zeros(len(s)).long()
    for c in range(len(s)):
        tensor[c] = char_to_int[s[c]]
    return tensor
class CharRNN(torch.nn.Module):
    def __init__(self, input_size, embed_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embed = torch.nn.Embedding(num_embeddings=input_size, embedding_dim=embed_size)
        self.rnn = torch.nn.LSTMCell(input_size=embed_size, hidden_size=hidden_size)
        self.fc = torch.nn.Linear(hidden_size, output_size)
    def forward(self, character, hidden, cell_state):
        embedded = self.embed(character)
        (hidden, cell_state) = self.rnn(embedded, (hidden, cell_state))
        output = self.fc(hidden)
        return output, hidden, cell_state
    def init_zero_state(self):
        init_hidden = torch.zeros(1, self.hidden_size)
        init_cell = torch.zeros(1, self.hidden_size)
        return (init_hidden, init_cell)
torch.manual_seed(1)
char_rnn = CharRNN(len(chars), 8, 16, len(chars))
optimizer = torch.optim.Adam(char_rnn.parameters(), lr=0.01)
def evaluate(model, prime_str='t', predict_len=20, temperature=0.8):
    (hidden, cell_state) = model.init_zero_state()
    prime_input = char_to_tensor(prime_str)
    predicted = prime_str
    for p in range(len(prime_str) - 1):
        inp = prime_input[p].unsqueeze(0)
        _, hidden, cell_state = model(inp, hidden, cell_state)
    inp = prime_input[-1].unsqueeze(0)
    for p in range(predict_len):
        outputs, hidden, cell_state = model(inp, hidden, cell_state)
        output_dist = outputs.data.view(-1).div(temperature).exp()
        top_i = torch.multinomial(output_dist, 1)[0]
        predicted_char = chars[top_i]
        predicted += predicted_char
        inp = char_to_tensor(predicted_char)
    return predicted
for it in range(4):
    start = it * 7
    chunk = text[start:start + 21]
    inp, target = char_to_tensor(chunk[:-1]), char_to_tensor(chunk[1:])
    hidden, cell_state = char_rnn.init_zero_state()
    optimizer.zero_grad()
    loss = 0.
    for c in range(len(inp)):
        outputs, hidden, cell_state = char_rnn(inp[c].unsqueeze(0), hidden, cell_state)
        loss += F.cross_entropy(outputs, target[c].view(1))
    loss /= len(inp)
    loss.backward()
    optimizer.step()
    print(it, f'{loss.item():.4f}', loss.grad_fn.name(), hidden.grad_fn.name())
torch.manual_seed(7)
with torch.no_grad():
    print(repr(evaluate(char_rnn, 'th', 20, 0.8)), repr(evaluate(char_rnn, 'a', 10, 0.2)))
print(torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True), torch.multinomial(torch.tensor([[1., 2, 3], [3, 0, 1]]), 2))
