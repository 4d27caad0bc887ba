import tinygrad_rnn as torch
import io
import math
nn = torch.nn
data = torch.utils.data
lr_scheduler = torch.optim.lr_scheduler
# The warmup schedules Hugging Face's get_linear_schedule_with_warmup / get_cosine_schedule_with_warmup
# write with LambdaLR (and the "LR warmup" blog posts that copy them), next to torch's own
# OneCycleLR(three_phase), CosineAnnealingWarmRestarts stepped with fractional epochs as its docs show,
# SequentialLR(LinearLR -> CosineAnnealingLR) and CyclicLR; a training loop on a dataset split with
# random_split(fractions, generator), Subset and ConcatDataset, gradient accumulation, clipping, and a
# checkpoint of model, optimizer and scheduler state through torch.save/torch.load that resumes
# exactly where it stopped.
torch.manual_seed(0)


def get_linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, last_epoch=-1):
    def lr_lambda(current_step: int):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))
    return lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch)


def get_cosine_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps, num_cycles=0.5, last_epoch=-1):
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        progress = float(current_step - num_warmup_steps) / float(max(1, num_training_steps - num_warmup_steps))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(num_cycles) * 2.0 * progress)))
    return lr_scheduler.LambdaLR(optimizer, lr_lambda, last_epoch)


def lrs(make, steps=10, frac=None):
    model = nn.Linear(2, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    sched = make(opt)
    seen = []
    for i in range(steps):
        opt.step()
        sched.step(i / frac) if frac else sched.step()
        seen.append(f"{sched.get_last_lr()[0]:.2e}")
    return seen, opt.param_groups[0].get("betas")


print("linear warmup", lrs(lambda o: get_linear_schedule_with_warmup(o, 3, 10)))
print("cosine warmup", lrs(lambda o: get_cosine_schedule_with_warmup(o, 2, 10)))
print("onecycle 3-phase", lrs(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1e-2, total_steps=10, three_phase=True)))
print("onecycle linear", lrs(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1e-2, epochs=2, steps_per_epoch=5, anneal_strategy="linear", pct_start=0.3)))
print("warm restarts", lrs(lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=1e-5), steps=12, frac=3))
print("sequential", lrs(lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
                                                                   lr_scheduler.CosineAnnealingLR(o, T_max=7)], milestones=[3])))
print("cyclic", lrs(lambda o: lr_scheduler.CyclicLR(o, base_lr=1e-4, max_lr=1e-3, step_size_up=2, mode="triangular2",
                                                     cycle_momentum=False), steps=8))
print("polynomial", lrs(lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=1.5), steps=8))

print("-- data")
n = 40
X = torch.randn(n, 4)
y = (X @ torch.tensor([1.0, -2.0, 0.5, 0.0]) + 0.1 * torch.randn(n)).unsqueeze(1)
full = data.TensorDataset(X, y)
train_set, val_set, test_set = data.random_split(full, [0.7, 0.2, 0.1], generator=torch.Generator().manual_seed(42))
print(len(train_set), len(val_set), len(test_set), type(train_set).__name__, train_set.indices[:5], test_set.indices)
extra = data.Subset(full, list(range(0, n, 10)))
combined = data.ConcatDataset([train_set, extra])
print(len(combined), combined.cumulative_sizes, combined[28][1], extra[1][0].shape, extra.indices)
train_loader = data.DataLoader(combined, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(1), drop_last=False)
val_loader = data.DataLoader(val_set, batch_size=16)
print(len(train_loader), len(val_loader), next(iter(val_loader))[0].shape)

print("-- training with warmup, accumulation and clipping")
model = nn.Sequential(nn.Linear(4, 16), nn.GELU(), nn.Linear(16, 1))
opt = torch.optim.AdamW(model.parameters(), lr=5e-2, weight_decay=0.01)
accumulation = 2
epochs = 4
total_steps = math.ceil(len(train_loader) / accumulation) * epochs
scheduler = get_cosine_schedule_with_warmup(opt, num_warmup_steps=2, num_training_steps=total_steps)
loss_fn = nn.MSELoss()


def run_epoch(epoch):
    model.train()
    running = 0.0
    for step, (xb, yb) in enumerate(train_loader):
        loss = loss_fn(model(xb), yb) / accumulation
        loss.backward()
        running += loss.item() * accumulation
        if (step + 1) % accumulation == 0 or step + 1 == len(train_loader):
            norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
            scheduler.step()
            opt.zero_grad(set_to_none=True)
    model.eval()
    with torch.no_grad():
        val = sum(loss_fn(model(xb), yb).item() * len(xb) for xb, yb in val_loader) / len(val_set)
    print(epoch, f"train {running / len(train_loader):.4f} val {val:.4f} lr {scheduler.get_last_lr()[0]:.5f} norm {norm:.3f}")


for epoch in range(2):
    run_epoch(epoch)
buffer = io.BytesIO()
torch.save({"epoch": 2, "model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": scheduler.state_dict()}, buffer)
checkpoint_size = buffer.tell() > 0
buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=False)
print(checkpoint_size, sorted(checkpoint), checkpoint["scheduler"]["last_epoch"], checkpoint["scheduler"]["_last_lr"])
print(sorted(checkpoint["optimizer"]["state"][0]), checkpoint["optimizer"]["state"][0]["step"], checkpoint["optimizer"]["param_groups"][0]["initial_lr"])
state_before = [p.detach().clone() for p in model.parameters()]
run_epoch(2)
after_once = [p.detach().clone() for p in model.parameters()]
model.load_state_dict(checkpoint["model"])
opt.load_state_dict(checkpoint["optimizer"])
scheduler.load_state_dict(checkpoint["scheduler"])
print(all(torch.equal(a, b) for a, b in zip(model.parameters(), state_before)), scheduler.last_epoch, opt.param_groups[0]["lr"])
torch.manual_seed(5)
train_loader = data.DataLoader(combined, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(7))
run_epoch(2)
print([round((a - b).abs().max().item(), 4) for a, b in zip(model.parameters(), after_once)][:2])
