import tinygrad_rnn as torch
# Tacotron 2's decoder pieces as NVIDIA/tacotron2's model.py and the ESPnet / Coqui ports lay them out:
# a Prenet whose F.dropout stays on at inference (training=True), location-sensitive attention (a Conv1d
# over the previous and cumulative attention weights with padding (k - 1) // 2, tanh energies, padding
# masked with -inf before the softmax), an LSTMCell decoder with zoneout written by hand (bernoulli masks
# mixing the old and new states), teacher forcing, a stop-token BCEWithLogitsLoss with pos_weight, a
# Conv1d/BatchNorm1d postnet, and DCTTS's guided attention loss from torch.exp of a meshgrid(indexing='ij').
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(1234)
torch.set_printoptions(precision=4, sci_mode=False)

N_SYMBOLS, EMB, N_MELS = 12, 16, 10
PRENET, ATT_RNN, ATT_DIM, LOC_FILTERS, LOC_KERNEL = 8, 16, 8, 4, 5


class LinearNorm(nn.Module):
    def __init__(self, in_dim, out_dim, bias=True, w_init_gain="linear"):
        super().__init__()
        self.linear_layer = nn.Linear(in_dim, out_dim, bias=bias)
        nn.init.xavier_uniform_(self.linear_layer.weight, gain=nn.init.calculate_gain(w_init_gain))

    def forward(self, x):
        return self.linear_layer(x)


class ConvNorm(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size=1, stride=1, padding=None, dilation=1, bias=True,
                 w_init_gain="linear"):
        super().__init__()
        if padding is None:
            assert kernel_size % 2 == 1
            padding = int(dilation * (kernel_size - 1) / 2)
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size=kernel_size, stride=stride,
                              padding=padding, dilation=dilation, bias=bias)
        nn.init.xavier_uniform_(self.conv.weight, gain=nn.init.calculate_gain(w_init_gain))

    def forward(self, signal):
        return self.conv(signal)


class Prenet(nn.Module):
    def __init__(self, in_dim, sizes):
        super().__init__()
        in_sizes = [in_dim] + sizes[:-1]
        self.layers = nn.ModuleList([LinearNorm(i, o, bias=False) for i, o in zip(in_sizes, sizes)])

    def forward(self, x):
        for linear in self.layers:
            x = F.dropout(F.relu(linear(x)), p=0.5, training=True)  # on even in eval: the decoder's noise
        return x


class LocationLayer(nn.Module):
    def __init__(self, n_filters, kernel_size, attention_dim):
        super().__init__()
        self.location_conv = ConvNorm(2, n_filters, kernel_size=kernel_size, padding=(kernel_size - 1) // 2,
                                      bias=False, stride=1, dilation=1)
        self.location_dense = LinearNorm(n_filters, attention_dim, bias=False, w_init_gain="tanh")

    def forward(self, attention_weights_cat):
        processed = self.location_conv(attention_weights_cat)  # (B, filters, T_in)
        return self.location_dense(processed.transpose(1, 2))


class Attention(nn.Module):
    def __init__(self, rnn_dim, embedding_dim, attention_dim, n_filters, kernel_size):
        super().__init__()
        self.query_layer = LinearNorm(rnn_dim, attention_dim, bias=False, w_init_gain="tanh")
        self.memory_layer = LinearNorm(embedding_dim, attention_dim, bias=False, w_init_gain="tanh")
        self.v = LinearNorm(attention_dim, 1, bias=False)
        self.location_layer = LocationLayer(n_filters, kernel_size, attention_dim)
        self.score_mask_value = -float("inf")

    def get_alignment_energies(self, query, processed_memory, attention_weights_cat):
        processed_query = self.query_layer(query.unsqueeze(1))
        processed_attention_weights = self.location_layer(attention_weights_cat)
        energies = self.v(torch.tanh(processed_query + processed_attention_weights + processed_memory))
        return energies.squeeze(-1)

    def forward(self, query, memory, processed_memory, attention_weights_cat, mask):
        alignment = self.get_alignment_energies(query, processed_memory, attention_weights_cat)
        if mask is not None:
            alignment.data.masked_fill_(mask, self.score_mask_value)
        attention_weights = F.softmax(alignment, dim=1)
        attention_context = torch.bmm(attention_weights.unsqueeze(1), memory).squeeze(1)
        return attention_context, attention_weights


def get_mask_from_lengths(lengths):
    max_len = torch.max(lengths).item()
    ids = torch.arange(0, max_len, out=torch.LongTensor(max_len))
    return (ids < lengths.unsqueeze(1)).bool()


def zoneout(old, new, p, training):
    """Keep each unit's old value with probability p (a bernoulli mask when training, the expectation else)."""
    if training:
        keep = torch.bernoulli(torch.full_like(new, p))
        return keep * old + (1 - keep) * new
    return p * old + (1 - p) * new


class Decoder(nn.Module):
    def __init__(self, zoneout_p=0.1):
        super().__init__()
        self.zoneout_p = zoneout_p
        self.prenet = Prenet(N_MELS, [PRENET, PRENET])
        self.attention_rnn = nn.LSTMCell(PRENET + EMB, ATT_RNN)
        self.attention_layer = Attention(ATT_RNN, EMB, ATT_DIM, LOC_FILTERS, LOC_KERNEL)
        self.linear_projection = LinearNorm(ATT_RNN + EMB, N_MELS)
        self.gate_layer = LinearNorm(ATT_RNN + EMB, 1, bias=True, w_init_gain="sigmoid")

    def initialize_decoder_states(self, memory, mask):
        B, T_in = memory.size(0), memory.size(1)
        self.h = memory.new_zeros(B, ATT_RNN)
        self.c = memory.new_zeros(B, ATT_RNN)
        self.attention_weights = memory.new_zeros(B, T_in)
        self.attention_weights_cum = memory.new_zeros(B, T_in)
        self.attention_context = memory.new_zeros(B, EMB)
        self.memory = memory
        self.processed_memory = self.attention_layer.memory_layer(memory)
        self.mask = mask

    def decode(self, decoder_input):
        cell_input = torch.cat((decoder_input, self.attention_context), -1)
        h, c = self.attention_rnn(cell_input, (self.h, self.c))
        self.h = zoneout(self.h, h, self.zoneout_p, self.training)
        self.c = zoneout(self.c, c, self.zoneout_p, self.training)
        attention_weights_cat = torch.cat((self.attention_weights.unsqueeze(1),
                                           self.attention_weights_cum.unsqueeze(1)), dim=1)
        self.attention_context, self.attention_weights = self.attention_layer(
            self.h, self.memory, self.processed_memory, attention_weights_cat, self.mask)
        self.attention_weights_cum += self.attention_weights
        hidden_context = torch.cat((self.h, self.attention_context), dim=1)
        return self.linear_projection(hidden_context), self.gate_layer(hidden_context), self.attention_weights

    def forward(self, memory, decoder_inputs, memory_lengths):
        """Teacher forcing: the frame fed at step t is the ground truth frame t - 1 (a go frame first)."""
        go = memory.new_zeros(memory.size(0), N_MELS).unsqueeze(0)
        decoder_inputs = torch.cat((go, decoder_inputs.transpose(1, 2).transpose(0, 1)), dim=0)
        decoder_inputs = self.prenet(decoder_inputs)
        self.initialize_decoder_states(memory, mask=~get_mask_from_lengths(memory_lengths))
        mel_outputs, gate_outputs, alignments = [], [], []
        while len(mel_outputs) < decoder_inputs.size(0) - 1:
            mel, gate, weights = self.decode(decoder_inputs[len(mel_outputs)])
            mel_outputs += [mel.squeeze(1)]
            gate_outputs += [gate.squeeze(1)]
            alignments += [weights]
        alignments = torch.stack(alignments).transpose(0, 1)
        gate_outputs = torch.stack(gate_outputs).transpose(0, 1).contiguous()
        mel_outputs = torch.stack(mel_outputs).transpose(0, 1).contiguous().transpose(1, 2)
        return mel_outputs, gate_outputs, alignments


class Postnet(nn.Module):
    def __init__(self, channels=12, kernel=5, n_convs=3):
        super().__init__()
        dims = [N_MELS] + [channels] * (n_convs - 1) + [N_MELS]
        self.convolutions = nn.ModuleList([nn.Sequential(
            ConvNorm(i, o, kernel_size=kernel, padding=(kernel - 1) // 2, w_init_gain="tanh" if k < n_convs - 1
                     else "linear"), nn.BatchNorm1d(o)) for k, (i, o) in enumerate(zip(dims, dims[1:]))])

    def forward(self, x):
        for i, conv in enumerate(self.convolutions):
            x = conv(x)
            x = F.dropout(torch.tanh(x) if i < len(self.convolutions) - 1 else x, 0.5, self.training)
        return x


# --- a batch: padded symbol sequences, their "encoder" outputs, target mels and stop tokens ---
text_lengths = torch.LongTensor([7, 5, 4])
mel_lengths = torch.tensor([9, 7, 6])
B, T_in, T_out = 3, int(text_lengths.max()), int(mel_lengths.max())
text = torch.randint(1, N_SYMBOLS, (B, T_in)).masked_fill(~get_mask_from_lengths(text_lengths), 0)
embedding = nn.Embedding(N_SYMBOLS, EMB, padding_idx=0)
mels = torch.sin(torch.linspace(0, 6.0, T_out)).expand(B, N_MELS, T_out) * torch.rand(B, N_MELS, 1)
mels = mels.masked_fill(~get_mask_from_lengths(mel_lengths).unsqueeze(1), 0.0)
gate_target = (torch.arange(T_out).unsqueeze(0) >= (mel_lengths - 1).unsqueeze(1)).float()
print("text:", text, text.dtype)
print("mask:", get_mask_from_lengths(text_lengths))
print("mels:", mels.shape, mels[0, :2, :4], "gate target:", gate_target)

decoder, postnet = Decoder(), Postnet()
print(decoder.attention_layer)
print("conv padding:", decoder.attention_layer.location_layer.location_conv.conv.padding,
      "gain tanh:", round(nn.init.calculate_gain("tanh"), 4))
print("decoder params:", [(k, tuple(v.shape)) for k, v in decoder.state_dict().items()][:6])

# --- the prenet's dropout is on in eval too ---
decoder.eval()
x = torch.ones(2, N_MELS)
print("prenet (eval, still dropping):", decoder.prenet(x), decoder.prenet.training)
decoder.train()

# --- one attention step by hand ---
memory = embedding(text)
decoder.initialize_decoder_states(memory, ~get_mask_from_lengths(text_lengths))
cat = torch.cat((decoder.attention_weights.unsqueeze(1), decoder.attention_weights_cum.unsqueeze(1)), dim=1)
energies = decoder.attention_layer.get_alignment_energies(torch.randn(B, ATT_RNN), decoder.processed_memory, cat)
masked = energies.masked_fill(~get_mask_from_lengths(text_lengths), float("-inf"))
print("energies:", energies.shape, masked[2], "softmax:", F.softmax(masked, dim=1)[2])

# --- zoneout by hand, training and eval ---
old, new = torch.zeros(2, 6), torch.ones(2, 6)
print("zoneout train:", zoneout(old, new, 0.5, True), "eval:", zoneout(old, new, 0.1, False)[0, :2])
mask = F.dropout(torch.ones(2, 6), p=0.5, training=True) * 0.5
print("dropout mask as zoneout:", mask, torch.where(mask.bool(), new, old))

# --- teacher-forced training steps ---
params = list(embedding.parameters()) + list(decoder.parameters()) + list(postnet.parameters())
optimizer = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=1e-6)
mse = nn.MSELoss()
stop_loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(5.0))


def guided_attention(n_in, n_out, g=0.2):
    grid_n, grid_t = torch.meshgrid(torch.arange(n_in).float(), torch.arange(n_out).float(), indexing="ij")
    return 1.0 - torch.exp(-((grid_n / n_in - grid_t / n_out) ** 2) / (2 * g * g))


W = guided_attention(T_in, T_out)
print("guided weights:", W.shape, W[0, :4], W.diagonal()[:3])
for step in range(3):
    memory = embedding(text)
    mel_out, gate_out, alignments = decoder(memory, mels, text_lengths)
    mel_post = mel_out + postnet(mel_out)
    out_mask = get_mask_from_lengths(mel_lengths).unsqueeze(1).expand_as(mels)
    mel_loss = mse(mel_out.masked_select(out_mask), mels.masked_select(out_mask)) + F.l1_loss(
        mel_post * out_mask, mels)
    gate_loss = stop_loss(gate_out, gate_target)
    guided = []
    for b in range(B):
        n_in, n_out = int(text_lengths[b]), int(mel_lengths[b])
        guided.append((alignments[b, :n_out, :n_in] * guided_attention(n_in, n_out).t()).mean())
    attn_loss = torch.stack(guided).mean()
    loss = mel_loss + gate_loss + attn_loss
    optimizer.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    print(f"step {step}: mel {mel_loss.item():.4f} gate {gate_loss.item():.4f} attn {attn_loss.item():.4f} "
          f"total {loss.item():.4f} norm {norm.item():.4f}")

print("outputs:", mel_out.shape, gate_out.shape, alignments.shape, mel_out.is_contiguous())
print("alignment rows sum to 1:", torch.allclose(alignments.sum(-1), torch.ones(B, T_out)))
print("padded text gets no attention:", alignments[2, :, 4:].abs().max().item())
print("cumulative:", decoder.attention_weights_cum[1], decoder.attention_weights_cum.sum(1).round(decimals=3))
print("stop probs:", torch.sigmoid(gate_out[0]).detach(), "predicted end:", (torch.sigmoid(gate_out) > 0.5).int().argmax(1))
print("embedding pad grad:", embedding.weight.grad[0].abs().sum().item(), "bn:", postnet.convolutions[0][1].running_var[:3])
