import tinygrad_rnn as torch
import os
import tempfile
F = torch.nn.functional
Data = torch.utils.data
Variable = torch.autograd.Variable
# MorvanZhou's PyTorch-Tutorial 301-306: regression and classification nets, build_nn_quickly with
# Sequential, save_reload (whole net and its parameters), batch_train with DataLoader.
torch.manual_seed(1)
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
y = x.pow(2) + 0.2 * torch.rand(x.size())
x, y = Variable(x), Variable(y)


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net = Net(n_feature=1, n_hidden=10, n_output=1)
print(net)
optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
loss_func = torch.nn.MSELoss()
for t in range(100):
    prediction = net(x)
    loss = loss_func(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 20 == 0:
        print("Loss=%.4f" % loss.data.numpy(), prediction.data[:2, 0])
# 302 classification
n_data = torch.ones(100, 2)
x0 = torch.normal(2 * n_data, 1)
y0 = torch.zeros(100)
x1 = torch.normal(-2 * n_data, 1)
y1 = torch.ones(100)
x = torch.cat((x0, x1), 0).type(torch.FloatTensor)
y = torch.cat((y0, y1), ).type(torch.LongTensor)
print(x.shape, x.dtype, y.shape, y.dtype, x0[:2])
x, y = Variable(x), Variable(y)
net = Net(n_feature=2, n_hidden=10, n_output=2)
optimizer = torch.optim.SGD(net.parameters(), lr=0.02)
loss_func = torch.nn.CrossEntropyLoss()
for t in range(30):
    out = net(x)
    loss = loss_func(out, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 10 == 0:
        prediction = torch.max(F.softmax(out), 1)[1]
        pred_y = prediction.data.numpy().squeeze()
        target_y = y.data.numpy()
        accuracy = sum(pred_y == target_y) / 200.
        print("Accuracy=%.2f" % accuracy, loss.item(), pred_y.dtype, type(accuracy).__name__)
print(torch.max(out, 1), torch.max(out, 1)[1].dtype)
# 303 build nn quickly
net1 = Net(1, 10, 1)
net2 = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.ReLU(),
    torch.nn.Linear(10, 1)
)
print(net1)
print(net2)
print(net2[0], net2[1], len(net2), net2[-1].weight.shape)
# 304 save and reload
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
y = x.pow(2) + 0.2 * torch.rand(x.size())
tmp = tempfile.mkdtemp()


def save():
    net1 = torch.nn.Sequential(
        torch.nn.Linear(1, 10),
        torch.nn.ReLU(),
        torch.nn.Linear(10, 1)
    )
    optimizer = torch.optim.SGD(net1.parameters(), lr=0.5)
    loss_func = torch.nn.MSELoss()
    for t in range(100):
        prediction = net1(x)
        loss = loss_func(prediction, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print("save", loss.item())
    torch.save(net1, os.path.join(tmp, "net.pkl"))
    torch.save(net1.state_dict(), os.path.join(tmp, "net_params.pkl"))
    return net1(x)


def restore_net():
    net2 = torch.load(os.path.join(tmp, "net.pkl"), weights_only=False)
    prediction = net2(x)
    print("restore_net", prediction[:3].squeeze(), net2)
    return prediction


def restore_params():
    net3 = torch.nn.Sequential(
        torch.nn.Linear(1, 10),
        torch.nn.ReLU(),
        torch.nn.Linear(10, 1)
    )
    print(net3.load_state_dict(torch.load(os.path.join(tmp, "net_params.pkl"))))
    prediction = net3(x)
    print("restore_params", prediction[:3].squeeze())
    return prediction


p1 = save()
p2 = restore_net()
p3 = restore_params()
print(torch.equal(p1, p2), torch.equal(p1, p3), p2.requires_grad, p2.grad_fn.name())
try:
    torch.load(os.path.join(tmp, "net.pkl"))
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0][:60])
# 305 batch train
BATCH_SIZE = 5
x = torch.linspace(1, 10, 10)
y = torch.linspace(10, 1, 10)
torch_dataset = Data.TensorDataset(x, y)
loader = Data.DataLoader(
    dataset=torch_dataset,
    batch_size=BATCH_SIZE,
    shuffle=True,
    num_workers=0,
)
for epoch in range(3):
    for step, (batch_x, batch_y) in enumerate(loader):
        print("Epoch: ", epoch, "| Step: ", step, "| batch x: ", batch_x.numpy(), "| batch y: ", batch_y.numpy())
print(len(torch_dataset), torch_dataset[3], len(loader))
loader = Data.DataLoader(dataset=torch_dataset, batch_size=4, shuffle=False)
print([b[0].tolist() for b in loader])
v = Variable(torch.ones(2), volatile=True)
print(v.requires_grad, F.softmax(torch.tensor([[1.0, 2.0], [3.0, 5.0]])))
