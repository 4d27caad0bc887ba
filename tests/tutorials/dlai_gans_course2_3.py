import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional

# DeepLearning.AI's GANs specialisation, courses 2 and 3, shrunk: FID's pieces (MultivariateNormal samples,
# a covariance through np.cov and torch.Tensor, the Frechet distance with a matrix square root by hand),
# SN-GAN's spectral_norm, StyleGAN's truncated noise, mapping network, noise injection and AdaIN blocks,
# Pix2Pix's U-Net (crop, Upsample, torch.cat with axis=) and PatchGAN with its L1 + adversarial loss, and
# CycleGAN's reflect-padded residual blocks with the identity and cycle-consistency losses.
torch.manual_seed(0)

# ---- course 2, week 1: FID
mean = torch.Tensor([0, 0])
covariance = torch.Tensor([[1, 0], [0, 1]])
independent_dist = torch.distributions.MultivariateNormal(mean, covariance)
samples = independent_dist.sample((5,))
print(samples, samples.shape, samples.dtype)
covariance = torch.Tensor([[2, -1], [-1, 2]])
covariant_dist = torch.distributions.MultivariateNormal(mean, covariance)
print(covariant_dist.sample((3,)), covariant_dist.log_prob(torch.zeros(2)), covariant_dist.covariance_matrix)
print(covariant_dist.scale_tril, covariant_dist.mean, covariant_dist.entropy())


def matrix_sqrt(x):
    """scipy.linalg.sqrtm for a symmetric positive (semi-)definite matrix, by eigendecomposition."""
    values, vectors = torch.linalg.eigh(x)
    return vectors @ torch.diag(values.clamp(min=0).sqrt()) @ vectors.T


def frechet_distance(mu_x, mu_y, sigma_x, sigma_y):
    return (mu_x - mu_y).dot(mu_x - mu_y) + torch.trace(sigma_x) + torch.trace(sigma_y) - 2 * torch.trace(
        matrix_sqrt(sigma_x @ sigma_y))


mean1 = torch.Tensor([0, 0])
covariance1 = torch.Tensor([[1, 0], [0, 1]])
dist1 = torch.distributions.MultivariateNormal(mean1, covariance1)
mean2 = torch.Tensor([0, 0])
covariance2 = torch.Tensor([[2, -1], [-1, 2]])
dist2 = torch.distributions.MultivariateNormal(mean2, covariance2)
print(frechet_distance(dist1.mean, dist2.mean, dist1.covariance_matrix, dist1.covariance_matrix))
print(frechet_distance(dist1.mean, dist1.mean + 1, dist1.covariance_matrix, dist1.covariance_matrix))
print(torch.Tensor([[1, 2], [3, 4]]).dtype, torch.Tensor(np.array([[1.5, 2.5]])).dtype)


def get_covariance(features):
    return torch.Tensor(np.cov(features.detach().numpy(), rowvar=False))


fake_features_list, real_features_list = [], []
feature_extractor = nn.Sequential(nn.Flatten(), nn.Linear(16, 4))
feature_extractor.eval()
with torch.no_grad():
    for _ in range(3):
        real_samples = torch.rand(8, 1, 4, 4)
        real_features_list.append(feature_extractor(real_samples).detach().to("cpu"))
        fake_samples = torch.rand(8, 1, 4, 4) * 0.5
        fake_features_list.append(feature_extractor(fake_samples).detach().to("cpu"))
fake_features_all = torch.cat(fake_features_list)
real_features_all = torch.cat(real_features_list)
mu_fake = fake_features_all.mean(0)
mu_real = real_features_all.mean(0)
sigma_fake = get_covariance(fake_features_all)
sigma_real = get_covariance(real_features_all)
print(mu_fake, sigma_fake.shape, sigma_fake.dtype, torch.cov(fake_features_all.T).sub(sigma_fake).abs().max() < 1e-5)
with torch.no_grad():
    print(f"FID: {frechet_distance(mu_real, mu_fake, sigma_real, sigma_fake).item():.4f}")

# ---- course 2, week 3: SN-GAN
torch.manual_seed(0)
sn_conv = nn.utils.spectral_norm(nn.Conv2d(1, 4, kernel_size=3, stride=2))
print(sn_conv, sorted(n for n, _ in sn_conv.named_parameters()), sorted(n for n, _ in sn_conv.named_buffers()))
print(sn_conv.weight_u.shape, sn_conv.weight_v.shape)
out = sn_conv(torch.randn(2, 1, 8, 8))
sigma = torch.linalg.matrix_norm(sn_conv.weight.reshape(4, -1), ord=2)
print(out.shape, sigma, out.grad_fn.name())
out.sum().backward()
print(sn_conv.weight_orig.grad.shape, sn_conv.weight_orig.grad[0, 0, 0])


# ---- course 2, week 3: StyleGAN pieces
def get_truncated_noise(n_samples, z_dim, truncation):
    """scipy's truncnorm.rvs by rejection: redraw until every value lies within +-truncation."""
    noise = torch.randn(n_samples, z_dim)
    while (noise.abs() > truncation).any():
        outside = noise.abs() > truncation
        noise[outside] = torch.randn(int(outside.sum()))
    return noise


truncated = get_truncated_noise(4, 6, 0.7)
print(truncated.abs().max() <= 0.7, truncated.shape, truncated[0])


class MappingLayers(nn.Module):
    def __init__(self, z_dim, hidden_dim, w_dim):
        super().__init__()
        self.mapping = nn.Sequential(
            nn.Linear(z_dim, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, hidden_dim), nn.ReLU(),
            nn.Linear(hidden_dim, w_dim),
        )

    def forward(self, noise):
        return self.mapping(noise)

    def get_mapping(self):
        return self.mapping


class InjectNoise(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(channels)[None, :, None, None])

    def forward(self, image):
        noise_shape = (image.shape[0], 1, image.shape[2], image.shape[3])
        noise = torch.randn(noise_shape, device=image.device)
        return image + self.weight * noise

    def get_weight(self):
        return self.weight

    def get_self(self):
        return self


class AdaIN(nn.Module):
    def __init__(self, channels, w_dim):
        super().__init__()
        self.instance_norm = nn.InstanceNorm2d(channels)
        self.style_scale_transform = nn.Linear(w_dim, channels)
        self.style_shift_transform = nn.Linear(w_dim, channels)

    def forward(self, image, w):
        normalized_image = self.instance_norm(image)
        style_scale = self.style_scale_transform(w)[:, :, None, None]
        style_shift = self.style_shift_transform(w)[:, :, None, None]
        transformed_image = style_scale * normalized_image + style_shift
        return transformed_image


class MicroStyleGANGeneratorBlock(nn.Module):
    def __init__(self, in_chan, out_chan, w_dim, kernel_size, starting_size, use_upsample=True):
        super().__init__()
        self.use_upsample = use_upsample
        if self.use_upsample:
            self.upsample = nn.Upsample((starting_size), mode="bilinear")
        self.conv = nn.Conv2d(in_chan, out_chan, kernel_size, padding=1)
        self.inject_noise = InjectNoise(out_chan)
        self.adain = AdaIN(out_chan, w_dim)
        self.activation = nn.LeakyReLU(0.2)

    def forward(self, x, w):
        if self.use_upsample:
            x = self.upsample(x)
        x = self.conv(x)
        x = self.inject_noise(x)
        x = self.activation(x)
        x = self.adain(x, w)
        return x


class MicroStyleGANGenerator(nn.Module):
    def __init__(self, z_dim, map_hidden_dim, w_dim, in_chan, out_chan, kernel_size, hidden_chan):
        super().__init__()
        self.map = MappingLayers(z_dim, map_hidden_dim, w_dim)
        self.starting_constant = nn.Parameter(torch.randn(1, in_chan, 4, 4))
        self.block0 = MicroStyleGANGeneratorBlock(in_chan, hidden_chan, w_dim, kernel_size, 4, use_upsample=False)
        self.block1 = MicroStyleGANGeneratorBlock(hidden_chan, hidden_chan, w_dim, kernel_size, 8)
        self.block2 = MicroStyleGANGeneratorBlock(hidden_chan, hidden_chan, w_dim, kernel_size, 16)
        self.block1_to_image = nn.Conv2d(hidden_chan, out_chan, kernel_size=1)
        self.block2_to_image = nn.Conv2d(hidden_chan, out_chan, kernel_size=1)
        self.alpha = 0.2

    def upsample_to_match_size(self, smaller_image, bigger_image):
        return F.interpolate(smaller_image, size=bigger_image.shape[-2:], mode="bilinear")

    def forward(self, noise, return_intermediate=False):
        x = self.starting_constant
        w = self.map(noise)
        x = self.block0(x, w)
        x_small = self.block1(x, w)
        x_small_image = self.block1_to_image(x_small)
        x_big = self.block2(x_small, w)
        x_big_image = self.block2_to_image(x_big)
        x_small_upsample = self.upsample_to_match_size(x_small_image, x_big_image)
        interpolation = self.alpha * x_big_image + (1 - self.alpha) * x_small_upsample
        if return_intermediate:
            return interpolation, x_small_upsample, x_big_image
        return interpolation


torch.manual_seed(0)
inject_noise = InjectNoise(3)
print(inject_noise.weight.shape, inject_noise.get_weight().std())
image = torch.ones(2, 3, 4, 4)
noisy = inject_noise(image)
print(noisy.shape, (noisy[:, 0] - 1).std(dim=[1, 2]), torch.allclose((noisy[:, 0] - 1) / inject_noise.weight[0, 0],
                                                                     (noisy[:, 1] - 1) / inject_noise.weight[0, 1]))
adain = AdaIN(3, 5)
test_w = torch.randn(2, 5)
test_image = torch.randn(2, 3, 4, 4)
adain_out = adain(test_image, test_w)
print(adain_out.shape, adain.instance_norm, adain.instance_norm(test_image).mean(dim=[2, 3]).abs().max() < 1e-6)
print(adain.instance_norm(test_image).std(dim=[2, 3], unbiased=False)[0])
gen = MicroStyleGANGenerator(z_dim=8, map_hidden_dim=16, w_dim=8, in_chan=4, out_chan=3, kernel_size=3, hidden_chan=6)
test_samples = 2
test_result = gen(get_truncated_noise(test_samples, 8, 0.7))
print(test_result.shape, test_result.grad_fn.name())
gen.alpha = 1
test_result, _, test_big = gen(get_truncated_noise(test_samples, 8, 0.7), return_intermediate=True)
print(torch.abs(test_result - test_big).mean().item(), gen.block1.upsample)
test_result.mean().backward()
print(gen.starting_constant.grad.shape, gen.block0.inject_noise.weight.grad.shape)

# ---- course 3, week 2: Pix2Pix
def crop(image, new_shape):
    middle_height = image.shape[2] // 2
    middle_width = image.shape[3] // 2
    starting_height = middle_height - new_shape[2] // 2
    final_height = starting_height + new_shape[2]
    starting_width = middle_width - new_shape[3] // 2
    final_width = starting_width + new_shape[3]
    cropped_image = image[:, :, starting_height:final_height, starting_width:final_width]
    return cropped_image


class ContractingBlock(nn.Module):
    def __init__(self, input_channels, use_dropout=False, use_bn=True):
        super(ContractingBlock, self).__init__()
        self.conv1 = nn.Conv2d(input_channels, input_channels * 2, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(input_channels * 2, input_channels * 2, kernel_size=3, padding=1)
        self.activation = nn.LeakyReLU(0.2)
        self.maxpool = nn.MaxPool2d(kernel_size=2, stride=2)
        if use_bn:
            self.batchnorm = nn.BatchNorm2d(input_channels * 2)
        self.use_bn = use_bn
        if use_dropout:
            self.dropout = nn.Dropout()
        self.use_dropout = use_dropout

    def forward(self, x):
        x = self.conv1(x)
        if self.use_bn:
            x = self.batchnorm(x)
        if self.use_dropout:
            x = self.dropout(x)
        x = self.activation(x)
        x = self.conv2(x)
        if self.use_bn:
            x = self.batchnorm(x)
        if self.use_dropout:
            x = self.dropout(x)
        x = self.activation(x)
        x = self.maxpool(x)
        return x


class ExpandingBlock(nn.Module):
    def __init__(self, input_channels, use_dropout=False, use_bn=True):
        super(ExpandingBlock, self).__init__()
        self.upsample = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.conv1 = nn.Conv2d(input_channels, input_channels // 2, kernel_size=2)
        self.conv2 = nn.Conv2d(input_channels, input_channels // 2, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(input_channels // 2, input_channels // 2, kernel_size=2, padding=1)
        if use_bn:
            self.batchnorm = nn.BatchNorm2d(input_channels // 2)
        self.use_bn = use_bn
        self.activation = nn.ReLU()
        if use_dropout:
            self.dropout = nn.Dropout()
        self.use_dropout = use_dropout

    def forward(self, x, skip_con_x):
        x = self.upsample(x)
        x = self.conv1(x)
        skip_con_x = crop(skip_con_x, x.shape)
        x = torch.cat([x, skip_con_x], axis=1)
        x = self.conv2(x)
        if self.use_bn:
            x = self.batchnorm(x)
        if self.use_dropout:
            x = self.dropout(x)
        x = self.activation(x)
        x = self.conv3(x)
        if self.use_bn:
            x = self.batchnorm(x)
        if self.use_dropout:
            x = self.dropout(x)
        x = self.activation(x)
        return x


class FeatureMapBlock(nn.Module):
    def __init__(self, input_channels, output_channels):
        super(FeatureMapBlock, self).__init__()
        self.conv = nn.Conv2d(input_channels, output_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, input_channels, output_channels, hidden_channels=4):
        super(UNet, self).__init__()
        self.upfeature = FeatureMapBlock(input_channels, hidden_channels)
        self.contract1 = ContractingBlock(hidden_channels, use_dropout=True)
        self.contract2 = ContractingBlock(hidden_channels * 2)
        self.expand1 = ExpandingBlock(hidden_channels * 4)
        self.expand2 = ExpandingBlock(hidden_channels * 2)
        self.downfeature = FeatureMapBlock(hidden_channels, output_channels)
        self.sigmoid = torch.nn.Sigmoid()

    def forward(self, x):
        x0 = self.upfeature(x)
        x1 = self.contract1(x0)
        x2 = self.contract2(x1)
        x3 = self.expand1(x2, x1)
        x4 = self.expand2(x3, x0)
        xn = self.downfeature(x4)
        return self.sigmoid(xn)


class PatchDiscriminator(nn.Module):
    def __init__(self, input_channels, hidden_channels=4):
        super(PatchDiscriminator, self).__init__()
        self.upfeature = FeatureMapBlock(input_channels, hidden_channels)
        self.contract1 = ContractingBlock(hidden_channels, use_bn=False)
        self.contract2 = ContractingBlock(hidden_channels * 2)
        self.final = nn.Conv2d(hidden_channels * 4, 1, kernel_size=1)

    def forward(self, x, y):
        x = torch.cat([x, y], axis=1)
        x0 = self.upfeature(x)
        x1 = self.contract1(x0)
        x2 = self.contract2(x1)
        xn = self.final(x2)
        return xn


print(crop(torch.arange(36.).view(1, 1, 6, 6), (1, 1, 3, 3)))
torch.manual_seed(0)
adv_criterion = nn.BCEWithLogitsLoss()
recon_criterion = nn.L1Loss()
lambda_recon = 200
gen = UNet(3, 3)
disc = PatchDiscriminator(6)
gen_opt = torch.optim.Adam(gen.parameters(), lr=0.0002)
disc_opt = torch.optim.Adam(disc.parameters(), lr=0.0002)


def weights_init(m):
    if isinstance(m, nn.Conv2d) or isinstance(m, nn.ConvTranspose2d):
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    if isinstance(m, nn.BatchNorm2d):
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
        torch.nn.init.constant_(m.bias, 0)


gen = gen.apply(weights_init)
disc = disc.apply(weights_init)


def get_gen_loss(gen, disc, real, condition, adv_criterion, recon_criterion, lambda_recon):
    fake = gen(condition)
    disc_fake_hat = disc(fake, condition)
    gen_adv_loss = adv_criterion(disc_fake_hat, torch.ones_like(disc_fake_hat))
    gen_rec_loss = recon_criterion(real, fake)
    gen_loss = gen_adv_loss + lambda_recon * gen_rec_loss
    return gen_loss


g = torch.Generator().manual_seed(2)
image_pairs = torch.rand(4, 3, 8, 16, generator=g)  # the maps dataset: input and target side by side
condition = image_pairs[:, :, :, :8]
real = image_pairs[:, :, :, 8:]
print(condition.shape, real.shape, gen(condition).shape, disc(real, condition).shape)
for step in range(3):
    disc_opt.zero_grad()
    with torch.no_grad():
        fake = gen(condition)
    disc_fake_hat = disc(fake.detach(), condition)
    disc_fake_loss = adv_criterion(disc_fake_hat, torch.zeros_like(disc_fake_hat))
    disc_real_hat = disc(real, condition)
    disc_real_loss = adv_criterion(disc_real_hat, torch.ones_like(disc_real_hat))
    disc_loss = (disc_fake_loss + disc_real_loss) / 2
    disc_loss.backward(retain_graph=True)
    disc_opt.step()
    gen_opt.zero_grad()
    gen_loss = get_gen_loss(gen, disc, real, condition, adv_criterion, recon_criterion, lambda_recon)
    gen_loss.backward()
    gen_opt.step()
    print(f"Pix2Pix step {step}: Generator (U-Net) loss: {gen_loss.item():.5f}, Discriminator loss: "
          f"{disc_loss.item():.5f}")


# ---- course 3, week 3: CycleGAN
class ResidualBlock(nn.Module):
    def __init__(self, input_channels):
        super(ResidualBlock, self).__init__()
        self.conv1 = nn.Conv2d(input_channels, input_channels, kernel_size=3, padding=1, padding_mode="reflect")
        self.conv2 = nn.Conv2d(input_channels, input_channels, kernel_size=3, padding=1, padding_mode="reflect")
        self.instancenorm = nn.InstanceNorm2d(input_channels)
        self.activation = nn.ReLU()

    def forward(self, x):
        original_x = x.clone()
        x = self.conv1(x)
        x = self.instancenorm(x)
        x = self.activation(x)
        x = self.conv2(x)
        x = self.instancenorm(x)
        return original_x + x


class CycleGenerator(nn.Module):
    def __init__(self, input_channels, output_channels, hidden_channels=4):
        super(CycleGenerator, self).__init__()
        self.upfeature = nn.Conv2d(input_channels, hidden_channels, kernel_size=7, padding=3, padding_mode="reflect")
        self.contract = nn.Sequential(nn.Conv2d(hidden_channels, hidden_channels * 2, kernel_size=3, padding=1,
                                                stride=2, padding_mode="reflect"),
                                      nn.InstanceNorm2d(hidden_channels * 2), nn.ReLU())
        self.res = ResidualBlock(hidden_channels * 2)
        self.expand = nn.Sequential(nn.ConvTranspose2d(hidden_channels * 2, hidden_channels, kernel_size=3, stride=2,
                                                       padding=1, output_padding=1),
                                    nn.InstanceNorm2d(hidden_channels), nn.ReLU())
        self.downfeature = nn.Conv2d(hidden_channels, output_channels, kernel_size=7, padding=3,
                                     padding_mode="reflect")
        self.tanh = torch.nn.Tanh()

    def forward(self, x):
        return self.tanh(self.downfeature(self.expand(self.res(self.contract(self.upfeature(x))))))


def get_identity_loss(real_X, gen_YX, identity_criterion):
    identity_X = gen_YX(real_X)
    identity_loss = identity_criterion(identity_X, real_X)
    return identity_loss, identity_X


def get_cycle_consistency_loss(real_X, fake_Y, gen_YX, cycle_criterion):
    cycle_X = gen_YX(fake_Y)
    cycle_loss = cycle_criterion(cycle_X, real_X)
    return cycle_loss, cycle_X


torch.manual_seed(0)
res = ResidualBlock(2)
print(res.conv1, res.instancenorm)
print(res(torch.randn(1, 2, 5, 5)).shape, F.pad(torch.arange(9.).view(1, 1, 3, 3), (1, 1, 1, 1), mode="reflect"))
gen_AB, gen_BA = CycleGenerator(3, 3), CycleGenerator(3, 3)
gen_opt = torch.optim.Adam(list(gen_AB.parameters()) + list(gen_BA.parameters()), lr=0.0002, betas=(0.5, 0.999))
print(len(gen_opt.param_groups[0]["params"]))
real_A, real_B = torch.rand(2, 3, 8, 8) * 2 - 1, torch.rand(2, 3, 8, 8) * 2 - 1
identity_loss, identity_X = get_identity_loss(real_A, gen_BA, nn.L1Loss())
fake_B = gen_AB(real_A)
cycle_loss, cycle_A = get_cycle_consistency_loss(real_A, fake_B, gen_BA, nn.L1Loss())
print(identity_loss, cycle_loss, identity_X.shape, cycle_A.grad_fn.name())
adv_loss = F.mse_loss(fake_B, torch.ones_like(fake_B))
gen_loss = adv_loss + 0.1 * identity_loss + 10 * cycle_loss
gen_opt.zero_grad()
gen_loss.backward()
gen_opt.step()
print(gen_loss, gen_AB.upfeature.weight.grad.norm(), gen_BA.res.conv1.weight.grad.norm())
