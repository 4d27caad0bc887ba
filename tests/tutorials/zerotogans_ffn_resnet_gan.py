import tinygrad_rnn as torch
# Jovian's "Zero to GANs", lessons 4-6 on tiny generated images: a feedforward net behind a DeviceDataLoader,
# an ImageClassificationBase, a small ResNet9 trained with fit_one_cycle (OneCycleLR, clip_grad_value_,
# weight decay, Adam), normalisation stats and denormalize, and the DCGAN's discriminator/generator steps.
# Each fit runs 1-2 epochs (the lessons' 5-25) on a few dozen images.
import io
nn = torch.nn
F = torch.nn.functional
TensorDataset = torch.utils.data.TensorDataset
DataLoader = torch.utils.data.DataLoader
random_split = torch.utils.data.random_split

torch.manual_seed(43)


def get_default_device():
    """Pick GPU if available, else CPU"""
    if torch.cuda.is_available():
        return torch.device('cuda')
    else:
        return torch.device('cpu')


def to_device(data, device):
    """Move tensor(s) to chosen device"""
    if isinstance(data, (list, tuple)):
        return [to_device(x, device) for x in data]
    return data.to(device, non_blocking=True)


class DeviceDataLoader():
    """Wrap a dataloader to move data to a device"""
    def __init__(self, dl, device):
        self.dl = dl
        self.device = device

    def __iter__(self):
        for b in self.dl:
            yield to_device(b, self.device)

    def __len__(self):
        return len(self.dl)


device = get_default_device()
print(device, torch.cuda.is_available())

# ---------------------------------------------------------------- lesson 4: feedforward
n = 160
labels = torch.randint(0, 4, (n,))
images = torch.rand(n, 1, 12, 12) * 0.4
for i in range(n):
    images[i, 0, 3 * labels[i]:3 * labels[i] + 3] += 0.6
dataset = TensorDataset(images, labels)
val_size = 32
train_size = len(dataset) - val_size
train_ds, val_ds = random_split(dataset, [train_size, val_size])
print(len(train_ds), len(val_ds))
batch_size = 32
train_loader = DataLoader(train_ds, batch_size, shuffle=True, pin_memory=True)
val_loader = DataLoader(val_ds, batch_size * 2, pin_memory=True)
for images, labels in train_loader:
    print('images.shape:', images.shape, images.is_pinned())
    break


def accuracy(outputs, labels):
    _, preds = torch.max(outputs, dim=1)
    return torch.tensor(torch.sum(preds == labels).item() / len(preds))


class ImageClassificationBase(nn.Module):
    def training_step(self, batch):
        images, labels = batch
        out = self(images)
        loss = F.cross_entropy(out, labels)
        return loss

    def validation_step(self, batch):
        images, labels = batch
        out = self(images)
        loss = F.cross_entropy(out, labels)
        acc = accuracy(out, labels)
        return {'val_loss': loss.detach(), 'val_acc': acc}

    def validation_epoch_end(self, outputs):
        batch_losses = [x['val_loss'] for x in outputs]
        epoch_loss = torch.stack(batch_losses).mean()
        batch_accs = [x['val_acc'] for x in outputs]
        epoch_acc = torch.stack(batch_accs).mean()
        return {'val_loss': epoch_loss.item(), 'val_acc': epoch_acc.item()}

    def epoch_end(self, epoch, result):
        if 'lrs' in result:
            print("Epoch [{}], last_lr: {:.5f}, train_loss: {:.4f}, val_loss: {:.4f}, val_acc: {:.4f}".format(
                epoch, result['lrs'][-1], result['train_loss'], result['val_loss'], result['val_acc']))
        else:
            print("Epoch [{}], val_loss: {:.4f}, val_acc: {:.4f}".format(epoch, result['val_loss'], result['val_acc']))


class MnistModel(ImageClassificationBase):
    """Feedfoward neural network with 1 hidden layer"""
    def __init__(self, in_size, hidden_size, out_size):
        super().__init__()
        self.linear1 = nn.Linear(in_size, hidden_size)
        self.linear2 = nn.Linear(hidden_size, out_size)

    def forward(self, xb):
        xb = xb.view(xb.size(0), -1)
        out = self.linear1(xb)
        out = F.relu(out)
        out = self.linear2(out)
        return out


@torch.no_grad()
def evaluate(model, val_loader):
    model.eval()
    outputs = [model.validation_step(batch) for batch in val_loader]
    return model.validation_epoch_end(outputs)


def fit(epochs, lr, model, train_loader, val_loader, opt_func=torch.optim.SGD):
    history = []
    optimizer = opt_func(model.parameters(), lr)
    for epoch in range(epochs):
        model.train()
        for batch in train_loader:
            loss = model.training_step(batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        result = evaluate(model, val_loader)
        model.epoch_end(epoch, result)
        history.append(result)
    return history


train_loader = DeviceDataLoader(train_loader, device)
val_loader = DeviceDataLoader(val_loader, device)
print(len(train_loader), len(val_loader))
for xb, yb in val_loader:
    print('xb.device:', xb.device, 'yb:', yb[:8])
    break
model = MnistModel(144, hidden_size=32, out_size=4)
to_device(model, device)
for t in model.parameters():
    print(t.shape, t.device)
history = [evaluate(model, val_loader)]
print(history)
history += fit(2, 0.5, model, train_loader, val_loader)
history += fit(1, 0.1, model, train_loader, val_loader)
print(['%.4f' % x['val_loss'] for x in history])

# ---------------------------------------------------------------- lesson 5: ResNet9 with fit_one_cycle
n = 96
labels = torch.randint(0, 3, (n,))
images = torch.rand(n, 3, 8, 8)
for i in range(n):
    images[i, labels[i]] += 1.0
stats = tuple(images.mean(dim=(0, 2, 3)).tolist()), tuple(images.std(dim=(0, 2, 3)).tolist())
print(['%.4f' % s for s in stats[0]], ['%.4f' % s for s in stats[1]])
images = (images - torch.tensor(stats[0]).view(1, 3, 1, 1)) / torch.tensor(stats[1]).view(1, 3, 1, 1)


def denormalize(images, means, stds):
    means = torch.tensor(means).reshape(1, 3, 1, 1)
    stds = torch.tensor(stds).reshape(1, 3, 1, 1)
    return images * stds + means


print(denormalize(images[:2], *stats)[0, 0, 0], denormalize(images[:2], *stats).clamp(0, 1).shape)
train_ds = TensorDataset(images[:32], labels[:32])
valid_ds = TensorDataset(images[64:], labels[64:])
train_dl = DeviceDataLoader(DataLoader(train_ds, 16, shuffle=True), device)
valid_dl = DeviceDataLoader(DataLoader(valid_ds, 32), device)


def conv_block(in_channels, out_channels, pool=False):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
              nn.BatchNorm2d(out_channels),
              nn.ReLU(inplace=True)]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class ResNet9(ImageClassificationBase):
    def __init__(self, in_channels, num_classes):
        super().__init__()
        self.conv1 = conv_block(in_channels, 8)
        self.conv2 = conv_block(8, 16, pool=True)
        self.res1 = nn.Sequential(conv_block(16, 16), conv_block(16, 16))
        self.conv3 = conv_block(16, 16, pool=True)
        self.classifier = nn.Sequential(nn.MaxPool2d(2),
                                        nn.Flatten(),
                                        nn.Dropout(0.2),
                                        nn.Linear(16, num_classes))

    def forward(self, xb):
        out = self.conv1(xb)
        out = self.conv2(out)
        out = self.res1(out) + out
        out = self.conv3(out)
        out = self.classifier(out)
        return out


model = to_device(ResNet9(3, 3), device)
print(model.res1)
print(sum(p.numel() for p in model.parameters()), model.conv1[1].running_mean.shape)


def get_lr(optimizer):
    for param_group in optimizer.param_groups:
        return param_group['lr']


def fit_one_cycle(epochs, max_lr, model, train_loader, val_loader, weight_decay=0, grad_clip=None,
                  opt_func=torch.optim.SGD):
    torch.cuda.empty_cache()
    history = []
    optimizer = opt_func(model.parameters(), max_lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr, epochs=epochs, steps_per_epoch=len(train_loader))
    for epoch in range(epochs):
        model.train()
        train_losses = []
        lrs = []
        for batch in train_loader:
            loss = model.training_step(batch)
            train_losses.append(loss)
            loss.backward()
            if grad_clip:
                nn.utils.clip_grad_value_(model.parameters(), grad_clip)
            optimizer.step()
            optimizer.zero_grad()
            lrs.append(get_lr(optimizer))
            sched.step()
        result = evaluate(model, val_loader)
        result['train_loss'] = torch.stack(train_losses).mean().item()
        result['lrs'] = lrs
        model.epoch_end(epoch, result)
        history.append(result)
    return history


history = [evaluate(model, valid_dl)]
print(history)
history += fit_one_cycle(2, 0.01, model, train_dl, valid_dl, grad_clip=0.1, weight_decay=1e-4,
                         opt_func=torch.optim.Adam)
lrs = [x.get('lrs', []) for x in history]
print(['%.6f' % lr for lr in sum(lrs, [])])
print(model.conv1[1].running_mean[:4], model.conv1[1].num_batches_tracked)
print(model.classifier[3].weight.grad)


def predict_image(img, model):
    xb = to_device(img.unsqueeze(0), device)
    yb = model(xb)
    _, preds = torch.max(yb, dim=1)
    return preds[0].item()


img, label = valid_ds[0]
print('Label:', label.item(), ', Predicted:', predict_image(img, model))
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print(list(model.state_dict())[:7], len(model.state_dict()))

# ---------------------------------------------------------------- lesson 6: DCGAN steps
image_size = 16
batch_size = 8
latent_size = 16
real = torch.rand(16, 3, image_size, image_size) * 2 - 1
train_dl = DeviceDataLoader(DataLoader(TensorDataset(real, torch.zeros(16)), batch_size, shuffle=True,
                                       drop_last=True), device)
discriminator = nn.Sequential(
    nn.Conv2d(3, 8, kernel_size=4, stride=2, padding=1, bias=False),  # out: 8 x 8 x 8
    nn.BatchNorm2d(8),
    nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(8, 16, kernel_size=4, stride=2, padding=1, bias=False),  # out: 16 x 4 x 4
    nn.BatchNorm2d(16),
    nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(16, 1, kernel_size=4, stride=1, padding=0, bias=False),  # out: 1 x 1 x 1
    nn.Flatten(),
    nn.Sigmoid())
generator = nn.Sequential(
    nn.ConvTranspose2d(latent_size, 16, kernel_size=4, stride=1, padding=0, bias=False),  # out: 16 x 4 x 4
    nn.BatchNorm2d(16),
    nn.ReLU(True),
    nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1, bias=False),  # out: 8 x 8 x 8
    nn.BatchNorm2d(8),
    nn.ReLU(True),
    nn.ConvTranspose2d(8, 3, kernel_size=4, stride=2, padding=1, bias=False),  # out: 3 x 16 x 16
    nn.Tanh())
discriminator = to_device(discriminator, device)
generator = to_device(generator, device)
xb = torch.randn(batch_size, latent_size, 1, 1)
fake_images = generator(xb)
print(fake_images.shape, fake_images.grad_fn.name(), discriminator(fake_images).shape)


def denorm(img_tensors):
    return img_tensors * 0.5 + 0.5


print(denorm(fake_images)[0, 0, 0, :4])


def train_discriminator(real_images, opt_d):
    opt_d.zero_grad()
    real_preds = discriminator(real_images)
    real_targets = torch.ones(real_images.size(0), 1, device=device)
    real_loss = F.binary_cross_entropy(real_preds, real_targets)
    real_score = torch.mean(real_preds).item()
    latent = torch.randn(batch_size, latent_size, 1, 1, device=device)
    fake_images = generator(latent)
    fake_targets = torch.zeros(fake_images.size(0), 1, device=device)
    fake_preds = discriminator(fake_images)
    fake_loss = F.binary_cross_entropy(fake_preds, fake_targets)
    fake_score = torch.mean(fake_preds).item()
    loss = real_loss + fake_loss
    loss.backward()
    opt_d.step()
    return loss.item(), real_score, fake_score


def train_generator(opt_g):
    opt_g.zero_grad()
    latent = torch.randn(batch_size, latent_size, 1, 1, device=device)
    fake_images = generator(latent)
    preds = discriminator(fake_images)
    targets = torch.ones(batch_size, 1, device=device)
    loss = F.binary_cross_entropy(preds, targets)
    loss.backward()
    opt_g.step()
    return loss.item()


fixed_latent = torch.randn(4, latent_size, 1, 1, device=device)


def fit_gan(epochs, lr, start_idx=1):
    torch.cuda.empty_cache()
    losses_g, losses_d, real_scores, fake_scores = [], [], [], []
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999))
    for epoch in range(epochs):
        for real_images, _ in train_dl:
            loss_d, real_score, fake_score = train_discriminator(real_images, opt_d)
            loss_g = train_generator(opt_g)
        losses_g.append(loss_g)
        losses_d.append(loss_d)
        real_scores.append(real_score)
        fake_scores.append(fake_score)
        print("Epoch [{}/{}], loss_g: {:.4f}, loss_d: {:.4f}, real_score: {:.4f}, fake_score: {:.4f}".format(
            epoch + 1, epochs, loss_g, loss_d, real_score, fake_score))
        with torch.no_grad():
            fake = generator(fixed_latent)
        print('generated-images-{0:0=4d}.png'.format(epoch + start_idx), fake.shape, fake.requires_grad)
    return losses_g, losses_d, real_scores, fake_scores


history = fit_gan(2, 0.0002)
print(len(history), generator[1].running_var[:4])
