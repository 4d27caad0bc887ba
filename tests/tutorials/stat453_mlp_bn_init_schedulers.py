import tinygrad_rnn as torch
import time
import numpy as np
F = torch.nn.functional
# Raschka's STAT 453 (2021) lecture code, multilayer perceptrons: an MLP with BatchNorm1d and Dropout, weight
# initialization schemes (Kaiming/Xavier/normal applied in __init__ and with .apply), the compute_accuracy and
# compute_epoch_loss helpers with torch.no_grad and argmax, optimizers with momentum / Adam, LR schedulers
# (ExponentialLR, StepLR, ReduceLROnPlateau, OneCycleLR). Generated 8x8 "digits" replace MNIST.
RANDOM_SEED = 1
BATCH_SIZE = 16
NUM_EPOCHS = 3
DEVICE = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')
print(DEVICE)
rng = np.random.RandomState(0)
templates = rng.rand(4, 1, 8, 8).astype(np.float32)
labels = rng.randint(0, 4, size=96)
images = templates[labels] + 0.3 * rng.randn(96, 1, 8, 8).astype(np.float32)
class TensorDigits(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)
    def __getitem__(self, index):
        return self.x[index], self.y[index]
    def __len__(self):
        return self.y.shape[0]
torch.manual_seed(RANDOM_SEED)
train_dataset = TensorDigits(images[:64], labels[:64])
test_dataset = TensorDigits(images[64:], labels[64:])
train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=BATCH_SIZE, shuffle=True)
test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=BATCH_SIZE, shuffle=False)
for images_b, labels_b in train_loader:
    print('Image batch dimensions:', images_b.shape)
    print('Image label dimensions:', labels_b.shape, labels_b.dtype)
    print('Class labels of 10 examples:', labels_b[:10])
    break

def compute_accuracy(model, data_loader, device):
    with torch.no_grad():
        correct_pred, num_examples = 0, 0
        for i, (features, targets) in enumerate(data_loader):
            features = features.to(device)
            targets = targets.float().to(device)
            logits = model(features)
            _, predicted_labels = torch.max(logits, 1)
            num_examples += targets.size(0)
            correct_pred += (predicted_labels == targets).sum()
    return correct_pred.float() / num_examples * 100
def compute_epoch_loss(model, data_loader, device):
    model.eval()
    curr_loss, num_examples = 0., 0
    with torch.no_grad():
        for features, targets in data_loader:
            features = features.to(device)
            targets = targets.to(device)
            logits = model(features)
            loss = F.cross_entropy(logits, targets, reduction='sum')
            num_examples += targets.size(0)
            curr_loss += loss
        curr_loss = curr_loss / num_examples
        return curr_loss

class MultilayerPerceptron(torch.nn.Module):
    def __init__(self, num_features, num_classes, drop_proba, num_hidden_1, num_hidden_2):
        super().__init__()
        self.my_network = torch.nn.Sequential(
            torch.nn.Flatten(),
            torch.nn.Linear(num_features, num_hidden_1, bias=False),
            torch.nn.BatchNorm1d(num_hidden_1),
            torch.nn.ReLU(),
            torch.nn.Dropout(drop_proba),
            torch.nn.Linear(num_hidden_1, num_hidden_2, bias=False),
            torch.nn.BatchNorm1d(num_hidden_2),
            torch.nn.ReLU(),
            torch.nn.Dropout(drop_proba),
            torch.nn.Linear(num_hidden_2, num_classes)
        )
        for m in self.modules():
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.kaiming_uniform_(m.weight, mode='fan_in', nonlinearity='relu')
                if m.bias is not None:
                    m.bias.detach().zero_()
    def forward(self, x):
        logits = self.my_network(x)
        return logits

def train_model(model, num_epochs, train_loader, valid_loader, test_loader, optimizer, device,
                logging_interval=2, scheduler=None, scheduler_on='valid_acc'):
    start_time = time.time()
    minibatch_loss_list, train_acc_list, valid_acc_list = [], [], []
    for epoch in range(num_epochs):
        model.train()
        for batch_idx, (features, targets) in enumerate(train_loader):
            features = features.to(device)
            targets = targets.to(device)
            logits = model(features)
            loss = torch.nn.functional.cross_entropy(logits, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            minibatch_loss_list.append(loss.item())
            if not batch_idx % logging_interval:
                print(f'Epoch: {epoch+1:03d}/{num_epochs:03d} '
                      f'| Batch {batch_idx:04d}/{len(train_loader):04d} '
                      f'| Loss: {loss:.4f}')
        model.eval()
        with torch.no_grad():
            train_acc = compute_accuracy(model, train_loader, device=device)
            valid_acc = compute_accuracy(model, valid_loader, device=device)
            print(f'Epoch: {epoch+1:03d}/{num_epochs:03d} '
                  f'| Train: {train_acc :.2f}% '
                  f'| Validation: {valid_acc :.2f}%')
            train_acc_list.append(train_acc.item())
            valid_acc_list.append(valid_acc.item())
        if scheduler is not None:
            if scheduler_on == 'valid_acc':
                scheduler.step(valid_acc_list[-1])
            elif scheduler_on == 'minibatch_loss':
                scheduler.step(minibatch_loss_list[-1])
            else:
                scheduler.step()
            print('lr', optimizer.param_groups[0]['lr'])
    elapsed = (time.time() - start_time) / 60
    test_acc = compute_accuracy(model, test_loader, device=device)
    print(f'Test accuracy {test_acc :.2f}%', elapsed >= 0)
    return minibatch_loss_list, train_acc_list, valid_acc_list

torch.manual_seed(RANDOM_SEED)
model = MultilayerPerceptron(num_features=64, num_hidden_1=32, num_hidden_2=16, drop_proba=0.5, num_classes=4)
model = model.to(DEVICE)
print(model)
print(model.my_network[2].running_mean[:4], model.my_network[2].num_batches_tracked)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, mode='max')
out = train_model(model, NUM_EPOCHS, train_loader, test_loader, test_loader, optimizer, DEVICE,
                  scheduler=scheduler, scheduler_on='valid_acc')
print([round(v, 4) for v in out[0][:3]], out[1], out[2])
print(model.my_network[2].running_mean[:4], model.my_network[2].running_var[:4], model.my_network[2].num_batches_tracked)
print(compute_epoch_loss(model, train_loader, DEVICE))
print(model.training, model.my_network[4].training, model.my_network[4])

# ------------------------------------------------------------------ weight initialization with .apply
def weights_init(m):
    if isinstance(m, torch.nn.Linear):
        torch.nn.init.xavier_uniform_(m.weight)
        torch.nn.init.zeros_(m.bias) if m.bias is not None else None
    elif isinstance(m, torch.nn.BatchNorm1d):
        torch.nn.init.normal_(m.weight, 1.0, 0.02)
        torch.nn.init.constant_(m.bias, 0)
torch.manual_seed(2)
model.apply(weights_init)
print(model.my_network[1].weight[0, :4], model.my_network[2].weight[:4], model.my_network[9].bias)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad, round(p.std().item(), 3) if p.numel() > 1 else None)
torch.manual_seed(3)
lin = torch.nn.Linear(64, 32)
torch.nn.init.normal_(lin.weight, mean=0.0, std=0.01)
print(lin.weight.std() < 0.02)
torch.nn.init.kaiming_normal_(lin.weight, mode='fan_out', nonlinearity='leaky_relu', a=0.1)
print(torch.nn.init.calculate_gain('leaky_relu', 0.1), torch.nn.init.calculate_gain('tanh'), lin.weight[0, :3])
torch.nn.init.xavier_normal_(lin.weight, gain=torch.nn.init.calculate_gain('relu'))
torch.nn.init.trunc_normal_(lin.bias, std=0.02)
print(lin.weight[1, :3], lin.bias[:3])

# ------------------------------------------------------------------ schedulers
def lr_trace(sched_fn, opt_fn, steps=8):
    model = torch.nn.Linear(2, 1)
    optimizer = opt_fn(model.parameters())
    scheduler = sched_fn(optimizer)
    lrs = []
    for epoch in range(steps):
        optimizer.zero_grad()
        model(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        lrs.append(round(optimizer.param_groups[0]['lr'], 6))
        scheduler.step()
    print(type(scheduler).__name__, lrs, scheduler.get_last_lr())
    return scheduler
lr_trace(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), lambda p: torch.optim.SGD(p, lr=0.1))
lr_trace(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True))
lr_trace(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1), lambda p: torch.optim.Adam(p, lr=0.01))
lr_trace(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8), lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.99)))
s = lr_trace(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
print(s.optimizer.param_groups[0]['momentum'])
lr_trace(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch), lambda p: torch.optim.RMSprop(p, lr=0.01))
lr_trace(lambda o: torch.optim.lr_scheduler.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=2), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9))
opt = torch.optim.Adam(torch.nn.Linear(2, 2).parameters(), lr=1e-3, weight_decay=1e-4)
print(opt)
print(opt.state_dict()['param_groups'][0]['weight_decay'])
