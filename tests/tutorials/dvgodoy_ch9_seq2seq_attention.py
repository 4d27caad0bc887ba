import tinygrad_rnn as torch
import copy
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

# Godoy's "Deep Learning with PyTorch Step-by-Step", chapter 9, shrunk: given the first two corners of
# a square, predict the other two. A GRU encoder-decoder with teacher forcing, then attention (scores,
# alphas, masks, multi-head), self-attention with a subsequent mask, and positional encoding. Models train
# 5 epochs (self-attention 3), the book's 100.


def generate_sequences(n=32, seed=13):
    basic_corners = np.array([[-1, -1], [-1, 1], [1, 1], [1, -1]])
    np.random.seed(seed)
    bases = np.random.randint(4, size=n)
    directions = np.random.randint(2, size=n)
    points = [basic_corners[[(b + i) % 4 for i in range(4)]][slice(None, None, d * 2 - 1)] + np.random.randn(4, 2) * 0.1
              for b, d in zip(bases, directions)]
    return points, directions


points, directions = generate_sequences(n=64, seed=13)
full_seq = torch.tensor(np.array(points)).float()
source_seq, target_seq = full_seq[:, :2], full_seq[:, 2:]
print(full_seq.shape, source_seq[0], target_seq[0])


class Encoder(nn.Module):
    def __init__(self, n_features, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.n_features = n_features
        self.hidden = None
        self.basic_rnn = nn.GRU(self.n_features, self.hidden_dim, batch_first=True)

    def forward(self, X):
        rnn_out, self.hidden = self.basic_rnn(X)
        return rnn_out


torch.manual_seed(21)
encoder = Encoder(n_features=2, hidden_dim=2)
hidden_seq = encoder(source_seq[:1])
hidden_final = hidden_seq[:, -1:]
print(hidden_seq, hidden_final, encoder.hidden)


class Decoder(nn.Module):
    def __init__(self, n_features, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.n_features = n_features
        self.hidden = None
        self.basic_rnn = nn.GRU(self.n_features, self.hidden_dim, batch_first=True)
        self.regression = nn.Linear(self.hidden_dim, self.n_features)

    def init_hidden(self, hidden_seq):
        hidden_final = hidden_seq[:, -1:]
        self.hidden = hidden_final.permute(1, 0, 2)

    def forward(self, X):
        batch_first_output, self.hidden = self.basic_rnn(X, self.hidden)
        last_output = batch_first_output[:, -1:]
        out = self.regression(last_output)
        return out.view(-1, 1, self.n_features)


torch.manual_seed(21)
decoder = Decoder(n_features=2, hidden_dim=2)
decoder.init_hidden(hidden_seq)
inputs = source_seq[:1, -1:]
target_len = 2
for i in range(target_len):
    print(f'Hidden: {decoder.hidden}')
    out = decoder(inputs)
    print(f'Output: {out}\n')
    inputs = out


class EncoderDecoder(nn.Module):
    def __init__(self, encoder, decoder, input_len, target_len, teacher_forcing_prob=0.5):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.input_len = input_len
        self.target_len = target_len
        self.teacher_forcing_prob = teacher_forcing_prob
        self.outputs = None

    def init_outputs(self, batch_size):
        device = next(self.parameters()).device
        self.outputs = torch.zeros(batch_size, self.target_len, self.encoder.n_features).to(device)

    def store_output(self, i, out):
        self.outputs[:, i:i + 1, :] = out

    def forward(self, X):
        source_seq = X[:, :self.input_len, :]
        target_seq = X[:, self.input_len:, :]
        self.init_outputs(X.shape[0])
        hidden_seq = self.encoder(source_seq)
        self.decoder.init_hidden(hidden_seq)
        dec_inputs = source_seq[:, -1:, :]
        for i in range(self.target_len):
            out = self.decoder(dec_inputs)
            self.store_output(i, out)
            prob = self.teacher_forcing_prob
            if not self.training:
                prob = 0
            if torch.rand(1) <= prob:
                dec_inputs = target_seq[:, i:i + 1, :]
            else:
                dec_inputs = out
        return self.outputs


torch.manual_seed(23)
encdec = EncoderDecoder(encoder, decoder, input_len=2, target_len=2, teacher_forcing_prob=0.5)
encdec.train()
print(encdec(full_seq[:1]))
encdec.eval()
print(encdec(source_seq[:1]), encdec.outputs.grad_fn)
print([name for name, _ in encdec.named_parameters()])

train_data = TensorDataset(full_seq, target_seq)
test_points, _ = generate_sequences(n=16, seed=19)
test_full = torch.tensor(np.array(test_points)).float()


def fit(model, n_epochs=5, lr=0.01, seed=42):
    torch.manual_seed(seed)
    loader = DataLoader(train_data, batch_size=16, shuffle=True)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for epoch in range(n_epochs):
        model.train()
        batch_losses = []
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            batch_losses.append(loss.item())
        losses.append(np.mean(batch_losses))
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(test_full[:, :2] if getattr(model, 'source_only', False) else test_full),
                      test_full[:, 2:]).item()
    return np.round(losses[::2], 5), round(val, 5)


torch.manual_seed(23)
model = EncoderDecoder(Encoder(2, 2), Decoder(2, 2), input_len=2, target_len=2, teacher_forcing_prob=0.5)
print('encdec', fit(model))

# attention by hand: scores, alphas and the context vector
full_seq1 = torch.tensor([[-1, -1], [-1, 1], [1, 1], [1, -1]]).float().view(1, 4, 2)
source_seq1 = full_seq1[:, :2]
target_seq1 = full_seq1[:, 2:]
torch.manual_seed(21)
encoder = Encoder(n_features=2, hidden_dim=2)
hidden_seq = encoder(source_seq1)
values = hidden_seq
keys = hidden_seq
torch.manual_seed(21)
decoder = Decoder(n_features=2, hidden_dim=2)
decoder.init_hidden(hidden_seq)
inputs = source_seq1[:, -1:]
out = decoder(inputs)
query = decoder.hidden.permute(1, 0, 2)
print(values, query)


def calc_alphas(ks, q):
    N, L, H = ks.size()
    alphas = torch.ones(N, 1, L).float() * 1 / L
    return alphas


alphas = calc_alphas(keys, query)
context_vector = torch.bmm(alphas, values)
print(alphas, context_vector)
concatenated = torch.cat([context_vector, query], axis=-1)
print(concatenated)
products = torch.bmm(query, keys.permute(0, 2, 1))
alphas = F.softmax(products, dim=-1)
print(products, alphas)
dims = query.size(-1)
scaled_products = products / np.sqrt(dims)
print(scaled_products)
torch.manual_seed(11)
dummy_q = torch.randn(1, 1, 256)
dummy_k = torch.randn(1, 4, 256)
print(F.softmax(torch.bmm(dummy_q, dummy_k.permute(0, 2, 1)) / np.sqrt(256), dim=-1))
print(torch.bmm(dummy_q, dummy_k.permute(0, 2, 1)).std(), dummy_q.var(unbiased=False).item() > 0)


class Attention(nn.Module):
    def __init__(self, hidden_dim, input_dim=None, proj_values=False):
        super().__init__()
        self.d_k = hidden_dim
        self.input_dim = hidden_dim if input_dim is None else input_dim
        self.proj_values = proj_values
        self.linear_query = nn.Linear(self.input_dim, hidden_dim)
        self.linear_key = nn.Linear(self.input_dim, hidden_dim)
        self.linear_value = nn.Linear(self.input_dim, hidden_dim)
        self.alphas = None

    def init_keys(self, keys):
        self.keys = keys
        self.proj_keys = self.linear_key(self.keys)
        self.values = self.linear_value(self.keys) if self.proj_values else self.keys

    def score_function(self, query):
        proj_query = self.linear_query(query)
        dot_products = torch.bmm(proj_query, self.proj_keys.permute(0, 2, 1))
        scores = dot_products / np.sqrt(self.d_k)
        return scores

    def forward(self, query, mask=None):
        scores = self.score_function(query)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        alphas = F.softmax(scores, dim=-1)
        self.alphas = alphas.detach()
        context = torch.bmm(alphas, self.values)
        return context


source_seq2 = torch.tensor([[[-1., 1.], [0., 0.]], [[1., 1.], [0., 0.]]])
source_mask = (source_seq2 != 0).all(axis=2).unsqueeze(1)
print(source_mask, source_mask.shape)
torch.manual_seed(11)
attnh = Attention(2)
attnh.init_keys(source_seq2)
context = attnh(torch.tensor([[[1., 0.]], [[0., 1.]]]), mask=source_mask)
print(context, attnh.alphas)


class DecoderAttn(nn.Module):
    def __init__(self, n_features, hidden_dim):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.n_features = n_features
        self.hidden = None
        self.basic_rnn = nn.GRU(self.n_features, self.hidden_dim, batch_first=True)
        self.attn = Attention(self.hidden_dim)
        self.regression = nn.Linear(2 * self.hidden_dim, self.n_features)

    def init_hidden(self, hidden_seq):
        self.attn.init_keys(hidden_seq)
        hidden_final = hidden_seq[:, -1:]
        self.hidden = hidden_final.permute(1, 0, 2)

    def forward(self, X, mask=None):
        batch_first_output, self.hidden = self.basic_rnn(X, self.hidden)
        query = batch_first_output[:, -1:]
        context = self.attn(query, mask=mask)
        concatenated = torch.cat([context, query], axis=-1)
        out = self.regression(concatenated)
        return out.view(-1, 1, self.n_features)


class EncoderDecoderAttn(EncoderDecoder):
    def __init__(self, encoder, decoder, input_len, target_len, teacher_forcing_prob=0.5):
        super().__init__(encoder, decoder, input_len, target_len, teacher_forcing_prob)
        self.alphas = None

    def init_outputs(self, batch_size):
        device = next(self.parameters()).device
        self.outputs = torch.zeros(batch_size, self.target_len, self.encoder.n_features).to(device)
        self.alphas = torch.zeros(batch_size, self.target_len, self.input_len).to(device)

    def store_output(self, i, out):
        self.outputs[:, i:i + 1, :] = out
        self.alphas[:, i:i + 1, :] = self.decoder.attn.alphas


torch.manual_seed(17)
model = EncoderDecoderAttn(Encoder(2, 2), DecoderAttn(2, 2), input_len=2, target_len=2, teacher_forcing_prob=0.5)
print('encdec attn', fit(model))
print(model.alphas[:2])


class MultiHeadAttention(nn.Module):
    def __init__(self, n_heads, d_model, input_dim=None, proj_values=True):
        super().__init__()
        self.linear_out = nn.Linear(n_heads * d_model, d_model)
        self.attn_heads = nn.ModuleList([Attention(d_model, input_dim=input_dim, proj_values=proj_values)
                                         for _ in range(n_heads)])

    def init_keys(self, key):
        for attn in self.attn_heads:
            attn.init_keys(key)

    @property
    def alphas(self):
        return torch.stack([attn.alphas for attn in self.attn_heads], dim=0)

    def output_function(self, contexts):
        concatenated = torch.cat(contexts, axis=-1)
        out = self.linear_out(concatenated)
        return out

    def forward(self, query, mask=None):
        contexts = [attn(query, mask=mask) for attn in self.attn_heads]
        out = self.output_function(contexts)
        return out


torch.manual_seed(11)
mha = MultiHeadAttention(n_heads=2, d_model=2, input_dim=2)
mha.init_keys(source_seq2)
print(mha(torch.ones(2, 1, 2), mask=source_mask), mha.alphas.shape)
print(mha)


# self-attention: encoder and decoder with the subsequent mask
class EncoderSelfAttn(nn.Module):
    def __init__(self, n_heads, d_model, ff_units, n_features=None):
        super().__init__()
        self.n_heads = n_heads
        self.d_model = d_model
        self.ff_units = ff_units
        self.n_features = n_features
        self.self_attn_heads = MultiHeadAttention(n_heads, d_model, input_dim=n_features)
        self.ffn = nn.Sequential(nn.Linear(d_model, ff_units), nn.ReLU(), nn.Linear(ff_units, d_model))

    def forward(self, query, mask=None):
        self.self_attn_heads.init_keys(query)
        att = self.self_attn_heads(query, mask)
        out = self.ffn(att)
        return out


class DecoderSelfAttn(nn.Module):
    def __init__(self, n_heads, d_model, ff_units, n_features=None):
        super().__init__()
        self.n_heads = n_heads
        self.d_model = d_model
        self.ff_units = ff_units
        self.n_features = d_model if n_features is None else n_features
        self.self_attn_heads = MultiHeadAttention(n_heads, d_model, input_dim=self.n_features)
        self.cross_attn_heads = MultiHeadAttention(n_heads, d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, ff_units), nn.ReLU(), nn.Linear(ff_units, self.n_features))

    def init_keys(self, states):
        self.cross_attn_heads.init_keys(states)

    def forward(self, query, source_mask=None, target_mask=None):
        self.self_attn_heads.init_keys(query)
        att1 = self.self_attn_heads(query, target_mask)
        att2 = self.cross_attn_heads(att1, source_mask)
        out = self.ffn(att2)
        return out


def subsequent_mask(size):
    attn_shape = (1, size, size)
    subsequent_mask = (1 - torch.triu(torch.ones(attn_shape), diagonal=1))
    return subsequent_mask


print(subsequent_mask(3), subsequent_mask(2).dtype)


class EncoderDecoderSelfAttn(nn.Module):
    def __init__(self, encoder, decoder, input_len, target_len):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.input_len = input_len
        self.target_len = target_len
        self.trg_masks = subsequent_mask(self.target_len)

    def encode(self, source_seq, source_mask):
        encoder_states = self.encoder(source_seq, source_mask)
        self.decoder.init_keys(encoder_states)

    def decode(self, shifted_target_seq, source_mask=None, target_mask=None):
        outputs = self.decoder(shifted_target_seq, source_mask=source_mask, target_mask=target_mask)
        return outputs

    def predict(self, source_seq, source_mask):
        inputs = source_seq[:, -1:]
        for i in range(self.target_len):
            out = self.decode(inputs, source_mask, self.trg_masks[:, :i + 1, :i + 1])
            out = torch.cat([inputs, out[:, -1:, :]], dim=-2)
            inputs = out.detach()
        outputs = inputs[:, 1:, :]
        return outputs

    def forward(self, X, source_mask=None):
        self.trg_masks = self.trg_masks.type_as(X).bool()
        source_seq = X[:, :self.input_len, :]
        self.encode(source_seq, source_mask)
        if self.training:
            shifted_target_seq = X[:, self.input_len - 1:-1, :]
            outputs = self.decode(shifted_target_seq, source_mask, self.trg_masks)
        else:
            outputs = self.predict(source_seq, source_mask)
        return outputs


torch.manual_seed(23)
encself = EncoderSelfAttn(n_heads=3, d_model=2, ff_units=10, n_features=2)
decself = DecoderSelfAttn(n_heads=3, d_model=2, ff_units=10, n_features=2)
model = EncoderDecoderSelfAttn(encself, decself, input_len=2, target_len=2)
print('self attn', fit(model, n_epochs=3))
print(model.trg_masks, model.decoder.self_attn_heads.alphas.shape)


# positional encoding as a buffer
class PositionalEncoding(nn.Module):
    def __init__(self, max_len, d_model):
        super().__init__()
        self.d_model = d_model
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len).float().unsqueeze(1)
        angular_speed = torch.exp(torch.arange(0, d_model, 2).float() * (-np.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * angular_speed)
        pe[:, 1::2] = torch.cos(position * angular_speed)
        self.register_buffer('pe', pe.unsqueeze(0))

    def forward(self, x):
        scaled_x = x * np.sqrt(self.d_model)
        encoded = scaled_x + self.pe[:, :x.size(1), :]
        return encoded


posenc = PositionalEncoding(4, 8)
print(posenc.pe, posenc.state_dict().keys(), list(posenc.buffers())[0].shape, list(posenc.parameters()))
print(posenc(torch.ones(1, 3, 8)).round(decimals=4))
print(np.round(posenc.pe[0].numpy() @ posenc.pe[0].numpy().T, 4))
posenc2 = PositionalEncoding(4, 2)
print(posenc2(full_seq[:1]), torch.norm(posenc2.pe[0, 0] - posenc2.pe[0, 1]))
copied = copy.deepcopy(posenc)
print(copied.pe is posenc.pe, torch.equal(copied.pe, posenc.pe), dict(copied.named_buffers()).keys())
