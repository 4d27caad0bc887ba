import tinygrad_rnn as torch
from collections import OrderedDict
nn = torch.nn
F = torch.nn.functional
# What `print(model)` shows, as the PyTorch "Build the Neural Network" tutorial, the nn.Module docs and
# course notebooks print it: every layer with its non-default arguments (convolutions, pools, norms,
# dropouts, activations, recurrent layers, attention, transformers, embeddings, reshaping layers), lazy
# layers before and after their first call, nested containers, a custom module with extra_repr, a child
# assigned twice, and the hook handles a module hands back.
torch.manual_seed(0)

print("-- convolutions and pools")
print(nn.Sequential(
    nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2, bias=False, padding_mode="reflect"),
    nn.Conv2d(4, 8, (3, 5), padding="same", groups=2, padding_mode="circular"),
    nn.Conv3d(2, 4, 3, padding=(1, 2, 0)),
    nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1),
    nn.MaxPool1d(3, stride=2, padding=1, dilation=2, return_indices=True, ceil_mode=True),
    nn.MaxPool2d((2, 3), stride=1), nn.AvgPool2d(3, divisor_override=2),
    nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    nn.AdaptiveAvgPool2d((None, 7)), nn.AdaptiveMaxPool1d(3, return_indices=True),
    nn.LPPool2d(1.5, (2, 2), stride=1, ceil_mode=True), nn.MaxUnpool2d(2, stride=1, padding=1),
    nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5)),
))

print("-- norms and dropouts")
print(nn.ModuleList([
    nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False, track_running_stats=False), nn.BatchNorm2d(4, momentum=0.3),
    nn.InstanceNorm2d(4, affine=True, track_running_stats=True), nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False),
    nn.LayerNorm(4, bias=False), nn.GroupNorm(2, 4, affine=False), nn.LocalResponseNorm(5, alpha=1e-3, beta=0.5, k=2.0),
    nn.RMSNorm(4), nn.RMSNorm([3, 4], eps=1e-5, elementwise_affine=False),
    nn.Dropout(), nn.Dropout(0.3, inplace=True), nn.Dropout2d(), nn.AlphaDropout(0.2), nn.FeatureAlphaDropout(0.4, True),
]))

print("-- activations")
print(nn.Sequential(
    nn.ReLU(inplace=True), nn.ReLU6(True), nn.LeakyReLU(0.2, inplace=True), nn.ELU(alpha=0.5), nn.CELU(0.5), nn.SELU(True),
    nn.GELU("tanh"), nn.SiLU(inplace=True), nn.Mish(), nn.Hardtanh(-2, 2, True), nn.Hardshrink(0.3), nn.Threshold(0.1, 20),
    nn.PReLU(3, init=0.1), nn.RReLU(0.1, 0.3), nn.Softplus(beta=2, threshold=10), nn.Softmax(dim=1), nn.LogSoftmax(-1),
    nn.Softmin(0), nn.Softmax2d(), nn.GLU(1), nn.Tanh(), nn.Sigmoid(),
))

print("-- recurrent layers and attention")
print(nn.RNN(3, 4, 2, nonlinearity="relu", bias=False, batch_first=True, dropout=0.5, bidirectional=True))
print(nn.LSTM(3, 4, 3, batch_first=True, dropout=0.2, bidirectional=True, proj_size=2))
print(nn.GRU(input_size=3, hidden_size=4, bidirectional=True), nn.GRUCell(3, 4), nn.LSTMCell(3, 4, bias=False))
print(nn.RNNCell(3, 4, bias=False, nonlinearity="relu"))
print(nn.MultiheadAttention(8, 2, dropout=0.1, bias=False, add_bias_kv=True, kdim=4, vdim=6, batch_first=True))
layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True)
print(nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False))
print(nn.TransformerDecoderLayer(8, 2, 16, activation=F.gelu, bias=False))

print("-- embeddings and reshaping")
print(nn.Embedding(10, 3, padding_idx=0, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True))
print(nn.Embedding.from_pretrained(torch.ones(3, 2), freeze=False, padding_idx=1))
print(nn.EmbeddingBag(10, 3, mode="max", max_norm=1.0, padding_idx=2, include_last_offset=True))
print(nn.Upsample(size=(4, 5), mode="bilinear", align_corners=True), nn.Upsample(scale_factor=2.0))
print(nn.Flatten(0, 2), nn.Unflatten(1, (2, 5)), nn.Identity(3, foo=2), nn.Bilinear(2, 3, 4, bias=False))
print(nn.PixelShuffle(2), nn.PixelUnshuffle(3), nn.ZeroPad2d((1, 2, 3, 4)), nn.ConstantPad1d(2, 3.5), nn.ReflectionPad2d(1))
print(nn.Fold(4, (2, 2), padding=1, stride=2), nn.Unfold((2, 3), dilation=2), nn.CosineSimilarity(dim=0, eps=1e-6))
print(nn.CrossEntropyLoss(weight=torch.ones(3), ignore_index=1, label_smoothing=0.1), nn.KLDivLoss("batchmean", log_target=True))

print("-- lazy layers")
lazy = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d())
print(lazy)
print(lazy[0].weight)
lazy(torch.ones(2, 5))
print(lazy)
print(lazy[0].weight.shape, lazy[1].running_mean)


print("-- containers and custom modules")


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.width = width
        self.fc = nn.Linear(width, width)
        self.fc = nn.Linear(width, 2 * width)  # assigned twice: printed once, where it was first registered
        self.act = nn.ReLU()
        self.register_buffer("scale", torch.ones(2))
        self.gain = nn.Parameter(torch.ones(3))
        self.empty = nn.Sequential()
        self.skip = None

    def extra_repr(self):
        return f"width={self.width}\nnote=two lines"


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(2), nn.Identity()])
        self.heads = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(4, 1)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2, 3, dtype=torch.float64))])
        self.table = nn.ParameterDict({"w": nn.Parameter(torch.zeros(2)), "n": torch.zeros(2, 2, dtype=torch.float64), "k": 3})

    def extra_repr(self):
        return "toy=True"


net = Net()
print(net)
print([name for name, _ in net.named_parameters()])
print([name for name, _ in net.named_buffers()], list(net.state_dict().keys()))
seq = nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 2, 3)), ("act", nn.ReLU())]))
seq.add_module("pool", nn.MaxPool2d(2))
seq.append(nn.Flatten())
print(seq, seq[1:], seq[-1])
print(nn.Sequential(*[nn.Linear(2, 2) for _ in range(3)]), nn.ModuleList(), nn.ParameterDict())
print(nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Linear(2, 2)]))

print("-- hooks and handles")
handle = seq.register_forward_hook(lambda module, args, output: None)
print(handle, type(handle).__name__)
handle.remove()
x = torch.ones(2, requires_grad=True)
print(x.register_hook(lambda grad: grad * 2), torch.no_grad())
print(nn.Linear(2, 2).load_state_dict(nn.Linear(2, 2).state_dict()), nn.Linear(2, 2).load_state_dict({}, strict=False))
