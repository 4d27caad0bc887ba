import tinygrad_rnn as torch
import itertools
from collections import Counter
nn = torch.nn
pack_padded_sequence = torch.nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = torch.nn.utils.rnn.pad_packed_sequence
# sgrvinod's "a-PyTorch-Tutorial-to-Sequence-Labeling" (LM-LSTM-CRF): forward and backward char LSTMs
# over packed, length-sorted sequences, gathered at word markers; highway layers; a word BiLSTM; a CRF
# layer of emission + transition scores; the Viterbi loss with a hand-written log_sum_exp; Viterbi
# decoding with backpointers; clip_gradient and adjust_learning_rate by hand.
torch.manual_seed(1)
sentences = [["EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "."],
             ["Peter", "Blackburn"],
             ["BRUSSELS", "1996-08-22"],
             ["The", "European", "Commission", "said", "on", "Thursday"],
             ["Germany", "'s", "representative", "to", "the", "European", "Union"]]
tags = [["B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "O"],
        ["B-PER", "I-PER"],
        ["B-LOC", "O"],
        ["O", "B-ORG", "I-ORG", "O", "O", "O"],
        ["B-LOC", "O", "O", "O", "O", "B-ORG", "I-ORG"]]
word_freq = Counter(itertools.chain(*sentences))
char_freq = Counter(itertools.chain(*[" ".join(s) for s in sentences]))
tag_map = {t: i for i, t in enumerate(sorted(set(itertools.chain(*tags))))}
tag_map.update({'<start>': len(tag_map), '<end>': len(tag_map) + 1})
word_map = {w: i + 1 for i, w in enumerate(sorted(w for w in word_freq if word_freq[w] >= 1))}
word_map['<pad>'] = 0
word_map['<end>'] = len(word_map)
word_map['<unk>'] = len(word_map)
char_map = {c: i + 1 for i, c in enumerate(sorted(char_freq))}
char_map['<pad>'] = 0
char_map['<end>'] = len(char_map)
char_map['<unk>'] = len(char_map)
rev_tag_map = {v: k for k, v in tag_map.items()}
print(len(word_map), len(char_map), tag_map)
def create_input_tensors(words, tags, word_map, char_map, tag_map):
    # encode words with <end> and pad
    wmaps = list(map(lambda s: list(map(lambda w: word_map.get(w, word_map['<unk>']), s)) + [word_map['<end>']], words))
    # forward and backward character sequences, words separated by spaces, ending in <end>
    chars_f = list(map(lambda s: list(' '.join(s)) + [' '], words))
    chars_b = list(map(lambda s: list(reversed([' '] + list(' '.join(s)))), words))
    cmaps_f = list(map(lambda s: list(map(lambda c: char_map.get(c, char_map['<unk>']), s)) + [char_map['<end>']],
                       chars_f))
    cmaps_b = list(map(lambda s: list(map(lambda c: char_map.get(c, char_map['<unk>']), s)) + [char_map['<end>']],
                       chars_b))
    # positions of spaces and <end> character: where each word ends (forward) or starts (backward)
    cmarkers_f = list(map(lambda s: [ind for ind in range(len(s)) if s[ind] == char_map[' ']] + [len(s) - 1],
                          cmaps_f))
    cmarkers_b = list(map(lambda s: list(reversed([ind for ind in range(len(s)) if s[ind] == char_map[' ']]))
                          + [len(s) - 1], cmaps_b))
    # tags as indices into a flattened (prev_tag, current_tag) score matrix
    tmaps = list(map(lambda s: list(map(lambda t: tag_map[t], s)) + [tag_map['<end>']], tags))
    tmaps = list(map(lambda s: [tag_map['<start>'] * len(tag_map) + s[0]] +
                     [s[i - 1] * len(tag_map) + s[i] for i in range(1, len(s))], tmaps))
    word_pad_len = max(list(map(lambda s: len(s), wmaps)))
    char_pad_len = max(list(map(lambda s: len(s), cmaps_f)))
    padded_wmaps, padded_cmaps_f, padded_cmaps_b, padded_cmarkers_f, padded_cmarkers_b, padded_tmaps = \
        [], [], [], [], [], []
    wmap_lengths, cmap_lengths = [], []
    for w, cf, cb, cmf, cmb, t in zip(wmaps, cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, tmaps):
        assert len(w) == len(cmf) == len(cmb) == len(t)
        assert len(cmaps_f) == len(cmaps_b)
        padded_wmaps.append(w + [word_map['<pad>']] * (word_pad_len - len(w)))
        padded_cmaps_f.append(cf + [char_map['<pad>']] * (char_pad_len - len(cf)))
        padded_cmaps_b.append(cb + [char_map['<pad>']] * (char_pad_len - len(cb)))
        padded_cmarkers_f.append(cmf + [0] * (word_pad_len - len(w)))
        padded_cmarkers_b.append(cmb + [0] * (word_pad_len - len(w)))
        padded_tmaps.append(t + [tag_map['<pad>'] if '<pad>' in tag_map else 0] * (word_pad_len - len(t)))
        wmap_lengths.append(len(w))
        cmap_lengths.append(len(cf))
    padded_wmaps = torch.LongTensor(padded_wmaps)
    padded_cmaps_f = torch.LongTensor(padded_cmaps_f)
    padded_cmaps_b = torch.LongTensor(padded_cmaps_b)
    padded_cmarkers_f = torch.LongTensor(padded_cmarkers_f)
    padded_cmarkers_b = torch.LongTensor(padded_cmarkers_b)
    padded_tmaps = torch.LongTensor(padded_tmaps)
    wmap_lengths = torch.LongTensor(wmap_lengths)
    cmap_lengths = torch.LongTensor(cmap_lengths)
    return padded_wmaps, padded_cmaps_f, padded_cmaps_b, padded_cmarkers_f, padded_cmarkers_b, padded_tmaps, \
        wmap_lengths, cmap_lengths
inputs = create_input_tensors(sentences, tags, word_map, char_map, tag_map)
for name, x in zip(["wmaps", "cmaps_f", "cmaps_b", "cmarkers_f", "cmarkers_b", "tmaps", "wmap_lengths",
                    "cmap_lengths"], inputs):
    print(name, x.shape, x.dtype)
print(inputs[3][1], inputs[4][1], inputs[5][1], inputs[6], inputs[7])
class WCDataset(torch.utils.data.Dataset):
    def __init__(self, wmaps, cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, tmaps, wmap_lengths, cmap_lengths):
        self.wmaps, self.cmaps_f, self.cmaps_b = wmaps, cmaps_f, cmaps_b
        self.cmarkers_f, self.cmarkers_b, self.tmaps = cmarkers_f, cmarkers_b, tmaps
        self.wmap_lengths, self.cmap_lengths = wmap_lengths, cmap_lengths
        self.data_size = self.wmaps.size(0)
    def __getitem__(self, i):
        return self.wmaps[i], self.cmaps_f[i], self.cmaps_b[i], self.cmarkers_f[i], self.cmarkers_b[i], \
            self.tmaps[i], self.wmap_lengths[i], self.cmap_lengths[i]
    def __len__(self):
        return self.data_size
class Highway(nn.Module):
    def __init__(self, size, num_layers=1, dropout=0.5):
        super(Highway, self).__init__()
        self.size = size
        self.num_layers = num_layers
        self.transform = nn.ModuleList()
        self.gate = nn.ModuleList()
        self.dropout = nn.Dropout(p=dropout)
        for i in range(num_layers):
            transform = nn.Linear(size, size)
            gate = nn.Linear(size, size)
            self.transform.append(transform)
            self.gate.append(gate)
    def forward(self, x):
        transformed = nn.functional.relu(self.transform[0](x))
        g = torch.sigmoid(self.gate[0](x))
        out = g * transformed + (1 - g) * x
        for i in range(1, self.num_layers):
            out = self.dropout(out)
            transformed = nn.functional.relu(self.transform[i](out))
            g = torch.sigmoid(self.gate[i](out))
            out = g * transformed + (1 - g) * out
        return out
class CRF(nn.Module):
    def __init__(self, hidden_dim, tagset_size):
        super(CRF, self).__init__()
        self.tagset_size = tagset_size
        self.emission = nn.Linear(hidden_dim, self.tagset_size)
        self.transition = nn.Parameter(torch.Tensor(self.tagset_size, self.tagset_size))
        self.transition.data.zero_()
    def forward(self, feats):
        self.batch_size = feats.size(0)
        self.timesteps = feats.size(1)
        emission_scores = self.emission(feats)  # (batch_size, timesteps, tagset_size)
        emission_scores = emission_scores.unsqueeze(2).expand(self.batch_size, self.timesteps, self.tagset_size,
                                                              self.tagset_size)
        crf_scores = emission_scores + self.transition.unsqueeze(0).unsqueeze(0)
        return crf_scores  # (batch_size, timesteps, tagset_size (from), tagset_size (to))
class LM_LSTM_CRF(nn.Module):
    def __init__(self, tagset_size, charset_size, char_emb_dim, char_rnn_dim, char_rnn_layers, vocab_size,
                 lm_vocab_size, word_emb_dim, word_rnn_dim, word_rnn_layers, dropout, highway_layers=1):
        super(LM_LSTM_CRF, self).__init__()
        self.tagset_size = tagset_size
        self.charset_size = charset_size
        self.char_emb_dim = char_emb_dim
        self.char_rnn_dim = char_rnn_dim
        self.char_rnn_layers = char_rnn_layers
        self.wordset_size = vocab_size
        self.lm_vocab_size = lm_vocab_size
        self.word_emb_dim = word_emb_dim
        self.word_rnn_dim = word_rnn_dim
        self.word_rnn_layers = word_rnn_layers
        self.highway_layers = highway_layers
        self.char_embeds = nn.Embedding(self.charset_size, self.char_emb_dim)
        self.forw_char_lstm = nn.LSTM(self.char_emb_dim, self.char_rnn_dim, num_layers=self.char_rnn_layers,
                                      bidirectional=False, dropout=dropout)
        self.back_char_lstm = nn.LSTM(self.char_emb_dim, self.char_rnn_dim, num_layers=self.char_rnn_layers,
                                      bidirectional=False, dropout=dropout)
        self.word_embeds = nn.Embedding(self.wordset_size, self.word_emb_dim)
        self.word_blstm = nn.LSTM(self.word_emb_dim + self.char_rnn_dim * 2, self.word_rnn_dim // 2,
                                  num_layers=self.word_rnn_layers, bidirectional=True, dropout=dropout)
        self.crf = CRF((self.word_rnn_dim // 2) * 2, self.tagset_size)
        self.forw_lm_hw = Highway(self.char_rnn_dim, num_layers=self.highway_layers, dropout=dropout)
        self.back_lm_hw = Highway(self.char_rnn_dim, num_layers=self.highway_layers, dropout=dropout)
        self.subword_hw = Highway(2 * self.char_rnn_dim, num_layers=self.highway_layers, dropout=dropout)
        self.forw_lm_out = nn.Linear(self.char_rnn_dim, self.lm_vocab_size)
        self.back_lm_out = nn.Linear(self.char_rnn_dim, self.lm_vocab_size)
        self.dropout = nn.Dropout(p=dropout)
    def init_word_embeddings(self, embeddings):
        self.word_embeds.weight = nn.Parameter(embeddings)
    def fine_tune_word_embeddings(self, fine_tune=False):
        for p in self.word_embeds.parameters():
            p.requires_grad = fine_tune
    def forward(self, cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, wmaps, tmaps, wmap_lengths, cmap_lengths):
        self.batch_size = cmaps_f.size(0)
        self.word_pad_len = wmaps.size(1)
        # sort by decreasing true char sequence length
        cmap_lengths, char_sort_ind = cmap_lengths.sort(dim=0, descending=True)
        cmaps_f = cmaps_f[char_sort_ind]
        cmaps_b = cmaps_b[char_sort_ind]
        cmarkers_f = cmarkers_f[char_sort_ind]
        cmarkers_b = cmarkers_b[char_sort_ind]
        wmaps = wmaps[char_sort_ind]
        tmaps = tmaps[char_sort_ind]
        wmap_lengths = wmap_lengths[char_sort_ind]
        cf = self.char_embeds(cmaps_f)  # (batch_size, char_pad_len, char_emb_dim)
        cb = self.char_embeds(cmaps_b)
        cf = self.dropout(cf)
        cb = self.dropout(cb)
        cf = pack_padded_sequence(cf, cmap_lengths.tolist(), batch_first=True)  # packed sequence of char_emb_dim
        cb = pack_padded_sequence(cb, cmap_lengths.tolist(), batch_first=True)
        cf, _ = self.forw_char_lstm(cf)  # packed sequence of char_rnn_dim, with real sequence lengths
        cb, _ = self.back_char_lstm(cb)
        cf, _ = pad_packed_sequence(cf, batch_first=True)  # (batch_size, max_char_len_in_batch, char_rnn_dim)
        cb, _ = pad_packed_sequence(cb, batch_first=True)
        assert cf.size(1) == max(cmap_lengths.tolist()) == list(cmap_lengths)[0]
        # select RNN outputs only at marker points (spaces in the character sequence)
        cmarkers_f = cmarkers_f.unsqueeze(2).expand(self.batch_size, self.word_pad_len, self.char_rnn_dim)
        cmarkers_b = cmarkers_b.unsqueeze(2).expand(self.batch_size, self.word_pad_len, self.char_rnn_dim)
        cf_selected = torch.gather(cf, 1, cmarkers_f)  # (batch_size, word_pad_len, char_rnn_dim)
        cb_selected = torch.gather(cb, 1, cmarkers_b)
        # only for co-training, not useful for tagging after model is trained
        if self.training:
            lm_f = self.forw_lm_hw(self.dropout(cf_selected))
            lm_b = self.back_lm_hw(self.dropout(cb_selected))
            lm_f_scores = self.forw_lm_out(self.dropout(lm_f))  # (batch_size, word_pad_len, lm_vocab_size)
            lm_b_scores = self.back_lm_out(self.dropout(lm_b))
        # sort by decreasing true word sequence length
        wmap_lengths, word_sort_ind = wmap_lengths.sort(dim=0, descending=True)
        wmaps = wmaps[word_sort_ind]
        tmaps = tmaps[word_sort_ind]
        cf_selected = cf_selected[word_sort_ind]  # for subword information
        cb_selected = cb_selected[word_sort_ind]
        if self.training:
            lm_f_scores = lm_f_scores[word_sort_ind]
            lm_b_scores = lm_b_scores[word_sort_ind]
        w = self.word_embeds(wmaps)  # (batch_size, word_pad_len, word_emb_dim)
        w = self.dropout(w)
        subword = self.subword_hw(self.dropout(torch.cat((cf_selected, cb_selected), dim=2)))
        subword = self.dropout(subword)
        w = torch.cat((w, subword), dim=2)  # (batch_size, word_pad_len, word_emb_dim + 2 * char_rnn_dim)
        w = pack_padded_sequence(w, list(wmap_lengths), batch_first=True)
        w, _ = self.word_blstm(w)
        w, _ = pad_packed_sequence(w, batch_first=True)  # (batch_size, max_word_len_in_batch, word_rnn_dim)
        w = self.dropout(w)
        crf_scores = self.crf(w)  # (batch_size, max_word_len_in_batch, tagset_size, tagset_size)
        if self.training:
            return crf_scores, lm_f_scores, lm_b_scores, wmaps, tmaps, wmap_lengths, word_sort_ind, char_sort_ind
        else:
            return crf_scores, wmaps, tmaps, wmap_lengths, word_sort_ind, char_sort_ind
def log_sum_exp(tensor, dim):
    m, _ = torch.max(tensor, dim)
    m_expanded = m.unsqueeze(dim).expand_as(tensor)
    return m + torch.log(torch.sum(torch.exp(tensor - m_expanded), dim))
class ViterbiLoss(nn.Module):
    def __init__(self, tag_map):
        super(ViterbiLoss, self).__init__()
        self.tagset_size = len(tag_map)
        self.start_tag = tag_map['<start>']
        self.end_tag = tag_map['<end>']
    def forward(self, scores, targets, lengths):
        batch_size = scores.size(0)
        word_pad_len = scores.size(1)
        # gold score
        targets = targets.unsqueeze(2)
        scores_at_targets = torch.gather(scores.view(batch_size, word_pad_len, -1), 2, targets).squeeze(2)
        scores_at_targets = pack_padded_sequence(scores_at_targets, lengths, batch_first=True)
        gold_score = scores_at_targets.data.sum()
        # all paths' scores
        scores_upto_t = torch.zeros(batch_size, self.tagset_size)
        for t in range(max(lengths)):
            batch_size_t = sum([l > t for l in lengths])  # effective batch size (sans pads) at this timestep
            if t == 0:
                scores_upto_t[:batch_size_t] = scores[:batch_size_t, t, self.start_tag, :]
            else:
                scores_upto_t[:batch_size_t] = log_sum_exp(
                    scores[:batch_size_t, t, :, :] + scores_upto_t[:batch_size_t].unsqueeze(2), dim=1)
        all_paths_scores = scores_upto_t[:, self.end_tag].sum()
        viterbi_loss = all_paths_scores - gold_score
        viterbi_loss = viterbi_loss / batch_size
        return viterbi_loss
class ViterbiDecoder():
    def __init__(self, tag_map):
        self.tagset_size = len(tag_map)
        self.start_tag = tag_map['<start>']
        self.end_tag = tag_map['<end>']
    def decode(self, scores, lengths):
        batch_size = scores.size(0)
        word_pad_len = scores.size(1)
        scores_upto_t = torch.zeros(batch_size, self.tagset_size)
        backpointers = torch.ones((batch_size, max(lengths), self.tagset_size), dtype=torch.long) * self.end_tag
        for t in range(max(lengths)):
            batch_size_t = sum([l > t for l in lengths])
            if t == 0:
                scores_upto_t[:batch_size_t] = scores[:batch_size_t, t, self.start_tag, :]
                backpointers[:batch_size_t, t, :] = torch.ones((batch_size_t, self.tagset_size),
                                                               dtype=torch.long) * self.start_tag
            else:
                scores_upto_t[:batch_size_t], backpointers[:batch_size_t, t, :] = torch.max(
                    scores[:batch_size_t, t, :, :] + scores_upto_t[:batch_size_t].unsqueeze(2), dim=1)
        decoded = torch.zeros((batch_size, backpointers.size(1)), dtype=torch.long)
        pointer = torch.ones((batch_size, 1), dtype=torch.long) * self.end_tag
        for t in list(reversed(range(backpointers.size(1)))):
            decoded[:, t] = torch.gather(backpointers[:, t, :], 1, pointer).squeeze(1)
            pointer = decoded[:, t].unsqueeze(1)
        assert torch.equal(decoded[:, 0], torch.ones((batch_size), dtype=torch.long) * self.start_tag)
        decoded = torch.cat([decoded[:, 1:], torch.ones((batch_size, 1), dtype=torch.long) * self.start_tag], dim=1)
        return decoded
def clip_gradient(optimizer, grad_clip):
    for group in optimizer.param_groups:
        for param in group['params']:
            if param.grad is not None:
                param.grad.data.clamp_(-grad_clip, grad_clip)
def adjust_learning_rate(optimizer, new_lr):
    print("\nDECAYING learning rate.")
    for param_group in optimizer.param_groups:
        param_group['lr'] = new_lr
    print("The new learning rate is %f\n" % (optimizer.param_groups[0]['lr'],))
class AverageMeter(object):
    def __init__(self):
        self.reset()
    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0
    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count
# the pieces on their own first
t = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]], requires_grad=True)
lse = log_sum_exp(t, 1)
print(lse, torch.logsumexp(t, 1))
lse.sum().backward()
print(t.grad)
hw = Highway(4, num_layers=2, dropout=0.0)
x = torch.randn(3, 4)
print(hw(x), hw)
crf = CRF(6, len(tag_map))
print(crf(torch.randn(2, 3, 6)).shape, crf.transition.shape)
lengths = torch.LongTensor([2, 5, 3])
sorted_lengths, sort_ind = lengths.sort(dim=0, descending=True)
print(sorted_lengths, sort_ind)
packed = pack_padded_sequence(torch.randn(3, 5, 2)[sort_ind], sorted_lengths.tolist(), batch_first=True)
print(packed.batch_sizes, packed.data.shape, packed.sorted_indices)
unpacked, unpacked_lengths = pad_packed_sequence(packed, batch_first=True)
print(unpacked.shape, unpacked_lengths, unpacked[2, 2:])
# a training run
model = LM_LSTM_CRF(tagset_size=len(tag_map), charset_size=len(char_map), char_emb_dim=8, char_rnn_dim=10,
                    char_rnn_layers=1, vocab_size=len(word_map), lm_vocab_size=len(word_map), word_emb_dim=12,
                    word_rnn_dim=16, word_rnn_layers=1, dropout=0.3)
embeddings = torch.FloatTensor(len(word_map), 12)
bias = torch.sqrt(torch.tensor(3.0 / embeddings.size(1)))
torch.nn.init.uniform_(embeddings, -bias, bias)
model.init_word_embeddings(embeddings)
model.fine_tune_word_embeddings(True)
print(model)
print(sum(p.numel() for p in model.parameters()), [n for n, p in model.named_parameters()][:6])
optimizer = torch.optim.SGD(params=filter(lambda p: p.requires_grad, model.parameters()), lr=0.015, momentum=0.9)
lm_criterion = nn.CrossEntropyLoss()
crf_criterion = ViterbiLoss(tag_map)
vb_decoder = ViterbiDecoder(tag_map)
train_loader = torch.utils.data.DataLoader(WCDataset(*inputs), batch_size=3, shuffle=True, num_workers=0,
                                           pin_memory=False)
def train(train_loader, model, lm_criterion, crf_criterion, optimizer, epoch, vb_decoder):
    model.train()
    ce_losses = AverageMeter()
    vb_losses = AverageMeter()
    f1s = AverageMeter()
    for i, (wmaps, cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, tmaps, wmap_lengths, cmap_lengths) in enumerate(
            train_loader):
        max_word_len = max(wmap_lengths.tolist())
        max_char_len = max(cmap_lengths.tolist())
        # reduce batch's padded length to maximum in-batch sequence
        wmaps = wmaps[:, :max_word_len]
        cmaps_f = cmaps_f[:, :max_char_len]
        cmaps_b = cmaps_b[:, :max_char_len]
        cmarkers_f = cmarkers_f[:, :max_word_len]
        cmarkers_b = cmarkers_b[:, :max_word_len]
        tmaps = tmaps[:, :max_word_len]
        crf_scores, lm_f_scores, lm_b_scores, wmaps_sorted, tmaps_sorted, wmap_lengths_sorted, _, __ = \
            model(cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, wmaps, tmaps, wmap_lengths, cmap_lengths)
        # LM loss: predict the next word forward, the previous one backward
        lm_lengths = wmap_lengths_sorted - 1
        lm_lengths = lm_lengths.tolist()
        lm_f_scores = pack_padded_sequence(lm_f_scores, lm_lengths, batch_first=True).data
        lm_b_scores = pack_padded_sequence(lm_b_scores, lm_lengths, batch_first=True).data
        lm_f_targets = wmaps_sorted[:, 1:]
        lm_f_targets = pack_padded_sequence(lm_f_targets, lm_lengths, batch_first=True).data
        lm_b_targets = torch.cat(
            [torch.LongTensor([word_map['<end>']] * wmaps_sorted.size(0)).unsqueeze(1), wmaps_sorted], dim=1)
        lm_b_targets = pack_padded_sequence(lm_b_targets, lm_lengths, batch_first=True).data
        ce_loss = lm_criterion(lm_f_scores, lm_f_targets) + lm_criterion(lm_b_scores, lm_b_targets)
        vb_loss = crf_criterion(crf_scores, tmaps_sorted, wmap_lengths_sorted)
        loss = ce_loss + vb_loss
        optimizer.zero_grad()
        loss.backward()
        clip_gradient(optimizer, 5.)
        optimizer.step()
        decoded = vb_decoder.decode(crf_scores.to("cpu"), wmap_lengths_sorted.to("cpu"))
        decoded = pack_padded_sequence(decoded, (wmap_lengths_sorted - 1).tolist(), batch_first=True).data
        tmaps_sorted = tmaps_sorted % vb_decoder.tagset_size  # actual target indices (see create_input_tensors())
        tmaps_sorted = pack_padded_sequence(tmaps_sorted, (wmap_lengths_sorted - 1).tolist(), batch_first=True).data
        accuracy = (decoded == tmaps_sorted).float().mean().item()
        ce_losses.update(ce_loss.item(), sum(lm_lengths))
        vb_losses.update(vb_loss.item(), crf_scores.size(0))
        f1s.update(accuracy, sum(lm_lengths))
    print('Epoch: [{0}]\tCE Loss {ce_loss.avg:.4f}\tVB Loss {vb_loss.avg:.4f}\tAcc {f1.avg:.3f}'.format(
        epoch, ce_loss=ce_losses, vb_loss=vb_losses, f1=f1s))
    return crf_scores, decoded
lr = 0.015
for epoch in range(3):
    crf_scores, decoded = train(train_loader, model, lm_criterion, crf_criterion, optimizer, epoch, vb_decoder)
    if epoch == 1:
        adjust_learning_rate(optimizer, lr / (1 + (epoch + 1) * 0.05))
print(crf_scores.shape, crf_scores.grad_fn, decoded)
print(model.crf.transition.grad.abs().max() <= 5., model.crf.transition.data[:2])
# tagging with the trained model
model.eval()
with torch.no_grad():
    wmaps, cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, tmaps, wmap_lengths, cmap_lengths = inputs
    crf_scores, wmaps_sorted, tmaps_sorted, wmap_lengths_sorted, word_sort_ind, char_sort_ind = model(
        cmaps_f, cmaps_b, cmarkers_f, cmarkers_b, wmaps, tmaps, wmap_lengths, cmap_lengths)
    decoded = vb_decoder.decode(crf_scores, wmap_lengths_sorted)
    print(word_sort_ind, char_sort_ind, wmap_lengths_sorted)
    for row, length in zip(decoded.tolist(), wmap_lengths_sorted.tolist()):
        print([rev_tag_map[i] for i in row[:length - 1]])
    print(crf_criterion(crf_scores, tmaps_sorted, wmap_lengths_sorted))
