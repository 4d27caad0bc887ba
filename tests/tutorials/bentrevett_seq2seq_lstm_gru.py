import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
import random
import math
import time

# pytorch-seq2seq, notebooks 1 and 2, shrunk: a toy German->English corpus replaces Multi30k.
# 1) "Sequence to Sequence Learning with Neural Networks": 2-layer LSTM encoder-decoder, teacher
#    forcing chosen per step with random.random(), weights uniform in (-0.08, 0.08).
# 2) "Learning Phrase Representations": a GRU whose context vector feeds every decoder step and the output layer.
SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True

pairs = [("ein mann läuft", "a man runs"), ("eine frau singt", "a woman sings"), ("zwei hunde spielen", "two dogs play"),
         ("ein kind lacht laut", "a child laughs loudly"), ("die katze schläft", "the cat sleeps"),
         ("ein hund läuft", "a dog runs")]


def tokenize_de(text):
    """Reverses German tokens, as the first paper found helpful."""
    return text.split()[::-1]


def tokenize_en(text):
    return text.split()


def build_vocab(sentences):
    itos = ['<unk>', '<pad>', '<sos>', '<eos>'] + sorted({t for s in sentences for t in s})
    return itos, {t: i for i, t in enumerate(itos)}


SRC_ITOS, SRC_STOI = build_vocab([tokenize_de(de) for de, _ in pairs])
TRG_ITOS, TRG_STOI = build_vocab([tokenize_en(en) for _, en in pairs])
print(f"Unique tokens in source (de) vocabulary: {len(SRC_ITOS)}")
print(f"Unique tokens in target (en) vocabulary: {len(TRG_ITOS)}")
PAD_IDX = TRG_STOI['<pad>']
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


def numericalize(tokens, stoi):
    return [stoi['<sos>']] + [stoi.get(t, 0) for t in tokens] + [stoi['<eos>']]


def make_batch(examples):
    srcs = [torch.tensor(numericalize(tokenize_de(de), SRC_STOI)) for de, _ in examples]
    trgs = [torch.tensor(numericalize(tokenize_en(en), TRG_STOI)) for _, en in examples]
    src = nn.utils.rnn.pad_sequence(srcs, padding_value=PAD_IDX)  # [src len, batch size]
    trg = nn.utils.rnn.pad_sequence(trgs, padding_value=PAD_IDX)
    return src.to(device), trg.to(device)


train_iterator = [make_batch(pairs[:3]), make_batch(pairs[3:])]
print(train_iterator[0][0].shape, train_iterator[0][1].shape, train_iterator[1][0][:, 0])


class Encoder(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim, n_layers, dropout):
        super().__init__()
        self.hid_dim = hid_dim
        self.n_layers = n_layers
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.LSTM(emb_dim, hid_dim, n_layers, dropout=dropout)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        embedded = self.dropout(self.embedding(src))
        outputs, (hidden, cell) = self.rnn(embedded)
        return hidden, cell


class Decoder(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim, n_layers, dropout):
        super().__init__()
        self.output_dim = output_dim
        self.hid_dim = hid_dim
        self.n_layers = n_layers
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.LSTM(emb_dim, hid_dim, n_layers, dropout=dropout)
        self.fc_out = nn.Linear(hid_dim, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input, hidden, cell):
        input = input.unsqueeze(0)
        embedded = self.dropout(self.embedding(input))
        output, (hidden, cell) = self.rnn(embedded, (hidden, cell))
        prediction = self.fc_out(output.squeeze(0))
        return prediction, hidden, cell


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder, device):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.device = device
        assert encoder.hid_dim == decoder.hid_dim, "Hidden dimensions of encoder and decoder must be equal!"
        assert encoder.n_layers == decoder.n_layers, "Encoder and decoder must have equal number of layers!"

    def forward(self, src, trg, teacher_forcing_ratio=0.5):
        batch_size = trg.shape[1]
        trg_len = trg.shape[0]
        trg_vocab_size = self.decoder.output_dim
        outputs = torch.zeros(trg_len, batch_size, trg_vocab_size).to(self.device)
        hidden, cell = self.encoder(src)
        input = trg[0, :]
        for t in range(1, trg_len):
            output, hidden, cell = self.decoder(input, hidden, cell)
            outputs[t] = output
            teacher_force = random.random() < teacher_forcing_ratio
            top1 = output.argmax(1)
            input = trg[t] if teacher_force else top1
        return outputs


def init_weights(m):
    for name, param in m.named_parameters():
        nn.init.uniform_(param.data, -0.08, 0.08)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def train(model, iterator, optimizer, criterion, clip):
    model.train()
    epoch_loss = 0
    for i, (src, trg) in enumerate(iterator):
        optimizer.zero_grad()
        output = model(src, trg)
        # trg = [trg len, batch size], output = [trg len, batch size, output dim]
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
        for i, (src, trg) in enumerate(iterator):
            output = model(src, trg, 0)  # turn off teacher forcing
            output_dim = output.shape[-1]
            output = output[1:].view(-1, output_dim)
            trg = trg[1:].view(-1)
            loss = criterion(output, trg)
            epoch_loss += loss.item()
    return epoch_loss / len(iterator)


def epoch_time(start_time, end_time):
    elapsed_time = end_time - start_time
    elapsed_mins = int(elapsed_time / 60)
    elapsed_secs = int(elapsed_time - (elapsed_mins * 60))
    return elapsed_mins, elapsed_secs


INPUT_DIM, OUTPUT_DIM = len(SRC_ITOS), len(TRG_ITOS)
enc = Encoder(INPUT_DIM, 8, 16, 2, 0.5)
dec = Decoder(OUTPUT_DIM, 8, 16, 2, 0.5)
model = Seq2Seq(enc, dec, device).to(device)
print(model.apply(init_weights))
print(f'The model has {count_parameters(model):,} trainable parameters')
optimizer = optim.Adam(model.parameters())
criterion = nn.CrossEntropyLoss(ignore_index=PAD_IDX)
best_valid_loss = float('inf')
for epoch in range(3):
    start_time = time.time()
    train_loss = train(model, train_iterator, optimizer, criterion, 1)
    valid_loss = evaluate(model, train_iterator, criterion)
    end_time = time.time()
    epoch_mins, epoch_secs = epoch_time(start_time, end_time)
    if valid_loss < best_valid_loss:
        best_valid_loss = valid_loss
        best = {k: v.clone() for k, v in model.state_dict().items()}
    print(f'Epoch: {epoch+1:02} | Time: {epoch_mins}m {epoch_secs > 60}s')  # the seconds vary from run to run
    print(f'\tTrain Loss: {train_loss:.3f} | Train PPL: {math.exp(train_loss):7.3f}')
    print(f'\t Val. Loss: {valid_loss:.3f} |  Val. PPL: {math.exp(valid_loss):7.3f}')
model.load_state_dict(best)
print(epoch_time(10.0, 135.5))
print(list(best)[:4], best['decoder.rnn.weight_ih_l1'].shape)


class GRUEncoder(nn.Module):
    def __init__(self, input_dim, emb_dim, hid_dim, dropout):
        super().__init__()
        self.hid_dim = hid_dim
        self.embedding = nn.Embedding(input_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim, hid_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, src):
        embedded = self.dropout(self.embedding(src))
        outputs, hidden = self.rnn(embedded)  # no cell state
        return hidden


class GRUDecoder(nn.Module):
    def __init__(self, output_dim, emb_dim, hid_dim, dropout):
        super().__init__()
        self.hid_dim = hid_dim
        self.output_dim = output_dim
        self.embedding = nn.Embedding(output_dim, emb_dim)
        self.rnn = nn.GRU(emb_dim + hid_dim, hid_dim)
        self.fc_out = nn.Linear(emb_dim + hid_dim * 2, output_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input, hidden, context):
        input = input.unsqueeze(0)
        embedded = self.dropout(self.embedding(input))
        emb_con = torch.cat((embedded, context), dim=2)
        output, hidden = self.rnn(emb_con, hidden)
        output = torch.cat((embedded.squeeze(0), hidden.squeeze(0), context.squeeze(0)), dim=1)
        prediction = self.fc_out(output)
        return prediction, hidden


class GRUSeq2Seq(nn.Module):
    def __init__(self, encoder, decoder, device):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.device = device

    def forward(self, src, trg, teacher_forcing_ratio=0.5):
        batch_size = trg.shape[1]
        trg_len = trg.shape[0]
        outputs = torch.zeros(trg_len, batch_size, self.decoder.output_dim).to(self.device)
        context = self.encoder(src)
        hidden = context
        input = trg[0, :]
        for t in range(1, trg_len):
            output, hidden = self.decoder(input, hidden, context)
            outputs[t] = output
            teacher_force = random.random() < teacher_forcing_ratio
            top1 = output.argmax(1)
            input = trg[t] if teacher_force else top1
        return outputs


def init_weights_normal(m):
    for name, param in m.named_parameters():
        nn.init.normal_(param.data, mean=0, std=0.01)


model = GRUSeq2Seq(GRUEncoder(INPUT_DIM, 8, 16, 0.5), GRUDecoder(OUTPUT_DIM, 8, 16, 0.5), device).to(device)
model.apply(init_weights_normal)
print(f'The model has {count_parameters(model):,} trainable parameters')
optimizer = optim.Adam(model.parameters())
for epoch in range(3):
    train_loss = train(model, train_iterator, optimizer, criterion, 1)
    valid_loss = evaluate(model, train_iterator, criterion)
    print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train PPL: {math.exp(train_loss):7.3f} | '
          f'Val. Loss: {valid_loss:.3f} | Val. PPL: {math.exp(valid_loss):7.3f}')
src, trg = train_iterator[1]
model.eval()
with torch.no_grad():
    output = model(src, trg, 0)
print(output.shape, output[0].abs().sum(), output[1:].argmax(-1).t())
print([[TRG_ITOS[i] for i in row] for row in output[1:].argmax(-1).t().tolist()])
