import tinygrad_rnn as torch
import math
from collections import OrderedDict
nn = torch.nn
F = torch.nn.functional
# deeplizard's "Neural Network Programming" later episodes: dataset normalization (mean and std the
# easy way and batch by batch), nn.Sequential three ways, and a network with BatchNorm compared with
# one without, on made-up 28x28 images.
torch.set_printoptions(linewidth=120)
print(torch.cuda.is_available(), torch.version.cuda, isinstance(torch.__version__, str))
torch.manual_seed(0)
images = torch.rand(60, 1, 28, 28) ** 2
targets = torch.arange(60) % 10
train_set = torch.utils.data.TensorDataset(images, targets)
loader = torch.utils.data.DataLoader(train_set, batch_size=len(train_set), num_workers=0)
data = next(iter(loader))
print(data[0].mean(), data[0].std(), data[0].shape)
loader = torch.utils.data.DataLoader(train_set, batch_size=16, num_workers=0)
num_of_pixels = len(train_set) * 28 * 28
total_sum = 0
for batch in loader:
    total_sum += batch[0].sum()
mean = total_sum / num_of_pixels
sum_of_squared_error = 0
for batch in loader:
    sum_of_squared_error += ((batch[0] - mean).pow(2)).sum()
std = torch.sqrt(sum_of_squared_error / num_of_pixels)
print(mean, std, type(total_sum).__name__, total_sum.dtype)
normalized = (images - mean) / std
print(normalized.mean(), normalized.std(), normalized.min(), normalized.max())
train_set_normal = torch.utils.data.TensorDataset(normalized, targets)
image, label = train_set_normal[0]
print(image.shape, image[0, 14, :6], label)
torch.set_printoptions(linewidth=80)
print(image[0, 14, :12])
torch.set_printoptions(precision=2)
print(image[0, 14, :6])
torch.set_printoptions(profile="default")
print(image[0, 14, :6])

# nn.Sequential three ways
in_features = 28 * 28
out_features = 10
torch.manual_seed(50)
network1 = nn.Sequential(
    nn.Flatten(start_dim=1),
    nn.Linear(in_features, 32),
    nn.Linear(32, out_features)
)
torch.manual_seed(50)
layers = OrderedDict([
    ("flat", nn.Flatten(start_dim=1)),
    ("hidden", nn.Linear(in_features, 32)),
    ("output", nn.Linear(32, out_features))
])
network2 = nn.Sequential(layers)
torch.manual_seed(50)
network3 = nn.Sequential()
network3.add_module("flat", nn.Flatten(start_dim=1))
network3.add_module("hidden", nn.Linear(in_features, 32))
network3.add_module("output", nn.Linear(32, out_features))
print(network1, network2, network3, sep="\n")
print(network1[1], network2.hidden, network3[2].bias[:4])
image = image.unsqueeze(0)
print(network1(image), network2(image), network3(image))
print(torch.equal(network1(image), network3(image)), network1(image).grad_fn)
print(list(network2.state_dict().keys()), network1[0](image).shape)

# convolutional networks with and without batch norm
torch.manual_seed(50)
network = nn.Sequential(
    nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Conv2d(in_channels=6, out_channels=12, kernel_size=5),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(start_dim=1),
    nn.Linear(in_features=12 * 4 * 4, out_features=120),
    nn.ReLU(),
    nn.Linear(in_features=120, out_features=60),
    nn.ReLU(),
    nn.Linear(in_features=60, out_features=10)
)
torch.manual_seed(50)
network_bn = nn.Sequential(
    nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.BatchNorm2d(6),
    nn.Conv2d(in_channels=6, out_channels=12, kernel_size=5),
    nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(start_dim=1),
    nn.Linear(in_features=12 * 4 * 4, out_features=120),
    nn.ReLU(),
    nn.BatchNorm1d(120),
    nn.Linear(in_features=120, out_features=60),
    nn.ReLU(),
    nn.Linear(in_features=60, out_features=10)
)
print(network_bn)
networks = {"no_batch_norm": network, "batch_norm": network_bn}
trainsets = {"not_normal": train_set, "normal": train_set_normal}
for net_name, net in networks.items():
    for set_name, dataset in trainsets.items():
        torch.manual_seed(1)
        net.load_state_dict({k: v.clone() for k, v in net.state_dict().items()})
        loader = torch.utils.data.DataLoader(dataset, batch_size=20, shuffle=True)
        # (SGD, not the course's Adam: Adam's first steps move each weight by ~lr whatever the size of its
        # gradient, so float32 rounding in near-zero gradients grows into visible differences)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
        net.train()
        total_loss, total_correct = 0, 0
        for images_b, labels_b in loader:
            preds = net(images_b)
            loss = F.cross_entropy(preds, labels_b)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * images_b.shape[0]
            total_correct += preds.argmax(dim=1).eq(labels_b).sum().item()
        print(net_name, set_name, round(total_loss, 3), total_correct)
bn = network_bn[3]
print(bn, bn.running_mean, bn.running_var, bn.num_batches_tracked, bn.weight.grad[:3])
network_bn.eval()
with torch.no_grad():
    out = network_bn(normalized[:4])
print(out.argmax(1), out[0], network_bn[10].running_mean[:4])
print(sum(p.numel() for p in network_bn.parameters()), [k for k in network_bn.state_dict() if "3." in k])
print(math.isclose(mean.item(), images.mean().item(), rel_tol=1e-4))
