import tinygrad_rnn as torch
import collections
import math
nn = torch.nn

# "Dive into Deep Learning" (PyTorch, 1.0) chapter 10, shrunk: the machine-translation data pipeline
# (pad_or_trim, <bos>, valid lengths), a two-layer LSTM encoder-decoder whose decoder starts from the
# encoder's (h, c) and sees the context at every step, the masked loss, greedy decoding with a
# stop at <eos>, the beam search of section 10.8 over log-probabilities, and BLEU.
torch.manual_seed(108)
raw = [("go .", "va !"), ("hi .", "salut !"), ("run !", "cours !"), ("i won !", "j'ai gagné !"),
       ("i lost .", "j'ai perdu ."), ("he ran .", "il a couru ."), ("i try .", "j'essaye ."), ("who ?", "qui ?")]


class Vocab:
    def __init__(self, tokens=(), min_freq=0, reserved_tokens=()):
        if tokens and isinstance(tokens[0], list):
            tokens = [token for line in tokens for token in line]
        counter = collections.Counter(tokens)
        self.token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = list(sorted(set(['<unk>'] + list(reserved_tokens) + [
            token for token, freq in self.token_freqs if freq >= min_freq])))
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if hasattr(indices, '__len__') and len(indices) > 1:
            return [self.idx_to_token[int(index)] for index in indices]
        return self.idx_to_token[indices]

    @property
    def unk(self):
        return self.token_to_idx['<unk>']


num_steps = 5
src = [s.split() + ['<eos>'] for s, _ in raw]
tgt = [t.split() + ['<eos>'] for _, t in raw]


def _build_array(sentences, vocab, is_tgt=False):
    pad_or_trim = lambda seq, t: (seq[:t] if len(seq) > t else seq + ['<pad>'] * (t - len(seq)))  # noqa: E731
    sentences = [pad_or_trim(s, num_steps) for s in sentences]
    if is_tgt:
        sentences = [['<bos>'] + s for s in sentences]
    if vocab is None:
        vocab = Vocab(sentences, min_freq=0)
    array = torch.tensor([vocab[s] for s in sentences])
    valid_len = (array != vocab['<pad>']).type(torch.int32).sum(1)
    return array, vocab, valid_len


src_array, src_vocab, src_valid_len = _build_array(src, None)
tgt_array, tgt_vocab, _ = _build_array(tgt, None, True)
arrays = (src_array, tgt_array[:, :-1], src_valid_len, tgt_array[:, 1:])
print(len(src_vocab), len(tgt_vocab), [a.shape for a in arrays], src_valid_len, src_valid_len.dtype)
print(src_vocab.to_tokens(src_array[3]), tgt_vocab.to_tokens(arrays[1][3]))


def init_seq2seq(module):
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
    if type(module) == nn.LSTM:
        for param in module._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(module._parameters[param])


class Seq2SeqEncoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.LSTM(embed_size, num_hiddens, num_layers, dropout=dropout)
        self.apply(init_seq2seq)

    def forward(self, X, *args):
        embs = self.embedding(X.t().type(torch.int64))
        outputs, state = self.rnn(embs)
        return outputs, state


class Seq2SeqDecoder(nn.Module):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.LSTM(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.LazyLinear(vocab_size)
        self.apply(init_seq2seq)

    def init_state(self, enc_all_outputs, *args):
        return enc_all_outputs

    def forward(self, X, state):
        embs = self.embedding(X.t().type(torch.int32))
        enc_output, hidden_state = state
        context = enc_output[-1]
        context = context.repeat(embs.shape[0], 1, 1)
        embs_and_context = torch.cat((embs, context), -1)
        outputs, hidden_state = self.rnn(embs_and_context, hidden_state)
        outputs = self.dense(outputs).swapaxes(0, 1)
        return outputs, [enc_output, hidden_state]


encoder = Seq2SeqEncoder(len(src_vocab), 8, 16, 2, dropout=0.1)
decoder = Seq2SeqDecoder(len(tgt_vocab), 8, 16, 2, dropout=0.1)
enc_outputs, (h, c) = encoder(src_array)
print(enc_outputs.shape, h.shape, c.shape, h.grad_fn.name())
Y_hat, state = decoder(arrays[1], decoder.init_state((enc_outputs, (h, c))))
print(Y_hat.shape, type(decoder.dense).__name__, len(state[1]), state[1][1].shape)


def loss_fn(Y_hat, Y):
    l = nn.functional.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[-1]), Y.reshape(-1,), reduction='none')
    mask = (Y.reshape(-1) != tgt_vocab['<pad>']).type(torch.float32)
    return (l * mask).sum() / mask.sum()


params = list(encoder.parameters()) + list(decoder.parameters())
optimizer = torch.optim.Adam(params, lr=0.02)
for epoch in range(15):
    encoder.train(); decoder.train()
    Y_hat, _ = decoder(arrays[1], decoder.init_state(encoder(arrays[0])))
    l = loss_fn(Y_hat, arrays[3])
    optimizer.zero_grad()
    l.backward()
    norm = nn.utils.clip_grad_norm_(params, 1)
    optimizer.step()
    if epoch % 3 == 0:
        print(epoch, l.item(), norm)
encoder.eval(); decoder.eval()


def predict_greedy(src_tokens):
    src_t, _, _ = _build_array([src_tokens], src_vocab)
    dec_state = decoder.init_state(encoder(src_t))
    outputs = [torch.tensor([[tgt_vocab['<bos>']]])]
    for _ in range(num_steps):
        Y, dec_state = decoder(outputs[-1], dec_state)
        outputs.append(Y.argmax(2))
        if outputs[-1].item() == tgt_vocab['<eos>']:
            break
    return [int(o) for o in torch.cat(outputs[1:], 1)[0]]


def predict_beam(src_tokens, k=3, alpha=0.75):
    src_t, _, _ = _build_array([src_tokens], src_vocab)
    enc_state = decoder.init_state(encoder(src_t))
    beams = [([tgt_vocab['<bos>']], 0.0, enc_state)]
    finished = []
    for _ in range(num_steps):
        candidates = []
        for seq, score, st in beams:
            Y, new_state = decoder(torch.tensor([[seq[-1]]]), st)
            log_probs = nn.functional.log_softmax(Y[0, -1], dim=-1)
            top_lp, top_ix = torch.topk(log_probs, k)
            for lp, ix in zip(top_lp.tolist(), top_ix.tolist()):
                candidates.append((seq + [ix], score + lp, new_state))
        candidates.sort(key=lambda c: c[1], reverse=True)
        beams = []
        for cand in candidates[:k]:
            (finished if cand[0][-1] == tgt_vocab['<eos>'] else beams).append(cand)
        if not beams:
            break
    finished += beams
    scored = [(seq[1:], score / math.pow(len(seq) - 1, alpha)) for seq, score, _ in finished]
    return max(scored, key=lambda s: s[1])


def bleu(pred_seq, label_seq, k):
    pred_tokens, label_tokens = pred_seq.split(' '), label_seq.split(' ')
    len_pred, len_label = len(pred_tokens), len(label_tokens)
    score = math.exp(min(0, 1 - len_label / len_pred))
    for n in range(1, min(k, len_pred) + 1):
        num_matches, label_subs = 0, collections.defaultdict(int)
        for i in range(len_label - n + 1):
            label_subs[' '.join(label_tokens[i: i + n])] += 1
        for i in range(len_pred - n + 1):
            if label_subs[' '.join(pred_tokens[i: i + n])] > 0:
                num_matches += 1
                label_subs[' '.join(pred_tokens[i: i + n])] -= 1
        score *= math.pow(num_matches / (len_pred - n + 1), math.pow(0.5, n))
    return score


with torch.no_grad():
    for en, fr in raw[:4]:
        greedy = tgt_vocab.to_tokens(predict_greedy(en.split() + ['<eos>']))
        beam, beam_score = predict_beam(en.split() + ['<eos>'])
        translation = ' '.join(t for t in greedy if t not in ('<eos>', '<pad>'))
        print(f'{en} => {translation}, bleu,{bleu(translation, fr, k=2):.3f}', tgt_vocab.to_tokens(beam),
              round(beam_score, 4))
