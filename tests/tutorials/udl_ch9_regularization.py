import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Prince, "Understanding Deep Learning", notebooks 8.x-9.x (measuring performance, regularization) on an
# MNIST-1D-like data set made here (ten 1-D templates, shifted, scaled and noised): a network built with
# nn.Sequential and initialised by model.apply(weights_init) with He (kaiming_uniform_) weights, SGD with
# momentum and a StepLR schedule (get_last_lr), an explicit L2 penalty against weight_decay, dropout,
# data augmentation with torch.roll and input noise, an ensemble of models averaged by softmax, and the
# loss curvature around the minimum with torch.autograd.functional.hessian. Training is short: 6 epochs for the
# plain model, 3 per regularizer, 2 per ensemble member (the notebooks' 100 or more).
np.random.seed(0)
torch.manual_seed(0)
templates = np.array([np.sin(np.linspace(0, (c + 1) * np.pi / 2, 40)) * (1 if c % 2 else -1) for c in range(10)])
def make_dataset(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    shifts = rng.integers(-4, 5, n)
    x = np.stack([np.roll(templates[c], s) for c, s in zip(y, shifts)]) * rng.uniform(0.8, 1.2, (n, 1))
    x = x + 0.25 * rng.standard_normal(x.shape)
    return x.astype(np.float32), y
x_train, y_train = make_dataset(300, 1)
x_test, y_test = make_dataset(200, 2)
print("Examples in training set: {}".format(len(y_train)))
print("Examples in test set: {}".format(len(y_test)))
print("Length of each example: {}".format(x_train.shape[-1]))
D_i, D_k, D_o = 40, 64, 10
def weights_init(layer_in):
    if isinstance(layer_in, nn.Linear):
        nn.init.kaiming_uniform_(layer_in.weight)
        layer_in.bias.data.fill_(0.0)
def make_model(p_dropout=0.0):
    return nn.Sequential(nn.Linear(D_i, D_k), nn.ReLU(), nn.Dropout(p_dropout),
                         nn.Linear(D_k, D_k), nn.ReLU(), nn.Dropout(p_dropout),
                         nn.Linear(D_k, D_o))
x_train_t, y_train_t = torch.tensor(x_train), torch.tensor(y_train, dtype=torch.long)
x_test_t, y_test_t = torch.tensor(x_test), torch.tensor(y_test, dtype=torch.long)
data_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train_t, y_train_t), batch_size=100,
                                          shuffle=True, worker_init_fn=np.random.seed(1))
def fit_model(model, n_epoch=20, weight_decay=0.0, l2_penalty=0.0, augment=False, verbose=True):
    loss_function = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    errors_train, errors_test = np.zeros(n_epoch), np.zeros(n_epoch)
    for epoch in range(n_epoch):
        model.train()
        for i, data in enumerate(data_loader):
            x_batch, y_batch = data
            if augment:
                x_batch = torch.roll(x_batch, shifts=int(np.random.randint(-3, 4)), dims=1)
                x_batch = x_batch + 0.1 * torch.randn_like(x_batch)
            optimizer.zero_grad()
            pred = model(x_batch)
            loss = loss_function(pred, y_batch)
            if l2_penalty:
                loss = loss + l2_penalty * sum((p ** 2).sum() for name, p in model.named_parameters() if "weight" in name)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            pred_train, pred_test = model(x_train_t), model(x_test_t)
        _, predicted_train_class = torch.max(pred_train.data, 1)
        _, predicted_test_class = torch.max(pred_test.data, 1)
        errors_train[epoch] = 100 - 100 * (predicted_train_class == y_train_t).float().sum() / len(y_train_t)
        errors_test[epoch] = 100 - 100 * (predicted_test_class == y_test_t).float().sum() / len(y_test_t)
        scheduler.step()
        if verbose and epoch % 3 == 2:
            print(f"Epoch {epoch:5d}, train loss {loss_function(pred_train, y_train_t).item():.6f}, "
                  f"train error {errors_train[epoch]:3.2f}, test error {errors_test[epoch]:3.2f}, "
                  f"lr {scheduler.get_last_lr()[0]:.4f}")
    return errors_train, errors_test
model = make_model()
print(model.apply(weights_init))
print(model[0].weight.std(), model[0].bias.abs().sum())
errors_train, errors_test = fit_model(model, n_epoch=6)
print("plain: final test error {:.2f}".format(errors_test[-1]))
for label, kwargs, p in [("weight_decay", {"weight_decay": 1e-3}, 0.0), ("l2 penalty", {"l2_penalty": 5e-4}, 0.0),
                         ("dropout", {}, 0.3), ("augmentation", {"augment": True}, 0.0)]:
    torch.manual_seed(1)
    model = make_model(p)
    model.apply(weights_init)
    _, errors_test = fit_model(model, n_epoch=3, verbose=False, **kwargs)
    weight_norm = sum(m.weight.norm() ** 2 for m in model if isinstance(m, nn.Linear)).sqrt()
    print(f"{label}: test error {errors_test[-1]:.2f}, weight norm {weight_norm.item():.4f}")
# an ensemble: average the class probabilities of models trained from different initialisations
probs = []
for seed in range(3):
    torch.manual_seed(seed)
    member = make_model()
    member.apply(weights_init)
    fit_model(member, n_epoch=2, verbose=False)
    with torch.no_grad():
        probs.append(F.softmax(member(x_test_t), dim=1))
    print("member {} test error {:.2f}".format(seed, 100 - 100 * (probs[-1].argmax(1) == y_test_t).float().mean().item()))
mean_probs = torch.stack(probs).mean(dim=0)
print("ensemble test error {:.2f}".format(100 - 100 * (mean_probs.argmax(1) == y_test_t).float().mean().item()))
print(mean_probs[:2])
# curvature of the loss in the directions of the first three output biases, around the trained weights
with torch.no_grad():
    hidden = member[:-1](x_test_t)
w0 = member[-1].bias.detach().clone()[:3]
def loss_along(w):
    bias = torch.cat([w, member[-1].bias.detach()[3:]])
    return F.cross_entropy(F.linear(hidden, member[-1].weight.detach(), bias), y_test_t)
H = torch.autograd.functional.hessian(loss_along, w0)
print(H.shape, torch.allclose(H, H.T, atol=1e-6))
print(H)
eigenvalues = torch.linalg.eigvalsh(H)
print(eigenvalues.shape, bool((eigenvalues > -1e-6).all()))
