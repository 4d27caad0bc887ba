import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# MIT 6.S191 Lab 2, part 2: debiasing a face classifier with a DB-VAE. A standard CNN classifier first,
# then a VAE whose encoder also outputs the class logit: reparameterised sampling, a loss of
# reconstruction (mean absolute error per image) plus KL, the classification loss for every image and
# the VAE loss for faces only (an indicator mask), and adaptive resampling: per-latent histograms of the
# encoded means give each training image a sampling probability (np.histogram, np.random.choice).
# Small random 3x16x16 "faces" and "non-faces" with a rare feature replace the CelebA/ImageNet data.
torch.manual_seed(6191)
np.random.seed(6191)
n_images = 96
labels = (np.arange(n_images) % 2).astype(np.float32)
images = np.random.rand(n_images, 3, 16, 16).astype(np.float32) * 0.3
images[labels == 1, 0, 4:12, 4:12] += 0.6  # a "face": a bright red centre
rare = (labels == 1) & (np.arange(n_images) % 8 == 1)
images[rare, 2, :, :8] += 0.5  # a rare "skin tone" on a quarter of the faces
print("images", images.shape, "faces", int(labels.sum()), "rare faces", int(rare.sum()))
def get_batch(index, batch_size):
    idx = np.random.choice(index, size=batch_size, replace=False)
    return torch.from_numpy(images[idx]), torch.from_numpy(labels[idx]).reshape(-1, 1)
n_filters = 4
def make_standard_classifier(n_outputs=1):
    Conv2D = lambda in_c, out_c, k, s: nn.Sequential(nn.Conv2d(in_c, out_c, k, stride=s, padding=k // 2),
                                                     nn.ReLU(), nn.BatchNorm2d(out_c))
    model = nn.Sequential(
        Conv2D(3, 1 * n_filters, 5, 2),
        Conv2D(1 * n_filters, 2 * n_filters, 5, 2),
        Conv2D(2 * n_filters, 4 * n_filters, 3, 2),
        nn.Flatten(),
        nn.Linear(4 * n_filters * 2 * 2, 32),
        nn.ReLU(),
        nn.Linear(32, n_outputs),
    )
    return model
standard_classifier = make_standard_classifier()
print(standard_classifier)
x, y = get_batch(np.arange(n_images), 4)
print(standard_classifier(x).shape)
optimizer = torch.optim.Adam(standard_classifier.parameters(), lr=5e-3)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(3):
    for step in range(4):
        x, y = get_batch(np.arange(n_images), 24)
        logits = standard_classifier(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"standard classifier epoch {epoch} loss {loss.item():.4f}")
standard_classifier.eval()
with torch.no_grad():
    probs = torch.sigmoid(standard_classifier(torch.from_numpy(images)))
faces = torch.from_numpy(labels == 1)
print("P(face) on common faces: {:.4f}".format(probs[faces & ~torch.from_numpy(rare)].mean().item()))
print("P(face) on rare faces: {:.4f}".format(probs[torch.from_numpy(rare)].mean().item()))
def vae_loss_function(x, x_recon, mu, logsigma, kl_weight=0.0005):
    latent_loss = 0.5 * torch.sum(torch.exp(logsigma) + torch.square(mu) - 1.0 - logsigma, dim=1)
    reconstruction_loss = torch.mean(torch.abs(x - x_recon), dim=(1, 2, 3))
    vae_loss = kl_weight * latent_loss + reconstruction_loss
    return vae_loss
def sampling(z_mean, z_logsigma):
    batch, latent_dim = z_mean.shape
    epsilon = torch.randn(batch, latent_dim)
    z = z_mean + torch.exp(0.5 * z_logsigma) * epsilon
    return z
def debiasing_loss_function(x, x_pred, y, y_logit, mu, logsigma):
    vae_loss = vae_loss_function(x, x_pred, mu, logsigma)
    classification_loss = F.binary_cross_entropy_with_logits(y_logit, y, reduction="none")
    face_indicator = (y == 1.0).float()
    total_loss = torch.mean(classification_loss.squeeze(1) + face_indicator.squeeze(1) * vae_loss)
    return total_loss, classification_loss.mean()
class FaceDecoder(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.linear = nn.Sequential(nn.Linear(latent_dim, 4 * n_filters * 2 * 2), nn.ReLU())
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(4 * n_filters, 2 * n_filters, kernel_size=3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * n_filters, n_filters, kernel_size=5, stride=2, padding=2, output_padding=1),
            nn.ReLU(),
            nn.ConvTranspose2d(n_filters, 3, kernel_size=5, stride=2, padding=2, output_padding=1),
        )
    def forward(self, z):
        x = self.linear(z).view(-1, 4 * n_filters, 2, 2)
        return self.deconv(x)
class DB_VAE(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        num_encoder_dims = 2 * self.latent_dim + 1
        self.encoder = make_standard_classifier(num_encoder_dims)
        self.decoder = FaceDecoder(latent_dim)
    def encode(self, x):
        encoder_output = self.encoder(x)
        y_logit = encoder_output[:, 0].unsqueeze(-1)
        z_mean = encoder_output[:, 1:self.latent_dim + 1]
        z_logsigma = encoder_output[:, self.latent_dim + 1:]
        return y_logit, z_mean, z_logsigma
    def reparameterize(self, z_mean, z_logsigma):
        return sampling(z_mean, z_logsigma)
    def decode(self, z):
        return self.decoder(z)
    def forward(self, x):
        y_logit, z_mean, z_logsigma = self.encode(x)
        z = self.reparameterize(z_mean, z_logsigma)
        recon = self.decode(z)
        return y_logit, z_mean, z_logsigma, recon
    def predict(self, x):
        y_logit, z_mean, z_logsigma = self.encode(x)
        return y_logit
latent_dim = 6
dbvae = DB_VAE(latent_dim)
y_logit, z_mean, z_logsigma, recon = dbvae(x)
print(y_logit.shape, z_mean.shape, z_logsigma.shape, recon.shape)
print([name for name, _ in dbvae.decoder.named_children()], dbvae.decoder.deconv[0])
def get_latent_mu(images, dbvae, batch_size=32):
    dbvae.eval()
    mus = []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            _, batch_mu, _ = dbvae.encode(torch.from_numpy(images[start:start + batch_size]))
            mus.append(batch_mu)
    return torch.cat(mus).numpy()
def get_training_sample_probabilities(images, dbvae, bins=5, smoothing_fac=0.001):
    mu = get_latent_mu(images, dbvae)
    training_sample_p = np.zeros(mu.shape[0], dtype=np.float64)
    for i in range(latent_dim):
        latent_distribution = mu[:, i]
        hist_density, bin_edges = np.histogram(latent_distribution, density=True, bins=bins)
        bin_edges[0] = -float("inf")
        bin_edges[-1] = float("inf")
        bin_idx = np.digitize(latent_distribution, bin_edges)
        hist_smoothed_density = hist_density + smoothing_fac
        hist_smoothed_density = hist_smoothed_density / np.sum(hist_smoothed_density)
        p = 1.0 / (hist_smoothed_density[bin_idx - 1])
        p = p / np.sum(p)
        training_sample_p = np.maximum(p, training_sample_p)
    training_sample_p /= np.sum(training_sample_p)
    return training_sample_p
optimizer = torch.optim.Adam(dbvae.parameters(), lr=5e-3)
face_idx = np.where(labels == 1)[0]
all_idx = np.arange(n_images)
for epoch in range(3):
    p_faces = get_training_sample_probabilities(images[face_idx], dbvae)
    dbvae.train()
    print(f"epoch {epoch}: p_faces min {p_faces.min():.4f} max {p_faces.max():.4f} rare-face mass "
          f"{p_faces[rare[face_idx]].sum():.4f}")
    for step in range(4):
        chosen_faces = np.random.choice(face_idx, size=12, replace=False, p=p_faces)
        others = np.random.choice(np.where(labels == 0)[0], size=12, replace=False)
        idx = np.concatenate([chosen_faces, others])
        x = torch.from_numpy(images[idx])
        y = torch.from_numpy(labels[idx]).reshape(-1, 1)
        y_logit, z_mean, z_logsigma, x_recon = dbvae(x)
        loss, class_loss = debiasing_loss_function(x, x_recon, y, y_logit, z_mean, z_logsigma)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"  loss {loss.item():.4f} classification {class_loss.item():.4f}")
dbvae.eval()
with torch.no_grad():
    dbvae_probs = torch.sigmoid(dbvae.predict(torch.from_numpy(images)))
print("DB-VAE P(face) on rare faces: {:.4f}".format(dbvae_probs[torch.from_numpy(rare)].mean().item()))
with torch.no_grad():
    _, mu, logsigma = dbvae.encode(torch.from_numpy(images[:2]))
    z = torch.stack([mu[0] * (1 - a) + mu[1] * a for a in torch.linspace(0, 1, 5)])
    interpolated = dbvae.decode(z)
print(z.shape, interpolated.shape, interpolated.requires_grad)
print(torch.round(z[:, 0], decimals=3))
