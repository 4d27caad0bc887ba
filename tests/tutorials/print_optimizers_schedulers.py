import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
lr_scheduler = torch.optim.lr_scheduler
# What training scripts print about their optimiser, as the torch.optim docs ("per-parameter options",
# "how to adjust learning rate") and course notebooks show it: `print(optimizer)` with several parameter
# groups and non-default options, `optimizer.state_dict()` after one step, `param_groups`, and each
# scheduler's `get_last_lr()`, `state_dict()` and the scheduler object itself.
torch.manual_seed(0)


def two_groups():
    """A backbone at the default lr and a head at its own, as the docs' per-parameter options example."""
    backbone, head = nn.Linear(2, 2), nn.Linear(2, 1)
    return backbone, head, [{"params": backbone.parameters()}, {"params": head.parameters(), "lr": 0.05}]


print("-- print(optimizer)")
for make in (lambda g: optim.SGD(g, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4),
             lambda g: optim.Adam(g, lr=1e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
             lambda g: optim.AdamW(g, maximize=True), lambda g: optim.Adagrad(g, lr_decay=0.1, initial_accumulator_value=0.5),
             lambda g: optim.RMSprop(g, alpha=0.9, centered=True, momentum=0.5), lambda g: optim.NAdam(g, momentum_decay=0.005),
             lambda g: optim.RAdam(g, decoupled_weight_decay=True), lambda g: optim.Rprop(g, etas=(0.4, 1.3), step_sizes=(1e-5, 10)),
             lambda g: optim.Adadelta(g, rho=0.8), lambda g: optim.Adamax(g), lambda g: optim.ASGD(g, lambd=1e-3, t0=100)):
    print(make(two_groups()[2]))
print(optim.LBFGS(nn.Linear(2, 2).parameters(), history_size=5, line_search_fn="strong_wolfe"))
print(optim.SGD(nn.Linear(2, 2).parameters(), lr=torch.tensor(0.01)))

print("-- state_dict after one step")


def one_step(cls, **options):
    """One closure step on the two groups: the loss it returns, then the optimiser."""
    backbone, head, groups = two_groups()
    optimizer = cls(groups, **options)

    def closure():
        optimizer.zero_grad()
        loss = head(backbone(torch.ones(3, 2))).pow(2).sum()
        loss.backward()
        return loss

    print(cls.__name__, optimizer.step(closure))
    return optimizer


for cls, options in ((optim.SGD, dict(lr=0.1, momentum=0.9)), (optim.Adam, {}), (optim.AdamW, dict(amsgrad=True)),
                     (optim.RMSprop, dict(centered=True, momentum=0.1)), (optim.Adagrad, {})):
    optimizer = one_step(cls, **options)
    print(optimizer.state_dict())
print(optimizer.param_groups[1]["lr"], optimizer.defaults)

print("-- schedulers")


def scheduled(make, steps=4):
    weight = nn.Parameter(torch.ones(2))
    optimizer = optim.SGD([weight], lr=0.1, momentum=0.9)
    scheduler = make(optimizer)
    lrs = []
    for epoch in range(steps):
        optimizer.step()
        if isinstance(scheduler, lr_scheduler.ReduceLROnPlateau):
            scheduler.step(1.0)
        else:
            scheduler.step()
        lrs.append(round(optimizer.param_groups[0]["lr"], 6))
    state = {k: v for k, v in scheduler.state_dict().items() if k != "lr_lambdas"}
    print(type(scheduler).__name__, lrs, scheduler.get_last_lr())
    print(state)
    return scheduler


for make in (lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.5), lambda o: lr_scheduler.MultiStepLR(o, [1, 3]),
             lambda o: lr_scheduler.ExponentialLR(o, 0.9), lambda o: lr_scheduler.CosineAnnealingLR(o, 10, eta_min=0.001),
             lambda o: lr_scheduler.LambdaLR(o, lambda epoch: 0.5 ** epoch), lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=10),
             lambda o: lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2), lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=1),
             lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 2), lambda o: lr_scheduler.LinearLR(o, 0.5, total_iters=3),
             lambda o: lr_scheduler.PolynomialLR(o, total_iters=5, power=2.0),
             lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ConstantLR(o, 0.5, 2), lr_scheduler.ExponentialLR(o, 0.9)], [2])):
    scheduler = scheduled(make)
print(scheduler)
print(optim.swa_utils.SWALR(optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1), swa_lr=0.05).state_dict())
