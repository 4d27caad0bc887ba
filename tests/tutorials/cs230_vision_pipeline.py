import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
Dataset = torch.utils.data.Dataset
DataLoader = torch.utils.data.DataLoader
import json
import os
import random
import tempfile
import numpy as np

# Stanford CS230's vision example, shrunk: a SIGNS-like Dataset of tiny generated "images" (numpy
# uint8 HWC arrays, transformed by hand to CHW floats), DataLoaders for train/val, the params/metrics
# utilities (Params from json, RunningAverage, save_dict_to_json), train/evaluate loops with
# metrics averaged in numpy, an lr schedule, and a best-model checkpoint reloaded at the end.
random.seed(230)
np.random.seed(230)
torch.manual_seed(230)


class Params():
    """Loads hyperparameters from a json file."""

    def __init__(self, json_path):
        with open(json_path) as f:
            params = json.load(f)
            self.__dict__.update(params)

    def save(self, json_path):
        with open(json_path, 'w') as f:
            json.dump(self.__dict__, f, indent=4)

    def update(self, json_path):
        with open(json_path) as f:
            params = json.load(f)
            self.__dict__.update(params)

    @property
    def dict(self):
        return self.__dict__


class RunningAverage():
    def __init__(self):
        self.steps = 0
        self.total = 0

    def update(self, val):
        self.total += val
        self.steps += 1

    def __call__(self):
        return self.total / float(self.steps)


def save_dict_to_json(d, json_path):
    with open(json_path, 'w') as f:
        d = {k: float(v) for k, v in d.items()}  # json needs float values, not np.float or tensors
        json.dump(d, f, indent=4)


tmp = tempfile.mkdtemp()
json_path = os.path.join(tmp, "params.json")
with open(json_path, "w") as f:
    json.dump({"learning_rate": 1e-2, "batch_size": 4, "num_epochs": 3, "num_channels": 4,
               "dropout_rate": 0.3, "save_summary_steps": 2, "num_workers": 0}, f)
params = Params(json_path)
params.cuda = torch.cuda.is_available()
print("params", sorted(params.dict.items()))


def train_transformer(image):
    """ToTensor by hand (HWC uint8 -> CHW float in [0, 1]) with a random horizontal flip."""
    t = torch.from_numpy(image).permute(2, 0, 1).float().div(255)
    if random.random() < 0.5:
        t = t.flip(2)
    return t


def eval_transformer(image):
    return torch.from_numpy(image).permute(2, 0, 1).float() / 255.


class SIGNSDataset(Dataset):
    def __init__(self, n, transform):
        rng = np.random.RandomState(n)
        self.labels = [int(i % 6) for i in range(n)]
        self.images = [(rng.rand(16, 16, 3) * 40 + 30 * lab).astype(np.uint8) for lab in self.labels]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        image = self.images[idx]
        image = self.transform(image)
        return image, self.labels[idx]


def fetch_dataloader(types, params):
    dataloaders = {}
    for split in ['train', 'val', 'test']:
        if split in types:
            if split == 'train':
                dl = DataLoader(SIGNSDataset(18, train_transformer), batch_size=params.batch_size, shuffle=True,
                                num_workers=params.num_workers, pin_memory=params.cuda)
            else:
                dl = DataLoader(SIGNSDataset(12, eval_transformer), batch_size=params.batch_size, shuffle=False,
                                num_workers=params.num_workers, pin_memory=params.cuda)
            dataloaders[split] = dl
    return dataloaders


class Net(nn.Module):
    def __init__(self, params):
        super(Net, self).__init__()
        self.num_channels = params.num_channels
        self.conv1 = nn.Conv2d(3, self.num_channels, 3, stride=1, padding=1)
        self.bn1 = nn.BatchNorm2d(self.num_channels)
        self.conv2 = nn.Conv2d(self.num_channels, self.num_channels * 2, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(self.num_channels * 2)
        self.fc1 = nn.Linear(4 * 4 * self.num_channels * 2, self.num_channels * 2)
        self.fcbn1 = nn.BatchNorm1d(self.num_channels * 2)
        self.fc2 = nn.Linear(self.num_channels * 2, 6)
        self.dropout_rate = params.dropout_rate

    def forward(self, s):
        s = self.bn1(self.conv1(s))                         # batch_size x num_channels x 16 x 16
        s = F.relu(F.max_pool2d(s, 2))                      # batch_size x num_channels x 8 x 8
        s = self.bn2(self.conv2(s))
        s = F.relu(F.max_pool2d(s, 2))                      # batch_size x num_channels*2 x 4 x 4
        s = s.view(-1, 4 * 4 * self.num_channels * 2)
        s = F.dropout(F.relu(self.fcbn1(self.fc1(s))), p=self.dropout_rate, training=self.training)
        s = self.fc2(s)
        return F.log_softmax(s, dim=1)


def loss_fn(outputs, labels):
    num_examples = outputs.size()[0]
    return -torch.sum(outputs[range(num_examples), labels]) / num_examples


def accuracy(outputs, labels):
    outputs = np.argmax(outputs, axis=1)
    return np.sum(outputs == labels) / float(labels.size)


metrics = {'accuracy': accuracy}


def train(model, optimizer, loss_fn, dataloader, metrics, params):
    model.train()
    summ = []
    loss_avg = RunningAverage()
    for i, (train_batch, labels_batch) in enumerate(dataloader):
        if params.cuda:
            train_batch, labels_batch = train_batch.cuda(non_blocking=True), labels_batch.cuda(non_blocking=True)
        output_batch = model(train_batch)
        loss = loss_fn(output_batch, labels_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % params.save_summary_steps == 0:
            output_batch = output_batch.data.cpu().numpy()
            labels_batch = labels_batch.data.cpu().numpy()
            summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
            summary_batch['loss'] = loss.item()
            summ.append(summary_batch)
        loss_avg.update(loss.item())
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    print("- Train metrics: " + " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items()),
          "| running loss='{:05.3f}'".format(loss_avg()))


def evaluate(model, loss_fn, dataloader, metrics, params):
    model.eval()
    summ = []
    for data_batch, labels_batch in dataloader:
        output_batch = model(data_batch)
        loss = loss_fn(output_batch, labels_batch)
        output_batch = output_batch.data.cpu().numpy()
        labels_batch = labels_batch.data.cpu().numpy()
        summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
        summary_batch['loss'] = loss.item()
        summ.append(summary_batch)
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    print("- Eval metrics : " + " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items()))
    return metrics_mean


dataloaders = fetch_dataloader(['train', 'val'], params)
train_dl, val_dl = dataloaders['train'], dataloaders['val']
images, labels = next(iter(val_dl))
print("batch", images.shape, images.dtype, labels, labels.dtype, images.min(), images.max())
print("lengths", len(train_dl), len(val_dl), len(train_dl.dataset))
model = Net(params).cuda() if params.cuda else Net(params)
# (SGD, not the course's Adam: the conv biases feed BatchNorms, so their gradients are rounding noise,
# which Adam would scale up to full steps that differ from library to library)
optimizer = optim.SGD(model.parameters(), lr=params.learning_rate * 5, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
out = model(images)
print("out", out.shape, out.grad_fn.name(), "loss", loss_fn(out, labels), F.nll_loss(out, labels))
best_val_acc = 0.0
for epoch in range(params.num_epochs):
    print("Epoch {}/{}".format(epoch + 1, params.num_epochs), "lr", scheduler.get_last_lr())
    train(model, optimizer, loss_fn, train_dl, metrics, params)
    scheduler.step()
    val_metrics = evaluate(model, loss_fn, val_dl, metrics, params)
    val_acc = val_metrics['accuracy']
    is_best = val_acc >= best_val_acc
    if is_best:
        best_val_acc = val_acc
        save_dict_to_json(val_metrics, os.path.join(tmp, "metrics_val_best_weights.json"))
        torch.save({'epoch': epoch + 1, 'state_dict': model.state_dict(), 'optim_dict': optimizer.state_dict()},
                   os.path.join(tmp, 'best.pth.tar'))
with open(os.path.join(tmp, "metrics_val_best_weights.json")) as f:
    print("best metrics", sorted(json.load(f).keys()))
checkpoint = torch.load(os.path.join(tmp, 'best.pth.tar'))
model.load_state_dict(checkpoint['state_dict'])
optimizer.load_state_dict(checkpoint['optim_dict'])
print("restored epoch", checkpoint['epoch'], "lr", optimizer.param_groups[0]['lr'], "initial_lr" in optimizer.param_groups[0])
print("fc2 bias", model.fc2.bias, model.bn1.running_var)
with torch.no_grad():
    print("first filter", model.conv1.weight[0, 0])
    print("fc2 row", model.fc2.weight[0].abs().sum(), model.fc2.weight.t()[0].shape)
for name in sorted(os.listdir(tmp)):
    os.remove(os.path.join(tmp, name))
os.rmdir(tmp)
