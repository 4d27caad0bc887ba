import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# fast.ai part 2 (2022), 17_DDPM_v2: a linear beta schedule, noisify with alphabar, a tiny conv net that
# predicts the noise, trained a few steps, then the DDPM sampling loop, on made-up 8x8 "images".
torch.manual_seed(42)
n_steps, betamin, betamax = 50, 0.0001, 0.02
beta = torch.linspace(betamin, betamax, n_steps)
alpha = 1. - beta
alphabar = alpha.cumprod(dim=0)
sigma = beta.sqrt()
print(beta[:3], alpha[-3:], alphabar[::10], sigma[[0, -1]], alphabar.dtype)
print(alphabar.shape, alphabar[-1].item() < 0.7, (1 - alphabar).sqrt()[:4])
def noisify(x0, ᾱ):
    device = x0.device
    n = len(x0)
    t = torch.randint(0, n_steps, (n,), dtype=torch.long)
    ε = torch.randn(x0.shape, device=device)
    ᾱ_t = ᾱ[t].reshape(-1, 1, 1, 1).to(device)
    xt = ᾱ_t.sqrt() * x0 + (1 - ᾱ_t).sqrt() * ε
    return (xt, t.to(device)), ε
base = torch.zeros(8, 8)
base[2:6, 2:6] = 1.
xb = (base[None, None] + 0.1 * torch.randn(16, 1, 8, 8)) * 2 - 1
(xt, t), ε = noisify(xb, alphabar)
print(t, xt.shape, ε.shape, xt[0, 0, 2], xt.mean(), xt.std())
titles = alphabar[t].squeeze().round(decimals=2)
print(titles[:8])
def ddpm_step(x_t, noise, abar_t, abar_t1, bbar_t, bbar_t1, beta_t, sig):
    x0_hat = ((x_t - bbar_t.sqrt() * noise) / abar_t.sqrt()).clamp(-1, 1)
    x0_coeff = abar_t1.sqrt() * beta_t / bbar_t
    xt_coeff = alpha_t_of(abar_t, abar_t1).sqrt() * bbar_t1 / bbar_t
    return x0_hat * x0_coeff + x_t * xt_coeff + sig * torch.randn(x_t.shape)
def alpha_t_of(abar_t, abar_t1): return abar_t / abar_t1
class TimeEmbed(nn.Module):
    def __init__(self, n_emb):
        super().__init__()
        self.n_emb = n_emb
        self.lin = nn.Linear(n_emb, n_emb)
    def forward(self, t):
        half = self.n_emb // 2
        exponent = -math.log(10000) * torch.linspace(0, 1, half)
        emb = t[:, None].float() * exponent.exp()[None, :]
        emb = torch.cat([emb.sin(), emb.cos()], dim=-1)
        return self.lin(emb)
class TinyUnet(nn.Module):
    def __init__(self, nf=8, n_emb=8):
        super().__init__()
        self.emb = TimeEmbed(n_emb)
        self.conv_in = nn.Conv2d(1, nf, 3, padding=1)
        self.down = nn.Conv2d(nf, nf * 2, 3, stride=2, padding=1)
        self.norm = nn.GroupNorm(2, nf * 2)
        self.up = nn.ConvTranspose2d(nf * 2, nf, 4, stride=2, padding=1)
        self.emb_proj = nn.Linear(n_emb, nf * 2)
        self.conv_out = nn.Conv2d(nf * 2, 1, 3, padding=1)
    def forward(self, inp):
        x, t = inp
        e = self.emb(t)
        h0 = F.silu(self.conv_in(x))
        h = self.down(h0) + self.emb_proj(F.silu(e))[:, :, None, None]
        h = F.silu(self.norm(h))
        h = F.silu(self.up(h))
        return self.conv_out(torch.cat([h, h0], dim=1))
model = TinyUnet()
print(sum(p.numel() for p in model.parameters()), model((xt, t)).shape)
opt = optim.AdamW(model.parameters(), lr=5e-3, eps=1e-5)
for step in range(12):
    xb = (base[None, None] + 0.1 * torch.randn(16, 1, 8, 8)) * 2 - 1
    (xt, t), ε = noisify(xb, alphabar)
    loss = F.mse_loss(model((xt, t)), ε)
    loss.backward()
    opt.step()
    opt.zero_grad()
    if step % 3 == 0: print(step, f'{loss.item():.4f}')
@torch.no_grad()
def sample(model, sz, alpha, alphabar, sigma, n_steps):
    device = next(model.parameters()).device
    x_t = torch.randn(sz, device=device)
    preds = []
    for t in reversed(range(n_steps)):
        t_batch = torch.full((x_t.shape[0],), t, device=device, dtype=torch.long)
        z = (torch.randn(x_t.shape) if t > 0 else torch.zeros(x_t.shape)).to(device)
        ᾱ_t1 = alphabar[t - 1] if t > 0 else torch.tensor(1)
        b̄_t = 1 - alphabar[t]
        b̄_t1 = 1 - ᾱ_t1
        x_0_hat = ((x_t - b̄_t.sqrt() * model((x_t, t_batch))) / alphabar[t].sqrt()).clamp(-1, 1)
        x_t = x_0_hat * ᾱ_t1.sqrt() * (1 - alpha[t]) / b̄_t + x_t * alpha[t].sqrt() * b̄_t1 / b̄_t + sigma[t] * z
        preds.append(x_t.cpu())
    return preds
model.eval()
samples = sample(model, (4, 1, 8, 8), alpha, alphabar, sigma, n_steps)
print(len(samples), samples[-1].shape, samples[-1].dtype, samples[-1][0, 0, 3], samples[-1].mean(), samples[0].std())
x_t = torch.randn(2, 1, 8, 8)
noise = torch.randn_like(x_t)
print(noise.shape, noise.dtype, torch.randn_like(x_t, dtype=torch.float64).dtype)
print(ddpm_step(x_t, noise, alphabar[10], alphabar[9], 1 - alphabar[10], 1 - alphabar[9], beta[10], sigma[10])[0, 0, 0])
