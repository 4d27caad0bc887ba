import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional

# DeepLearning.AI's GANs specialisation, course 1, shrunk to 8x8 "MNIST" made up here: the basic GAN's
# generator/discriminator blocks, get_noise, get_disc_loss/get_gen_loss with BCEWithLogitsLoss and the
# notebook's checks; the DCGAN with ConvTranspose2d blocks and weights_init; WGAN-GP's gradient penalty
# through torch.autograd.grad(create_graph=True); the conditional GAN's one-hot labels concatenated to
# the noise; controllable generation by gradient ascent on the noise.
torch.manual_seed(0)
device = "cpu"
g = torch.Generator().manual_seed(1)
real_digits = (torch.rand(32, 1, 8, 8, generator=g) > 0.7).float() * 2 - 1
digit_labels = torch.arange(32) % 4
dataloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(real_digits, digit_labels), batch_size=8,
                                         shuffle=True)


# ---- week 1: the basic GAN
def get_generator_block(input_dim, output_dim):
    return nn.Sequential(
        nn.Linear(input_dim, output_dim),
        nn.BatchNorm1d(output_dim),
        nn.ReLU(inplace=True),
    )


def test_gen_block(in_features, out_features, num_test=100):
    block = get_generator_block(in_features, out_features)
    assert len(block) == 3
    assert type(block[0]) == nn.Linear
    assert type(block[1]) == nn.BatchNorm1d
    assert type(block[2]) == nn.ReLU
    test_input = torch.randn(num_test, in_features)
    test_output = block(test_input)
    assert tuple(test_output.shape) == (num_test, out_features)
    assert test_output.std() > 0.55
    assert test_output.std() < 0.65
    return round(test_output.std().item(), 4)


print(test_gen_block(25, 12), test_gen_block(15, 28))


class Generator(nn.Module):
    def __init__(self, z_dim=10, im_dim=64, hidden_dim=16):
        super(Generator, self).__init__()
        self.gen = nn.Sequential(
            get_generator_block(z_dim, hidden_dim),
            get_generator_block(hidden_dim, hidden_dim * 2),
            nn.Linear(hidden_dim * 2, im_dim),
            nn.Sigmoid(),
        )

    def forward(self, noise):
        return self.gen(noise)

    def get_gen(self):
        return self.gen


def get_noise(n_samples, z_dim, device="cpu"):
    return torch.randn(n_samples, z_dim, device=device)


noise = get_noise(1000, 10, device="cpu")
assert tuple(noise.shape) == (1000, 10)
assert torch.abs(noise.std() - torch.tensor(1.0)) < 0.05
assert str(noise.device).startswith("cpu")
print(noise.shape, noise.device, torch.abs(noise.std() - torch.tensor(1.0)))


def get_discriminator_block(input_dim, output_dim):
    return nn.Sequential(nn.Linear(input_dim, output_dim), nn.LeakyReLU(0.2, inplace=True))


class Discriminator(nn.Module):
    def __init__(self, im_dim=64, hidden_dim=16):
        super(Discriminator, self).__init__()
        self.disc = nn.Sequential(
            get_discriminator_block(im_dim, hidden_dim * 2),
            get_discriminator_block(hidden_dim * 2, hidden_dim),
            nn.Linear(hidden_dim, 1),
        )

    def forward(self, image):
        return self.disc(image)

    def get_disc(self):
        return self.disc


criterion = nn.BCEWithLogitsLoss()
z_dim, lr = 10, 0.00001
gen = Generator(z_dim).to(device)
gen_opt = torch.optim.Adam(gen.parameters(), lr=lr)
disc = Discriminator().to(device)
disc_opt = torch.optim.Adam(disc.parameters(), lr=lr)
print(gen)
print(disc.get_disc()[0])


def get_disc_loss(gen, disc, criterion, real, num_images, z_dim, device):
    fake_noise = get_noise(num_images, z_dim, device=device)
    fake = gen(fake_noise)
    disc_fake_pred = disc(fake.detach())
    disc_fake_loss = criterion(disc_fake_pred, torch.zeros_like(disc_fake_pred))
    disc_real_pred = disc(real)
    disc_real_loss = criterion(disc_real_pred, torch.ones_like(disc_real_pred))
    disc_loss = (disc_fake_loss + disc_real_loss) / 2
    return disc_loss


def get_gen_loss(gen, disc, criterion, num_images, z_dim, device):
    fake_noise = get_noise(num_images, z_dim, device=device)
    fake = gen(fake_noise)
    disc_fake_pred = disc(fake)
    gen_loss = criterion(disc_fake_pred, torch.ones_like(disc_fake_pred))
    return gen_loss


# the notebook's check: the discriminator's loss must not reach the generator
gen_copy = Generator(z_dim).to(device)
real = real_digits[:8].view(8, -1)
disc_loss = get_disc_loss(gen_copy, disc, criterion, real, 8, z_dim, device)
disc_loss.backward()
print(disc_loss, all(p.grad is None for p in gen_copy.parameters()), disc.disc[2].weight.grad.abs().sum())
disc_opt.zero_grad()
cur_step, mean_generator_loss, mean_discriminator_loss = 0, 0, 0
test_generator = True
gen_loss = False
error = False
for epoch in range(2):
    for real, _ in dataloader:
        cur_batch_size = len(real)
        real = real.view(cur_batch_size, -1).to(device)
        disc_opt.zero_grad()
        disc_loss = get_disc_loss(gen, disc, criterion, real, cur_batch_size, z_dim, device)
        disc_loss.backward(retain_graph=True)
        disc_opt.step()
        if test_generator:
            old_generator_weights = gen.gen[0][0].weight.detach().clone()
        gen_opt.zero_grad()
        gen_loss = get_gen_loss(gen, disc, criterion, cur_batch_size, z_dim, device)
        gen_loss.backward()
        gen_opt.step()
        if test_generator:
            try:
                assert lr > 0.0000002 or (gen.gen[0][0].weight.grad.abs().max() < 0.0005 and epoch == 0)
                assert torch.any(gen.gen[0][0].weight.detach().clone() != old_generator_weights)
            except AssertionError:
                error = True
                print("Runtime tests have failed")
        mean_discriminator_loss += disc_loss.item() / 4
        mean_generator_loss += gen_loss.item() / 4
        cur_step += 1
    print(f"Epoch {epoch}, step {cur_step}: Generator loss: {mean_generator_loss}, discriminator loss: "
          f"{mean_discriminator_loss}")
    mean_generator_loss = mean_discriminator_loss = 0


# ---- week 2: DCGAN
class DCGenerator(nn.Module):
    def __init__(self, z_dim=10, im_chan=1, hidden_dim=8):
        super(DCGenerator, self).__init__()
        self.z_dim = z_dim
        self.gen = nn.Sequential(
            self.make_gen_block(z_dim, hidden_dim * 2, kernel_size=2, stride=1),  # 1 => 2
            self.make_gen_block(hidden_dim * 2, hidden_dim, kernel_size=4, stride=1),  # 2 => 5
            self.make_gen_block(hidden_dim, im_chan, kernel_size=4, stride=1, final_layer=True),  # 5 => 8
        )

    def make_gen_block(self, input_channels, output_channels, kernel_size=3, stride=2, final_layer=False):
        if not final_layer:
            return nn.Sequential(
                nn.ConvTranspose2d(input_channels, output_channels, kernel_size, stride),
                nn.BatchNorm2d(output_channels),
                nn.ReLU(inplace=True),
            )
        return nn.Sequential(nn.ConvTranspose2d(input_channels, output_channels, kernel_size, stride), nn.Tanh())

    def unsqueeze_noise(self, noise):
        return noise.view(len(noise), self.z_dim, 1, 1)

    def forward(self, noise):
        x = self.unsqueeze_noise(noise)
        return self.gen(x)


class DCDiscriminator(nn.Module):
    def __init__(self, im_chan=1, hidden_dim=8):
        super(DCDiscriminator, self).__init__()
        self.disc = nn.Sequential(
            self.make_disc_block(im_chan, hidden_dim, kernel_size=3, stride=2),  # 8 => 3
            self.make_disc_block(hidden_dim, 1, kernel_size=3, stride=1, final_layer=True),  # 3 => 1
        )

    def make_disc_block(self, input_channels, output_channels, kernel_size=4, stride=2, final_layer=False):
        if not final_layer:
            return nn.Sequential(
                nn.Conv2d(input_channels, output_channels, kernel_size, stride),
                nn.BatchNorm2d(output_channels),
                nn.LeakyReLU(0.2, inplace=True),
            )
        return nn.Sequential(nn.Conv2d(input_channels, output_channels, kernel_size, stride))

    def forward(self, image):
        disc_pred = self.disc(image)
        return disc_pred.view(len(disc_pred), -1)


def weights_init(m):
    if isinstance(m, nn.Conv2d) or isinstance(m, nn.ConvTranspose2d):
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    if isinstance(m, nn.BatchNorm2d):
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
        torch.nn.init.constant_(m.bias, 0)


torch.manual_seed(0)
gen = DCGenerator(z_dim).to(device)
gen_opt = torch.optim.Adam(gen.parameters(), lr=0.0002, betas=(0.5, 0.999))
disc = DCDiscriminator().to(device)
disc_opt = torch.optim.Adam(disc.parameters(), lr=0.0002, betas=(0.5, 0.999))
gen = gen.apply(weights_init)
disc = disc.apply(weights_init)
print(gen.gen[0][0].weight.std(), gen.gen[0][1].weight[:4], gen.gen[0][1].bias[:4])
test_noise = get_noise(4, z_dim)
print(gen.unsqueeze_noise(test_noise).shape, gen(test_noise).shape, disc(gen(test_noise)).shape)
for real, _ in dataloader:
    cur_batch_size = len(real)
    disc_opt.zero_grad()
    fake_noise = get_noise(cur_batch_size, z_dim, device=device)
    fake = gen(fake_noise)
    disc_fake_pred = disc(fake.detach())
    disc_fake_loss = criterion(disc_fake_pred, torch.zeros_like(disc_fake_pred))
    disc_real_pred = disc(real)
    disc_real_loss = criterion(disc_real_pred, torch.ones_like(disc_real_pred))
    disc_loss = (disc_fake_loss + disc_real_loss) / 2
    disc_loss.backward(retain_graph=True)
    disc_opt.step()
    gen_opt.zero_grad()
    fake_noise_2 = get_noise(cur_batch_size, z_dim, device=device)
    fake_2 = gen(fake_noise_2)
    disc_fake_pred = disc(fake_2)
    gen_loss = criterion(disc_fake_pred, torch.ones_like(disc_fake_pred))
    gen_loss.backward()
    gen_opt.step()
    print(f"DCGAN disc {disc_loss.item():.5f} gen {gen_loss.item():.5f}", disc_fake_pred.grad_fn.name())
image_tensor = (fake_2 + 1) / 2
image_unflat = image_tensor.detach().cpu()
print(image_unflat.shape, image_unflat.min() >= 0, image_unflat[0, 0, 0])


# ---- week 3: WGAN-GP
def get_gradient(crit, real, fake, epsilon):
    mixed_images = real * epsilon + fake * (1 - epsilon)
    mixed_scores = crit(mixed_images)
    gradient = torch.autograd.grad(
        inputs=mixed_images,
        outputs=mixed_scores,
        grad_outputs=torch.ones_like(mixed_scores),
        create_graph=True,
        retain_graph=True,
    )[0]
    return gradient


def gradient_penalty(gradient):
    gradient = gradient.view(len(gradient), -1)
    gradient_norm = gradient.norm(2, dim=1)
    penalty = torch.mean((gradient_norm - 1) ** 2)
    return penalty


def get_crit_loss(crit_fake_pred, crit_real_pred, gp, c_lambda):
    return torch.mean(crit_fake_pred) - torch.mean(crit_real_pred) + c_lambda * gp


def get_gen_loss_w(crit_fake_pred):
    return -1. * torch.mean(crit_fake_pred)


# the notebook's checks of get_gradient and gradient_penalty
torch.manual_seed(0)
crit = DCDiscriminator().to(device)
real = torch.randn(8, 1, 8, 8, device=device) + 1
fake = torch.randn(8, 1, 8, 8, device=device) - 1
epsilon = torch.rand(8, 1, 1, 1, device=device, requires_grad=True)
gradient = get_gradient(crit, real, fake, epsilon)
print(tuple(gradient.shape), gradient.abs().mean().item() > 0, gradient.grad_fn.name(), gradient.requires_grad)
gp = gradient_penalty(gradient)
print(gp, gp.grad_fn.name())
print(gradient_penalty(torch.zeros(4, 1, 8, 8)), gradient_penalty(torch.ones(4, 1, 8, 8) / 8))
print(get_crit_loss(torch.tensor(1.), torch.tensor(2.), torch.tensor(3.), 0.1), get_gen_loss_w(torch.tensor([1., 3.])))
gen = DCGenerator(z_dim).apply(weights_init)
gen_opt = torch.optim.Adam(gen.parameters(), lr=0.0002, betas=(0.5, 0.999))
crit = crit.apply(weights_init)
crit_opt = torch.optim.Adam(crit.parameters(), lr=0.0002, betas=(0.5, 0.999))
c_lambda, crit_repeats = 10, 2
for real, _ in dataloader:
    cur_batch_size = len(real)
    mean_iteration_critic_loss = 0
    for _ in range(crit_repeats):
        crit_opt.zero_grad()
        fake_noise = get_noise(cur_batch_size, z_dim, device=device)
        fake = gen(fake_noise)
        crit_fake_pred = crit(fake.detach())
        crit_real_pred = crit(real)
        epsilon = torch.rand(len(real), 1, 1, 1, device=device, requires_grad=True)
        gradient = get_gradient(crit, real, fake.detach(), epsilon)
        gp = gradient_penalty(gradient)
        crit_loss = get_crit_loss(crit_fake_pred, crit_real_pred, gp, c_lambda)
        mean_iteration_critic_loss += crit_loss.item() / crit_repeats
        crit_loss.backward(retain_graph=True)
        crit_opt.step()
    gen_opt.zero_grad()
    fake_2 = gen(get_noise(cur_batch_size, z_dim, device=device))
    gen_loss = get_gen_loss_w(crit(fake_2))
    gen_loss.backward()
    gen_opt.step()
    print(f"WGAN-GP critic {mean_iteration_critic_loss:.5f} gen {gen_loss.item():.5f} gp {gp.item():.5f}",
          epsilon.grad.shape if epsilon.grad is not None else None)


# ---- week 4: conditional GAN and controllable generation
def get_one_hot_labels(labels, n_classes):
    return F.one_hot(labels, n_classes)


def combine_vectors(x, y):
    combined = torch.cat((x.float(), y.float()), 1)
    return combined


def get_input_dimensions(z_dim, mnist_shape, n_classes):
    generator_input_dim = z_dim + n_classes
    discriminator_im_chan = mnist_shape[0] + n_classes
    return generator_input_dim, discriminator_im_chan


one_hot = get_one_hot_labels(labels=torch.Tensor([[0, 2, 1]]).long(), n_classes=3)
print(one_hot, one_hot.dtype, one_hot.shape)
combined = combine_vectors(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5, 6], [7, 8]]))
print(combined, combined.dtype)
print(combine_vectors(torch.randn(1, 4, 5), torch.randn(1, 8, 5)).shape)
n_classes, mnist_shape = 4, (1, 8, 8)
generator_input_dim, discriminator_im_chan = get_input_dimensions(z_dim, mnist_shape, n_classes)
print(generator_input_dim, discriminator_im_chan)
torch.manual_seed(0)
gen = DCGenerator(z_dim=generator_input_dim).apply(weights_init)
disc = DCDiscriminator(im_chan=discriminator_im_chan).apply(weights_init)
gen_opt = torch.optim.Adam(gen.parameters(), lr=0.0002, betas=(0.5, 0.999))
disc_opt = torch.optim.Adam(disc.parameters(), lr=0.0002, betas=(0.5, 0.999))
for real, labels in dataloader:
    cur_batch_size = len(real)
    one_hot_labels = get_one_hot_labels(labels.to(device), n_classes)
    image_one_hot_labels = one_hot_labels[:, :, None, None]
    image_one_hot_labels = image_one_hot_labels.repeat(1, 1, mnist_shape[1], mnist_shape[2])
    disc_opt.zero_grad()
    fake_noise = get_noise(cur_batch_size, z_dim, device=device)
    noise_and_labels = combine_vectors(fake_noise, one_hot_labels)
    fake = gen(noise_and_labels)
    fake_image_and_labels = combine_vectors(fake, image_one_hot_labels)
    real_image_and_labels = combine_vectors(real, image_one_hot_labels)
    disc_fake_pred = disc(fake_image_and_labels.detach())
    disc_real_pred = disc(real_image_and_labels)
    disc_fake_loss = criterion(disc_fake_pred, torch.zeros_like(disc_fake_pred))
    disc_real_loss = criterion(disc_real_pred, torch.ones_like(disc_real_pred))
    disc_loss = (disc_fake_loss + disc_real_loss) / 2
    disc_loss.backward(retain_graph=True)
    disc_opt.step()
    gen_opt.zero_grad()
    fake_image_and_labels = combine_vectors(fake, image_one_hot_labels)
    disc_fake_pred = disc(fake_image_and_labels)
    gen_loss = criterion(disc_fake_pred, torch.ones_like(disc_fake_pred))
    gen_loss.backward()
    gen_opt.step()
    print(f"cGAN disc {disc_loss.item():.5f} gen {gen_loss.item():.5f}", image_one_hot_labels.shape,
          image_one_hot_labels.dtype, noise_and_labels.shape)

# interpolating between two classes
n_interpolation = 5
interpolation_noise = get_noise(1, z_dim, device=device).repeat(n_interpolation, 1)
first_label = get_one_hot_labels(torch.Tensor([1]).long(), n_classes)
second_label = get_one_hot_labels(torch.Tensor([3]).long(), n_classes)
percent_second_label = torch.linspace(0, 1, n_interpolation)[:, None]
interpolation_labels = first_label * (1 - percent_second_label) + second_label * percent_second_label
print(interpolation_labels, interpolation_labels.dtype)
noise_and_labels = combine_vectors(interpolation_noise, interpolation_labels.to(device))
gen.eval()
fake = gen(noise_and_labels)
print(fake.shape, fake[:, 0, 3, 3])


# controllable generation: a classifier's score pushes the noise
def calculate_updated_noise(noise, weight):
    new_noise = noise + (noise.grad * weight)
    return new_noise


def get_score(current_classifications, original_classifications, target_indices, other_indices, penalty_weight):
    other_distances = current_classifications[:, other_indices] - original_classifications[:, other_indices]
    other_class_penalty = -torch.norm(other_distances, dim=1).mean() * penalty_weight
    target_score = current_classifications[:, target_indices].mean()
    return target_score + other_class_penalty


opt = torch.optim.Adam(gen.parameters(), lr=0.0002)  # only to zero the generator's grads, as the notebook does
classifier = nn.Sequential(nn.Flatten(), nn.Linear(64, 5))
n_images, grad_steps, skip = 4, 3, 1
target_indices = 2
other_indices = [cur_idx != target_indices for cur_idx, _ in enumerate(range(5))]
noise = get_noise(n_images, generator_input_dim).requires_grad_()
original_classifications = classifier(gen(noise)).detach()
fake_image_history = []
for i in range(grad_steps):
    opt.zero_grad()
    fake = gen(noise)
    fake_image_history += [fake]
    fake_score = get_score(classifier(fake), original_classifications, target_indices, other_indices,
                           penalty_weight=0.1)
    fake_score.backward()
    noise.data = calculate_updated_noise(noise, 1 / grad_steps)
    print(f"step {i}: score {fake_score.item():.5f}", noise.grad.shape, noise.is_leaf, other_indices)
print(len(fake_image_history), torch.cat(fake_image_history[::skip], dim=2).shape)
print(get_score(torch.ones(4, 3), torch.zeros(4, 3), [0], [1, 2], 0.2))
