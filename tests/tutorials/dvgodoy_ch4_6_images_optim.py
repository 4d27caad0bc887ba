import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
lr_scheduler = torch.optim.lr_scheduler
StepLR, ReduceLROnPlateau, MultiStepLR = lr_scheduler.StepLR, lr_scheduler.ReduceLROnPlateau, lr_scheduler.MultiStepLR
CyclicLR, LambdaLR = lr_scheduler.CyclicLR, lr_scheduler.LambdaLR

# Godoy's "Deep Learning with PyTorch Step-by-Step", chapters 4-6, shrunk: 5x5 images of lines drawn
# in code, a CNN with Conv2d/MaxPool2d/Dropout, multiclass losses, the schedulers, Adam's EWMAs by
# hand, SGD with momentum/nesterov, and the three ways to clip gradients.


def gen_img(start, target, fill=1, img_size=5):
    img = np.zeros((img_size, img_size), dtype=float)
    start_row, start_col = None, None
    if start > 0:
        start_row = start
    else:
        start_col = np.abs(start)
    if target == 0:
        if start_row is None:
            img[:, start_col] = fill
        else:
            img[start_row, :] = fill
    else:
        if start_col == 0:
            start_col = 1
        if target == 1:
            if start_row is not None:
                up = (range(start_row, -1, -1), range(0, start_row + 1))
            else:
                up = (range(img_size - 1, start_col - 1, -1), range(start_col, img_size))
            img[tuple(up)] = fill
        else:
            if start_row is not None:
                down = (range(start_row, img_size, 1), range(0, img_size - start_row))
            else:
                down = (range(0, img_size - 1 - start_col + 1), range(start_col, img_size))
            img[tuple(down)] = fill
    return 255 * img.reshape(1, img_size, img_size)


def generate_dataset(img_size=5, n_images=60, binary=True, seed=17):
    np.random.seed(seed)
    starts = np.random.randint(-(img_size - 1), img_size, size=(n_images,))
    targets = np.random.randint(0, 3, size=(n_images,))
    images = np.array([gen_img(s, t, img_size=img_size) for s, t in zip(starts, targets)], dtype=np.uint8)
    if binary:
        targets = (targets > 0).astype(int)
    return images, targets


images, labels = generate_dataset(img_size=5, n_images=60, binary=True, seed=13)
print(images.shape, images.dtype, labels[:10])
x_tensor = torch.as_tensor(images / 255).float()
y_tensor = torch.as_tensor(labels.reshape(-1, 1)).float()
print(x_tensor.shape, x_tensor.dtype, y_tensor.sum())

# chapter 4: a deep-ish model on flattened images, BCEWithLogits and class weights
torch.manual_seed(13)
model_logistic = nn.Sequential()
model_logistic.add_module('flatten', nn.Flatten())
model_logistic.add_module('hidden0', nn.Linear(25, 5, bias=False))
model_logistic.add_module('activation0', nn.ReLU())
model_logistic.add_module('output', nn.Linear(5, 1, bias=False))
print(model_logistic)
n_pos = y_tensor.sum()
n_neg = len(y_tensor) - n_pos
loss_fn = nn.BCEWithLogitsLoss(pos_weight=(n_neg / n_pos).view(1,))
optimizer = optim.SGD(model_logistic.parameters(), lr=0.1)
loader = DataLoader(TensorDataset(x_tensor, y_tensor), batch_size=16, shuffle=True)
torch.manual_seed(42)
for epoch in range(10):
    for xb, yb in loader:
        loss = loss_fn(model_logistic(xb), yb)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
print('loss', loss, model_logistic.output.weight)
w_nograd = model_logistic.hidden0.weight.detach()
print(w_nograd.shape, (w_nograd @ x_tensor[0].view(-1)).shape)

# chapter 5: convolutions by hand and as modules
single = np.array([[[[5, 0, 8, 7, 8, 1],
                     [1, 9, 5, 0, 7, 7],
                     [6, 0, 2, 4, 6, 6],
                     [9, 7, 6, 6, 8, 4],
                     [8, 3, 8, 5, 1, 3],
                     [7, 2, 7, 0, 1, 0]]]])
identity = np.array([[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]])
region = single[:, :, 0:3, 0:3]
print((region * identity).sum())
image = torch.as_tensor(single).float()
kernel_identity = torch.as_tensor(identity).float()
convolved = F.conv2d(image, kernel_identity, stride=1)
print(convolved)
print(F.conv2d(image, kernel_identity, stride=2))
conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, stride=1)
print(conv, conv.weight.shape, conv.bias.shape)
conv_multiple = nn.Conv2d(in_channels=1, out_channels=2, kernel_size=3, stride=1)
print(conv_multiple.weight.shape)
with torch.no_grad():
    conv.weight[0] = kernel_identity
    conv.bias[0] = 0
print(conv(image))
print(F.pad(image, pad=(1, 1, 1, 1), mode='constant', value=0).shape)
print(nn.ConstantPad2d(padding=1, value=0)(image)[0, 0, :2])
print(nn.ReplicationPad2d(padding=1)(image)[0, 0, :2])
print(nn.ReflectionPad2d(padding=1)(image)[0, 0, :2])
print(F.pad(image, pad=(1, 1, 1, 1), mode='circular')[0, 0, :2])
edge = np.array([[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]])
kernel_edge = torch.as_tensor(edge).float()
edge_image = F.conv2d(F.pad(image, pad=(1, 1, 1, 1)), kernel_edge)
print(edge_image)
pooled = F.max_pool2d(edge_image, kernel_size=2)
print(pooled, nn.MaxPool2d(kernel_size=2)(edge_image).shape)
print(F.max_pool2d(edge_image, kernel_size=3, stride=1).shape, F.avg_pool2d(edge_image, kernel_size=2))
print(nn.Flatten()(pooled), pooled.view(1, -1))

# LeNet-5-like layout on 12x12 inputs
lenet = nn.Sequential()
lenet.add_module('C1', nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2))
lenet.add_module('func1', nn.ReLU())
lenet.add_module('S2', nn.MaxPool2d(kernel_size=2))
lenet.add_module('C3', nn.Conv2d(in_channels=6, out_channels=16, kernel_size=3))
lenet.add_module('func2', nn.ReLU())
lenet.add_module('S4', nn.MaxPool2d(kernel_size=2))
lenet.add_module('flatten', nn.Flatten())
lenet.add_module('F5', nn.Linear(in_features=16 * 2 * 2, out_features=20))
lenet.add_module('func3', nn.ReLU())
lenet.add_module('OUTPUT', nn.Linear(in_features=20, out_features=3))
print(lenet)
print(lenet(torch.randn(2, 1, 12, 12)).shape)

# multiclass: softmax, log-softmax, NLL and cross-entropy
logits = torch.tensor([1.3863, 0.0000, -0.6931])
odds_ratios = torch.exp(logits)
print(odds_ratios, odds_ratios / odds_ratios.sum(), nn.Softmax(dim=-1)(logits), F.softmax(logits, dim=-1))
log_probs = F.log_softmax(logits, dim=-1)
print(log_probs, nn.LogSoftmax(dim=-1)(logits))
torch.manual_seed(11)
dummy_logits = torch.randn((5, 3))
dummy_labels = torch.tensor([0, 0, 1, 2, 1])
dummy_log_probs = F.log_softmax(dummy_logits, dim=-1)
relevant_log_probs = torch.tensor([-1.5229, -1.3658, -0.8017, -1.9973, -1.2477])
print(dummy_log_probs, -relevant_log_probs.mean())
loss_fn = nn.NLLLoss()
print(loss_fn(dummy_log_probs, dummy_labels))
loss_fn = nn.NLLLoss(weight=torch.tensor([1., 1., 2.]))
print(loss_fn(dummy_log_probs, dummy_labels))
loss_fn = nn.NLLLoss(ignore_index=2)
print(loss_fn(dummy_log_probs, dummy_labels))
loss_fn = nn.CrossEntropyLoss()
print(loss_fn, loss_fn(dummy_logits, dummy_labels))
print(nn.CrossEntropyLoss(label_smoothing=0.1, reduction='sum')(dummy_logits, dummy_labels))

# chapter 5's CNN with dropout on the 3-class version of the images
images, labels = generate_dataset(img_size=10, n_images=90, binary=False, seed=17)
x_t = torch.as_tensor(images / 255).float()
y_t = torch.as_tensor(labels).long()
print(x_t.shape, y_t[:10], y_t.dtype)
torch.manual_seed(13)
n_channels = 1
model_cnn1 = nn.Sequential()
model_cnn1.add_module('conv1', nn.Conv2d(in_channels=1, out_channels=n_channels, kernel_size=3))
model_cnn1.add_module('relu1', nn.ReLU())
model_cnn1.add_module('maxp1', nn.MaxPool2d(kernel_size=2))
model_cnn1.add_module('flatten', nn.Flatten())
model_cnn1.add_module('fc1', nn.Linear(in_features=n_channels * 4 * 4, out_features=10))
model_cnn1.add_module('relu2', nn.ReLU())
model_cnn1.add_module('fc2', nn.Linear(in_features=10, out_features=3))
print([name for name, _ in model_cnn1.named_children()])
loss_fn = nn.CrossEntropyLoss(reduction='mean')
optimizer_cnn1 = optim.SGD(model_cnn1.parameters(), lr=0.1)
loader = DataLoader(TensorDataset(x_t, y_t), batch_size=16, shuffle=True)
captured = {}


def hook_fn(layer, inputs, outputs):
    captured.setdefault(layer.__class__.__name__, []).append(outputs.detach().shape)


handle = model_cnn1.conv1.register_forward_hook(hook_fn)
for epoch in range(8):
    for xb, yb in loader:
        model_cnn1.train()
        loss = loss_fn(model_cnn1(xb), yb)
        loss.backward()
        optimizer_cnn1.step()
        optimizer_cnn1.zero_grad()
handle.remove()
print('cnn loss', loss, captured['Conv2d'][:2], len(captured['Conv2d']))
model_cnn1.eval()
print(model_cnn1.conv1.weight.data, model_cnn1(x_t[:4]).argmax(dim=1))


def correct(model, x, y, threshold=.5):
    model.eval()
    yhat = model(x)
    y = y.to(yhat.device)
    model.train()
    n_samples, n_dims = yhat.shape
    if n_dims > 1:
        _, predicted = torch.max(yhat, 1)
    else:
        n_dims += 1
        predicted = (F.sigmoid(yhat) > threshold).long()
    result = []
    for c in range(n_dims):
        n_class = (y == c).sum().item()
        n_correct = (predicted[y == c] == c).sum().item()
        result.append((n_correct, n_class))
    return torch.tensor(result)


print(correct(model_cnn1, x_t, y_t))

# dropout: train vs eval, functional form
dropping_model = nn.Sequential(nn.Dropout(p=0.5))
spaced_points = torch.linspace(.1, 1.1, 11)
torch.manual_seed(44)
dropping_model.train()
output_train = dropping_model(spaced_points)
print(output_train, output_train.sum(), (output_train == 0).sum())
dropping_model.eval()
print(dropping_model(spaced_points))
torch.manual_seed(17)
print(F.dropout(spaced_points, p=.3, training=True), F.dropout(spaced_points, p=.3, training=False))
print(F.dropout2d(torch.ones(1, 4, 2, 2), p=.5, training=True)[0, :, 0, 0])

# chapter 6: Adam's EWMAs by hand vs the optimizer's state
torch.manual_seed(42)
model = nn.Sequential(nn.Linear(1, 1))
optimizer = optim.Adam(model.parameters(), lr=0.1, betas=(0.9, 0.999), eps=1e-8)
x = torch.linspace(0, 1, 20).view(-1, 1)
y = 1 + 2 * x + .1 * torch.randn(20, 1)
loss_fn = nn.MSELoss()
grads = []
for i in range(4):
    loss = loss_fn(model(x), y)
    loss.backward()
    grads.append(model[0].weight.grad.item())
    optimizer.step()
    optimizer.zero_grad()
state = optimizer.state_dict()
print(state['param_groups'], sorted(state['state'][0].keys()), state['state'][0]['step'])
print(state['state'][0]['exp_avg'], state['state'][0]['exp_avg_sq'])
beta1, beta2 = 0.9, 0.999
ewma1, ewma2 = 0.0, 0.0
for g in grads:
    ewma1 = beta1 * ewma1 + (1 - beta1) * g
    ewma2 = beta2 * ewma2 + (1 - beta2) * g ** 2
print(round(ewma1, 6), round(ewma2, 8))
t = len(grads)
adapted = (ewma1 / (1 - beta1 ** t)) / (np.sqrt(ewma2 / (1 - beta2 ** t)) + 1e-8)
print(round(float(adapted), 6))

# SGD with momentum and nesterov: the momentum buffers
for nesterov in (False, True):
    torch.manual_seed(42)
    model = nn.Sequential(nn.Linear(1, 1))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=nesterov, dampening=0)
    for i in range(3):
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(nesterov, optimizer.state_dict()['state'][0]['momentum_buffer'], model.state_dict())

# schedulers
dummy_parm = [nn.Parameter(torch.randn(1))]
dummy_optimizer = optim.SGD(dummy_parm, lr=0.01)
dummy_scheduler = LambdaLR(dummy_optimizer, lr_lambda=lambda epoch: 0.1 ** (epoch // 2))
lrs = []
for epoch in range(5):
    dummy_optimizer.step()
    dummy_scheduler.step()
    lrs.append(dummy_scheduler.get_last_lr()[0])
print(np.round(lrs, 8), dummy_scheduler.state_dict()['last_epoch'])
dummy_optimizer = optim.SGD(dummy_parm, lr=0.01)
dummy_scheduler = StepLR(dummy_optimizer, step_size=2, gamma=0.1)
for epoch in range(5):
    dummy_optimizer.step()
    dummy_scheduler.step()
print(dummy_scheduler.get_last_lr(), dummy_optimizer.param_groups[0]['lr'])
dummy_optimizer = optim.SGD(dummy_parm, lr=0.01)
dummy_scheduler = MultiStepLR(dummy_optimizer, milestones=[2, 4], gamma=0.5)
for epoch in range(5):
    dummy_optimizer.step()
    dummy_scheduler.step()
print(dummy_scheduler.get_last_lr(), sorted(dummy_scheduler.state_dict().keys()))
dummy_optimizer = optim.SGD(dummy_parm, lr=0.01)
plateau = ReduceLROnPlateau(dummy_optimizer, mode='min', patience=2, factor=0.5, min_lr=1e-4)
for val_loss in [1.0, .9, .95, .93, .92, .91, .91, .91, .91]:
    plateau.step(val_loss)
    lrs.append(dummy_optimizer.param_groups[0]['lr'])
print(lrs[5:], plateau.num_bad_epochs, plateau.best, plateau.get_last_lr())
for mode in ('triangular', 'triangular2', 'exp_range'):
    dummy_optimizer = optim.SGD(dummy_parm, lr=0.01, momentum=0.9)
    cyclic = CyclicLR(dummy_optimizer, base_lr=1e-4, max_lr=1e-3, step_size_up=2, mode=mode, gamma=0.9)
    cyc = []
    for i in range(10):
        dummy_optimizer.step()
        cyclic.step()
        cyc.append(cyclic.get_last_lr()[0])
    print(mode, np.round(cyc, 7), round(dummy_optimizer.param_groups[0]['momentum'], 5))


# an LR-range-test in the book's spirit: exponentially growing lr via LambdaLR, one mini-batch each
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


torch.manual_seed(42)
model = nn.Sequential(nn.Linear(1, 1))
optimizer = optim.SGD(model.parameters(), lr=1e-3)
scheduler = LambdaLR(optimizer, make_lr_fn(1e-3, 1, 8))
tracking = {'loss': [], 'lr': []}
for it in range(8):
    loss = loss_fn(model(x), y)
    tracking['loss'].append(loss.item())
    tracking['lr'].append(scheduler.get_last_lr()[0])
    loss.backward()
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
print(np.round(tracking['lr'], 6), np.round(tracking['loss'], 5))

# gradient clipping: by value, by norm, and with hooks
torch.manual_seed(42)
model = nn.Sequential(nn.Linear(1, 10), nn.ReLU(), nn.Linear(10, 1))
loss = loss_fn(model(x * 10), y * 10)
loss.backward()
print(model[0].weight.grad.view(-1)[:4])
nn.utils.clip_grad_value_(model.parameters(), clip_value=1.0)
print(model[0].weight.grad.view(-1)[:4])
model.zero_grad()
print(model[0].weight.grad)
loss = loss_fn(model(x * 10), y * 10)
loss.backward()
total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=2)
print(total, round(torch.cat([p.grad.view(-1) for p in model.parameters()]).norm().item(), 4))
for p in model.parameters():
    p.grad = None
handles = []
for p in model.parameters():
    if p.requires_grad:
        func = lambda grad: torch.clamp(grad, -.5, .5)  # noqa: E731
        handles.append(p.register_hook(func))
loss = loss_fn(model(x * 10), y * 10)
loss.backward()
print(model[0].weight.grad.view(-1)[:4], model[2].bias.grad)
for h in handles:
    h.remove()
loss = loss_fn(model(x * 10), y * 10)
model.zero_grad()
loss.backward()
print(model[2].bias.grad)
