import tinygrad_rnn as torch
import copy
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data_utils = torch.utils.data
lr_scheduler = torch.optim.lr_scheduler

# Godoy's "Deep Learning with PyTorch Step-by-Step", the StepByStep additions of chapters 4-7, shrunk:
# index_splitter and a balanced WeightedRandomSampler, loader_apply/statistics_per_channel, the LR range
# test that restores the model and optimizer, epoch and mini-batch schedulers (fractional epochs),
# gradient/parameter capture with hooks, clipping via hooks, BatchNorm statistics and freezing layers.


def index_splitter(n, splits, seed=13):
    idx = torch.arange(n)
    splits_tensor = torch.as_tensor(splits)
    multiplier = n / splits_tensor.sum()
    splits_tensor = (multiplier * splits_tensor).long()
    diff = n - splits_tensor.sum()
    splits_tensor[0] += diff
    torch.manual_seed(seed)
    return data_utils.random_split(idx, splits_tensor)


train_idx, val_idx = index_splitter(30, [80, 20])
print(type(train_idx).__name__, len(train_idx), val_idx.indices[:5], type(val_idx.indices))


def make_balanced_sampler(y):
    classes, counts = y.unique(return_counts=True)
    weights = 1.0 / counts.float()
    sample_weights = weights[y.squeeze().long()]
    generator = torch.Generator()
    sampler = data_utils.WeightedRandomSampler(weights=sample_weights, num_samples=len(sample_weights),
                                               generator=generator, replacement=True)
    return sampler


torch.manual_seed(13)
x_all = torch.randn(30, 1, 4, 4)
y_all = (torch.rand(30, 1) > 0.7).float()
print(y_all.unique(return_counts=True))
sampler = make_balanced_sampler(y_all[train_idx.indices])
sampler.generator.manual_seed(42)
print(type(sampler).__name__, sampler.weights[:5], sampler.num_samples, sampler.replacement)
x_train, y_train = x_all[train_idx.indices], y_all[train_idx.indices]
train_dataset = data_utils.TensorDataset(x_train, y_train)
val_dataset = data_utils.TensorDataset(x_all[val_idx.indices], y_all[val_idx.indices])
train_loader = data_utils.DataLoader(dataset=train_dataset, batch_size=8, sampler=sampler)
val_loader = data_utils.DataLoader(dataset=val_dataset, batch_size=8)
print(torch.tensor([t[1].sum() for t in iter(train_loader)]).sum(), len(train_loader))
print(list(iter(sampler))[:10])


def statistics_per_channel(images, labels):
    n_samples, n_channels, n_height, n_width = images.size()
    flatten_per_channel = images.reshape(n_samples, n_channels, -1)
    means = flatten_per_channel.mean(axis=2)
    stds = flatten_per_channel.std(axis=2)
    sum_means = means.sum(axis=0)
    sum_stds = stds.sum(axis=0)
    n_samples = torch.tensor([n_samples] * n_channels).float()
    return torch.stack([n_samples, sum_means, sum_stds], axis=0)


def loader_apply(loader, func, reduce='sum'):
    results = [func(x, y) for i, (x, y) in enumerate(loader)]
    results = torch.stack(results, axis=0)
    if reduce == 'sum':
        results = results.sum(axis=0)
    elif reduce == 'mean':
        results = results.float().mean(axis=0)
    return results


results = loader_apply(val_loader, statistics_per_channel)
print(results, results[1:] / results[0])
print(loader_apply(val_loader, lambda x, y: (y == 1).sum().view(1), reduce='mean'))


class StepByStep(object):
    def __init__(self, model, loss_fn, optimizer):
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.device = 'cpu'
        self.scheduler = None
        self.is_batch_lr_scheduler = False
        self.clipping = None
        self.train_loader = None
        self.val_loader = None
        self.losses, self.val_losses, self.learning_rates = [], [], []
        self.total_epochs = 0
        self.visualization, self.handles = {}, {}
        self._gradients, self._parameters = {}, {}
        self.train_step_fn = self._make_train_step_fn()
        self.val_step_fn = self._make_val_step_fn()

    def set_loaders(self, train_loader, val_loader=None):
        self.train_loader = train_loader
        self.val_loader = val_loader

    def set_optimizer(self, optimizer):
        self.optimizer = optimizer

    def set_lr_scheduler(self, scheduler):
        if scheduler.optimizer == self.optimizer:
            self.scheduler = scheduler
            if (isinstance(scheduler, lr_scheduler.CyclicLR) or isinstance(scheduler, lr_scheduler.OneCycleLR)
                    or isinstance(scheduler, lr_scheduler.CosineAnnealingWarmRestarts)):
                self.is_batch_lr_scheduler = True
            else:
                self.is_batch_lr_scheduler = False

    def set_clip_grad_value(self, clip_value):
        self.clipping = lambda: nn.utils.clip_grad_value_(self.model.parameters(), clip_value=clip_value)

    def set_clip_grad_norm(self, max_norm, norm_type=2):
        self.clipping = lambda: nn.utils.clip_grad_norm_(self.model.parameters(), max_norm, norm_type)

    def set_clip_backprop(self, clip_value):
        if self.clipping is None:
            self.clipping = []
        for p in self.model.parameters():
            if p.requires_grad:
                def func(grad):
                    return torch.clamp(grad, -clip_value, clip_value)
                handle = p.register_hook(func)
                self.clipping.append(handle)

    def remove_clip(self):
        if isinstance(self.clipping, list):
            for handle in self.clipping:
                handle.remove()
        self.clipping = None

    def _make_train_step_fn(self):
        def perform_train_step_fn(x, y):
            self.model.train()
            yhat = self.model(x)
            loss = self.loss_fn(yhat, y)
            loss.backward()
            if callable(self.clipping):
                self.clipping()
            self.optimizer.step()
            self.optimizer.zero_grad()
            return loss.item()
        return perform_train_step_fn

    def _make_val_step_fn(self):
        def perform_val_step_fn(x, y):
            self.model.eval()
            yhat = self.model(x)
            loss = self.loss_fn(yhat, y)
            return loss.item()
        return perform_val_step_fn

    def _mini_batch(self, validation=False):
        data_loader = self.val_loader if validation else self.train_loader
        step_fn = self.val_step_fn if validation else self.train_step_fn
        if data_loader is None:
            return None
        n_batches = len(data_loader)
        mini_batch_losses = []
        for i, (x_batch, y_batch) in enumerate(data_loader):
            mini_batch_loss = step_fn(x_batch, y_batch)
            mini_batch_losses.append(mini_batch_loss)
            if not validation:
                self._mini_batch_schedulers(i / n_batches)
        return np.mean(mini_batch_losses)

    def _epoch_schedulers(self, val_loss):
        if self.scheduler:
            if not self.is_batch_lr_scheduler:
                if isinstance(self.scheduler, lr_scheduler.ReduceLROnPlateau):
                    self.scheduler.step(val_loss)
                else:
                    self.scheduler.step()
                current_lr = list(map(lambda d: d['lr'], self.scheduler.optimizer.state_dict()['param_groups']))
                self.learning_rates.append(current_lr)

    def _mini_batch_schedulers(self, frac_epoch):
        if self.scheduler:
            if self.is_batch_lr_scheduler:
                if isinstance(self.scheduler, lr_scheduler.CosineAnnealingWarmRestarts):
                    self.scheduler.step(self.total_epochs + frac_epoch)
                else:
                    self.scheduler.step()
                current_lr = list(map(lambda d: d['lr'], self.scheduler.optimizer.state_dict()['param_groups']))
                self.learning_rates.append(current_lr)

    def train(self, n_epochs, seed=42):
        torch.manual_seed(seed)
        np.random.seed(seed)
        for epoch in range(n_epochs):
            self.total_epochs += 1
            loss = self._mini_batch(validation=False)
            self.losses.append(loss)
            with torch.no_grad():
                val_loss = self._mini_batch(validation=True)
                self.val_losses.append(val_loss)
            self._epoch_schedulers(val_loss)
        if isinstance(self.clipping, list):
            self.remove_clip()

    def lr_range_test(self, data_loader, end_lr, num_iter=100, step_mode='exp', alpha=0.05):
        previous_states = {'model': copy.deepcopy(self.model.state_dict()),
                           'optimizer': copy.deepcopy(self.optimizer.state_dict())}
        start_lr = self.optimizer.state_dict()['param_groups'][0]['lr']
        lr_fn = make_lr_fn(start_lr, end_lr, num_iter)
        scheduler = lr_scheduler.LambdaLR(self.optimizer, lr_lambda=lr_fn)
        tracking = {'loss': [], 'lr': []}
        iteration = 0
        while iteration < num_iter:
            for x_batch, y_batch in data_loader:
                yhat = self.model(x_batch)
                loss = self.loss_fn(yhat, y_batch)
                loss.backward()
                tracking['lr'].append(scheduler.get_last_lr()[0])
                if iteration == 0:
                    tracking['loss'].append(loss.item())
                else:
                    prev_loss = tracking['loss'][-1]
                    smoothed_loss = alpha * loss.item() + (1 - alpha) * prev_loss
                    tracking['loss'].append(smoothed_loss)
                iteration += 1
                if iteration == num_iter:
                    break
                self.optimizer.step()
                scheduler.step()
                self.optimizer.zero_grad()
        self.optimizer.load_state_dict(previous_states['optimizer'])
        self.model.load_state_dict(previous_states['model'])
        return tracking

    def capture_gradients(self, layers_to_hook):
        if not isinstance(layers_to_hook, list):
            layers_to_hook = [layers_to_hook]
        modules = list(self.model.named_modules())
        self._gradients = {}

        def make_log_fn(name, parm_id):
            def log_fn(grad):
                self._gradients[name][parm_id].append(grad.tolist())
                return None
            return log_fn

        for name, layer in modules:
            if name in layers_to_hook:
                self._gradients.update({name: {}})
                for parm_id, p in layer.named_parameters():
                    self._gradients[name].update({parm_id: []})
                    log_fn = make_log_fn(name, parm_id)
                    self.handles[f'{name}.{parm_id}.grad'] = p.register_hook(log_fn)

    def capture_parameters(self, layers_to_hook):
        if not isinstance(layers_to_hook, list):
            layers_to_hook = [layers_to_hook]
        modules = list(self.model.named_modules())
        layer_names = {layer: name for name, layer in modules}
        self._parameters = {}
        for name, layer in modules:
            if name in layers_to_hook:
                self._parameters.update({name: {}})
                for parm_id, p in layer.named_parameters():
                    self._parameters[name].update({parm_id: []})

        def fw_hook_fn(layer, inputs, outputs):
            name = layer_names[layer]
            for parm_id, parameter in layer.named_parameters():
                self._parameters[name][parm_id].append(parameter.tolist())

        self.attach_hooks(layers_to_hook, fw_hook_fn)

    def attach_hooks(self, layers_to_hook, hook_fn):
        modules = list(self.model.named_modules())
        for name, layer in modules:
            if name in layers_to_hook:
                self.handles[name] = layer.register_forward_hook(hook_fn)

    def remove_hooks(self):
        for handle in self.handles.values():
            handle.remove()
        self.handles = {}


def make_lr_fn(start_lr, end_lr, num_iter, step_mode='exp'):
    if step_mode == 'linear':
        factor = (end_lr / start_lr - 1) / num_iter

        def lr_fn(iteration):
            return 1 + iteration * factor
    else:
        factor = (np.log(end_lr) - np.log(start_lr)) / num_iter

        def lr_fn(iteration):
            return np.exp(factor) ** iteration
    return lr_fn


def build_model(seed=42, p=0.3):
    torch.manual_seed(seed)
    model = nn.Sequential()
    model.add_module('conv1', nn.Conv2d(1, 3, kernel_size=2))
    model.add_module('bn1', nn.BatchNorm2d(3))
    model.add_module('relu1', nn.ReLU())
    model.add_module('pool1', nn.MaxPool2d(kernel_size=2))
    model.add_module('flatten', nn.Flatten())
    model.add_module('drop', nn.Dropout(p))
    model.add_module('fc1', nn.Linear(3, 4))
    model.add_module('relu2', nn.ReLU())
    model.add_module('fc2', nn.Linear(4, 1))
    return model


model = build_model()
optimizer = optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
sbs = StepByStep(model, nn.BCEWithLogitsLoss(), optimizer)
tracking = sbs.lr_range_test(train_loader, end_lr=1e-1, num_iter=8)
print(np.round(tracking['lr'], 6), np.round(tracking['loss'], 5))
print(optimizer.state_dict()['param_groups'][0]['lr'], optimizer.state, model.conv1.weight.grad)
print(model.bn1.running_mean, model.bn1.num_batches_tracked)

for make_sched in [lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
                   lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=0, factor=0.5),
                   lambda o: lr_scheduler.CyclicLR(o, base_lr=1e-3, max_lr=1e-2, step_size_up=2, mode='triangular2'),
                   lambda o: lr_scheduler.OneCycleLR(o, max_lr=1e-2, total_steps=16),
                   lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, eta_min=1e-4)]:
    model = build_model()
    optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    sbs = StepByStep(model, nn.BCEWithLogitsLoss(), optimizer)
    sbs.set_loaders(train_loader, val_loader)
    scheduler = make_sched(optimizer)
    sbs.set_lr_scheduler(scheduler)
    sbs.train(2)
    print(type(scheduler).__name__, sbs.is_batch_lr_scheduler, np.round(np.array(sbs.learning_rates).ravel(), 6))
    print(np.round(sbs.losses, 5), np.round(sbs.val_losses, 5), scheduler.last_epoch)

# capturing gradients and parameters, with clipping by hooks
model = build_model(p=0.0)
optimizer = optim.Adam(model.parameters(), lr=1e-2)
sbs = StepByStep(model, nn.BCEWithLogitsLoss(), optimizer)
sbs.set_loaders(train_loader, val_loader)
sbs.set_clip_backprop(0.01)
sbs.capture_gradients(['fc1'])
sbs.capture_parameters(['fc2'])
sbs.train(2)
sbs.remove_hooks()
print(sbs.clipping, list(sbs._gradients['fc1'].keys()), len(sbs._gradients['fc1']['weight']))
print(np.array(sbs._gradients['fc1']['bias']).round(5)[:3], np.abs(np.array(sbs._gradients['fc1']['weight'])).max())
print(np.array(sbs._parameters['fc2']['bias']).round(5)[:5], len(sbs._parameters['fc2']['weight']))
sbs.set_clip_grad_norm(0.5)
sbs.train(1)
print(np.round(sbs.losses, 5), model.fc2.weight, model.fc2.weight.grad)
sbs.set_clip_grad_value(0.01)
sbs.train(1)
print(np.round(sbs.losses, 5), model.fc2.bias)

# batch normalization: running statistics, momentum=None and eval mode
torch.manual_seed(23)
dummy_points = torch.randn((200, 2)) + torch.rand((200, 2)) * 2
dummy_labels = torch.randint(2, (200, 1))
dummy_dataset = data_utils.TensorDataset(dummy_points, dummy_labels)
dummy_loader = data_utils.DataLoader(dummy_dataset, batch_size=64, shuffle=True)
batch_normalizer = nn.BatchNorm1d(num_features=2, affine=False, momentum=None)
print(batch_normalizer, batch_normalizer.state_dict())
mean = torch.zeros(2)
for i, (batch1, _) in enumerate(dummy_loader):
    batch_normalizer(batch1)
    mean += batch1.mean(axis=0)
print(batch_normalizer.state_dict(), mean / (i + 1))
normed1 = batch_normalizer(batch1)
print(normed1.mean(axis=0).abs().max() < 1e-6, normed1.var(axis=0, unbiased=False))
batch_normalizer.eval()
normed = batch_normalizer(batch1)
print(normed.mean(axis=0), batch_normalizer.running_var)
bn2d = nn.BatchNorm2d(num_features=3, momentum=0.5)
bn2d(torch.randn(4, 3, 2, 2) * 3 + 1)
print(bn2d.running_mean, bn2d.running_var, bn2d.num_batches_tracked, bn2d.weight.requires_grad)


def freeze_model(model):
    for parameter in model.parameters():
        parameter.requires_grad = False


model = build_model()
freeze_model(model)
model.fc2 = nn.Linear(4, 2)
print([n for n, p in model.named_parameters() if p.requires_grad], model.fc2)
model.apply(lambda m: m.requires_grad_(True) if isinstance(m, nn.BatchNorm2d) else None)
print([n for n, p in model.named_parameters() if p.requires_grad])
optimizer = optim.Adam([p for p in model.parameters() if p.requires_grad], lr=3e-4)
print(len(optimizer.param_groups[0]['params']), optimizer.defaults['betas'])


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if out_channels != in_channels:
            self.downsample = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride)

    def forward(self, x):
        identity = x
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)
        if self.downsample is not None:
            identity = self.downsample(identity)
        out += identity
        out = self.relu(out)
        return out


torch.manual_seed(3)
block = ResidualBlock(1, 2, stride=2)
out = block(x_all[:2])
print(out.shape, out.grad_fn, out[0, 0])
head = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Identity())
print(head(out), head)
