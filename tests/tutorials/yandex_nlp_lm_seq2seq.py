import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional

# Yandex Data School nlp_course: week 3's seminar "language models" (character-level, on arXiv titles there,
# names here) and week 4's "seq2seq with attention" homework, shrunk. Their helper code as written: to_matrix
# padding lines into an int32 numpy matrix with EOS, torch.as_tensor(..., dtype=torch.int64), the
# FixedWindowLanguageModel (Conv1d over a left-padded window), the RNNLanguageModel (nn.LSTM), compute_mask by
# torch.cumsum over eos plus F.pad, the loss from F.log_softmax + torch.gather, get_possible_next_tokens and a
# temperature sampler with np.random.choice; then the Vocab class, the BasicModel with a GRU encoder and a
# GRUCell decoder, one-hot log-probability loss with masked_select, an AttentionLayer with torch.where and a
# greedy decode_inference. (Tiny sizes, a few Adam steps each.)
torch.manual_seed(4)
np.random.seed(4)

names = ["anna", "boris", "clara", "dmitry", "elena", "fedor", "galina", "igor", "irina", "kira",
         "lev", "maria", "nikita", "olga", "pavel", "raisa", "sergey", "tanya", "vera", "yuri"]
BOS, EOS = " ", "\n"
lines = [BOS + name for name in names]
tokens = sorted(set("".join(lines)) | {EOS})
n_tokens = len(tokens)
token_to_id = {t: i for i, t in enumerate(tokens)}
print("n_tokens =", n_tokens, repr(tokens[:3]))


def to_matrix(lines, max_len=None, pad=token_to_id[EOS], dtype="int32", batch_first=True):
    """Casts a list of lines into a torch-digestable matrix"""
    max_len = max_len or max(map(len, lines))
    lines_ix = np.full([len(lines), max_len], pad, dtype=dtype)
    for i in range(len(lines)):
        line_ix = [token_to_id[c] for c in lines[i][:max_len]]
        lines_ix[i, :len(line_ix)] = line_ix
    if not batch_first:
        lines_ix = np.transpose(lines_ix)
    return lines_ix


dummy_lines = [" anna\n", " sergey", " olga\n"]
print(to_matrix(dummy_lines))


class FixedWindowLanguageModel(nn.Module):
    def __init__(self, n_tokens=n_tokens, emb_size=8, hid_size=16, window=4):
        super().__init__()
        self.window = window
        self.emb = nn.Embedding(n_tokens, emb_size)
        self.conv = nn.Conv1d(emb_size, hid_size, kernel_size=window)
        self.logits = nn.Linear(hid_size, n_tokens)

    def __call__(self, input_ix):
        emb = self.emb(input_ix).permute(0, 2, 1)                  # [batch, emb, time]
        padded = F.pad(emb, (self.window - 1, 0))                   # only the past is seen
        hid = F.relu(self.conv(padded)).permute(0, 2, 1)            # [batch, time, hid]
        return self.logits(hid)

    def get_possible_next_tokens(self, prefix=BOS, temperature=1.0, max_len=100):
        """:returns: probabilities of next token, dict {token : prob} for all tokens"""
        prefix_ix = torch.as_tensor(to_matrix([prefix]), dtype=torch.int64)
        with torch.no_grad():
            probs = torch.softmax(self(prefix_ix)[0, -1], dim=-1).cpu().numpy()  # shape: [n_tokens]
        return dict(zip(tokens, probs))


class RNNLanguageModel(nn.Module):
    def __init__(self, n_tokens=n_tokens, emb_size=8, hid_size=16):
        super().__init__()
        self.emb = nn.Embedding(n_tokens, emb_size)
        self.lstm = nn.LSTM(emb_size, hid_size, batch_first=True)
        self.logits = nn.Linear(hid_size, n_tokens)

    def __call__(self, input_ix):
        h_seq, (h_last, c_last) = self.lstm(self.emb(input_ix))
        return self.logits(h_seq)

    get_possible_next_tokens = FixedWindowLanguageModel.get_possible_next_tokens


def compute_mask(input_ix, eos_ix=token_to_id[EOS]):
    """ compute a boolean mask that equals "1" until first EOS (including that EOS) """
    return F.pad(torch.cumsum(input_ix == eos_ix, dim=-1)[..., :-1] < 1, pad=(1, 0, 0, 0), value=True)


def compute_loss(model, input_ix):
    """:param input_ix: int32 matrix of tokens, shape: [batch_size, length]; padded with eos_ix"""
    input_ix = torch.as_tensor(input_ix, dtype=torch.int64)
    logits = model(input_ix[:, :-1])
    reference_answers = input_ix[:, 1:]
    mask = compute_mask(reference_answers)
    logp = F.log_softmax(logits, dim=-1)
    logp_ref = torch.gather(logp, 2, reference_answers[:, :, None])[..., 0]
    return -(logp_ref * mask).sum() / mask.sum()


def generate(model, prefix=BOS, temperature=1.0, max_len=12):
    while True:
        token_probs = model.get_possible_next_tokens(prefix)
        tokens_, probs = zip(*token_probs.items())
        if temperature == 0:
            next_token = tokens_[np.argmax(probs)]
        else:
            probs = np.array([p ** (1. / temperature) for p in probs])
            probs /= sum(probs)
            next_token = np.random.choice(tokens_, p=probs)
        prefix += next_token
        if next_token == EOS or len(prefix) > max_len:
            break
    return prefix


matrix = to_matrix(dummy_lines)
print(compute_mask(torch.as_tensor(matrix, dtype=torch.int64)).to(torch.int32))
print(compute_mask(torch.as_tensor(matrix, dtype=torch.int64)).sum(-1), matrix.dtype)
for model in (FixedWindowLanguageModel(), RNNLanguageModel()):
    print(model)
    dummy_logits = model(torch.as_tensor(matrix, dtype=torch.int64))
    print(dummy_logits.shape, isinstance(dummy_logits, torch.Tensor))
    print(f"initial loss {compute_loss(model, matrix).item():.4f}, log(n_tokens) {np.log(n_tokens):.4f}")
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for i in range(6):
        batch = to_matrix([lines[j] + EOS for j in np.random.choice(len(lines), size=8)])
        loss_i = compute_loss(model, batch)
        opt.zero_grad()
        loss_i.backward()
        opt.step()
        print(i, round(loss_i.item(), 4), end="; ")
    print()
    probs = model.get_possible_next_tokens(" ")
    print(sorted(probs.items(), key=lambda kv: -kv[1])[:3], sum(probs.values()) > 0.999)
    print([generate(model, temperature=t) for t in (0, 0.5, 1.0)])


# ---- week 4: seq2seq with attention, translating names into their reversed spelling
class Vocab:
    def __init__(self, tokens, bos="_BOS_", eos="_EOS_", unk="_UNK_"):
        assert all(tok in tokens for tok in (bos, eos, unk))
        self.tokens = tokens
        self.token_to_ix = {t: i for i, t in enumerate(tokens)}
        self.bos, self.eos, self.unk = bos, eos, unk
        self.bos_ix, self.eos_ix, self.unk_ix = self.token_to_ix[bos], self.token_to_ix[eos], self.token_to_ix[unk]

    def __len__(self):
        return len(self.tokens)

    @staticmethod
    def from_lines(lines, bos="_BOS_", eos="_EOS_", unk="_UNK_"):
        flat = sorted(set(tok for line in lines for tok in line.split()))
        return Vocab([bos, eos, unk] + flat, bos, eos, unk)

    def to_matrix(self, lines, dtype=torch.int64, max_len=None):
        lines = list(map(str.split, lines))
        max_len = max_len or max(map(len, lines)) + 2
        matrix = torch.full((len(lines), max_len), self.eos_ix, dtype=dtype)
        for i, seq in enumerate(lines):
            row_ix = list(map(self.token_to_ix.get, seq))[:max_len]
            matrix[i, :len(row_ix) + 1] = torch.as_tensor([self.bos_ix] + row_ix)
        return matrix

    def to_lines(self, matrix, crop=True):
        matrix = np.asarray(matrix)
        lines = []
        for line_ix in map(list, matrix):
            if crop:
                if line_ix[0] == self.bos_ix:
                    line_ix = line_ix[1:]
                if self.eos_ix in line_ix:
                    line_ix = line_ix[:line_ix.index(self.eos_ix)]
            lines.append(" ".join(self.tokens[i] for i in line_ix))
        return lines

    def compute_mask(self, input_ix):
        return F.pad(torch.cumsum(input_ix == self.eos_ix, dim=-1)[..., :-1] < 1, pad=(1, 0, 0, 0), value=True)


src_lines = [" ".join(n[:5]) for n in names]
dst_lines = [" ".join(reversed(n[:5])) for n in names]
inp_voc, out_voc = Vocab.from_lines(src_lines), Vocab.from_lines(dst_lines)
batch_lines = src_lines[:3]
batch_ix = inp_voc.to_matrix(batch_lines)
print(batch_ix, batch_ix.dtype)
print(inp_voc.to_lines(batch_ix), inp_voc.compute_mask(batch_ix).sum(1))


class AttentionLayer(nn.Module):
    def __init__(self, name, enc_size, dec_size, hid_size, activ=torch.tanh):
        super().__init__()
        self.name, self.activ = name, activ
        self.linear_enc = nn.Linear(enc_size, hid_size)
        self.linear_dec = nn.Linear(dec_size, hid_size)
        self.linear_out = nn.Linear(hid_size, 1)

    def forward(self, enc, dec, inp_mask):
        a = self.linear_out(self.activ(self.linear_enc(enc) + self.linear_dec(dec).unsqueeze(1)))[..., 0]
        a = torch.where(inp_mask, a, torch.full_like(a, -1e9))
        probs = F.softmax(a, dim=-1)
        attn = (probs.unsqueeze(-1) * enc).sum(1)
        return attn, probs


class AttentiveModel(nn.Module):
    def __init__(self, name, inp_voc, out_voc, emb_size=8, hid_size=16, attn_size=8):
        super().__init__()
        self.inp_voc, self.out_voc, self.hid_size = inp_voc, out_voc, hid_size
        self.emb_inp = nn.Embedding(len(inp_voc), emb_size)
        self.emb_out = nn.Embedding(len(out_voc), emb_size)
        self.enc0 = nn.GRU(emb_size, hid_size, batch_first=True)
        self.dec_start = nn.Linear(hid_size, hid_size)
        self.dec0 = nn.GRUCell(emb_size + hid_size, hid_size)
        self.attention = AttentionLayer("attn", hid_size, hid_size, attn_size)
        self.logits = nn.Linear(hid_size, len(out_voc))

    def forward(self, inp, out):
        return self.decode(self.encode(inp), out)

    def encode(self, inp, **flags):
        enc_seq, _ = self.enc0(self.emb_inp(inp))
        lengths = (inp != self.inp_voc.eos_ix).to(torch.int64).sum(dim=1).clamp_max(inp.shape[1] - 1)
        last_state = enc_seq[torch.arange(len(enc_seq)), lengths]
        mask = self.inp_voc.compute_mask(inp)
        dec_start = self.dec_start(last_state)
        _, first_probs = self.attention(enc_seq, dec_start, mask)
        return [dec_start, enc_seq, mask, first_probs]

    def decode_step(self, prev_state, prev_tokens, **flags):
        prev_h, enc_seq, mask, _ = prev_state
        attn, probs = self.attention(enc_seq, prev_h, mask)
        new_h = self.dec0(torch.cat([self.emb_out(prev_tokens), attn], dim=-1), prev_h)
        return [new_h, enc_seq, mask, probs], self.logits(new_h)

    def decode(self, initial_state, out_tokens, **flags):
        batch_size = out_tokens.shape[0]
        state = initial_state
        onehot_bos = F.one_hot(torch.full([batch_size], self.out_voc.bos_ix, dtype=torch.int64),
                               num_classes=len(self.out_voc)).to(device=out_tokens.device)
        first_logits = torch.log(onehot_bos.to(torch.float32) + 1e-9)
        logits_sequence = [first_logits]
        for i in range(out_tokens.shape[1] - 1):
            state, logits = self.decode_step(state, out_tokens[:, i])
            logits_sequence.append(logits)
        return torch.stack(logits_sequence, dim=1)

    def decode_inference(self, initial_state, max_len=8, **flags):
        batch_size, device = len(initial_state[0]), initial_state[0].device
        state = initial_state
        outputs = [torch.full([batch_size], self.out_voc.bos_ix, dtype=torch.int64, device=device)]
        all_states = [initial_state]
        for i in range(max_len):
            state, logits = self.decode_step(state, outputs[-1])
            outputs.append(logits.argmax(dim=-1))
            all_states.append(state)
        return torch.stack(outputs, dim=1), all_states

    def translate_lines(self, inp_lines, **kwargs):
        inp = self.inp_voc.to_matrix(inp_lines).to(next(self.parameters()).device)
        out_ids, states = self.decode_inference(self.encode(inp), **kwargs)
        return self.out_voc.to_lines(out_ids.cpu().numpy()), states


def compute_loss_s2s(model, inp, out, **flags):
    mask = model.out_voc.compute_mask(out)  # [batch_size, out_len]
    targets_1hot = F.one_hot(out, len(model.out_voc)).to(torch.float32)
    logits_seq = model(inp, out)
    logprobs_seq = torch.log_softmax(logits_seq, dim=-1)
    logp_out = (logprobs_seq * targets_1hot).sum(dim=-1)
    return -torch.masked_select(logp_out, mask).mean()


model = AttentiveModel("attn", inp_voc, out_voc)
print(model)
dummy_translations, dummy_states = model.translate_lines(batch_lines, max_len=4)
print(len(dummy_states), [tuple(s.shape) for s in dummy_states[1]], dummy_states[1][3].sum(-1))
inp, out = inp_voc.to_matrix(src_lines), out_voc.to_matrix(dst_lines)
print(inp.shape, out.shape, model(inp, out).shape)
opt = torch.optim.Adam(model.parameters(), lr=2e-2)
for step in range(5):
    loss_t = compute_loss_s2s(model, inp, out)
    opt.zero_grad()
    loss_t.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()
    print(step, round(loss_t.item(), 4), round(grad_norm.item(), 3))
translations, states = model.translate_lines(src_lines[:4])
print(translations)
attn_probs = torch.stack([s[3] for s in states[1:]], dim=1)
print(attn_probs.shape, attn_probs[0, :2].round(decimals=3))
