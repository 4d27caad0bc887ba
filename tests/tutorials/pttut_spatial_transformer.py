import tinygrad_rnn as torch

nn = torch.nn
F = torch.nn.functional

# "Spatial Transformer Networks": a localization net predicts an affine theta, initialised to the
# identity, and the input is resampled with affine_grid + grid_sample before classification.
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3)
        self.conv2 = nn.Conv2d(4, 6, kernel_size=3)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(6 * 2 * 2, 12)
        self.fc2 = nn.Linear(12, 3)

        self.localization = nn.Sequential(
            nn.Conv2d(1, 4, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(4, 5, kernel_size=3),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True)
        )
        self.fc_loc = nn.Sequential(
            nn.Linear(5 * 2 * 2, 16),
            nn.ReLU(True),
            nn.Linear(16, 3 * 2)
        )
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x)
        xs = xs.view(-1, 5 * 2 * 2)
        theta = self.fc_loc(xs)
        theta = theta.view(-1, 2, 3)
        grid = F.affine_grid(theta, x.size())
        x = F.grid_sample(x, grid)
        return x

    def forward(self, x):
        x = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 6 * 2 * 2)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


model = Net()
print(model.fc_loc)
print(model.fc_loc[2].bias)
data = torch.rand(6, 1, 14, 14)
target = torch.tensor([0, 1, 2, 0, 1, 2])
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
model.train()
for step in range(4):
    optimizer.zero_grad()
    output = model(data)
    loss = F.nll_loss(output, target)
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 5), model.fc_loc[2].bias.grad)

model.eval()
with torch.no_grad():
    transformed = model.stn(data).cpu()
    print(transformed.shape, transformed[0, 0, :2, :5])
    output = model(data)
    pred = output.max(1, keepdim=True)[1]
    print(pred.view(-1), pred.eq(target.view_as(pred)).sum().item())


def convert_image_np(inp):
    inp = inp.numpy().transpose((1, 2, 0))
    return inp.clip(0, 1)


print(convert_image_np(transformed[0]).shape)

# affine_grid / grid_sample on their own: the identity, a rotation, a shift; both align_corners
theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                      [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0]],
                      [[0.8, 0.0, 0.3], [0.0, 0.8, -0.2]]], requires_grad=True)
img = torch.arange(2 * 1 * 4 * 5, dtype=torch.float).view(2, 1, 4, 5).repeat(2, 1, 1, 1)[:3]
for align in [False, True]:
    grid = F.affine_grid(theta, img.size(), align_corners=align)
    print(grid.shape, grid[1, 0], grid.grad_fn)
    for mode in ["bilinear", "nearest", "bicubic"]:
        for padding_mode in ["zeros", "border", "reflection"]:
            out = F.grid_sample(img, grid, mode=mode, padding_mode=padding_mode, align_corners=align)
            print(align, mode, padding_mode, out[2, 0])
    out = F.grid_sample(img, grid, align_corners=align)
    out.sum().backward()
    print(theta.grad.round(decimals=3) + 0.0)  # the rotation sums values that cancel: keep float32 noise (and -0.) out
    theta.grad = None
