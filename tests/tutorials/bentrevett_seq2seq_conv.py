import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
import random
import math

# pytorch-seq2seq, notebook 5, shrunk: convolutional sequence to sequence learning. Batch-first
# batches, learned positional embeddings from torch.arange(...).unsqueeze(0).repeat(batch_size, 1),
# nn.Conv1d + F.glu(dim=1) blocks with residuals scaled by torch.sqrt(torch.FloatTensor([0.5])),
# a causally padded decoder and dot-product attention through torch.matmul.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)

pairs = [("ein mann läuft", "a man runs"), ("eine frau singt ein lied", "a woman sings a song"),
         ("zwei hunde spielen", "two dogs play"), ("ein kind lacht", "a child laughs"),
         ("die katze schläft", "the cat sleeps"), ("ein hund läuft", "a dog runs")]


def build_vocab(sentences):
    itos = ['<unk>', '<pad>', '<sos>', '<eos>'] + sorted({t for s in sentences for t in s.split()})
    return itos, {t: i for i, t in enumerate(itos)}


SRC_ITOS, SRC_STOI = build_vocab([de for de, _ in pairs])
TRG_ITOS, TRG_STOI = build_vocab([en for _, en in pairs])
TRG_PAD_IDX = TRG_STOI['<pad>']
device = torch.device('cpu')


def numericalize(sentence, stoi):
    return [stoi['<sos>']] + [stoi.get(t, 0) for t in sentence.lower().split()] + [stoi['<eos>']]


def make_batch(examples):
    srcs = [torch.tensor(numericalize(de, SRC_STOI)) for de, _ in examples]
    trgs = [torch.tensor(numericalize(en, TRG_STOI)) for _, en in examples]
    return (nn.utils.rnn.pad_sequence(srcs, batch_first=True, padding_value=SRC_STOI['<pad>']),
            nn.utils.rnn.pad_sequence(trgs, batch_first=True, padding_value=TRG_PAD_IDX))


train_iterator = [make_batch(pairs[:3]), make_batch(pairs[3:])]
print(train_iterator[0][0].shape, train_iterator[0][1])


class Encoder(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim, n_layers, kernel_size, dropout, device, max_length=20):
        super().__init__()
        assert kernel_size % 2 == 1, "Kernel size must be odd!"
        self.device = device
        self.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device)
        self.tok_embedding = nn.Embedding(input_dim, emb_dim)
        self.pos_embedding = nn.Embedding(max_length, emb_dim)
        self.emb2hid = nn.Linear(emb_dim, hid_dim)
        self.hid2emb = nn.Linear(hid_dim, emb_dim)
        self.convs = nn.ModuleList([nn.Conv1d(in_channels=hid_dim, out_channels=2 * hid_dim,
                                              kernel_size=kernel_size, padding=(kernel_size - 1) // 2)
                                    for _ in range(n_layers)])
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        batch_size = src.shape[0]
        src_len = src.shape[1]
        pos = torch.arange(0, src_len).unsqueeze(0).repeat(batch_size, 1).to(self.device)
        tok_embedded = self.tok_embedding(src)
        pos_embedded = self.pos_embedding(pos)
        embedded = self.dropout(tok_embedded + pos_embedded)
        conv_input = self.emb2hid(embedded)
        conv_input = conv_input.permute(0, 2, 1)  # [batch size, hid dim, src len]
        for i, conv in enumerate(self.convs):
            conved = conv(self.dropout(conv_input))
            conved = F.glu(conved, dim=1)
            conved = (conved + conv_input) * self.scale
            conv_input = conved
        conved = self.hid2emb(conved.permute(0, 2, 1))
        combined = (conved + embedded) * self.scale
        return conved, combined


class Decoder(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim, n_layers, kernel_size, dropout, trg_pad_idx, device,
                 max_length=20):
        super().__init__()
        self.kernel_size = kernel_size
        self.trg_pad_idx = trg_pad_idx
        self.device = device
        self.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device)
        self.tok_embedding = nn.Embedding(output_dim, emb_dim)
        self.pos_embedding = nn.Embedding(max_length, emb_dim)
        self.emb2hid = nn.Linear(emb_dim, hid_dim)
        self.hid2emb = nn.Linear(hid_dim, emb_dim)
        self.attn_hid2emb = nn.Linear(hid_dim, emb_dim)
        self.attn_emb2hid = nn.Linear(emb_dim, hid_dim)
        self.fc_out = nn.Linear(emb_dim, output_dim)
        self.convs = nn.ModuleList([nn.Conv1d(in_channels=hid_dim, out_channels=2 * hid_dim, kernel_size=kernel_size)
                                    for _ in range(n_layers)])
        self.dropout = nn.Dropout(dropout)

    def calculate_attention(self, embedded, conved, encoder_conved, encoder_combined):
        conved_emb = self.attn_hid2emb(conved.permute(0, 2, 1))
        combined = (conved_emb + embedded) * self.scale
        energy = torch.matmul(combined, encoder_conved.permute(0, 2, 1))
        attention = F.softmax(energy, dim=2)
        attended_encoding = torch.matmul(attention, encoder_combined)
        attended_encoding = self.attn_emb2hid(attended_encoding)
        attended_combined = (conved + attended_encoding.permute(0, 2, 1)) * self.scale
        return attention, attended_combined

    def forward(self, trg, encoder_conved, encoder_combined):
        batch_size = trg.shape[0]
        trg_len = trg.shape[1]
        pos = torch.arange(0, trg_len).unsqueeze(0).repeat(batch_size, 1).to(self.device)
        tok_embedded = self.tok_embedding(trg)
        pos_embedded = self.pos_embedding(pos)
        embedded = self.dropout(tok_embedded + pos_embedded)
        conv_input = self.emb2hid(embedded)
        conv_input = conv_input.permute(0, 2, 1)
        batch_size = conv_input.shape[0]
        hid_dim = conv_input.shape[1]
        for i, conv in enumerate(self.convs):
            conv_input = self.dropout(conv_input)
            padding = torch.zeros(batch_size, hid_dim, self.kernel_size - 1).fill_(self.trg_pad_idx).to(self.device)
            padded_conv_input = torch.cat((padding, conv_input), dim=2)
            conved = conv(padded_conv_input)
            conved = F.glu(conved, dim=1)
            attention, conved = self.calculate_attention(embedded, conved, encoder_conved, encoder_combined)
            conved = (conved + conv_input) * self.scale
            conv_input = conved
        conved = self.hid2emb(conved.permute(0, 2, 1))
        output = self.fc_out(self.dropout(conved))
        return output, attention


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, trg):
        encoder_conved, encoder_combined = self.encoder(src)
        output, attention = self.decoder(trg, encoder_conved, encoder_combined)
        return output, attention


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


enc = Encoder(len(SRC_ITOS), 8, 12, 2, 3, 0.25, device)
dec = Decoder(len(TRG_ITOS), 8, 12, 2, 3, 0.25, TRG_PAD_IDX, device)
model = Seq2Seq(enc, dec).to(device)
print(f'The model has {count_parameters(model):,} trainable parameters')
print(enc.scale, enc.scale.dtype, model.decoder.convs[0])
optimizer = optim.Adam(model.parameters())
criterion = nn.CrossEntropyLoss(ignore_index=TRG_PAD_IDX)


def train(model, iterator, optimizer, criterion, clip):
    model.train()
    epoch_loss = 0
    for src, trg in iterator:
        optimizer.zero_grad()
        output, _ = model(src, trg[:, :-1])
        output_dim = output.shape[-1]
        output = output.contiguous().view(-1, output_dim)
        trg = trg[:, 1:].contiguous().view(-1)
        loss = criterion(output, trg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        epoch_loss += loss.item()
    return epoch_loss / len(iterator)


def evaluate(model, iterator, criterion):
    model.eval()
    epoch_loss = 0
    with torch.no_grad():
        for src, trg in iterator:
            output, _ = model(src, trg[:, :-1])
            output_dim = output.shape[-1]
            loss = criterion(output.contiguous().view(-1, output_dim), trg[:, 1:].contiguous().view(-1))
            epoch_loss += loss.item()
    return epoch_loss / len(iterator)


for epoch in range(6):
    train_loss = train(model, train_iterator, optimizer, criterion, 0.1)
    valid_loss = evaluate(model, train_iterator, criterion)
    print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train PPL: {math.exp(train_loss):7.3f} | '
          f'Val. Loss: {valid_loss:.3f} |  Val. PPL: {math.exp(valid_loss):7.3f}')
print(model.encoder.convs[1].weight.grad.shape, model.encoder.convs[1].bias.grad.norm())


def translate_sentence(sentence, model, device, max_len=8):
    model.eval()
    src_indexes = numericalize(sentence, SRC_STOI)
    src_tensor = torch.LongTensor(src_indexes).unsqueeze(0).to(device)
    with torch.no_grad():
        encoder_conved, encoder_combined = model.encoder(src_tensor)
    trg_indexes = [TRG_STOI['<sos>']]
    for i in range(max_len):
        trg_tensor = torch.LongTensor(trg_indexes).unsqueeze(0).to(device)
        with torch.no_grad():
            output, attention = model.decoder(trg_tensor, encoder_conved, encoder_combined)
        pred_token = output.argmax(2)[:, -1].item()
        trg_indexes.append(pred_token)
        if pred_token == TRG_STOI['<eos>']:
            break
    trg_tokens = [TRG_ITOS[i] for i in trg_indexes]
    return trg_tokens[1:], attention


translation, attention = translate_sentence("Ein Hund spielt", model, device)
print(f'predicted trg = {translation}')
print(attention.shape, attention.sum(2), attention[0, -1])
x = torch.randn(2, 6, 3, requires_grad=True)
g = F.glu(x, dim=1)
g.sum().backward()
print(g.shape, g.grad_fn.name(), x.grad[0])
