import tinygrad_rnn as torch
from types import SimpleNamespace
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data

# UvA Deep Learning course, tutorial 5 (Inception, ResNet and DenseNet), shrunk: the data statistics
# computed with numpy, the three blocks and networks with act_fn_by_name and their _init_params
# (kaiming_normal_ with mode="fan_out", constant_), a short training loop in place of Lightning with
# MultiStepLR, and the parameter counts the notebook compares. 24 random 8x8 images stand in for CIFAR10: one
# batch of 16 an epoch (drop_last), 3 epochs (the notebook 180 epochs of batches of 128).
torch.manual_seed(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
rng = np.random.default_rng(0)
train_images = rng.integers(0, 256, size=(24, 8, 8, 3), dtype=np.uint8)  # as CIFAR10's dataset.data (N, H, W, C)
train_labels = np.arange(24) % 10
DATA_MEANS = (train_images / 255.0).mean(axis=(0, 1, 2))
DATA_STD = (train_images / 255.0).std(axis=(0, 1, 2))
print("Data mean", DATA_MEANS)
print("Data std", DATA_STD)
x = torch.from_numpy(train_images).permute(0, 3, 1, 2).float() / 255.0
x = (x - torch.tensor(DATA_MEANS).view(1, 3, 1, 1)) / torch.tensor(DATA_STD).view(1, 3, 1, 1)
print(x.dtype, x.shape, x.mean(dim=[0, 2, 3]), x.std(dim=[0, 2, 3]))
x = x.float()
y = torch.from_numpy(train_labels)
train_set = data.TensorDataset(x, y)
train_loader = data.DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True)
imgs, _ = next(iter(train_loader))
print("Batch mean", imgs.mean(dim=[0, 2, 3]))
print("Batch std", imgs.std(dim=[0, 2, 3]))

act_fn_by_name = {"tanh": nn.Tanh, "relu": nn.ReLU, "leakyrelu": nn.LeakyReLU, "gelu": nn.GELU}


class InceptionBlock(nn.Module):
    def __init__(self, c_in, c_red: dict, c_out: dict, act_fn):
        super().__init__()
        self.conv_1x1 = nn.Sequential(nn.Conv2d(c_in, c_out["1x1"], kernel_size=1), nn.BatchNorm2d(c_out["1x1"]),
                                      act_fn())
        self.conv_3x3 = nn.Sequential(
            nn.Conv2d(c_in, c_red["3x3"], kernel_size=1), nn.BatchNorm2d(c_red["3x3"]), act_fn(),
            nn.Conv2d(c_red["3x3"], c_out["3x3"], kernel_size=3, padding=1), nn.BatchNorm2d(c_out["3x3"]), act_fn())
        self.conv_5x5 = nn.Sequential(
            nn.Conv2d(c_in, c_red["5x5"], kernel_size=1), nn.BatchNorm2d(c_red["5x5"]), act_fn(),
            nn.Conv2d(c_red["5x5"], c_out["5x5"], kernel_size=5, padding=2), nn.BatchNorm2d(c_out["5x5"]), act_fn())
        self.max_pool = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, padding=1, stride=1),
            nn.Conv2d(c_in, c_out["max"], kernel_size=1), nn.BatchNorm2d(c_out["max"]), act_fn())

    def forward(self, x):
        x_1x1 = self.conv_1x1(x)
        x_3x3 = self.conv_3x3(x)
        x_5x5 = self.conv_5x5(x)
        x_max = self.max_pool(x)
        x_out = torch.cat([x_1x1, x_3x3, x_5x5, x_max], dim=1)
        return x_out


class GoogleNet(nn.Module):
    def __init__(self, num_classes=10, act_fn_name="relu", **kwargs):
        super().__init__()
        self.hparams = SimpleNamespace(num_classes=num_classes, act_fn_name=act_fn_name,
                                       act_fn=act_fn_by_name[act_fn_name])
        self._create_network()
        self._init_params()

    def _create_network(self):
        self.input_net = nn.Sequential(nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8),
                                       self.hparams.act_fn())
        self.inception_blocks = nn.Sequential(
            InceptionBlock(8, c_red={"3x3": 4, "5x5": 2}, c_out={"1x1": 2, "3x3": 4, "5x5": 2, "max": 2},
                           act_fn=self.hparams.act_fn),
            nn.MaxPool2d(3, stride=2, padding=1),
            InceptionBlock(10, c_red={"3x3": 4, "5x5": 2}, c_out={"1x1": 4, "3x3": 4, "5x5": 2, "max": 2},
                           act_fn=self.hparams.act_fn),
        )
        self.output_net = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                        nn.Linear(12, self.hparams.num_classes))

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.inception_blocks(x)
        x = self.output_net(x)
        return x


class ResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out), act_fn(),
            nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(c_out))
        self.downsample = nn.Conv2d(c_in, c_out, kernel_size=1, stride=2) if subsample else None
        self.act_fn = act_fn()

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        out = z + x
        out = self.act_fn(out)
        return out


class PreActResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.BatchNorm2d(c_in), act_fn(),
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out), act_fn(),
            nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False))
        self.downsample = nn.Sequential(nn.BatchNorm2d(c_in), act_fn(),
                                        nn.Conv2d(c_in, c_out, kernel_size=1, stride=2, bias=False)) \
            if subsample else None

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        return z + x


resnet_blocks_by_name = {"ResNetBlock": ResNetBlock, "PreActResNetBlock": PreActResNetBlock}


class ResNet(nn.Module):
    def __init__(self, num_classes=10, num_blocks=(1, 1), c_hidden=(4, 8), act_fn_name="relu",
                 block_name="ResNetBlock", **kwargs):
        super().__init__()
        assert block_name in resnet_blocks_by_name
        self.hparams = SimpleNamespace(num_classes=num_classes, c_hidden=c_hidden, num_blocks=num_blocks,
                                       act_fn_name=act_fn_name, act_fn=act_fn_by_name[act_fn_name],
                                       block_class=resnet_blocks_by_name[block_name])
        self._create_network()
        self._init_params()

    def _create_network(self):
        c_hidden = self.hparams.c_hidden
        if self.hparams.block_class == PreActResNetBlock:
            self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False))
        else:
            self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False),
                                           nn.BatchNorm2d(c_hidden[0]), self.hparams.act_fn())
        blocks = []
        for block_idx, block_count in enumerate(self.hparams.num_blocks):
            for bc in range(block_count):
                subsample = bc == 0 and block_idx > 0
                blocks.append(self.hparams.block_class(
                    c_in=c_hidden[block_idx if not subsample else (block_idx - 1)], act_fn=self.hparams.act_fn,
                    subsample=subsample, c_out=c_hidden[block_idx]))
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                        nn.Linear(c_hidden[-1], self.hparams.num_classes))

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.blocks(x)
        x = self.output_net(x)
        return x


class DenseLayer(nn.Module):
    def __init__(self, c_in, bn_size, growth_rate, act_fn):
        super().__init__()
        self.net = nn.Sequential(
            nn.BatchNorm2d(c_in), act_fn(),
            nn.Conv2d(c_in, bn_size * growth_rate, kernel_size=1, bias=False),
            nn.BatchNorm2d(bn_size * growth_rate), act_fn(),
            nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False))

    def forward(self, x):
        out = self.net(x)
        out = torch.cat([out, x], dim=1)
        return out


class DenseBlock(nn.Module):
    def __init__(self, c_in, num_layers, bn_size, growth_rate, act_fn):
        super().__init__()
        layers = []
        for layer_idx in range(num_layers):
            layers.append(DenseLayer(c_in=c_in + layer_idx * growth_rate, bn_size=bn_size, growth_rate=growth_rate,
                                     act_fn=act_fn))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return self.block(x)


class TransitionLayer(nn.Module):
    def __init__(self, c_in, c_out, act_fn):
        super().__init__()
        self.transition = nn.Sequential(nn.BatchNorm2d(c_in), act_fn(),
                                        nn.Conv2d(c_in, c_out, kernel_size=1, bias=False),
                                        nn.AvgPool2d(kernel_size=2, stride=2))

    def forward(self, x):
        return self.transition(x)


class DenseNet(nn.Module):
    def __init__(self, num_classes=10, num_layers=(2, 2), bn_size=2, growth_rate=4, act_fn_name="relu", **kwargs):
        super().__init__()
        self.hparams = SimpleNamespace(num_classes=num_classes, num_layers=num_layers, bn_size=bn_size,
                                       growth_rate=growth_rate, act_fn_name=act_fn_name,
                                       act_fn=act_fn_by_name[act_fn_name])
        self._create_network()
        self._init_params()

    def _create_network(self):
        c_hidden = self.hparams.growth_rate * self.hparams.bn_size
        self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden, kernel_size=3, padding=1))
        blocks = []
        for block_idx, num_layers in enumerate(self.hparams.num_layers):
            blocks.append(DenseBlock(c_in=c_hidden, num_layers=num_layers, bn_size=self.hparams.bn_size,
                                     growth_rate=self.hparams.growth_rate, act_fn=self.hparams.act_fn))
            c_hidden = c_hidden + num_layers * self.hparams.growth_rate
            if block_idx < len(self.hparams.num_layers) - 1:
                blocks.append(TransitionLayer(c_in=c_hidden, c_out=c_hidden // 2, act_fn=self.hparams.act_fn))
                c_hidden = c_hidden // 2
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(nn.BatchNorm2d(c_hidden), self.hparams.act_fn(),
                                        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                                        nn.Linear(c_hidden, self.hparams.num_classes))

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.blocks(x)
        x = self.output_net(x)
        return x


model_dict = {"GoogleNet": GoogleNet, "ResNet": ResNet, "DenseNet": DenseNet}


def create_model(model_name, model_hparams):
    if model_name in model_dict:
        return model_dict[model_name](**model_hparams)
    raise AssertionError(f'Unknown model name "{model_name}". Available models are: {str(model_dict.keys())}')


def train_model(model_name, optimizer_name, optimizer_hparams, epochs=3, **model_hparams):
    torch.manual_seed(42)
    model = create_model(model_name, model_hparams)
    if optimizer_name == "Adam":
        optimizer = optim.AdamW(model.parameters(), **optimizer_hparams)
    elif optimizer_name == "SGD":
        optimizer = optim.SGD(model.parameters(), **optimizer_hparams)
    scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 3], gamma=0.1)
    loss_module = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        for imgs, labels in train_loader:
            preds = model(imgs)
            loss = loss_module(preds, labels)
            acc = (preds.argmax(dim=-1) == labels).float().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        print(f"{model_name} epoch {epoch}: loss {loss.item():.4f} acc {acc.item():.4f} lr {scheduler.get_last_lr()}")
    model.eval()
    with torch.no_grad():
        preds = model(x[:16])
        test_acc = (preds.argmax(dim=-1) == y[:16]).float().mean()
    num_params = sum(np.prod(p.shape) for p in model.parameters())
    print(f"{model_name}: test acc {100.0 * test_acc:4.2f}%, {num_params:,} parameters", type(num_params).__name__)
    return model


googlenet = train_model("GoogleNet", "Adam", {"lr": 1e-3, "weight_decay": 1e-4}, act_fn_name="relu", num_classes=10)
print(googlenet.inception_blocks[0].conv_1x1[0].weight.std(), googlenet.inception_blocks[0].conv_1x1[1].running_var)
resnet = train_model("ResNet", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4}, num_classes=10,
                     c_hidden=(4, 8), num_blocks=(1, 1), act_fn_name="relu")
preact = train_model("ResNet", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4}, num_classes=10,
                     c_hidden=(4, 8), num_blocks=(1, 1), act_fn_name="relu", block_name="PreActResNetBlock")
densenet = train_model("DenseNet", "Adam", {"lr": 1e-3, "weight_decay": 1e-4}, num_classes=10, num_layers=(2, 2),
                       bn_size=2, growth_rate=4, act_fn_name="relu")
print(resnet.blocks[1].downsample, preact.blocks[1].downsample)
print(densenet.blocks)
for name, m in [("GoogleNet", googlenet), ("ResNet", resnet), ("PreActResNet", preact), ("DenseNet", densenet)]:
    print(f"{name:<14} {sum(p.numel() for p in m.parameters()):>6}", m(x[:2]).shape)
try:
    create_model("VGG", {})
except AssertionError as e:
    print("AssertionError:", e)
