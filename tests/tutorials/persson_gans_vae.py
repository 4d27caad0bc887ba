import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# Aladdin Persson's ML/Pytorch/GANs (simple GAN, DCGAN with custom init, WGAN with weight clipping,
# WGAN-GP's gradient penalty, ProGAN's pixel norm and weighted-scale conv, CycleGAN's reflect-padded
# InstanceNorm blocks) and more_advanced/VAE (reparameterization, KL term), on 16x16 random images.
torch.manual_seed(0)


class Discriminator(nn.Module):
    def __init__(self, channels_img, features_d):
        super(Discriminator, self).__init__()
        self.disc = nn.Sequential(
            nn.Conv2d(channels_img, features_d, kernel_size=4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            self._block(features_d, features_d * 2, 4, 2, 1),
            self._block(features_d * 2, features_d * 4, 4, 2, 1),
            nn.Conv2d(features_d * 4, 1, kernel_size=2, stride=2, padding=0),
        )

    def _block(self, in_channels, out_channels, kernel_size, stride, padding):
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            nn.InstanceNorm2d(out_channels, affine=True),
            nn.LeakyReLU(0.2),
        )

    def forward(self, x):
        return self.disc(x)


class Generator(nn.Module):
    def __init__(self, channels_noise, channels_img, features_g):
        super(Generator, self).__init__()
        self.net = nn.Sequential(
            self._block(channels_noise, features_g * 8, 2, 1, 0),
            self._block(features_g * 8, features_g * 4, 4, 2, 1),
            self._block(features_g * 4, features_g * 2, 4, 2, 1),
            nn.ConvTranspose2d(features_g * 2, channels_img, kernel_size=4, stride=2, padding=1),
            nn.Tanh(),
        )

    def _block(self, in_channels, out_channels, kernel_size, stride, padding):
        return nn.Sequential(
            nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),
        )

    def forward(self, x):
        return self.net(x)


def initialize_weights(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight.data, 0.0, 0.02)


def gradient_penalty(critic, real, fake, device="cpu"):
    BATCH_SIZE, C, H, W = real.shape
    alpha = torch.rand((BATCH_SIZE, 1, 1, 1)).repeat(1, C, H, W).to(device)
    interpolated_images = real * alpha + fake * (1 - alpha)
    mixed_scores = critic(interpolated_images)
    gradient = torch.autograd.grad(
        inputs=interpolated_images,
        outputs=mixed_scores,
        grad_outputs=torch.ones_like(mixed_scores),
        create_graph=True,
        retain_graph=True,
    )[0]
    gradient = gradient.view(gradient.shape[0], -1)
    gradient_norm = gradient.norm(2, dim=1)
    gradient_penalty = torch.mean((gradient_norm - 1) ** 2)
    return gradient_penalty


N, in_channels, H, W = 8, 1, 16, 16
noise_dim = 16
x = torch.randn((N, in_channels, H, W))
disc = Discriminator(in_channels, 4)
initialize_weights(disc)
print(disc(x).shape)
gen = Generator(noise_dim, in_channels, 4)
initialize_weights(gen)
z = torch.randn((N, noise_dim, 1, 1))
print(gen(z).shape)
fixed_noise = torch.randn(4, noise_dim, 1, 1)
real = torch.tanh(torch.randn(N, 1, 16, 16).cumsum(3) / 4)
opt_gen = optim.Adam(gen.parameters(), lr=1e-3, betas=(0.0, 0.9))
opt_critic = optim.Adam(disc.parameters(), lr=1e-3, betas=(0.0, 0.9))
gen.train()
disc.train()
for step in range(2):  # (longer, float32 rounding in the penalty's double backward grows visibly)
    for _ in range(2):
        noise = torch.randn(N, noise_dim, 1, 1)
        fake = gen(noise)
        critic_real = disc(real).reshape(-1)
        critic_fake = disc(fake).reshape(-1)
        gp = gradient_penalty(disc, real, fake)
        loss_critic = -(torch.mean(critic_real) - torch.mean(critic_fake)) + 10 * gp
        disc.zero_grad()
        loss_critic.backward(retain_graph=True)
        opt_critic.step()
    gen_fake = disc(fake).reshape(-1)
    loss_gen = -torch.mean(gen_fake)
    gen.zero_grad()
    loss_gen.backward()
    opt_gen.step()
    print(step, f"{loss_critic.item():.4f} {loss_gen.item():.4f} {gp.item():.4f}", gp.grad_fn.name())
with torch.no_grad():
    fake = gen(fixed_noise)
    print(fake.shape, fake[0, 0, 0, :4], fake.min() >= -1)
# WGAN weight clipping, BCE GAN loss
for p in disc.parameters():
    p.data.clamp_(-0.01, 0.01)
print(max(p.abs().max().item() for p in disc.parameters()))
criterion = nn.BCELoss()
disc_real = torch.sigmoid(disc(real).view(-1))
lossD_real = criterion(disc_real, torch.ones_like(disc_real))
lossD_fake = criterion(disc_real, torch.zeros_like(disc_real))
print(lossD_real, lossD_fake, (lossD_real + lossD_fake) / 2)
print(nn.BCEWithLogitsLoss()(disc(real).view(-1), torch.ones(N)))


class PixelNorm(nn.Module):
    def __init__(self):
        super(PixelNorm, self).__init__()
        self.epsilon = 1e-8

    def forward(self, x):
        return x / torch.sqrt(torch.mean(x ** 2, dim=1, keepdim=True) + self.epsilon)


class WSConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=1, gain=2):
        super(WSConv2d, self).__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)
        self.scale = (gain / (in_channels * (kernel_size ** 2))) ** 0.5
        self.bias = self.conv.bias
        self.conv.bias = None
        nn.init.normal_(self.conv.weight)
        nn.init.zeros_(self.bias)

    def forward(self, x):
        return self.conv(x * self.scale) + self.bias.view(1, self.bias.shape[0], 1, 1)


ws = WSConv2d(4, 6)
print(ws, [n for n, _ in ws.named_parameters()], ws.conv.bias)
y = PixelNorm()(ws(torch.randn(2, 4, 5, 5)))
print(y.shape, y.pow(2).mean(1)[0, 0], F.interpolate(y, scale_factor=2).shape)
up = F.interpolate(torch.arange(4.0).view(1, 1, 2, 2), scale_factor=2, mode="nearest")
print(up, F.avg_pool2d(up, 2), nn.AvgPool2d(kernel_size=2, stride=2)(up))
batch_statistics = torch.std(y, dim=0).mean().repeat(y.shape[0], 1, y.shape[2], y.shape[3])
print(torch.cat([y, batch_statistics], dim=1).shape)
alpha = 0.3
print(torch.tanh(alpha * y[:, :1] + (1 - alpha) * y[:, 1:2]).shape)


class ConvBlock(nn.Module):
    def __init__(self, in_channels, out_channels, down=True, use_act=True, **kwargs):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, padding_mode="reflect", **kwargs)
            if down
            else nn.ConvTranspose2d(in_channels, out_channels, **kwargs),
            nn.InstanceNorm2d(out_channels),
            nn.ReLU(inplace=True) if use_act else nn.Identity(),
        )

    def forward(self, x):
        return self.conv(x)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.block = nn.Sequential(
            ConvBlock(channels, channels, kernel_size=3, padding=1),
            ConvBlock(channels, channels, use_act=False, kernel_size=3, padding=1),
        )

    def forward(self, x):
        return x + self.block(x)


cyc = nn.Sequential(
    nn.Conv2d(3, 8, kernel_size=7, stride=1, padding=3, padding_mode="reflect"),
    nn.InstanceNorm2d(8),
    nn.ReLU(inplace=True),
    ConvBlock(8, 16, kernel_size=3, stride=2, padding=1),
    ResidualBlock(16),
    ConvBlock(16, 8, down=False, kernel_size=3, stride=2, padding=1, output_padding=1),
    nn.Conv2d(8, 3, kernel_size=7, stride=1, padding=3, padding_mode="reflect"),
)
print(cyc)
img = torch.randn(2, 3, 16, 16)
out = torch.tanh(cyc(img))
print(out.shape, out[0, 0, 0, :3])
l1 = nn.L1Loss()(out, img)
mse = nn.MSELoss()(out, torch.ones_like(out))
(l1 + 10 * mse).backward()
print(l1, mse, cyc[0].weight.grad.abs().sum(), cyc[3].conv[0].weight.grad.shape)


class VariationalAutoEncoder(nn.Module):
    def __init__(self, input_dim, h_dim=32, z_dim=4):
        super().__init__()
        self.img_2hid = nn.Linear(input_dim, h_dim)
        self.hid_2mu = nn.Linear(h_dim, z_dim)
        self.hid_2sigma = nn.Linear(h_dim, z_dim)
        self.z_2hid = nn.Linear(z_dim, h_dim)
        self.hid_2img = nn.Linear(h_dim, input_dim)
        self.relu = nn.ReLU()

    def encode(self, x):
        h = self.relu(self.img_2hid(x))
        mu, sigma = self.hid_2mu(h), self.hid_2sigma(h)
        return mu, sigma

    def decode(self, z):
        h = self.relu(self.z_2hid(z))
        return torch.sigmoid(self.hid_2img(h))

    def forward(self, x):
        mu, sigma = self.encode(x)
        epsilon = torch.randn_like(sigma)
        z_new = mu + sigma * epsilon
        x_reconstructed = self.decode(z_new)
        return x_reconstructed, mu, sigma


x = torch.rand(16, 64)
vae = VariationalAutoEncoder(input_dim=64)
x_reconstructed, mu, sigma = vae(x)
print(x_reconstructed.shape, mu.shape, sigma.shape)
optimizer = optim.Adam(vae.parameters(), lr=3e-3)
loss_fn = nn.BCELoss(reduction="sum")
for epoch in range(5):
    x_reconstructed, mu, sigma = vae(x)
    reconstruction_loss = loss_fn(x_reconstructed, x)
    kl_div = -torch.sum(1 + torch.log(sigma.pow(2)) - mu.pow(2) - sigma.pow(2))
    loss = reconstruction_loss + kl_div
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(epoch, f"{reconstruction_loss.item():.3f} {kl_div.item():.3f}")
