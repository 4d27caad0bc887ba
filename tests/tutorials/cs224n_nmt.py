import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
pad_packed_sequence, pack_padded_sequence = torch.nn.utils.rnn.pad_packed_sequence, torch.nn.utils.rnn.pack_padded_sequence
from collections import namedtuple
import math

# CS224n assignment 4 style NMT, shrunk: a bidirectional LSTM encoder over packed sentences,
# an LSTMCell decoder with multiplicative attention, a combined-output projection with dropout,
# the log-likelihood of gold targets, and beam search.
torch.manual_seed(224)
Hypothesis = namedtuple('Hypothesis', ['value', 'score'])

src_sents = [['le', 'chat', 'dort', '.'], ['il', 'pleut'], ['le', 'chien', 'mange', 'le', 'pain', '.'],
             ['bonjour']]
tgt_sents = [['<s>', 'the', 'cat', 'sleeps', '.', '</s>'], ['<s>', 'it', 'rains', '</s>'],
             ['<s>', 'the', 'dog', 'eats', 'the', 'bread', '.', '</s>'], ['<s>', 'hello', '</s>']]


class VocabEntry(object):
    def __init__(self, words):
        self.word2id = {'<pad>': 0, '<s>': 1, '</s>': 2, '<unk>': 3}
        for w in words:
            if w not in self.word2id:
                self.word2id[w] = len(self.word2id)
        self.id2word = {v: k for k, v in self.word2id.items()}

    def __getitem__(self, word):
        return self.word2id.get(word, self.word2id['<unk>'])

    def __len__(self):
        return len(self.word2id)

    def words2indices(self, sents):
        return [[self[w] for w in s] for s in sents]

    def to_input_tensor(self, sents, device):
        word_ids = self.words2indices(sents)
        sents_t = pad_sents(word_ids, self['<pad>'])
        sents_var = torch.tensor(sents_t, dtype=torch.long, device=device)
        return torch.t(sents_var)


def pad_sents(sents, pad_token):
    max_len = max(len(s) for s in sents)
    return [s + [pad_token] * (max_len - len(s)) for s in sents]


src_vocab = VocabEntry(sorted({w for s in src_sents for w in s}))
tgt_vocab = VocabEntry(sorted({w for s in tgt_sents for w in s}))
print(len(src_vocab), len(tgt_vocab))


class ModelEmbeddings(nn.Module):
    def __init__(self, embed_size, vocab_src, vocab_tgt):
        super(ModelEmbeddings, self).__init__()
        self.embed_size = embed_size
        self.source = nn.Embedding(len(vocab_src), embed_size, padding_idx=vocab_src['<pad>'])
        self.target = nn.Embedding(len(vocab_tgt), embed_size, padding_idx=vocab_tgt['<pad>'])


class NMT(nn.Module):
    def __init__(self, embed_size, hidden_size, dropout_rate=0.2):
        super(NMT, self).__init__()
        self.model_embeddings = ModelEmbeddings(embed_size, src_vocab, tgt_vocab)
        self.hidden_size = hidden_size
        self.dropout_rate = dropout_rate
        self.encoder = nn.LSTM(embed_size, hidden_size, bias=True, bidirectional=True)
        self.decoder = nn.LSTMCell(embed_size + hidden_size, hidden_size, bias=True)
        self.h_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.c_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.att_projection = nn.Linear(2 * hidden_size, hidden_size, bias=False)
        self.combined_output_projection = nn.Linear(3 * hidden_size, hidden_size, bias=False)
        self.target_vocab_projection = nn.Linear(hidden_size, len(tgt_vocab), bias=False)
        self.dropout = nn.Dropout(p=self.dropout_rate)

    @property
    def device(self) -> torch.device:
        return self.model_embeddings.source.weight.device

    def forward(self, source, target):
        source_lengths = [len(s) for s in source]
        source_padded = src_vocab.to_input_tensor(source, device=self.device)
        target_padded = tgt_vocab.to_input_tensor(target, device=self.device)
        enc_hiddens, dec_init_state = self.encode(source_padded, source_lengths)
        enc_masks = self.generate_sent_masks(enc_hiddens, source_lengths)
        combined_outputs = self.decode(enc_hiddens, enc_masks, dec_init_state, target_padded)
        P = F.log_softmax(self.target_vocab_projection(combined_outputs), dim=-1)
        target_masks = (target_padded != tgt_vocab['<pad>']).float()
        target_gold_words_log_prob = torch.gather(P, index=target_padded[1:].unsqueeze(-1), dim=-1).squeeze(-1) \
            * target_masks[1:]
        scores = target_gold_words_log_prob.sum(dim=0)
        return scores

    def encode(self, source_padded, source_lengths):
        X = self.model_embeddings.source(source_padded)
        X_packed = pack_padded_sequence(X, source_lengths, enforce_sorted=False)
        enc_hiddens, (last_hidden, last_cell) = self.encoder(X_packed)
        enc_hiddens, lens = pad_packed_sequence(enc_hiddens)
        enc_hiddens = enc_hiddens.permute(1, 0, 2)
        print('enc_hiddens', enc_hiddens.shape, lens, enc_hiddens.grad_fn)
        init_decoder_hidden = self.h_projection(torch.cat((last_hidden[0], last_hidden[1]), dim=1))
        init_decoder_cell = self.c_projection(torch.cat((last_cell[0], last_cell[1]), 1))
        dec_init_state = (init_decoder_hidden, init_decoder_cell)
        return enc_hiddens, dec_init_state

    def decode(self, enc_hiddens, enc_masks, dec_init_state, target_padded):
        target_padded = target_padded[:-1]
        dec_state = dec_init_state
        batch_size = enc_hiddens.size(0)
        o_prev = torch.zeros(batch_size, self.hidden_size, device=self.device)
        combined_outputs = []
        enc_hiddens_proj = self.att_projection(enc_hiddens)
        Y = self.model_embeddings.target(target_padded)
        for Y_t in torch.split(Y, 1, dim=0):
            Y_t = torch.squeeze(Y_t, dim=0)
            Ybar_t = torch.cat((Y_t, o_prev), dim=1)
            dec_state, o_t, e_t = self.step(Ybar_t, dec_state, enc_hiddens, enc_hiddens_proj, enc_masks)
            combined_outputs.append(o_t)
            o_prev = o_t
        combined_outputs = torch.stack(combined_outputs, dim=0)
        return combined_outputs

    def step(self, Ybar_t, dec_state, enc_hiddens, enc_hiddens_proj, enc_masks):
        dec_state = self.decoder(Ybar_t, dec_state)
        dec_hidden, dec_cell = dec_state
        e_t = torch.bmm(enc_hiddens_proj, dec_hidden.unsqueeze(2)).squeeze(2)
        if enc_masks is not None:
            e_t.data.masked_fill_(enc_masks.bool(), -float('inf'))
        alpha_t = F.softmax(e_t, dim=1)
        a_t = torch.bmm(alpha_t.unsqueeze(1), enc_hiddens).squeeze(1)
        U_t = torch.cat((a_t, dec_hidden), dim=1)
        V_t = self.combined_output_projection(U_t)
        O_t = self.dropout(torch.tanh(V_t))
        return dec_state, O_t, e_t

    def generate_sent_masks(self, enc_hiddens, source_lengths):
        enc_masks = torch.zeros(enc_hiddens.size(0), enc_hiddens.size(1), dtype=torch.float)
        for e_id, src_len in enumerate(source_lengths):
            enc_masks[e_id, src_len:] = 1
        return enc_masks.to(self.device)

    def beam_search(self, src_sent, beam_size=3, max_decoding_time_step=8):
        src_sents_var = src_vocab.to_input_tensor([src_sent], self.device)
        src_encodings, dec_init_vec = self.encode(src_sents_var, [len(src_sent)])
        src_encodings_att_linear = self.att_projection(src_encodings)
        h_tm1 = dec_init_vec
        att_tm1 = torch.zeros(1, self.hidden_size, device=self.device)
        eos_id = tgt_vocab['</s>']
        hypotheses = [['<s>']]
        hyp_scores = torch.zeros(len(hypotheses), dtype=torch.float, device=self.device)
        completed_hypotheses = []
        t = 0
        while len(completed_hypotheses) < beam_size and t < max_decoding_time_step:
            t += 1
            hyp_num = len(hypotheses)
            exp_src_encodings = src_encodings.expand(hyp_num, src_encodings.size(1), src_encodings.size(2))
            exp_src_encodings_att_linear = src_encodings_att_linear.expand(
                hyp_num, src_encodings_att_linear.size(1), src_encodings_att_linear.size(2))
            y_tm1 = torch.tensor([tgt_vocab[hyp[-1]] for hyp in hypotheses], dtype=torch.long, device=self.device)
            y_t_embed = self.model_embeddings.target(y_tm1)
            x = torch.cat([y_t_embed, att_tm1], dim=-1)
            (h_t, cell_t), att_t, _ = self.step(x, h_tm1, exp_src_encodings, exp_src_encodings_att_linear,
                                                enc_masks=None)
            log_p_t = F.log_softmax(self.target_vocab_projection(att_t), dim=-1)
            live_hyp_num = beam_size - len(completed_hypotheses)
            contiuating_hyp_scores = (hyp_scores.unsqueeze(1).expand_as(log_p_t) + log_p_t).view(-1)
            top_cand_hyp_scores, top_cand_hyp_pos = torch.topk(contiuating_hyp_scores, k=live_hyp_num)
            prev_hyp_ids = top_cand_hyp_pos // len(tgt_vocab)
            hyp_word_ids = top_cand_hyp_pos % len(tgt_vocab)
            alt_ids = torch.div(top_cand_hyp_pos, len(tgt_vocab), rounding_mode='floor')
            print('t', t, prev_hyp_ids.tolist(), alt_ids.dtype, hyp_word_ids.tolist(), top_cand_hyp_scores)
            new_hypotheses, live_hyp_ids, new_hyp_scores = [], [], []
            for prev_hyp_id, hyp_word_id, cand_new_hyp_score in zip(prev_hyp_ids, hyp_word_ids, top_cand_hyp_scores):
                prev_hyp_id = prev_hyp_id.item()
                hyp_word_id = hyp_word_id.item()
                cand_new_hyp_score = cand_new_hyp_score.item()
                hyp_word = tgt_vocab.id2word[hyp_word_id]
                new_hyp_sent = hypotheses[prev_hyp_id] + [hyp_word]
                if hyp_word == '</s>':
                    completed_hypotheses.append(Hypothesis(value=new_hyp_sent[1:-1], score=cand_new_hyp_score))
                else:
                    new_hypotheses.append(new_hyp_sent)
                    live_hyp_ids.append(prev_hyp_id)
                    new_hyp_scores.append(cand_new_hyp_score)
            if len(completed_hypotheses) == beam_size:
                break
            live_hyp_ids = torch.tensor(live_hyp_ids, dtype=torch.long, device=self.device)
            h_tm1 = (h_t[live_hyp_ids], cell_t[live_hyp_ids])
            att_tm1 = att_t[live_hyp_ids]
            hypotheses = new_hypotheses
            hyp_scores = torch.tensor(new_hyp_scores, dtype=torch.float, device=self.device)
        if len(completed_hypotheses) == 0:
            completed_hypotheses.append(Hypothesis(value=hypotheses[0][1:], score=hyp_scores[0].item()))
        completed_hypotheses.sort(key=lambda hyp: hyp.score, reverse=True)
        return completed_hypotheses


model = NMT(embed_size=8, hidden_size=6, dropout_rate=0.2)
for p in model.parameters():
    p.data.uniform_(-0.1, 0.1)
print(model)
print(model.model_embeddings.source.weight[0], model.model_embeddings.source.padding_idx)
print(sum(p.numel() for p in model.parameters()))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
model.train()
for epoch in range(4):
    optimizer.zero_grad()
    example_losses = -model(src_sents, tgt_sents)
    batch_loss = example_losses.sum()
    loss = batch_loss / len(src_sents)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    tgt_words_num_to_predict = sum(len(s[1:]) for s in tgt_sents)
    print(epoch, example_losses, loss.item(), grad_norm, math.exp(batch_loss.item() / tgt_words_num_to_predict))
print(model.model_embeddings.source.weight.grad[0], model.model_embeddings.target.weight.grad[0])
print(model.decoder.weight_hh.grad[:2])

model.eval()
with torch.no_grad():
    hyps = model.beam_search(['le', 'chat', 'dort', '.'], beam_size=3, max_decoding_time_step=5)
for h in hyps:
    print(h.value, round(h.score, 4))
scores = torch.stack([torch.tensor(h.score) for h in hyps])
print(scores, scores.argmax())
params = {'args': {'embed_size': 8}, 'state_dict': model.state_dict()}
print(list(params['state_dict'].keys()))
