import tinygrad_rnn as torch
# A sample-level vocoder as fatchord/WaveRNN and the "WaveRNN from scratch" blog posts write it: mu-law
# companding with torch.sign / log1p / round / clamp (float <-> label helpers), the original paper's
# 16-bit coarse/fine split, mel conditioning upsampled to the sample rate (F.interpolate and
# repeat_interleave), a batch_first GRU trained with cross-entropy on the next sample's class, then
# generation one sample at a time with a GRUCell that shares the GRU's weights, sampling with
# torch.multinomial under a torch.Generator seed, temperature, and Categorical.
import math

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(42)
torch.set_printoptions(precision=4, sci_mode=False)

BITS = 6
N_CLASSES = 2 ** BITS
MU = N_CLASSES - 1


def encode_mu_law(x, mu):
    return torch.sign(x) * torch.log1p(mu * torch.abs(x)) / math.log1p(mu)


def decode_mu_law(y, mu):
    return torch.sign(y) / mu * ((1 + mu) ** torch.abs(y) - 1)


def float_2_label(x, bits):
    assert x.abs().max() <= 1.0
    x = (x + 1.0) * (2 ** bits - 1) / 2
    return torch.clamp(torch.round(x), 0, 2 ** bits - 1).long()


def label_2_float(x, bits):
    return 2 * x.float() / (2 ** bits - 1.0) - 1.0


# --- companding round trips ---
t = torch.linspace(-1, 1, 9)
mu_t = encode_mu_law(t, MU)
print("mu-law:", mu_t)
print("inverse:", decode_mu_law(mu_t, MU), torch.allclose(decode_mu_law(mu_t, MU), t, atol=1e-5))
labels = float_2_label(mu_t, BITS)
print("labels:", labels, labels.dtype, "back:", label_2_float(labels, BITS))
print("edge cases:", torch.sign(torch.tensor([-0.0, 0.0, 2.0])), torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5])),
      torch.log1p(torch.tensor([-0.5, 0.0, 1e-8])))

# 16-bit samples split into coarse and fine bytes (the WaveRNN paper's dual softmax)
pcm = torch.tensor([0, 1, 255, 256, 32767, 65535, 40000])
coarse, fine = torch.div(pcm, 256, rounding_mode="floor"), pcm % 256
print("coarse/fine:", coarse, fine, torch.equal(coarse * 256 + fine, pcm), torch.remainder(pcm, 256).dtype)

# --- a synthetic "speech" signal: an amplitude-modulated harmonic tone plus noise ---
SR, HOP, N_MELS = 800, 10, 5
n = 240
time = torch.arange(n) / SR
wave = 0.5 * torch.sin(2 * math.pi * 60 * time) * (0.6 + 0.4 * torch.sin(2 * math.pi * 3 * time))
wave = wave + 0.2 * torch.sin(2 * math.pi * 150 * time) + 0.02 * torch.randn(n)
wave = wave.clamp(-0.999, 0.999)
quantised = float_2_label(encode_mu_law(wave, MU), BITS)
print("wave:", wave.shape, wave.abs().max() < 1, "classes used:", quantised.unique().numel(),
      "histogram peak:", torch.bincount(quantised, minlength=N_CLASSES).max().item())
frames = wave.unfold(0, HOP, HOP)  # (frames, hop): a crude "mel" from frame energies in bands
bands = torch.stack([frames.pow(2).mean(1), frames.abs().amax(1), frames.std(1), frames.mean(1).abs(),
                     frames.diff(dim=1).abs().mean(1)], dim=0)
mel = torch.log(bands + 1e-5).unsqueeze(0)  # (1, n_mels, frames)
print("conditioning:", mel.shape, mel[0, :, 0])
up_nearest = F.interpolate(mel, scale_factor=HOP, mode="nearest")
up_linear = F.interpolate(mel, size=n, mode="linear", align_corners=False)
up_repeat = mel.repeat_interleave(HOP, dim=2)
print("upsampled:", up_nearest.shape, up_linear.shape, torch.equal(up_nearest, up_repeat), up_linear[0, 0, 8:12])


class WaveRNN(nn.Module):
    def __init__(self, rnn_dims=16, fc_dims=16, n_classes=N_CLASSES, cond_dims=N_MELS):
        super().__init__()
        self.n_classes = n_classes
        self.I = nn.Linear(cond_dims + 1, rnn_dims)
        self.rnn = nn.GRU(rnn_dims, rnn_dims, batch_first=True)
        self.fc1 = nn.Linear(rnn_dims + cond_dims, fc_dims)
        self.fc2 = nn.Linear(fc_dims, n_classes)

    def forward(self, x, cond):
        """x: (B, T) previous samples as floats in [-1, 1]; cond: (B, T, cond_dims)."""
        x = torch.cat([x.unsqueeze(-1), cond], dim=2)
        x = self.I(x)
        res = x
        x, _ = self.rnn(x)
        x = x + res
        x = torch.cat([x, cond], dim=2)
        x = F.relu(self.fc1(x))
        return self.fc2(x)

    def generate(self, cond, temperature=1.0, generator=None, mode="multinomial"):
        self.eval()
        cell = nn.GRUCell(self.rnn.input_size, self.rnn.hidden_size)
        cell.weight_hh.data, cell.weight_ih.data = self.rnn.weight_hh_l0.data, self.rnn.weight_ih_l0.data
        cell.bias_hh.data, cell.bias_ih.data = self.rnn.bias_hh_l0.data, self.rnn.bias_ih_l0.data
        out, labels = [], []
        with torch.no_grad():
            x = torch.zeros(cond.size(0), 1)
            h = torch.zeros(cond.size(0), self.rnn.hidden_size)
            for i in range(cond.size(1)):
                c = cond[:, i]
                inp = self.I(torch.cat([x, c], dim=1))
                h = cell(inp, h)
                hid = F.relu(self.fc1(torch.cat([h + inp, c], dim=1)))
                logits = self.fc2(hid) / temperature
                if mode == "multinomial":
                    sample = torch.multinomial(F.softmax(logits, dim=1), 1, generator=generator)
                elif mode == "categorical":
                    sample = torch.distributions.Categorical(logits=logits).sample().unsqueeze(1)
                else:
                    sample = logits.argmax(dim=1, keepdim=True)
                labels.append(sample)
                x = label_2_float(sample, BITS)
                out.append(x)
        return torch.cat(out, dim=1), torch.cat(labels, dim=1)


model = WaveRNN()
print(model)
print("gru weights:", model.rnn.weight_ih_l0.shape, model.rnn.weight_hh_l0.shape,
      sum(p.numel() for p in model.parameters()))

# teacher forcing: input is the previous sample (shifted right), target the current sample's class
cond = up_nearest.transpose(1, 2)  # (1, n, n_mels)
x_in = F.pad(label_2_float(quantised, BITS)[:-1], (1, 0)).unsqueeze(0)
y = quantised.unsqueeze(0)
print("inputs:", x_in.shape, x_in[0, :4], "targets:", y.shape, y[0, :4])
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
for step in range(4):
    logits = model(x_in, cond)
    loss = F.cross_entropy(logits.transpose(1, 2), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    acc = (logits.argmax(-1) == y).float().mean()
    print(f"step {step}: loss {loss.item():.4f} (uniform {math.log(N_CLASSES):.4f}) acc {acc.item():.4f}")
print("logits:", logits.shape, "nll sum/n:", F.nll_loss(F.log_softmax(logits, -1).view(-1, N_CLASSES), y.view(-1),
                                                        reduction="sum").item() / n)

# --- generation: seeded sampling, temperature, greedy ---
short = cond[:, :20]
g = torch.Generator().manual_seed(7)
audio, sampled = model.generate(short, generator=g)
print("sampled labels:", sampled)
g2 = torch.Generator().manual_seed(7)
again = model.generate(short, generator=g2)[1]
print("same seed, same samples:", torch.equal(sampled, again), "audio:", audio.shape, audio[0, :5])
cold = model.generate(short, temperature=0.2, generator=torch.Generator().manual_seed(7))[1]
print("temperature 0.2:", cold)
print("greedy:", model.generate(short, mode="argmax")[1][0, :10])
torch.manual_seed(3)
print("categorical:", model.generate(short[:, :8], mode="categorical")[1])
waveform = decode_mu_law(audio, MU)
print("decoded:", waveform[0, :6], waveform.abs().max() <= 1)
probs = F.softmax(logits[0, :3], -1)
print("multinomial with replacement:", torch.multinomial(probs, 4, replacement=True, generator=torch.Generator().manual_seed(1)))
print("without:", torch.multinomial(probs, 3, generator=torch.Generator().manual_seed(1)), probs.sum(-1))
