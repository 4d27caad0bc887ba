import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data

# UvA Deep Learning course, tutorial 9 (deep autoencoders), shrunk to 8x8 made-up images: the Encoder
# (strided convs, GELU, Flatten, Linear) and Decoder (Linear, reshape, ConvTranspose2d with
# output_padding, Tanh), the per-image summed MSE loss, random_split with a seeded generator, a
# ReduceLROnPlateau scheduler, comparing images by MSE, and finding similar images with torch.cdist.
torch.manual_seed(42)
np.random.seed(42)
g = torch.Generator().manual_seed(1)
grid = torch.linspace(-1, 1, 8)
yy, xx = torch.meshgrid(grid, grid, indexing="ij")
centres = torch.rand(40, 2, generator=g) * 1.2 - 0.6
blobs = torch.exp(-((xx - centres[:, 0, None, None]) ** 2 + (yy - centres[:, 1, None, None]) ** 2) / 0.1)
colours = torch.rand(40, 3, 1, 1, generator=g)
images = (blobs[:, None] * colours) * 2 - 1  # Normalize((0.5,), (0.5,)) puts pixels in [-1, 1]
print(images.shape, images.min(), images.max())
labels = torch.arange(40) % 4
dataset = data.TensorDataset(images, labels)
train_set, val_set = data.random_split(dataset, [32, 8], generator=torch.Generator().manual_seed(42))
print(len(train_set), len(val_set), val_set.indices if hasattr(val_set, "indices") else None)


def get_train_images(num):
    return torch.stack([train_set[i][0] for i in range(num)], dim=0)


class Encoder(nn.Module):
    def __init__(self, num_input_channels: int, base_channel_size: int, latent_dim: int, act_fn=nn.GELU):
        super().__init__()
        c_hid = base_channel_size
        self.net = nn.Sequential(
            nn.Conv2d(num_input_channels, c_hid, kernel_size=3, padding=1, stride=2),  # 8x8 => 4x4
            act_fn(),
            nn.Conv2d(c_hid, c_hid, kernel_size=3, padding=1),
            act_fn(),
            nn.Conv2d(c_hid, 2 * c_hid, kernel_size=3, padding=1, stride=2),  # 4x4 => 2x2
            act_fn(),
            nn.Flatten(),
            nn.Linear(2 * 2 * 2 * c_hid, latent_dim),
        )

    def forward(self, x):
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self, num_input_channels: int, base_channel_size: int, latent_dim: int, act_fn=nn.GELU):
        super().__init__()
        c_hid = base_channel_size
        self.linear = nn.Sequential(nn.Linear(latent_dim, 2 * 2 * 2 * c_hid), act_fn())
        self.net = nn.Sequential(
            nn.ConvTranspose2d(2 * c_hid, c_hid, kernel_size=3, output_padding=1, padding=1, stride=2),  # 2 => 4
            act_fn(),
            nn.Conv2d(c_hid, c_hid, kernel_size=3, padding=1),
            act_fn(),
            nn.ConvTranspose2d(c_hid, num_input_channels, kernel_size=3, output_padding=1, padding=1, stride=2),
            nn.Tanh(),
        )

    def forward(self, x):
        x = self.linear(x)
        x = x.reshape(x.shape[0], -1, 2, 2)
        x = self.net(x)
        return x


class Autoencoder(nn.Module):
    def __init__(self, base_channel_size: int, latent_dim: int, encoder_class=Encoder, decoder_class=Decoder,
                 num_input_channels: int = 3, width: int = 8, height: int = 8):
        super().__init__()
        self.encoder = encoder_class(num_input_channels, base_channel_size, latent_dim)
        self.decoder = decoder_class(num_input_channels, base_channel_size, latent_dim)
        self.example_input_array = torch.zeros(2, num_input_channels, width, height)

    def forward(self, x):
        z = self.encoder(x)
        x_hat = self.decoder(z)
        return x_hat

    def _get_reconstruction_loss(self, batch):
        x, _ = batch
        x_hat = self.forward(x)
        loss = F.mse_loss(x, x_hat, reduction="none")
        loss = loss.sum(dim=[1, 2, 3]).mean(dim=[0])
        return loss

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=1e-3)
        scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.2, patience=1, min_lr=5e-5)
        return optimizer, scheduler


def compare_imgs(img1, img2, title_prefix=""):
    loss = F.mse_loss(img1, img2, reduction="sum")
    imgs = torch.stack([img1, img2], dim=0)
    print(f"{title_prefix}Loss: {loss.item():4.2f}", imgs.shape)


for i in range(2):
    img, _ = train_set[i]
    compare_imgs(img, img.roll(shifts=1, dims=2), "Shifted -")
    img_mask = img.clone()
    img_mask[:, :4, :] = 0
    compare_imgs(img, img_mask, "Masked -")
    compare_imgs(img, torch.flip(img, dims=[1]), "Flipped -")


def train_ae(latent_dim, epochs=4):
    torch.manual_seed(42)
    model = Autoencoder(base_channel_size=4, latent_dim=latent_dim)
    optimizer, scheduler = model.configure_optimizers()
    train_loader = data.DataLoader(train_set, batch_size=8, shuffle=True, drop_last=True)
    for epoch in range(epochs):
        model.train()
        for batch in train_loader:
            loss = model._get_reconstruction_loss(batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = model._get_reconstruction_loss((torch.stack([v[0] for v in val_set]), None))
        scheduler.step(val_loss)
        print(f"latent {latent_dim} epoch {epoch}: train {loss.item():.4f} val {val_loss.item():.4f} "
              f"lr {optimizer.param_groups[0]['lr']:.2e}")
    return model


model_dict = {}
for latent_dim in [4, 16]:
    model_ld = train_ae(latent_dim)
    model_dict[latent_dim] = {"model": model_ld, "result": {"val": model_ld._get_reconstruction_loss(
        (get_train_images(8), None)).item()}}
latent_dims = sorted(k for k in model_dict)
val_scores = [model_dict[k]["result"]["val"] for k in latent_dims]
print(latent_dims, [round(v, 3) for v in val_scores])
model = model_dict[16]["model"]
print(model.decoder.net[0], model.decoder.net[0].weight.shape, model.decoder.net[0].output_padding)
print(model(model.example_input_array).shape)

input_imgs = get_train_images(4)
model.eval()
with torch.no_grad():
    reconst_imgs = model(input_imgs.to(model.encoder.net[0].weight.device))
reconst_imgs = reconst_imgs.cpu()
imgs = torch.stack([input_imgs, reconst_imgs], dim=1).flatten(0, 1)
print(imgs.shape, imgs[1, 0, 0])

# out-of-distribution inputs
rand_imgs = torch.rand(2, 3, 8, 8) * 2 - 1
with torch.no_grad():
    print(model(rand_imgs).mean(), model(torch.zeros(2, 3, 8, 8))[0, 0, 0])


def embed_imgs(model, data_loader):
    img_list, embed_list = [], []
    model.eval()
    for imgs, _ in data_loader:
        with torch.no_grad():
            z = model.encoder(imgs.to(model.encoder.net[0].weight.device))
        img_list.append(imgs)
        embed_list.append(z)
    return (torch.cat(img_list, dim=0), torch.cat(embed_list, dim=0))


train_img_embeds = embed_imgs(model, data.DataLoader(train_set, batch_size=8, shuffle=False))
test_img_embeds = embed_imgs(model, data.DataLoader(val_set, batch_size=8, shuffle=False))
print(train_img_embeds[1].shape, test_img_embeds[1][0])


def find_similar_images(query_img, query_z, key_embeds, K=4):
    dist = torch.cdist(query_z[None, :], key_embeds[1], p=2.0)
    dist = dist.squeeze(dim=0)
    dist, indices = torch.sort(dist)
    imgs_to_display = torch.cat([query_img[None], key_embeds[0][indices[:K]]], dim=0)
    print(imgs_to_display.shape, indices[:K], dist[:K])


for i in range(2):
    find_similar_images(test_img_embeds[0][i], test_img_embeds[1][i], key_embeds=train_img_embeds)
print(torch.cdist(test_img_embeds[1][:2], train_img_embeds[1][:3]))
print(torch.cdist(test_img_embeds[1][:2].double(), train_img_embeds[1][:3].double(), p=1))
