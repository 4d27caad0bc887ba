import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
rnn_utils = torch.nn.utils.rnn
# timbmg/Sentence-VAE (Bowman et al. 2016, "Generating Sentences from a Continuous Space"): a text VAE
# with an LSTM encoder (bidirectional, packed by sorted length), mean/logv heads, a reparameterised z
# that initialises a 2-layer LSTM decoder, word dropout (inputs replaced by <unk> except <sos>/<pad>),
# embedding dropout, NLLLoss(ignore_index=pad, reduction='sum'), the KL term written out, logistic and
# linear KL annealing, then greedy inference with running sequences (masked_select, topk) and a linear
# interpolation between two latent codes. The repo's GRU hidden becomes an LSTM's (h, c) here.
torch.manual_seed(2016)
sentences = ["the cat sat on the mat", "a dog ran in the park", "the bird sang a song",
             "a cat saw the dog", "the dog sat in the sun", "a bird flew over the park",
             "the sun is warm", "a song in the park"]
specials = ["<pad>", "<unk>", "<sos>", "<eos>"]
words = sorted(set(" ".join(sentences).split()))
w2i = {w: i for i, w in enumerate(specials + words)}
i2w = {i: w for w, i in w2i.items()}
pad_idx, unk_idx, sos_idx, eos_idx = (w2i[s] for s in specials)
max_sequence_length = 9


def to_ids(sentence):
    ids = [w2i[w] for w in sentence.split()][:max_sequence_length - 1]
    inp = [sos_idx] + ids
    tgt = ids + [eos_idx]
    length = len(inp)
    inp += [pad_idx] * (max_sequence_length - length)
    tgt += [pad_idx] * (max_sequence_length - length)
    return inp, tgt, length


batch = [to_ids(s) for s in sentences]
inputs = torch.tensor([b[0] for b in batch])
targets = torch.tensor([b[1] for b in batch])
lengths = torch.tensor([b[2] for b in batch])
print(len(w2i), inputs.shape, targets.dtype, lengths)
print(inputs[0], targets[0])


def idx2word(idx, i2w, pad_idx):
    sent_str = [str()] * len(idx)
    for i, sent in enumerate(idx):
        for word_id in sent:
            if word_id == pad_idx:
                break
            sent_str[i] += i2w[word_id.item()] + " "
        sent_str[i] = sent_str[i].strip()
    return sent_str


print(idx2word(targets[:2], i2w, pad_idx))


class SentenceVAE(nn.Module):
    def __init__(self, vocab_size, embedding_size, hidden_size, word_dropout, embedding_dropout, latent_size,
                 sos_idx, eos_idx, pad_idx, unk_idx, max_sequence_length, num_layers=1, bidirectional=False):
        super().__init__()
        self.tensor = torch.Tensor
        self.max_sequence_length = max_sequence_length
        self.sos_idx, self.eos_idx, self.pad_idx, self.unk_idx = sos_idx, eos_idx, pad_idx, unk_idx
        self.latent_size = latent_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.word_dropout_rate = word_dropout
        self.embedding_dropout = nn.Dropout(p=embedding_dropout)
        self.encoder_rnn = nn.LSTM(embedding_size, hidden_size, num_layers=num_layers,
                                   bidirectional=self.bidirectional, batch_first=True)
        self.hidden_factor = (2 if bidirectional else 1) * num_layers
        self.decoder_rnn = nn.LSTM(embedding_size, hidden_size, num_layers=self.hidden_factor, batch_first=True)
        self.hidden2mean = nn.Linear(hidden_size * self.hidden_factor, latent_size)
        self.hidden2logv = nn.Linear(hidden_size * self.hidden_factor, latent_size)
        self.latent2hidden = nn.Linear(latent_size, hidden_size * self.hidden_factor)
        self.outputs2vocab = nn.Linear(hidden_size, vocab_size)

    def forward(self, input_sequence, length):
        batch_size = input_sequence.size(0)
        sorted_lengths, sorted_idx = torch.sort(length, descending=True)
        input_sequence = input_sequence[sorted_idx]
        input_embedding = self.embedding(input_sequence)
        packed_input = rnn_utils.pack_padded_sequence(input_embedding, sorted_lengths.data.tolist(), batch_first=True)
        _, (hidden, _) = self.encoder_rnn(packed_input)
        hidden = hidden.transpose(0, 1).reshape(batch_size, self.hidden_size * self.hidden_factor)
        mean = self.hidden2mean(hidden)
        logv = self.hidden2logv(hidden)
        std = torch.exp(0.5 * logv)
        z = torch.randn([batch_size, self.latent_size])
        z = z * std + mean
        hidden = self.latent2hidden(z)
        hidden = hidden.view(batch_size, self.hidden_factor, self.hidden_size).transpose(0, 1).contiguous()
        if self.word_dropout_rate > 0:
            prob = torch.rand(input_sequence.size())
            prob[(input_sequence.data - self.sos_idx) * (input_sequence.data - self.pad_idx) == 0] = 1
            decoder_input_sequence = input_sequence.clone()
            decoder_input_sequence[prob < self.word_dropout_rate] = self.unk_idx
            input_embedding = self.embedding(decoder_input_sequence)
        input_embedding = self.embedding_dropout(input_embedding)
        packed_input = rnn_utils.pack_padded_sequence(input_embedding, sorted_lengths.data.tolist(), batch_first=True)
        outputs, _ = self.decoder_rnn(packed_input, (hidden, torch.zeros_like(hidden)))
        padded_outputs = rnn_utils.pad_packed_sequence(outputs, batch_first=True)[0]
        padded_outputs = padded_outputs.contiguous()
        _, reversed_idx = torch.sort(sorted_idx)
        padded_outputs = padded_outputs[reversed_idx]
        b, s, _ = padded_outputs.size()
        logp = nn.functional.log_softmax(self.outputs2vocab(padded_outputs.view(-1, padded_outputs.size(2))), dim=-1)
        logp = logp.view(b, s, self.embedding.num_embeddings)
        return logp, mean, logv, z

    def inference(self, n=4, z=None):
        if z is None:
            batch_size = n
            z = torch.randn([batch_size, self.latent_size])
        else:
            batch_size = z.size(0)
        hidden = self.latent2hidden(z)
        hidden = hidden.view(batch_size, self.hidden_factor, self.hidden_size).transpose(0, 1).contiguous()
        cell = torch.zeros_like(hidden)
        sequence_idx = torch.arange(0, batch_size, out=self.tensor()).long()
        sequence_running = torch.arange(0, batch_size, out=self.tensor()).long()
        sequence_mask = torch.ones(batch_size, out=self.tensor()).bool()
        running_seqs = torch.arange(0, batch_size, out=self.tensor()).long()
        generations = self.tensor(batch_size, self.max_sequence_length).fill_(self.pad_idx).long()
        t = 0
        while t < self.max_sequence_length and len(running_seqs) > 0:
            if t == 0:
                input_sequence = torch.Tensor(batch_size).fill_(self.sos_idx).long()
            input_sequence = input_sequence.unsqueeze(1)
            input_embedding = self.embedding(input_sequence)
            output, (hidden, cell) = self.decoder_rnn(input_embedding, (hidden, cell))
            logits = self.outputs2vocab(output)
            input_sequence = self._sample(logits)
            generations = self._save_sample(generations, input_sequence, sequence_running, t)
            sequence_mask[sequence_running] = (input_sequence != self.eos_idx)
            sequence_running = sequence_idx.masked_select(sequence_mask)
            running_mask = (input_sequence != self.eos_idx).data
            running_seqs = running_seqs.masked_select(running_mask)
            if len(running_seqs) > 0:
                input_sequence = input_sequence[running_seqs]
                hidden = hidden[:, running_seqs]
                cell = cell[:, running_seqs]
                running_seqs = torch.arange(0, len(running_seqs), out=self.tensor()).long()
            t += 1
        return generations, z

    def _sample(self, dist, mode="greedy"):
        if mode == "greedy":
            _, sample = torch.topk(dist, 1, dim=-1)
        sample = sample.reshape(-1)
        return sample

    def _save_sample(self, save_to, sample, running_seqs, t):
        running_latest = save_to[running_seqs]
        running_latest[:, t] = sample.data
        save_to[running_seqs] = running_latest
        return save_to


def kl_anneal_function(anneal_function, step, k, x0):
    if anneal_function == "logistic":
        return float(1 / (1 + np.exp(-k * (step - x0))))
    elif anneal_function == "linear":
        return min(1, step / x0)


print("-- annealing schedules")
print([round(kl_anneal_function("logistic", s, 0.0025, 2500), 6) for s in (0, 1000, 2500, 4000, 10000)])
print([kl_anneal_function("linear", s, 0.0025, 2500) for s in (0, 1250, 2500, 5000)])
print(torch.sigmoid(torch.tensor([0.0025 * (s - 2500.0) for s in (0, 1000, 2500)])))

NLL = torch.nn.NLLLoss(ignore_index=pad_idx, reduction="sum")
print(NLL, NLL.ignore_index, NLL.reduction)


def loss_fn(logp, target, length, mean, logv, anneal_function, step, k, x0):
    target = target[:, :torch.max(length).item()].contiguous().view(-1)
    logp = logp.view(-1, logp.size(2))
    NLL_loss = NLL(logp, target)
    KL_loss = -0.5 * torch.sum(1 + logv - mean.pow(2) - logv.exp())
    KL_weight = kl_anneal_function(anneal_function, step, k, x0)
    return NLL_loss, KL_loss, KL_weight


print("-- model")
model = SentenceVAE(len(w2i), embedding_size=10, hidden_size=12, word_dropout=0.3, embedding_dropout=0.2,
                    latent_size=4, sos_idx=sos_idx, eos_idx=eos_idx, pad_idx=pad_idx, unk_idx=unk_idx,
                    max_sequence_length=max_sequence_length, num_layers=1, bidirectional=True)
print(model)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items() if "rnn" in k][:6])
print(model.hidden_factor, model.encoder_rnn.bidirectional, model.decoder_rnn.num_layers)

print("-- word dropout by hand")
prob = torch.rand(inputs.size())
keep = (inputs - sos_idx) * (inputs - pad_idx) == 0
prob[keep] = 1
dropped = inputs.clone()
dropped[prob < 0.3] = unk_idx
print(keep.sum().item(), (dropped == unk_idx).sum().item())
print(dropped[:3])

print("-- packing")
sorted_lengths, sorted_idx = torch.sort(lengths, descending=True)
print(sorted_lengths, sorted_idx, torch.sort(sorted_idx)[1])
packed = rnn_utils.pack_padded_sequence(model.embedding(inputs[sorted_idx]), sorted_lengths.tolist(), batch_first=True)
print(type(packed).__name__, packed.data.shape, packed.batch_sizes, packed.sorted_indices)
padded, out_lengths = rnn_utils.pad_packed_sequence(packed, batch_first=True, total_length=max_sequence_length)
print(padded.shape, out_lengths, out_lengths.dtype)

print("-- train")
optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
step = 0
for epoch in range(8):
    model.train()
    for i in range(2):
        idx = torch.arange(i * 4, i * 4 + 4)
        logp, mean, logv, z = model(inputs[idx], lengths[idx])
        NLL_loss, KL_loss, KL_weight = loss_fn(logp, targets[idx], lengths[idx], mean, logv, "logistic",
                                               step, 0.5, 6)
        loss = (NLL_loss + KL_weight * KL_loss) / 4
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        print("Epoch %d Batch %d, Loss %9.4f, NLL-Loss %9.4f, KL-Loss %9.4f, KL-Weight %6.3f"
              % (epoch, i, loss.item(), NLL_loss.item() / 4, KL_loss.item() / 4, KL_weight))
print(logp.shape, logp.exp().sum(-1)[0, :3], mean.shape, z.requires_grad)
print(model.hidden2logv.weight.grad.abs().sum() > 0, model.embedding.weight.grad[unk_idx].shape)

print("-- inference")
model.eval()
with torch.no_grad():
    samples, z = model.inference(n=3)
print(samples.shape, samples.dtype, z.shape)
print(samples)
print(*idx2word(samples, i2w=i2w, pad_idx=pad_idx), sep="\n")


def interpolate(start, end, steps):
    interpolation = np.zeros((start.shape[0], steps + 2))
    for dim, (s, e) in enumerate(zip(start, end)):
        interpolation[dim] = np.linspace(s, e, steps + 2)
    return interpolation.T


z1 = torch.randn([4]).numpy()
z2 = torch.randn([4]).numpy()
z = torch.from_numpy(interpolate(start=z1, end=z2, steps=3)).float()
print(z.shape, z.dtype, z[:, 0])
with torch.no_grad():
    samples, _ = model.inference(z=z)
print(*idx2word(samples, i2w=i2w, pad_idx=pad_idx), sep="\n")
print(torch.lerp(torch.from_numpy(z1), torch.from_numpy(z2), 0.25).float(), z[1])
