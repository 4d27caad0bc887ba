import tinygrad_rnn as torch
import math
nn = torch.nn

# "Dive into Deep Learning" (PyTorch, 1.0) chapter 11, shrunk: masked softmax through a sequence
# mask built with repeat_interleave, additive (LazyLinear) and scaled dot-product attention, and
# the Bahdanau attention decoder on a GRU encoder, initialised with d2l's init_seq2seq, trained
# with a masked loss, then greedy prediction with the attention weights kept.
torch.manual_seed(11)


def masked_softmax(X, valid_lens):
    def _sequence_mask(X, valid_len, value=0):
        maxlen = X.size(1)
        mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
        X[~mask] = value
        return X

    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = _sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])))
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]])))
s = torch.rand(2, 2, 4, requires_grad=True)
m = masked_softmax(s * 1, torch.tensor([2, 3]))
m.backward(torch.arange(16.).reshape(2, 2, 4))
print(m.grad_fn.name(), s.grad[0])


class DotProductAttention(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class AdditiveAttention(nn.Module):
    def __init__(self, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.LazyLinear(num_hiddens, bias=False)
        self.W_q = nn.LazyLinear(num_hiddens, bias=False)
        self.w_v = nn.LazyLinear(1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


queries = torch.normal(0, 1, (2, 1, 20))
keys = torch.normal(0, 1, (2, 10, 2))
values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
valid_lens = torch.tensor([2, 6])
attention = AdditiveAttention(num_hiddens=8, dropout=0.1)
print(attention)
attention.eval()
out = attention(queries, keys, values, valid_lens)
print(out, out.shape, attention.attention_weights.reshape((1, 1, 2, 10)))
print(attention, attention.W_q.weight.shape)
queries = torch.normal(0, 1, (2, 1, 2))
attention = DotProductAttention(dropout=0.5)
attention.eval()
print(attention(queries, keys, values, valid_lens), attention.attention_weights.sum(-1))


def init_seq2seq(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
    if type(module) == nn.GRU:
        for param in module._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(module._parameters[param])


class Seq2SeqEncoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size, num_hiddens, num_layers, dropout=dropout)
        self.apply(init_seq2seq)

    def forward(self, X, *args):
        embs = self.embedding(X.t().type(torch.int64))
        outputs, state = self.rnn(embs)
        return outputs, state


class Seq2SeqAttentionDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.attention = AdditiveAttention(num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.LazyLinear(vocab_size)
        self.apply(init_seq2seq)

    def init_state(self, enc_outputs, enc_valid_lens):
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]

    @property
    def attention_weights(self):
        return self._attention_weights


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, tgt_pad):
        super().__init__()
        self.encoder, self.decoder, self.tgt_pad = encoder, decoder, tgt_pad

    def forward(self, enc_X, dec_X, *args):
        enc_all_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        return self.decoder(dec_X, dec_state)[0]

    def loss(self, Y_hat, Y):
        l = nn.functional.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1,), reduction='none')
        mask = (Y.reshape(-1) != self.tgt_pad).type(torch.float32)
        return (l * mask).sum() / mask.sum()

    def predict_step(self, batch, num_steps, save_attention_weights=False):
        src, tgt, src_valid_len, _ = batch
        enc_all_outputs = self.encoder(src, src_valid_len)
        dec_state = self.decoder.init_state(enc_all_outputs, src_valid_len)
        outputs, attention_weights = [tgt[:, (0)].unsqueeze(1), ], []
        for _ in range(num_steps):
            Y, dec_state = self.decoder(outputs[-1], dec_state)
            outputs.append(Y.argmax(2))
            if save_attention_weights:
                attention_weights.append(self.decoder.attention_weights)
        return torch.cat(outputs[1:], 1), attention_weights


vocab_size, pad, bos, eos, num_steps = 12, 0, 1, 2, 6
src = torch.randint(3, vocab_size, (8, num_steps))
src_valid_len = torch.randint(2, num_steps + 1, (8,))
src[torch.arange(num_steps)[None, :] >= src_valid_len[:, None]] = pad
tgt = torch.cat([torch.full((8, 1), bos), src[:, :-1]], 1)
label = src.clone()
print(src, src_valid_len, tgt[:2])
encoder = Seq2SeqEncoder(vocab_size, embed_size=8, num_hiddens=16, num_layers=2)
decoder = Seq2SeqAttentionDecoder(vocab_size, embed_size=8, num_hiddens=16, num_layers=2)
model = Seq2Seq(encoder, decoder, tgt_pad=pad)
Y_hat = model(src, tgt, src_valid_len)
print(Y_hat.shape, Y_hat.grad_fn.name(), type(decoder.dense).__name__, decoder.dense.weight.shape)
decoder.apply(init_seq2seq)
print([(n, p.shape) for n, p in decoder.named_parameters()][:4])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(6):
    optimizer.zero_grad()
    l = model.loss(model(src, tgt, src_valid_len), label)
    l.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 1)
    optimizer.step()
    print(epoch, l, grad_norm)
model.eval()
preds, attn = model.predict_step((src[:2], tgt[:2], src_valid_len[:2], None), num_steps, save_attention_weights=True)
print(preds, len(attn), attn[0][0].shape)
attention_weights = torch.cat([step[0][0][0] for step in attn], 0)
print(attention_weights.reshape((1, 1, -1, num_steps)))


def bleu(pred_seq, label_seq, k):
    pred_tokens, label_tokens = pred_seq, label_seq
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, {}
        for i in range(len_label - n + 1):
            key = tuple(label_tokens[i: i + n])
            label_subs[key] = label_subs.get(key, 0) + 1
        for i in range(len_pred - n + 1):
            key = tuple(pred_tokens[i: i + n])
            if label_subs.get(key, 0) > 0:
                num_matches += 1
                label_subs[key] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


for p, lab in zip(preds.tolist(), label[:2].tolist()):
    print(p, lab, round(bleu(p, lab, k=2), 4))
