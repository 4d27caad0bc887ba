import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# WaveNet as the PyTorch ports write it (golbin/WaveNet's DilatedCausalConv1d / ResidualBlock /
# DenseNet stack, vincentherrmann/pytorch-wavenet's one-hot inputs, torchaudio's mu_law_encoding and
# mu_law_decoding with torch.sign/log1p/abs): dilated causal convolutions (padding then trimming, or
# F.pad on the left), gated tanh*sigmoid activations, residual and skip 1x1 convolutions, the receptive
# field, cross_entropy over (batch, classes, time) logits, and autoregressive generation that samples
# the next quantised amplitude with Categorical and with torch.multinomial and a torch.Generator.
torch.manual_seed(1609)


def mu_law_encoding(x, quantization_channels):
    mu = quantization_channels - 1.0
    if not x.is_floating_point():
        x = x.to(torch.float)
    mu = torch.tensor(mu, dtype=x.dtype)
    x_mu = torch.sign(x) * torch.log1p(mu * torch.abs(x)) / torch.log1p(mu)
    x_mu = ((x_mu + 1) / 2 * mu + 0.5).to(torch.int64)
    return x_mu


def mu_law_decoding(x_mu, quantization_channels):
    mu = quantization_channels - 1.0
    if not x_mu.is_floating_point():
        x_mu = x_mu.to(torch.float)
    mu = torch.tensor(mu, dtype=x_mu.dtype)
    x = ((x_mu) / mu) * 2 - 1.0
    x = torch.sign(x) * (torch.exp(torch.abs(x) * torch.log1p(mu)) - 1.0) / mu
    return x


print("-- mu-law")
t = torch.linspace(0, 1, 64)
wave = 0.6 * torch.sin(2 * math.pi * 5 * t) + 0.3 * torch.sin(2 * math.pi * 11 * t + 0.5)
print(wave.shape, wave.abs().max(), wave[:5])
q = 16
encoded = mu_law_encoding(wave, q)
print(encoded.dtype, encoded.min(), encoded.max(), encoded[:12])
decoded = mu_law_decoding(encoded, q)
print(decoded[:6], (decoded - wave).abs().max())
print(mu_law_encoding(torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0]), 256))
print(mu_law_decoding(torch.tensor([0, 64, 128, 192, 255]), 256))
print(torch.sign(torch.tensor([-2.0, -0.0, 0.0, 3.0])), torch.log1p(torch.tensor([0.0, 1e-8, 1.0])))
print(torch.sgn(torch.tensor([-1.5, 0.0, 2.0])), torch.signbit(torch.tensor([-0.0, 0.0, -1.0])))
x_int = torch.tensor([[3, 0, 15]])
print(mu_law_decoding(x_int, q).dtype, mu_law_encoding(torch.tensor([1, -1]), q))
hist = torch.bincount(encoded, minlength=q)
print(hist, hist.sum(), torch.histc(wave, bins=4, min=-1, max=1))


class DilatedCausalConv1d(nn.Module):
    """Dilated causal convolution for WaveNet"""
    def __init__(self, channels, dilation=1):
        super(DilatedCausalConv1d, self).__init__()
        self.conv = nn.Conv1d(channels, channels, kernel_size=2, stride=1, dilation=dilation, padding=0, bias=False)

    def init_weights_for_test(self):
        for m in self.modules():
            if isinstance(m, nn.Conv1d):
                m.weight.data.fill_(1)

    def forward(self, x):
        return self.conv(x)


class CausalConv1d(nn.Module):
    """Causal convolution for WaveNet"""
    def __init__(self, in_channels, out_channels):
        super(CausalConv1d, self).__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size=2, stride=1, padding=1, bias=False)

    def forward(self, x):
        output = self.conv(x)
        return output[:, :, :-1]


class ResidualBlock(nn.Module):
    def __init__(self, res_channels, skip_channels, dilation):
        super(ResidualBlock, self).__init__()
        self.dilated = DilatedCausalConv1d(res_channels, dilation=dilation)
        self.conv_res = nn.Conv1d(res_channels, res_channels, 1)
        self.conv_skip = nn.Conv1d(res_channels, skip_channels, 1)
        self.gate_tanh = nn.Tanh()
        self.gate_sigmoid = nn.Sigmoid()

    def forward(self, x, skip_size):
        output = self.dilated(x)
        gated_tanh = self.gate_tanh(output)
        gated_sigmoid = self.gate_sigmoid(output)
        gated = gated_tanh * gated_sigmoid
        output = self.conv_res(gated)
        input_cut = x[:, :, -output.size(2):]
        output += input_cut
        skip = self.conv_skip(gated)
        skip = skip[:, :, -skip_size:]
        return output, skip


class ResidualStack(nn.Module):
    def __init__(self, layer_size, stack_size, res_channels, skip_channels):
        super(ResidualStack, self).__init__()
        self.layer_size = layer_size
        self.stack_size = stack_size
        self.res_blocks = nn.ModuleList(
            [ResidualBlock(res_channels, skip_channels, d) for d in self.build_dilations()])

    def build_dilations(self):
        dilations = []
        for s in range(0, self.stack_size):
            for l in range(0, self.layer_size):
                dilations.append(2 ** l)
        return dilations

    def forward(self, x, skip_size):
        output = x
        skip_connections = []
        for res_block in self.res_blocks:
            output, skip = res_block(output, skip_size)
            skip_connections.append(skip)
        return torch.stack(skip_connections)


class DensNet(nn.Module):
    def __init__(self, channels):
        super(DensNet, self).__init__()
        self.conv1 = nn.Conv1d(channels, channels, 1)
        self.conv2 = nn.Conv1d(channels, channels, 1)
        self.relu = nn.ReLU()

    def forward(self, x):
        output = self.relu(x)
        output = self.conv1(output)
        output = self.relu(output)
        output = self.conv2(output)
        return output


class WaveNet(nn.Module):
    def __init__(self, layer_size, stack_size, in_channels, res_channels):
        super(WaveNet, self).__init__()
        self.receptive_fields = self.calc_receptive_fields(layer_size, stack_size)
        self.causal = CausalConv1d(in_channels, res_channels)
        self.res_stack = ResidualStack(layer_size, stack_size, res_channels, in_channels)
        self.densnet = DensNet(in_channels)

    @staticmethod
    def calc_receptive_fields(layer_size, stack_size):
        layers = [2 ** i for i in range(0, layer_size)] * stack_size
        num_receptive_fields = sum(layers)
        return int(num_receptive_fields)

    def calc_output_size(self, x):
        output_size = int(x.size(2)) - self.receptive_fields
        if output_size < 1:
            raise ValueError("Input size has to be larger than receptive_fields")
        return output_size

    def forward(self, x):
        output = x.transpose(1, 2)
        output_size = self.calc_output_size(output)
        output = self.causal(output)
        skip_connections = self.res_stack(output, output_size)
        output = torch.sum(skip_connections, dim=0)
        output = self.densnet(output)
        return output.transpose(1, 2).contiguous()


print("-- layers")
dc = DilatedCausalConv1d(2, dilation=4)
dc.init_weights_for_test()
probe = torch.arange(20.0).view(1, 2, 10)
print(dc, dc(probe))
cc = CausalConv1d(2, 3)
print(cc(probe).shape, cc.conv.padding, cc.conv.dilation, cc.conv.weight.shape)
pad_conv = nn.Conv1d(2, 2, kernel_size=3, dilation=2, bias=False)
left = F.pad(probe, ((3 - 1) * 2, 0))
print(left.shape, left[0, 0, :6], pad_conv(left).shape)
probe2 = probe.clone()
probe2[..., 7:] = 100
print(torch.equal(pad_conv(left)[..., :7], pad_conv(F.pad(probe2, (4, 0)))[..., :7]))
print(nn.ConstantPad1d((4, 0), 0.0)(probe).shape, nn.ZeroPad1d((2, 0))(probe)[0, 1, :3])

print("-- model")
layer_size, stack_size = 3, 2
net = WaveNet(layer_size, stack_size, in_channels=q, res_channels=8)
print(net.receptive_fields, net.res_stack.build_dilations())
print(net.res_stack.res_blocks[1])
print([n for n, _ in net.named_parameters()][:8])
print(sum(p.numel() for p in net.parameters()))
for m in net.modules():
    if isinstance(m, nn.Conv1d) and m.kernel_size == (1,):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
print(net.densnet.conv1.weight.std() > 0, net.densnet.conv2.bias.abs().sum())

print("-- one-hot inputs and targets")
receptive = net.receptive_fields
seq = encoded.unsqueeze(0)
one_hot = F.one_hot(seq, q).float()
print(one_hot.shape, one_hot.dtype, one_hot.sum(-1).unique())
scattered = torch.zeros(seq.size(1), q).scatter_(1, seq.t(), 1.0)
print(torch.equal(scattered, one_hot[0]))
out = net(one_hot[:, :-1])
target = seq[:, receptive + 1:]
print(out.shape, target.shape)
loss = F.cross_entropy(out.transpose(1, 2), target)
print(loss, F.cross_entropy(out.reshape(-1, q), target.reshape(-1)))
print(F.nll_loss(F.log_softmax(out, -1).transpose(1, 2), target))
try:
    net(one_hot[:, :receptive])
except ValueError as e:
    print("ValueError", e)

print("-- train")
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(12):
    out = net(one_hot[:, :-1])
    loss = F.cross_entropy(out.transpose(1, 2), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 3 == 0:
        acc = (out.argmax(-1) == target).float().mean()
        print(step, round(loss.item(), 5), acc.item())
print(net.causal.conv.weight.grad.shape, net.res_stack.res_blocks[0].dilated.conv.weight.grad.norm() > 0)

print("-- generate")
net.eval()
gen = torch.Generator().manual_seed(42)
history = seq[0, :receptive + 1].tolist()
samples_cat, samples_mn, greedy = [], [], []
with torch.no_grad():
    for i in range(10):
        x = F.one_hot(torch.tensor(history[-(receptive + 1):]), q).float().unsqueeze(0)
        logits = net(x)[:, -1]
        dist = torch.distributions.Categorical(logits=logits / 0.8)
        nxt = dist.sample()
        samples_cat.append(nxt.item())
        probs = F.softmax(logits / 0.8, dim=-1)
        samples_mn.append(torch.multinomial(probs, 1, generator=gen).item())
        greedy.append(logits.argmax(-1).item())
        history.append(nxt.item())
print(dist, dist.logits.shape, dist.probs.sum().round(decimals=4))
print(samples_cat)
print(samples_mn)
print(greedy)
print(dist.log_prob(nxt), dist.entropy())
audio = mu_law_decoding(torch.tensor(history[receptive + 1:]), q)
print(audio)
