import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
Data = torch.utils.data
# MorvanZhou's PyTorch-Tutorial 306 optimizer comparison, 401 CNN, 402 RNN classifier, 403 RNN regressor
# (sin -> cos, the hidden state carried across windows) and 404 autoencoder. MNIST is replaced by
# 14x14 uint8 "digits" made from noisy prototypes, kept as MNIST keeps them (train_data, targets).
torch.manual_seed(1)
LR = 0.01
BATCH_SIZE = 32
x = torch.unsqueeze(torch.linspace(-1, 1, 200), dim=1)
y = x.pow(2) + 0.1 * torch.normal(torch.zeros(*x.size()))
torch_dataset = Data.TensorDataset(x, y)
loader = Data.DataLoader(dataset=torch_dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=0)


class Net(torch.nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(1, 20)
        self.predict = torch.nn.Linear(20, 1)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net_SGD = Net()
net_Momentum = Net()
net_RMSprop = Net()
net_Adam = Net()
nets = [net_SGD, net_Momentum, net_RMSprop, net_Adam]
opt_SGD = torch.optim.SGD(net_SGD.parameters(), lr=LR)
opt_Momentum = torch.optim.SGD(net_Momentum.parameters(), lr=LR, momentum=0.8)
opt_RMSprop = torch.optim.RMSprop(net_RMSprop.parameters(), lr=LR, alpha=0.9)
opt_Adam = torch.optim.Adam(net_Adam.parameters(), lr=LR, betas=(0.9, 0.99))
optimizers = [opt_SGD, opt_Momentum, opt_RMSprop, opt_Adam]
print(opt_RMSprop)
print(opt_Adam)
loss_func = torch.nn.MSELoss()
losses_his = [[], [], [], []]
for epoch in range(3):
    for step, (b_x, b_y) in enumerate(loader):
        for net, opt, l_his in zip(nets, optimizers, losses_his):
            output = net(b_x)
            loss = loss_func(output, b_y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            l_his.append(loss.data.numpy())
    print("Epoch:", epoch, [round(float(h[-1]), 4) for h in losses_his], type(losses_his[0][0]).__name__,
          losses_his[0][0].shape, losses_his[0][0].dtype)
print(len(losses_his[0]), sorted(opt_RMSprop.state_dict()["state"][0]), opt_Momentum.state_dict()["param_groups"][0])
# MNIST-like data
protos = torch.rand(10, 14, 14)
train_labels = torch.randint(0, 10, (160,))
train_data = ((protos[train_labels] * 0.7 + 0.3 * torch.rand(160, 14, 14)) * 255).type(torch.uint8)
print(train_data.size(), train_data.dtype, train_labels.size(), train_data[0, 5, :6])
test_x = torch.unsqueeze(train_data[128:], dim=1).type(torch.FloatTensor) / 255.
test_y = train_labels[128:]
train_loader = Data.DataLoader(dataset=Data.TensorDataset(train_data[:128].unsqueeze(1).float() / 255.,
                                                          train_labels[:128]), batch_size=BATCH_SIZE, shuffle=True)


class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=8, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2),
        )
        self.conv2 = nn.Sequential(
            nn.Conv2d(8, 16, 5, 1, 2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.out = nn.Linear(16 * 3 * 3, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        x = x.view(x.size(0), -1)
        output = self.out(x)
        return output, x


cnn = CNN()
print(cnn)
optimizer = torch.optim.Adam(cnn.parameters(), lr=0.005)
loss_func = nn.CrossEntropyLoss()
for epoch in range(2):
    for step, (b_x, b_y) in enumerate(train_loader):
        output = cnn(b_x)[0]
        loss = loss_func(output, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 2 == 0:
            test_output, last_layer = cnn(test_x)
            pred_y = torch.max(test_output, 1)[1].data.numpy()
            accuracy = float((pred_y == test_y.data.numpy()).astype(int).sum()) / float(test_y.size(0))
            print("Epoch: ", epoch, "| train loss: %.4f" % loss.data.numpy(), "| test accuracy: %.2f" % accuracy,
                  last_layer.shape)
test_output, _ = cnn(test_x[:10])
pred_y = torch.max(test_output, 1)[1].data.numpy()
print(pred_y, "prediction number")
print(test_y[:10].numpy(), "real number")


class RNN(nn.Module):
    def __init__(self):
        super(RNN, self).__init__()
        self.rnn = nn.LSTM(input_size=14, hidden_size=32, num_layers=1, batch_first=True)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        r_out, (h_n, h_c) = self.rnn(x, None)
        out = self.out(r_out[:, -1, :])
        return out


rnn = RNN()
print(rnn)
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.01)
for epoch in range(2):
    for step, (b_x, b_y) in enumerate(train_loader):
        b_x = b_x.view(-1, 14, 14)
        output = rnn(b_x)
        loss = loss_func(output, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    test_output = rnn(test_x.view(-1, 14, 14))
    pred_y = torch.max(test_output, 1)[1].data.numpy()
    accuracy = float((pred_y == test_y.numpy()).astype(int).sum()) / float(test_y.size(0))
    print("Epoch: ", epoch, "| train loss: %.4f" % loss.data.numpy(), "| test accuracy: %.2f" % accuracy)
# 403 RNN regressor
TIME_STEP = 10
INPUT_SIZE = 1


class RNNRegressor(nn.Module):
    def __init__(self):
        super(RNNRegressor, self).__init__()
        self.rnn = nn.RNN(input_size=INPUT_SIZE, hidden_size=32, num_layers=1, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x, h_state):
        r_out, h_state = self.rnn(x, h_state)
        outs = []
        for time_step in range(r_out.size(1)):
            outs.append(self.out(r_out[:, time_step, :]))
        return torch.stack(outs, dim=1), h_state


rnn = RNNRegressor()
print(rnn)
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.02)
loss_func = nn.MSELoss()
h_state = None
for step in range(40):
    start, end = step * np.pi, (step + 1) * np.pi
    steps = np.linspace(start, end, TIME_STEP, dtype=np.float32, endpoint=False)
    x_np = np.sin(steps)
    y_np = np.cos(steps)
    x = torch.from_numpy(x_np[np.newaxis, :, np.newaxis])
    y = torch.from_numpy(y_np[np.newaxis, :, np.newaxis])
    prediction, h_state = rnn(x, h_state)
    h_state = h_state.data
    loss = loss_func(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(step, x.shape, x.dtype, prediction.shape, h_state.shape, h_state.requires_grad, "%.4f" % loss.item())
print(prediction.data.numpy().flatten().round(3).tolist())
# 404 autoencoder
N_TEST_IMG = 5


class AutoEncoder(nn.Module):
    def __init__(self):
        super(AutoEncoder, self).__init__()
        self.encoder = nn.Sequential(
            nn.Linear(14 * 14, 64),
            nn.Tanh(),
            nn.Linear(64, 12),
            nn.Tanh(),
            nn.Linear(12, 3),
        )
        self.decoder = nn.Sequential(
            nn.Linear(3, 12),
            nn.Tanh(),
            nn.Linear(12, 64),
            nn.Tanh(),
            nn.Linear(64, 14 * 14),
            nn.Sigmoid(),
        )

    def forward(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return encoded, decoded


autoencoder = AutoEncoder()
optimizer = torch.optim.Adam(autoencoder.parameters(), lr=0.005)
loss_func = nn.MSELoss()
view_data = train_data[:N_TEST_IMG].view(-1, 14 * 14).type(torch.FloatTensor) / 255.
for epoch in range(2):
    for step, (x, b_label) in enumerate(train_loader):
        b_x = x.view(-1, 14 * 14)
        b_y = x.view(-1, 14 * 14)
        encoded, decoded = autoencoder(b_x)
        loss = loss_func(decoded, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    _, decoded_data = autoencoder(view_data)
    print("Epoch: ", epoch, "| train loss: %.4f" % loss.data.numpy(), decoded_data.shape,
          np.reshape(decoded_data.data.numpy()[0], (14, 14)).shape)
encoded_data, _ = autoencoder(view_data)
X, Y, Z = encoded_data.data[:, 0].numpy(), encoded_data.data[:, 1].numpy(), encoded_data.data[:, 2].numpy()
print(X.round(3).tolist(), Y.shape, Z.dtype, encoded_data.grad_fn)
