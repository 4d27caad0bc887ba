import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Sketch-RNN (Ha and Eck 2017, "A Neural Representation of Sketch Drawings") as the PyTorch ports write it
# (alexis-jacq/Pytorch-Sketch-RNN, the Magenta model re-done in blog posts): drawings in stroke-5 format
# (dx, dy, p1, p2, p3) padded with end-of-sketch rows, an encoder BiLSTM over packed sequences whose last
# hidden states of both directions give mu and sigma_hat, z = mu + exp(sigma_hat / 2) * N(0, 1), a decoder
# LSTM whose initial state is tanh(Linear(z)), a bivariate-Gaussian mixture output (torch.split / chunk,
# softmax over the mixture weights, exp of log sigmas, tanh of rho), the reconstruction loss (mixture NLL
# on the pen-down points only plus the pen-state cross entropy) and the KL term with kl_min and an annealed
# weight; then sampling point by point with a temperature under a seeded torch.Generator.
torch.manual_seed(17)
np.random.seed(17)
NMAX, M, Z, HE, HD = 10, 3, 4, 6, 8


def to_stroke5(stroke3, nmax):
    """(dx, dy, pen_lifted) numpy rows -> (nmax + 1, 5) float32 with a start token and end-of-sketch padding."""
    out = np.zeros((nmax + 1, 5), dtype=np.float32)
    n = len(stroke3)
    out[0] = [0, 0, 1, 0, 0]
    out[1:n + 1, :2] = stroke3[:, :2]
    out[1:n + 1, 3] = stroke3[:, 2]
    out[1:n + 1, 2] = 1 - stroke3[:, 2]
    out[n + 1:, 4] = 1
    return out


lengths = [9, 7, 10, 5]
sketches = []
for i, n in enumerate(lengths):
    angle = np.linspace(0, 2 * np.pi, n)
    rows = np.stack([np.cos(angle + i) * 0.5, np.sin(angle * (i + 1)) * 0.5, (np.arange(n) % 4 == 3)], 1)
    sketches.append(to_stroke5(rows, NMAX))
batch = torch.from_numpy(np.stack(sketches)).transpose(0, 1)  # (NMAX + 1, B, 5), time first as the port
lengths_t = torch.tensor(lengths)
print(batch.shape, batch.dtype, batch[:3, 0], batch[-1, :, 4])
print("pen states per sketch", batch[1:, :, 2:].argmax(2).T)


class EncoderRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, HE, bidirectional=True)
        self.fc_mu = nn.Linear(2 * HE, Z)
        self.fc_sigma = nn.Linear(2 * HE, Z)

    def forward(self, inputs, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(inputs, lengths, enforce_sorted=False)
        _, (hidden, cell) = self.lstm(packed)
        hidden_forward, hidden_backward = torch.split(hidden, 1, 0)
        hidden_cat = torch.cat([hidden_forward.squeeze(0), hidden_backward.squeeze(0)], 1)
        mu = self.fc_mu(hidden_cat)
        sigma_hat = self.fc_sigma(hidden_cat)
        sigma = torch.exp(sigma_hat / 2.0)
        noise = torch.normal(torch.zeros(mu.size()), torch.ones(mu.size()))
        return mu + sigma * noise, mu, sigma_hat


class DecoderRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc_hc = nn.Linear(Z, 2 * HD)
        self.lstm = nn.LSTM(Z + 5, HD)
        self.fc_params = nn.Linear(HD, 6 * M + 3)

    def forward(self, inputs, z, hidden_cell=None):
        if hidden_cell is None:
            hidden, cell = torch.split(torch.tanh(self.fc_hc(z)), HD, 1)
            hidden_cell = (hidden.unsqueeze(0).contiguous(), cell.unsqueeze(0).contiguous())
        outputs, (hidden, cell) = self.lstm(inputs, hidden_cell)
        y = self.fc_params(outputs.view(-1, HD))
        params = torch.split(y, 6, 1)
        params_mixture = torch.stack(params[:-1])  # (M, T*B, 6)
        params_pen = params[-1]
        pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy = torch.split(params_mixture, 1, 2)
        length = inputs.size(0)
        pi = F.softmax(pi.transpose(0, 1).squeeze(), dim=-1).view(length, -1, M)
        sigma_x = torch.exp(sigma_x.transpose(0, 1).squeeze()).view(length, -1, M)
        sigma_y = torch.exp(sigma_y.transpose(0, 1).squeeze()).view(length, -1, M)
        rho_xy = torch.tanh(rho_xy.transpose(0, 1).squeeze()).view(length, -1, M)
        mu_x = mu_x.transpose(0, 1).squeeze().contiguous().view(length, -1, M)
        mu_y = mu_y.transpose(0, 1).squeeze().contiguous().view(length, -1, M)
        q = F.softmax(params_pen, dim=-1).view(length, -1, 3)
        return pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy, q, hidden, cell


def bivariate_normal_pdf(dx, dy, mu_x, mu_y, sigma_x, sigma_y, rho_xy):
    z_x = ((dx - mu_x) / sigma_x) ** 2
    z_y = ((dy - mu_y) / sigma_y) ** 2
    z_xy = (dx - mu_x) * (dy - mu_y) / (sigma_x * sigma_y)
    z = z_x + z_y - 2 * rho_xy * z_xy
    exp = torch.exp(-z / (2 * (1 - rho_xy ** 2)))
    norm = 2 * np.pi * sigma_x * sigma_y * torch.sqrt(1 - rho_xy ** 2)
    return exp / norm


def reconstruction_loss(target, mask, pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy, q):
    dx = target[..., 0:1].expand_as(pi)
    dy = target[..., 1:2].expand_as(pi)
    pdf = bivariate_normal_pdf(dx, dy, mu_x, mu_y, sigma_x, sigma_y, rho_xy)
    ls = -torch.sum(mask.squeeze(2) * torch.log(1e-5 + torch.sum(pi * pdf, 2))) / float(NMAX * target.size(1))
    lp = -torch.sum(target[..., 2:] * torch.log(q)) / float(NMAX * target.size(1))
    return ls, lp


def kl_loss(mu, sigma_hat, kl_min=0.2):
    kl = -0.5 * torch.sum(1 + sigma_hat - mu ** 2 - torch.exp(sigma_hat)) / float(Z * mu.size(0))
    return torch.max(kl, torch.tensor(kl_min)), kl


encoder, decoder = EncoderRNN(), DecoderRNN()
print(encoder, decoder, sep="\n")
print([k for k in encoder.state_dict() if "reverse" in k])
params = list(encoder.parameters()) + list(decoder.parameters())
print("parameters", sum(p.numel() for p in params))
enc_opt = torch.optim.Adam(encoder.parameters(), lr=0.01)
dec_opt = torch.optim.Adam(decoder.parameters(), lr=0.01)
mask = (torch.arange(NMAX).unsqueeze(1) < lengths_t.unsqueeze(0)).float().unsqueeze(2)  # (NMAX, B, 1)
target = batch[1:]
print("mask", mask.squeeze(2).sum(0), mask.dtype)
eta_min, R, wkl = 0.01, 0.9, 0.5
eta_step = eta_min
for step in range(4):
    encoder.train()
    decoder.train()
    z, mu, sigma_hat = encoder(batch[1:], lengths_t)
    sos = torch.stack([torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0])] * batch.size(1)).unsqueeze(0)
    dec_in = torch.cat([sos, batch[1:-1]], 0)
    z_stack = torch.stack([z] * NMAX)
    inputs = torch.cat([dec_in, z_stack], 2)
    pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy, q, _, _ = decoder(inputs, z)
    if step == 0:
        print("shapes", inputs.shape, pi.shape, q.shape, "pi sums", pi.sum(2)[0])
        print("rho range", rho_xy.min().item() > -1, rho_xy.max().item() < 1, sigma_x.min().item() > 0)
    enc_opt.zero_grad()
    dec_opt.zero_grad()
    eta_step = 1 - (1 - eta_step) * R
    ls, lp = reconstruction_loss(target, mask, pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy, q)
    lkl, raw_kl = kl_loss(mu, sigma_hat)
    loss = ls + lp + wkl * eta_step * lkl
    loss.backward()
    nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
    nn.utils.clip_grad_norm_(decoder.parameters(), 1.0)
    enc_opt.step()
    dec_opt.step()
    print(f"step {step} loss {loss.item():.4f} LS {ls.item():.4f} LP {lp.item():.4f} KL {raw_kl.item():.4f}",
          f"eta {eta_step:.4f} kl grad_fn {lkl.grad_fn.name()}")


def sample_bivariate_normal(mu_x, mu_y, sigma_x, sigma_y, rho_xy, temperature, generator):
    sigma_x, sigma_y = sigma_x * temperature ** 0.5, sigma_y * temperature ** 0.5
    cov = torch.stack([torch.stack([sigma_x * sigma_x, rho_xy * sigma_x * sigma_y]),
                       torch.stack([rho_xy * sigma_x * sigma_y, sigma_y * sigma_y])])
    scale = torch.linalg.cholesky(cov)
    eps = torch.randn(2, generator=generator)
    return torch.stack([mu_x, mu_y]) + scale @ eps


def adjust_temp(pi_pdf, temperature):
    pi_pdf = torch.log(pi_pdf) / temperature
    pi_pdf = pi_pdf - pi_pdf.max()
    pi_pdf = torch.exp(pi_pdf)
    return pi_pdf / pi_pdf.sum()


encoder.eval()
decoder.eval()
g = torch.Generator().manual_seed(5)
with torch.no_grad():
    _, mu, _ = encoder(batch[1:, :1], lengths_t[:1])
    z = mu  # decode the mean code
    s = torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0]).view(1, 1, 5)
    hidden_cell, seq = None, []
    for i in range(NMAX):
        inp = torch.cat([s, z.unsqueeze(0)], 2)
        pi, mu_x, mu_y, sigma_x, sigma_y, rho_xy, q, hidden, cell = decoder(inp, z, hidden_cell)
        hidden_cell = (hidden, cell)
        pi_t = adjust_temp(pi[0, 0], 0.4)
        k = torch.multinomial(pi_t, 1, generator=g).item()
        pen = torch.multinomial(adjust_temp(q[0, 0], 0.4), 1, generator=g).item()
        dxy = sample_bivariate_normal(mu_x[0, 0, k], mu_y[0, 0, k], sigma_x[0, 0, k], sigma_y[0, 0, k],
                                      rho_xy[0, 0, k], 0.4, g)
        s = torch.zeros(1, 1, 5)
        s[0, 0, :2] = dxy
        s[0, 0, 2 + pen] = 1
        seq.append((k, pen))
        if pen == 2:
            break
print("sampled (mixture, pen) pairs", seq)
print("last point", s.squeeze(), "hidden norm", hidden.norm().item())
