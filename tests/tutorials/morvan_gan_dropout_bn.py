import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
init = torch.nn.init
F = torch.nn.functional
Data = torch.utils.data
# MorvanZhou's PyTorch-Tutorial 406 GAN (a painter learning curves between two parabolas; first the old
# order of updates, which modern torch refuses, then the order that works), 503 dropout and 504 batch
# normalization (layers registered with setattr, BatchNorm1d with momentum=0.5, custom init). Shrunk: 30 GAN
# steps (the tutorial's 10000), 50 dropout steps (500), 96 batch-norm samples (2000).
torch.manual_seed(1)
np.random.seed(1)
BATCH_SIZE = 16
LR_G = 0.0001
LR_D = 0.0001
N_IDEAS = 5
ART_COMPONENTS = 15
PAINT_POINTS = np.vstack([np.linspace(-1, 1, ART_COMPONENTS) for _ in range(BATCH_SIZE)])


def artist_works():
    a = np.random.uniform(1, 2, size=BATCH_SIZE)[:, np.newaxis]
    paintings = a * np.power(PAINT_POINTS, 2) + (a - 1)
    paintings = torch.from_numpy(paintings).float()
    return paintings


G = nn.Sequential(nn.Linear(N_IDEAS, 32), nn.ReLU(), nn.Linear(32, ART_COMPONENTS))
D = nn.Sequential(nn.Linear(ART_COMPONENTS, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())
opt_D = torch.optim.Adam(D.parameters(), lr=LR_D)
opt_G = torch.optim.Adam(G.parameters(), lr=LR_G)
artist_paintings = artist_works()
G_ideas = torch.randn(BATCH_SIZE, N_IDEAS)
G_paintings = G(G_ideas)
prob_artist0 = D(artist_paintings)
prob_artist1 = D(G_paintings)
D_loss = - torch.mean(torch.log(prob_artist0) + torch.log(1. - prob_artist1))
G_loss = torch.mean(torch.log(1. - prob_artist1))
opt_D.zero_grad()
D_loss.backward(retain_graph=True)
opt_D.step()
opt_G.zero_grad()
try:
    G_loss.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e).split(";")[0])
for step in range(30):
    artist_paintings = artist_works()
    G_ideas = torch.randn(BATCH_SIZE, N_IDEAS, requires_grad=True)
    G_paintings = G(G_ideas)
    prob_artist1 = D(G_paintings)
    G_loss = torch.mean(torch.log(1. - prob_artist1))
    opt_G.zero_grad()
    G_loss.backward()
    opt_G.step()
    prob_artist0 = D(artist_paintings)
    prob_artist1 = D(G_paintings.detach())
    D_loss = - torch.mean(torch.log(prob_artist0) + torch.log(1. - prob_artist1))
    opt_D.zero_grad()
    D_loss.backward(retain_graph=True)
    opt_D.step()
    if step % 10 == 0:
        print(step, "D accuracy=%.2f (0.5 for D to converge)" % prob_artist0.data.numpy().mean(),
              "D score= %.2f (-1.38 for G to converge)" % -D_loss.data.numpy(), G_paintings.data[0, :3])
print(G_ideas.grad.shape, G_ideas.grad.abs().sum() > 0)
# 503 dropout
N_SAMPLES = 20
N_HIDDEN = 100
x = torch.unsqueeze(torch.linspace(-1, 1, N_SAMPLES), 1)
y = x + 0.3 * torch.normal(torch.zeros(N_SAMPLES, 1), torch.ones(N_SAMPLES, 1))
test_x = torch.unsqueeze(torch.linspace(-1, 1, N_SAMPLES), 1)
test_y = test_x + 0.3 * torch.normal(torch.zeros(N_SAMPLES, 1), torch.ones(N_SAMPLES, 1))
net_overfitting = torch.nn.Sequential(
    torch.nn.Linear(1, N_HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, N_HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, 1),
)
net_dropped = torch.nn.Sequential(
    torch.nn.Linear(1, N_HIDDEN), torch.nn.Dropout(0.5), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, N_HIDDEN), torch.nn.Dropout(0.5), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, 1),
)
print(net_overfitting)
print(net_dropped)
optimizer_ofit = torch.optim.Adam(net_overfitting.parameters(), lr=0.01)
optimizer_drop = torch.optim.Adam(net_dropped.parameters(), lr=0.01)
loss_func = torch.nn.MSELoss()
for t in range(50):
    pred_ofit = net_overfitting(x)
    pred_drop = net_dropped(x)
    loss_ofit = loss_func(pred_ofit, y)
    loss_drop = loss_func(pred_drop, y)
    optimizer_ofit.zero_grad()
    optimizer_drop.zero_grad()
    loss_ofit.backward()
    loss_drop.backward()
    optimizer_ofit.step()
    optimizer_drop.step()
    if t % 25 == 0:
        net_overfitting.eval()
        net_dropped.eval()
        test_pred_ofit = net_overfitting(test_x)
        test_pred_drop = net_dropped(test_x)
        print(t, "%.4f %.4f" % (loss_func(test_pred_ofit, test_y).data.numpy(),
                                loss_func(test_pred_drop, test_y).data.numpy()), net_dropped.training)
        net_overfitting.train()
        net_dropped.train()
print(net_dropped[1].training, net_dropped[1].p, net_dropped[1](torch.ones(2, 4)))
# 504 batch normalization
N_SAMPLES = 96
BATCH_SIZE = 32
EPOCH = 2
LR = 0.03
N_HIDDEN = 8
ACTIVATION = torch.tanh
B_INIT = -0.2
x = np.linspace(-7, 10, N_SAMPLES)[:, np.newaxis]
np.random.shuffle(x)
noise = np.random.normal(0, 2, x.shape)
y = np.square(x) - 5 + noise
test_x = torch.from_numpy(np.linspace(-7, 10, 50)[:, np.newaxis]).float()
train_x, train_y = torch.from_numpy(x).float(), torch.from_numpy(y).float()
train_dataset = Data.TensorDataset(train_x, train_y)
train_loader = Data.DataLoader(dataset=train_dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=0)


class Net(nn.Module):
    def __init__(self, batch_normalization=False):
        super(Net, self).__init__()
        self.do_bn = batch_normalization
        self.fcs = []
        self.bns = []
        self.bn_input = nn.BatchNorm1d(1, momentum=0.5)
        for i in range(4):
            input_size = 1 if i == 0 else 10
            fc = nn.Linear(input_size, 10)
            setattr(self, "fc%i" % i, fc)
            self._set_init(fc)
            self.fcs.append(fc)
            if self.do_bn:
                bn = nn.BatchNorm1d(10, momentum=0.5)
                setattr(self, "bn%i" % i, bn)
                self.bns.append(bn)
        self.predict = nn.Linear(10, 1)
        self._set_init(self.predict)

    def _set_init(self, layer):
        init.normal_(layer.weight, mean=0., std=.1)
        init.constant_(layer.bias, B_INIT)

    def forward(self, x):
        pre_activation = [x]
        if self.do_bn:
            x = self.bn_input(x)
        layer_input = [x]
        for i in range(4):
            x = self.fcs[i](x)
            pre_activation.append(x)
            if self.do_bn:
                x = self.bns[i](x)
            x = ACTIVATION(x)
            layer_input.append(x)
        out = self.predict(x)
        return out, layer_input, pre_activation


nets = [Net(batch_normalization=False), Net(batch_normalization=True)]
print(*nets)
print([n for n, _ in nets[1].named_children()], len(list(nets[1].parameters())), list(nets[1].state_dict())[:5])
opts = [torch.optim.Adam(net.parameters(), lr=LR) for net in nets]
loss_func = torch.nn.MSELoss()
for epoch in range(EPOCH):
    for net in nets[:2 - epoch]:  # (the BN net's eval after training reads running means of noise: see below)
        net.eval()
        pred, layer_input, pre_act = net(test_x)
        print(epoch, net.do_bn, "%.3f" % loss_func(pred, test_x.pow(2) - 5).item(),
              [round(li.std().item(), 4) for li in layer_input])
        net.train()
    for step, (b_x, b_y) in enumerate(train_loader):
        for net, opt in zip(nets, opts):
            pred, _, _ = net(b_x)
            loss = loss_func(pred, b_y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if epoch == 0 and step < 2:
                print(step, net.do_bn, "%.3f" % loss.item())
print(nets[1].bn_input.running_mean, nets[1].bn_input.running_var, nets[1].bn0.num_batches_tracked)
# The Linear biases before BatchNorm get gradients that are zero but for rounding, which Adam scales up to
# full-sized steps (and fc0's one-input weights only set a scale BatchNorm removes): the BN net's training is
# led by rounding noise in either library, so only its first steps are printed.
print(nets[1].fc0.bias.grad.abs().max() < 1e-4, nets[1].bn1.running_var.shape, nets[1].bn1.momentum)
