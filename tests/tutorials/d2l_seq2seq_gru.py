import tinygrad_rnn as torch
nn = torch.nn
import math
import collections

# d2l's chapter on sequence-to-sequence learning, shrunk: a GRU encoder-decoder learns to
# "translate" tiny English phrases into made-up target phrases, with a masked cross-entropy,
# d2l's xavier init through `_flat_weights_names`, d2l's gradient clipping and greedy decoding. 30 epochs
# (the book's 300).
pairs = [("go .", "va !"), ("i lost .", "j'ai perdu ."), ("he's calm .", "il est calme ."),
         ("i'm home .", "je suis chez moi ."), ("hi .", "salut !"), ("run !", "cours !"),
         ("who ?", "qui ?"), ("wow !", "ça alors !")]


class Vocab:
    def __init__(self, tokens, reserved_tokens=()):
        counter = collections.Counter(tokens)
        self.idx_to_token = ['<unk>'] + list(reserved_tokens) + sorted(counter, key=lambda t: (-counter[t], t))
        self.token_to_idx = {t: i for i, t in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, 0)
        return [self.__getitem__(t) for t in tokens]


src_tokens = [s.split() for s, _ in pairs]
tgt_tokens = [t.split() for _, t in pairs]
src_vocab = Vocab([t for line in src_tokens for t in line], ['<pad>', '<bos>', '<eos>'])
tgt_vocab = Vocab([t for line in tgt_tokens for t in line], ['<pad>', '<bos>', '<eos>'])
num_steps = 6


def truncate_pad(line, num_steps, padding_token):
    if len(line) > num_steps:
        return line[:num_steps]
    return line + [padding_token] * (num_steps - len(line))


def build_array(lines, vocab, num_steps):
    lines = [vocab[l] + [vocab['<eos>']] for l in lines]
    array = torch.tensor([truncate_pad(l, num_steps, vocab['<pad>']) for l in lines])
    valid_len = (array != vocab['<pad>']).type(torch.int32).sum(1)
    return array, valid_len


src_array, src_valid_len = build_array(src_tokens, src_vocab, num_steps)
tgt_array, tgt_valid_len = build_array(tgt_tokens, tgt_vocab, num_steps)
print(src_array.shape, src_valid_len, tgt_valid_len.dtype)


class Seq2SeqEncoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super(Seq2SeqEncoder, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)

    def forward(self, X, *args):
        X = self.embedding(X)
        X = X.permute(1, 0, 2)
        output, state = self.rnn(X)
        return output, state


class Seq2SeqDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super(Seq2SeqDecoder, self).__init__(**kwargs)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, *args):
        return enc_outputs[1]

    def forward(self, X, state):
        X = self.embedding(X).permute(1, 0, 2)
        context = state[-1].repeat(X.shape[0], 1, 1)
        X_and_context = torch.cat((X, context), 2)
        output, state = self.rnn(X_and_context, state)
        output = self.dense(output).permute(1, 0, 2)
        return output, state


class EncoderDecoder(nn.Module):
    def __init__(self, encoder, decoder, **kwargs):
        super(EncoderDecoder, self).__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_outputs, *args)
        return self.decoder(dec_X, dec_state)


def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


class MaskedSoftmaxCELoss(nn.CrossEntropyLoss):
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = 'none'
        unweighted_loss = super(MaskedSoftmaxCELoss, self).forward(pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


def grad_clipping(net, theta):
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def xavier_init_weights(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)
    if type(m) == nn.GRU:
        for param in m._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(m._parameters[param])


torch.manual_seed(0)
embed_size, num_hiddens, num_layers, dropout = 16, 24, 2, 0.1
net = EncoderDecoder(Seq2SeqEncoder(len(src_vocab), embed_size, num_hiddens, num_layers, dropout),
                     Seq2SeqDecoder(len(tgt_vocab), embed_size, num_hiddens, num_layers, dropout))
net.apply(xavier_init_weights)
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
loss = MaskedSoftmaxCELoss()
net.train()
for epoch in range(30):
    optimizer.zero_grad()
    bos = torch.tensor([tgt_vocab['<bos>']] * tgt_array.shape[0]).reshape(-1, 1)
    dec_input = torch.cat([bos, tgt_array[:, :-1]], 1)
    Y_hat, _ = net(src_array, dec_input, src_valid_len)
    l = loss(Y_hat, tgt_array, tgt_valid_len)
    l.sum().backward()
    grad_clipping(net, 1)
    num_tokens = tgt_valid_len.sum()
    optimizer.step()
    if (epoch + 1) % 10 == 0:
        print(f'epoch {epoch + 1}, loss {l.sum().item() / num_tokens.item():.4f}')


def predict_seq2seq(net, src_sentence, src_vocab, tgt_vocab, num_steps):
    net.eval()
    src_tokens = src_vocab[src_sentence.lower().split(' ')] + [src_vocab['<eos>']]
    enc_valid_len = torch.tensor([len(src_tokens)])
    src_tokens = truncate_pad(src_tokens, num_steps, src_vocab['<pad>'])
    enc_X = torch.unsqueeze(torch.tensor(src_tokens, dtype=torch.long), dim=0)
    enc_outputs = net.encoder(enc_X, enc_valid_len)
    dec_state = net.decoder.init_state(enc_outputs, enc_valid_len)
    dec_X = torch.unsqueeze(torch.tensor([tgt_vocab['<bos>']], dtype=torch.long), dim=0)
    output_seq = []
    for _ in range(num_steps):
        Y, dec_state = net.decoder(dec_X, dec_state)
        dec_X = Y.argmax(dim=2)
        pred = dec_X.squeeze(dim=0).type(torch.int32).item()
        if pred == tgt_vocab['<eos>']:
            break
        output_seq.append(pred)
    return ' '.join([tgt_vocab.idx_to_token[i] for i in output_seq])


def bleu(pred_seq, label_seq, k):
    pred_tokens, label_tokens = pred_seq.split(' '), label_seq.split(' ')
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, k + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[' '.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / max(len_pred - n + 1, 1), math.pow(0.5, n))
    return score


with torch.no_grad():
    for eng, fra in pairs[:4]:
        translation = predict_seq2seq(net, eng, src_vocab, tgt_vocab, num_steps)
        print(f'{eng} => {translation}, bleu {bleu(translation, fra, k=2):.3f}')
