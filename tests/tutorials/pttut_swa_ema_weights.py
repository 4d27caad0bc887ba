import tinygrad_rnn as torch
import itertools

nn = torch.nn

# The torch.optim.swa_utils section of the PyTorch optim docs ("Weight Averaging (SWA and EMA)") and the
# "Stochastic Weight Averaging in PyTorch" blog post: an AveragedModel for SWA with SWALR (cos and linear
# annealing) and update_bn, an EMA model with get_ema_multi_avg_fn and another with a custom avg_fn,
# use_buffers=True, and the timm-style hand-written ModelEmaV2 for comparison.
torch.manual_seed(0)


class Tagger(nn.Module):
    def __init__(self, vocab=12, emb=6, hidden=8, n_tags=3):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.norm = nn.BatchNorm1d(hidden)
        self.out = nn.Linear(hidden, n_tags)

    def forward(self, x):
        h, _ = self.lstm(self.embed(x))
        h = self.norm(h.transpose(1, 2)).transpose(1, 2)
        return self.out(h)


tokens = torch.randint(0, 12, (16, 5))
tags = tokens % 3
loader = [(tokens[i:i + 4], tags[i:i + 4]) for i in range(0, 16, 4)]
model = Tagger()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
swa_model = torch.optim.swa_utils.AveragedModel(model)
print(swa_model)
print(swa_model.n_averaged, swa_model.n_averaged.dtype)
print([k for k in swa_model.state_dict().keys()][:4], len(swa_model.state_dict()))
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=8)
swa_start = 3
swa_scheduler = torch.optim.swa_utils.SWALR(optimizer, swa_lr=0.05, anneal_epochs=2, anneal_strategy="cos")
print(type(swa_scheduler).__name__, swa_scheduler.state_dict()["anneal_epochs"])

for epoch in range(6):
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x).flatten(0, 1), y.flatten())
        loss.backward()
        optimizer.step()
    if epoch > swa_start:
        swa_model.update_parameters(model)
        swa_scheduler.step()
    else:
        scheduler.step()
    print(f"epoch {epoch} loss {loss.item():.4f} lr {optimizer.param_groups[0]['lr']:.5f} n_averaged {swa_model.n_averaged.item()}")

print(swa_model.module.norm.running_mean)
torch.optim.swa_utils.update_bn(loader_x := [x for x, _ in loader], swa_model)
print(swa_model.module.norm.running_mean)
print(swa_model.module.norm.num_batches_tracked, swa_model.module.norm.momentum)
swa_model.eval()
with torch.no_grad():
    pred = swa_model(tokens[:2])
print(pred.shape, pred.argmax(-1))

# EMA via get_ema_multi_avg_fn (the docs' recipe) and a custom avg_fn
decay = 0.9
ema_model = torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(decay))
ema_avg = lambda averaged, current, num_averaged: decay * averaged + (1 - decay) * current  # noqa: E731
ema_custom = torch.optim.swa_utils.AveragedModel(model, avg_fn=ema_avg, use_buffers=True)
ema_single = torch.optim.swa_utils.AveragedModel(model, avg_fn=torch.optim.swa_utils.get_ema_avg_fn(decay))


class ModelEmaV2(nn.Module):
    """timm's ModelEmaV2 written out: a deepcopy updated in place with lerp under no_grad."""

    def __init__(self, model, decay=0.9):
        super().__init__()
        import copy
        self.module = copy.deepcopy(model)
        self.module.eval()
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
            if ema_v.dtype.is_floating_point:
                ema_v.copy_(self.decay * ema_v + (1.0 - self.decay) * model_v)
            else:
                ema_v.copy_(model_v)


timm_ema = ModelEmaV2(model, decay)
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
linear_swa = torch.optim.swa_utils.SWALR(optimizer, swa_lr=0.001, anneal_epochs=3, anneal_strategy="linear")
for step, (x, y) in enumerate(itertools.islice(itertools.cycle(loader), 6)):
    optimizer.zero_grad()
    loss_fn(model(x).flatten(0, 1), y.flatten()).backward()
    optimizer.step()
    linear_swa.step()
    for m in (ema_model, ema_custom, ema_single):
        m.update_parameters(model)
    timm_ema.update(model)
    print(step, round(optimizer.param_groups[0]["lr"], 6), ema_model.n_averaged.item(),
          f"{ema_model.module.out.bias[0].item():.6f} {ema_custom.module.out.bias[0].item():.6f}"
          f" {ema_single.module.out.bias[0].item():.6f} {timm_ema.module.out.bias[0].item():.6f}")

print(ema_model.module.norm.running_var[:3])
print(ema_custom.module.norm.running_var[:3])
print(model.norm.running_var[:3])
print(torch.allclose(ema_model.module.out.weight, ema_single.module.out.weight))
print(sum(p.numel() for p in ema_model.parameters()), ema_model.module.out.weight.requires_grad)
print(linear_swa.get_last_lr(), linear_swa.state_dict()["anneal_strategy"] if "anneal_strategy" in linear_swa.state_dict() else "-")



class ModelEmaV3(nn.Module):
    """timm's ModelEmaV3: a warmup decay, and the update as torch._foreach_lerp_ over the float tensors."""

    def __init__(self, model, decay=0.99, min_decay=0.0, use_warmup=True, warmup_gamma=1.0, warmup_power=2 / 3):
        super().__init__()
        import copy
        self.module = copy.deepcopy(model).eval()
        self.decay, self.min_decay, self.use_warmup = decay, min_decay, use_warmup
        self.warmup_gamma, self.warmup_power = warmup_gamma, warmup_power

    def get_decay(self, step=None):
        if step is None:
            return self.decay
        step = max(0, step - 1)
        if step <= 0:
            return 0.0
        if self.use_warmup:
            decay = 1 - (1 + step / self.warmup_gamma) ** -self.warmup_power
            return max(min(decay, self.decay), self.min_decay)
        return self.decay

    @torch.no_grad()
    def update(self, model, step=None):
        decay = self.get_decay(step)
        ema_lerp_values, model_lerp_values = [], []
        for ema_v, model_v in zip(self.module.state_dict().values(), model.state_dict().values()):
            if ema_v.is_floating_point():
                ema_lerp_values.append(ema_v)
                model_lerp_values.append(model_v)
            else:
                ema_v.copy_(model_v)
        if hasattr(torch, "_foreach_lerp_"):
            torch._foreach_lerp_(ema_lerp_values, model_lerp_values, weight=1.0 - decay)
        else:
            torch._foreach_mul_(ema_lerp_values, scalar=decay)
            torch._foreach_add_(ema_lerp_values, model_lerp_values, alpha=1.0 - decay)
        return len(ema_lerp_values)


ema_v3 = ModelEmaV3(model, decay=0.95)
for step in range(1, 5):
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(0.9)
    print(step, round(ema_v3.get_decay(step), 5), ema_v3.update(model, step=step), ema_v3.module.out.bias.data)
norms = torch._foreach_norm([p.detach() for p in ema_v3.module.parameters()])
print(type(norms).__name__, len(norms), torch.stack(norms)[:4])
diffs = torch._foreach_sub(list(ema_v3.module.parameters()), list(model.parameters()))
print(max(d.abs().max().item() for d in diffs) > 0, diffs[-1].requires_grad)

try:
    torch.optim.swa_utils.SWALR(optimizer, swa_lr=0.01, anneal_strategy="exp")
except ValueError as err:
    print("ValueError:", err)
try:
    torch.optim.swa_utils.SWALR(optimizer, swa_lr=0.01, anneal_epochs=-1)
except ValueError as err:
    print("ValueError:", err)
