import tinygrad_rnn as torch
# A variable-length sequence classifier the way the PyTorch docs for nn.utils.rnn, nn.LSTM (proj_size)
# and nn.utils.parametrizations describe it: left- and right-padded batches with pad_sequence's
# padding_side, pack_padded_sequence with unsorted lengths, a bidirectional LSTM with projections
# (proj_size) whose recurrent weight is kept orthogonal and whose head is weight-normalised, the
# PackedSequence's own conversions, pad_packed_sequence with total_length, unpad/unpack, and
# gradient clipping with foreach and error_if_nonfinite, plus the older spectral_norm hook API.
nn = torch.nn
rnn_utils = torch.nn.utils.rnn
P = torch.nn.utils.parametrizations
torch.manual_seed(0)

# --- pad_sequence both ways, and the PackedSequence made from it ---
seqs = [torch.randn(n, 3) for n in (4, 2, 5)]
right = rnn_utils.pad_sequence(seqs, batch_first=True)
left = rnn_utils.pad_sequence(seqs, batch_first=True, padding_value=-1.0, padding_side="left")
print("right-padded row 1:", right[1, :, 0])
print("left-padded row 1:", left[1, :, 0])
lengths = torch.tensor([len(s) for s in seqs])
packed = rnn_utils.pack_padded_sequence(right, lengths, batch_first=True, enforce_sorted=False)
print("batch_sizes:", packed.batch_sizes, "sorted:", packed.sorted_indices, "unsorted:", packed.unsorted_indices)
as_double = packed.double()
print("double():", as_double.data.dtype, "to(float32):", as_double.to(torch.float32).data.dtype,
      "same indices:", bool((as_double.sorted_indices == packed.sorted_indices).all()))
print("unpack_sequence lengths:", [len(s) for s in rnn_utils.unpack_sequence(packed)])
print("unpad_sequence lengths:", [len(s) for s in rnn_utils.unpad_sequence(right, lengths, batch_first=True)])


class Classifier(nn.Module):
    """BiLSTM with projected hidden states (proj_size) over packed input, mean-pooled, then a linear head."""

    def __init__(self, n_in, hidden, proj, n_classes):
        super().__init__()
        self.lstm = nn.LSTM(n_in, hidden, num_layers=2, bidirectional=True, batch_first=True, proj_size=proj)
        P.orthogonal(self.lstm, "weight_hr_l0")  # the (proj, hidden) projection, kept with orthonormal rows
        self.head = P.weight_norm(nn.Linear(2 * proj, n_classes))

    def forward(self, x, lengths, total_length=None):
        packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        out, out_lengths = rnn_utils.pad_packed_sequence(out, batch_first=True, total_length=total_length)
        pooled = out.sum(1) / out_lengths.unsqueeze(1).to(out.dtype)
        return self.head(pooled), h, c, out


model = Classifier(3, 6, 2, 3)
print(model)
print([(name, tuple(p.shape)) for name, p in model.named_parameters()])
w = model.lstm.weight_hr_l0
print("projection rows orthonormal:", torch.allclose(w @ w.T, torch.eye(2), atol=1e-5))
logits, h, c, out = model(right, lengths, total_length=6)
print("logits:", logits)
print("h:", h.shape, "c:", c.shape, "out:", out.shape, "padding is zero:", out[1, 2:].abs().sum().item())

labels = torch.tensor([0, 2, 1])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(4):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(right, lengths)[0], labels)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5, norm_type=2.0, error_if_nonfinite=True,
                                    foreach=True)
    nn.utils.clip_grad_value_(model.parameters(), clip_value=0.1, foreach=False)
    opt.step()
    print(f"step {step}: loss {loss.item():.5f} grad norm before clipping {norm.item():.5f}")
w = model.lstm.weight_hr_l0
print("still orthonormal after Adam:", torch.allclose(w @ w.T, torch.eye(2), atol=1e-5))
print("weight_norm g:", model.head.parametrizations.weight.original0.squeeze())

# --- a non-finite gradient: clip_grad_norm_ refuses it when asked to ---
p = nn.Parameter(torch.ones(2))
p.grad = torch.tensor([float("inf"), 1.0])
try:
    nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
print("inf norm allowed by default:", nn.utils.clip_grad_norm_([p], 1.0, norm_type="inf"))

# --- the older hook API: spectral_norm on a GRU weight, its state_dict and removal ---
gru = nn.utils.spectral_norm(nn.GRU(3, 4, batch_first=True), name="weight_hh_l0")
out, h = gru(right)
print("largest singular value after one power step:", round(torch.linalg.matrix_norm(gru.weight_hh_l0.detach(), 2).item(), 4))
sd = gru.state_dict()
print(list(sd.keys()), sd._metadata[""])
gru = nn.utils.remove_spectral_norm(gru, name="weight_hh_l0")
print([name for name, _ in gru.named_parameters()])
