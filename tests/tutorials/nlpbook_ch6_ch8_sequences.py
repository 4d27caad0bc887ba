import tinygrad_rnn as torch
import numpy as np
nn, F, optim = torch.nn, torch.nn.functional, torch.optim
pack_padded_sequence = torch.nn.utils.rnn.pack_padded_sequence
pad_packed_sequence = torch.nn.utils.rnn.pad_packed_sequence
# Rao and McMahan, "Natural Language Processing with PyTorch", chapters 6 to 8: the ElmanRNN built on nn.RNNCell
# with column_gather for each sequence's last state (surname classification), the conditioned GRU surname generator
# (nationality embedding as the initial hidden state, sequence loss with ignore_index, masked accuracy, sampling
# with a temperature), and the NMT model: a bidirectional GRU encoder over packed sequences, a GRUCell decoder with
# verbose and terse attention and scheduled sampling. Made-up surnames and sentence pairs replace the datasets.
torch.manual_seed(1337)
np.random.seed(1337)


def column_gather(y_out, x_lengths):
    x_lengths = x_lengths.long().detach().cpu().numpy() - 1
    out = []
    for batch_index, column_index in enumerate(x_lengths):
        out.append(y_out[batch_index, column_index])
    return torch.stack(out)


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super(ElmanRNN, self).__init__()
        self.rnn_cell = nn.RNNCell(input_size, hidden_size)
        self.batch_first = batch_first
        self.hidden_size = hidden_size

    def _initial_hidden(self, batch_size):
        return torch.zeros((batch_size, self.hidden_size))

    def forward(self, x_in, initial_hidden=None):
        if self.batch_first:
            batch_size, seq_size, feat_size = x_in.size()
            x_in = x_in.permute(1, 0, 2)
        else:
            seq_size, batch_size, feat_size = x_in.size()
        hiddens = []
        if initial_hidden is None:
            initial_hidden = self._initial_hidden(batch_size)
            initial_hidden = initial_hidden.to(x_in.device)
        hidden_t = initial_hidden
        for t in range(seq_size):
            hidden_t = self.rnn_cell(x_in[t], hidden_t)
            hiddens.append(hidden_t)
        hiddens = torch.stack(hiddens)
        if self.batch_first:
            hiddens = hiddens.permute(1, 0, 2)
        return hiddens


surnames = [("smith", 0), ("walker", 0), ("taylor", 0), ("jones", 0), ("schmidt", 1), ("schneider", 1),
            ("fischer", 1), ("weber", 1), ("rossi", 2), ("russo", 2), ("ferrari", 2), ("bianchi", 2)]
chars = sorted({c for s, _ in surnames for c in s})
char_to_index = {"<MASK>": 0, "<BEGIN>": 1, "<END>": 2}
for c in chars:
    char_to_index[c] = len(char_to_index)
index_to_char = {i: c for c, i in char_to_index.items()}
max_len = max(len(s) for s, _ in surnames) + 2


def vectorize_surname(surname):
    indices = [1] + [char_to_index[c] for c in surname] + [2]
    from_vector = np.zeros(max_len, dtype=np.int64)
    to_vector = np.zeros(max_len, dtype=np.int64)
    from_vector[:len(indices) - 1] = indices[:-1]
    to_vector[:len(indices) - 1] = indices[1:]
    return from_vector, to_vector, len(indices)


class SurnameClassifier(nn.Module):
    def __init__(self, embedding_size, num_embeddings, num_classes, rnn_hidden_size, batch_first=True, padding_idx=0):
        super(SurnameClassifier, self).__init__()
        self.emb = nn.Embedding(num_embeddings=num_embeddings, embedding_dim=embedding_size, padding_idx=padding_idx)
        self.rnn = ElmanRNN(input_size=embedding_size, hidden_size=rnn_hidden_size, batch_first=batch_first)
        self.fc1 = nn.Linear(in_features=rnn_hidden_size, out_features=rnn_hidden_size)
        self.fc2 = nn.Linear(in_features=rnn_hidden_size, out_features=num_classes)

    def forward(self, x_in, x_lengths=None, apply_softmax=False):
        x_embedded = self.emb(x_in)
        y_out = self.rnn(x_embedded)
        if x_lengths is not None:
            y_out = column_gather(y_out, x_lengths)
        else:
            y_out = y_out[:, -1, :]
        y_out = F.relu(self.fc1(F.dropout(y_out, 0.5)))
        y_out = self.fc2(F.dropout(y_out, 0.5))
        if apply_softmax:
            y_out = F.softmax(y_out, dim=1)
        return y_out


vectors = [vectorize_surname(s) for s, _ in surnames]
x_data = torch.tensor(np.stack([v[0] for v in vectors]))
y_data = torch.tensor(np.stack([v[1] for v in vectors]))
x_lengths = torch.tensor([v[2] - 1 for v in vectors])
y_nation = torch.tensor([n for _, n in surnames])
classifier = SurnameClassifier(embedding_size=10, num_embeddings=len(char_to_index), num_classes=3, rnn_hidden_size=16)
optimizer = optim.Adam(classifier.parameters(), lr=0.01)
for epoch in range(12):
    classifier.train()
    optimizer.zero_grad()
    y_pred = classifier(x_data, x_lengths=x_lengths)
    loss = F.cross_entropy(y_pred, y_nation)
    loss.backward()
    optimizer.step()
    _, y_pred_indices = y_pred.max(dim=1)
    if epoch % 3 == 2:
        print(f"classifier epoch {epoch}: loss {loss.item():.4f} correct {torch.eq(y_pred_indices, y_nation).sum().item()}")
classifier.eval()
print(classifier(x_data[:2], x_lengths=x_lengths[:2], apply_softmax=True))
print("gathered:", column_gather(torch.arange(24.).view(2, 4, 3), torch.tensor([4, 2])))


# ---------------------------------------------------------------- chapter 7: conditioned surname generation
class SurnameGenerationModel(nn.Module):
    def __init__(self, char_embedding_size, char_vocab_size, num_nationalities, rnn_hidden_size, batch_first=True,
                 padding_idx=0, dropout_p=0.5, conditioned=True):
        super(SurnameGenerationModel, self).__init__()
        self.char_emb = nn.Embedding(num_embeddings=char_vocab_size, embedding_dim=char_embedding_size,
                                     padding_idx=padding_idx)
        self.nation_emb = nn.Embedding(num_embeddings=num_nationalities, embedding_dim=rnn_hidden_size)
        self.rnn = nn.GRU(input_size=char_embedding_size, hidden_size=rnn_hidden_size, batch_first=batch_first)
        self.fc = nn.Linear(in_features=rnn_hidden_size, out_features=char_vocab_size)
        self._dropout_p = dropout_p
        self._conditioned = conditioned

    def forward(self, x_in, nationality_index, apply_softmax=False):
        x_embedded = self.char_emb(x_in)
        nationality_embedded = self.nation_emb(nationality_index).unsqueeze(0)
        y_out, _ = self.rnn(x_embedded, nationality_embedded if self._conditioned else None)
        batch_size, seq_size, feat_size = y_out.shape
        y_out = y_out.contiguous().view(batch_size * seq_size, feat_size)
        y_out = self.fc(F.dropout(y_out, p=self._dropout_p))
        if apply_softmax:
            y_out = F.softmax(y_out, dim=1)
        new_feat_size = y_out.shape[-1]
        y_out = y_out.view(batch_size, seq_size, new_feat_size)
        return y_out


def normalize_sizes(y_pred, y_true):
    if len(y_pred.size()) == 3:
        y_pred = y_pred.contiguous().view(-1, y_pred.size(2))
    if len(y_true.size()) == 2:
        y_true = y_true.contiguous().view(-1)
    return y_pred, y_true


def sequence_loss(y_pred, y_true, mask_index):
    y_pred, y_true = normalize_sizes(y_pred, y_true)
    return F.cross_entropy(y_pred, y_true, ignore_index=mask_index)


def compute_accuracy(y_pred, y_true, mask_index):
    y_pred, y_true = normalize_sizes(y_pred, y_true)
    _, y_pred_indices = y_pred.max(dim=1)
    correct_indices = torch.eq(y_pred_indices, y_true).float()
    valid_indices = torch.ne(y_true, mask_index).float()
    n_correct = (correct_indices * valid_indices).sum().item()
    n_valid = valid_indices.sum().item()
    return n_correct / n_valid * 100


def sample_from_model(model, nationalities, sample_size=12, temperature=1.0):
    num_samples = len(nationalities)
    begin_seq_index = [1 for _ in range(num_samples)]
    begin_seq_index = torch.tensor(begin_seq_index, dtype=torch.int64).unsqueeze(dim=1)
    indices = [begin_seq_index]
    h_t = model.nation_emb(nationalities).unsqueeze(dim=0)
    for time_step in range(sample_size):
        x_t = indices[time_step]
        x_emb_t = model.char_emb(x_t)
        rnn_out_t, h_t = model.rnn(x_emb_t, h_t)
        prediction_vector = model.fc(rnn_out_t.squeeze(dim=1))
        probability_vector = F.softmax(prediction_vector / temperature, dim=1)
        indices.append(torch.multinomial(probability_vector, num_samples=1))
    indices = torch.stack(indices).squeeze().permute(1, 0)
    return indices


def decode_samples(sampled_indices):
    decoded = []
    for sample_index in sampled_indices:
        out = []
        for i in sample_index.tolist()[1:]:
            if i == 2:
                break
            out.append(index_to_char[i])
        decoded.append("".join(out))
    return decoded


generator = SurnameGenerationModel(char_embedding_size=12, char_vocab_size=len(char_to_index), num_nationalities=3,
                                   rnn_hidden_size=24, dropout_p=0.1)
optimizer = optim.Adam(generator.parameters(), lr=0.02)
for epoch in range(20):
    generator.train()
    optimizer.zero_grad()
    y_pred = generator(x_data, nationality_index=y_nation)
    loss = sequence_loss(y_pred, y_data, 0)
    loss.backward()
    nn.utils.clip_grad_norm_(generator.parameters(), 1.0)
    optimizer.step()
    if epoch % 5 == 4:
        print(f"generator epoch {epoch}: loss {loss.item():.4f} acc {compute_accuracy(y_pred, y_data, 0):.2f}")
generator.eval()
with torch.no_grad():
    sampled = sample_from_model(generator, torch.tensor([0, 1, 2, 0]), temperature=0.7)
print(sampled.shape, sampled.dtype)
print(decode_samples(sampled))


# ---------------------------------------------------------------- chapter 8: NMT with attention
pairs = [("je suis grand", "i am tall"), ("il est petit", "he is small"), ("elle est grande", "she is tall"),
         ("je suis petit", "i am small"), ("il est grand", "he is tall"), ("nous sommes grands", "we are tall")]
source_vocab, target_vocab = {"<MASK>": 0, "<BEGIN>": 1, "<END>": 2}, {"<MASK>": 0, "<BEGIN>": 1, "<END>": 2}
for src, tgt in pairs:
    for w in src.split():
        source_vocab.setdefault(w, len(source_vocab))
    for w in tgt.split():
        target_vocab.setdefault(w, len(target_vocab))
src_len = max(len(s.split()) for s, _ in pairs) + 2
tgt_len = max(len(t.split()) for _, t in pairs) + 1


def vectorize_pair(src, tgt):
    s = [1] + [source_vocab[w] for w in src.split()] + [2]
    t = [target_vocab[w] for w in tgt.split()]
    x_source = s + [0] * (src_len - len(s))
    x_target = ([1] + t) + [0] * (tgt_len - len(t) - 1)
    y_target = (t + [2]) + [0] * (tgt_len - len(t) - 1)
    return x_source, x_target, y_target, len(s)


rows = [vectorize_pair(s, t) for s, t in pairs]
rows[1] = vectorize_pair("il est", "he is")  # a shorter source: the packed encoder sees ragged lengths
data_dict = {"x_source": torch.tensor([r[0] for r in rows]), "x_target": torch.tensor([r[1] for r in rows]),
             "y_target": torch.tensor([r[2] for r in rows]), "x_source_length": torch.tensor([r[3] for r in rows])}
lengths = data_dict["x_source_length"].numpy()
sorted_length_indices = lengths.argsort()[::-1].tolist()
out_data_dict = {}
for name, tensor in data_dict.items():
    out_data_dict[name] = tensor[sorted_length_indices]
print("sorted lengths:", out_data_dict["x_source_length"])


class NMTEncoder(nn.Module):
    def __init__(self, num_embeddings, embedding_size, rnn_hidden_size):
        super(NMTEncoder, self).__init__()
        self.source_embedding = nn.Embedding(num_embeddings, embedding_size, padding_idx=0)
        self.birnn = nn.GRU(embedding_size, rnn_hidden_size, bidirectional=True, batch_first=True)

    def forward(self, x_source, x_lengths):
        x_embedded = self.source_embedding(x_source)
        x_packed = pack_padded_sequence(x_embedded, x_lengths.detach().cpu().numpy(), batch_first=True)
        x_birnn_out, x_birnn_h = self.birnn(x_packed)
        x_birnn_h = x_birnn_h.permute(1, 0, 2)
        x_birnn_h = x_birnn_h.contiguous().view(x_birnn_h.size(0), -1)
        x_unpacked, _ = pad_packed_sequence(x_birnn_out, batch_first=True)
        return x_unpacked, x_birnn_h


def verbose_attention(encoder_state_vectors, query_vector):
    batch_size, num_vectors, vector_size = encoder_state_vectors.size()
    vector_scores = torch.sum(encoder_state_vectors * query_vector.view(batch_size, 1, vector_size), dim=2)
    vector_probabilities = F.softmax(vector_scores, dim=1)
    weighted_vectors = encoder_state_vectors * vector_probabilities.view(batch_size, num_vectors, 1)
    context_vectors = torch.sum(weighted_vectors, dim=1)
    return context_vectors, vector_probabilities, vector_scores


def terse_attention(encoder_state_vectors, query_vector):
    vector_scores = torch.matmul(encoder_state_vectors, query_vector.unsqueeze(dim=2)).squeeze()
    vector_probabilities = F.softmax(vector_scores, dim=-1)
    context_vectors = torch.matmul(encoder_state_vectors.transpose(-2, -1),
                                   vector_probabilities.unsqueeze(dim=2)).squeeze()
    return context_vectors, vector_probabilities


class NMTDecoder(nn.Module):
    def __init__(self, num_embeddings, embedding_size, rnn_hidden_size, bos_index):
        super(NMTDecoder, self).__init__()
        self._rnn_hidden_size = rnn_hidden_size
        self.target_embedding = nn.Embedding(num_embeddings=num_embeddings, embedding_dim=embedding_size,
                                             padding_idx=0)
        self.gru_cell = nn.GRUCell(embedding_size + rnn_hidden_size, rnn_hidden_size)
        self.hidden_map = nn.Linear(rnn_hidden_size, rnn_hidden_size)
        self.classifier = nn.Linear(rnn_hidden_size * 2, num_embeddings)
        self.bos_index = bos_index
        self._sampling_temperature = 3

    def _init_indices(self, batch_size):
        return torch.ones(batch_size, dtype=torch.int64) * self.bos_index

    def _init_context_vectors(self, batch_size):
        return torch.zeros(batch_size, self._rnn_hidden_size)

    def forward(self, encoder_state, initial_hidden_state, target_sequence, sample_probability=0.0):
        if target_sequence is None:
            sample_probability = 1.0
        else:
            target_sequence = target_sequence.permute(1, 0)
            output_sequence_size = target_sequence.size(0)
        h_t = self.hidden_map(initial_hidden_state)
        batch_size = encoder_state.size(0)
        context_vectors = self._init_context_vectors(batch_size)
        y_t_index = self._init_indices(batch_size)
        output_vectors = []
        self._cached_p_attn = []
        for i in range(output_sequence_size):
            use_sample = np.random.random() < sample_probability
            if not use_sample:
                y_t_index = target_sequence[i]
            y_input_vector = self.target_embedding(y_t_index)
            rnn_input = torch.cat([y_input_vector, context_vectors], dim=1)
            h_t = self.gru_cell(rnn_input, h_t)
            context_vectors, p_attn, _ = verbose_attention(encoder_state_vectors=encoder_state, query_vector=h_t)
            self._cached_p_attn.append(p_attn.cpu().detach().numpy())
            prediction_vector = torch.cat((context_vectors, h_t), dim=1)
            score_for_y_t_index = self.classifier(F.dropout(prediction_vector, 0.3))
            if use_sample:
                p_y_t_index = F.softmax(score_for_y_t_index * self._sampling_temperature, dim=1)
                y_t_index = torch.multinomial(p_y_t_index, 1).squeeze()
            output_vectors.append(score_for_y_t_index)
        output_vectors = torch.stack(output_vectors).permute(1, 0, 2)
        return output_vectors


class NMTModel(nn.Module):
    def __init__(self, source_vocab_size, source_embedding_size, target_vocab_size, target_embedding_size,
                 encoding_size, target_bos_index):
        super(NMTModel, self).__init__()
        self.encoder = NMTEncoder(num_embeddings=source_vocab_size, embedding_size=source_embedding_size,
                                  rnn_hidden_size=encoding_size)
        decoding_size = encoding_size * 2
        self.decoder = NMTDecoder(num_embeddings=target_vocab_size, embedding_size=target_embedding_size,
                                  rnn_hidden_size=decoding_size, bos_index=target_bos_index)

    def forward(self, x_source, x_source_lengths, target_sequence, sample_probability=0.0):
        encoder_state, final_hidden_states = self.encoder(x_source, x_source_lengths)
        decoded_states = self.decoder(encoder_state=encoder_state, initial_hidden_state=final_hidden_states,
                                      target_sequence=target_sequence, sample_probability=sample_probability)
        return decoded_states


model = NMTModel(len(source_vocab), 8, len(target_vocab), 8, 10, 1)
optimizer = optim.Adam(model.parameters(), lr=0.01)
batch = out_data_dict
num_epochs = 10
for epoch_index in range(num_epochs):
    sample_probability = (20 + epoch_index) / num_epochs * 0.2
    model.train()
    optimizer.zero_grad()
    y_pred = model(batch["x_source"], batch["x_source_length"], batch["x_target"],
                   sample_probability=sample_probability)
    loss = sequence_loss(y_pred, batch["y_target"], 0)
    loss.backward()
    optimizer.step()
    print(f"nmt epoch {epoch_index}: loss {loss.item():.4f} acc {compute_accuracy(y_pred, batch['y_target'], 0):.2f}")
model.eval()
encoder_state, final_hidden = model.encoder(batch["x_source"], batch["x_source_length"])
print("encoder:", encoder_state.shape, final_hidden.shape)
context, p_attn, scores = verbose_attention(encoder_state, final_hidden)
terse_context, terse_p = terse_attention(encoder_state, final_hidden)
print("attention agrees:", torch.allclose(context, terse_context, atol=1e-6), torch.allclose(p_attn, terse_p))
print(p_attn)
print(np.stack(model.decoder._cached_p_attn).shape)
