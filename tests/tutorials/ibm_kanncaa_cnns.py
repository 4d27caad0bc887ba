import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
Variable = torch.autograd.Variable
TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader

# The CNN parts of IBM's "Deep Neural Networks with PyTorch" (a two-layer CNN, the same with batch
# norm, the validation-accuracy loop, kernels set through state_dict with numpy values) and of
# kanncaa1's Kaggle tutorial (Conv2d/MaxPool2d, out.view(out.size(0), -1), Variable images), on
# generated 12x12 "digits"; the loaders and datasets are printed as beginners print them.
torch.manual_seed(0)
templates = (torch.rand(4, 12, 12) > 0.6).float()
labels = torch.arange(96) % 4
images = (templates[labels] + 0.4 * torch.randn(96, 12, 12)).unsqueeze(1)
train_dataset = TensorDataset(images[:64], labels[:64])
validation_dataset = TensorDataset(images[64:], labels[64:])
train_loader = DataLoader(dataset=train_dataset, batch_size=16, shuffle=True)
validation_loader = DataLoader(dataset=validation_dataset, batch_size=32)
print(train_dataset)
print(train_loader)
print(len(train_loader), len(validation_loader), train_dataset[0][0].shape, train_dataset[0][1])
print("The type of the loader's sampler:", train_loader.sampler)


class CNN(nn.Module):
    def __init__(self, out_1=4, out_2=8, number_of_classes=4):
        super(CNN, self).__init__()
        self.cnn1 = nn.Conv2d(in_channels=1, out_channels=out_1, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(kernel_size=2)
        self.cnn2 = nn.Conv2d(in_channels=out_1, out_channels=out_2, kernel_size=3, stride=1, padding=1)
        self.maxpool2 = nn.MaxPool2d(kernel_size=2)
        self.fc1 = nn.Linear(out_2 * 3 * 3, number_of_classes)

    def forward(self, x):
        x = self.cnn1(x)
        x = torch.relu(x)
        x = self.maxpool1(x)
        x = self.cnn2(x)
        x = torch.relu(x)
        x = self.maxpool2(x)
        x = x.view(x.size(0), -1)
        x = self.fc1(x)
        return x

    def activations(self, x):
        z1 = self.cnn1(x)
        a1 = torch.relu(z1)
        out = self.maxpool1(a1)
        z2 = self.cnn2(out)
        a2 = torch.relu(z2)
        out1 = self.maxpool2(a2)
        out = out.view(out.size(0), -1)
        return z1, a1, z2, a2, out1, out


class CNN_batch(CNN):
    def __init__(self, out_1=4, out_2=8, number_of_classes=4):
        super(CNN_batch, self).__init__(out_1, out_2, number_of_classes)
        self.conv1_bn = nn.BatchNorm2d(out_1)
        self.conv2_bn = nn.BatchNorm2d(out_2)
        self.bn_fc1 = nn.BatchNorm1d(number_of_classes)

    def forward(self, x):
        x = self.cnn1(x)
        x = self.conv1_bn(x)
        x = torch.relu(x)
        x = self.maxpool1(x)
        x = self.cnn2(x)
        x = self.conv2_bn(x)
        x = torch.relu(x)
        x = self.maxpool2(x)
        x = x.view(x.size(0), -1)
        x = self.fc1(x)
        x = self.bn_fc1(x)
        return x


def train_model(model, train_loader, validation_loader, optimizer, n_epochs=3):
    N_test = len(validation_dataset)
    accuracy_list = []
    loss_list = []
    for epoch in range(n_epochs):
        for x, y in train_loader:
            model.train()
            optimizer.zero_grad()
            z = model(x)
            loss = criterion(z, y)
            loss.backward()
            optimizer.step()
            loss_list.append(loss.data)
        correct = 0
        for x_test, y_test in validation_loader:
            model.eval()
            z = model(x_test)
            _, yhat = torch.max(z.data, 1)
            correct += (yhat == y_test).sum().item()
        accuracy = correct / N_test
        accuracy_list.append(accuracy)
    return accuracy_list, loss_list


criterion = nn.CrossEntropyLoss()
for Model in (CNN, CNN_batch):
    torch.manual_seed(1)
    model = Model(out_1=4, out_2=8, number_of_classes=4)
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    accuracy_list, loss_list = train_model(model, train_loader, validation_loader, optimizer)
    print(accuracy_list, loss_list[::4])
    print(model.state_dict()['cnn1.weight'][0, 0, 0], model.cnn1.weight.grad.shape)
out = model.activations(images[:2])
print([o.shape for o in out], out[1].grad_fn, out[-1].grad_fn)
print(model.conv1_bn.running_mean, model.bn_fc1.num_batches_tracked)

# Kernels set by hand, the values coming from numpy as in the course's plots
conv = nn.Conv2d(in_channels=1, out_channels=2, kernel_size=3)
Gx = torch.tensor([[1.0, 0, -1.0], [2.0, 0, -2.0], [1.0, 0, -1.0]])
Gy = torch.tensor([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]])
conv.state_dict()['weight'][0][0] = Gx
conv.state_dict()['weight'][1][0] = Gy
conv.state_dict()['bias'][:] = torch.tensor([0.0, 0.0])
conv.state_dict()['bias'][0] = np.float64(0.5)
conv.state_dict()['bias'][1] = np.int64(-1)
print(conv.state_dict()['bias'])
try:
    conv.state_dict()['bias'][0] = np.float32(0.25)
except TypeError as e:
    print("TypeError:", e)
conv.state_dict()['bias'][0] = float(np.float32(0.25))
image = torch.zeros(1, 1, 5, 5)
image[0, 0, :, 2] = 1
print(conv(image))

# kanncaa1's CNN on Variables, with its accuracy bookkeeping
print("Array Type: {}".format(images.type))
print("Array Shape: {}".format(images.shape))


class CNNModel(nn.Module):
    def __init__(self):
        super(CNNModel, self).__init__()
        self.cnn1 = nn.Conv2d(in_channels=1, out_channels=6, kernel_size=3, stride=1, padding=0)
        self.relu1 = nn.ReLU()
        self.maxpool1 = nn.MaxPool2d(kernel_size=2)
        self.cnn2 = nn.Conv2d(in_channels=6, out_channels=8, kernel_size=2, stride=1, padding=0)
        self.relu2 = nn.ReLU()
        self.maxpool2 = nn.MaxPool2d(kernel_size=2)
        self.fc1 = nn.Linear(8 * 2 * 2, 4)

    def forward(self, x):
        out = self.cnn1(x)
        out = self.relu1(out)
        out = self.maxpool1(out)
        out = self.cnn2(out)
        out = self.relu2(out)
        out = self.maxpool2(out)
        out = out.view(out.size(0), -1)
        out = self.fc1(out)
        return out


torch.manual_seed(2)
model = CNNModel()
error = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
count = 0
for epoch in range(3):
    for i, (imgs, lbls) in enumerate(train_loader):
        train = Variable(imgs.view(16, 1, 12, 12))
        lbls = Variable(lbls)
        optimizer.zero_grad()
        outputs = model(train)
        loss = error(outputs, lbls)
        loss.backward()
        optimizer.step()
        count += 1
        if count % 4 == 0:
            correct = 0
            total = 0
            for imgs, lbls in validation_loader:
                test = Variable(imgs.view(imgs.size(0), 1, 12, 12))
                outputs = model(test)
                predicted = torch.max(outputs.data, 1)[1]
                total += len(lbls)
                correct += (predicted == lbls).sum()
            accuracy = 100 * correct / float(total)
            print('Iteration: {}  Loss: {}  Accuracy: {} %'.format(count, loss.data, accuracy))
print(iter(validation_loader))
