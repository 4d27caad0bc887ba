import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Udacity deep-learning v2-pytorch, "Weight Initialization" and the convolutional autoencoder
# notebooks on made-up 16x16 images: constant, uniform and normal init through m.weight.data, the
# general rule 1/sqrt(n), then ConvTranspose2d and upsampling decoders with a sigmoid output.
torch.manual_seed(0)
images = torch.rand(48, 1, 16, 16)
labels = (images.mean((1, 2, 3)) > 0.5).long() + 2 * (images[:, 0, :8].mean((1, 2)) > 0.5).long()
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=16, shuffle=True)
class Net(nn.Module):
    def __init__(self, hidden_1=32, hidden_2=16, constant_weight=None):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(16 * 16, hidden_1)
        self.fc2 = nn.Linear(hidden_1, hidden_2)
        self.fc3 = nn.Linear(hidden_2, 4)
        self.dropout = nn.Dropout(0.2)
        if (constant_weight is not None):
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    nn.init.constant_(m.weight, constant_weight)
                    nn.init.constant_(m.bias, 0)
    def forward(self, x):
        x = x.view(-1, 16 * 16)
        x = F.relu(self.fc1(x))
        x = self.dropout(x)
        x = F.relu(self.fc2(x))
        x = self.dropout(x)
        x = self.fc3(x)
        return x
def train(model, epochs=2, lr=0.01):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        train_loss = 0.0
        for data, target in train_loader:
            optimizer.zero_grad()
            output = model(data)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
            train_loss += loss.item() * data.size(0)
        history.append(train_loss / len(train_loader.sampler))
    return history
model_0 = Net(constant_weight=0)
model_1 = Net(constant_weight=1)
print(model_0.fc1.weight[:2, :4], model_1.fc2.bias)
print('all zeros', train(model_0), 'all ones', train(model_1))
def weights_init_uniform(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        m.weight.data.uniform_(0.0, 1.0)
        m.bias.data.fill_(0)
model_uniform = Net()
model_uniform.apply(weights_init_uniform)
print(model_uniform.fc1.weight.min(), model_uniform.fc1.weight.max(), model_uniform.fc3.bias)
def weights_init_uniform_center(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        m.weight.data.uniform_(-0.5, 0.5)
        m.bias.data.fill_(0)
model_centered = Net()
model_centered.apply(weights_init_uniform_center)
def weights_init_uniform_rule(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        n = m.in_features
        y = 1.0 / np.sqrt(n)
        m.weight.data.uniform_(-y, y)
        m.bias.data.fill_(0)
model_rule = Net()
model_rule.apply(weights_init_uniform_rule)
def weights_init_normal(m):
    classname = m.__class__.__name__
    if classname.find('Linear') != -1:
        n = m.in_features
        m.weight.data.normal_(0.0, 1 / np.sqrt(n))
        m.bias.data.fill_(0)
model_normal = Net()
model_normal.apply(weights_init_normal)
print(model_rule.fc2.weight.abs().max(), model_normal.fc2.weight.std(), model_normal.fc1.weight.dtype)
for name, m in [("centered", model_centered), ("rule", model_rule), ("normal", model_normal), ("default", Net())]:
    print(name, train(m))
# the convolutional autoencoder
class ConvAutoencoder(nn.Module):
    def __init__(self):
        super(ConvAutoencoder, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.t_conv1 = nn.ConvTranspose2d(4, 8, 2, stride=2)
        self.t_conv2 = nn.ConvTranspose2d(8, 1, 2, stride=2)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool(x)
        x = F.relu(self.conv2(x))
        x = self.pool(x)
        x = F.relu(self.t_conv1(x))
        x = F.sigmoid(self.t_conv2(x))
        return x
class UpsampleAutoencoder(nn.Module):
    def __init__(self):
        super(UpsampleAutoencoder, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv4 = nn.Conv2d(4, 8, 3, padding=1)
        self.conv5 = nn.Conv2d(8, 1, 3, padding=1)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool(x)
        x = F.relu(self.conv2(x))
        x = self.pool(x)
        x = F.interpolate(x, scale_factor=2, mode='nearest')
        x = F.relu(self.conv4(x))
        x = F.upsample(x, scale_factor=2, mode='nearest')
        x = torch.sigmoid(self.conv5(x))
        return x
for cls in (ConvAutoencoder, UpsampleAutoencoder):
    torch.manual_seed(1)
    model = cls()
    print(model)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(1, 3):
        train_loss = 0.0
        for data in train_loader:
            images_b, _ = data
            noisy = images_b + 0.5 * torch.randn(*images_b.shape)
            noisy = np.clip(noisy, 0., 1.)
            optimizer.zero_grad()
            outputs = model(noisy)
            loss = criterion(outputs, images_b)
            loss.backward()
            optimizer.step()
            train_loss += loss.item() * images_b.size(0)
        train_loss = train_loss / len(train_loader)
        print('Epoch: {} \tTraining Loss: {:.6f}'.format(epoch, train_loss))
    output = model(images[:4])
    output = output.view(4, 1, 16, 16)
    output = output.detach().numpy()
    print(output.shape, output.dtype, torch.from_numpy(output)[0, 0, :2, :4])
print(type(np.clip(torch.ones(2) * 3, 0., 1.)).__name__, np.clip(torch.tensor([-1.0, 0.5, 2.0]), 0., 1.))
