import tinygrad_rnn as torch

import os
import tempfile
from datetime import datetime
F = torch.nn.functional
nn = torch.nn

# Introduction to PyTorch (video series): training with PyTorch, on made-up 28x28 "garments"
torch.manual_seed(7)
classes = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle Boot')


class FakeFashion(torch.utils.data.Dataset):
    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, 10, (n,), generator=g)
        self.images = torch.rand(n, 1, 28, 28, generator=g) * 0.5
        for i, label in enumerate(self.labels):  # a class-dependent stripe, so there is something to learn
            self.images[i, 0, int(label) * 2:int(label) * 2 + 3, :] += 0.5
        self.images = (self.images - 0.5) / 0.5

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.images[idx], self.labels[idx].item()


training_set = FakeFashion(32, 1)
validation_set = FakeFashion(8, 2)
training_loader = torch.utils.data.DataLoader(training_set, batch_size=4, shuffle=True)
validation_loader = torch.utils.data.DataLoader(validation_set, batch_size=4, shuffle=False)
print('Training set has {} instances'.format(len(training_set)))
print('Validation set has {} instances'.format(len(validation_set)))

dataiter = iter(training_loader)
images, labels = next(dataiter)
print(images.shape, images.dtype, labels)
print('  '.join(classes[labels[j]] for j in range(4)))


class GarmentClassifier(nn.Module):
    def __init__(self):
        super(GarmentClassifier, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = GarmentClassifier()
loss_fn = torch.nn.CrossEntropyLoss()
dummy_outputs = torch.rand(4, 10)
dummy_labels = torch.tensor([1, 5, 3, 7])
print(dummy_outputs)
print(dummy_labels)
loss = loss_fn(dummy_outputs, dummy_labels)
print('Total loss for this batch: {}'.format(loss.item()))

optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def train_one_epoch(epoch_index):
    running_loss = 0.
    last_loss = 0.
    for i, data in enumerate(training_loader):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 4 == 3:
            last_loss = running_loss / 4
            print('  batch {} loss: {:.6f}'.format(i + 1, last_loss))
            running_loss = 0.
    return last_loss


timestamp = datetime.now().strftime('%Y%m%d_%H%M%S')
epoch_number = 0
EPOCHS = 3
best_vloss = 1_000_000.
with tempfile.TemporaryDirectory() as tmp:
    for epoch in range(EPOCHS):
        print('EPOCH {}:'.format(epoch_number + 1))
        model.train(True)
        avg_loss = train_one_epoch(epoch_number)
        running_vloss = 0.0
        model.eval()
        with torch.no_grad():
            for i, vdata in enumerate(validation_loader):
                vinputs, vlabels = vdata
                voutputs = model(vinputs)
                vloss = loss_fn(voutputs, vlabels)
                running_vloss += vloss
        avg_vloss = running_vloss / (i + 1)
        print('LOSS train {:.6f} valid {:.6f}'.format(avg_loss, avg_vloss))
        print(avg_vloss)
        if avg_vloss < best_vloss:
            best_vloss = avg_vloss
            model_path = os.path.join(tmp, 'model_{}_{}'.format(timestamp, epoch_number))
            torch.save(model.state_dict(), model_path)
        epoch_number += 1

    saved_model = GarmentClassifier()
    print(saved_model.load_state_dict(torch.load(model_path)))
    print(best_vloss)
    saved_model.eval()
    with torch.no_grad():
        print(saved_model(validation_set.images[:4]).argmax(1), validation_set.labels[:4])
