import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
import random
import math

# pytorch-seq2seq, notebooks 3 and 4, shrunk: Bahdanau attention (bidirectional GRU encoder, additive
# energy, v without bias, softmax over the source, torch.bmm for the weighted context), then packed padded
# sequences with a source mask (masked_fill(mask == 0, -1e10)) and translate_sentence returning attention.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)

pairs = [("ein mann läuft", "a man runs"), ("eine frau singt ein lied", "a woman sings a song"),
         ("zwei hunde spielen", "two dogs play"), ("ein kind lacht", "a child laughs"),
         ("die katze schläft auf dem sofa", "the cat sleeps on the sofa"), ("ein hund läuft", "a dog runs")]


def build_vocab(sentences):
    itos = ['<unk>', '<pad>', '<sos>', '<eos>'] + sorted({t for s in sentences for t in s.split()})
    return itos, {t: i for i, t in enumerate(itos)}


SRC_ITOS, SRC_STOI = build_vocab([de for de, _ in pairs])
TRG_ITOS, TRG_STOI = build_vocab([en for _, en in pairs])
SRC_PAD_IDX, TRG_PAD_IDX = SRC_STOI['<pad>'], TRG_STOI['<pad>']
device = torch.device('cpu')


def numericalize(sentence, stoi):
    return [stoi['<sos>']] + [stoi.get(t, 0) for t in sentence.split()] + [stoi['<eos>']]


def make_batch(examples):
    """BucketIterator with include_lengths=True and sort_within_batch=True: longest source first."""
    examples = sorted(examples, key=lambda p: len(p[0].split()), reverse=True)
    srcs = [torch.tensor(numericalize(de, SRC_STOI)) for de, _ in examples]
    trgs = [torch.tensor(numericalize(en, TRG_STOI)) for _, en in examples]
    src_len = torch.tensor([len(s) for s in srcs])
    return (nn.utils.rnn.pad_sequence(srcs, padding_value=SRC_PAD_IDX), src_len,
            nn.utils.rnn.pad_sequence(trgs, padding_value=TRG_PAD_IDX))


train_iterator = [make_batch(pairs[:3]), make_batch(pairs[3:])]
src, src_len, trg = train_iterator[1]
print(src.shape, src_len, trg.shape)


class Encoder(nn.Module):
    def __init__(self, input_dim, emb_dim, enc_hid_dim, dec_hid_dim, dropout):
        super().__init__()
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, enc_hid_dim, bidirectional=True)
        self.fc = nn.Linear(enc_hid_dim * 2, dec_hid_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src, src_len=None):
        embedded = self.dropout(self.embedding(src))
        if src_len is None:
            outputs, hidden = self.rnn(embedded)
        else:
            packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, src_len.to('cpu'))
            packed_outputs, hidden = self.rnn(packed_embedded)
            outputs, _ = nn.utils.rnn.pad_packed_sequence(packed_outputs)
        # hidden[-2, :, :] is the last forward step, hidden[-1, :, :] the last backward one
        hidden = torch.tanh(self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)))
        return outputs, hidden


class Attention(nn.Module):
    def __init__(self, enc_hid_dim, dec_hid_dim):
        super().__init__()
        self.attn = nn.Linear((enc_hid_dim * 2) + dec_hid_dim, dec_hid_dim)
        self.v = nn.Linear(dec_hid_dim, 1, bias=False)

    def forward(self, hidden, encoder_outputs, mask=None):
        batch_size = encoder_outputs.shape[1]
        src_len = encoder_outputs.shape[0]
        hidden = hidden.unsqueeze(1).repeat(1, src_len, 1)
        encoder_outputs = encoder_outputs.permute(1, 0, 2)
        energy = torch.tanh(self.attn(torch.cat((hidden, encoder_outputs), dim=2)))
        attention = self.v(energy).squeeze(2)
        if mask is not None:
            attention = attention.masked_fill(mask == 0, -1e10)
        return F.softmax(attention, dim=1)


class Decoder(nn.Module):
    def __init__(self, output_dim, emb_dim, enc_hid_dim, dec_hid_dim, dropout, attention):
        super().__init__()
        self.output_dim = output_dim
        self.attention = attention
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU((enc_hid_dim * 2) + emb_dim, dec_hid_dim)
        self.fc_out = nn.Linear((enc_hid_dim * 2) + dec_hid_dim + emb_dim, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input, hidden, encoder_outputs, mask=None):
        input = input.unsqueeze(0)
        embedded = self.dropout(self.embedding(input))
        a = self.attention(hidden, encoder_outputs, mask)
        a = a.unsqueeze(1)
        encoder_outputs = encoder_outputs.permute(1, 0, 2)
        weighted = torch.bmm(a, encoder_outputs)
        weighted = weighted.permute(1, 0, 2)
        rnn_input = torch.cat((embedded, weighted), dim=2)
        output, hidden = self.rnn(rnn_input, hidden.unsqueeze(0))
        assert (output == hidden).all()
        embedded = embedded.squeeze(0)
        output = output.squeeze(0)
        weighted = weighted.squeeze(0)
        prediction = self.fc_out(torch.cat((output, weighted, embedded), dim=1))
        return prediction, hidden.squeeze(0), a.squeeze(1)


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, src_pad_idx, device, packed):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.src_pad_idx = src_pad_idx
        self.device = device
        self.packed = packed

    def create_mask(self, src):
        mask = (src != self.src_pad_idx).permute(1, 0)
        return mask

    def forward(self, src, src_len, trg, teacher_forcing_ratio=0.5):
        batch_size = src.shape[1]
        trg_len = trg.shape[0]
        outputs = torch.zeros(trg_len, batch_size, self.decoder.output_dim).to(self.device)
        encoder_outputs, hidden = self.encoder(src, src_len if self.packed else None)
        mask = self.create_mask(src) if self.packed else None
        input = trg[0, :]
        for t in range(1, trg_len):
            output, hidden, _ = self.decoder(input, hidden, encoder_outputs, mask)
            outputs[t] = output
            teacher_force = random.random() < teacher_forcing_ratio
            top1 = output.argmax(1)
            input = trg[t] if teacher_force else top1
        return outputs


def init_weights(m):
    for name, param in m.named_parameters():
        if 'weight' in name:
            nn.init.normal_(param.data, mean=0, std=0.01)
        else:
            nn.init.constant_(param.data, 0)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train(model, iterator, optimizer, criterion, clip):
    model.train()
    epoch_loss = 0
    for src, src_len, trg in iterator:
        optimizer.zero_grad()
        output = model(src, src_len, trg)
        output_dim = output.shape[-1]
        output = output[1:].view(-1, output_dim)
        trg = trg[1:].view(-1)
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
        for src, src_len, trg in iterator:
            output = model(src, src_len, trg, 0)
            output_dim = output.shape[-1]
            loss = criterion(output[1:].view(-1, output_dim), trg[1:].view(-1))
            epoch_loss += loss.item()
    return epoch_loss / len(iterator)


INPUT_DIM, OUTPUT_DIM = len(SRC_ITOS), len(TRG_ITOS)
criterion = nn.CrossEntropyLoss(ignore_index=TRG_PAD_IDX)
for packed in (False, True):
    attn = Attention(8, 8)
    enc = Encoder(INPUT_DIM, 6, 8, 8, 0.5)
    dec = Decoder(OUTPUT_DIM, 6, 8, 8, 0.5, attn)
    model = Seq2Seq(enc, dec, SRC_PAD_IDX, device, packed).to(device)
    model.apply(init_weights)
    print(f'The model has {count_parameters(model):,} trainable parameters')
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(3):
        train_loss = train(model, train_iterator, optimizer, criterion, 1)
        valid_loss = evaluate(model, train_iterator, criterion)
        print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train PPL: {math.exp(train_loss):7.3f} | '
              f'Val. Loss: {valid_loss:.3f} |  Val. PPL: {math.exp(valid_loss):7.3f}')
print(model.decoder.attention.v.weight.grad.shape, model.decoder.attention.v.bias)
mask = model.create_mask(src)
print(mask, mask.dtype)


def translate_sentence(sentence, model, device, max_len=8):
    model.eval()
    tokens = ['<sos>'] + sentence.split() + ['<eos>']
    src_indexes = [SRC_STOI.get(token, 0) for token in tokens]
    src_tensor = torch.LongTensor(src_indexes).unsqueeze(1).to(device)
    src_len = torch.LongTensor([len(src_indexes)])
    with torch.no_grad():
        encoder_outputs, hidden = model.encoder(src_tensor, src_len)
    mask = model.create_mask(src_tensor)
    trg_indexes = [TRG_STOI['<sos>']]
    attentions = torch.zeros(max_len, 1, len(src_indexes)).to(device)
    for i in range(max_len):
        trg_tensor = torch.LongTensor([trg_indexes[-1]]).to(device)
        with torch.no_grad():
            output, hidden, attention = model.decoder(trg_tensor, hidden, encoder_outputs, mask)
        attentions[i] = attention
        pred_token = output.argmax(1).item()
        trg_indexes.append(pred_token)
        if pred_token == TRG_STOI['<eos>']:
            break
    trg_tokens = [TRG_ITOS[i] for i in trg_indexes]
    return trg_tokens[1:], attentions[:len(trg_tokens) - 1]


translation, attention = translate_sentence("ein hund spielt", model, device)
print(f'predicted trg = {translation}')
print(attention.shape, attention.squeeze(1).sum(1))
print(attention.squeeze(1).cpu().detach().numpy().round(3))
