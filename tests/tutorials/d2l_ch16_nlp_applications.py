import tinygrad_rnn as torch
import collections
nn = torch.nn
F = torch.nn.functional
# Dive into Deep Learning chapter 16 (PyTorch edition): sentiment analysis with a bidirectional LSTM
# (torch.cat of outputs[0] and outputs[-1], xavier init over _flat_weights_names, frozen pretrained
# embeddings) and with textCNN (corr1d by loops, Conv1d over permuted embeddings, AdaptiveAvgPool1d,
# a constant embedding), then natural language inference with decomposable attention (bmm attention,
# softmax both ways, compare and aggregate MLPs).
torch.manual_seed(0)

reviews = [("a great movie with a wonderful cast", 1), ("a terrible boring film", 0),
           ("wonderful and moving , truly great", 1), ("boring plot and terrible acting", 0),
           ("i loved this great film", 1), ("i hated this boring movie", 0),
           ("the cast was wonderful", 1), ("the plot was terrible", 0)]


class Vocab:
    """Vocabulary for text."""
    def __init__(self, tokens=[], min_freq=0, reserved_tokens=[]):
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = list(sorted(set(['<unk>'] + reserved_tokens + [
            token for token, freq in self.token_freqs if freq >= min_freq])))
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    @property
    def unk(self):
        return self.token_to_idx['<unk>']


def truncate_pad(line, num_steps, padding_token):
    """Truncate or pad sequences."""
    if len(line) > num_steps:
        return line[:num_steps]  # Truncate
    return line + [padding_token] * (num_steps - len(line))  # Pad


train_tokens = [text.split() for text, _ in reviews]
vocab = Vocab(train_tokens, reserved_tokens=['<pad>'])
num_steps = 7  # sequence length
train_features = torch.tensor([truncate_pad(vocab[line], num_steps, vocab['<pad>']) for line in train_tokens])
train_labels = torch.tensor([label for _, label in reviews])
print(len(vocab), train_features.shape, train_features[0], train_labels)
train_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_features, train_labels),
                                         batch_size=4, shuffle=False)


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def train_batch_ch13(net, X, y, loss, trainer, devices='cpu'):
    """Train for a minibatch with multiple GPUs (defined in Chapter 13)."""
    if isinstance(X, list):
        # Required for BERT fine-tuning (to be covered later)
        X = [x.to(devices) for x in X]
    else:
        X = X.to(devices)
    y = y.to(devices)
    net.train()
    trainer.zero_grad()
    pred = net(X)
    l = loss(pred, y)
    l.sum().backward()
    trainer.step()
    train_loss_sum = l.sum()
    train_acc_sum = accuracy(pred, y)
    return train_loss_sum, train_acc_sum


def train_ch13(net, train_iter, loss, trainer, num_epochs):
    for epoch in range(num_epochs):
        metric = [0.0, 0.0, 0, 0]
        for i, (features, labels) in enumerate(train_iter):
            l, acc = train_batch_ch13(net, features, labels, loss, trainer)
            metric[0] += l.item()
            metric[1] += acc
            metric[2] += labels.shape[0]
            metric[3] += labels.numel()
        print(f'epoch {epoch + 1}, loss {metric[0] / metric[2]:.4f}, train acc {metric[1] / metric[3]:.3f}')


class BiRNN(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, **kwargs):
        super(BiRNN, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        # Set `bidirectional` to True to get a bidirectional RNN
        self.encoder = nn.LSTM(embed_size, num_hiddens, num_layers=num_layers, bidirectional=True)
        self.decoder = nn.Linear(4 * num_hiddens, 2)

    def forward(self, inputs):
        # The shape of `inputs` is (batch size, no. of time steps). Because
        # LSTM requires its input's first dimension to be the temporal
        # dimension, the input is transposed before obtaining token
        # representations. The output shape is (no. of time steps, batch size,
        # word vector dimension)
        embeddings = self.embedding(inputs.T)
        self.encoder.flatten_parameters()
        # Returns hidden states of the last hidden layer at different time
        # steps. The shape of `outputs` is (no. of time steps, batch size,
        # 2 * no. of hidden units)
        outputs, _ = self.encoder(embeddings)
        # Concatenate the hidden states at the initial and final time steps as
        # the input of the fully connected layer. Its shape is (batch size,
        # 4 * no. of hidden units)
        encoding = torch.cat((outputs[0], outputs[-1]), dim=1)
        outs = self.decoder(encoding)
        return outs


embed_size, num_hiddens, num_layers = 6, 5, 2
net = BiRNN(len(vocab), embed_size, num_hiddens, num_layers)


def init_weights(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
    if type(module) == nn.LSTM:
        for param in module._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(module._parameters[param])


net.apply(init_weights)
print(net, net.encoder._flat_weights_names)
embeds = torch.randn(len(vocab), embed_size) * 0.5  # stands for the pretrained GloVe vectors
net.embedding.weight.data.copy_(embeds)
net.embedding.weight.requires_grad = False
print(net.embedding.weight.requires_grad, sum(p.numel() for p in net.parameters() if p.requires_grad))
lr, num_epochs = 0.01, 3
trainer = torch.optim.Adam(net.parameters(), lr=lr)
loss = nn.CrossEntropyLoss(reduction="none")
train_ch13(net, train_iter, loss, trainer, num_epochs)
print(net.encoder.weight_hh_l1_reverse.grad[:2], net.embedding.weight.grad)


def predict_sentiment(net, vocab, sequence):
    """Predict the sentiment of a text sequence."""
    sequence = torch.tensor(vocab[sequence.split()], device='cpu')
    label = torch.argmax(net(sequence.reshape(1, -1)), dim=1)
    return 'positive' if label == 1 else 'negative'


net.eval()
print(predict_sentiment(net, vocab, 'this movie is so great'), net(train_features[:2]))


# 16.3 textCNN
def corr1d(X, K):
    w = K.shape[0]
    Y = torch.zeros((X.shape[0] - w + 1))
    for i in range(Y.shape[0]):
        Y[i] = (X[i: i + w] * K).sum()
    return Y


X, K = torch.tensor([0, 1, 2, 3, 4, 5, 6]), torch.tensor([1, 2])
print(corr1d(X, K))


def corr1d_multi_in(X, K):
    # First, iterate through the 0th dimension (channel dimension) of `X` and
    # `K`. Then, add them together
    return sum(corr1d(x, k) for x, k in zip(X, K))


X = torch.tensor([[0, 1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7], [2, 3, 4, 5, 6, 7, 8]])
K = torch.tensor([[1, 2], [3, 4], [-1, -3]])
print(corr1d_multi_in(X, K), F.conv1d(X[None].float(), K[None].float()))


class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_size, kernel_sizes, num_channels, **kwargs):
        super(TextCNN, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        # The embedding layer not to be trained
        self.constant_embedding = nn.Embedding(vocab_size, embed_size)
        self.dropout = nn.Dropout(0.5)
        self.decoder = nn.Linear(sum(num_channels), 2)
        # The max-over-time pooling layer has no parameters, so this instance
        # can be shared
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.relu = nn.ReLU()
        # Create multiple one-dimensional convolutional layers
        self.convs = nn.ModuleList()
        for c, k in zip(num_channels, kernel_sizes):
            self.convs.append(nn.Conv1d(2 * embed_size, c, k))

    def forward(self, inputs):
        # Concatenate two embedding layer outputs with shape (batch size, no.
        # of tokens, token vector dimension) along vectors
        embeddings = torch.cat((self.embedding(inputs), self.constant_embedding(inputs)), dim=2)
        # Per the input format of one-dimensional convolutional layers,
        # rearrange the tensor so that the second dimension stores channels
        embeddings = embeddings.permute(0, 2, 1)
        # For each one-dimensional convolutional layer, after max-over-time
        # pooling, a tensor of shape (batch size, no. of channels, 1) is
        # obtained. Remove the last dimension and concatenate along channels
        encoding = torch.cat([torch.squeeze(self.relu(self.pool(conv(embeddings))), dim=-1)
                              for conv in self.convs], dim=1)
        outputs = self.decoder(self.dropout(encoding))
        return outputs


torch.manual_seed(1)
embed_size, kernel_sizes, nums_channels = 6, [2, 3, 4], [4, 4, 4]
net = TextCNN(len(vocab), embed_size, kernel_sizes, nums_channels)


def init_weights(module):
    if type(module) in (nn.Linear, nn.Conv1d):
        nn.init.xavier_uniform_(module.weight)


net.apply(init_weights)
net.embedding.weight.data.copy_(embeds)
net.constant_embedding.weight.data.copy_(embeds)
net.constant_embedding.weight.requires_grad = False
print(net)
trainer = torch.optim.Adam(net.parameters(), lr=0.01)
loss = nn.CrossEntropyLoss(reduction="none")
train_ch13(net, train_iter, loss, trainer, 3)
net.eval()
print(predict_sentiment(net, vocab, 'this movie is so boring'), net(train_features[:2]))
emb = torch.cat((net.embedding(train_features[:2]), net.constant_embedding(train_features[:2])), dim=2).permute(0, 2, 1)
conv_out = net.convs[1](emb)
print(conv_out.shape, F.adaptive_avg_pool1d(conv_out, 3)[0, :2], F.adaptive_max_pool1d(conv_out, 1)[0, :, 0],
      F.max_pool1d(conv_out, kernel_size=conv_out.shape[-1])[0, :, 0], torch.max(conv_out, dim=2)[0][0])
pool = nn.AdaptiveAvgPool1d(2)
print(pool, pool(conv_out)[1], nn.AdaptiveMaxPool1d(2)(conv_out)[1])


# 16.5 natural language inference: decomposable attention
def mlp(num_inputs, num_hiddens, flatten):
    net = []
    net.append(nn.Dropout(0.2))
    net.append(nn.Linear(num_inputs, num_hiddens))
    net.append(nn.ReLU())
    if flatten:
        net.append(nn.Flatten(start_dim=1))
    net.append(nn.Dropout(0.2))
    net.append(nn.Linear(num_hiddens, num_hiddens))
    net.append(nn.ReLU())
    if flatten:
        net.append(nn.Flatten(start_dim=1))
    return nn.Sequential(*net)


class Attend(nn.Module):
    def __init__(self, num_inputs, num_hiddens, **kwargs):
        super(Attend, self).__init__(**kwargs)
        self.f = mlp(num_inputs, num_hiddens, flatten=False)

    def forward(self, A, B):
        # Shape of `A`/`B`: (`batch_size`, no. of tokens in sequence A/B,
        # `embed_size`)
        # Shape of `f_A`/`f_B`: (`batch_size`, no. of tokens in sequence A/B,
        # `num_hiddens`)
        f_A = self.f(A)
        f_B = self.f(B)
        # Shape of `e`: (`batch_size`, no. of tokens in sequence A,
        # no. of tokens in sequence B)
        e = torch.bmm(f_A, f_B.permute(0, 2, 1))
        # Shape of `beta`: (`batch_size`, no. of tokens in sequence A,
        # `embed_size`), where sequence B is softly aligned with each token
        # (axis 1 of `beta`) in sequence A
        beta = torch.bmm(F.softmax(e, dim=-1), B)
        # Shape of `alpha`: (`batch_size`, no. of tokens in sequence B,
        # `embed_size`), where sequence A is softly aligned with each token
        # (axis 1 of `alpha`) in sequence B
        alpha = torch.bmm(F.softmax(e.permute(0, 2, 1), dim=-1), A)
        return beta, alpha


class Compare(nn.Module):
    def __init__(self, num_inputs, num_hiddens, **kwargs):
        super(Compare, self).__init__(**kwargs)
        self.g = mlp(num_inputs, num_hiddens, flatten=False)

    def forward(self, A, B, beta, alpha):
        V_A = self.g(torch.cat([A, beta], dim=2))
        V_B = self.g(torch.cat([B, alpha], dim=2))
        return V_A, V_B


class Aggregate(nn.Module):
    def __init__(self, num_inputs, num_hiddens, num_outputs, **kwargs):
        super(Aggregate, self).__init__(**kwargs)
        self.h = mlp(num_inputs, num_hiddens, flatten=True)
        self.linear = nn.Linear(num_hiddens, num_outputs)

    def forward(self, V_A, V_B):
        # Sum up both sets of comparison vectors
        V_A = V_A.sum(dim=1)
        V_B = V_B.sum(dim=1)
        # Feed the concatenation of both summarization results into an MLP
        Y_hat = self.linear(self.h(torch.cat([V_A, V_B], dim=1)))
        return Y_hat


class DecomposableAttention(nn.Module):
    def __init__(self, vocab, embed_size, num_hiddens, num_inputs_attend=100, num_inputs_compare=200,
                 num_inputs_agg=400, **kwargs):
        super(DecomposableAttention, self).__init__(**kwargs)
        self.embedding = nn.Embedding(len(vocab), embed_size)
        self.attend = Attend(num_inputs_attend, num_hiddens)
        self.compare = Compare(num_inputs_compare, num_hiddens)
        # There are 3 possible outputs: entailment, contradiction, and neutral
        self.aggregate = Aggregate(num_inputs_agg, num_hiddens, num_outputs=3)

    def forward(self, X):
        premises, hypotheses = X
        A = self.embedding(premises)
        B = self.embedding(hypotheses)
        beta, alpha = self.attend(A, B)
        V_A, V_B = self.compare(A, B, beta, alpha)
        Y_hat = self.aggregate(V_A, V_B)
        return Y_hat


pairs = [("a cat sat on the mat", "a cat sat", 0), ("the dog chased the cat", "the cat chased the dog", 2),
         ("a man is playing", "a person plays music", 1), ("the film was great", "the film was terrible", 2),
         ("two dogs run", "animals run", 0), ("a woman sings", "a woman is on stage", 1)]
nli_vocab = Vocab([p.split() + h.split() for p, h, _ in pairs], reserved_tokens=['<pad>'])
premises = torch.tensor([truncate_pad(nli_vocab[p.split()], 6, nli_vocab['<pad>']) for p, _, _ in pairs])
hypotheses = torch.tensor([truncate_pad(nli_vocab[h.split()], 6, nli_vocab['<pad>']) for _, h, _ in pairs])
nli_labels = torch.tensor([label for _, _, label in pairs])
print(len(nli_vocab), premises[1], hypotheses[1])
torch.manual_seed(2)
embed_size, num_hiddens = 6, 8
net = DecomposableAttention(nli_vocab, embed_size, num_hiddens, num_inputs_attend=embed_size,
                            num_inputs_compare=2 * embed_size, num_inputs_agg=2 * num_hiddens)
net.embedding.weight.data.copy_(torch.randn(len(nli_vocab), embed_size))
trainer = torch.optim.Adam(net.parameters(), lr=0.01)
loss = nn.CrossEntropyLoss(reduction="none")
for epoch in range(3):
    l, acc = train_batch_ch13(net, [premises, hypotheses], nli_labels, loss, trainer)
    print(epoch, f'{l.item():.5f}', acc)
net.eval()
A, B = net.embedding(premises[:2]), net.embedding(hypotheses[:2])
beta, alpha = net.attend(A, B)
print(beta.shape, alpha.shape, beta[0, 0], alpha.grad_fn)
e = torch.bmm(net.attend.f(A), net.attend.f(B).permute(0, 2, 1))
print(F.softmax(e, dim=-1)[0, :2], F.softmax(e.permute(0, 2, 1), dim=-1).sum(-1)[0])


def predict_snli(net, vocab, premise, hypothesis):
    """Predict the logical relationship between the premise and hypothesis."""
    net.eval()
    premise = torch.tensor(vocab[premise], device='cpu')
    hypothesis = torch.tensor(vocab[hypothesis], device='cpu')
    label = torch.argmax(net([premise.reshape((1, -1)), hypothesis.reshape((1, -1))]), dim=1)
    return 'entailment' if label == 0 else 'contradiction' if label == 1 else 'neutral'


print(predict_snli(net, nli_vocab, ['a', 'cat', 'sat'], ['a', 'cat', 'sat', 'on', 'the', 'mat']))
