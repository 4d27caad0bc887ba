import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
import os
import tempfile
import numpy as np

# Keon Kim's "3-minute deep learning with PyTorch", the RNN chapter shrunk: a GRU sentiment
# classifier whose initial state comes from `next(self.parameters()).data.new(...).zero_()`, trained on
# torchtext-like batches (labels 1/2 shifted in place with `y.data.sub_(1)`), then the character
# seq2seq that feeds the decoder one step at a time from `list(map(ord, ...))` inputs.
torch.manual_seed(7)
np.random.seed(7)
BATCH_SIZE = 4
lr = 0.01
EPOCHS = 3
USE_CUDA = torch.cuda.is_available()
DEVICE = torch.device("cuda" if USE_CUDA else "cpu")
print("device", DEVICE, DEVICE.type)

pos = ["great fun movie", "loved it a lot", "a great story", "fun and moving", "best movie ever made"]
neg = ["boring bad movie", "hated it", "a bad story told badly", "dull and slow", "worst movie ever"]
vocab = {"<unk>": 0, "<pad>": 1}
for s in pos + neg:
    for w in s.split():
        vocab.setdefault(w, len(vocab))


class Batch:
    def __init__(self, text, label):
        self.text, self.label = text, label


class Iterator:
    """Stands in for torchtext's BucketIterator: padded LongTensor text and labels 1 (neg) / 2 (pos)."""

    def __init__(self, examples, batch_size):
        self.dataset = examples
        self.batch_size = batch_size

    def __iter__(self):
        for i in range(0, len(self.dataset), self.batch_size):
            chunk = self.dataset[i:i + self.batch_size]
            width = max(len(s.split()) for s, _ in chunk)
            text = [[vocab[w] for w in s.split()] + [1] * (width - len(s.split())) for s, _ in chunk]
            yield Batch(torch.LongTensor(text), torch.LongTensor([lab for _, lab in chunk]))

    def __len__(self):
        return (len(self.dataset) + self.batch_size - 1) // self.batch_size


examples = [(s, 2) for s in pos] + [(s, 1) for s in neg]
order = np.random.permutation(len(examples))
examples = [examples[i] for i in order]
train_iter = Iterator(examples[:8], BATCH_SIZE)
val_iter = Iterator(examples[8:], BATCH_SIZE)
vocab_size = len(vocab)
n_classes = 2
print("[학습셋]: %d [검증셋]: %d [단어수]: %d [클래스] %d" % (len(train_iter.dataset), len(val_iter.dataset),
                                                     vocab_size, n_classes))


class BasicGRU(nn.Module):
    def __init__(self, n_layers, hidden_dim, n_vocab, embed_dim, n_classes, dropout_p=0.2):
        super(BasicGRU, self).__init__()
        print("Building Basic GRU model...")
        self.n_layers = n_layers
        self.embed = nn.Embedding(n_vocab, embed_dim)
        self.hidden_dim = hidden_dim
        self.dropout = nn.Dropout(dropout_p)
        self.gru = nn.GRU(embed_dim, self.hidden_dim, num_layers=self.n_layers, batch_first=True)
        self.out = nn.Linear(self.hidden_dim, n_classes)

    def forward(self, x):
        x = self.embed(x)
        h_0 = self._init_state(batch_size=x.size(0))
        x, _ = self.gru(x, h_0)  # [i, b, h]
        h_t = x[:, -1, :]
        self.dropout(h_t)
        logit = self.out(h_t)  # [b, h] -> [b, o]
        return logit

    def _init_state(self, batch_size=1):
        weight = next(self.parameters()).data
        return weight.new(self.n_layers, batch_size, self.hidden_dim).zero_()


def train(model, optimizer, train_iter):
    model.train()
    for b, batch in enumerate(train_iter):
        x, y = batch.text.to(DEVICE), batch.label.to(DEVICE)
        y.data.sub_(1)  # labels 1/2 become 0/1
        optimizer.zero_grad()
        logit = model(x)
        loss = F.cross_entropy(logit, y)
        loss.backward()
        optimizer.step()
    return loss


def evaluate(model, val_iter):
    """evaluate model"""
    model.eval()
    corrects, total_loss = 0, 0
    for batch in val_iter:
        x, y = batch.text.to(DEVICE), batch.label.to(DEVICE)
        y.data.sub_(1)
        logit = model(x)
        loss = F.cross_entropy(logit, y, reduction='sum')
        total_loss += loss.item()
        corrects += (logit.max(1)[1].view(y.size()).data == y.data).sum()
    size = len(val_iter.dataset)
    avg_loss = total_loss / size
    avg_accuracy = 100.0 * corrects / size
    return avg_loss, avg_accuracy


model = BasicGRU(1, 16, vocab_size, 8, n_classes, 0.5).to(DEVICE)
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
print(model)
h0 = model._init_state(3)
print("h_0", h0.shape, h0.dtype, h0.requires_grad, h0.sum())
first = next(iter(train_iter))
print("text", first.text.shape, first.text.dtype, "label", first.label)
first.label.data.sub_(1)
print("label after sub_", first.label)
best_val_loss = None
snapshot = tempfile.mkdtemp()
for e in range(1, EPOCHS + 1):
    last = train(model, optimizer, train_iter)
    val_loss, val_accuracy = evaluate(model, val_iter)
    print("[이폭: %d] 검증 오차:%5.2f | 검증 정확도:%5.2f" % (e, val_loss, val_accuracy))
    print("accuracy", val_accuracy, val_accuracy.dtype, "last", last, last.grad_fn.name())
    if not best_val_loss or val_loss < best_val_loss:
        if not os.path.isdir(snapshot):
            os.makedirs(snapshot)
        torch.save(model.state_dict(), os.path.join(snapshot, 'txtclassification.pt'))
        best_val_loss = val_loss
model.load_state_dict(torch.load(os.path.join(snapshot, 'txtclassification.pt')))
test_loss, test_acc = evaluate(model, val_iter)
print('테스트 오차: %5.2f | 테스트 정확도: %5.2f' % (test_loss, test_acc))
os.remove(os.path.join(snapshot, 'txtclassification.pt'))
os.rmdir(snapshot)

# character seq2seq: "hello" -> "hola", teaching the decoder one step at a time
vocab_size = 256  # 총 아스키 코드 개수
x_ = list(map(ord, "hello"))  # 아스키 코드 리스트로 변환
y_ = list(map(ord, "hola"))
print("hello -> ", x_)
print("hola  -> ", y_)
x = torch.LongTensor(x_)
y = torch.LongTensor(y_)


class Seq2Seq(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super(Seq2Seq, self).__init__()
        self.n_layers = 1
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(vocab_size, hidden_size)
        self.encoder = nn.GRU(hidden_size, hidden_size)
        self.decoder = nn.GRU(hidden_size, hidden_size)
        self.project = nn.Linear(hidden_size, vocab_size)

    def forward(self, inputs, targets):
        initial_state = self._init_state()
        embedding = self.embedding(inputs).unsqueeze(1)
        encoder_output, encoder_state = self.encoder(embedding, initial_state)
        decoder_state = encoder_state
        decoder_input = torch.LongTensor([0])
        outputs = []
        for i in range(targets.size()[0]):
            decoder_input = self.embedding(decoder_input).unsqueeze(1)
            decoder_output, decoder_state = self.decoder(decoder_input, decoder_state)
            projection = self.project(decoder_output)
            outputs.append(projection)
            decoder_input = torch.LongTensor([targets[i]])  # teacher forcing
        outputs = torch.stack(outputs).squeeze()
        return outputs

    def _init_state(self, batch_size=1):
        weight = next(self.parameters()).data
        return weight.new(self.n_layers, batch_size, self.hidden_size).zero_()


seq2seq = Seq2Seq(vocab_size, 16)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(seq2seq.parameters(), lr=1e-3)
print("step input", torch.LongTensor([y[1]]), torch.LongTensor([y[1]]).dtype)
log = []
for i in range(60):
    prediction = seq2seq(x, y)
    loss = criterion(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    loss_val = loss.data
    log.append(loss_val)
    if i % 20 == 0:
        print("\n 반복:%d 오차: %s" % (i, loss_val.item()))
        _, top1 = prediction.data.topk(1, 1)
        print([chr(c) for c in top1.squeeze().numpy().tolist()])
print("prediction", prediction.shape, prediction.grad_fn.name(), "log", len(log), log[-1], log[-1].requires_grad)
print("curve", torch.stack(log)[::10])
print(seq2seq.encoder.weight_hh_l0.grad.abs().sum() > 0, seq2seq.project.bias.grad[:4])
