import tinygrad_rnn as torch
import io
t = torch
nn = t.nn
F = t.nn.functional
Function = t.autograd.Function
# chenyuntc's "pytorch-book": the Tensor chapter (t.Tensor(5, 3), views sharing storage, gather/scatter_,
# a.new, resize_), the autograd chapter (grad_fn.next_functions, t.autograd.grad, hooks, a custom
# Function checked with gradcheck), the nn chapter (Sequential three ways, ModuleList, LSTM/LSTMCell,
# Embedding) and the poetry-generation LSTM.
t.manual_seed(1000)
x = t.Tensor(5, 3)
print(x.size(), x.shape, x.dtype)
x = t.Tensor([[1, 2], [3, 4]])
print(x)
print(x.tolist())
b = t.Tensor(2, 3)
print(b.size(), b.numel(), b.nelement())
c = t.Tensor((2, 3))
print(c, c.shape)
print(t.ones(2, 3), t.zeros(2, 3))
print(t.arange(1, 6, 2))
print(t.linspace(1, 10, 3))
print(t.randn(2, 3).shape, t.randperm(5))
print(t.eye(2, 3, dtype=t.int))
scalar = t.tensor(3.14159)
print('scalar: %s, shape of sclar: %s' % (scalar, scalar.shape))
vector = t.tensor([1, 2])
print('vector: %s, shape of vector: %s' % (vector, vector.shape))
tensor = t.Tensor(1, 2)
print(tensor.shape)
matrix = t.tensor([[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]])
print(matrix, matrix.shape)
print(t.tensor([[0.11111, 0.222222, 0.3333333]], dtype=t.float64, device=t.device('cpu')))
empty_tensor = t.tensor([])
print(empty_tensor.shape)
# views share storage
a = t.arange(0, 6)
print(a.view(2, 3))
b = a.view(-1, 3)
print(b.shape)
print(b.unsqueeze(1))
print(b.unsqueeze(-2))
c = b.view(1, 1, 1, 2, 3)
print(c.squeeze(0))
print(c.squeeze())
a[1] = 100
print(b)
print(a.data_ptr() == b.view(-1).data_ptr(), a.storage().data_ptr() == b.storage().data_ptr())
b.resize_(1, 3)
print(b, b.data_ptr() == a.data_ptr())
b.resize_(3, 3)
print(b[:2])
a = t.arange(0, 6).float()
b = a.view(2, 3)
print(a.storage().data_ptr() == b.storage().data_ptr())
print(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
c = a[2:]
print(c.data_ptr() - a.data_ptr(), c.storage_offset())
c[0] = -100
print(a)
d = t.Tensor(c.storage())
d[0] = 6666
print(b)
print(a.storage_offset(), c.storage_offset(), d.storage_offset())
e = b[::2, ::2]
print(e, e.storage_offset(), e.stride(), e.is_contiguous())
e = e.contiguous()
print(e.is_contiguous(), e.data_ptr() == b.data_ptr())
# indexing
a = t.randn(3, 4)
print(a)
print(a[0], a[:, 0], a[0][2], a[0, -1])
print(a[:2], a[:2, 0:2], a[0:1, :2], a[0, :2])
print(a[None].shape, a[:, None, :, None, None].shape)
print(a > 1)
print(a[a > 1])
print(a[t.LongTensor([0, 1])])
a = t.arange(0, 16).view(4, 4)
print(a)
index = t.LongTensor([[0, 1, 2, 3]])
print(a.gather(0, index))
index = t.LongTensor([[3, 2, 1, 0]]).t()
print(a.gather(1, index))
index = t.LongTensor([[3, 2, 1, 0]])
print(a.gather(0, index))
index = t.LongTensor([[0, 1, 2, 3], [3, 2, 1, 0]]).t()
b = a.gather(1, index)
print(b)
c = t.zeros(4, 4, dtype=t.long)
c.scatter_(1, index, b)
print(c)
print(a[0, 0], a[0, 0].item(), type(a[0, 0].item()))
d = a[0:1, 0:1, None]
print(d.shape, d.item())
x = t.arange(0, 27).view(3, 3, 3)
print(x[[1, 2], [1, 2], [2, 0]])
print(x[[2, 1, 0], [0], [1]])
print(x[[0, 2], ...])
# a.new and dtypes
print(t.get_default_dtype())
a = t.Tensor(2, 3)
print(a.dtype)
b = a.float()
c = a.type_as(b)
print(b.dtype, c.dtype)
a = t.ones(2, 3)
d = a.new(2, 3)
print(d.shape, d.dtype)
print(a.new([1, 2]), a.new_tensor([3, 4]))
print(t.zeros_like(a), t.zeros_like(a, dtype=t.int16), t.rand_like(a).shape)
print(a.new_ones(4, 5, dtype=t.int), a.new_zeros(2))
# element-wise ops and reductions
a = t.arange(0, 6).view(2, 3).float()
print(t.cos(a))
print(a % 3, t.fmod(a, 3))
print(a ** 2, t.pow(a, 2))
print(t.clamp(a, min=3), a.clamp(1, 4), t.clamp(a, max=2))
b = t.ones(2, 3)
print(b.sum(dim=0, keepdim=True), b.sum(dim=0, keepdim=False), b.sum(dim=1))
a = t.arange(0, 6).view(2, 3)
print(a)
print(a.cumsum(dim=1))
a = t.linspace(0, 15, 6).view(2, 3)
b = t.linspace(15, 0, 6).view(2, 3)
print(a > b, a[a > b])
print(t.max(a))
print(t.max(b, dim=1))
print(t.max(a, b))
print(t.clamp(a, min=10))
print(a.max(dim=1), a.max(dim=1)[1])
print(a.norm(), a.norm(p=1), a.norm(dim=1))
print(a.mean(dim=0), a.std(), a.var(dim=1), a.median())
# linear algebra and broadcasting
a = t.linspace(0, 15, 6).view(2, 3)
b = a.t()
print(b.is_contiguous())
b = b.contiguous()
print(a.mm(b), a @ b, t.matmul(a, b))
print(t.dot(t.Tensor([1, 2]), t.Tensor([3, 4])))
a = t.ones(3, 2)
b = t.zeros(2, 3, 1)
print(a + b)
print(a.unsqueeze(0).expand(2, 3, 2) + b.expand(2, 3, 2))
e = t.Tensor([1, 2]).unsqueeze(0).expand(3, 2)
print(e, e.stride())
# numpy bridge, save/load
import numpy as np
a = np.ones([2, 3], dtype=np.float32)
b = t.from_numpy(a)
c = t.Tensor(a)
a[0, 1] = 100
print(b, c)
d = t.tensor(a)
d[0, 0] = -1
print(a[0, 0], b.numpy()[0, 0])
a = t.ones(2, 3, dtype=t.int32)
print(t.Tensor(a.numpy()), t.from_numpy(a.numpy()).dtype)
buffer = io.BytesIO()
a = t.arange(0, 6).view(2, 3).float()
t.save(a, buffer)
buffer.seek(0)
b = t.load(buffer)
print(b, b.dtype)
buffer = io.BytesIO()
t.save({'a': a, 'list': [a, a + 1]}, buffer)
buffer.seek(0)
loaded = t.load(buffer)
print(sorted(loaded.keys()), loaded['list'][1])
# vectorised vs loop
def for_loop_add(x, y):
    result = []
    for i, j in zip(x, y):
        result.append(i + j)
    return t.Tensor(result)
x = t.zeros(100)
y = t.ones(100)
print(for_loop_add(x, y).sum(), (x + y).sum())
a = t.arange(0, 200000)
print(a[-1], a[-2])
b = t.LongTensor()
t.arange(0, 20000, out=b)
print(b[-1], b[-2])
# autograd
x = t.ones(2, 2, requires_grad=True)
a = t.randn(3, 4).requires_grad_()
b = t.zeros(3, 4).requires_grad_()
print(a.requires_grad, b.requires_grad)
c = a.add(b)
d = c.sum()
d.backward()
print(d.requires_grad, a.grad)
print(a.requires_grad, b.requires_grad, c.requires_grad)
print(a.is_leaf, b.is_leaf, c.is_leaf)
print(c.grad is None)
def f(x):
    y = x ** 2 * t.exp(x)
    return y
def gradf(x):
    dx = 2 * x * t.exp(x) + x ** 2 * t.exp(x)
    return dx
x = t.randn(3, 4, requires_grad=True)
y = f(x)
print(y)
y.backward(t.ones(y.size()))
print(x.grad)
print(gradf(x))
x = t.ones(1)
b = t.rand(1, requires_grad=True)
w = t.rand(1, requires_grad=True)
y = w * x
z = y + b
print(x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad)
print(x.is_leaf, w.is_leaf, b.is_leaf, y.is_leaf, z.is_leaf)
print(z.grad_fn)
print(z.grad_fn.next_functions)
print(z.grad_fn.next_functions[0][0] == y.grad_fn)
print(y.grad_fn.next_functions)
print(w.grad_fn, x.grad_fn)
z.backward(retain_graph=True)
print(w.grad)
z.backward()
print(w.grad)
def abs(x):
    if x.data[0] > 0:
        return x
    else:
        return -x
x = t.ones(1, requires_grad=True)
y = abs(x)
y.backward()
print(x.grad)
x = -1 * t.ones(1)
x = x.requires_grad_()
y = abs(x)
y.backward()
print(x.grad)
def f(x):
    result = 1
    for ii in x:
        if ii.item() > 0:
            result = ii * result
    return result
x = t.arange(-2, 4, dtype=t.float32).requires_grad_()
y = f(x)
y.backward()
print(x.grad)
x = t.ones(1, requires_grad=True)
w = t.rand(1, requires_grad=True)
y = x * w
print(x.requires_grad, w.requires_grad, y.requires_grad)
with t.no_grad():
    x = t.ones(1)
    w = t.rand(1, requires_grad=True)
    y = x * w
print(x.requires_grad, w.requires_grad, y.requires_grad)
print(t.set_grad_enabled(False))
x = t.ones(1)
w = t.rand(1, requires_grad=True)
y = x * w
print(x.requires_grad, w.requires_grad, y.requires_grad)
t.set_grad_enabled(True)
a = t.ones(3, 4, requires_grad=True)
b = t.ones(3, 4, requires_grad=True)
c = a * b
print(a.data, a.data.requires_grad)
d = a.data.sigmoid_()
print(d.requires_grad, a)
tensor = a.detach()
print(tensor.requires_grad)
mean = tensor.sum()
print(mean)
tensor.sigmoid_()
print(a)
x = t.ones(3, requires_grad=True)
w = t.rand(3, requires_grad=True)
y = x * w
z = y.sum()
print(x.requires_grad, w.requires_grad, y.requires_grad)
z.backward()
print(x.grad, w.grad, y.grad)
x = t.ones(3, requires_grad=True)
w = t.rand(3, requires_grad=True)
y = x * w
z = y.sum()
print(t.autograd.grad(z, y))
def variable_hook(grad):
    print('y grad: ', grad)
x = t.ones(3, requires_grad=True)
w = t.rand(3, requires_grad=True)
y = x * w
hook_handle = y.register_hook(variable_hook)
z = y.sum()
z.backward()
hook_handle.remove()
x.register_hook(lambda g: g * 2)
(x * 3).sum().backward()
print(x.grad)
x = t.arange(0, 3, dtype=t.float32, requires_grad=True)
y = x ** 2 + x * 2
z = y.sum()
z.backward()
print(x.grad)
x = t.arange(0, 3, dtype=t.float32, requires_grad=True)
y = x ** 2 + x * 2
z = y.sum()
y_gradient = t.Tensor([1, 1, 1])
y.backward(y_gradient)
print(x.grad)
# a custom Function checked with gradcheck
class MultiplyAdd(Function):
    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        output = w * x + b
        return output
    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        grad_w = grad_output * x
        grad_x = grad_output * w
        grad_b = grad_output * 1
        return grad_w, grad_x, grad_b
x = t.ones(1)
w = t.rand(1, requires_grad=True)
b = t.rand(1, requires_grad=True)
z = MultiplyAdd.apply(w, x, b)
z.backward()
print(x.grad, w.grad, b.grad)
print(z.grad_fn, type(z.grad_fn).__name__)
x = t.ones(1)
w = t.rand(1, requires_grad=True)
b = t.rand(1, requires_grad=True)
z = MultiplyAdd.apply(w, x, b)
print(z.grad_fn.apply(t.ones(1)))
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        output = 1 / (1 + t.exp(-x))
        ctx.save_for_backward(output)
        return output
    @staticmethod
    def backward(ctx, grad_output):
        output, = ctx.saved_tensors
        grad_x = output * (1 - output) * grad_output
        return grad_x
test_input = t.randn(3, 4, requires_grad=True).double()
print(t.autograd.gradcheck(Sigmoid.apply, (test_input,), eps=1e-3))
def f_sigmoid(x):
    y = Sigmoid.apply(x)
    y.backward(t.ones(x.size()))
def f_naive(x):
    y = 1 / (1 + t.exp(-x))
    y.backward(t.ones(x.size()))
def f_th(x):
    y = t.sigmoid(x)
    y.backward(t.ones(x.size()))
x = t.randn(100, requires_grad=True)
for fn in (f_sigmoid, f_naive, f_th):
    x.grad = None
    fn(x)
    print(fn.__name__, x.grad[:3])
# linear regression with autograd
t.manual_seed(1000)
def get_fake_data(batch_size=8):
    x = t.rand(batch_size, 1) * 5
    y = x * 2 + 3 + t.randn(batch_size, 1)
    return x, y
w = t.rand(1, 1, requires_grad=True)
b = t.zeros(1, 1, requires_grad=True)
lr = 0.005
for ii in range(120):  # the book's 500
    x, y = get_fake_data(batch_size=32)
    y_pred = x.mm(w) + b.expand_as(y)
    loss = 0.5 * (y_pred - y) ** 2
    loss = loss.sum()
    loss.backward()
    w.data.sub_(lr * w.grad.data)
    b.data.sub_(lr * b.grad.data)
    w.grad.data.zero_()
    b.grad.data.zero_()
    if ii % 40 == 0:
        print(ii, loss.item())
print('w: ', w.item(), 'b: ', b.item())
# the nn chapter
class Linear(nn.Module):
    def __init__(self, in_features, out_features):
        super(Linear, self).__init__()
        self.w = nn.Parameter(t.randn(in_features, out_features))
        self.b = nn.Parameter(t.randn(out_features))
    def forward(self, x):
        x = x.mm(self.w)
        return x + self.b.expand_as(x)
layer = Linear(4, 3)
input = t.randn(2, 4)
output = layer(input)
print(output)
for name, parameter in layer.named_parameters():
    print(name, parameter)
class Perceptron(nn.Module):
    def __init__(self, in_features, hidden_features, out_features):
        nn.Module.__init__(self)
        self.layer1 = Linear(in_features, hidden_features)
        self.layer2 = Linear(hidden_features, out_features)
    def forward(self, x):
        x = self.layer1(x)
        x = t.sigmoid(x)
        return self.layer2(x)
perceptron = Perceptron(3, 4, 1)
for name, param in perceptron.named_parameters():
    print(name, param.size())
print(perceptron)
net1 = nn.Sequential()
net1.add_module('conv', nn.Conv2d(3, 3, 3))
net1.add_module('batchnorm', nn.BatchNorm2d(3))
net1.add_module('activation_layer', nn.ReLU())
net2 = nn.Sequential(
    nn.Conv2d(3, 3, 3),
    nn.BatchNorm2d(3),
    nn.ReLU()
)
from collections import OrderedDict
net3 = nn.Sequential(OrderedDict([
    ('conv1', nn.Conv2d(3, 3, 3)),
    ('bn1', nn.BatchNorm2d(3)),
    ('relu1', nn.ReLU())
]))
print('net1:', net1)
print('net2:', net2)
print('net3:', net3)
print(net1.conv, net2[0], net3.conv1)
input = t.rand(1, 3, 4, 4)
output = net1(input)
output = net2(input)
output = net3(input)
output = net3.relu1(net1.batchnorm(net1.conv(input)))
print(output.shape, output.grad_fn)
modellist = nn.ModuleList([nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)])
input = t.randn(1, 3)
for model in modellist:
    input = model(input)
print(input)
class MyModule(nn.Module):
    def __init__(self):
        super(MyModule, self).__init__()
        self.list = [nn.Linear(3, 4), nn.ReLU()]
        self.module_list = nn.ModuleList([nn.Conv2d(3, 3, 3), nn.ReLU()])
    def forward(self):
        pass
model = MyModule()
print(model)
for name, param in model.named_parameters():
    print(name, param.size())
t.manual_seed(1000)
input = t.randn(2, 3, 4)  # seq_len 2, batch 3, features 4
lstm = nn.LSTM(4, 3, 1)
h0 = t.randn(1, 3, 3)
c0 = t.randn(1, 3, 3)
out, hn = lstm(input, (h0, c0))
print(out)
print(hn[0].shape, hn[1].grad_fn)
t.manual_seed(1000)
input = t.randn(2, 3, 4)
lstm = nn.LSTMCell(4, 3)
hx = t.randn(3, 3)
cx = t.randn(3, 3)
out = []
for i_ in input:
    hx, cx = lstm(i_, (hx, cx))
    out.append(hx)
print(t.stack(out))
embedding = nn.Embedding(4, 5)
try:  # the book's line, written for torch 0.4: an integer .data for a parameter is refused now
    embedding.weight.data = t.arange(0, 20).view(4, 5)
except RuntimeError as e:
    print(e)
embedding.weight.data = t.arange(0, 20).view(4, 5).float()
input = t.arange(3, 0, -1).long()
output = embedding(input)
print(output)
embedding = nn.Embedding(4, 5)
embedding.weight.data = t.arange(0, 20).view(4, 5).float()
output = embedding(t.tensor([[1, 2], [0, 3]]))
print(output, output.grad_fn)
score = t.randn(3, 2)
label = t.Tensor([1, 0, 1]).long()
criterion = nn.CrossEntropyLoss()
loss = criterion(score, label)
print(loss)
# optimizers with per-layer learning rates
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
                                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.classifier = nn.Sequential(nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84),
                                        nn.ReLU(), nn.Linear(84, 10))
    def forward(self, x):
        x = self.features(x)
        x = x.view(-1, 16 * 5 * 5)
        x = self.classifier(x)
        return x
net = Net()
optimizer = t.optim.SGD(params=net.parameters(), lr=1)
optimizer.zero_grad()
input = t.randn(1, 3, 32, 32)
output = net(input)
output.backward(output)
optimizer.step()
optimizer = t.optim.SGD([{'params': net.features.parameters()},
                         {'params': net.classifier.parameters(), 'lr': 1e-2}], lr=1e-5)
print(optimizer)
special_layers = nn.ModuleList([net.classifier[0], net.classifier[3]])
special_layers_params = list(map(id, special_layers.parameters()))
base_params = filter(lambda p: id(p) not in special_layers_params, net.parameters())
optimizer = t.optim.SGD([{'params': base_params}, {'params': special_layers.parameters(), 'lr': 0.01}], lr=0.001)
print(optimizer)
old_lr = 0.1
optimizer1 = t.optim.SGD([{'params': net.features.parameters()},
                          {'params': net.classifier.parameters(), 'lr': old_lr * 0.1}], lr=1e-5)
for param_group in optimizer.param_groups:
    param_group['lr'] *= 0.1
print([g['lr'] for g in optimizer.param_groups], [g['lr'] for g in optimizer1.param_groups])
input = t.randn(2, 3)
model = nn.Linear(3, 4)
output1 = model(input)
output2 = F.linear(input, model.weight, model.bias)
print(output1 == output2)
b = F.relu(input)
b2 = nn.ReLU()(input)
print(b == b2)
def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_normal_(m.weight)
t.manual_seed(1)
linear = nn.Linear(3, 4)
init_weights(linear)
print(linear.weight)
std = (2 / 7.) ** 0.5
t.manual_seed(1)
print(linear.weight.data.normal_(0, std))
for name, params in net.named_parameters():
    if name.find('linear') != -1:
        params[0]
        params[1]
    elif name.find('conv') != -1:
        pass
    elif name.find('norm') != -1:
        pass
print(net.state_dict().keys())
t.save(net.state_dict(), buffer := io.BytesIO())
buffer.seek(0)
net2 = Net()
print(net2.load_state_dict(t.load(buffer)))
# poetry generation: an Embedding + LSTM language model over poems
poems = ["床前明月光疑是地上霜举头望明月低头思故乡", "白日依山尽黄河入海流欲穷千里目更上一层楼",
         "春眠不觉晓处处闻啼鸟夜来风雨声花落知多少", "红豆生南国春来发几枝愿君多采撷此物最相思"]
chars = sorted(set(''.join(poems)))
word2ix = {'<START>': 0, '<EOP>': 1, '</s>': 2}
for c in chars:
    word2ix[c] = len(word2ix)
ix2word = {ix: w for w, ix in word2ix.items()}
data = [[word2ix['<START>']] + [word2ix[c] for c in p] + [word2ix['<EOP>']] for p in poems]
data = t.from_numpy(np.array(data))
print(data.shape, data.dtype, len(word2ix))
class PoetryModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim):
        super(PoetryModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, self.hidden_dim, num_layers=2)
        self.linear1 = nn.Linear(self.hidden_dim, vocab_size)
    def forward(self, input, hidden=None):
        seq_len, batch_size = input.size()
        if hidden is None:
            h_0 = input.data.new(2, batch_size, self.hidden_dim).fill_(0).float()
            c_0 = input.data.new(2, batch_size, self.hidden_dim).fill_(0).float()
        else:
            h_0, c_0 = hidden
        # size: (seq_len,batch_size,embeding_dim)
        embeds = self.embeddings(input)
        # output size: (seq_len,batch_size,hidden_dim)
        output, hidden = self.lstm(embeds, (h_0, c_0))
        # size: (seq_len*batch_size,vocab_size)
        output = self.linear1(output.view(seq_len * batch_size, -1))
        return output, hidden
t.manual_seed(7)
model = PoetryModel(len(word2ix), 16, 32)
optimizer = t.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
dataloader = t.utils.data.DataLoader(data, batch_size=2, shuffle=True, num_workers=0)
for epoch in range(10):
    for ii, data_ in enumerate(dataloader):
        data_ = data_.long().transpose(1, 0).contiguous()
        optimizer.zero_grad()
        input_, target = data_[:-1, :], data_[1:, :]
        output, _ = model(input_)
        loss = criterion(output, target.view(-1))
        loss.backward()
        optimizer.step()
    if epoch % 3 == 0:
        print(epoch, '%.4f' % loss.item(), output.shape, target.is_contiguous())
def generate(model, start_words, ix2word, word2ix, prefix_words=None):
    results = list(start_words)
    start_word_len = len(start_words)
    input = t.Tensor([word2ix['<START>']]).view(1, 1).long()
    hidden = None
    if prefix_words:
        for word in prefix_words:
            output, hidden = model(input, hidden)
            input = input.data.new([word2ix[word]]).view(1, 1)
    for i in range(20):
        output, hidden = model(input, hidden)
        if i < start_word_len:
            w = results[i]
            input = input.data.new([word2ix[w]]).view(1, 1)
        else:
            top_index = output.data[0].topk(1)[1][0].item()
            w = ix2word[top_index]
            results.append(w)
            input = input.data.new([top_index]).view(1, 1)
        if w == '<EOP>':
            del results[-1]
            break
    return results
print(''.join(generate(model, '床前', ix2word, word2ix)))
print(''.join(generate(model, '春眠', ix2word, word2ix, prefix_words='红豆')))
def gen_acrostic(model, start_words, ix2word, word2ix):
    results = []
    start_word_len = len(start_words)
    input = (t.Tensor([word2ix['<START>']]).view(1, 1).long())
    hidden = None
    index = 0
    pre_word = '<START>'
    for i in range(24):
        output, hidden = model(input, hidden)
        top_index = output.data[0].topk(1)[1][0].item()
        w = ix2word[top_index]
        if (pre_word in {u'。', u'！', '<START>'}):
            if index == start_word_len:
                break
            else:
                w = start_words[index]
                index += 1
                input = (input.data.new([word2ix[w]])).view(1, 1)
        else:
            input = (input.data.new([word2ix[w]])).view(1, 1)
        results.append(w)
        pre_word = w
    return results
print(''.join(gen_acrostic(model, '白红', ix2word, word2ix)))
o = model(data[:, :3].t().contiguous().long())[0]
print(o.shape, o.data[0].topk(1), o.data[0].topk(1)[1][0])
