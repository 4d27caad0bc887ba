import tinygrad_rnn as torch
nn, optim = torch.nn, torch.optim
lr_scheduler = torch.optim.lr_scheduler

# The optim docs' scheduler examples: each one stepped per epoch, its lr and state printed.
torch.manual_seed(0)
model = nn.Linear(3, 1)
x, y = torch.randn(8, 3), torch.randn(8, 1)


def train_step(optimizer):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def run(name, make, epochs=8, metric=False):
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = make(optimizer)
    lrs = []
    for epoch in range(epochs):
        loss = train_step(optimizer)
        if metric:
            scheduler.step(loss if epoch < 3 else 1.0)
        else:
            scheduler.step()
        lrs.append(round(scheduler.get_last_lr()[0], 8))
    print(name, lrs)
    return scheduler


run("LambdaLR", lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch))
run("MultiplicativeLR", lambda o: lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda epoch: 0.9))
s = run("StepLR", lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.1))
print(s.state_dict())
run("MultiStepLR", lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1))
run("ConstantLR", lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4))
run("LinearLR", lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4))
run("ExponentialLR", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9))
run("PolynomialLR", lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0))
run("CosineAnnealingLR", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01))
run("ChainedScheduler", lambda o: lr_scheduler.ChainedScheduler(
    [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)]))
run("SequentialLR", lambda o: lr_scheduler.SequentialLR(
    o, schedulers=[lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)],
    milestones=[2]))
plateau = run("ReduceLROnPlateau", lambda o: lr_scheduler.ReduceLROnPlateau(
    o, mode="min", factor=0.5, patience=1, threshold=0.01, cooldown=1), epochs=10, metric=True)
print(plateau.best, plateau.num_bad_epochs, plateau.cooldown_counter, plateau.state_dict())
for mode in ["triangular", "triangular2", "exp_range"]:
    s = run("CyclicLR " + mode, lambda o, mode=mode: lr_scheduler.CyclicLR(
        o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode=mode, gamma=0.9), epochs=10)
    print(s.optimizer.param_groups[0]["momentum"])
for strategy in ["cos", "linear"]:
    s = run("OneCycleLR " + strategy, lambda o, strategy=strategy: lr_scheduler.OneCycleLR(
        o, max_lr=0.1, total_steps=10, anneal_strategy=strategy), epochs=10)
    print(s.optimizer.param_groups[0]["momentum"])
run("OneCycleLR three_phase", lambda o: lr_scheduler.OneCycleLR(
    o, max_lr=0.1, epochs=2, steps_per_epoch=5, three_phase=True), epochs=10)

optimizer = optim.SGD(model.parameters(), lr=0.1)
scheduler = lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2, eta_min=0.001)
iters = 4
for epoch in range(3):
    for i in range(iters):
        train_step(optimizer)
        scheduler.step(epoch + i / iters)
        print(epoch, i, round(scheduler.get_last_lr()[0], 8), scheduler.T_cur, scheduler.T_i)

optimizer = optim.SGD(model.parameters(), lr=0.1)
scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for epoch in range(3):
    train_step(optimizer)
    scheduler.step()
state = scheduler.state_dict()
print(state)
optimizer2 = optim.SGD(model.parameters(), lr=0.1)
scheduler2 = lr_scheduler.StepLR(optimizer2, step_size=5, gamma=0.1)
scheduler2.load_state_dict(state)
print(scheduler2.last_epoch, scheduler2.step_size, scheduler2.get_last_lr(), optimizer2.param_groups[0]["lr"])

optimizer = optim.Adam(model.parameters(), lr=0.01)
scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
scheduler.step()
print(scheduler.get_last_lr(), optimizer.param_groups[0]["lr"])
print(type(scheduler).__name__, scheduler.last_epoch, scheduler.base_lrs)

# stepping the scheduler before the optimizer warns once; get_lr() outside step() warns too
optimizer = optim.SGD(model.parameters(), lr=0.1)
scheduler = lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
scheduler.step()
print(scheduler.get_last_lr(), scheduler.get_lr())
try:
    lr_scheduler.CyclicLR(optim.Adagrad(model.parameters(), lr=0.1), base_lr=0.01, max_lr=0.1)
except ValueError as e:
    print("ValueError:", e)
adam = optim.Adam(model.parameters(), lr=0.1)
cyclic = lr_scheduler.CyclicLR(adam, base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=True)
for _ in range(3):
    train_step(adam)
    cyclic.step()
    print(cyclic.get_last_lr(), adam.param_groups[0]["betas"])
warm = lr_scheduler.CosineAnnealingWarmRestarts(optim.SGD(model.parameters(), lr=0.1), T_0=2)
for _ in range(5):
    warm.optimizer.step()
    warm.step()
    print(round(warm.get_last_lr()[0], 8), warm.T_cur, warm.last_epoch)
one = lr_scheduler.OneCycleLR(optim.SGD(model.parameters(), lr=0.1, momentum=0.9), max_lr=0.2, total_steps=3)
for _ in range(3):
    one.optimizer.step()
    one.step()
try:
    one.step()
except ValueError as e:
    print("ValueError:", e)
for bad in [dict(mode="max2"), dict(threshold_mode="abs2"), dict(factor=1.0)]:
    try:
        lr_scheduler.ReduceLROnPlateau(optim.SGD(model.parameters(), lr=0.1), **bad)
    except ValueError as e:
        print("ValueError:", e)
