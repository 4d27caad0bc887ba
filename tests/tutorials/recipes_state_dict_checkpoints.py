import tinygrad_rnn as torch
import os
import tempfile
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# PyTorch recipes "What is a state_dict", "Saving and loading a general checkpoint", "Saving and
# loading multiple models in one file", "Warmstarting a model using parameters from a different
# model" and "Zeroing out gradients", on a small CNN and random data.
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc1 = nn.Linear(6 * 2 * 2, 12)
        self.fc2 = nn.Linear(12, 8)
        self.fc3 = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 6 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
print(net)
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\t", net.state_dict()[param_tensor].size())
print()
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

inputs = torch.randn(6, 3, 14, 14)
labels = torch.randint(0, 3, (6,))
criterion = nn.CrossEntropyLoss()
for epoch in range(2):
    optimizer.zero_grad()
    loss = criterion(net(inputs), labels)
    loss.backward()
    optimizer.step()
    print(epoch, loss.item())
state = optimizer.state_dict()
print(state["param_groups"])
print(sorted(state["state"].keys()), state["state"][0].keys(), state["state"][0]["momentum_buffer"].shape)

with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, "model.pt")
    EPOCH, LOSS = 5, 0.4
    torch.save({
        "epoch": EPOCH,
        "model_state_dict": net.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": LOSS,
    }, PATH)
    model = Net()
    optimizer2 = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True)
    print(model.load_state_dict(checkpoint["model_state_dict"]))
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    epoch = checkpoint["epoch"]
    loss = checkpoint["loss"]
    print(epoch, loss, optimizer2.param_groups[0]["lr"], optimizer2.state_dict()["state"][2]["momentum_buffer"].sum())
    model.eval()
    print(torch.equal(model(inputs), net(inputs)))
    model.train()
    optimizer2.zero_grad()
    criterion(model(inputs), labels).backward()
    optimizer2.step()
    optimizer.zero_grad()
    criterion(net(inputs), labels).backward()
    optimizer.step()
    print(torch.allclose(model.fc3.weight, net.fc3.weight))

    # several models in one file
    netA, netB = Net(), Net()
    optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
    optimizerB = optim.Adam(netB.parameters(), lr=0.001)
    PATH = os.path.join(tmp, "model_ab.pt")
    torch.save({
        "modelA_state_dict": netA.state_dict(),
        "modelB_state_dict": netB.state_dict(),
        "optimizerA_state_dict": optimizerA.state_dict(),
        "optimizerB_state_dict": optimizerB.state_dict(),
    }, PATH)
    modelA, modelB = Net(), Net()
    optimModelA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
    optimModelB = optim.Adam(modelB.parameters(), lr=0.001)
    checkpoint = torch.load(PATH, weights_only=True)
    modelA.load_state_dict(checkpoint["modelA_state_dict"])
    modelB.load_state_dict(checkpoint["modelB_state_dict"])
    optimModelA.load_state_dict(checkpoint["optimizerA_state_dict"])
    optimModelB.load_state_dict(checkpoint["optimizerB_state_dict"])
    print(sorted(checkpoint.keys()), optimModelB.state_dict()["param_groups"][0]["betas"])
    print(torch.equal(modelB.conv1.weight, netB.conv1.weight))
    print(sorted(os.listdir(tmp)))


# warmstarting from a different model
class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.conv1 = nn.Conv2d(3, 4, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.fc1 = nn.Linear(6 * 2 * 2, 12)
        self.fc2 = nn.Linear(12, 8)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        return self.head(F.relu(self.fc2(F.relu(self.fc1(self.pool(F.relu(self.conv2(self.pool(F.relu(self.conv1(x)))))).flatten(1))))))


with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, "net_a.pt")
    torch.save(net.state_dict(), PATH)
    netB = NetB()
    result = netB.load_state_dict(torch.load(PATH, weights_only=True), strict=False)
    print(result)
    print(result.missing_keys, result.unexpected_keys)
    print(torch.equal(netB.conv2.weight, net.conv2.weight))
    try:
        netB.load_state_dict(torch.load(PATH, weights_only=True))
    except RuntimeError as e:
        print("RuntimeError:", e)
    # a renamed key, as the recipe suggests
    sd = torch.load(PATH, weights_only=True)
    sd["head.weight"] = torch.zeros(5, 8)
    sd["head.bias"] = sd.pop("fc3.bias")
    try:
        netB.load_state_dict(sd, strict=False)
    except RuntimeError as e:
        print("RuntimeError:", e)
    del sd["fc3.weight"], sd["head.bias"]
    print(netB.load_state_dict(sd, strict=False))

# zeroing out gradients
net = Net()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
print(net.conv1.bias.grad)
for i in range(2):
    optimizer.zero_grad()
    print(net.conv1.bias.grad)
    loss = criterion(net(inputs), labels)
    loss.backward()
    print(net.conv1.bias.grad)
    optimizer.step()
net.zero_grad(set_to_none=False)
print(net.conv1.bias.grad)
optimizer.zero_grad(set_to_none=True)
print(net.conv1.bias.grad, net.fc3.weight.grad)
loss = criterion(net(inputs), labels)
loss.backward()
loss = criterion(net(inputs), labels)
loss.backward()
print(net.conv1.bias.grad)
net.zero_grad()
print(net.conv1.bias.grad)
