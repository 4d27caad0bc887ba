import tinygrad_rnn as torch
import copy
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

# Godoy's "Deep Learning with PyTorch Step-by-Step", chapter 10, shrunk: narrow multi-head attention by
# chunking, layer normalization by hand vs nn.LayerNorm, encoder/decoder layers with norm-first
# sublayers, nn.MultiheadAttention with masks, nn.TransformerEncoder/Decoder, nn.Transformer with
# generate_square_subsequent_mask, and a tiny vision transformer on image patches. The seq2seq models train
# 3 epochs on 32 squares (the book's 50 on 256).


def generate_sequences(n=32, seed=13):
    basic_corners = np.array([[-1, -1], [-1, 1], [1, 1], [1, -1]])
    np.random.seed(seed)
    bases = np.random.randint(4, size=n)
    directions = np.random.randint(2, size=n)
    points = [basic_corners[[(b + i) % 4 for i in range(4)]][slice(None, None, d * 2 - 1)] + np.random.randn(4, 2) * 0.1
              for b, d in zip(bases, directions)]
    return points, directions


points, directions = generate_sequences(n=32, seed=13)
full_train = torch.as_tensor(np.array(points)).float()
target_train = full_train[:, 2:]
test_points, _ = generate_sequences(n=16, seed=19)
full_test = torch.as_tensor(np.array(test_points)).float()


class MultiHeadedAttention(nn.Module):
    def __init__(self, n_heads, d_model, dropout=0.1):
        super(MultiHeadedAttention, self).__init__()
        self.n_heads = n_heads
        self.d_model = d_model
        self.d_k = int(d_model / n_heads)
        self.linear_query = nn.Linear(d_model, d_model)
        self.linear_key = nn.Linear(d_model, d_model)
        self.linear_value = nn.Linear(d_model, d_model)
        self.linear_out = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(p=dropout)
        self.alphas = None

    def make_chunks(self, x):
        batch_size, seq_len = x.size(0), x.size(1)
        x = x.view(batch_size, seq_len, self.n_heads, self.d_k)
        x = x.transpose(1, 2)
        return x

    def init_keys(self, key):
        self.proj_key = self.make_chunks(self.linear_key(key))
        self.proj_value = self.make_chunks(self.linear_value(key))

    def score_function(self, query):
        proj_query = self.make_chunks(self.linear_query(query))
        dot_products = torch.matmul(proj_query, self.proj_key.transpose(-2, -1))
        scores = dot_products / np.sqrt(self.d_k)
        return scores

    def attn(self, query, mask=None):
        scores = self.score_function(query)
        if mask is not None:
            scores = scores.masked_fill(mask == 0, -1e9)
        alphas = F.softmax(scores, dim=-1)
        alphas = self.dropout(alphas)
        self.alphas = alphas.detach()
        context = torch.matmul(alphas, self.proj_value)
        return context

    def output_function(self, contexts):
        out = self.linear_out(contexts)
        return out

    def forward(self, query, mask=None):
        if mask is not None:
            mask = mask.unsqueeze(1)
        context = self.attn(query, mask=mask)
        context = context.transpose(1, 2).contiguous()
        context = context.view(query.size(0), -1, self.d_model)
        out = self.output_function(context)
        return out


torch.manual_seed(13)
dummy = torch.randn(2, 3, 4)
mha = MultiHeadedAttention(n_heads=2, d_model=4, dropout=0.0)
mha.init_keys(dummy)
print(mha.proj_key.shape, mha.proj_key.is_contiguous())
out = mha(dummy, mask=torch.ones(2, 1, 3))
print(out, mha.alphas.shape, mha.alphas[0, 0])

# layer normalization by hand
d_model = 4
seq_len = 2
n_points = 3
torch.manual_seed(34)
data = torch.randn(n_points, seq_len, d_model)
pe = torch.zeros(1, seq_len, d_model)
inputs = data + pe
inputs_mean = inputs.mean(axis=2).unsqueeze(2)
inputs_var = inputs.var(axis=2, unbiased=False).unsqueeze(2)
print(inputs_mean, inputs_var)
print((inputs - inputs_mean) / torch.sqrt(inputs_var + 1e-5))
layer_norm = nn.LayerNorm(d_model)
normalized = layer_norm(inputs)
print(normalized, normalized[0][0].mean().abs() < 1e-6, normalized[0][0].std(unbiased=False))
print(layer_norm.state_dict(), layer_norm)
batch_norm = nn.BatchNorm1d(d_model, affine=False)
print(batch_norm(inputs.view(-1, d_model)).var(axis=0), batch_norm.running_mean)
print(F.layer_norm(inputs, (d_model,), eps=1e-3)[0, 0], F.layer_norm(inputs, (seq_len, d_model))[0, 0])
print(nn.LayerNorm(d_model, elementwise_affine=False).state_dict(), nn.LayerNorm([seq_len, d_model], bias=False))

# projections and embeddings
torch.manual_seed(11)
proj_dummy = nn.Linear(2, 6)
print(proj_dummy(full_train[:1]).shape)
embed = nn.Embedding(10, 3, padding_idx=0)
print(embed.weight[0], embed(torch.tensor([[1, 0, 2]])), embed)


class EncoderLayer(nn.Module):
    def __init__(self, n_heads, d_model, ff_units, dropout=0.1):
        super().__init__()
        self.n_heads = n_heads
        self.d_model = d_model
        self.ff_units = ff_units
        self.self_attn_heads = MultiHeadedAttention(n_heads, d_model, dropout)
        self.ffn = nn.Sequential(nn.Linear(d_model, ff_units), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(ff_units, d_model))
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.drop1 = nn.Dropout(dropout)
        self.drop2 = nn.Dropout(dropout)

    def forward(self, query, mask=None):
        norm_query = self.norm1(query)
        self.self_attn_heads.init_keys(norm_query)
        states = self.self_attn_heads(norm_query, mask)
        att = query + self.drop1(states)
        norm_att = self.norm2(att)
        out = self.ffn(norm_att)
        out = att + self.drop2(out)
        return out


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


class EncoderTransf(nn.Module):
    def __init__(self, encoder_layer, n_layers=1, max_len=100):
        super().__init__()
        self.d_model = encoder_layer.d_model
        self.pe = PositionalEncoding(max_len, self.d_model)
        self.norm = nn.LayerNorm(self.d_model)
        self.layers = nn.ModuleList([copy.deepcopy(encoder_layer) for _ in range(n_layers)])

    def forward(self, query, mask=None):
        x = self.pe(query)
        for layer in self.layers:
            x = layer(x, mask)
        return self.norm(x)


class DecoderLayer(nn.Module):
    def __init__(self, n_heads, d_model, ff_units, dropout=0.1):
        super().__init__()
        self.n_heads = n_heads
        self.d_model = d_model
        self.ff_units = ff_units
        self.self_attn_heads = MultiHeadedAttention(n_heads, d_model, dropout)
        self.cross_attn_heads = MultiHeadedAttention(n_heads, d_model, dropout)
        self.ffn = nn.Sequential(nn.Linear(d_model, ff_units), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(ff_units, d_model))
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.norm3 = nn.LayerNorm(d_model)
        self.drop1 = nn.Dropout(dropout)
        self.drop2 = nn.Dropout(dropout)
        self.drop3 = nn.Dropout(dropout)

    def init_keys(self, states):
        self.cross_attn_heads.init_keys(states)

    def forward(self, query, source_mask=None, target_mask=None):
        norm_query = self.norm1(query)
        self.self_attn_heads.init_keys(norm_query)
        states = self.self_attn_heads(norm_query, target_mask)
        att1 = query + self.drop1(states)
        norm_att1 = self.norm2(att1)
        encoder_states = self.cross_attn_heads(norm_att1, source_mask)
        att2 = att1 + self.drop2(encoder_states)
        norm_att2 = self.norm3(att2)
        out = self.ffn(norm_att2)
        out = att2 + self.drop3(out)
        return out


class DecoderTransf(nn.Module):
    def __init__(self, decoder_layer, n_layers=1, max_len=100):
        super(DecoderTransf, self).__init__()
        self.d_model = decoder_layer.d_model
        self.pe = PositionalEncoding(max_len, self.d_model)
        self.norm = nn.LayerNorm(self.d_model)
        self.layers = nn.ModuleList([copy.deepcopy(decoder_layer) for _ in range(n_layers)])

    def init_keys(self, states):
        for layer in self.layers:
            layer.init_keys(states)

    def forward(self, query, source_mask=None, target_mask=None):
        x = self.pe(query)
        for layer in self.layers:
            x = layer(x, source_mask, target_mask)
        return self.norm(x)


def subsequent_mask(size):
    attn_shape = (1, size, size)
    return (1 - torch.triu(torch.ones(attn_shape), diagonal=1))


class EncoderDecoderTransf(nn.Module):
    def __init__(self, encoder, decoder, input_len, target_len, n_features):
        super(EncoderDecoderTransf, self).__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.input_len = input_len
        self.target_len = target_len
        self.trg_masks = subsequent_mask(self.target_len)
        self.n_features = n_features
        self.proj = nn.Linear(n_features, encoder.d_model)
        self.linear = nn.Linear(encoder.d_model, n_features)

    def encode(self, source_seq, source_mask=None):
        source_proj = self.proj(source_seq)
        encoder_states = self.encoder(source_proj, source_mask)
        self.decoder.init_keys(encoder_states)

    def decode(self, shifted_target_seq, source_mask=None, target_mask=None):
        target_proj = self.proj(shifted_target_seq)
        outputs = self.decoder(target_proj, source_mask=source_mask, target_mask=target_mask)
        outputs = self.linear(outputs)
        return outputs

    def predict(self, source_seq, source_mask=None):
        inputs = source_seq[:, -1:]
        for i in range(self.target_len):
            out = self.decode(inputs, source_mask, self.trg_masks[:, :i + 1, :i + 1])
            out = torch.cat([inputs, out[:, -1:, :]], dim=-2)
            inputs = out.detach()
        outputs = out[:, 1:, :]
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


def fit(model, n_epochs=3, lr=0.01, seed=42):
    torch.manual_seed(seed)
    loader = DataLoader(TensorDataset(full_train, target_train), batch_size=16, shuffle=True)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    losses = []
    for epoch in range(n_epochs):
        model.train()
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            optimizer.zero_grad()
        losses.append(round(loss.item(), 5))
    model.eval()
    with torch.no_grad():
        val = loss_fn(model(full_test), full_test[:, 2:]).item()
    return losses, round(val, 5)


torch.manual_seed(42)
enclayer = EncoderLayer(n_heads=2, d_model=6, ff_units=10, dropout=0.1)
declayer = DecoderLayer(n_heads=2, d_model=6, ff_units=10, dropout=0.1)
enctransf = EncoderTransf(enclayer, n_layers=2)
dectransf = DecoderTransf(declayer, n_layers=2)
model_transf = EncoderDecoderTransf(enctransf, dectransf, input_len=2, target_len=2, n_features=2)
for p in model_transf.parameters():
    if p.dim() > 1:
        nn.init.xavier_uniform_(p)
print(sum(p.numel() for p in model_transf.parameters()), len(model_transf.state_dict()))
print(list(model_transf.state_dict().keys())[:12])
print('custom transformer', fit(model_transf))
print(model_transf.decoder.layers[0].cross_attn_heads.alphas[0, 0])

# torch's own: nn.MultiheadAttention with masks
torch.manual_seed(11)
mha_pt = nn.MultiheadAttention(embed_dim=4, num_heads=2, batch_first=True, dropout=0.0)
print(mha_pt, [(n, tuple(p.shape)) for n, p in mha_pt.named_parameters()])
q = torch.randn(2, 3, 4)
key_padding_mask = torch.tensor([[False, False, True], [False, False, False]])
attn_out, attn_weights = mha_pt(q, q, q, key_padding_mask=key_padding_mask)
print(attn_out, attn_weights)
attn_mask = nn.Transformer.generate_square_subsequent_mask(3)
print(attn_mask)
attn_out, attn_weights = mha_pt(q, q, q, attn_mask=attn_mask, average_attn_weights=False)
print(attn_weights.shape, attn_weights[0, 1])
bool_mask = torch.triu(torch.ones(3, 3), diagonal=1).bool()
print(torch.allclose(mha_pt(q, q, q, attn_mask=bool_mask)[0], mha_pt(q, q, q, attn_mask=attn_mask)[0]))
print(mha_pt(q, q, q, need_weights=False)[1])


class TransformerModel(nn.Module):
    def __init__(self, transformer, input_len, target_len, n_features):
        super().__init__()
        self.transf = transformer
        self.input_len = input_len
        self.target_len = target_len
        self.trg_masks = self.transf.generate_square_subsequent_mask(self.target_len)
        self.n_features = n_features
        self.proj = nn.Linear(n_features, self.transf.d_model)
        self.linear = nn.Linear(self.transf.d_model, n_features)
        max_len = max(self.input_len, self.target_len)
        self.pe = PositionalEncoding(max_len, self.transf.d_model)
        self.norm = nn.LayerNorm(self.transf.d_model)

    def preprocess(self, seq):
        seq_proj = self.proj(seq)
        seq_enc = self.pe(seq_proj)
        return self.norm(seq_enc)

    def encode_decode(self, source, target, source_mask=None, target_mask=None):
        src = self.preprocess(source)
        tgt = self.preprocess(target)
        out = self.transf(src, tgt, src_key_padding_mask=source_mask, tgt_mask=target_mask)
        out = self.linear(out)
        return out

    def predict(self, source_seq, source_mask=None):
        inputs = source_seq[:, -1:]
        for i in range(self.target_len):
            out = self.encode_decode(source_seq, inputs, source_mask=source_mask,
                                     target_mask=self.trg_masks[:i + 1, :i + 1])
            out = torch.cat([inputs, out[:, -1:, :]], dim=-2)
            inputs = out.detach()
        outputs = out[:, 1:, :]
        return outputs

    def forward(self, X, source_mask=None):
        self.trg_masks = self.trg_masks.type_as(X)
        source_seq = X[:, :self.input_len, :]
        if self.training:
            shifted_target_seq = X[:, self.input_len - 1:-1, :]
            outputs = self.encode_decode(source_seq, shifted_target_seq, source_mask=source_mask,
                                         target_mask=self.trg_masks)
        else:
            outputs = self.predict(source_seq, source_mask)
        return outputs


torch.manual_seed(42)
transformer = nn.Transformer(d_model=6, nhead=3, num_encoder_layers=1, num_decoder_layers=1,
                             dim_feedforward=20, dropout=0.1, batch_first=True)
print(type(transformer.encoder).__name__, type(transformer.decoder.layers[0]).__name__, transformer.d_model,
      transformer.nhead, transformer.batch_first)
print([n for n, _ in transformer.named_parameters()][:10], len(list(transformer.parameters())))
model_transformer = TransformerModel(transformer, input_len=2, target_len=2, n_features=2)
for p in model_transformer.parameters():
    if p.dim() > 1:
        nn.init.xavier_uniform_(p)
print(model_transformer.trg_masks)
print('nn.Transformer', fit(model_transformer))

# the encoder and decoder stacks on their own
torch.manual_seed(7)
enc_layer = nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8, dropout=0.0, batch_first=True,
                                       norm_first=True)
encoder = nn.TransformerEncoder(enc_layer, num_layers=2, norm=nn.LayerNorm(4), enable_nested_tensor=False)
print(enc_layer, [n for n, _ in encoder.named_children()], encoder.num_layers)
src = torch.randn(2, 3, 4)
memory = encoder(src, src_key_padding_mask=torch.tensor([[False, False, True], [False, False, False]]))
print(memory)
dec_layer = nn.TransformerDecoderLayer(d_model=4, nhead=2, dim_feedforward=8, dropout=0.0, batch_first=True,
                                       activation='gelu')
decoder = nn.TransformerDecoder(dec_layer, num_layers=1)
tgt = torch.randn(2, 2, 4)
print(decoder(tgt, memory, tgt_mask=nn.Transformer.generate_square_subsequent_mask(2), tgt_is_causal=True))
print(encoder.layers[0].self_attn.in_proj_weight.shape, encoder.layers[1].linear1.weight.grad)
loss = (decoder(tgt, memory) * torch.arange(4.)).pow(2).mean()
loss.backward()
print(loss, encoder.layers[0].self_attn.out_proj.weight.grad, enc_layer.linear1.weight.grad)


# a tiny vision transformer: patches, a class token and the encoder
def extract_image_patches(x, kernel_size, stride=1):
    patches = x.unfold(2, kernel_size, stride)
    patches = patches.unfold(3, kernel_size, stride)
    patches = patches.permute(0, 2, 3, 1, 4, 5).contiguous()
    return patches.view(x.shape[0], patches.shape[1], patches.shape[2], -1)


torch.manual_seed(17)
imgs = (torch.rand(6, 1, 12, 12) > .7).float()
labels = torch.tensor([0, 1, 2, 0, 1, 2])
patches = extract_image_patches(imgs, kernel_size=4, stride=4)
print(patches.shape, patches[0, 0, 0])
seq_patches = patches.view(-1, patches.size(1) * patches.size(2), patches.size(-1))
print(seq_patches.shape)


class PatchEmbed(nn.Module):
    def __init__(self, img_size=224, patch_size=16, in_channels=3, embed_dim=768, dilation=1):
        super().__init__()
        num_patches = (img_size // patch_size) * (img_size // patch_size)
        self.num_patches = num_patches
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        return x


class ViT(nn.Module):
    def __init__(self, encoder, img_size, in_channels, patch_size, n_outputs):
        super().__init__()
        self.d_model = encoder.d_model
        self.n_outputs = n_outputs
        self.encoder = encoder
        self.mlp = nn.Linear(encoder.d_model, n_outputs)
        self.embed = PatchEmbed(img_size, patch_size, in_channels, encoder.d_model)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, encoder.d_model))

    def preprocess(self, X):
        src = self.embed(X)
        cls_tokens = self.cls_token.expand(X.size(0), -1, -1)
        embedded = torch.cat((cls_tokens, src), dim=1)
        return embedded

    def encode(self, source):
        states = self.encoder(source)
        cls_state = states[:, 0]
        return cls_state

    def forward(self, X):
        src = self.preprocess(X)
        cls_state = self.encode(src)
        out = self.mlp(cls_state)
        return out


torch.manual_seed(17)
layer = EncoderLayer(n_heads=2, d_model=8, ff_units=16, dropout=0.0)
vit_encoder = EncoderTransf(layer, n_layers=1)
vit = ViT(vit_encoder, img_size=12, in_channels=1, patch_size=4, n_outputs=3)
print(vit.embed(imgs).shape, vit.preprocess(imgs).shape, vit.embed.num_patches)
optimizer = optim.Adam(vit.parameters(), lr=1e-2)
for step in range(8):
    loss = F.cross_entropy(vit(imgs), labels)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
print('vit', loss, vit(imgs).argmax(dim=1), vit.cls_token.view(-1)[:4])
print(sorted(vit.state_dict().keys())[:6])
