import tinygrad_rnn as torch
# Log-mel features and SpecAugment written by hand, the way audio tutorials and ASR course notebooks do it
# without torchaudio (the "speech features from scratch" posts, torchaudio's MelSpectrogram recipe and
# Park et al.'s SpecAugment re-implemented in plain torch): synthetic utterances from torch.sin and
# torch.randn, pre-emphasis, torch.stft with torch.hann_window in its real (return_complex=False) form,
# power spectra, an HTK mel filterbank from torch.linspace / clamp / matmul, log(x + 1e-6), log1p and
# decibels with a top_db floor, a DCT-II for MFCCs, deltas with conv1d, per-utterance mean/std
# normalisation over the valid frames, and time/frequency masks with torch.randint and masked_fill_.
import math

nn = torch.nn
F = torch.nn.functional
torch.manual_seed(2019)
torch.set_printoptions(precision=4, sci_mode=False)

# --- three synthetic "utterances": chirps and vowels with noise, different lengths, padded ---
SR = 8000
lengths = torch.tensor([1600, 1200, 900])


def utterance(n, f0, f1):
    t = torch.arange(n, dtype=torch.float32) / SR
    chirp = torch.sin(2 * math.pi * (f0 * t + 0.5 * (f1 - f0) * t ** 2 / t[-1]))
    formant = 0.3 * torch.sin(2 * math.pi * 3 * f0 * t) * torch.exp(-3.0 * t)
    return chirp + formant + 0.05 * torch.randn(n)


waves = [utterance(int(n), f0, f1) for n, f0, f1 in zip(lengths, [200.0, 300.0, 440.0], [900.0, 600.0, 1500.0])]
batch = nn.utils.rnn.pad_sequence(waves, batch_first=True)
print("waves:", batch.shape, batch.dtype, "peak:", batch.abs().amax(dim=1))
emphasized = torch.cat([batch[:, :1], batch[:, 1:] - 0.97 * batch[:, :-1]], dim=1)
print("pre-emphasis:", emphasized[0, :5], emphasized.std(dim=1))

# --- windows and the STFT (the real form: (batch, freqs, frames, 2) with a deprecation warning) ---
N_FFT, HOP, WIN = 256, 80, 200
window = torch.hann_window(WIN)
print("hann:", window.shape, window[:4], window.sum(), torch.hann_window(6, periodic=False))
print("hamming:", torch.hamming_window(6), "blackman:", torch.blackman_window(4).abs().round(decimals=4))
spec = torch.stft(emphasized, n_fft=N_FFT, hop_length=HOP, win_length=WIN, window=window,
                  center=True, pad_mode="reflect", normalized=False, onesided=True, return_complex=False)
print("stft:", spec.shape, spec.dtype, "frames expected:", (lengths.max() // HOP + 1).item())
power = spec.pow(2).sum(-1)  # |X|^2, the re**2 + im**2 of torch's complex path
magnitude = power.sqrt()
print("power:", power.shape, power[0, :4, 3], "magnitude max:", magnitude.amax().item() > 10)
frame_lengths = lengths // HOP + 1
print("valid frames:", frame_lengths.tolist())
one = emphasized[2].stft(N_FFT, HOP, WIN, window, return_complex=False)
print("one utterance:", one.shape, torch.allclose(one.pow(2).sum(-1), power[2], atol=1e-4))

# the DFT by hand on one frame (what stft does to each windowed frame)
frame = F.pad(emphasized[0, :WIN] * window, ((N_FFT - WIN) // 2, (N_FFT - WIN) // 2 + 0))
k = torch.arange(N_FFT // 2 + 1).unsqueeze(1)
n = torch.arange(N_FFT).unsqueeze(0)
angle = 2 * math.pi * k * n / N_FFT
re, im = torch.cos(angle) @ frame, -torch.sin(angle) @ frame
print("hand DFT bins:", re.shape, (re ** 2 + im ** 2)[:3])


# --- an HTK mel filterbank from linspace, clamp and matmul ---
def hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filterbank(n_freqs, n_mels, sample_rate, f_min=0.0, f_max=None):
    f_max = f_max or sample_rate / 2
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    m_pts = torch.linspace(hz_to_mel(torch.tensor(f_min)), hz_to_mel(torch.tensor(f_max)), n_mels + 2)
    f_pts = mel_to_hz(m_pts)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)  # (n_freqs, n_mels + 2)
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return torch.max(torch.zeros(1), torch.min(down, up))


N_MELS = 20
fb = mel_filterbank(N_FFT // 2 + 1, N_MELS, SR)
print("filterbank:", fb.shape, fb.sum(dim=0)[:5], (fb > 0).sum(0).tolist())
print("mel points:", mel_to_hz(torch.linspace(0, float(hz_to_mel(torch.tensor(4000.0))), 5)))
slaney = fb * (2.0 / (mel_to_hz(torch.linspace(0, 2146.06, N_MELS + 2))[2:] - mel_to_hz(
    torch.linspace(0, 2146.06, N_MELS + 2))[:-2]))
print("slaney-normed column sums:", slaney.sum(0)[:4])

mel = torch.matmul(power.transpose(1, 2), fb)  # (batch, frames, n_mels)
print("mel:", mel.shape, mel.dtype)
log_mel = torch.log(mel + 1e-6)
print("log mel:", log_mel[1, 2, :6])
print("log1p mel:", torch.log1p(mel)[1, 2, :4], torch.log1p(torch.tensor([0.0, 1e-7, 1.0, 1e3])))
db = 10.0 * torch.log10(torch.clamp(mel, min=1e-10))
db = torch.max(db, db.amax(dim=(-2, -1), keepdim=True) - 80.0)  # top_db = 80
print("dB range per utterance:", db.amin(dim=(1, 2)), db.amax(dim=(1, 2)))

# --- MFCCs: an orthonormal DCT-II matrix applied to the log mels ---
N_MFCC = 8
nn_idx = torch.arange(N_MELS, dtype=torch.float32)
kk = torch.arange(N_MFCC, dtype=torch.float32).unsqueeze(1)
dct = torch.cos(math.pi / N_MELS * (nn_idx + 0.5) * kk)
dct[0] *= 1.0 / math.sqrt(2.0)
dct *= math.sqrt(2.0 / N_MELS)
print("dct orthonormal:", torch.allclose(dct @ dct.t(), torch.eye(N_MFCC), atol=1e-5))
mfcc = log_mel @ dct.t()
print("mfcc:", mfcc.shape, mfcc[0, 5])

# --- deltas: a (-2..2)/10 regression filter as a grouped conv1d over time with edge padding ---
feats = mfcc.transpose(1, 2)  # (batch, coeffs, frames)
kernel = torch.arange(-2, 3, dtype=torch.float32).repeat(N_MFCC, 1, 1) / 10.0
padded = F.pad(feats, (2, 2), mode="replicate")
delta = F.conv1d(padded, kernel, groups=N_MFCC)
delta2 = F.conv1d(F.pad(delta, (2, 2), mode="replicate"), kernel, groups=N_MFCC)
stacked = torch.cat([feats, delta, delta2], dim=1)
print("deltas:", kernel.shape, delta.shape, stacked.shape, delta[0, 1, :4])

# --- per-utterance normalisation over the valid frames only ---
T = log_mel.shape[1]
valid = torch.arange(T).unsqueeze(0) < frame_lengths.unsqueeze(1)  # (batch, frames)
print("valid mask:", valid.shape, valid.sum(1))
mask3 = valid.unsqueeze(-1).float()
count = mask3.sum(dim=1, keepdim=True)
mean = (log_mel * mask3).sum(dim=1, keepdim=True) / count
var = (((log_mel - mean) * mask3) ** 2).sum(dim=1, keepdim=True) / (count - 1)
normed = (log_mel - mean) / (var.sqrt() + 1e-5) * mask3
print("normed:", normed.shape, normed[0].mean(0).abs().max().item() < 1e-5, normed[0].std(0)[:3])
whole = (log_mel - log_mel.mean(dim=1, keepdim=True)) / log_mel.std(dim=1, keepdim=True)
print("whole-utterance std (pads included):", whole.std(dim=1)[:, :3])
std, mu = torch.std_mean(log_mel[0], dim=0, keepdim=True)
print("std_mean:", std.shape, torch.allclose((log_mel[0] - mu) / std, whole[0], atol=1e-5))
print("instance norm:", torch.allclose(F.instance_norm(log_mel.transpose(1, 2)).transpose(1, 2),
                                       (log_mel - log_mel.mean(1, keepdim=True)) / torch.sqrt(
                                           log_mel.var(1, unbiased=False, keepdim=True) + 1e-5), atol=1e-4))


# --- SpecAugment: time and frequency masks from torch.randint, applied with masked_fill_ ---
def spec_augment(x, lengths, freq_masks=2, F_width=4, time_masks=2, T_width=6):
    x = x.clone()
    B, T, Fq = x.shape
    for b in range(B):
        for _ in range(freq_masks):
            f = torch.randint(0, F_width + 1, (1,)).item()
            f0 = torch.randint(0, Fq - f + 1, (1,)).item()
            x[b, :, f0:f0 + f] = 0.0
        for _ in range(time_masks):
            t = torch.randint(0, T_width + 1, ()).item()
            t0 = int(torch.randint(0, max(1, int(lengths[b]) - t), (1,)))
            x[b, t0:t0 + t, :].masked_fill_(torch.ones(1, dtype=torch.bool), 0.0)
    return x


augmented = spec_augment(normed, frame_lengths)
print("masked cells:", (augmented == 0).sum(dim=(1, 2)), "of", augmented[0].numel())


def batched_masks(x, max_width, axis):
    """One mask per example, vectorised: positions in [start, start + width) along `axis` (1 time, 2 freq)."""
    B, size = x.shape[0], x.shape[axis]
    width = torch.randint(0, max_width + 1, (B, 1))
    start = (torch.rand(B, 1) * (size - width)).long()
    pos = torch.arange(size).unsqueeze(0)
    mask = (pos >= start) & (pos < start + width)
    return mask.unsqueeze(2) if axis == 1 else mask.unsqueeze(1)


x = normed.clone()
tmask, fmask = batched_masks(x, 5, 1), batched_masks(x, 3, 2)
print("mask shapes:", tmask.shape, fmask.shape, tmask.dtype, tmask.sum().item(), fmask.sum().item())
x.masked_fill_(tmask, 0.0).masked_fill_(fmask, x.mean().item())
print("after masks:", x.shape, (x == 0).sum(1)[:, :5])
mean_fill = normed.masked_fill(fmask, float("nan"))
print("nan-filled freq bins:", torch.isnan(mean_fill).any(1).sum(1), torch.nanmean(mean_fill).item() < 1)
print("features for the model:", augmented.transpose(1, 2).unsqueeze(1).shape)
