import tinygrad_rnn as torch
# A 2018-era MNIST-style classifier blog post, run on torch 2.x: autograd.Variable wrappers, the
# deprecated nn.init names without underscore, F.softmax/F.log_softmax without dim, the
# add_(scalar, tensor) update overload, size_average/reduce loss arguments, clip_grad_norm without
# underscore and `correct / total` arithmetic on tensors. Every deprecation warning is part of the output.
import numpy as np

Variable = torch.autograd.Variable
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(7)
# torch warns of each deprecated add_/addcmul_ overload once per process: every time here, as a fresh run would
torch.set_warn_always(True)

X = torch.randn(48, 10)
W_true = torch.randn(10, 3)
Y = (X.mm(W_true)).max(1)[1]
print(X.size(), Y.size(), Y[:10])


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(10, 16)
        self.fc2 = nn.Linear(16, 3)
        nn.init.xavier_uniform(self.fc1.weight)
        nn.init.constant(self.fc1.bias, 0.1)
        nn.init.xavier_normal(self.fc2.weight, gain=nn.init.calculate_gain("relu"))
        nn.init.normal(self.fc2.bias, 0, 0.01)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        return F.log_softmax(self.fc2(x))


model = Net()
print(model)
print(model.fc1.bias.data[:4], model.fc2.weight.data.std())
lr = 0.1
for epoch in range(5):
    model.train()
    for i in range(0, 48, 16):
        data, target = Variable(X[i:i + 16]), Variable(Y[i:i + 16])
        model.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target, size_average=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm(model.parameters(), 5.0)
        for p in model.parameters():
            p.data.add_(-lr, p.grad.data)
    print("Epoch {} loss {:.6f} grad norm {:.4f}".format(epoch, loss.data.item(), float(norm)))

model.eval()
test_loss, correct = 0, 0
with torch.no_grad():
    data, target = Variable(X), Variable(Y)
    output = model(data)
    test_loss += F.nll_loss(output, target, size_average=False).data.item()
    pred = output.data.max(1, keepdim=True)[1]
    correct += pred.eq(target.data.view_as(pred)).cpu().sum()
test_loss /= len(X)
print("Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)".format(
    test_loss, correct, len(X), 100. * correct / len(X)))
print(type(correct), correct.dtype, 100. * correct / len(X))

probs = F.softmax(Variable(torch.randn(2, 3)))
print(probs, probs.sum(1))
print(F.softmax(torch.randn(4)), F.log_softmax(torch.randn(2, 2, 2)).exp().sum(0))
print(F.softmin(torch.tensor([[1.0, 2.0, 3.0]])))

T = 4.0  # Hinton-style distillation as 2018 repos wrote it: kl_div summed with size_average=False
teacher = torch.randn(4, 3)
student = model.fc2(F.relu(model.fc1(X[:4])))
kd = F.kl_div(F.log_softmax(student / T, dim=1), F.softmax(teacher / T, dim=1), size_average=False) * T * T / 4
print(kd, F.kl_div(F.log_softmax(student, 1), F.softmax(teacher, 1), reduce=True, reduction='batchmean'))
crit = nn.CrossEntropyLoss(reduce=False)
print(crit.reduction, crit(model.fc2(F.relu(model.fc1(X[:4]))), Y[:4]))
crit = nn.BCELoss(size_average=False)
print(crit.reduction, crit(torch.sigmoid(torch.randn(3)), torch.tensor([0., 1., 1.])))
crit = nn.NLLLoss2d()  # FCN-era segmentation: per-pixel NLL on (N, C, H, W)
print(crit, crit(F.log_softmax(torch.randn(1, 3, 2, 2), dim=1), torch.LongTensor([[[0, 1], [2, 1]]])))
crit = nn.L1Loss(size_average=False, reduce=True)
print(crit.reduction, crit(torch.ones(2, 2), torch.zeros(2, 2)))

w = torch.zeros(2, 3)
nn.init.uniform(w, -0.5, 0.5)
nn.init.kaiming_normal(w)
nn.init.kaiming_uniform(w, mode="fan_out")
nn.init.orthogonal(w)
nn.init.sparse(w, 0.5)
nn.init.eye(torch.empty(2, 2))
print(w.shape, (w == 0).sum(0))

v = Variable(torch.ones(2, 2), requires_grad=True)
t = v.clone()
t.addcmul_(0.5, v, v)
t.addcdiv_(2, v, v + 1)
print(t, t.grad_fn)
t.sum().backward()
print(v.grad)
print(torch.add(torch.ones(2), 3, torch.ones(2)), torch.ones(2).add(2, torch.ones(2)))
print(np.round(Variable(torch.arange(4.)).data.numpy(), 2), Variable(torch.arange(3)).data.tolist())
torch.set_warn_always(False)
