import tinygrad_rnn as torch
# Justin Johnson's "Learning PyTorch with Examples" as first published (PyTorch 0.3/0.4): dtype as
# torch.FloatTensor and .type(dtype), autograd.Variable, updates through .data and .grad.data,
# loss.data[0] (refused now: a 0-dim tensor), MSELoss(size_average=False) (deprecated, warns),
# and the nn/optim/custom-module versions of the same two-layer net in that style.
Variable = torch.autograd.Variable

dtype = torch.FloatTensor
torch.manual_seed(1)
N, D_in, H, D_out = 16, 30, 20, 5
x = Variable(torch.randn(N, D_in).type(dtype), requires_grad=False)
y = Variable(torch.randn(N, D_out).type(dtype), requires_grad=False)
w1 = Variable(torch.randn(D_in, H).type(dtype), requires_grad=True)
w2 = Variable(torch.randn(H, D_out).type(dtype), requires_grad=True)
print(type(x).__name__, x.type(), x.requires_grad, w1.requires_grad, w1.is_leaf, x.data.shape)

learning_rate = 1e-6
for t in range(60):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t == 0:
        try:
            print(t, loss.data[0])
        except IndexError as error:
            print(type(error).__name__, error)
    if t % 20 == 19:
        print(t, loss.item(), loss.data, loss.data.requires_grad)
    loss.backward()
    w1.data -= learning_rate * w1.grad.data
    w2.data -= learning_rate * w2.grad.data
    w1.grad.data.zero_()
    w2.grad.data.zero_()
print(w1.grad.abs().sum(), w1.data.requires_grad, w1.grad_fn, w2.data[0, :3])

model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(size_average=False)
print(loss_fn, loss_fn.reduction)
learning_rate = 1e-4
for t in range(60):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 20 == 19:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    for param in model.parameters():
        param.data -= learning_rate * param.grad.data
print([tuple(p.grad.shape) for p in model.parameters()], model[0].bias.data[:3])

optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for t in range(40):
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("adam", loss.item(), optimizer.param_groups[0]["betas"], optimizer.param_groups[0]["eps"])


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


model = TwoLayerNet(D_in, H, D_out)
criterion = torch.nn.MSELoss(reduce=False)
print(criterion.reduction, criterion(model(x), y).shape)
criterion = torch.nn.MSELoss(size_average=True)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
for t in range(40):
    loss = criterion(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("sgd", loss.item(), criterion.reduction, torch.nn.functional.mse_loss(model(x), y, size_average=False).item())
print(torch.randn(2, 2).type(torch.DoubleTensor).dtype, torch.FloatTensor(2, 3).zero_(), torch.LongTensor([1, 2]).type())
