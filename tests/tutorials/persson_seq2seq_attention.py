import tinygrad_rnn as torch
import random
nn = torch.nn
optim = torch.optim
pad_sequence = torch.nn.utils.rnn.pad_sequence
# Aladdin Persson's more_advanced/Seq2Seq and Seq2Seq_attention (German->English with torchtext there;
# here a toy reversal task with a hand-built vocabulary and a pad_sequence collate as in his
# custom_dataset_txt): LSTM encoder/decoder with teacher forcing, then a bidirectional encoder whose
# hidden states are joined by fc_hidden/fc_cell and an additive attention read with einsum.
torch.manual_seed(0)
random.seed(0)
itos = ["<pad>", "<sos>", "<eos>"] + list("abcdefgh")
stoi = {s: i for i, s in enumerate(itos)}
words = ["".join(random.choice("abcdefgh") for _ in range(random.randint(3, 6))) for _ in range(24)]


class MyCollate:
    def __init__(self, pad_idx):
        self.pad_idx = pad_idx

    def __call__(self, batch):
        src = [item[0] for item in batch]
        src = pad_sequence(src, batch_first=False, padding_value=self.pad_idx)
        trg = [item[1] for item in batch]
        trg = pad_sequence(trg, batch_first=False, padding_value=self.pad_idx)
        return src, trg


def numericalize(w):
    return torch.tensor([stoi["<sos>"]] + [stoi[c] for c in w] + [stoi["<eos>"]])


pairs = [(numericalize(w), numericalize(w[::-1])) for w in words]
loader = torch.utils.data.DataLoader(pairs, batch_size=8, shuffle=True, collate_fn=MyCollate(stoi["<pad>"]))
src, trg = next(iter(loader))
print(src.shape, trg.shape, src[:, 0], src.dtype)


class Encoder(nn.Module):
    def __init__(self, input_size, embedding_size, hidden_size, num_layers, p):
        super(Encoder, self).__init__()
        self.dropout = nn.Dropout(p)
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding = nn.Embedding(input_size, embedding_size)
        self.rnn = nn.LSTM(embedding_size, hidden_size, num_layers, dropout=p)

    def forward(self, x):
        embedding = self.dropout(self.embedding(x))
        outputs, (hidden, cell) = self.rnn(embedding)
        return hidden, cell


class Decoder(nn.Module):
    def __init__(self, input_size, embedding_size, hidden_size, output_size, num_layers, p):
        super(Decoder, self).__init__()
        self.dropout = nn.Dropout(p)
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding = nn.Embedding(input_size, embedding_size)
        self.rnn = nn.LSTM(embedding_size, hidden_size, num_layers, dropout=p)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x, hidden, cell):
        x = x.unsqueeze(0)
        embedding = self.dropout(self.embedding(x))
        outputs, (hidden, cell) = self.rnn(embedding, (hidden, cell))
        predictions = self.fc(outputs)
        predictions = predictions.squeeze(0)
        return predictions, hidden, cell


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super(Seq2Seq, self).__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, source, target, teacher_force_ratio=0.5):
        batch_size = source.shape[1]
        target_len = target.shape[0]
        target_vocab_size = len(itos)
        outputs = torch.zeros(target_len, batch_size, target_vocab_size)
        hidden, cell = self.encoder(source)
        x = target[0]
        for t in range(1, target_len):
            output, hidden, cell = self.decoder(x, hidden, cell)
            outputs[t] = output
            best_guess = output.argmax(1)
            x = target[t] if random.random() < teacher_force_ratio else best_guess
        return outputs


class EncoderAtt(nn.Module):
    def __init__(self, input_size, embedding_size, hidden_size, num_layers, p):
        super(EncoderAtt, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding = nn.Embedding(input_size, embedding_size)
        self.rnn = nn.LSTM(embedding_size, hidden_size, num_layers, bidirectional=True)
        self.fc_hidden = nn.Linear(hidden_size * 2, hidden_size)
        self.fc_cell = nn.Linear(hidden_size * 2, hidden_size)
        self.dropout = nn.Dropout(p)

    def forward(self, x):
        embedding = self.dropout(self.embedding(x))
        encoder_states, (hidden, cell) = self.rnn(embedding)
        hidden = self.fc_hidden(torch.cat((hidden[0:1], hidden[1:2]), dim=2))
        cell = self.fc_cell(torch.cat((cell[0:1], cell[1:2]), dim=2))
        return encoder_states, hidden, cell


class DecoderAtt(nn.Module):
    def __init__(self, input_size, embedding_size, hidden_size, output_size, num_layers, p):
        super(DecoderAtt, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding = nn.Embedding(input_size, embedding_size)
        self.rnn = nn.LSTM(hidden_size * 2 + embedding_size, hidden_size, num_layers)
        self.energy = nn.Linear(hidden_size * 3, 1)
        self.fc = nn.Linear(hidden_size, output_size)
        self.dropout = nn.Dropout(p)
        self.softmax = nn.Softmax(dim=0)
        self.relu = nn.ReLU()

    def forward(self, x, encoder_states, hidden, cell):
        x = x.unsqueeze(0)
        embedding = self.dropout(self.embedding(x))
        sequence_length = encoder_states.shape[0]
        h_reshaped = hidden.repeat(sequence_length, 1, 1)
        energy = self.relu(self.energy(torch.cat((h_reshaped, encoder_states), dim=2)))
        attention = self.softmax(energy)
        context_vector = torch.einsum("snk,snl->knl", attention, encoder_states)
        rnn_input = torch.cat((context_vector, embedding), dim=2)
        outputs, (hidden, cell) = self.rnn(rnn_input, (hidden, cell))
        predictions = self.fc(outputs).squeeze(0)
        return predictions, hidden, cell


class Seq2SeqAtt(nn.Module):
    def __init__(self, encoder, decoder):
        super(Seq2SeqAtt, self).__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, source, target, teacher_force_ratio=0.5):
        batch_size = source.shape[1]
        target_len = target.shape[0]
        outputs = torch.zeros(target_len, batch_size, len(itos))
        encoder_states, hidden, cell = self.encoder(source)
        x = target[0]
        for t in range(1, target_len):
            output, hidden, cell = self.decoder(x, encoder_states, hidden, cell)
            outputs[t] = output
            best_guess = output.argmax(1)
            x = target[t] if random.random() < teacher_force_ratio else best_guess
        return outputs


def translate_sentence(model, word, max_length=10):
    sentence_tensor = numericalize(word).unsqueeze(1)
    with torch.no_grad():
        if isinstance(model, Seq2SeqAtt):
            outputs_encoder, hiddens, cells = model.encoder(sentence_tensor)
        else:
            hiddens, cells = model.encoder(sentence_tensor)
    outputs = [stoi["<sos>"]]
    for _ in range(max_length):
        previous_word = torch.LongTensor([outputs[-1]])
        with torch.no_grad():
            if isinstance(model, Seq2SeqAtt):
                output, hiddens, cells = model.decoder(previous_word, outputs_encoder, hiddens, cells)
            else:
                output, hiddens, cells = model.decoder(previous_word, hiddens, cells)
            best_guess = output.argmax(1).item()
        outputs.append(best_guess)
        if output.argmax(1).item() == stoi["<eos>"]:
            break
    return [itos[idx] for idx in outputs]


V = len(itos)
for model in (Seq2Seq(Encoder(V, 16, 32, 2, 0.0), Decoder(V, 16, 32, V, 2, 0.0)),
              Seq2SeqAtt(EncoderAtt(V, 16, 32, 1, 0.0), DecoderAtt(V, 16, 32, V, 1, 0.0))):
    print(model)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss(ignore_index=stoi["<pad>"])
    for epoch in range(2):
        model.eval()
        translated = translate_sentence(model, "abcd")
        model.train()
        for batch_idx, (inp_data, target) in enumerate(loader):
            output = model(inp_data, target)
            output = output[1:].reshape(-1, output.shape[2])
            target = target[1:].reshape(-1)
            optimizer.zero_grad()
            loss = criterion(output, target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1)
            optimizer.step()
        print(epoch, "".join(translated), f"{loss.item():.4f}", output.shape, output.grad_fn.name())
