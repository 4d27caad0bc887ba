import tinygrad_rnn as torch
import math
import random
from contextlib import contextmanager
from copy import copy
from functools import partial
from operator import attrgetter
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
lr_scheduler = torch.optim.lr_scheduler
data = torch.utils.data
# fast.ai part 2 (2022), the miniai Learner as 09_learner ends it (callback contexts, DeviceCB, BatchTransformCB,
# lr_find), 10_activations' set_seed and ActivationStats, and 12_accel_sgd's scheduler callbacks (BaseSchedCB,
# BatchSchedCB, RecorderCB) with OneCycleLR on AdamW, on made-up 8x8 images.
def set_seed(seed, deterministic=False):
    torch.use_deterministic_algorithms(deterministic)
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
set_seed(42)
centers = torch.randn(10, 1, 8, 8)
def make(n):
    y = torch.randint(0, 10, (n,))
    return (centers[y] + 0.7 * torch.randn(n, 1, 8, 8)) * 3 + 1, y
xt, yt = make(96)  # three batches of 32 (the course: Fashion-MNIST's 60000)
xv, yv = make(32)
def_device = 'mps' if torch.backends.mps.is_available() else 'cuda' if torch.cuda.is_available() else 'cpu'
def to_device(x, device=def_device):
    if isinstance(x, torch.Tensor): return x.to(device)
    if isinstance(x, dict): return {k: v.to(device) for k, v in x.items()}
    return type(x)(to_device(o, device) for o in x)
def to_cpu(x):
    if isinstance(x, dict): return {k: to_cpu(v) for k, v in x.items()}
    if isinstance(x, list): return [to_cpu(o) for o in x]
    if isinstance(x, tuple): return tuple(to_cpu(list(x)))
    res = x.detach().cpu()
    return res.float() if res.dtype == torch.float16 else res
def collate_dict(b): return data.default_collate([{'image': x, 'label': y} for x, y in b])
class DataLoaders:
    def __init__(self, *dls): self.train, self.valid = dls[:2]
dls = DataLoaders(data.DataLoader(data.TensorDataset(xt, yt), 32, shuffle=True),
                  data.DataLoader(data.TensorDataset(xv, yv), 64))
xb, yb = next(iter(dls.train))
xmean, xstd = xb.mean(), xb.std()
print(xmean, xstd, collate_dict([(xt[0, 0, 0], yt[0]), (xt[1, 0, 0], yt[1])])['label'])
class CancelFitException(Exception): pass
class CancelBatchException(Exception): pass
class CancelEpochException(Exception): pass
class Callback(): order = 0
def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter('order')):
        method = getattr(cb, method_nm, None)
        if method is not None: method(learn)
class DeviceCB(Callback):
    def __init__(self, device=def_device): self.device = device
    def before_fit(self, learn):
        if hasattr(learn.model, 'to'): learn.model.to(self.device)
    def before_batch(self, learn): learn.batch = to_device(learn.batch, device=self.device)
class BatchTransformCB(Callback):
    def __init__(self, tfm, on_train=True, on_val=True): self.tfm, self.on_train, self.on_val = tfm, on_train, on_val
    def before_batch(self, learn):
        if (self.on_train and learn.training) or (self.on_val and not learn.training):
            learn.batch = self.tfm(learn.batch)
def _norm(b): return (b[0] - xmean) / xstd, b[1]
class Accuracy:
    def __init__(self): self.reset()
    def reset(self): self.correct, self.total = 0., 0
    def update(self, inp, targ):
        self.correct += (inp.argmax(dim=1) == targ).float().sum().item()
        self.total += len(targ)
    def compute(self): return torch.tensor(self.correct / self.total)
class Mean:
    def __init__(self): self.reset()
    def reset(self): self.weighted_sum, self.weights = torch.tensor(0., dtype=torch.float64), torch.tensor(0., dtype=torch.float64)
    def update(self, v, weight=1):
        self.weighted_sum += v * weight
        self.weights += weight
    def compute(self): return self.weighted_sum / self.weights
class MetricsCB(Callback):
    def __init__(self, **metrics):
        self.metrics = metrics
        self.all_metrics = copy(metrics)
        self.all_metrics['loss'] = self.loss = Mean()
    def _log(self, d): print(d)
    def before_fit(self, learn): learn.metrics = self
    def before_epoch(self, learn): [o.reset() for o in self.all_metrics.values()]
    def after_epoch(self, learn):
        log = {k: f'{v.compute():.3f}' for k, v in self.all_metrics.items()}
        log['epoch'] = learn.epoch
        log['train'] = 'train' if learn.model.training else 'eval'
        self._log(log)
    def after_batch(self, learn):
        x, y, *_ = to_cpu(learn.batch)
        for m in self.metrics.values(): m.update(to_cpu(learn.preds), y)
        self.loss.update(to_cpu(learn.loss), weight=len(x))
class TrainCB(Callback):
    def __init__(self, n_inp=1): self.n_inp = n_inp
    def predict(self, learn): learn.preds = learn.model(*learn.batch[:self.n_inp])
    def get_loss(self, learn): learn.loss = learn.loss_func(learn.preds, *learn.batch[self.n_inp:])
    def backward(self, learn): learn.loss.backward()
    def step(self, learn): learn.opt.step()
    def zero_grad(self, learn): learn.opt.zero_grad()
class Learner():
    def __init__(self, model, dls=(0,), loss_func=F.mse_loss, lr=0.1, cbs=None, opt_func=optim.SGD):
        cbs = list(cbs or [])
        self.model, self.dls, self.loss_func, self.lr, self.cbs, self.opt_func = model, dls, loss_func, lr, cbs, opt_func
    @contextmanager
    def cb_ctx(self, nm):
        try:
            self.callback(f'before_{nm}')
            yield
            self.callback(f'after_{nm}')
        except globals()[f'Cancel{nm.title()}Exception']: pass
        finally: self.callback(f'cleanup_{nm}')
    def one_epoch(self, train):
        self.model.train(train)
        self.dl = self.dls.train if train else self.dls.valid
        with self.cb_ctx('epoch'):
            for self.iter, self.batch in enumerate(self.dl):  # noqa: B020  (the course keeps them on the learner)
                with self.cb_ctx('batch'):
                    self.predict()
                    self.get_loss()
                    if self.training:
                        self.backward()
                        self.step()
                        self.zero_grad()
    def fit(self, n_epochs=1, train=True, valid=True, cbs=None, lr=None):
        cbs = list(cbs or [])
        for cb in cbs: self.cbs.append(cb)
        try:
            self.n_epochs = n_epochs
            self.epochs = range(n_epochs)
            if lr is None: lr = self.lr
            if self.opt_func: self.opt = self.opt_func(self.model.parameters(), lr)
            with self.cb_ctx('fit'):
                for self.epoch in self.epochs:  # noqa: B020
                    if train: self.one_epoch(True)
                    if valid:
                        with torch.no_grad(): self.one_epoch(False)
        finally:
            for cb in cbs: self.cbs.remove(cb)
    def __getattr__(self, name):
        if name in ('predict', 'get_loss', 'backward', 'step', 'zero_grad'): return partial(self.callback, name)
        raise AttributeError(name)
    def callback(self, method_nm): run_cbs(self.cbs, method_nm, self)
    @property
    def training(self): return self.model.training
class TrainLearner(Learner):
    def predict(self): self.preds = self.model(self.batch[0])
    def get_loss(self): self.loss = self.loss_func(self.preds, self.batch[1])
    def backward(self): self.loss.backward()
    def step(self): self.opt.step()
    def zero_grad(self): self.opt.zero_grad()
class LRFinderCB(Callback):
    def __init__(self, gamma=1.3, max_mult=3): self.gamma, self.max_mult = gamma, max_mult
    def before_fit(self, learn):
        self.sched = lr_scheduler.ExponentialLR(learn.opt, self.gamma)
        self.lrs, self.losses = [], []
        self.min = math.inf
    def after_batch(self, learn):
        if not learn.training: raise CancelEpochException()
        self.lrs.append(learn.opt.param_groups[0]['lr'])
        loss = to_cpu(learn.loss)
        self.losses.append(loss)
        if loss < self.min: self.min = loss
        if math.isnan(loss) or (loss > self.min * self.max_mult): raise CancelFitException()
        self.sched.step()
    def cleanup_fit(self, learn): print('lr_find', len(self.lrs), f'{self.lrs[-1]:.3e}', f'{min(self.losses):.4f}')
def lr_find(self, gamma=1.3, max_mult=3, start_lr=1e-5, max_epochs=10):
    self.fit(max_epochs, lr=start_lr, cbs=[LRFinderCB(gamma=gamma, max_mult=max_mult)])
Learner.lr_find = lr_find
class GeneralRelu(nn.Module):
    def __init__(self, leak=None, sub=None, maxv=None):
        super().__init__()
        self.leak, self.sub, self.maxv = leak, sub, maxv
    def forward(self, x):
        x = F.leaky_relu(x, self.leak) if self.leak is not None else F.relu(x)
        if self.sub is not None: x -= self.sub
        if self.maxv is not None: x.clamp_max_(self.maxv)
        return x
def conv(ni, nf, ks=3, stride=2, act=nn.ReLU, norm=None, bias=None):
    if bias is None: bias = not isinstance(norm, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d))
    layers = [nn.Conv2d(ni, nf, stride=stride, kernel_size=ks, padding=ks // 2, bias=bias)]
    if norm: layers.append(norm(nf))
    if act: layers.append(act())
    return nn.Sequential(*layers)
def get_model(act=nn.ReLU, nfs=(4, 8, 16), norm=None):
    nfs = [1] + list(nfs)
    layers = [conv(nfs[i], nfs[i + 1], act=act, norm=norm) for i in range(len(nfs) - 1)]
    return nn.Sequential(*layers, conv(nfs[-1], 10, act=None, norm=False, bias=True), nn.Flatten()).to(def_device)
def init_weights(m, leaky=0.):
    if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)): nn.init.kaiming_normal_(m.weight, a=leaky)
class Hook():
    def __init__(self, m, f): self.hook = m.register_forward_hook(partial(f, self))
    def remove(self): self.hook.remove()
    def __del__(self): self.remove()
class Hooks(list):
    def __init__(self, ms, f): super().__init__([Hook(m, f) for m in ms])
    def __enter__(self, *args): return self
    def __exit__(self, *args): self.remove()
    def __del__(self): self.remove()
    def remove(self):
        for h in self: h.remove()
def append_stats(hook, mod, inp, outp):
    if not hasattr(hook, 'stats'): hook.stats = ([], [], [])
    acts = to_cpu(outp)
    hook.stats[0].append(acts.mean())
    hook.stats[1].append(acts.std())
    hook.stats[2].append(acts.abs().histc(40, 0, 10))
class HooksCallback(Callback):
    def __init__(self, hookfunc, mod_filter=lambda m: True, on_train=True, on_valid=False, mods=None):
        self.hookfunc, self.mod_filter, self.on_train, self.on_valid, self.mods = hookfunc, mod_filter, on_train, on_valid, mods
    def before_fit(self, learn):
        mods = self.mods or [m for m in learn.model.modules() if self.mod_filter(m)]
        self.hooks = Hooks(mods, partial(self._hookfunc, learn))
    def _hookfunc(self, learn, *args, **kwargs):
        if (self.on_train and learn.training) or (self.on_valid and not learn.training): self.hookfunc(*args, **kwargs)
    def after_fit(self, learn): self.hooks.remove()
    def __iter__(self): return iter(self.hooks)
    def __len__(self): return len(self.hooks)
class ActivationStats(HooksCallback):
    def __init__(self, mod_filter=lambda m: True): super().__init__(append_stats, mod_filter)
    def color_dim(self): return [torch.stack(h.stats[2]).t().float().log1p() for h in self]
    def dead_chart(self):
        return [(lambda h1: h1[0] / h1.sum(0))(torch.stack(h.stats[2]).t().float()) for h in self]
    def plot_stats(self): return [(torch.stack(h.stats[0]), torch.stack(h.stats[1])) for h in self]
act_gr = partial(GeneralRelu, leak=0.1, sub=0.4)
iw = partial(init_weights, leaky=0.1)
xtra = [BatchTransformCB(_norm)]
metrics = MetricsCB(accuracy=Accuracy())
set_seed(42)
astats = ActivationStats(lambda m: isinstance(m, GeneralRelu))
model = get_model(act_gr, norm=nn.BatchNorm2d).apply(iw)
learn = TrainLearner(model, dls, F.cross_entropy, lr=0.1, cbs=[DeviceCB(), metrics, astats] + xtra, opt_func=optim.SGD)
learn.fit(2)
for m, s in astats.plot_stats(): print(m[:3], s[:3])
print([c.shape for c in astats.color_dim()], astats.dead_chart()[0][:4])
set_seed(42)
TrainLearner(get_model(act_gr).apply(iw), dls, F.cross_entropy, cbs=[DeviceCB()] + xtra).lr_find(max_epochs=2)
class BaseSchedCB(Callback):
    def __init__(self, sched): self.sched = sched
    def before_fit(self, learn): self.schedo = self.sched(learn.opt)
    def _step(self, learn):
        if learn.training: self.schedo.step()
class BatchSchedCB(BaseSchedCB):
    def after_batch(self, learn): self._step(learn)
class EpochSchedCB(BaseSchedCB):
    def after_epoch(self, learn): self._step(learn)
class HasLearnCB(Callback):
    def before_fit(self, learn): self.learn = learn
    def after_fit(self, learn): self.learn = None
class RecorderCB(Callback):
    def __init__(self, **d): self.d = d
    def before_fit(self, learn):
        self.recs = {k: [] for k in self.d}
        self.pg = learn.opt.param_groups[0]
    def after_batch(self, learn):
        if not learn.training: return
        for k, v in self.d.items(): self.recs[k].append(v(self))
def _lr(cb): return cb.pg['lr']
def _beta1(cb): return cb.pg['betas'][0]
epochs = 2
tmax = epochs * len(dls.train)
sched = partial(lr_scheduler.OneCycleLR, max_lr=6e-2, total_steps=tmax)
rec = RecorderCB(lr=_lr, mom=_beta1)
set_seed(42)
model = get_model(act_gr, norm=nn.BatchNorm2d).apply(iw)
learn = TrainLearner(model, dls, F.cross_entropy, lr=6e-2, cbs=[DeviceCB(), metrics, BatchSchedCB(sched), rec] + xtra,
                     opt_func=partial(optim.AdamW, eps=1e-5))
learn.fit(epochs)
print([f'{v:.5f}' for v in rec.recs['lr']], [f'{v:.4f}' for v in rec.recs['mom']])
set_seed(42)
sched = partial(lr_scheduler.CosineAnnealingLR, T_max=tmax)
learn = TrainLearner(get_model(act_gr, norm=nn.BatchNorm2d).apply(iw), dls, F.cross_entropy, lr=1e-2,
                     cbs=[DeviceCB(), metrics, BatchSchedCB(sched), RecorderCB(lr=_lr)] + xtra,
                     opt_func=partial(optim.SGD, momentum=0.9, weight_decay=1e-4))
learn.fit(epochs)
set_seed(42)
learn = TrainLearner(get_model(act_gr, norm=nn.BatchNorm2d).apply(iw), dls, F.cross_entropy, lr=1e-1,
                     cbs=[DeviceCB(), metrics, EpochSchedCB(partial(lr_scheduler.StepLR, step_size=1, gamma=0.5))] + xtra,
                     opt_func=partial(optim.SGD, momentum=0.9, nesterov=True))
learn.fit(epochs)
print(learn.opt.param_groups[0]['lr'], learn.opt.param_groups[0]['initial_lr'])
