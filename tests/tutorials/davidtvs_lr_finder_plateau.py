import tinygrad_rnn as torch
import copy
import math

nn = torch.nn
F = torch.nn.functional

# davidtvs/pytorch-lr-finder's LRFinder (the "LR range test" of Leslie Smith, as fastai's lr_find does it):
# model and optimizer state saved with copy.deepcopy, ExponentialLR/LinearLR written as _LRScheduler
# subclasses, a smoothed loss with a divergence stop, the steepest-gradient suggestion, then a state reset
# and training with ReduceLROnPlateau in its min/max and rel/abs threshold modes, cooldown and min_lr.
torch.manual_seed(0)


class ExponentialLR(torch.optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, end_lr, num_iter, last_epoch=-1):
        self.end_lr = end_lr
        if num_iter <= 1:
            raise ValueError("`num_iter` must be larger than 1")
        self.num_iter = num_iter
        super(ExponentialLR, self).__init__(optimizer, last_epoch)

    def get_lr(self):
        curr_iter = self.last_epoch + 1
        r = curr_iter / (self.num_iter - 1)
        return [base_lr * (self.end_lr / base_lr) ** r for base_lr in self.base_lrs]


class LinearLR(torch.optim.lr_scheduler.LRScheduler):
    def __init__(self, optimizer, end_lr, num_iter, last_epoch=-1):
        self.end_lr = end_lr
        self.num_iter = num_iter
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        r = (self.last_epoch + 1) / (self.num_iter - 1)
        return [base_lr + r * (self.end_lr - base_lr) for base_lr in self.base_lrs]


class StateCacher:
    def __init__(self):
        self.cached = {}

    def store(self, key, state_dict):
        self.cached.update({key: copy.deepcopy(state_dict)})

    def retrieve(self, key):
        if key not in self.cached:
            raise KeyError("Target {} was not cached.".format(key))
        return self.cached.get(key)


class LRFinder:
    def __init__(self, model, optimizer, criterion):
        self.model, self.optimizer, self.criterion = model, optimizer, criterion
        self.history = {"lr": [], "loss": []}
        self.best_loss = None
        self.state_cacher = StateCacher()
        self.state_cacher.store("model", self.model.state_dict())
        self.state_cacher.store("optimizer", self.optimizer.state_dict())

    def reset(self):
        self.model.load_state_dict(self.state_cacher.retrieve("model"))
        self.optimizer.load_state_dict(self.state_cacher.retrieve("optimizer"))

    def range_test(self, batches, start_lr=None, end_lr=10, num_iter=20, step_mode="exp", smooth_f=0.05, diverge_th=5):
        if start_lr:
            for param_group in self.optimizer.param_groups:
                param_group["lr"] = start_lr
        lr_schedule = (ExponentialLR if step_mode.lower() == "exp" else LinearLR)(self.optimizer, end_lr, num_iter)
        for iteration in range(num_iter):
            inputs, labels = batches[iteration % len(batches)]
            self.model.train()
            self.optimizer.zero_grad()
            loss = self.criterion(self.model(inputs), labels)
            loss.backward()
            self.optimizer.step()
            self.history["lr"].append(lr_schedule.get_lr()[0])
            lr_schedule.step()
            loss = loss.item()
            if iteration == 0:
                self.best_loss = loss
            else:
                if smooth_f > 0:
                    loss = smooth_f * loss + (1 - smooth_f) * self.history["loss"][-1]
                if loss < self.best_loss:
                    self.best_loss = loss
            self.history["loss"].append(loss)
            if loss > diverge_th * self.best_loss:
                print("Stopping early, the loss has diverged")
                break
        print("Learning rate search finished.")

    def suggestion(self, skip_start=2, skip_end=2):
        lrs = self.history["lr"][skip_start:-skip_end]
        losses = torch.tensor(self.history["loss"][skip_start:-skip_end])
        grads = torch.tensor([losses[i + 1] - losses[i] for i in range(len(losses) - 1)])
        min_grad_idx = grads.argmin().item()
        return lrs[min_grad_idx], grads


class TextRNN(nn.Module):
    def __init__(self, vocab=20, emb=8, hidden=16, n_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, x):
        _, (h, _) = self.rnn(self.embedding(x))
        return self.fc(h[-1])


tokens = torch.randint(1, 20, (32, 6))
labels = (tokens[:, 0] > 10).long()
batches = [(tokens[i:i + 8], labels[i:i + 8]) for i in range(0, 32, 8)]
model = TextRNN()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
criterion = nn.CrossEntropyLoss()
before = model.fc.weight.clone()
finder = LRFinder(model, optimizer, criterion)
print(list(finder.state_cacher.cached), list(finder.state_cacher.cached["optimizer"]))
finder.range_test(batches, end_lr=100, num_iter=16)
print([f"{lr:.2e}" for lr in finder.history["lr"]])
print([round(v, 4) for v in finder.history["loss"]])
lr, grads = finder.suggestion()
print(f"Suggested LR: {lr:.2E}", grads.shape, grads.dtype)
print(optimizer.param_groups[0]["lr"], len(optimizer.state))
finder.reset()
print(torch.equal(before, model.fc.weight), len(optimizer.state), optimizer.param_groups[0]["lr"])
try:
    finder.state_cacher.retrieve("criterion")
except KeyError as err:
    print("KeyError:", err)
try:
    ExponentialLR(optimizer, 1.0, 1)
except ValueError as err:
    print("ValueError:", err)

linear = LRFinder(model, torch.optim.Adam(model.parameters(), lr=1e-3), criterion)
linear.range_test(batches, start_lr=1e-3, end_lr=0.05, num_iter=5, step_mode="linear", smooth_f=0)
print([round(v, 5) for v in linear.history["lr"]], [round(v, 4) for v in linear.history["loss"]])
linear.reset()

# ReduceLROnPlateau: with the suggested LR, on the validation loss
optimizer = torch.optim.SGD([{"params": model.rnn.parameters()}, {"params": model.fc.parameters(), "lr": 0.05}],
                            lr=min(lr, 0.5), momentum=0.9)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1, threshold=0.05,
                                                     threshold_mode="rel", cooldown=1, min_lr=[1e-3, 1e-2])
print(plateau.mode, plateau.threshold_mode, plateau.best, plateau.min_lrs, plateau.eps)
val_x, val_y = tokens[:8], labels[:8]
for epoch in range(6):
    for x, y in batches:
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
    with torch.no_grad():
        val_loss = criterion(model(val_x), val_y)
    plateau.step(val_loss)
    print(f"epoch {epoch} val {val_loss.item():.4f} lrs {[round(g['lr'], 5) for g in optimizer.param_groups]}"
          f" bad {plateau.num_bad_epochs} cooldown {plateau.cooldown_counter} best {float(plateau.best):.4f}")
print(plateau.get_last_lr(), plateau.last_epoch)

opt = torch.optim.SGD(model.fc.parameters(), lr=1.0)
acc = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, "max", factor=0.1, patience=0, threshold=0.02, threshold_mode="abs",
                                                 eps=0.05)
for metric in [0.50, 0.51, 0.60, 0.61, 0.615, 0.70, 0.705, 0.71]:
    acc.step(metric)
    print(metric, opt.param_groups[0]["lr"], acc.num_bad_epochs, acc.best, acc._is_better(0.73, acc.best))
state = acc.state_dict()
print(sorted(state), state["best"], state["mode_worse"])
again = torch.optim.lr_scheduler.ReduceLROnPlateau(opt)
again.load_state_dict(state)
print(again.mode, again.threshold, again.factor, again.patience)
for kwargs in ({"factor": 1.0}, {"mode": "maximum"}, {"threshold_mode": "relative"}, {"min_lr": [0.1, 0.2]}):
    try:
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    except ValueError as err:
        print("ValueError:", err)
print(math.isinf(torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max").best))
