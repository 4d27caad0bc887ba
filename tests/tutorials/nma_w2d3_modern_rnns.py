import tinygrad_rnn as torch
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional
Variable = torch.autograd.Variable
# Neuromatch Academy Deep Learning, W2D3 (modern RNNs): sentiment classifiers with a vanilla RNN, an LSTM fed
# random initial states and a 2-layer bidirectional LSTM (their final states flattened into a Linear), the
# train/test loop with torch.autograd.Variable targets; then a character-level LSTM language model with
# batch_first=True, hidden states detached between batches, clip_grad_norm_ and temperature sampling.
# The IMDB data is replaced by generated "reviews" whose label is whether a good word beats a bad one.


def set_seed(seed=None, seed_torch=True):
    if seed is None:
        seed = np.random.choice(2 ** 32)
    random.seed(seed)
    np.random.seed(seed)
    if seed_torch:
        torch.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)
        torch.cuda.manual_seed(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    print(f'Random seed {seed} has been set.')


set_seed(2021)
device = "cuda" if torch.cuda.is_available() else "cpu"
vocab_size, seq_len = 12, 9  # words 0-3 are good, 4-7 bad, the rest neutral


def make_batches(n_batches, batch_size, rng):
    batches = []
    for _ in range(n_batches):
        text = rng.randint(0, vocab_size, (batch_size, seq_len))
        label = ((text < 4).sum(1) > ((text >= 4) & (text < 8)).sum(1)).astype(np.int64)
        batches.append((torch.from_numpy(text), torch.tensor(label, dtype=torch.int32)))
    return batches


rng = np.random.RandomState(0)
train_iter, test_iter = make_batches(6, 16, rng), make_batches(2, 16, rng)


class VanillaRNN(nn.Module):
    def __init__(self, layers, output_size, hidden_size, vocab_size, embed_size, device):
        super(VanillaRNN, self).__init__()
        self.n_layers = layers
        self.hidden_size = hidden_size
        self.device = device
        self.embeddings = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.RNN(embed_size, hidden_size, self.n_layers)
        self.fc = nn.Linear(self.n_layers*hidden_size, output_size)

    def forward(self, inputs):
        input = self.embeddings(inputs)
        input = input.permute(1, 0, 2)
        h_0 = torch.zeros(self.n_layers, input.size(1), self.hidden_size).to(self.device)
        output, h_n = self.rnn(input, h_0)
        h_n = h_n.permute(1, 0, 2)
        h_n = h_n.contiguous().reshape(h_n.size()[0], h_n.size()[1]*h_n.size()[2])
        logits = self.fc(h_n)
        return logits


class LSTM(nn.Module):
    def __init__(self, layers, output_size, hidden_size, vocab_size, embed_size, device):
        super(LSTM, self).__init__()
        self.n_layers = layers
        self.output_size = output_size
        self.hidden_size = hidden_size
        self.device = device
        self.word_embeddings = nn.Embedding(vocab_size, embed_size)
        self.dropout = nn.Dropout(0.5)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers=self.n_layers)
        self.fc = nn.Linear(self.n_layers*self.hidden_size, output_size)

    def forward(self, input_sentences):
        input = self.word_embeddings(input_sentences).permute(1, 0, 2)
        hidden = (torch.randn(self.n_layers, input.shape[1], self.hidden_size).to(self.device),
                  torch.randn(self.n_layers, input.shape[1], self.hidden_size).to(self.device))
        input = self.dropout(input)
        output, hidden = self.lstm(input, hidden)
        h_n = hidden[0].permute(1, 0, 2)
        h_n = h_n.contiguous().view(h_n.shape[0], -1)
        logits = self.fc(h_n)
        return logits


class biLSTM(nn.Module):
    def __init__(self, output_size, hidden_size, vocab_size, embed_size, device):
        super(biLSTM, self).__init__()
        self.output_size = output_size
        self.hidden_size = hidden_size
        self.device = device
        self.word_embeddings = nn.Embedding(vocab_size, embed_size)
        self.bilstm = nn.LSTM(embed_size, hidden_size, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(4*hidden_size, output_size)

    def forward(self, input_sentences):
        input = self.word_embeddings(input_sentences).permute(1, 0, 2)
        hidden = (torch.randn(4, input.shape[1], self.hidden_size).to(self.device),
                  torch.randn(4, input.shape[1], self.hidden_size).to(self.device))
        output, hidden = self.bilstm(input, hidden)
        states = hidden[0].permute(1, 0, 2)
        states = states.contiguous().view(states.shape[0], -1)
        logits = self.fc(states)
        return logits


def train(model, device, train_iter, valid_iter, epochs, learning_rate):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    train_loss, validation_loss = [], []
    train_acc, validation_acc = [], []
    for epoch in range(epochs):
        model.train()
        running_loss = 0.
        correct, total = 0, 0
        steps = 0
        for idx, batch in enumerate(train_iter):
            text = batch[0]
            target = batch[1]
            target = torch.autograd.Variable(target).long()
            text, target = text.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(text)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
            steps += 1
            running_loss += loss.item()
            _, predicted = torch.max(output, 1)
            total += target.size(0)
            correct += (predicted == target).sum().item()
        train_loss.append(running_loss/len(train_iter))
        train_acc.append(correct/total)
        print(f'Epoch: {epoch + 1}, Training Loss: {running_loss/len(train_iter):.4f}, '
              f'Training Accuracy: {100*correct/total: .2f}%')
        model.eval()
        running_loss = 0.
        correct, total = 0, 0
        with torch.no_grad():
            for idx, batch in enumerate(valid_iter):
                text = batch[0]
                target = Variable(batch[1]).long()
                output = model(text)
                loss = criterion(output, target)
                running_loss += loss.item()
                _, predicted = torch.max(output, 1)
                total += target.size(0)
                correct += (predicted == target).sum().item()
        validation_loss.append(running_loss/len(valid_iter))
        validation_acc.append(correct/total)
        print(f'Validation Loss: {running_loss/len(valid_iter):.4f}, Validation Accuracy: {100*correct/total: .2f}%')
    return train_loss, train_acc, validation_loss, validation_acc


def count_parameters(model):
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return parameters


for name, make in [("VanillaRNN", lambda: VanillaRNN(2, 2, 16, vocab_size, 8, device)),
                   ("LSTM", lambda: LSTM(2, 2, 16, vocab_size, 8, device)),
                   ("biLSTM", lambda: biLSTM(2, 12, vocab_size, 8, device))]:
    set_seed(2021)
    model = make()
    model.to(device)
    print(model)
    print(f'Number of parameters = {count_parameters(model)}')
    train_loss, acc, validation_loss, validation_acc = train(model, device, train_iter, test_iter, 3, 0.01)
    print(name, [round(x, 4) for x in train_loss], validation_acc)
print([(n, tuple(p.shape)) for n, p in model.bilstm.named_parameters()][:6])
print(model.bilstm.weight_hh_l1_reverse.grad.norm(), model.bilstm.all_weights[3][0].shape)

# ---------------------------------------------------------------- a character-level LSTM language model
text = ("to be or not to be that is the question whether tis nobler in the mind to suffer "
        "the slings and arrows of outrageous fortune or to take arms against a sea of troubles ")
chars = tuple(sorted(set(text)))
int2char = dict(enumerate(chars))
char2int = {ch: ii for ii, ch in int2char.items()}
encoded = np.array([char2int[ch] for ch in text])
print(len(chars), encoded[:12])


def one_hot_encode(arr, n_labels):
    one_hot = np.zeros((arr.size, n_labels), dtype=np.float32)
    one_hot[np.arange(one_hot.shape[0]), arr.flatten()] = 1.
    one_hot = one_hot.reshape((*arr.shape, n_labels))
    return one_hot


def get_batches(arr, batch_size, seq_length):
    batch_size_total = batch_size * seq_length
    n_batches = len(arr)//batch_size_total
    arr = arr[:n_batches * batch_size_total]
    arr = arr.reshape((batch_size, -1))
    for n in range(0, arr.shape[1], seq_length):
        x = arr[:, n:n+seq_length]
        y = np.zeros_like(x)
        try:
            y[:, :-1], y[:, -1] = x[:, 1:], arr[:, n+seq_length]
        except IndexError:
            y[:, :-1], y[:, -1] = x[:, 1:], arr[:, 0]
        yield x, y


class CharRNN(nn.Module):

    def __init__(self, tokens, n_hidden=32, n_layers=2, drop_prob=0.3, lr=0.01):
        super().__init__()
        self.drop_prob = drop_prob
        self.n_layers = n_layers
        self.n_hidden = n_hidden
        self.lr = lr
        self.chars = tokens
        self.lstm = nn.LSTM(len(self.chars), n_hidden, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(drop_prob)
        self.fc = nn.Linear(n_hidden, len(self.chars))

    def forward(self, x, hidden):
        r_output, hidden = self.lstm(x, hidden)
        out = self.dropout(r_output)
        out = out.contiguous().view(-1, self.n_hidden)
        out = self.fc(out)
        return out, hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        hidden = (weight.new(self.n_layers, batch_size, self.n_hidden).zero_(),
                  weight.new(self.n_layers, batch_size, self.n_hidden).zero_())
        return hidden


def train_char(net, data, epochs=3, batch_size=4, seq_length=12, lr=0.01, clip=5, val_frac=0.2, print_every=5):
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss()
    val_idx = int(len(data)*(1-val_frac))
    data, val_data = data[:val_idx], data[val_idx:]
    counter = 0
    n_chars = len(net.chars)
    for e in range(epochs):
        h = net.init_hidden(batch_size)
        for x, y in get_batches(data, batch_size, seq_length):
            counter += 1
            x = one_hot_encode(x, n_chars)
            inputs, targets = torch.from_numpy(x), torch.from_numpy(y)
            # new variables for the hidden state, otherwise we'd backprop through the entire training history
            h = tuple([each.data for each in h])
            net.zero_grad()
            output, h = net(inputs, h)
            loss = criterion(output, targets.view(batch_size*seq_length).long())
            loss.backward()
            norm = nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
            if counter % print_every == 0:
                val_h = net.init_hidden(batch_size)
                val_losses = []
                net.eval()
                for x, y in get_batches(val_data, batch_size, seq_length):
                    x = one_hot_encode(x, n_chars)
                    x, y = torch.from_numpy(x), torch.from_numpy(y)
                    val_h = tuple([each.detach() for each in val_h])
                    output, val_h = net(x, val_h)
                    val_loss = criterion(output, y.view(batch_size*seq_length).long())
                    val_losses.append(val_loss.item())
                net.train()
                print("Epoch: {}/{}...".format(e+1, epochs), "Step: {}...".format(counter),
                      "Loss: {:.4f}...".format(loss.item()), "Val Loss: {:.4f}".format(np.mean(val_losses)),
                      "grad norm: {:.4f}".format(norm))
    return h


def predict(net, char, h=None, top_k=None, temperature=1.0):
    x = np.array([[char2int[char]]])
    x = one_hot_encode(x, len(net.chars))
    inputs = torch.from_numpy(x)
    h = tuple([each.data for each in h])
    out, h = net(inputs, h)
    p = F.softmax(out / temperature, dim=1).data
    if top_k is None:
        top_ch = np.arange(len(net.chars))
    else:
        p, top_ch = p.topk(top_k)
        top_ch = top_ch.numpy().squeeze()
    p = p.numpy().squeeze()
    char = np.random.choice(top_ch, p=p/p.sum())
    return int2char[char], h


def sample(net, size, prime='the', top_k=None, temperature=1.0):
    net.eval()
    chars = [ch for ch in prime]
    h = net.init_hidden(1)
    for ch in prime:
        char, h = predict(net, ch, h, top_k=top_k, temperature=temperature)
    chars.append(char)
    for ii in range(size):
        char, h = predict(net, chars[-1], h, top_k=top_k, temperature=temperature)
        chars.append(char)
    return ''.join(chars)


set_seed(2021)
net = CharRNN(chars)
print(net)
h = train_char(net, encoded)
print(h[0].shape, h[0].requires_grad, h[0].grad_fn, h[1].is_leaf, h[0].data.grad_fn)
print(net.lstm.weight_ih_l0.grad.shape, net.fc.bias.grad.abs().sum())
np.random.seed(0)
print(repr(sample(net, 20, prime='to be', top_k=4)))
np.random.seed(0)
with torch.no_grad():
    print(repr(sample(net, 20, prime='the', temperature=0.5)))
w = next(net.parameters()).data
print(w.new(2, 3).zero_(), w.new(2, 3).zero_().dtype, w.new(2, 3).requires_grad)
