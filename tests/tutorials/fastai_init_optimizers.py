import tinygrad_rnn as torch
import math
from functools import partial
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
lr_scheduler = torch.optim.lr_scheduler
# fast.ai part 2 (2022), 11_initializing and 12_accel_sgd: GeneralRelu, kaiming init, LSUV, BatchNorm and
# LayerNorm written by hand, SGD/Momentum/RMSProp/Adam written by hand, then torch's schedulers.
torch.manual_seed(42)
x = torch.randn(64, 1, 8, 8)
y = torch.randint(0, 10, (64,))
class GeneralRelu(nn.Module):
    def __init__(self, leak=None, sub=None, maxv=None):
        super().__init__()
        self.leak, self.sub, self.maxv = leak, sub, maxv
    def forward(self, x):
        x = F.leaky_relu(x, self.leak) if self.leak is not None else F.relu(x)
        if self.sub is not None: x.sub_(self.sub)
        if self.maxv is not None: x.clamp_max_(self.maxv)
        return x
r = GeneralRelu(leak=0.1, sub=0.4)(torch.linspace(-4, 4, 9))
print(r, r.grad_fn)
t = torch.linspace(-4, 4, 9).requires_grad_()
out = GeneralRelu(leak=0.1, sub=0.4, maxv=2.5)(t * 1)
out.sum().backward()
print(out, out.grad_fn.name(), t.grad)
def conv(ni, nf, ks=3, stride=2, act=nn.ReLU, norm=None, bias=None):
    if bias is None: bias = not isinstance(norm, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))
    layers = [nn.Conv2d(ni, nf, stride=stride, kernel_size=ks, padding=ks // 2, bias=bias)]
    if norm: layers.append(norm(nf))
    if act: layers.append(act())
    return nn.Sequential(*layers)
def get_model(act=nn.ReLU, nfs=None, norm=None):
    if nfs is None: nfs = [1, 4, 8, 16]
    layers = [conv(nfs[i], nfs[i + 1], act=act, norm=norm) for i in range(len(nfs) - 1)]
    return nn.Sequential(*layers, conv(nfs[-1], 10, act=None, norm=False, bias=True), nn.Flatten()).to('cpu')
def init_weights(m, leaky=0.):
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)): nn.init.kaiming_normal_(m.weight, a=leaky)
act_gr = partial(GeneralRelu, leak=0.1, sub=0.4)
iw = partial(init_weights, leaky=0.1)
torch.manual_seed(1)
model = get_model(act_gr).apply(iw)
print(model[0][0].weight.std(), model[1][0].weight.std(), model[0])
w = torch.empty(16, 8, 3, 3)
nn.init.kaiming_normal_(w, a=0.1, mode='fan_out', nonlinearity='leaky_relu')
print(w.std(), nn.init.calculate_gain('leaky_relu', 0.1), nn.init.calculate_gain('relu'))
nn.init.kaiming_uniform_(w, a=math.sqrt(5))
print(w.abs().max(), w.mean())
nn.init.xavier_normal_(w)
print(w.std())
class Hook():
    def __init__(self, m, f): self.hook = m.register_forward_hook(partial(f, self))
    def remove(self): self.hook.remove()
    def __del__(self): self.remove()
def _lsuv_stats(hook, mod, inp, outp):
    acts = outp.detach()
    hook.mean = acts.mean()
    hook.std = acts.std()
def lsuv_init(model, m, m_in, xb):
    h = Hook(m, _lsuv_stats)
    with torch.no_grad():
        while model(xb) is not None and (abs(h.std - 1) > 1e-3 or abs(h.mean) > 1e-3):
            m_in.bias -= h.mean
            m_in.weight.data /= h.std
    h.remove()
torch.manual_seed(1)
model = get_model(act_gr)
relus = [o for o in model.modules() if isinstance(o, GeneralRelu)]
convs = [o for o in model.modules() if isinstance(o, nn.Conv2d)]
for ms in zip(relus, convs): lsuv_init(model, *ms, x)
for c in convs: print(f'{c.weight.std():.4f}', f'{c.bias.mean():.4f}')
class LayerNorm(nn.Module):
    def __init__(self, dummy, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.mult = nn.Parameter(torch.tensor(1.))
        self.add = nn.Parameter(torch.tensor(0.))
    def forward(self, x):
        m = x.mean((1, 2, 3), keepdim=True)
        v = x.var((1, 2, 3), keepdim=True)
        x = (x - m) / ((v + self.eps).sqrt())
        return x * self.mult + self.add
class BatchNorm(nn.Module):
    def __init__(self, nf, mom=0.1, eps=1e-5):
        super().__init__()
        self.mom, self.eps = mom, eps
        self.mults = nn.Parameter(torch.ones(nf, 1, 1))
        self.adds = nn.Parameter(torch.zeros(nf, 1, 1))
        self.register_buffer('vars', torch.ones(1, nf, 1, 1))
        self.register_buffer('means', torch.zeros(1, nf, 1, 1))
    def update_stats(self, x):
        m = x.mean((0, 2, 3), keepdim=True)
        v = x.var((0, 2, 3), keepdim=True)
        self.means.lerp_(m, self.mom)
        self.vars.lerp_(v, self.mom)
        return m, v
    def forward(self, x):
        if self.training:
            with torch.no_grad(): m, v = self.update_stats(x)
        else: m, v = self.means, self.vars
        x = (x - m) / (v + self.eps).sqrt()
        return x * self.mults + self.adds
bn = BatchNorm(4)
xx = torch.randn(8, 4, 3, 3) * 3 + 1
out = bn(xx)
print(out.mean((0, 2, 3)).abs().max() < 1e-5, out.std((0, 2, 3)), bn.means.flatten(), bn.vars.flatten())
print(list(bn.state_dict().keys()), [n for n, _ in bn.named_buffers()])
bn.eval()
print(bn(xx)[0, 0, 0], out.grad_fn.name())
ln = LayerNorm(4)
print(ln(xx).mean((1, 2, 3)).abs().max() < 1e-5, ln(xx).grad_fn.name())
tbn = nn.BatchNorm2d(4)
tout = tbn(xx)
print(tbn.running_mean, tbn.running_var, tbn.num_batches_tracked, (tout - bn.train()(xx)).abs().max() < 1e-4)
print(nn.LayerNorm([4, 3, 3])(xx).std((1, 2, 3), unbiased=False))
torch.manual_seed(1)
model = get_model(act_gr, norm=BatchNorm).apply(iw)
print(model[1])
class SGD:
    def __init__(self, params, lr, wd=0.):
        params = list(params)
        self.params, self.lr, self.wd = params, lr, wd
        self.i = 0
    def step(self):
        with torch.no_grad():
            for p in self.params:
                self.reg_step(p)
                self.opt_step(p)
        self.i += 1
    def opt_step(self, p): p -= p.grad * self.lr
    def reg_step(self, p):
        if self.wd != 0: p *= 1 - self.lr * self.wd
    def zero_grad(self):
        for p in self.params: p.grad.data.zero_()
class Momentum(SGD):
    def __init__(self, params, lr, wd=0., mom=0.9):
        super().__init__(params, lr=lr, wd=wd)
        self.mom = mom
    def opt_step(self, p):
        if not hasattr(p, 'grad_avg'): p.grad_avg = torch.zeros_like(p.grad)
        p.grad_avg = p.grad_avg * self.mom + p.grad * (1 - self.mom)
        p -= self.lr * p.grad_avg
class RMSProp(SGD):
    def __init__(self, params, lr, wd=0., sqr_mom=0.99, eps=1e-5):
        super().__init__(params, lr=lr, wd=wd)
        self.sqr_mom, self.eps = sqr_mom, eps
    def opt_step(self, p):
        if not hasattr(p, 'sqr_avg'): p.sqr_avg = p.grad ** 2
        p.sqr_avg = p.sqr_avg * self.sqr_mom + p.grad ** 2 * (1 - self.sqr_mom)
        p -= self.lr * p.grad / (p.sqr_avg.sqrt() + self.eps)
class Adam(SGD):
    def __init__(self, params, lr, wd=0., beta1=0.9, beta2=0.99, eps=1e-5):
        super().__init__(params, lr=lr, wd=wd)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
    def opt_step(self, p):
        if not hasattr(p, 'avg'): p.avg = torch.zeros_like(p.grad.data)
        if not hasattr(p, 'sqr_avg'): p.sqr_avg = torch.zeros_like(p.grad.data)
        p.avg = self.beta1 * p.avg + (1 - self.beta1) * p.grad
        unbias_avg = p.avg / (1 - (self.beta1 ** (self.i + 1)))
        p.sqr_avg = self.beta2 * p.sqr_avg + (1 - self.beta2) * (p.grad ** 2)
        unbias_sqr_avg = p.sqr_avg / (1 - (self.beta2 ** (self.i + 1)))
        p -= self.lr * unbias_avg / (unbias_sqr_avg + self.eps).sqrt()
class GradAvgMomentum(SGD):
    def __init__(self, params, lr, mom=0.9):
        super().__init__(params, lr=lr)
        self.mom = mom
    def opt_step(self, p):
        if not hasattr(p, 'grad_avg'): p.grad_avg = torch.zeros_like(p.grad)
        p.grad_avg.lerp_(p.grad, 1 - self.mom)
        p.sub_(p.grad_avg, alpha=self.lr)
def train(opt_func, steps=4, **kw):
    torch.manual_seed(1)
    model = get_model(act_gr, norm=nn.BatchNorm2d).apply(iw)
    opt = opt_func(model.parameters(), **kw)
    for i in range(steps):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        print(opt_func.__name__, i, f'{loss.item():.5f}')
    return model
train(SGD, lr=0.4, wd=1e-4)
train(Momentum, lr=0.2, wd=1e-4)
train(RMSProp, lr=3e-3)
train(Adam, lr=6e-3)
m = train(GradAvgMomentum, lr=0.1)
p = next(iter(m.parameters()))
print(p.grad_avg.shape, p.grad_avg.flatten()[:3])
print(' '.join(o for o in dir(lr_scheduler) if o[0].isupper() and o[1].islower()))
torch.manual_seed(1)
model = get_model(act_gr, norm=nn.BatchNorm2d).apply(iw)
opt = optim.SGD(model.parameters(), lr=0.1)
print(list(opt.param_groups[0].keys()), len(opt.state), opt.param_groups[0]['lr'])
sched = lr_scheduler.CosineAnnealingLR(opt, 10)
print(sched.base_lrs, sched.get_last_lr())
for i in range(12):
    opt.step()
    sched.step()
    print(i, f"{sched.get_last_lr()[0]:.6f}", f"{opt.param_groups[0]['lr']:.6f}")
loss = F.cross_entropy(model(x), y)
loss.backward()
opt = optim.Adam(model.parameters(), lr=1e-2, betas=(0.9, 0.99), eps=1e-5, weight_decay=1e-4)
opt.step()
param = next(iter(model.parameters()))
st = opt.state[param]
print(list(st.keys()), st['step'], st['exp_avg'].flatten()[:3], st['exp_avg_sq'].flatten()[:3])
sched = lr_scheduler.OneCycleLR(opt, max_lr=6e-2, total_steps=10)
print(opt.param_groups[0]['lr'], opt.param_groups[0]['betas'], opt.param_groups[0]['initial_lr'],
      opt.param_groups[0]['max_lr'], opt.param_groups[0]['min_lr'])
for i in range(10):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    sched.step()
    print(i, f'{loss.item():.5f}', sched.get_last_lr(), opt.param_groups[0]['lr'], opt.param_groups[0]['betas'])
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=2, steps_per_epoch=3, pct_start=0.25)
for i in range(6):
    opt.step()
    sched.step()
    print(i, sched.get_last_lr(), opt.param_groups[0]['momentum'])
print(sched.state_dict()['total_steps'], sched.last_epoch)
