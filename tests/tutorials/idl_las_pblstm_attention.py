import tinygrad_rnn as torch
# CMU 11-785 HW4P2 style: Listen, Attend and Spell. The listener is a BiLSTM over padded utterances
# (pack_padded_sequence / pad_packed_sequence), then pyramidal BiLSTMs that halve time by
# concatenating neighbouring frames; the speller is an LSTMCell decoder with masked dot-product
# attention over the listener's keys and values, trained with teacher forcing and cross-entropy.
nn = torch.nn
F = torch.nn.functional
pack_padded_sequence = nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = nn.utils.rnn.pad_packed_sequence
pad_sequence = nn.utils.rnn.pad_sequence

torch.manual_seed(11785)
VOCAB = ["<sos>", "<eos>", "a", "b", "c", "d", " "]
SOS, EOS = 0, 1

# a toy "speech" batch: MFCC-like frames of different lengths, transcripts of different lengths
lengths_x = [13, 9, 16, 6]
xs = [torch.randn(n, 15) for n in lengths_x]
texts = ["ab c", "dab", "cab da", "ba"]
ys = [torch.tensor([VOCAB.index(ch) for ch in t] + [EOS]) for t in texts]
x_pad = pad_sequence(xs, batch_first=True)
y_pad = pad_sequence(ys, batch_first=True, padding_value=EOS)
x_lens, y_lens = torch.tensor(lengths_x), torch.tensor([len(y) for y in ys])
print(x_pad.shape, y_pad.shape, x_lens, y_lens, y_pad[1], x_pad[3, 6:].abs().sum())


class pBLSTM(nn.Module):
    """Halves the time axis (dropping an odd last frame) by stacking pairs of frames, then a BiLSTM."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.blstm = nn.LSTM(input_size * 2, hidden_size, num_layers=1, bidirectional=True, batch_first=True)

    def forward(self, x_packed):
        x, x_lens = pad_packed_sequence(x_packed, batch_first=True)
        x, x_lens = self.trunc_reshape(x, x_lens)
        packed = pack_padded_sequence(x, x_lens, batch_first=True, enforce_sorted=False)
        out, _ = self.blstm(packed)
        return out

    def trunc_reshape(self, x, x_lens):
        if x.shape[1] % 2 == 1:
            x = x[:, :-1, :]
        x = x.reshape(x.shape[0], x.shape[1] // 2, x.shape[2] * 2)
        x_lens = torch.clamp(x_lens, max=x.shape[1] * 2) // 2
        return x, x_lens


class Listener(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.base_lstm = nn.LSTM(input_size, hidden_size, num_layers=1, bidirectional=True, batch_first=True)
        self.pBLSTMs = nn.Sequential(pBLSTM(2 * hidden_size, hidden_size), pBLSTM(2 * hidden_size, hidden_size))

    def forward(self, x, x_lens):
        packed = pack_padded_sequence(x, x_lens, batch_first=True, enforce_sorted=False)
        print("packed", type(packed).__name__, packed.data.shape, packed.batch_sizes, packed.sorted_indices,
              packed.unsorted_indices)
        out, (h, c) = self.base_lstm(packed)
        print("base", out.data.shape, h.shape, c.shape, out.data.grad_fn is not None)
        out = self.pBLSTMs(out)
        encoder_outputs, encoder_lens = pad_packed_sequence(out, batch_first=True)
        return encoder_outputs, encoder_lens


class Attention(nn.Module):
    """Keys and values from the listener, a query per decoder step; padded frames get -inf energy."""

    def __init__(self, encoder_dim, decoder_dim, projection_dim):
        super().__init__()
        self.key_projection = nn.Linear(encoder_dim, projection_dim)
        self.value_projection = nn.Linear(encoder_dim, projection_dim)
        self.query_projection = nn.Linear(decoder_dim, projection_dim)

    def set_key_value_mask(self, encoder_outputs, encoder_lens):
        _, encoder_max_seq_len, _ = encoder_outputs.shape
        self.key = self.key_projection(encoder_outputs)
        self.value = self.value_projection(encoder_outputs)
        self.padding_mask = torch.arange(encoder_max_seq_len).unsqueeze(0) >= encoder_lens.unsqueeze(1)

    def forward(self, decoder_output_embedding):
        query = self.query_projection(decoder_output_embedding)
        raw_weights = torch.bmm(self.key, query.unsqueeze(2)).squeeze(2)
        raw_weights = raw_weights.masked_fill(self.padding_mask, -float("inf"))
        attention_weights = F.softmax(raw_weights / torch.sqrt(torch.tensor(self.key.shape[-1])), dim=1)
        context = torch.bmm(attention_weights.unsqueeze(1), self.value).squeeze(1)
        return context, attention_weights


class Speller(nn.Module):
    def __init__(self, embed_size, decoder_hidden_size, projection_dim, vocab_size, attender):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=EOS)
        self.lstm_cells = nn.Sequential(nn.LSTMCell(embed_size + projection_dim, decoder_hidden_size),
                                        nn.LSTMCell(decoder_hidden_size, projection_dim))
        self.attend = attender
        self.char_prob = nn.Linear(2 * projection_dim, vocab_size)
        self.char_prob.weight = self.embedding.weight if embed_size == 2 * projection_dim else self.char_prob.weight

    def lstm_step(self, input_word, hidden_state):
        for i in range(len(self.lstm_cells)):
            hidden_state[i] = self.lstm_cells[i](input_word, hidden_state[i])
            input_word = hidden_state[i][0]
        return input_word, hidden_state

    def forward(self, encoder_outputs, encoder_lens, y=None, tf_rate=1.0):
        batch_size = encoder_outputs.shape[0]
        timesteps = y.shape[1] if y is not None else 8
        self.attend.set_key_value_mask(encoder_outputs, encoder_lens)
        char = torch.full((batch_size,), fill_value=SOS, dtype=torch.long)
        context = self.attend.value[:, 0, :]
        hidden_states = [None] * len(self.lstm_cells)
        attention_plot, predictions = [], []
        for t in range(timesteps):
            char_embed = self.embedding(char)
            if y is not None and t > 0 and torch.rand(1).item() < tf_rate:
                char_embed = self.embedding(y[:, t - 1])
            rnn_out, hidden_states = self.lstm_step(torch.cat([char_embed, context], dim=1), hidden_states)
            context, attention_weights = self.attend(rnn_out)
            attention_plot.append(attention_weights[0].detach())
            raw_pred = self.char_prob(torch.cat([rnn_out, context], dim=1))
            predictions.append(raw_pred)
            char = raw_pred.argmax(dim=-1)
        return torch.stack(predictions, dim=1), torch.stack(attention_plot, dim=0)


class LAS(nn.Module):
    def __init__(self, input_size, encoder_hidden, decoder_hidden, embed_size, projection_dim, vocab_size):
        super().__init__()
        self.encoder = Listener(input_size, encoder_hidden)
        self.decoder = Speller(embed_size, decoder_hidden, projection_dim, vocab_size,
                               Attention(2 * encoder_hidden, projection_dim, projection_dim))

    def forward(self, x, x_lens, y=None, tf_rate=1.0):
        encoder_outputs, encoder_lens = self.encoder(x, x_lens)
        print("encoder", encoder_outputs.shape, encoder_lens, encoder_lens.dtype)
        return self.decoder(encoder_outputs, encoder_lens, y, tf_rate)


model = LAS(15, 8, 12, 10, 5, len(VOCAB))
print(model)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), model.decoder.char_prob.weight is model.decoder.embedding.weight)
print([n for n, _ in model.named_parameters()][:6], len(list(model.state_dict())))
criterion = nn.CrossEntropyLoss(reduction="none")
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3, amsgrad=True, weight_decay=5e-6)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)

for epoch in range(3):
    model.train()
    optimizer.zero_grad()
    predictions, attention_plot = model(x_pad, x_lens, y_pad, tf_rate=1.0)
    print(predictions.shape, predictions.grad_fn.name(), attention_plot.shape, attention_plot[0])
    mask = torch.arange(y_pad.shape[1]).unsqueeze(0) < y_lens.unsqueeze(1)
    loss = criterion(predictions.reshape(-1, predictions.shape[2]), y_pad.reshape(-1))
    masked_loss = torch.sum(loss * mask.reshape(-1)) / torch.sum(mask)
    masked_loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    optimizer.step()
    scheduler.step(masked_loss.item())
    perplexity = torch.exp(masked_loss)
    print(epoch, masked_loss.item(), perplexity.item(), grad_norm.item(), optimizer.param_groups[0]["lr"])

print(model.decoder.embedding.weight.grad[EOS], model.encoder.base_lstm.weight_hh_l0_reverse.grad.abs().sum())

model.eval()
with torch.no_grad():
    predictions, attention_plot = model(x_pad, x_lens, y=None)
greedy = predictions.argmax(dim=2)
print(greedy, attention_plot.sum(1).round(decimals=4))
for row in greedy.tolist():
    out = []
    for idx in row:
        if idx == EOS:
            break
        out.append(VOCAB[idx])
    print(repr("".join(out)))

# the sorted-lengths path (enforce_sorted=True) and the packed-sequence round trip the listener relies on
order = torch.argsort(x_lens, descending=True)
packed_sorted = pack_padded_sequence(x_pad[order], x_lens[order], batch_first=True)
print(packed_sorted.batch_sizes, packed_sorted.sorted_indices, packed_sorted.unsorted_indices)
unpacked, lens = pad_packed_sequence(packed_sorted, batch_first=True, total_length=20)
print(unpacked.shape, lens, torch.equal(unpacked[:, :16], x_pad[order]))
pl = nn.utils.rnn.pack_sequence([torch.tensor([1.0, 2, 3]), torch.tensor([4.0, 5]), torch.tensor([6.0])])
print(pl, pad_packed_sequence(pl, padding_value=-1.0))
print(nn.utils.rnn.unpad_sequence(x_pad[:, :, :2], x_lens, batch_first=True)[3].shape,
      [t.shape for t in nn.utils.rnn.unpack_sequence(pl)])
