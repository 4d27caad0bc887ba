import tinygrad_rnn as torch
import math
from functools import partial
from operator import attrgetter
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data
# fast.ai part 2 (2022), 09_learner and 10_activations: a Learner driven by callbacks (with cancel
# exceptions), metrics, an LR finder, then forward hooks that record activation means, stds and histograms.
torch.manual_seed(1)
centers = torch.randn(10, 1, 8, 8)
def make(n):
    y = torch.randint(0, 10, (n,))
    return centers[y] + 0.5 * torch.randn(n, 1, 8, 8), y
x_train, y_train = make(256)
x_valid, y_valid = make(64)
train_ds, valid_ds = data.TensorDataset(x_train, y_train), data.TensorDataset(x_valid, y_valid)
class DataLoaders:
    def __init__(self, *dls): self.train, self.valid = dls[:2]
    @classmethod
    def from_dd(cls, dds, batch_size, **kwargs):
        return cls(*[data.DataLoader(ds, batch_size, shuffle=i == 0, **kwargs) for i, ds in enumerate(dds)])
dls = DataLoaders.from_dd([train_ds, valid_ds], 32)
xb, yb = next(iter(dls.train))
print(xb.shape, yb[:10])
class CancelFitException(Exception): pass
class CancelBatchException(Exception): pass
class CancelEpochException(Exception): pass
class Callback(): order = 0
def run_cbs(cbs, method_nm, learn=None):
    for cb in sorted(cbs, key=attrgetter('order')):
        method = getattr(cb, method_nm, None)
        if method is not None: method(learn)
class CompletionCB(Callback):
    def before_fit(self, learn): self.count = 0
    def after_batch(self, learn): self.count += 1
    def after_fit(self, learn): print(f'Completed {self.count} batches')
class SingleBatchCB(Callback):
    order = 1
    def after_batch(self, learn): raise CancelFitException()
class Metric:
    def __init__(self): self.reset()
    def reset(self): self.vals, self.ns = [], []
    def add(self, inp, targ=None, n=1):
        self.last = self.calc(inp, targ)
        self.vals.append(self.last)
        self.ns.append(n)
    @property
    def value(self):
        ns = torch.tensor(self.ns)
        return (torch.tensor(self.vals) * ns).sum() / ns.sum()
    def calc(self, inps, targs): return inps
class Accuracy(Metric):
    def calc(self, inps, targs): return (inps == targs).float().mean()
acc = Accuracy()
acc.add(torch.tensor([0, 1, 2, 0, 1, 2]), torch.tensor([0, 1, 1, 2, 1, 0]))
acc.add(torch.tensor([1, 1, 2, 0, 1]), torch.tensor([0, 1, 1, 2, 1]))
print(acc.value)
loss = Metric()
loss.add(0.6, n=32)
loss.add(0.9, n=2)
print(loss.value, round((0.6 * 32 + 0.9 * 2) / (32 + 2), 2))
def to_cpu(x):
    if isinstance(x, dict): return {k: to_cpu(v) for k, v in x.items()}
    if isinstance(x, list): return [to_cpu(o) for o in x]
    if isinstance(x, tuple): return tuple(to_cpu(list(x)))
    return x.detach().cpu()
class MetricsCB(Callback):
    def __init__(self, **metrics):
        self.metrics = metrics
        self.loss = Metric()
    def _log(self, d): print(d)
    def before_fit(self, learn): learn.metrics = self
    def before_epoch(self, learn):
        for m in [*self.metrics.values(), self.loss]: m.reset()
    def after_epoch(self, learn):
        log = {k: f'{v.value:.3f}' for k, v in self.metrics.items()}
        log['loss'] = f'{self.loss.value:.3f}'
        log['epoch'] = learn.epoch
        log['train'] = 'train' if learn.model.training else 'eval'
        self._log(log)
    def after_batch(self, learn):
        x, y, *_ = to_cpu(learn.batch)
        for m in self.metrics.values(): m.add(to_cpu(learn.preds).argmax(dim=1), y, n=len(x))
        self.loss.add(to_cpu(learn.loss), n=len(x))
class with_cbs:
    def __init__(self, nm): self.nm = nm
    def __call__(self, f):
        def _f(o, *args, **kwargs):
            try:
                o.callback(f'before_{self.nm}')
                f(o, *args, **kwargs)
                o.callback(f'after_{self.nm}')
            except globals()[f'Cancel{self.nm.title()}Exception']: pass
            finally: o.callback(f'cleanup_{self.nm}')
        return _f
class Learner():
    def __init__(self, model, dls, loss_func=F.mse_loss, lr=0.1, cbs=None, opt_func=optim.SGD):
        self.model, self.dls, self.loss_func, self.lr, self.opt_func = model, dls, loss_func, lr, opt_func
        self.cbs = list(cbs or [])
    @with_cbs('batch')
    def _one_batch(self):
        self.predict()
        self.callback('after_predict')
        self.get_loss()
        self.callback('after_loss')
        if self.training:
            self.backward()
            self.callback('after_backward')
            self.step()
            self.callback('after_step')
            self.zero_grad()
    @with_cbs('epoch')
    def _one_epoch(self):
        for self.iter, self.batch in enumerate(self.dl): self._one_batch()  # noqa: B020  (the course stores the loop variables on the learner)
    def one_epoch(self, training):
        self.model.train(training)
        self.dl = self.dls.train if training else self.dls.valid
        self._one_epoch()
    @with_cbs('fit')
    def _fit(self, train, valid):
        for self.epoch in self.epochs:  # noqa: B020
            if train: self.one_epoch(True)
            if valid:
                with torch.no_grad(): self.one_epoch(False)
    def fit(self, n_epochs=1, train=True, valid=True, cbs=None, lr=None):
        cbs = list(cbs or [])
        for cb in cbs: self.cbs.append(cb)
        try:
            self.n_epochs = n_epochs
            self.epochs = range(n_epochs)
            if lr is None: lr = self.lr
            if self.opt_func: self.opt = self.opt_func(self.model.parameters(), lr)
            self._fit(train, valid)
        finally:
            for cb in cbs: self.cbs.remove(cb)
    def __getattr__(self, name):
        if name in ('predict', 'get_loss', 'backward', 'step', 'zero_grad'): return partial(self.callback, name)
        raise AttributeError(name)
    def callback(self, method_nm): run_cbs(self.cbs, method_nm, self)
    @property
    def training(self): return self.model.training
class TrainCB(Callback):
    def __init__(self, n_inp=1): self.n_inp = n_inp
    def predict(self, learn): learn.preds = learn.model(*learn.batch[:self.n_inp])
    def get_loss(self, learn): learn.loss = learn.loss_func(learn.preds, *learn.batch[self.n_inp:])
    def backward(self, learn): learn.loss.backward()
    def step(self, learn): learn.opt.step()
    def zero_grad(self, learn): learn.opt.zero_grad()
class TrainLearner(Learner):
    def predict(self): self.preds = self.model(self.batch[0])
    def get_loss(self): self.loss = self.loss_func(self.preds, self.batch[1])
    def backward(self): self.loss.backward()
    def step(self): self.opt.step()
    def zero_grad(self): self.opt.zero_grad()
def get_model(): return nn.Sequential(nn.Flatten(), nn.Linear(64, 50), nn.ReLU(), nn.Linear(50, 10))
model = get_model()
learn = Learner(model, dls, F.cross_entropy, lr=0.2, cbs=[TrainCB(), CompletionCB(), MetricsCB(accuracy=Accuracy())])
learn.fit(2)
learn.fit(1, cbs=[SingleBatchCB()])
class MomentumLearner(TrainLearner):
    def __init__(self, model, dls, loss_func, lr=None, cbs=None, opt_func=optim.SGD, mom=0.85):
        self.mom = mom
        super().__init__(model, dls, loss_func, lr, cbs, opt_func)
    def zero_grad(self):
        with torch.no_grad():
            for p in self.model.parameters(): p.grad *= self.mom
learn = MomentumLearner(get_model(), dls, F.cross_entropy, lr=0.1, cbs=[MetricsCB(accuracy=Accuracy())])
learn.fit(2)
class LRFinderCB(Callback):
    def __init__(self, gamma=1.3, max_mult=3): self.gamma, self.max_mult = gamma, max_mult
    def before_fit(self, learn):
        self.sched = optim.lr_scheduler.ExponentialLR(learn.opt, self.gamma)
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
lrfind = LRFinderCB()
learn = MomentumLearner(get_model(), dls, F.cross_entropy, lr=1e-4, cbs=[lrfind])
learn.fit(3)
print(len(lrfind.lrs), [f'{lr:.2e}' for lr in lrfind.lrs[:5]], torch.stack(lrfind.losses[:4]))
# 10_activations
def conv(ni, nf, ks=3, act=True):
    res = nn.Conv2d(ni, nf, stride=2, kernel_size=ks, padding=ks // 2)
    if act: res = nn.Sequential(res, nn.ReLU())
    return res
def cnn_layers():
    return [conv(1, 4), conv(4, 8), conv(8, 16), conv(16, 10, act=False), nn.Flatten()]
class SequentialModel(nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.act_means = [[] for _ in layers]
        self.act_stds = [[] for _ in layers]
    def __call__(self, x):
        for i, l in enumerate(self.layers):
            x = l(x)
            self.act_means[i].append(to_cpu(x).mean())
            self.act_stds[i].append(to_cpu(x).std())
        return x
    def __iter__(self): return iter(self.layers)
torch.manual_seed(1)
model = SequentialModel(*cnn_layers())
learn = MomentumLearner(model, dls, F.cross_entropy, lr=0.3, cbs=[MetricsCB(accuracy=Accuracy())])
learn.fit(1)
print([f'{l[-1]:.4f}' for l in model.act_means], [f'{l[-1]:.4f}' for l in model.act_stds])
torch.manual_seed(1)
model = nn.Sequential(*cnn_layers())
act_means = [[] for _ in model]
act_stds = [[] for _ in model]
def append_stats(i, mod, inp, outp):
    act_means[i].append(to_cpu(outp).mean())
    act_stds[i].append(to_cpu(outp).std())
for i, m in enumerate(model): m.register_forward_hook(partial(append_stats, i))
learn = MomentumLearner(model, dls, F.cross_entropy, lr=0.3, cbs=[MetricsCB(accuracy=Accuracy())])
learn.fit(1)
print(torch.stack(act_means[0][:3]), torch.stack(act_stds[-1][:3]))
class Hook():
    def __init__(self, m, f): self.hook = m.register_forward_hook(partial(f, self))
    def remove(self): self.hook.remove()
    def __del__(self): self.remove()
def append_stats(hook, mod, inp, outp):
    if not hasattr(hook, 'stats'): hook.stats = ([], [])
    acts = to_cpu(outp)
    hook.stats[0].append(acts.mean())
    hook.stats[1].append(acts.std())
torch.manual_seed(1)
model = nn.Sequential(*cnn_layers())
hooks = [Hook(l, append_stats) for l in model[:4].children()]
learn = MomentumLearner(model, dls, F.cross_entropy, lr=0.3, cbs=[MetricsCB(accuracy=Accuracy())])
learn.fit(1)
for h in hooks: print(len(h.stats[0]), f'{h.stats[0][-1]:.4f}', f'{h.stats[1][-1]:.4f}')
for h in hooks: h.remove()
print(model[0]._forward_hooks)
class Hooks(list):
    def __init__(self, ms, f): super().__init__([Hook(m, f) for m in ms])
    def __enter__(self, *args): return self
    def __exit__(self, *args): self.remove()
    def __del__(self): self.remove()
    def __delitem__(self, i):
        self[i].remove()
        super().__delitem__(i)
    def remove(self):
        for h in self: h.remove()
def append_stats(hook, mod, inp, outp):
    if not hasattr(hook, 'stats'): hook.stats = ([], [], [])
    acts = to_cpu(outp)
    hook.stats[0].append(acts.mean())
    hook.stats[1].append(acts.std())
    hook.stats[2].append(acts.abs().histc(40, 0, 10))
torch.manual_seed(1)
model = nn.Sequential(*cnn_layers())
with Hooks(model, append_stats) as hooks:
    learn = MomentumLearner(model, dls, F.cross_entropy, lr=0.3, cbs=[MetricsCB(accuracy=Accuracy())])
    learn.fit(1)
    print(len(hooks), model[1]._forward_hooks.keys().__len__())
def get_hist(h): return torch.stack(h.stats[2]).t().float().log1p()
def get_min(h):
    h1 = torch.stack(h.stats[2]).t().float()
    return h1[0] / h1.sum(0)
for h in hooks:
    hist = get_hist(h)
    print(hist.shape, hist.dtype, hist[:3, :4], get_min(h)[:4])
print(len(model[0]._forward_hooks), h.stats[2][0])
class HooksCallback(Callback):
    def __init__(self, hookfunc, mod_filter=lambda m: True):
        super().__init__()
        self.hookfunc, self.mod_filter = hookfunc, mod_filter
    def before_fit(self, learn):
        mods = [m for m in learn.model.modules() if self.mod_filter(m)]
        self.hooks = Hooks(mods, partial(self._hookfunc, learn))
    def _hookfunc(self, learn, *args, **kwargs):
        if learn.training: self.hookfunc(*args, **kwargs)
    def after_fit(self, learn): self.hooks.remove()
    def __iter__(self): return iter(self.hooks)
    def __len__(self): return len(self.hooks)
torch.manual_seed(1)
model = nn.Sequential(*cnn_layers())
hc = HooksCallback(append_stats, mod_filter=lambda m: isinstance(m, nn.Conv2d))
learn = MomentumLearner(model, dls, F.cross_entropy, lr=0.3, cbs=[hc])
learn.fit(1)
print(len(hc), [len(h.stats[0]) for h in hc], [f'{h.stats[1][0]:.4f}' for h in hc])
