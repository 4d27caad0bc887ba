import tinygrad_rnn as torch
import copy
nn = torch.nn
F = torch.nn.functional
# PyTorch recipe "Reasoning about Shapes in PyTorch" without its meta-device part: shapes through a
# conv / pool / flatten stack (the recipe's LeNet-style net), the output-size formulas checked against
# the layers, shapes through LSTM / GRU stacks (batch_first, bidirectional, proj_size, unbatched,
# packed), torch.Size as a tuple (indexing, slicing, arithmetic, comparisons, numel, count, index),
# and the errors a wrong shape gives.
torch.manual_seed(0)

t = torch.rand(2, 3, 10, 10)
conv = nn.Conv2d(in_channels=3, out_channels=5, kernel_size=5, stride=1, padding=1)
print(f"{conv(t).shape}")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 12)
        self.fc2 = nn.Linear(12, 8)
        self.fc3 = nn.Linear(8, 10)

    def forward(self, x):
        print("input", x.shape)
        x = self.pool(F.relu(self.conv1(x)))
        print("after conv1+pool", x.shape)
        x = self.pool(F.relu(self.conv2(x)))
        print("after conv2+pool", x.shape)
        x = torch.flatten(x, 1)
        print("after flatten", x.shape)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        print("output", x.shape)
        return x


net = Net()
out = net(torch.rand(2, 3, 32, 32))


def fw_hook(module, input, output):
    print(f"Shape of output to {module} is {output.shape}.")


for name, layer in net.named_modules():
    if name:
        layer.register_forward_hook(fw_hook)
net(torch.rand(1, 3, 32, 32))


# the output-size formula of conv and pooling layers
def conv_out(size, kernel, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


for kernel, stride, padding, dilation in [(3, 1, 0, 1), (3, 2, 1, 1), (5, 3, 2, 2), (4, 2, 1, 1)]:
    layer = nn.Conv1d(2, 3, kernel, stride=stride, padding=padding, dilation=dilation)
    got = layer(torch.rand(1, 2, 17)).shape[-1]
    print(kernel, stride, padding, dilation, got, conv_out(17, kernel, stride, padding, dilation))
print(nn.MaxPool2d(3, stride=2, ceil_mode=True)(torch.rand(1, 1, 8, 8)).shape,
      nn.MaxPool2d(3, stride=2)(torch.rand(1, 1, 8, 8)).shape, nn.AvgPool1d(2)(torch.rand(1, 1, 7)).shape)
print(nn.AdaptiveAvgPool2d((3, 2))(torch.rand(2, 4, 9, 7)).shape, nn.AdaptiveMaxPool1d(1)(torch.rand(2, 4, 9)).shape)
print(nn.ConvTranspose1d(2, 3, 3, stride=2)(torch.rand(1, 2, 5)).shape, nn.Conv2d(3, 4, 3, padding="same")(t).shape)
print(nn.Flatten()(torch.rand(2, 3, 4)).shape, nn.Flatten(0, 1)(torch.rand(2, 3, 4)).shape,
      nn.Unflatten(1, (2, 6))(torch.rand(4, 12)).shape)

# shapes through recurrent stacks
x = torch.rand(4, 7, 3)  # (batch, seq, feature)
for rnn in [nn.LSTM(3, 5, batch_first=True), nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True),
            nn.LSTM(3, 5, proj_size=2, batch_first=True), nn.GRU(3, 5, num_layers=3), nn.RNN(3, 5)]:
    inp = x if rnn.batch_first else x.transpose(0, 1)
    output, state = rnn(inp)
    states = [s.shape for s in state] if isinstance(state, tuple) else [state.shape]
    print(rnn, output.shape, states)
    print("  weights:", [(n, tuple(p.shape)) for n, p in rnn.named_parameters()][:3])
lstm = nn.LSTM(3, 5)
out, (h, c) = lstm(torch.rand(7, 3))  # unbatched: (seq, feature)
print(out.shape, h.shape, c.shape)
packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor([7, 5, 3, 2]), batch_first=True)
print(packed.data.shape, packed.batch_sizes)
out, (h, c) = nn.LSTM(3, 5, batch_first=True)(packed)
padded, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
print(out.data.shape, padded.shape, lengths, h.shape)
emb = nn.Embedding(20, 3)
tokens = torch.randint(0, 20, (4, 7))
print(emb(tokens).shape, nn.Linear(5, 20)(torch.rand(4, 7, 5)).shape)
print(nn.MultiheadAttention(6, 2, batch_first=True)(*[torch.rand(2, 4, 6)] * 3)[0].shape)

# torch.Size is a tuple
s = torch.rand(2, 3, 4).shape
print(type(s), isinstance(s, tuple), s, len(s), s[0], s[-1], s[1:], type(s[1:]).__name__)
print(s.numel(), s.count(3), s.index(4), list(s), tuple(s), [*s], dict(zip("abc", s)))
print(s == (2, 3, 4), s == [2, 3, 4], s != torch.Size([2, 3]), s < (2, 4), s > torch.Size([2, 3]))
print(s + (5,), (1,) + s, s * 2, type(s + (5,)).__name__, type((1,) + s).__name__, type(s * 2).__name__)
print(torch.Size([]), torch.Size([]).numel(), torch.Size((5,)), torch.Size([0, 3]).numel(), torch.Size(range(3)))
print(hash(s) == hash((2, 3, 4)), {s: 1}[(2, 3, 4)], s in {(2, 3, 4)}, 3 in s, max(s), sum(s))
print(torch.rand(2, 3).size(), torch.rand(2, 3).size(1), torch.rand(2, 3).size(-2), torch.rand(5).shape[0])
print(torch.zeros(s).shape, torch.ones(*s[:2]).shape, torch.rand(3, 4).view(s[1:]).shape, torch.empty(s).dim())
print(torch.broadcast_shapes((2, 1, 4), (3, 1)), torch.Size([2, 3]) == copy.deepcopy(torch.Size([2, 3])))
print(repr(torch.Size([2, 3])), str(torch.Size([2, 3])), f"{torch.Size([1])}")
try:
    torch.Size([2.5])
except TypeError as e:
    print("TypeError:", e)
try:
    s[3]
except IndexError as e:
    print("IndexError:", e)
try:
    torch.rand(2, 3).size(2)
except IndexError as e:
    print("IndexError:", e)

# wrong shapes and their errors
try:
    net.fc1(torch.rand(2, 300))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.Conv2d(3, 6, 5)(torch.rand(2, 4, 32, 32))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.Conv2d(3, 6, 5)(torch.rand(1, 3, 4, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.LSTM(3, 5)(torch.rand(7, 2, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    nn.LSTM(3, 5)(torch.rand(7, 2, 3), (torch.zeros(1, 3, 5), torch.zeros(1, 3, 5)))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.rand(2, 3).view(4, 2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.rand(2, 3) + torch.rand(3, 2)
except RuntimeError as e:
    print("RuntimeError:", e)
