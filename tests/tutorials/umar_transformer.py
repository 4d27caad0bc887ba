import tinygrad_rnn as torch
import math
nn = torch.nn
# Umar Jamil's pytorch-transformer (model.py, train.py): the encoder-decoder transformer built from
# small blocks (its own LayerNormalization with alpha/bias, MultiHeadAttentionBlock with view/transpose,
# masked_fill_), the causal mask from torch.triu, label-smoothed cross entropy with ignore_index and
# greedy decoding, on a toy copy task.
torch.manual_seed(0)


class LayerNormalization(nn.Module):
    def __init__(self, features: int, eps: float = 10**-6) -> None:
        super().__init__()
        self.eps = eps
        self.alpha = nn.Parameter(torch.ones(features))
        self.bias = nn.Parameter(torch.zeros(features))

    def forward(self, x):
        mean = x.mean(dim=-1, keepdim=True)
        std = x.std(dim=-1, keepdim=True)
        return self.alpha * (x - mean) / (std + self.eps) + self.bias


class FeedForwardBlock(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.linear_1 = nn.Linear(d_model, d_ff)
        self.dropout = nn.Dropout(dropout)
        self.linear_2 = nn.Linear(d_ff, d_model)

    def forward(self, x):
        return self.linear_2(self.dropout(torch.relu(self.linear_1(x))))


class InputEmbeddings(nn.Module):
    def __init__(self, d_model: int, vocab_size: int) -> None:
        super().__init__()
        self.d_model = d_model
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, d_model)

    def forward(self, x):
        return self.embedding(x) * math.sqrt(self.d_model)


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, seq_len: int, dropout: float) -> None:
        super().__init__()
        self.d_model = d_model
        self.seq_len = seq_len
        self.dropout = nn.Dropout(dropout)
        pe = torch.zeros(seq_len, d_model)
        position = torch.arange(0, seq_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.register_buffer('pe', pe)

    def forward(self, x):
        x = x + (self.pe[:, :x.shape[1], :]).requires_grad_(False)
        return self.dropout(x)


class ResidualConnection(nn.Module):
    def __init__(self, features: int, dropout: float) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.norm = LayerNormalization(features)

    def forward(self, x, sublayer):
        return x + self.dropout(sublayer(self.norm(x)))


class MultiHeadAttentionBlock(nn.Module):
    def __init__(self, d_model: int, h: int, dropout: float) -> None:
        super().__init__()
        self.d_model = d_model
        self.h = h
        assert d_model % h == 0, "d_model is not divisible by h"
        self.d_k = d_model // h
        self.w_q = nn.Linear(d_model, d_model, bias=False)
        self.w_k = nn.Linear(d_model, d_model, bias=False)
        self.w_v = nn.Linear(d_model, d_model, bias=False)
        self.w_o = nn.Linear(d_model, d_model, bias=False)
        self.dropout = nn.Dropout(dropout)

    @staticmethod
    def attention(query, key, value, mask, dropout: nn.Dropout):
        d_k = query.shape[-1]
        attention_scores = (query @ key.transpose(-2, -1)) / math.sqrt(d_k)
        if mask is not None:
            attention_scores.masked_fill_(mask == 0, -1e9)
        attention_scores = attention_scores.softmax(dim=-1)
        if dropout is not None:
            attention_scores = dropout(attention_scores)
        return (attention_scores @ value), attention_scores

    def forward(self, q, k, v, mask):
        query = self.w_q(q)
        key = self.w_k(k)
        value = self.w_v(v)
        query = query.view(query.shape[0], query.shape[1], self.h, self.d_k).transpose(1, 2)
        key = key.view(key.shape[0], key.shape[1], self.h, self.d_k).transpose(1, 2)
        value = value.view(value.shape[0], value.shape[1], self.h, self.d_k).transpose(1, 2)
        x, self.attention_scores = MultiHeadAttentionBlock.attention(query, key, value, mask, self.dropout)
        x = x.transpose(1, 2).contiguous().view(x.shape[0], -1, self.h * self.d_k)
        return self.w_o(x)


class EncoderBlock(nn.Module):
    def __init__(self, features, self_attention_block, feed_forward_block, dropout):
        super().__init__()
        self.self_attention_block = self_attention_block
        self.feed_forward_block = feed_forward_block
        self.residual_connections = nn.ModuleList([ResidualConnection(features, dropout) for _ in range(2)])

    def forward(self, x, src_mask):
        x = self.residual_connections[0](x, lambda x: self.self_attention_block(x, x, x, src_mask))
        x = self.residual_connections[1](x, self.feed_forward_block)
        return x


class Encoder(nn.Module):
    def __init__(self, features, layers):
        super().__init__()
        self.layers = layers
        self.norm = LayerNormalization(features)

    def forward(self, x, mask):
        for layer in self.layers:
            x = layer(x, mask)
        return self.norm(x)


class DecoderBlock(nn.Module):
    def __init__(self, features, self_attention_block, cross_attention_block, feed_forward_block, dropout):
        super().__init__()
        self.self_attention_block = self_attention_block
        self.cross_attention_block = cross_attention_block
        self.feed_forward_block = feed_forward_block
        self.residual_connections = nn.ModuleList([ResidualConnection(features, dropout) for _ in range(3)])

    def forward(self, x, encoder_output, src_mask, tgt_mask):
        x = self.residual_connections[0](x, lambda x: self.self_attention_block(x, x, x, tgt_mask))
        x = self.residual_connections[1](x, lambda x: self.cross_attention_block(x, encoder_output, encoder_output, src_mask))
        x = self.residual_connections[2](x, self.feed_forward_block)
        return x


class Decoder(nn.Module):
    def __init__(self, features, layers):
        super().__init__()
        self.layers = layers
        self.norm = LayerNormalization(features)

    def forward(self, x, encoder_output, src_mask, tgt_mask):
        for layer in self.layers:
            x = layer(x, encoder_output, src_mask, tgt_mask)
        return self.norm(x)


class ProjectionLayer(nn.Module):
    def __init__(self, d_model, vocab_size) -> None:
        super().__init__()
        self.proj = nn.Linear(d_model, vocab_size)

    def forward(self, x):
        return self.proj(x)


class Transformer(nn.Module):
    def __init__(self, encoder, decoder, src_embed, tgt_embed, src_pos, tgt_pos, projection_layer):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.src_embed = src_embed
        self.tgt_embed = tgt_embed
        self.src_pos = src_pos
        self.tgt_pos = tgt_pos
        self.projection_layer = projection_layer

    def encode(self, src, src_mask):
        src = self.src_embed(src)
        src = self.src_pos(src)
        return self.encoder(src, src_mask)

    def decode(self, encoder_output, src_mask, tgt, tgt_mask):
        tgt = self.tgt_embed(tgt)
        tgt = self.tgt_pos(tgt)
        return self.decoder(tgt, encoder_output, src_mask, tgt_mask)

    def project(self, x):
        return self.projection_layer(x)


def build_transformer(src_vocab_size, tgt_vocab_size, src_seq_len, tgt_seq_len, d_model=512, N=6, h=8,
                      dropout=0.1, d_ff=2048):
    src_embed = InputEmbeddings(d_model, src_vocab_size)
    tgt_embed = InputEmbeddings(d_model, tgt_vocab_size)
    src_pos = PositionalEncoding(d_model, src_seq_len, dropout)
    tgt_pos = PositionalEncoding(d_model, tgt_seq_len, dropout)
    encoder_blocks = []
    for _ in range(N):
        encoder_blocks.append(EncoderBlock(d_model, MultiHeadAttentionBlock(d_model, h, dropout),
                                           FeedForwardBlock(d_model, d_ff, dropout), dropout))
    decoder_blocks = []
    for _ in range(N):
        decoder_blocks.append(DecoderBlock(d_model, MultiHeadAttentionBlock(d_model, h, dropout),
                                           MultiHeadAttentionBlock(d_model, h, dropout),
                                           FeedForwardBlock(d_model, d_ff, dropout), dropout))
    encoder = Encoder(d_model, nn.ModuleList(encoder_blocks))
    decoder = Decoder(d_model, nn.ModuleList(decoder_blocks))
    projection_layer = ProjectionLayer(d_model, tgt_vocab_size)
    transformer = Transformer(encoder, decoder, src_embed, tgt_embed, src_pos, tgt_pos, projection_layer)
    for p in transformer.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    return transformer


def causal_mask(size):
    mask = torch.triu(torch.ones((1, size, size)), diagonal=1).type(torch.int)
    return mask == 0


device = "cuda" if torch.cuda.is_available() else "mps" if torch.has_mps or torch.backends.mps.is_available() else "cpu"
print("Using device:", device)
device = torch.device(device)
print(causal_mask(4), causal_mask(4).dtype, causal_mask(4).shape)
pe_module = PositionalEncoding(6, 5, 0.1)
print(pe_module.pe.shape, pe_module.pe[0, :3], list(dict(pe_module.named_buffers())))
print(pe_module.state_dict().keys(), pe_module.pe.requires_grad)
emb = InputEmbeddings(6, 9)
tok = torch.tensor([[1, 2, 3]])
print(emb(tok).shape, emb(tok).grad_fn)
ln = LayerNormalization(6)
xs = torch.randn(2, 3, 6)
print(ln(xs)[0, 0], [n for n, _ in ln.named_parameters()])

# ---- a toy dataset: copy the source sentence (SOS ... EOS PAD ...)
PAD, SOS, EOS = 0, 1, 2
VOCAB = 10
SEQ = 8
src_vocab = tgt_vocab = VOCAB


def make_pair(tokens):
    enc_num_padding_tokens = SEQ - len(tokens) - 2
    dec_num_padding_tokens = SEQ - len(tokens) - 1
    encoder_input = torch.cat([
        torch.tensor([SOS], dtype=torch.int64),
        torch.tensor(tokens, dtype=torch.int64),
        torch.tensor([EOS], dtype=torch.int64),
        torch.tensor([PAD] * enc_num_padding_tokens, dtype=torch.int64),
    ], dim=0)
    decoder_input = torch.cat([
        torch.tensor([SOS], dtype=torch.int64),
        torch.tensor(tokens, dtype=torch.int64),
        torch.tensor([PAD] * dec_num_padding_tokens, dtype=torch.int64),
    ], dim=0)
    label = torch.cat([
        torch.tensor(tokens, dtype=torch.int64),
        torch.tensor([EOS], dtype=torch.int64),
        torch.tensor([PAD] * dec_num_padding_tokens, dtype=torch.int64),
    ], dim=0)
    assert encoder_input.size(0) == SEQ
    return {
        "encoder_input": encoder_input,
        "decoder_input": decoder_input,
        "encoder_mask": (encoder_input != PAD).unsqueeze(0).unsqueeze(0).int(),
        "decoder_mask": (decoder_input != PAD).unsqueeze(0).int() & causal_mask(decoder_input.size(0)),
        "label": label,
    }


sentences = [[3, 4, 5], [6, 7], [8, 9, 3, 4], [5, 6, 7, 8], [9, 3], [4, 5, 6]]
items = [make_pair(s) for s in sentences]
print(items[0]["encoder_input"], items[0]["encoder_mask"].shape, items[0]["encoder_mask"].dtype)
print(items[0]["decoder_mask"], items[0]["decoder_mask"].dtype)
batch = {k: torch.stack([it[k] for it in items]) for k in items[0]}
print({k: tuple(v.shape) for k, v in batch.items()})

model = build_transformer(src_vocab, tgt_vocab, SEQ, SEQ, d_model=16, N=1, h=2, dropout=0.0, d_ff=32).to(device)
print(sum(p.numel() for p in model.parameters()), len(list(model.parameters())))
print(model.encoder.layers[0].self_attention_block)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-9)
loss_fn = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)
for epoch in range(6):
    model.train()
    encoder_input = batch["encoder_input"]
    decoder_input = batch["decoder_input"]
    encoder_mask = batch["encoder_mask"]
    decoder_mask = batch["decoder_mask"]
    encoder_output = model.encode(encoder_input, encoder_mask)
    decoder_output = model.decode(encoder_output, encoder_mask, decoder_input, decoder_mask)
    proj_output = model.project(decoder_output)
    label = batch["label"]
    loss = loss_fn(proj_output.view(-1, tgt_vocab), label.view(-1))
    print(f"epoch {epoch:02d} loss: {loss.item():6.3f}", proj_output.shape, loss.grad_fn.name())
    loss.backward()
    if epoch == 0:
        print(model.encoder.layers[0].self_attention_block.w_q.weight.grad[0, :4])
        print(model.src_embed.embedding.weight.grad[PAD, :3], model.encoder.norm.alpha.grad[:4])
        print(model.encoder.layers[0].self_attention_block.attention_scores.shape,
              model.encoder.layers[0].self_attention_block.attention_scores[0, 0, 0])
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def greedy_decode(model, source, source_mask, max_len):
    sos_idx, eos_idx = SOS, EOS
    encoder_output = model.encode(source, source_mask)
    decoder_input = torch.empty(1, 1).fill_(sos_idx).type_as(source)
    while True:
        if decoder_input.size(1) == max_len:
            break
        decoder_mask = causal_mask(decoder_input.size(1)).type_as(source_mask)
        out = model.decode(encoder_output, source_mask, decoder_input, decoder_mask)
        prob = model.project(out[:, -1])
        _, next_word = torch.max(prob, dim=1)
        decoder_input = torch.cat(
            [decoder_input, torch.empty(1, 1).type_as(source).fill_(next_word.item())], dim=1)
        if next_word == eos_idx:
            break
    return decoder_input.squeeze(0)


def beam_search_decode(model, beam_size, source, source_mask, max_len):
    sos_idx, eos_idx = SOS, EOS
    encoder_output = model.encode(source, source_mask)
    decoder_initial_input = torch.empty(1, 1).fill_(sos_idx).type_as(source).to(device)
    candidates = [(decoder_initial_input, 1)]
    while True:
        if any([cand.size(1) == max_len for cand, _ in candidates]):
            break
        new_candidates = []
        for candidate, score in candidates:
            if candidate[0][-1].item() == eos_idx:
                continue
            candidate_mask = causal_mask(candidate.size(1)).type_as(source_mask).to(device)
            out = model.decode(encoder_output, source_mask, candidate, candidate_mask)
            prob = model.project(out[:, -1])
            topk_prob, topk_idx = torch.topk(prob, beam_size, dim=1)
            for i in range(beam_size):
                token = topk_idx[0][i].unsqueeze(0).unsqueeze(0)
                token_prob = topk_prob[0][i].item()
                new_candidate = torch.cat([candidate, token], dim=1)
                new_candidates.append((new_candidate, score + token_prob))
        candidates = sorted(new_candidates, key=lambda x: x[1], reverse=True)
        candidates = candidates[:beam_size]
        if all([cand[0][-1].item() == eos_idx for cand, _ in candidates]):
            break
    return candidates[0][0].squeeze()


model.eval()
with torch.no_grad():
    beam = beam_search_decode(model, 3, items[2]["encoder_input"].unsqueeze(0), items[2]["encoder_mask"].unsqueeze(0), 5)
    print("BEAM", beam, beam.shape)
    attn = model.encoder.layers[0].self_attention_block.attention_scores
    print(attn[0, 1].data[:2], attn[0, 1].data[0, 0].item())
with torch.no_grad():
    for it in items[:2]:
        encoder_input = it["encoder_input"].unsqueeze(0)
        encoder_mask = it["encoder_mask"].unsqueeze(0)
        assert encoder_input.size(0) == 1, "Batch size must be 1 for validation"
        model_out = greedy_decode(model, encoder_input, encoder_mask, SEQ)
        print("SOURCE", encoder_input[0].tolist(), "PREDICTED", model_out.detach().cpu().numpy(), model_out.dtype)
state = {"epoch": 5, "model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}
print(len(state["model_state_dict"]), list(state["model_state_dict"])[:4], state["optimizer_state_dict"]["param_groups"][0]["lr"])
