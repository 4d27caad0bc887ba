import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# NYU Deep Learning (Canziani) notebooks 06, 10 and 11: a fully connected net vs a ConvNet with
# the same parameter count on made-up digits, again with the pixels permuted; a denoising
# autoencoder; and a variational autoencoder with its reparameterisation and KL term.
torch.manual_seed(0)
input_size = 28 * 28
output_size = 10
def make_digits(n):
    labels = torch.arange(n) % 10
    images = torch.rand(n, 1, 28, 28) * 0.2
    for k in range(10):
        images[labels == k, 0, 4 + 2 * k:8 + 2 * k, 6:22] += 0.8
    return images, labels
train_images, train_labels = make_digits(60)
test_images, test_labels = make_digits(30)
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_images, train_labels),
                                           batch_size=20, shuffle=True)
test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(test_images, test_labels),
                                          batch_size=30, shuffle=False)
class FC2Layer(nn.Module):
    def __init__(self, input_size, n_hidden, output_size):
        super(FC2Layer, self).__init__()
        self.input_size = input_size
        self.network = nn.Sequential(
            nn.Linear(input_size, n_hidden),
            nn.ReLU(),
            nn.Linear(n_hidden, n_hidden),
            nn.ReLU(),
            nn.Linear(n_hidden, output_size),
            nn.LogSoftmax(dim=1)
        )
    def forward(self, x):
        x = x.view(-1, self.input_size)
        return self.network(x)
class CNN(nn.Module):
    def __init__(self, input_size, n_feature, output_size):
        super(CNN, self).__init__()
        self.n_feature = n_feature
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=n_feature, kernel_size=5)
        self.conv2 = nn.Conv2d(n_feature, n_feature, kernel_size=5)
        self.fc1 = nn.Linear(n_feature * 4 * 4, 50)
        self.fc2 = nn.Linear(50, 10)
    def forward(self, x, verbose=False):
        x = self.conv1(x)
        x = F.relu(x)
        x = F.max_pool2d(x, kernel_size=2)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, kernel_size=2)
        x = x.view(-1, self.n_feature * 4 * 4)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.log_softmax(x, dim=1)
        return x
accuracy_list = []
def get_n_params(model):
    np_ = 0
    for p in list(model.parameters()):
        np_ += p.nelement()
    return np_
no_permutation = torch.arange(0, 784).long()
def train(epoch, model, perm=no_permutation):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data = data.view(-1, 28 * 28)
        data = data[:, perm]
        data = data.view(-1, 1, 28, 28)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 2 == 0:
            print("Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))
def test(model, perm=no_permutation):
    model.eval()
    test_loss = 0
    correct = 0
    for data, target in test_loader:
        data = data.view(-1, 28 * 28)
        data = data[:, perm]
        data = data.view(-1, 1, 28, 28)
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        pred = output.data.max(1, keepdim=True)[1]
        correct += pred.eq(target.data.view_as(pred)).cpu().sum().item()
    test_loss /= len(test_loader.dataset)
    accuracy = 100. * correct / len(test_loader.dataset)
    accuracy_list.append(accuracy)
    print("\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
        test_loss, correct, len(test_loader.dataset), accuracy))
    return pred
n_hidden = 8
model_fnn = FC2Layer(input_size, n_hidden, output_size)
optimizer = torch.optim.SGD(model_fnn.parameters(), lr=0.01, momentum=0.5)
print("Number of parameters: {}".format(get_n_params(model_fnn)))
for epoch in range(0, 1):
    train(epoch, model_fnn)
    test(model_fnn)
n_features = 6
model_cnn = CNN(input_size, n_features, output_size)
optimizer = torch.optim.SGD(model_cnn.parameters(), lr=0.01, momentum=0.5)
print("Number of parameters: {}".format(get_n_params(model_cnn)))
for epoch in range(0, 1):
    train(epoch, model_cnn)
    pred = test(model_cnn)
print(pred.shape, pred.dtype, pred[:5].view(-1))
perm = torch.randperm(784)
print(perm[:10])
model_cnn = CNN(input_size, n_features, output_size)
optimizer = torch.optim.SGD(model_cnn.parameters(), lr=0.01, momentum=0.5)
train(0, model_cnn, perm)
test(model_cnn, perm)
print(accuracy_list)

# denoising autoencoder
d = 30
class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(28 * 28, d),
            nn.Tanh(),
        )
        self.decoder = nn.Sequential(
            nn.Linear(d, 28 * 28),
            nn.Tanh(),
        )
    def forward(self, x):
        x = self.encoder(x)
        x = self.decoder(x)
        return x
model = Autoencoder()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
do = nn.Dropout()
print(model, do)
for epoch in range(2):
    for data in train_loader:
        img, _ = data
        noise = do(torch.ones(img.shape))
        img_bad = (img * noise)
        img = img.view(img.size(0), -1)
        img_bad = img_bad.view(img_bad.size(0), -1)
        output = model(img_bad)
        loss = criterion(output, img.data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch [{epoch + 1}/2], loss:{loss.item():.4f}")
print(noise.unique(), img_bad.shape, output.grad_fn)
A = torch.tensor([[1., 2.], [3., 4.]])
print(A.numpy(), torch.from_numpy(np.linalg.inv(A.numpy())))

# variational autoencoder
d = 20
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(784, d ** 2),
            nn.ReLU(),
            nn.Linear(d ** 2, d * 2)
        )
        self.decoder = nn.Sequential(
            nn.Linear(d, d ** 2),
            nn.ReLU(),
            nn.Linear(d ** 2, 784),
            nn.Sigmoid(),
        )
    def reparameterise(self, mu, logvar):
        if self.training:
            std = logvar.mul(0.5).exp_()
            eps = std.data.new(std.size()).normal_()
            return eps.mul(std).add_(mu)
        else:
            return mu
    def forward(self, x):
        mu_logvar = self.encoder(x.view(-1, 784)).view(-1, 2, d)
        mu = mu_logvar[:, 0, :]
        logvar = mu_logvar[:, 1, :]
        z = self.reparameterise(mu, logvar)
        return self.decoder(z), mu, logvar
model = VAE()
learning_rate = 1e-3
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
def loss_function(x_hat, x, mu, logvar):
    BCE = nn.functional.binary_cross_entropy(x_hat, x.view(-1, 784), reduction="sum")
    KLD = 0.5 * torch.sum(logvar.exp() - logvar - 1 + mu.pow(2))
    return BCE + KLD
epochs = 2
codes = dict(μ=list(), logσ2=list(), y=list())
for epoch in range(0, epochs + 1):
    if epoch > 0:
        model.train()
        train_loss = 0
        for x, _ in train_loader:
            x_hat, mu, logvar = model(x)
            loss = loss_function(x_hat, x, mu, logvar)
            train_loss += loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"====> Epoch: {epoch} Average loss: {train_loss / len(train_loader.dataset):.4f}")
    means, logvars, labels = list(), list(), list()
    with torch.no_grad():
        model.eval()
        test_loss = 0
        for x, y in test_loader:
            x_hat, mu, logvar = model(x)
            test_loss += loss_function(x_hat, x, mu, logvar).item()
            means.append(mu.detach())
            logvars.append(logvar.detach())
            labels.append(y.detach())
    codes["μ"].append(torch.cat(means))
    codes["logσ2"].append(torch.cat(logvars))
    codes["y"].append(torch.cat(labels))
    test_loss /= len(test_loader.dataset)
    print(f"====> Test set loss: {test_loss:.4f}")
print(codes["μ"][-1].shape, codes["μ"][-1][0, :4], codes["y"][-1][:6])
with torch.no_grad():
    z = torch.randn((4, d))
    sample = model.decoder(z)
print(sample.shape, sample.view(4, 28, 28)[0, 14, :5])
N = 4
z = torch.empty((N, d))
for i in range(0, N):
    z[i] = (codes["μ"][-1][1] * i + codes["μ"][-1][2] * (N - 1 - i)) / (N - 1)
print(z[:, :3], model.decoder(z).grad_fn)
