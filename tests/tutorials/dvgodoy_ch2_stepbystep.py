import tinygrad_rnn as torch
import io
import numpy as np
optim = torch.optim
nn = torch.nn
F = torch.nn.functional
DataLoader, TensorDataset, random_split = torch.utils.data.DataLoader, torch.utils.data.TensorDataset, \
    torch.utils.data.random_split

# Daniel Voigt Godoy's "Deep Learning with PyTorch Step-by-Step", chapters 0-3, shrunk: synthetic
# linear regression (b=1, w=2), the training-step closures, the StepByStep class with checkpoints,
# a binary classifier with BCEWithLogitsLoss, forward hooks and model.apply initialisation.
true_b, true_w, N = 1, 2, 100
np.random.seed(42)
x = np.random.rand(N, 1)
epsilon = .1 * np.random.randn(N, 1)
y = true_b + true_w * x + epsilon

# chapter 1: autograd by hand, then with nn.Module
torch.manual_seed(42)
x_train_tensor = torch.as_tensor(x).float()
y_train_tensor = torch.as_tensor(y).float()
print(type(x), x_train_tensor.type(), x_train_tensor.dtype)
b = torch.randn(1, requires_grad=True, dtype=torch.float)
w = torch.randn(1, requires_grad=True, dtype=torch.float)
print(b, w)
lr = 0.1
for epoch in range(50):
    yhat = b + w * x_train_tensor
    error = (yhat - y_train_tensor)
    loss = (error ** 2).mean()
    loss.backward()
    with torch.no_grad():
        b -= lr * b.grad
        w -= lr * w.grad
    b.grad.zero_()
    w.grad.zero_()
print(b, w, loss)
print(yhat.grad_fn, error.grad_fn, loss.grad_fn)

dummy_array = np.array([1, 2, 3])
dummy_tensor = torch.as_tensor(dummy_array)
dummy_array[1] = 0
print(dummy_tensor, dummy_tensor.dtype, torch.tensor(dummy_array).dtype)
print(x_train_tensor.numpy()[:2].round(4), torch.from_numpy(dummy_array).float())


class ManualLinearRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Parameter(torch.randn(1, requires_grad=True, dtype=torch.float))
        self.w = nn.Parameter(torch.randn(1, requires_grad=True, dtype=torch.float))

    def forward(self, x):
        return self.b + self.w * x


torch.manual_seed(42)
dummy = ManualLinearRegression()
print(list(dummy.parameters()))
print(dummy.state_dict())
linear = nn.Linear(1, 1)
print(linear, linear.state_dict())
model = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 1))
print(model)
print(model.state_dict().keys())
model = nn.Sequential()
model.add_module('layer1', nn.Linear(3, 5))
model.add_module('layer2', nn.Linear(5, 1))
print(model)
print([name for name, _ in model.named_parameters()])


# chapter 2: the higher-order step functions and the data pipeline
def make_train_step_fn(model, loss_fn, optimizer):
    def perform_train_step_fn(x, y):
        model.train()
        yhat = model(x)
        loss = loss_fn(yhat, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()
    return perform_train_step_fn


def make_val_step_fn(model, loss_fn):
    def perform_val_step_fn(x, y):
        model.eval()
        yhat = model(x)
        loss = loss_fn(yhat, y)
        return loss.item()
    return perform_val_step_fn


def mini_batch(device, data_loader, step_fn):
    mini_batch_losses = []
    for x_batch, y_batch in data_loader:
        x_batch = x_batch.to(device)
        y_batch = y_batch.to(device)
        mini_batch_loss = step_fn(x_batch, y_batch)
        mini_batch_losses.append(mini_batch_loss)
    return np.mean(mini_batch_losses)


device = 'cuda' if torch.cuda.is_available() else 'cpu'
torch.manual_seed(13)
x_tensor = torch.as_tensor(x).float()
y_tensor = torch.as_tensor(y).float()
dataset = TensorDataset(x_tensor, y_tensor)
print(dataset[0], len(dataset))
ratio = .8
n_total = len(dataset)
n_train = int(n_total * ratio)
n_val = n_total - n_train
train_data, val_data = random_split(dataset, [n_train, n_val])
print(type(train_data).__name__, len(train_data), len(val_data), train_data.indices[:8])
train_loader = DataLoader(dataset=train_data, batch_size=16, shuffle=True)
val_loader = DataLoader(dataset=val_data, batch_size=16)
print(len(train_loader), len(val_loader))
print(next(iter(train_loader))[0][:3])

lr = 0.1
torch.manual_seed(42)
model = nn.Sequential(nn.Linear(1, 1)).to(device)
optimizer = optim.SGD(model.parameters(), lr=lr)
loss_fn = nn.MSELoss(reduction='mean')
train_step_fn = make_train_step_fn(model, loss_fn, optimizer)
val_step_fn = make_val_step_fn(model, loss_fn)
losses, val_losses = [], []
for epoch in range(8):
    loss = mini_batch(device, train_loader, train_step_fn)
    losses.append(loss)
    with torch.no_grad():
        val_loss = mini_batch(device, val_loader, val_step_fn)
        val_losses.append(val_loss)
print('losses', np.round(losses[::2], 5), np.round(val_losses[::2], 5))
print(model.state_dict())

checkpoint = {'epoch': 8, 'model_state_dict': model.state_dict(),
              'optimizer_state_dict': optimizer.state_dict(), 'loss': losses, 'val_loss': val_losses}
buffer = io.BytesIO()
torch.save(checkpoint, buffer)
buffer.seek(0)
try:
    torch.load(buffer)  # the losses are numpy floats (np.mean): not weights-only data
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[-3])
buffer.seek(0)
restored = torch.load(buffer, weights_only=False)
print(sorted(restored.keys()), restored['optimizer_state_dict'])
new_model = nn.Sequential(nn.Linear(1, 1))
new_optimizer = optim.SGD(new_model.parameters(), lr=lr)
print(new_model.load_state_dict(restored['model_state_dict']))
new_optimizer.load_state_dict(restored['optimizer_state_dict'])
new_model.eval()
print(new_model(torch.tensor([[.2], [.5]])))


# chapter 2.1: the StepByStep class
class StepByStep(object):
    def __init__(self, model, loss_fn, optimizer):
        self.model = model
        self.loss_fn = loss_fn
        self.optimizer = optimizer
        self.device = 'cuda' if torch.cuda.is_available() else 'cpu'
        self.model.to(self.device)
        self.train_loader = None
        self.val_loader = None
        self.losses = []
        self.val_losses = []
        self.total_epochs = 0
        self.handles = {}
        self.visualization = {}
        self.train_step_fn = self._make_train_step_fn()
        self.val_step_fn = self._make_val_step_fn()

    def to(self, device):
        self.device = device
        self.model.to(self.device)

    def set_loaders(self, train_loader, val_loader=None):
        self.train_loader = train_loader
        self.val_loader = val_loader

    def _make_train_step_fn(self):
        def perform_train_step_fn(x, y):
            self.model.train()
            yhat = self.model(x)
            loss = self.loss_fn(yhat, y)
            loss.backward()
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
        if validation:
            data_loader = self.val_loader
            step_fn = self.val_step_fn
        else:
            data_loader = self.train_loader
            step_fn = self.train_step_fn
        if data_loader is None:
            return None
        mini_batch_losses = []
        for x_batch, y_batch in data_loader:
            x_batch = x_batch.to(self.device)
            y_batch = y_batch.to(self.device)
            mini_batch_losses.append(step_fn(x_batch, y_batch))
        return np.mean(mini_batch_losses)

    def set_seed(self, seed=42):
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.manual_seed(seed)
        np.random.seed(seed)

    def train(self, n_epochs, seed=42):
        self.set_seed(seed)
        for epoch in range(n_epochs):
            self.total_epochs += 1
            loss = self._mini_batch(validation=False)
            self.losses.append(loss)
            with torch.no_grad():
                val_loss = self._mini_batch(validation=True)
                self.val_losses.append(val_loss)

    def save_checkpoint(self, filename):
        checkpoint = {'epoch': self.total_epochs,
                      'model_state_dict': self.model.state_dict(),
                      'optimizer_state_dict': self.optimizer.state_dict(),
                      'loss': self.losses,
                      'val_loss': self.val_losses}
        torch.save(checkpoint, filename)

    def load_checkpoint(self, filename):
        checkpoint = torch.load(filename, weights_only=False)
        self.model.load_state_dict(checkpoint['model_state_dict'])
        self.optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
        self.total_epochs = checkpoint['epoch']
        self.losses = checkpoint['loss']
        self.val_losses = checkpoint['val_loss']
        self.model.train()

    def predict(self, x):
        self.model.eval()
        x_tensor = torch.as_tensor(x).float()
        y_hat_tensor = self.model(x_tensor.to(self.device))
        self.model.train()
        return y_hat_tensor.detach().cpu().numpy()

    def count_parameters(self):
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def attach_hooks(self, layers_to_hook, hook_fn=None):
        self.visualization = {}
        modules = list(self.model.named_modules())
        layer_names = {layer: name for name, layer in modules[1:]}
        if hook_fn is None:
            def hook_fn(layer, inputs, outputs):
                name = layer_names[layer]
                values = outputs.detach().cpu().numpy()
                if self.visualization[name] is None:
                    self.visualization[name] = values
                else:
                    self.visualization[name] = np.concatenate([self.visualization[name], values])
        for name, layer in modules:
            if name in layers_to_hook:
                self.visualization[name] = None
                self.handles[name] = layer.register_forward_hook(hook_fn)

    def remove_hooks(self):
        for handle in self.handles.values():
            handle.remove()
        self.handles = {}


torch.manual_seed(42)
model = nn.Sequential()
model.add_module('linear', nn.Linear(1, 1))
optimizer = optim.SGD(model.parameters(), lr=lr)
sbs = StepByStep(model, nn.MSELoss(reduction='mean'), optimizer)
sbs.set_loaders(train_loader, val_loader)
sbs.train(n_epochs=5)
print(sbs.model.state_dict(), sbs.total_epochs, sbs.count_parameters())
print(np.round(sbs.losses, 5))
ckpt = io.BytesIO()
sbs.save_checkpoint(ckpt)
ckpt.seek(0)
model2 = nn.Sequential()
model2.add_module('linear', nn.Linear(1, 1))
sbs_new = StepByStep(model2, nn.MSELoss(reduction='mean'), optim.SGD(model2.parameters(), lr=lr))
sbs_new.load_checkpoint(ckpt)
sbs_new.set_loaders(train_loader, val_loader)
sbs_new.train(n_epochs=3)
print(sbs_new.total_epochs, sbs_new.model.state_dict())
print(sbs_new.predict(np.array([[.5], [.3]])).round(5))

# chapter 3: binary classification, logits, BCE variants, pos_weight
dummy_labels = torch.tensor([1.0, 0.0])
dummy_predictions = torch.tensor([.9, .2])
positive_pred = dummy_predictions[dummy_labels == 1]
first_summation = torch.log(positive_pred).sum()
negative_pred = dummy_predictions[dummy_labels == 0]
second_summation = torch.log(1 - negative_pred).sum()
n_total = dummy_labels.size(0)
print(-(first_summation + second_summation) / n_total)
loss_fn = nn.BCELoss(reduction='mean')
print(loss_fn, loss_fn(dummy_predictions, dummy_labels))
logit1 = torch.log(dummy_predictions / (1 - dummy_predictions))
loss_fn_logits = nn.BCEWithLogitsLoss(reduction='mean')
print(loss_fn_logits(logit1, dummy_labels))
dummy_imb_labels = torch.tensor([1.0, 0.0, 0.0, 0.0])
dummy_imb_logits = torch.tensor([.9, -.2, .1, -.3])
n_neg = (dummy_imb_labels == 0).sum().float()
n_pos = (dummy_imb_labels == 1).sum().float()
pos_weight = (n_neg / n_pos).view(1,)
print(pos_weight)
loss_fn_imb = nn.BCEWithLogitsLoss(reduction='mean', pos_weight=pos_weight)
print(loss_fn_imb(dummy_imb_logits, dummy_imb_labels))
loss_fn_imb_sum = nn.BCEWithLogitsLoss(reduction='sum', pos_weight=pos_weight)
print(loss_fn_imb_sum(dummy_imb_logits, dummy_imb_labels) / (pos_weight * n_pos + n_neg))
print(F.binary_cross_entropy_with_logits(dummy_imb_logits, dummy_imb_labels, pos_weight=pos_weight,
                                         reduction='none'))

# two moons-like data generated in code
torch.manual_seed(13)
angles = torch.rand(120) * np.pi
upper = torch.stack([torch.cos(angles[:60]), torch.sin(angles[:60])], dim=1)
lower = torch.stack([1 - torch.cos(angles[60:]), .5 - torch.sin(angles[60:])], dim=1)
X = torch.cat([upper, lower]) + .2 * torch.randn(120, 2)
Y = torch.cat([torch.zeros(60), torch.ones(60)]).view(-1, 1)
mean, std = X.mean(dim=0), X.std(dim=0)
X = (X - mean) / std
print(mean, std)
dataset = TensorDataset(X, Y)
train_data, val_data = random_split(dataset, [96, 24], generator=torch.Generator().manual_seed(13))
train_loader = DataLoader(train_data, batch_size=16, shuffle=True)
val_loader = DataLoader(val_data, batch_size=16)


def weights_init(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
        if m.bias is not None:
            nn.init.zeros_(m.bias)


torch.manual_seed(42)
model = nn.Sequential()
model.add_module('hidden', nn.Linear(2, 8))
model.add_module('activation', nn.ReLU())
model.add_module('output', nn.Linear(8, 1))
with torch.no_grad():
    model.apply(weights_init)
print(model.hidden.weight, model.output.bias)
optimizer = optim.SGD(model.parameters(), lr=0.1)
sbs = StepByStep(model, nn.BCEWithLogitsLoss(), optimizer)
sbs.set_loaders(train_loader, val_loader)
sbs.attach_hooks(['hidden', 'activation'])
sbs.train(n_epochs=6)
sbs.remove_hooks()
print(np.round(sbs.losses[::2], 5), np.round(sbs.val_losses[::2], 5))
print(sorted(sbs.visualization), sbs.visualization['hidden'].shape, sbs.visualization['activation'][:2].round(4))
print(model._forward_hooks, model.hidden._forward_hooks)
logits_val = sbs.predict(val_data[:][0])
probabilities_val = torch.sigmoid(torch.as_tensor(logits_val))
predicted = (probabilities_val >= .5).float()
print(probabilities_val[:4].squeeze(), (predicted == val_data[:][1]).float().mean())
print(val_data[:][0].shape, type(val_data[:]), len(val_data[:]))


def split_cm(cm):
    actual_negative = cm[0]
    tn, fp = actual_negative[0], actual_negative[1]
    actual_positive = cm[1]
    fn, tp = actual_positive[0], actual_positive[1]
    return tn, fp, fn, tp


labels = val_data[:][1].long().squeeze()
preds = predicted.long().squeeze()
cm = torch.zeros(2, 2, dtype=torch.long)
for t, p in zip(labels, preds):
    cm[t, p] += 1
print(cm, split_cm(cm))
