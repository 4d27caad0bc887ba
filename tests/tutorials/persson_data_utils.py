import tinygrad_rnn as torch
import os
import random
import numpy as np
nn = torch.nn
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader
WeightedRandomSampler = torch.utils.data.WeightedRandomSampler
# Aladdin Persson's Basics utilities: pytorch_set_seeds.py, pytorch_std_mean.py (per-channel mean and
# std of a dataset), pytorch_imbalanced_classes.py (WeightedRandomSampler), a custom Dataset with
# random_split, and more einsum.


def seed_everything(seed=42):
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


seed_everything()
x = torch.rand(5)
seed_everything()
print(x, torch.rand(5), torch.initial_seed(), torch.backends.cudnn.deterministic)
print(torch.get_rng_state().shape, torch.get_rng_state().dtype)
state = torch.get_rng_state()
a = torch.randn(3)
torch.set_rng_state(state)
print(torch.equal(a, torch.randn(3)))


class ImageDataset(Dataset):
    """Images held in memory, as the CSV + folder dataset of the original reads them from disk."""

    def __init__(self, images, labels, transform=None):
        self.images = images
        self.labels = labels
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = self.images[index]
        y_label = torch.tensor(int(self.labels[index]))
        if self.transform:
            image = self.transform(image)
        return (image, y_label)


images = torch.rand(40, 3, 6, 6) * torch.tensor([1.0, 0.5, 2.0]).view(1, 3, 1, 1)
labels = [0] * 32 + [1] * 8
dataset = ImageDataset(images, labels, transform=lambda im: im * 2 - 1)
print(len(dataset), dataset[0][0].shape, dataset[0][1], dataset[39][1].dtype)
train_set, test_set = torch.utils.data.random_split(dataset, [30, 10])
print(len(train_set), len(test_set), train_set.indices[:5], type(train_set).__name__)
g = torch.Generator().manual_seed(0)
a, b, c = torch.utils.data.random_split(range(10), [0.5, 0.3, 0.2], generator=g)
print(list(a), list(b), list(c))
train_loader = DataLoader(dataset=train_set, batch_size=8, shuffle=True)


def get_mean_std(loader):
    channels_sum, channels_squared_sum, num_batches = 0, 0, 0
    for data, _ in loader:
        channels_sum += torch.mean(data, dim=[0, 2, 3])
        channels_squared_sum += torch.mean(data ** 2, dim=[0, 2, 3])
        num_batches += 1
    mean = channels_sum / num_batches
    std = (channels_squared_sum / num_batches - mean ** 2) ** 0.5
    return mean, std


mean, std = get_mean_std(DataLoader(dataset, batch_size=8))
print(mean, std)
print(images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3), unbiased=False), torch.std_mean(images, dim=[0, 2, 3]))
print(torch.var_mean(images[:, 0], dim=0, correction=0)[0][0, :3], images.var(1, keepdim=True).shape)


def get_loader(dataset, batch_size):
    class_weights = []
    for c in range(2):
        class_weights.append(1 / sum(1 for label in labels if label == c))
    sample_weights = [0] * len(dataset)
    for idx, (data, label) in enumerate(dataset):
        class_weight = class_weights[label]
        sample_weights[idx] = class_weight
    sampler = WeightedRandomSampler(sample_weights, num_samples=len(sample_weights), replacement=True)
    loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler)
    return loader


loader = get_loader(dataset, batch_size=8)
num_retrievers = 0
num_elkhounds = 0
for epoch in range(3):
    for data, label in loader:
        num_retrievers += torch.sum(label == 0)
        num_elkhounds += torch.sum(label == 1)
print(num_retrievers, num_elkhounds, num_retrievers.item() + num_elkhounds.item())
sampler = WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=True)
print(list(sampler), len(sampler))
print(list(WeightedRandomSampler(torch.tensor([0.1, 0.9, 0.4, 0.7, 3.0, 0.6]), 4, replacement=False)))
loss_fn = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 50.0]))
print(loss_fn(torch.randn(6, 2), torch.tensor([0, 1, 0, 0, 1, 0])))
print(nn.CrossEntropyLoss(weight=torch.tensor([1.0, 4.0]), label_smoothing=0.1)(torch.randn(4, 2), torch.tensor([0, 1, 1, 0])))
# einsum
x = torch.rand((2, 3))
print(torch.einsum("ij -> ji", x).shape, torch.einsum("ij,ij->i", x, x), torch.einsum("...j->...", x))
a = torch.rand((3, 2, 5))
b = torch.rand((3, 5, 3))
print(torch.allclose(torch.einsum("ijk,ikl->ijl", a, b), a @ b), torch.einsum("bij,bjk", a, b).shape)
print(torch.einsum("i,j", torch.arange(3.0), torch.arange(2.0)), torch.einsum("ii", torch.eye(3)))
print(torch.einsum("bn,anm,bm->ba", torch.rand(2, 3), torch.rand(4, 3, 5), torch.rand(2, 5)).shape)
print(torch.einsum(x, [0, 1], [1, 0]).shape, torch.einsum("ij,jk->ik", [x, x.t()]))
