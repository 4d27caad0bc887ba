import tinygrad_rnn as torch
import math
nn = torch.nn

# Real Python's "Generative Adversarial Networks: Build Your First Models": a GAN that learns points on a
# sine curve, with a list-of-tuples training set, a shuffled DataLoader, BCELoss and two Adam optimizers.
torch.manual_seed(111)

train_data_length = 256
train_data = torch.zeros((train_data_length, 2))
train_data[:, 0] = 2 * math.pi * torch.rand(train_data_length)
train_data[:, 1] = torch.sin(train_data[:, 0])
train_labels = torch.zeros(train_data_length)
train_set = [(train_data[i], train_labels[i]) for i in range(train_data_length)]
print(train_set[0])
print(train_data.min(dim=0), train_data.max(dim=0).values)

batch_size = 32
train_loader = torch.utils.data.DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True,
                                           generator=torch.Generator().manual_seed(0))
first_samples, first_labels = next(iter(train_loader))
print(len(train_loader), first_samples.shape, first_labels.shape, first_labels.dtype)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(2, 64),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(64, 32),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(32, 16),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(16, 1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        output = self.model(x)
        return output


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(2, 16),
            nn.ReLU(),
            nn.Linear(16, 32),
            nn.ReLU(),
            nn.Linear(32, 2),
        )

    def forward(self, x):
        output = self.model(x)
        return output


discriminator = Discriminator()
generator = Generator()
print(discriminator)
print(generator)

lr = 0.001
num_epochs = 5  # the article's 300
loss_function = nn.BCELoss()
optimizer_discriminator = torch.optim.Adam(discriminator.parameters(), lr=lr)
optimizer_generator = torch.optim.Adam(generator.parameters(), lr=lr)

for epoch in range(num_epochs):
    for n, (real_samples, _) in enumerate(train_loader):
        # Data for training the discriminator
        real_samples_labels = torch.ones((batch_size, 1))
        latent_space_samples = torch.randn((batch_size, 2))
        generated_samples = generator(latent_space_samples)
        generated_samples_labels = torch.zeros((batch_size, 1))
        all_samples = torch.cat((real_samples, generated_samples))
        all_samples_labels = torch.cat((real_samples_labels, generated_samples_labels))

        # Training the discriminator
        discriminator.zero_grad()
        output_discriminator = discriminator(all_samples)
        loss_discriminator = loss_function(output_discriminator, all_samples_labels)
        loss_discriminator.backward()
        optimizer_discriminator.step()

        # Data for training the generator
        latent_space_samples = torch.randn((batch_size, 2))

        # Training the generator
        generator.zero_grad()
        generated_samples = generator(latent_space_samples)
        output_discriminator_generated = discriminator(generated_samples)
        loss_generator = loss_function(output_discriminator_generated, real_samples_labels)
        loss_generator.backward()
        optimizer_generator.step()

        # Show loss
        if epoch % 2 == 0 and n == len(train_loader) - 1:
            print(f"Epoch: {epoch} Loss D.: {loss_discriminator}")
            print(f"Epoch: {epoch} Loss G.: {loss_generator}")

latent_space_samples = torch.randn(100, 2)
generated_samples = generator(latent_space_samples)
print(generated_samples.requires_grad, generated_samples.grad_fn)
generated_samples = generated_samples.detach()
print(generated_samples[:3])
err = (torch.sin(generated_samples[:, 0]) - generated_samples[:, 1]).abs().mean()
print(f"mean distance to the curve: {err.item():.4f}")
print(discriminator(generated_samples[:4]).detach().squeeze())
discriminator.eval()
print(discriminator(train_data[:4]).squeeze().tolist())
print(torch.histc(generated_samples[:, 0], bins=5, min=-1.0, max=7.0))
