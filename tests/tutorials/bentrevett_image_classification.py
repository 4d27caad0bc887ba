import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data
import copy
import random
from collections import namedtuple
import numpy as np

# Ben Trevett's pytorch-image-classification, shrunk onto generated 1x12x12 "digits": an MLP with
# random_split and a deep-copied validation set, LeNet (F.max_pool2d, view(x.shape[0], -1)), a tiny
# VGG-style net (ReLU(inplace=True) after MaxPool2d, AdaptiveAvgPool2d), a ResNet-style basic block with a
# namedtuple config, kaiming/xavier init, top-k accuracy, discriminative learning rates with OneCycleLR.
SEED = 1234
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
torch.backends.cudnn.deterministic = True

N, C = 48, 4
labels = torch.arange(N) % C
images = torch.randn(N, 1, 12, 12) * 0.3
for i in range(N):  # each class lights up its own quadrant
    r, c = divmod(int(labels[i]), 2)
    images[i, 0, r * 6:(r + 1) * 6, c * 6:(c + 1) * 6] += 1.0
mean, std = images.mean(), images.std()
print(f'Calculated mean: {mean:.4f}', f'Calculated std: {std:.4f}')
images = (images - mean) / std
dataset = data.TensorDataset(images, labels)
VALID_RATIO = 0.75
n_train_examples = int(len(dataset) * VALID_RATIO)
n_valid_examples = len(dataset) - n_train_examples
train_data, valid_data = data.random_split(dataset, [n_train_examples, n_valid_examples])
valid_data = copy.deepcopy(valid_data)
print(f'Number of training examples: {len(train_data)}')
print(f'Number of validation examples: {len(valid_data)}', valid_data.indices[:5])
BATCH_SIZE = 12
train_iterator = data.DataLoader(train_data, shuffle=True, batch_size=BATCH_SIZE)
valid_iterator = data.DataLoader(valid_data, batch_size=BATCH_SIZE)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class MLP(nn.Module):
    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.input_fc = nn.Linear(input_dim, 32)
        self.hidden_fc = nn.Linear(32, 16)
        self.output_fc = nn.Linear(16, output_dim)

    def forward(self, x):
        batch_size = x.shape[0]
        x = x.view(batch_size, -1)
        h_1 = F.relu(self.input_fc(x))
        h_2 = F.relu(self.hidden_fc(h_1))
        y_pred = self.output_fc(h_2)
        return y_pred, h_2


class LeNet(nn.Module):
    def __init__(self, output_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=3, kernel_size=3)
        self.conv2 = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=3)
        self.fc_1 = nn.Linear(6 * 1 * 1, 12)
        self.fc_2 = nn.Linear(12, output_dim)

    def forward(self, x):
        x = self.conv1(x)
        x = F.max_pool2d(x, kernel_size=2)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.max_pool2d(x, kernel_size=3)
        x = F.relu(x)
        x = x.view(x.shape[0], -1)
        h = x
        x = F.relu(self.fc_1(x))
        return self.fc_2(x), h


class TinyVGG(nn.Module):
    def __init__(self, features, output_dim):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(2)
        self.classifier = nn.Sequential(nn.Linear(8 * 2 * 2, 16), nn.ReLU(inplace=True), nn.Dropout(0.5),
                                        nn.Linear(16, output_dim))

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        h = x.view(x.shape[0], -1)
        x = self.classifier(h)
        return x, h


def get_vgg_layers(config, batch_norm):
    layers = []
    in_channels = 1
    for c in config:
        assert c == 'M' or isinstance(c, int)
        if c == 'M':
            layers += [nn.MaxPool2d(kernel_size=2), nn.ReLU(inplace=True)]
        else:
            conv2d = nn.Conv2d(in_channels, c, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(c)]
            else:
                layers += [conv2d]
            in_channels = c
    return nn.Sequential(*layers)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1, downsample=False):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        if downsample:
            conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
            bn = nn.BatchNorm2d(out_channels)
            downsample = nn.Sequential(conv, bn)
        else:
            downsample = None
        self.downsample = downsample

    def forward(self, x):
        i = x
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.conv2(x)
        x = self.bn2(x)
        if self.downsample is not None:
            i = self.downsample(i)
        x += i
        x = self.relu(x)
        return x


ResNetConfig = namedtuple('ResNetConfig', ['block', 'n_blocks', 'channels'])


class ResNet(nn.Module):
    def __init__(self, config, output_dim):
        super().__init__()
        block, n_blocks, channels = config
        self.in_channels = channels[0]
        assert len(n_blocks) == len(channels) == 2
        self.conv1 = nn.Conv2d(1, self.in_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(self.in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self.get_resnet_layer(block, n_blocks[0], channels[0])
        self.layer2 = self.get_resnet_layer(block, n_blocks[1], channels[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(self.in_channels, output_dim)

    def get_resnet_layer(self, block, n_blocks, channels, stride=1):
        layers = []
        downsample = self.in_channels != block.expansion * channels
        layers.append(block(self.in_channels, channels, stride, downsample))
        for i in range(1, n_blocks):
            layers.append(block(block.expansion * channels, channels))
        self.in_channels = block.expansion * channels
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)
        x = self.maxpool(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.avgpool(x)
        h = x.view(x.shape[0], -1)
        x = self.fc(h)
        return x, h


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def initialize_parameters(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight.data, nonlinearity='relu')
        if m.bias is not None:
            nn.init.constant_(m.bias.data, 0)
    elif isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight.data, gain=nn.init.calculate_gain('relu'))
        nn.init.constant_(m.bias.data, 0)


def calculate_accuracy(y_pred, y):
    top_pred = y_pred.argmax(1, keepdim=True)
    correct = top_pred.eq(y.view_as(top_pred)).sum()
    acc = correct.float() / y.shape[0]
    return acc


def calculate_topk_accuracy(y_pred, y, k=2):
    with torch.no_grad():
        batch_size = y.shape[0]
        _, top_pred = y_pred.topk(k, 1)
        top_pred = top_pred.t()
        correct = top_pred.eq(y.view(1, -1).expand_as(top_pred))
        correct_1 = correct[:1].reshape(-1).float().sum(0, keepdim=True)
        correct_k = correct[:k].reshape(-1).float().sum(0, keepdim=True)
        acc_1 = correct_1 / batch_size
        acc_k = correct_k / batch_size
    return acc_1, acc_k


def train(model, iterator, optimizer, criterion, device, scheduler=None):
    epoch_loss = 0
    epoch_acc_1 = 0
    epoch_acc_2 = 0
    model.train()
    for (x, y) in iterator:
        x = x.to(device)
        y = y.to(device)
        optimizer.zero_grad()
        y_pred, _ = model(x)
        loss = criterion(y_pred, y)
        acc_1, acc_2 = calculate_topk_accuracy(y_pred, y)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        epoch_loss += loss.item()
        epoch_acc_1 += acc_1.item()
        epoch_acc_2 += acc_2.item()
    n = len(iterator)
    return epoch_loss / n, epoch_acc_1 / n, epoch_acc_2 / n


def evaluate(model, iterator, criterion, device):
    epoch_loss = 0
    epoch_acc = 0
    model.eval()
    with torch.no_grad():
        for (x, y) in iterator:
            y_pred, _ = model(x.to(device))
            loss = criterion(y_pred, y.to(device))
            acc = calculate_accuracy(y_pred, y)
            epoch_loss += loss.item()
            epoch_acc += acc.item()
    return epoch_loss / len(iterator), epoch_acc / len(iterator)


criterion = nn.CrossEntropyLoss().to(device)
resnet_config = ResNetConfig(block=BasicBlock, n_blocks=[1, 1], channels=[4, 8])
for name, model in [('mlp', MLP(144, C)), ('lenet', LeNet(C)),
                    # (no batch norm: a conv bias before it gets a gradient of rounding noise only, which Adam
                    # turns into full-size steps of either sign, so the two frameworks part ways there)
                    ('vgg', TinyVGG(get_vgg_layers([4, 'M', 8, 'M'], batch_norm=False), C)),
                    ('resnet', ResNet(resnet_config, C))]:
    model.apply(initialize_parameters)
    print(f'{name}: the model has {count_parameters(model):,} trainable parameters')
    model = model.to(device)
    if name == 'resnet':
        FOUND_LR = 1e-2
        params = [{'params': model.conv1.parameters(), 'lr': FOUND_LR / 10},
                  {'params': model.bn1.parameters(), 'lr': FOUND_LR / 10},
                  {'params': model.layer1.parameters(), 'lr': FOUND_LR / 8},
                  {'params': model.layer2.parameters(), 'lr': FOUND_LR / 4},
                  {'params': model.fc.parameters()}]
        optimizer = optim.Adam(params, lr=FOUND_LR)
        EPOCHS = 3
        STEPS_PER_EPOCH = len(train_iterator)
        TOTAL_STEPS = EPOCHS * STEPS_PER_EPOCH
        MAX_LRS = [p['lr'] for p in optimizer.param_groups]
        scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=MAX_LRS, total_steps=TOTAL_STEPS)
        print([round(g['lr'], 6) for g in optimizer.param_groups])
    else:
        optimizer = optim.Adam(model.parameters())
        scheduler = None
        EPOCHS = 3
    best_valid_loss = float('inf')
    for epoch in range(EPOCHS):
        train_loss, train_acc_1, train_acc_2 = train(model, train_iterator, optimizer, criterion, device, scheduler)
        valid_loss, valid_acc = evaluate(model, valid_iterator, criterion, device)
        if valid_loss < best_valid_loss:
            best_valid_loss = valid_loss
            best_state = copy.deepcopy(model.state_dict())
        print(f'Epoch: {epoch+1:02} | Train Loss: {train_loss:.3f} | Train Acc @1: {train_acc_1*100:6.2f}% | '
              f'Train Acc @2: {train_acc_2*100:6.2f}% | Val. Loss: {valid_loss:.3f} | Val. Acc: {valid_acc*100:.2f}%')
    model.load_state_dict(best_state)
    if scheduler is not None:
        print([round(g['lr'], 8) for g in optimizer.param_groups], scheduler.get_last_lr()[-1])


def get_predictions(model, iterator, device):
    model.eval()
    images, labels, probs = [], [], []
    with torch.no_grad():
        for (x, y) in iterator:
            y_pred, _ = model(x.to(device))
            y_prob = F.softmax(y_pred, dim=-1)
            images.append(x.cpu())
            labels.append(y.cpu())
            probs.append(y_prob.cpu())
    images = torch.cat(images, dim=0)
    labels = torch.cat(labels, dim=0)
    probs = torch.cat(probs, dim=0)
    return images, labels, probs


images, labels, probs = get_predictions(model, valid_iterator, device)
pred_labels = torch.argmax(probs, 1)
corrects = torch.eq(labels, pred_labels)
incorrect_examples = []
for image, label, prob, correct in zip(images, labels, probs, corrects):
    if not correct:
        incorrect_examples.append((image, label, prob))
incorrect_examples.sort(reverse=True, key=lambda x: torch.max(x[2], dim=0).values)
print(images.shape, pred_labels, corrects.sum(), len(incorrect_examples))
print(model.bn1.running_mean, model.bn1.num_batches_tracked, model.layer2[0].downsample)
x = torch.randn(2, 1, 12, 12, requires_grad=True)
h = nn.ReLU(inplace=True)(F.max_pool2d(x, 2))
print(h.grad_fn, h.grad_fn.next_functions[0][0].name(), h.shape)
h.sum().backward()
print(x.grad.sum(), (x.grad != 0).sum())
