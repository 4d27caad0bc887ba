import tinygrad_rnn as torch
# DeepSpeech2 the way the PyTorch ports write it (SeanNaren/deepspeech.pytorch's MaskConv / SequenceWise /
# BatchRNN, AssemblyAI's "Building an end-to-end Speech Recognition model in PyTorch" blog): a strided
# nn.Conv2d front end with BatchNorm2d and Hardtanh(0, 20), padded frames zeroed by a mask built from the
# conv output-length formula, (batch, channels, freq, time) flattened to (time, batch, features),
# bidirectional nn.GRU layers over pack_padded_sequence(enforce_sorted=False) whose two directions are
# summed, a sequence-wise BatchNorm1d, log_softmax with time first into nn.CTCLoss(zero_infinity=True),
# a few AdamW steps with clip_grad_norm_, and greedy decoding with torch.unique_consecutive.
import math

nn = torch.nn
F = torch.nn.functional
pack = nn.utils.rnn.pack_padded_sequence
unpack = nn.utils.rnn.pad_packed_sequence
torch.manual_seed(1512)
torch.set_printoptions(precision=4)

LABELS = "_'abcde "  # "_" is the blank, index 0
N_FEATS = 16
N_CLASS = len(LABELS)


class MaskConv(nn.Module):
    """Runs a Sequential of conv modules and zeroes every time step past each example's length."""

    def __init__(self, seq_module):
        super().__init__()
        self.seq_module = seq_module

    def forward(self, x, lengths):
        for module in self.seq_module:
            x = module(x)
            mask = torch.BoolTensor(x.size()).fill_(0)
            for i, length in enumerate(lengths):
                length = length.item()
                if (mask[i].size(2) - length) > 0:
                    mask[i].narrow(2, length, mask[i].size(2) - length).fill_(1)
            x = x.masked_fill(mask, 0)
        return x, lengths


class SequenceWise(nn.Module):
    """Applies a module to (T*N, H) and folds the result back to (T, N, H)."""

    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        t, n = x.size(0), x.size(1)
        x = x.view(t * n, -1)
        x = self.module(x)
        return x.view(t, n, -1)

    def __repr__(self):
        return self.__class__.__name__ + " (\n" + self.module.__repr__() + ")"


class BatchRNN(nn.Module):
    def __init__(self, input_size, hidden_size, bidirectional=True, batch_norm=True):
        super().__init__()
        self.hidden_size = hidden_size
        self.bidirectional = bidirectional
        self.batch_norm = SequenceWise(nn.BatchNorm1d(input_size)) if batch_norm else None
        self.rnn = nn.GRU(input_size=input_size, hidden_size=hidden_size, bidirectional=bidirectional, bias=True)

    def forward(self, x, output_lengths, h=None):
        if self.batch_norm is not None:
            x = self.batch_norm(x)
        x = pack(x, output_lengths.cpu(), enforce_sorted=False)
        x, h = self.rnn(x, h)
        x, _ = unpack(x)
        if self.bidirectional:
            x = x.view(x.size(0), x.size(1), 2, -1).sum(2).view(x.size(0), x.size(1), -1)  # sum directions
        return x, h


class DeepSpeech(nn.Module):
    def __init__(self, n_feats=N_FEATS, hidden=12, n_layers=2, n_class=N_CLASS):
        super().__init__()
        self.conv = MaskConv(nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=(5, 5), stride=(2, 2), padding=(2, 2)),
            nn.BatchNorm2d(4),
            nn.Hardtanh(0, 20, inplace=True),
            nn.Conv2d(4, 4, kernel_size=(3, 3), stride=(2, 1), padding=(1, 1)),
            nn.BatchNorm2d(4),
            nn.Hardtanh(0, 20, inplace=True),
        ))
        rnn_input_size = int(math.floor((n_feats + 2 * 2 - 5) / 2 + 1))
        rnn_input_size = int(math.floor((rnn_input_size + 2 * 1 - 3) / 2 + 1))
        rnn_input_size *= 4
        self.rnns = nn.Sequential(
            BatchRNN(rnn_input_size, hidden, batch_norm=False),
            *(BatchRNN(hidden, hidden) for _ in range(n_layers - 1)),
        )
        self.fc = nn.Sequential(SequenceWise(nn.Sequential(nn.BatchNorm1d(hidden), nn.Linear(hidden, n_class,
                                                                                                 bias=False))))

    def get_seq_lens(self, input_length):
        """The frames left after each conv along time: (L + 2p - d(k - 1) - 1) // s + 1."""
        seq_len = input_length
        for m in self.conv.modules():
            if type(m) is nn.modules.conv.Conv2d:
                seq_len = seq_len + 2 * m.padding[1] - m.dilation[1] * (m.kernel_size[1] - 1) - 1
                seq_len = seq_len.true_divide(m.stride[1]) + 1
        return seq_len.int()

    def forward(self, x, lengths):
        output_lengths = self.get_seq_lens(lengths)
        x, _ = self.conv(x, output_lengths)
        sizes = x.size()
        x = x.view(sizes[0], sizes[1] * sizes[2], sizes[3])  # collapse channels and frequency
        x = x.transpose(1, 2).transpose(0, 1).contiguous()  # (T, N, H)
        for rnn in self.rnns:
            x, _ = rnn(x, output_lengths)
        x = self.fc(x)
        return x.transpose(0, 1), output_lengths  # (N, T, classes)


# --- data: each label is a prototype spectrum held for a few frames, plus noise ---
prototypes = torch.rand(len(LABELS), N_FEATS) * 2
transcripts = ["abc", "bad e", "a'c", "dee", "cab"]


def features(text):
    frames = [prototypes[LABELS.index(ch)].expand(int(torch.randint(3, 6, (1,))), N_FEATS) for ch in text]
    x = torch.cat(frames)
    return (x + 0.2 * torch.randn_like(x)).t()  # (freq, time)


specs = [features(t) for t in transcripts]
input_lengths = torch.IntTensor([s.size(1) for s in specs])
max_t = int(input_lengths.max())
inputs = torch.zeros(len(specs), 1, N_FEATS, max_t)
for i, s in enumerate(specs):
    inputs[i, 0, :, :s.size(1)] = s
targets = torch.cat([torch.tensor([LABELS.index(c) for c in t]) for t in transcripts])
target_lengths = torch.tensor([len(t) for t in transcripts])
print("inputs:", inputs.shape, "lengths:", input_lengths, "targets:", targets.shape, target_lengths)

model = DeepSpeech()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()),
      [k for k in model.state_dict() if "num_batches" in k][:2])
with torch.no_grad():
    print("seq lens:", model.get_seq_lens(input_lengths), model.get_seq_lens(input_lengths).dtype)
    print("by the formula:", torch.div(input_lengths + 2 * 2 - 5, 2, rounding_mode="floor") + 1)

criterion = nn.CTCLoss(blank=0, reduction="mean", zero_infinity=True)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, total_steps=5, pct_start=0.4,
                                                anneal_strategy="linear")
model.train()
for step in range(4):
    out, output_sizes = model(inputs, input_lengths)
    log_probs = out.transpose(0, 1).log_softmax(-1)  # (T, N, C) as CTCLoss wants
    loss = criterion(log_probs, targets, output_sizes, target_lengths)
    optimizer.zero_grad()
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 400)
    optimizer.step()
    scheduler.step()
    print(f"step {step} loss {loss.item():.4f} grad norm {grad_norm:.4f} lr {scheduler.get_last_lr()[0]:.5f}")

print("last out:", out.shape, log_probs.shape, output_sizes, loss.grad_fn.name())
rnn0 = model.rnns[0].rnn
print("gru grads:", rnn0.weight_hh_l0_reverse.grad.shape, rnn0.weight_ih_l0.grad.norm())
print("bn running mean:", model.conv.seq_module[1].running_mean,
      model.conv.seq_module[1].num_batches_tracked)

# --- the per-utterance losses, and a target longer than its frames (zero_infinity) ---
per_utt = F.ctc_loss(log_probs, targets, output_sizes, target_lengths, reduction="none")
print("per utterance:", per_utt, (per_utt / target_lengths).mean(), loss)
too_short = torch.tensor([2, 9])
long_targets = torch.randint(1, len(LABELS), (12,))
print("inf:", F.ctc_loss(log_probs[:, :2], long_targets, too_short, torch.tensor([3, 9]), reduction="none"))
print("zeroed:", F.ctc_loss(log_probs[:, :2], long_targets, too_short, torch.tensor([3, 9]),
                            reduction="none", zero_infinity=True))
print("sum:", F.ctc_loss(log_probs, targets, output_sizes, target_lengths, reduction="sum"))

# --- greedy decoding: argmax per frame, merge repeats, drop blanks ---
model.eval()
with torch.no_grad():
    out, output_sizes = model(inputs, input_lengths)
    probs = F.softmax(out, dim=-1)
    best = probs.argmax(-1)
print("eval out:", out.shape, torch.allclose(probs.sum(-1), torch.ones(probs.shape[:2])), best.shape)
for i in range(best.size(0)):
    path = best[i, :output_sizes[i]]
    merged, counts = torch.unique_consecutive(path, return_counts=True)
    text = "".join(LABELS[c] for c in merged.tolist() if c != 0)
    print(f"{transcripts[i]!r:8} -> {text!r:10} path {path.tolist()} runs {counts.tolist()}")
merged, inverse = torch.unique_consecutive(best[0], return_inverse=True)
print("inverse:", inverse, merged[merged != 0])
print("offsets:", torch.nonzero(torch.diff(best[0], prepend=torch.tensor([-1]))).flatten())
