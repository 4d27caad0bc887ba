import tinygrad_rnn as torch
# Sean Robertson's practical-pytorch batched seq2seq: padded batches sorted by length, a bidirectional GRU
# encoder over pack_padded_sequence whose two directions are summed, Luong attention scored in a loop into a
# zeros Variable, all decoder outputs written into one tensor, masked_cross_entropy built from
# torch.range/expand/gather, clip_grad_norm
import random
Variable = torch.autograd.Variable
nn = torch.nn
F = torch.nn.functional
optim = torch.optim

torch.manual_seed(0)
random.seed(0)
PAD_token, SOS_token, EOS_token = 0, 1, 2
pairs = [([3, 4, 5, 6], [7, 8, 9]), ([4, 5], [8, 9]), ([6, 5, 4], [9, 8, 7, 7]), ([3, 3, 4, 4, 5], [7, 7]),
         ([5], [9, 9, 8]), ([6, 6], [7])]
n_words = 10


def pad_seq(seq, max_length):
    seq += [PAD_token for i in range(max_length - len(seq))]
    return seq


def random_batch(batch_size):
    input_seqs = []
    target_seqs = []
    for i in range(batch_size):
        pair = random.choice(pairs)
        input_seqs.append(list(pair[0]) + [EOS_token])
        target_seqs.append(list(pair[1]) + [EOS_token])
    seq_pairs = sorted(zip(input_seqs, target_seqs), key=lambda p: len(p[0]), reverse=True)
    input_seqs, target_seqs = zip(*seq_pairs)
    input_lengths = [len(s) for s in input_seqs]
    input_padded = [pad_seq(s, max(input_lengths)) for s in input_seqs]
    target_lengths = [len(s) for s in target_seqs]
    target_padded = [pad_seq(s, max(target_lengths)) for s in target_seqs]
    input_var = Variable(torch.LongTensor(input_padded)).transpose(0, 1)  # (max_len x batch_size)
    target_var = Variable(torch.LongTensor(target_padded)).transpose(0, 1)
    return input_var, input_lengths, target_var, target_lengths


def sequence_mask(sequence_length, max_len=None):
    if max_len is None:
        max_len = sequence_length.data.max()
    batch_size = sequence_length.size(0)
    seq_range = torch.range(0, max_len - 1).long()
    seq_range_expand = seq_range.unsqueeze(0).expand(batch_size, max_len)
    seq_range_expand = Variable(seq_range_expand)
    seq_length_expand = (sequence_length.unsqueeze(1).expand_as(seq_range_expand))
    return seq_range_expand < seq_length_expand


def masked_cross_entropy(logits, target, length):
    length = Variable(torch.LongTensor(length))
    logits_flat = logits.view(-1, logits.size(-1))  # (batch * max_len, num_classes)
    log_probs_flat = F.log_softmax(logits_flat)
    target_flat = target.view(-1, 1)
    losses_flat = -torch.gather(log_probs_flat, dim=1, index=target_flat)
    losses = losses_flat.view(*target.size())
    mask = sequence_mask(sequence_length=length, max_len=target.size(1))
    losses = losses * mask.float()
    loss = losses.sum() / length.float().sum()
    return loss


print(sequence_mask(torch.LongTensor([3, 1, 2])))
print(sequence_mask(torch.LongTensor([2, 4]), 5).dtype)


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size, n_layers=1, dropout=0.1):
        super(EncoderRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.dropout = dropout
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=self.dropout, bidirectional=True)

    def forward(self, input_seqs, input_lengths, hidden=None):
        embedded = self.embedding(input_seqs)
        packed = torch.nn.utils.rnn.pack_padded_sequence(embedded, input_lengths)
        outputs, hidden = self.gru(packed, hidden)
        outputs, output_lengths = torch.nn.utils.rnn.pad_packed_sequence(outputs)  # unpack (back to padded)
        outputs = outputs[:, :, :self.hidden_size] + outputs[:, :, self.hidden_size:]  # Sum bidirectional outputs
        return outputs, hidden


class Attn(nn.Module):
    def __init__(self, method, hidden_size):
        super(Attn, self).__init__()
        self.method = method
        self.hidden_size = hidden_size
        if self.method == 'general':
            self.attn = nn.Linear(self.hidden_size, hidden_size)
        elif self.method == 'concat':
            self.attn = nn.Linear(self.hidden_size * 2, hidden_size)
            self.v = nn.Parameter(torch.FloatTensor(1, hidden_size))

    def forward(self, hidden, encoder_outputs):
        max_len = encoder_outputs.size(0)
        this_batch_size = encoder_outputs.size(1)
        attn_energies = Variable(torch.zeros(this_batch_size, max_len))  # B x S
        for b in range(this_batch_size):
            for i in range(max_len):
                attn_energies[b, i] = self.score(hidden[:, b], encoder_outputs[i, b].unsqueeze(0))
        return F.softmax(attn_energies).unsqueeze(1)

    def score(self, hidden, encoder_output):
        if self.method == 'dot':
            energy = torch.dot(hidden.view(-1), encoder_output.view(-1))
        elif self.method == 'general':
            energy = self.attn(encoder_output)
            energy = torch.dot(hidden.view(-1), energy.view(-1))
        return energy


class LuongAttnDecoderRNN(nn.Module):
    def __init__(self, attn_model, hidden_size, output_size, n_layers=1, dropout=0.1):
        super(LuongAttnDecoderRNN, self).__init__()
        self.attn_model = attn_model
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers
        self.dropout = dropout
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.embedding_dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, dropout=dropout)
        self.concat = nn.Linear(hidden_size * 2, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)
        if attn_model != 'none':
            self.attn = Attn(attn_model, hidden_size)

    def forward(self, input_seq, last_hidden, encoder_outputs):
        batch_size = input_seq.size(0)
        embedded = self.embedding(input_seq)
        embedded = self.embedding_dropout(embedded)
        embedded = embedded.view(1, batch_size, self.hidden_size)  # S=1 x B x N
        rnn_output, hidden = self.gru(embedded, last_hidden)
        attn_weights = self.attn(rnn_output, encoder_outputs)
        context = attn_weights.bmm(encoder_outputs.transpose(0, 1))  # B x S=1 x N
        rnn_output = rnn_output.squeeze(0)  # S=1 x B x N -> B x N
        context = context.squeeze(1)  # B x S=1 x N -> B x N
        concat_input = torch.cat((rnn_output, context), 1)
        concat_output = F.tanh(self.concat(concat_input))
        output = self.out(concat_output)
        return output, hidden, attn_weights


small_batch_size = 3
input_batches, input_lengths, target_batches, target_lengths = random_batch(small_batch_size)
print('input_batches', input_batches.size(), input_lengths)
print('target_batches', target_batches.size(), target_lengths)
print(input_batches.t(), input_batches.is_contiguous())

hidden_size = 8
n_layers = 2
encoder = EncoderRNN(n_words, hidden_size, n_layers)
decoder = LuongAttnDecoderRNN('general', hidden_size, n_words, n_layers)
print(encoder)
print(decoder)
encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.05)
clip = 50.0


def train(input_batches, input_lengths, target_batches, target_lengths):
    encoder_optimizer.zero_grad()
    decoder_optimizer.zero_grad()
    encoder_outputs, encoder_hidden = encoder(input_batches, input_lengths, None)
    batch_size = input_batches.size(1)
    decoder_input = Variable(torch.LongTensor([SOS_token] * batch_size))
    decoder_hidden = encoder_hidden[:decoder.n_layers]  # Use last (forward) hidden state from encoder
    max_target_length = max(target_lengths)
    all_decoder_outputs = Variable(torch.zeros(max_target_length, batch_size, decoder.output_size))
    for t in range(max_target_length):
        decoder_output, decoder_hidden, decoder_attn = decoder(decoder_input, decoder_hidden, encoder_outputs)
        all_decoder_outputs[t] = decoder_output
        decoder_input = target_batches[t]  # Next input is current target
    loss = masked_cross_entropy(
        all_decoder_outputs.transpose(0, 1).contiguous(),  # -> batch x seq
        target_batches.transpose(0, 1).contiguous(),  # -> batch x seq
        target_lengths)
    loss.backward()
    ec = torch.nn.utils.clip_grad_norm(encoder.parameters(), clip)
    dc = torch.nn.utils.clip_grad_norm(decoder.parameters(), clip)
    encoder_optimizer.step()
    decoder_optimizer.step()
    return loss.item(), ec, dc, all_decoder_outputs.grad_fn, decoder_attn.shape


encoder.train()
decoder.train()
for epoch in range(1, 7):  # the notebook's 50000 epochs, shrunk for the test suite's time
    loss, ec, dc, node, attn_shape = train(*random_batch(4))
    if epoch % 2 == 0:
        print('epoch %d loss %.4f' % (epoch, loss), ec, dc, node, attn_shape)

encoder.eval()
decoder.eval()
with torch.no_grad():
    input_seqs = [[3, 4, 5, 6, EOS_token]]
    input_batches = Variable(torch.LongTensor(input_seqs), volatile=True).transpose(0, 1)
    encoder_outputs, encoder_hidden = encoder(input_batches, [5], None)
    decoder_input = Variable(torch.LongTensor([SOS_token]), volatile=True)
    decoder_hidden = encoder_hidden[:decoder.n_layers]
    decoded_words = []
    decoder_attentions = torch.zeros(6, 6)
    for di in range(6):
        decoder_output, decoder_hidden, decoder_attention = decoder(decoder_input, decoder_hidden, encoder_outputs)
        decoder_attentions[di, :decoder_attention.size(2)] += decoder_attention.squeeze(0).squeeze(0).cpu().data
        topv, topi = decoder_output.data.topk(1)
        ni = topi[0][0]
        decoded_words.append(ni.item())
        if ni == EOS_token:
            break
        decoder_input = Variable(torch.LongTensor([ni]))
    print(decoded_words, decoder_attentions[:di + 1, :5].sum(1))
