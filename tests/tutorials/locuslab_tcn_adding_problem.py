import tinygrad_rnn as torch
import io
import math
nn = torch.nn
F = torch.nn.functional
# Bai, Kolter & Koltun's TCN (github.com/locuslab/TCN, tcn.py and the adding-problem experiment), as the
# many "Temporal Convolutional Networks for forecasting" blog posts copy it: Chomp1d cutting the causal
# padding off, TemporalBlock with two dilated Conv1d under the old nn.utils.weight_norm, normal_(0, 0.01)
# init, a 1x1 downsample residual, TemporalConvNet with dilation 2**i; the adding-problem data
# (torch.rand + two markers), Adam with clip_grad_norm_, and the receptive field. Then the same block with
# torch.nn.utils.parametrizations.weight_norm (the new spelling), F.pad left padding instead of chomp, and
# a one-step-ahead forecaster on a sine series cut with Tensor.unfold.
torch.manual_seed(1111)


class Chomp1d(nn.Module):
    def __init__(self, chomp_size):
        super(Chomp1d, self).__init__()
        self.chomp_size = chomp_size

    def forward(self, x):
        return x[:, :, :-self.chomp_size].contiguous()


class TemporalBlock(nn.Module):
    def __init__(self, n_inputs, n_outputs, kernel_size, stride, dilation, padding, dropout=0.2):
        super(TemporalBlock, self).__init__()
        self.conv1 = nn.utils.weight_norm(nn.Conv1d(n_inputs, n_outputs, kernel_size,
                                                    stride=stride, padding=padding, dilation=dilation))
        self.conv2 = nn.utils.weight_norm(nn.Conv1d(n_outputs, n_outputs, kernel_size,
                                                    stride=stride, padding=padding, dilation=dilation))
        self.chomp1 = Chomp1d(padding)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(dropout)
        self.chomp2 = Chomp1d(padding)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(dropout)
        self.net = nn.Sequential(self.conv1, self.chomp1, self.relu1, self.dropout1,
                                 self.conv2, self.chomp2, self.relu2, self.dropout2)
        self.downsample = nn.Conv1d(n_inputs, n_outputs, 1) if n_inputs != n_outputs else None
        self.relu = nn.ReLU()
        self.init_weights()

    def init_weights(self):
        self.conv1.weight.data.normal_(0, 0.01)
        self.conv2.weight.data.normal_(0, 0.01)
        if self.downsample is not None:
            self.downsample.weight.data.normal_(0, 0.01)

    def forward(self, x):
        out = self.net(x)
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class TemporalConvNet(nn.Module):
    def __init__(self, num_inputs, num_channels, kernel_size=2, dropout=0.2):
        super(TemporalConvNet, self).__init__()
        layers = []
        num_levels = len(num_channels)
        for i in range(num_levels):
            dilation_size = 2 ** i
            in_channels = num_inputs if i == 0 else num_channels[i - 1]
            out_channels = num_channels[i]
            layers += [TemporalBlock(in_channels, out_channels, kernel_size, stride=1, dilation=dilation_size,
                                     padding=(kernel_size - 1) * dilation_size, dropout=dropout)]
        self.network = nn.Sequential(*layers)

    def forward(self, x):
        return self.network(x)


class TCN(nn.Module):
    def __init__(self, input_size, output_size, num_channels, kernel_size, dropout):
        super(TCN, self).__init__()
        self.tcn = TemporalConvNet(input_size, num_channels, kernel_size=kernel_size, dropout=dropout)
        self.linear = nn.Linear(num_channels[-1], output_size)
        self.init_weights()

    def init_weights(self):
        self.linear.weight.data.normal_(0, 0.01)

    def forward(self, x):
        y1 = self.tcn(x)
        return self.linear(y1[:, :, -1])


def data_generator(N, seq_length):
    X_num = torch.rand([N, 1, seq_length])
    X_mask = torch.zeros([N, 1, seq_length])
    Y = torch.zeros([N, 1])
    for i in range(N):
        positions = torch.multinomial(torch.Tensor([1] * seq_length), 2, replacement=False)
        X_mask[i, 0, positions[0]] = 1
        X_mask[i, 0, positions[1]] = 1
        Y[i, 0] = X_num[i, 0, positions[0]] + X_num[i, 0, positions[1]]
    X = torch.cat((X_num, X_mask), dim=1)
    return torch.autograd.Variable(X), torch.autograd.Variable(Y)


seq_length, n_train = 24, 32
X_train, Y_train = data_generator(n_train, seq_length)
X_test, Y_test = data_generator(8, seq_length)
print(X_train.shape, Y_train.shape, X_train.dtype, X_train[0, 1].nonzero().view(-1).tolist())
print(Y_train[:4].view(-1))

channel_sizes = [8] * 3
kernel_size = 3
model = TCN(2, 1, channel_sizes, kernel_size=kernel_size, dropout=0.0)
print(model)
print([k for k in model.state_dict().keys()][:9])
print(model.tcn.network[0].conv1.weight_g.shape, model.tcn.network[0].conv1.weight_v.shape)
print(model.tcn.network[1].conv1.dilation, model.tcn.network[1].conv1.padding, model.tcn.network[2].chomp1.chomp_size)
receptive = 1 + 2 * (kernel_size - 1) * (2 ** len(channel_sizes) - 1)
print("receptive field", receptive, "params", sum(p.numel() for p in model.parameters()))

optimizer = torch.optim.Adam(model.parameters(), lr=4e-3)
for epoch in range(1, 4):
    model.train()
    total_loss = 0
    for i in range(0, n_train, 8):
        x, y = X_train[i:i + 8], Y_train[i:i + 8]
        optimizer.zero_grad()
        output = model(x)
        loss = F.mse_loss(output, y)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total_loss += loss.item()
    model.eval()
    with torch.no_grad():
        test_loss = F.mse_loss(model(X_test), Y_test)
    print("Epoch {:2d} | lr {:.5f} | loss {:.6f} | grad norm {:.4f} | test {:.6f}".format(
        epoch, optimizer.param_groups[0]['lr'], total_loss / 4, norm.item(), test_loss.item()))

# locuslab saves the whole model (torch.save(model, f)); a class defined in this script cannot be found
# again by pickle, so here the first weight-normed layer is saved whole and loaded back
buffer = io.BytesIO()
conv1 = model.tcn.network[0].conv1
torch.save(conv1, buffer)
buffer.seek(0)
reloaded = torch.load(buffer, weights_only=False)
probe = X_test[:2]
with torch.no_grad():
    print(reloaded, torch.equal(reloaded(probe), conv1(probe)),
          list(reloaded._forward_pre_hooks.values())[0].name, [n for n, _ in reloaded.named_parameters()])
# and an old weight_g / weight_v checkpoint loads into the new parametrization
new_block = nn.Conv1d(2, 8, kernel_size, padding=2, dilation=1)
new_block = nn.utils.parametrizations.weight_norm(new_block)
print(new_block.load_state_dict(model.tcn.network[0].conv1.state_dict()),
      torch.allclose(new_block.weight, model.tcn.network[0].conv1.weight))

g = model.tcn.network[0].conv1.weight_g
print(g.view(-1)[:4], g.grad is None, model.tcn.network[0].conv1.weight.grad_fn)


# the new parametrization, and left padding with F.pad instead of a chomp
class CausalConv1d(nn.Module):
    def __init__(self, c_in, c_out, k, dilation):
        super().__init__()
        self.pad = (k - 1) * dilation
        self.conv = nn.utils.parametrizations.weight_norm(nn.Conv1d(c_in, c_out, k, dilation=dilation))

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, 0)))


torch.manual_seed(0)
cc = CausalConv1d(1, 4, 2, dilation=2)
print(cc)
print(sorted(cc.state_dict().keys()))
print(cc.conv.parametrizations.weight.original0.shape, cc.conv.parametrizations.weight.original1.shape)
probe = torch.zeros(1, 1, 8)
probe[0, 0, 3] = 1.0
print(cc(probe).shape, (cc(probe)[0] != cc.conv.bias.view(-1, 1)).any(0).nonzero().view(-1))
print(torch.nn.utils.parametrize.is_parametrized(cc.conv), torch.nn.utils.parametrize.is_parametrized(cc.conv, "bias"))

series = torch.sin(torch.arange(0, 60, dtype=torch.float32) * 0.3) + 0.05 * torch.randn(60)
win = series.unfold(0, 13, 1)
print(win.shape, win.stride(), win.is_contiguous())
xs, ys = win[:, :-1].unsqueeze(1), win[:, -1:]
net = nn.Sequential(CausalConv1d(1, 6, 2, 1), nn.ReLU(), CausalConv1d(6, 6, 2, 2), nn.ReLU(),
                    CausalConv1d(6, 1, 2, 4))
opt = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(12):
    pred = net(xs)[:, :, -1]
    loss = nn.MSELoss()(pred, ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 4 == 0:
        print(step, round(loss.item(), 5), pred.shape)
with torch.no_grad():
    torch.nn.utils.parametrize.remove_parametrizations(net[0].conv, "weight")
print(net[0].conv, type(net[0].conv.weight).__name__, net[0].conv.weight.requires_grad)
