import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
# Aladdin Persson's pytorch_simple_fullynet.py and pytorch_simple_CNN.py: an NN and a CNN trained on
# MNIST-shaped data (here 8x8 generated digits), with check_accuracy under torch.no_grad().
torch.manual_seed(0)


class NN(nn.Module):
    def __init__(self, input_size, num_classes):
        super(NN, self).__init__()
        self.fc1 = nn.Linear(input_size, 50)
        self.fc2 = nn.Linear(50, num_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


class CNN(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super(CNN, self).__init__()
        self.conv1 = nn.Conv2d(in_channels=in_channels, out_channels=8, kernel_size=(3, 3), stride=(1, 1),
                               padding=(1, 1))
        self.pool = nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
        self.conv2 = nn.Conv2d(in_channels=8, out_channels=16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
        self.fc1 = nn.Linear(16 * 2 * 2, num_classes)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool(x)
        x = F.relu(self.conv2(x))
        x = self.pool(x)
        x = x.reshape(x.shape[0], -1)
        x = self.fc1(x)
        return x


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
input_size = 64
num_classes = 10
learning_rate = 0.001
batch_size = 16
num_epochs = 2
targets = torch.randint(0, num_classes, (96,))
protos = torch.rand(num_classes, 1, 8, 8)
images = protos[targets] + 0.3 * torch.randn(96, 1, 8, 8)
train_dataset = TensorDataset(images[:64], targets[:64])
test_dataset = TensorDataset(images[64:], targets[64:])
train_loader = DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)
test_loader = DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)
model = NN(784, 10)
x = torch.randn(64, 784)
print(model(x).shape)
model = CNN()
x = torch.randn(64, 1, 8, 8)
print(model(x).shape)


def check_accuracy(loader, model, flatten):
    num_correct = 0
    num_samples = 0
    model.eval()
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device=device)
            y = y.to(device=device)
            if flatten:
                x = x.reshape(x.shape[0], -1)
            scores = model(x)
            _, predictions = scores.max(1)
            num_correct += (predictions == y).sum()
            num_samples += predictions.size(0)
    model.train()
    print(f"Got {num_correct} / {num_samples} with accuracy {float(num_correct)/float(num_samples)*100:.2f}")
    return num_correct / num_samples


for flatten, model in ((True, NN(input_size=input_size, num_classes=num_classes).to(device)),
                       (False, CNN(in_channels=1, num_classes=num_classes).to(device))):
    print(model)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=learning_rate * 10)
    for epoch in range(num_epochs):
        for batch_idx, (data, targets) in enumerate(train_loader):
            data = data.to(device=device)
            targets = targets.to(device=device)
            if flatten:
                data = data.reshape(data.shape[0], -1)
            scores = model(data)
            loss = criterion(scores, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if batch_idx % 2 == 0:
                print(epoch, batch_idx, data.shape, f"{loss.item():.5f}")
    acc = check_accuracy(train_loader, model, flatten)
    print(acc, acc.dtype)
    print(f"Accuracy on test set: {check_accuracy(test_loader, model, flatten)*100:.2f}")
    print(sum(p.numel() for p in model.parameters()), [round(p.grad.norm().item(), 4) for p in model.parameters()][:2])
