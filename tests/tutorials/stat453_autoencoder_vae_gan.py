import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Raschka's STAT 453 (2021) lecture code, generative models: a convolutional autoencoder with a Reshape and
# Trim module and ConvTranspose2d decoder, a VAE (z_mean/z_log_var heads, reparameterization with
# torch.randn, KL term summed over the latent axis, MSE reconstruction with reduction='none'), and GAN/DCGAN
# training with BCE-with-logits losses, flipped labels and separate generator/discriminator optimizers.
# Random 1x12x12 images replace MNIST.
torch.manual_seed(123)
class Reshape(nn.Module):
    def __init__(self, *args):
        super().__init__()
        self.shape = args
    def forward(self, x):
        return x.view(self.shape)
class Trim(nn.Module):
    def __init__(self, *args):
        super().__init__()
    def forward(self, x):
        return x[:, :, :12, :12]
class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, stride=(1, 1), kernel_size=(3, 3), padding=1),
            nn.LeakyReLU(0.01),
            nn.Conv2d(4, 8, stride=(2, 2), kernel_size=(3, 3), padding=1),
            nn.LeakyReLU(0.01),
            nn.Flatten(),
            nn.Linear(8 * 6 * 6, 2))
        self.decoder = torch.nn.Sequential(
            torch.nn.Linear(2, 8 * 6 * 6),
            Reshape(-1, 8, 6, 6),
            nn.ConvTranspose2d(8, 4, stride=(2, 2), kernel_size=(3, 3), padding=0),
            nn.LeakyReLU(0.01),
            nn.ConvTranspose2d(4, 1, stride=(1, 1), kernel_size=(3, 3), padding=0),
            Trim(),
            nn.Sigmoid())
    def forward(self, x):
        x = self.encoder(x)
        x = self.decoder(x)
        return x
images = torch.rand(8, 1, 12, 12)
ae = AutoEncoder()
print(ae)
optimizer = torch.optim.Adam(ae.parameters(), lr=0.005)
for epoch in range(3):
    decoded = ae(images)
    loss = F.mse_loss(decoded, images)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print('Epoch: %03d | Loss: %.4f' % (epoch + 1, loss.item()), decoded.shape, decoded.grad_fn.name())
print(ae.decoder[2](torch.zeros(1, 8, 6, 6)).shape, ae.encoder(images)[:2])

# ------------------------------------------------------------------ VAE
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 4, stride=(1, 1), kernel_size=(3, 3), padding=1),
            nn.LeakyReLU(0.01),
            nn.Conv2d(4, 8, stride=(2, 2), kernel_size=(3, 3), padding=1),
            nn.LeakyReLU(0.01),
            nn.Flatten())
        self.z_mean = torch.nn.Linear(8 * 6 * 6, 2)
        self.z_log_var = torch.nn.Linear(8 * 6 * 6, 2)
        self.decoder = nn.Sequential(
            torch.nn.Linear(2, 8 * 6 * 6),
            Reshape(-1, 8, 6, 6),
            nn.ConvTranspose2d(8, 4, stride=(2, 2), kernel_size=(3, 3), padding=0),
            nn.LeakyReLU(0.01),
            nn.ConvTranspose2d(4, 1, stride=(1, 1), kernel_size=(3, 3), padding=0),
            Trim(),
            nn.Sigmoid())
    def encoding_fn(self, x):
        x = self.encoder(x)
        z_mean, z_log_var = self.z_mean(x), self.z_log_var(x)
        encoded = self.reparameterize(z_mean, z_log_var)
        return encoded
    def reparameterize(self, z_mu, z_log_var):
        eps = torch.randn(z_mu.size(0), z_mu.size(1)).to(z_mu.get_device() if z_mu.is_cuda else 'cpu')
        z = z_mu + eps * torch.exp(z_log_var / 2.)
        return z
    def forward(self, x):
        x = self.encoder(x)
        z_mean, z_log_var = self.z_mean(x), self.z_log_var(x)
        encoded = self.reparameterize(z_mean, z_log_var)
        decoded = self.decoder(encoded)
        return encoded, z_mean, z_log_var, decoded
torch.manual_seed(1)
vae = VAE()
optimizer = torch.optim.Adam(vae.parameters(), lr=0.001)
loss_fn = F.mse_loss
reconstruction_term_weight = 1
for epoch in range(3):
    vae.train()
    encoded, z_mean, z_log_var, decoded = vae(images)
    kl_div = -0.5 * torch.sum(1 + z_log_var - z_mean ** 2 - torch.exp(z_log_var), axis=1)
    batchsize = kl_div.size(0)
    kl_div = kl_div.mean()
    pixelwise = loss_fn(decoded, images, reduction='none')
    pixelwise = pixelwise.view(batchsize, -1).sum(axis=1)
    pixelwise = pixelwise.mean()
    loss = reconstruction_term_weight * pixelwise + kl_div
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print('Epoch: %03d | Loss: %.4f | KL %.4f | Rec %.4f' % (epoch + 1, loss.item(), kl_div.item(), pixelwise.item()), kl_div.grad_fn.name())
print(vae.z_log_var.weight.grad.abs().sum(), encoded.shape, z_mean[:2])
with torch.no_grad():
    new_images = vae.decoder(torch.randn(3, 2))
print(new_images.shape, new_images[0, 0, :2, :4])
vae.eval()
print(vae.encoding_fn(images[:2]).shape, z_mean.is_cuda)
q = torch.distributions.Normal(z_mean[0], torch.exp(z_log_var[0] / 2))
p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
print(torch.distributions.kl_divergence(q, p).sum(), q.rsample().shape)

# ------------------------------------------------------------------ GAN / DCGAN
LATENT_DIM = 4
class GAN(torch.nn.Module):
    def __init__(self, latent_dim=LATENT_DIM, image_height=12, image_width=12, color_channels=1):
        super().__init__()
        self.image_height, self.image_width, self.color_channels = image_height, image_width, color_channels
        self.generator = nn.Sequential(
            nn.Linear(latent_dim, 32),
            nn.LeakyReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(32, image_height * image_width * color_channels),
            nn.Tanh())
        self.discriminator = nn.Sequential(
            nn.Flatten(),
            nn.Linear(image_height * image_width * color_channels, 32),
            nn.LeakyReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(32, 1))
    def generator_forward(self, z):
        z = torch.flatten(z, start_dim=1)
        img = self.generator(z)
        img = img.view(z.size(0), self.color_channels, self.image_height, self.image_width)
        return img
    def discriminator_forward(self, img):
        logits = self.discriminator(img)
        return logits
torch.manual_seed(7)
model = GAN()
optim_gen = torch.optim.Adam(model.generator.parameters(), betas=(0.5, 0.999), lr=0.0002)
optim_discr = torch.optim.Adam(model.discriminator.parameters(), betas=(0.5, 0.999), lr=0.0002)
loss_fn = F.binary_cross_entropy_with_logits
fixed_noise = torch.randn(4, LATENT_DIM, 1, 1)
real_images = images * 2. - 1.
for epoch in range(3):
    model.train()
    batch_size = real_images.size(0)
    real_labels = torch.ones(batch_size)
    noise = torch.randn(batch_size, LATENT_DIM, 1, 1)
    fake_images = model.generator_forward(noise)
    fake_labels = torch.zeros(batch_size)
    flipped_fake_labels = real_labels
    optim_discr.zero_grad()
    discr_pred_real = model.discriminator_forward(real_images).view(-1)
    real_loss = loss_fn(discr_pred_real, real_labels)
    discr_pred_fake = model.discriminator_forward(fake_images.detach()).view(-1)
    fake_loss = loss_fn(discr_pred_fake, fake_labels)
    discr_loss = 0.5 * (real_loss + fake_loss)
    discr_loss.backward()
    optim_discr.step()
    optim_gen.zero_grad()
    discr_pred_fake = model.discriminator_forward(fake_images).view(-1)
    gener_loss = loss_fn(discr_pred_fake, flipped_fake_labels)
    gener_loss.backward()
    optim_gen.step()
    predicted_labels_real = torch.where(discr_pred_real.detach() > 0., 1., 0.)
    predicted_labels_fake = torch.where(discr_pred_fake.detach() > 0., 1., 0.)
    acc_real = (predicted_labels_real == real_labels).float().mean() * 100.
    acc_fake = (predicted_labels_fake == fake_labels).float().mean() * 100.
    print('Epoch: %03d | Gen/Dis Loss: %.4f/%.4f | acc %.1f/%.1f' % (epoch + 1, gener_loss.item(), discr_loss.item(), acc_real, acc_fake))
    print(gener_loss.grad_fn.name(), discr_loss.grad_fn, model.generator[0].weight.grad.abs().sum())
with torch.no_grad():
    fake_images = model.generator_forward(fixed_noise).detach().cpu()
print(fake_images.shape, fake_images.min() >= -1, fake_images[0, 0, 0, :4])

class DCGAN(torch.nn.Module):
    def __init__(self, latent_dim=LATENT_DIM, num_feat_maps_gen=4, num_feat_maps_dis=4, color_channels=1):
        super().__init__()
        self.generator = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, num_feat_maps_gen * 2, kernel_size=4, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(num_feat_maps_gen * 2),
            nn.LeakyReLU(inplace=True),
            nn.ConvTranspose2d(num_feat_maps_gen * 2, num_feat_maps_gen, kernel_size=4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(num_feat_maps_gen),
            nn.LeakyReLU(inplace=True),
            nn.ConvTranspose2d(num_feat_maps_gen, color_channels, kernel_size=4, stride=2, padding=1, bias=False),
            nn.Tanh())
        self.discriminator = nn.Sequential(
            nn.Conv2d(color_channels, num_feat_maps_dis, kernel_size=4, stride=2, padding=1),
            nn.LeakyReLU(inplace=True),
            nn.Conv2d(num_feat_maps_dis, num_feat_maps_dis * 2, kernel_size=4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(num_feat_maps_dis * 2),
            nn.LeakyReLU(inplace=True),
            nn.Conv2d(num_feat_maps_dis * 2, 1, kernel_size=4, stride=1, padding=0),
            nn.Flatten())
    def generator_forward(self, z):
        return self.generator(z)
    def discriminator_forward(self, img):
        return self.discriminator(img)
def weights_init(module):
    classname = module.__class__.__name__
    if classname.find('Conv') != -1:
        torch.nn.init.normal_(module.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        torch.nn.init.normal_(module.weight.data, 1.0, 0.02)
        torch.nn.init.constant_(module.bias.data, 0)
torch.manual_seed(3)
dc = DCGAN()
dc.apply(weights_init)
z = torch.randn(2, LATENT_DIM, 1, 1)
img = dc.generator_forward(z)
print(img.shape, dc.discriminator_forward(img).shape, dc.discriminator_forward(img))
crit = nn.BCEWithLogitsLoss()
loss = crit(dc.discriminator_forward(img).view(-1), torch.ones(2))
loss.backward()
print(loss, dc.generator[0].weight.grad.abs().sum(), dc.discriminator[3].weight.grad)
