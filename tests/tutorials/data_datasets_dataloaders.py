import tinygrad_rnn as torch
import numpy as np
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

# The "Datasets & DataLoaders" tutorial of the PyTorch basics series, with a small generated stand-in for
# FashionMNIST (28x28 grey images, 10 labels) and for its annotations file (file name, label).
torch.manual_seed(0)
labels_map = {
    0: "T-Shirt", 1: "Trouser", 2: "Pullover", 3: "Dress", 4: "Coat",
    5: "Sandal", 6: "Shirt", 7: "Sneaker", 8: "Bag", 9: "Ankle Boot",
}
rng = np.random.default_rng(0)
IMAGES = {f"img_{i:03d}.png": (rng.random((1, 28, 28)) * 255).astype(np.uint8) for i in range(60)}
ANNOTATIONS = [(name, int(rng.integers(0, 10))) for name in IMAGES]


def read_image(path):  # torchvision.io.read_image: a uint8 tensor of shape (C, H, W)
    return torch.from_numpy(IMAGES[path.split("/")[-1]])


class ToTensor:
    """torchvision's ToTensor for a uint8 image tensor: floats in [0, 1]."""
    def __call__(self, pic):
        return pic.float().div(255)


class Lambda:
    def __init__(self, lambd):
        self.lambd = lambd

    def __call__(self, x):
        return self.lambd(x)


class CustomImageDataset(Dataset):
    def __init__(self, annotations, img_dir, transform=None, target_transform=None):
        self.img_labels = annotations
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = self.img_dir + "/" + self.img_labels[idx][0]
        image = read_image(img_path)
        label = self.img_labels[idx][1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


training_data = CustomImageDataset(ANNOTATIONS[:48], "data/train", transform=ToTensor())
test_data = CustomImageDataset(ANNOTATIONS[48:], "data/test", transform=ToTensor())
print(len(training_data), len(test_data))

# "Iterating and Visualizing the Dataset": random samples picked with torch.randint
cols, rows = 3, 3
for i in range(1, cols * rows + 1):
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    img, label = training_data[sample_idx]
    print(i, sample_idx, labels_map[label], img.shape, img.dtype, f"{img.mean().item():.4f}")

train_dataloader = DataLoader(training_data, batch_size=16, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=16, shuffle=True)
print(len(train_dataloader), len(test_dataloader), train_dataloader.batch_size)

train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(img.shape, f"{img.sum().item():.4f}")
print(f"Label: {label}")
print(train_labels, train_labels.dtype)

# every batch of an epoch: a fresh order each epoch
for epoch in range(2):
    for batch, (X, y) in enumerate(train_dataloader):
        print(epoch, batch, X.shape, y.tolist(), f"{X.mean().item():.5f}")

# the Transforms tutorial's one-hot target_transform
one_hot_data = CustomImageDataset(
    ANNOTATIONS[:48], "data/train", transform=ToTensor(),
    target_transform=Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)),
)
x, y = one_hot_data[3]
print(y, y.dtype)
loader = DataLoader(one_hot_data, batch_size=5, shuffle=True, drop_last=True)
xb, yb = next(iter(loader))
print(xb.shape, yb, yb.argmax(1))
print(len(loader))
