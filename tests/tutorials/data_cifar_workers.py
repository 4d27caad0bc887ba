import tinygrad_rnn as torch
import numpy as np

# The "Training a Classifier" (CIFAR-10) tutorial's data side with num_workers=2: a small generated
# image set whose transform flips at random (torch.rand in the worker, seeded as torch seeds it),
# dataiter = iter(trainloader), and the epoch loop that prints every few mini-batches.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)
classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
rng = np.random.RandomState(0)
PIXELS = (rng.rand(40, 8, 8, 3) * 255).astype(np.uint8)
TARGETS = rng.randint(0, 10, size=40)


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if torch.rand(1) < self.p:
            return img.flip(-1)
        return img


class ToTensor:
    def __call__(self, pic):
        return torch.from_numpy(pic.transpose((2, 0, 1)).copy()).float().div(255)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, tensor):
        return (tensor - self.mean) / self.std


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


class TinyCIFAR(torch.utils.data.Dataset):
    def __init__(self, train=True, transform=None):
        part = slice(0, 32) if train else slice(32, 40)
        self.data, self.targets = PIXELS[part], TARGETS[part].tolist()
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        return img, target


transform = Compose([ToTensor(), RandomHorizontalFlip(), Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
batch_size = 4
trainset = TinyCIFAR(train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=2)
testset = TinyCIFAR(train=False, transform=Compose([ToTensor(), Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]))
testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=2)

dataiter = iter(trainloader)
images, labels = next(dataiter)
print(images.shape, images.dtype, labels)
print(" ".join(f"{classes[labels[j]]:5s}" for j in range(batch_size)))
print(images[0, 0, 0])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(6 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 4 == 3:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.4f}")
            running_loss = 0.0
print("Finished Training")

correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")
print(torch.rand(2))
