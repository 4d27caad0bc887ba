import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
import numpy as np
import io
import os
import shutil
import tempfile

# Stanford CS230's PyTorch NLP example, shrunk: a named-entity tagger (Embedding -> LSTM(batch_first)
# -> Linear) trained with a hand-written masked loss on padded batches (-1 labels are padding),
# numpy accuracy with masks, a RunningAverage of the loss, checkpoints with the optimizer state,
# then the vision example's training-loop pieces on a tiny convnet.
torch.manual_seed(230)
np.random.seed(230)

sentences = ["EU rejects German call to boycott British lamb .", "Peter Blackburn", "BRUSSELS 1996-08-22",
             "The European Commission said on Thursday", "Germany 's representative to the EU",
             "Fischler proposed EU-wide measures", "Spanish Farm Minister Loyola de Palacio"]
tags = ["B-ORG O B-MISC O O O B-MISC O O", "B-PER I-PER", "B-LOC O", "O B-ORG I-ORG O O O",
        "B-LOC O O O O B-ORG", "B-PER O B-MISC O", "B-MISC O O B-PER I-PER I-PER"]

vocab = {"PAD": 0, "UNK": 1}
for s in sentences:
    for w in s.split(" "):
        vocab.setdefault(w, len(vocab))
tag_map = {}
for t in tags:
    for tag in t.split(" "):
        tag_map.setdefault(tag, len(tag_map))
print("vocab", len(vocab), "tags", tag_map)


class Params:
    def __init__(self, d):
        self.__dict__.update(d)

    @property
    def dict(self):
        return self.__dict__


params = Params({"vocab_size": len(vocab), "embedding_dim": 8, "lstm_hidden_dim": 10,
                 "number_of_tags": len(tag_map), "learning_rate": 1e-2, "batch_size": 3, "cuda": False})


class Net(nn.Module):
    def __init__(self, params):
        super(Net, self).__init__()
        self.embedding = nn.Embedding(params.vocab_size, params.embedding_dim)
        self.lstm = nn.LSTM(params.embedding_dim, params.lstm_hidden_dim, batch_first=True)
        self.fc = nn.Linear(params.lstm_hidden_dim, params.number_of_tags)

    def forward(self, s):
        s = self.embedding(s)            # dim: batch_size x seq_len x embedding_dim
        s, _ = self.lstm(s)              # dim: batch_size x seq_len x lstm_hidden_dim
        s = s.contiguous()
        s = s.view(-1, s.shape[2])       # dim: batch_size*seq_len x lstm_hidden_dim
        s = self.fc(s)                   # dim: batch_size*seq_len x num_tags
        return F.log_softmax(s, dim=1)


def loss_fn(outputs, labels):
    labels = labels.view(-1)
    mask = (labels >= 0).float()
    labels = labels % outputs.shape[1]   # the -1 padding becomes a valid index; the mask zeroes it
    num_tokens = int(torch.sum(mask).item())
    outputs = outputs[range(outputs.shape[0]), labels] * mask
    return -torch.sum(outputs) / num_tokens


def accuracy(outputs, labels):
    labels = labels.ravel()
    mask = (labels >= 0)
    outputs = np.argmax(outputs, axis=1)
    return np.sum(outputs == labels) / float(np.sum(mask))


metrics = {"accuracy": accuracy}


class RunningAverage():
    def __init__(self):
        self.steps = 0
        self.total = 0

    def update(self, val):
        self.total += val
        self.steps += 1

    def __call__(self):
        return self.total / float(self.steps)


def data_iterator(data, params, shuffle=False):
    order = list(range(len(data["data"])))
    if shuffle:
        np.random.shuffle(order)
    for i in range((len(data["data"]) + 1) // params.batch_size):
        batch_sentences = [data["data"][idx] for idx in order[i * params.batch_size:(i + 1) * params.batch_size]]
        batch_tags = [data["labels"][idx] for idx in order[i * params.batch_size:(i + 1) * params.batch_size]]
        batch_max_len = max([len(s) for s in batch_sentences])
        batch_data = vocab["PAD"] * np.ones((len(batch_sentences), batch_max_len))
        batch_labels = -1 * np.ones((len(batch_sentences), batch_max_len))
        for j in range(len(batch_sentences)):
            cur_len = len(batch_sentences[j])
            batch_data[j][:cur_len] = batch_sentences[j]
            batch_labels[j][:cur_len] = batch_tags[j]
        batch_data, batch_labels = torch.LongTensor(batch_data), torch.LongTensor(batch_labels)
        if params.cuda:
            batch_data, batch_labels = batch_data.cuda(), batch_labels.cuda()
        yield batch_data, batch_labels


data = {"data": [[vocab.get(w, vocab["UNK"]) for w in s.split(" ")] for s in sentences],
        "labels": [[tag_map[t] for t in t_line.split(" ")] for t_line in tags], "size": len(sentences)}

model = Net(params)
print(model)
optimizer = optim.Adam(model.parameters(), lr=params.learning_rate)

first = next(data_iterator(data, params))
print("batch", first[0].shape, first[0].dtype, first[1].dtype)
print(first[1])
out = model(first[0])
print("outputs", out.shape, out.grad_fn.name())
print("loss", loss_fn(out, first[1]))


def train(model, optimizer, loss_fn, data_iterator, metrics, params, num_steps):
    model.train()
    summ = []
    loss_avg = RunningAverage()
    for i in range(num_steps):
        train_batch, labels_batch = next(data_iterator)
        output_batch = model(train_batch)
        loss = loss_fn(output_batch, labels_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % 1 == 0:
            output_batch = output_batch.data.cpu().numpy()
            labels_batch = labels_batch.data.cpu().numpy()
            summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
            summary_batch["loss"] = loss.item()
            summ.append(summary_batch)
        loss_avg.update(loss.item())
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    metrics_string = " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items())
    print("- Train metrics: " + metrics_string, "avg loss {:05.3f}".format(loss_avg()))
    return metrics_mean


def evaluate(model, loss_fn, data_iterator, metrics, params, num_steps):
    model.eval()
    summ = []
    for _ in range(num_steps):
        data_batch, labels_batch = next(data_iterator)
        output_batch = model(data_batch)
        loss = loss_fn(output_batch, labels_batch)
        output_batch = output_batch.data.cpu().numpy()
        labels_batch = labels_batch.data.cpu().numpy()
        summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
        summary_batch["loss"] = loss.item()
        summ.append(summary_batch)
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    print("- Eval metrics : " + " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items()))
    return metrics_mean


def save_checkpoint(state, is_best, checkpoint):
    filepath = os.path.join(checkpoint, "last.pth.tar")
    if not os.path.exists(checkpoint):
        os.mkdir(checkpoint)
    torch.save(state, filepath)
    if is_best:
        shutil.copyfile(filepath, os.path.join(checkpoint, "best.pth.tar"))


def load_checkpoint(checkpoint, model, optimizer=None):
    if not os.path.exists(checkpoint):
        raise ("File doesn't exist {}".format(checkpoint))
    checkpoint = torch.load(checkpoint)
    model.load_state_dict(checkpoint["state_dict"])
    if optimizer:
        optimizer.load_state_dict(checkpoint["optim_dict"])
    return checkpoint


num_steps = (data["size"] + 1) // params.dict["batch_size"]
best_val_acc = 0.0
tmp = tempfile.mkdtemp()
for epoch in range(6):
    train(model, optimizer, loss_fn, data_iterator(data, params, shuffle=True), metrics, params, num_steps)
    val_metrics = evaluate(model, loss_fn, data_iterator(data, params, shuffle=False), metrics, params, num_steps)
    val_acc = val_metrics["accuracy"]
    is_best = val_acc >= best_val_acc
    save_checkpoint({"epoch": epoch + 1, "state_dict": model.state_dict(), "optim_dict": optimizer.state_dict()},
                    is_best=is_best, checkpoint=tmp)
    if is_best:
        best_val_acc = val_acc
print("files", sorted(os.listdir(tmp)))

restored = Net(params)
restored_opt = optim.Adam(restored.parameters(), lr=params.learning_rate)
ckpt = load_checkpoint(os.path.join(tmp, "last.pth.tar"), restored, restored_opt)
print("epoch", ckpt["epoch"], "keys", list(ckpt["state_dict"].keys()))
print("optim state keys", list(restored_opt.state_dict()["state"].keys())[:4], restored_opt.state_dict()["param_groups"][0]["lr"])
print("step", restored_opt.state_dict()["state"][0]["step"])
same = all(torch.equal(a, b) for a, b in zip(model.parameters(), restored.parameters()))
print("restored equal", same)
try:
    load_checkpoint(os.path.join(tmp, "missing.pth.tar"), restored)
except TypeError as e:
    print("TypeError", e)
shutil.rmtree(tmp)

# the vision example's pieces: a small SIGNS-like convnet, F.log_softmax + nll loss, numpy accuracy
class VisionNet(nn.Module):
    def __init__(self, num_channels=4, dropout_rate=0.5):
        super(VisionNet, self).__init__()
        self.num_channels = num_channels
        self.conv1 = nn.Conv2d(3, self.num_channels, 3, stride=1, padding=1)
        self.bn1 = nn.BatchNorm2d(self.num_channels)
        self.conv2 = nn.Conv2d(self.num_channels, self.num_channels * 2, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(self.num_channels * 2)
        self.fc1 = nn.Linear(2 * 2 * self.num_channels * 2, self.num_channels * 2)
        self.fcbn1 = nn.BatchNorm1d(self.num_channels * 2)
        self.fc2 = nn.Linear(self.num_channels * 2, 6)
        self.dropout_rate = dropout_rate

    def forward(self, s):
        s = self.bn1(self.conv1(s))
        s = F.relu(F.max_pool2d(s, 2))
        s = self.bn2(self.conv2(s))
        s = F.relu(F.max_pool2d(s, 2))
        s = s.view(-1, 2 * 2 * self.num_channels * 2)
        s = F.dropout(F.relu(self.fcbn1(self.fc1(s))), p=self.dropout_rate, training=self.training)
        s = self.fc2(s)
        return F.log_softmax(s, dim=1)


def vision_loss_fn(outputs, labels):
    return nn.NLLLoss()(outputs, labels)


def vision_accuracy(outputs, labels):
    outputs = np.argmax(outputs, axis=1)
    return np.sum(outputs == labels) / float(labels.size)


vnet = VisionNet()
vopt = optim.Adam(vnet.parameters(), lr=1e-2)
images = torch.randn(8, 3, 8, 8)
labels = torch.randint(0, 6, (8,))
for step in range(5):
    vnet.train()
    out = vnet(images)
    loss = vision_loss_fn(out, labels)
    vopt.zero_grad()
    loss.backward()
    vopt.step()
    print("vision step", step, "loss {:.4f}".format(loss.item()), out.grad_fn.name(),
          "acc", vision_accuracy(out.data.cpu().numpy(), labels.data.cpu().numpy()))
vnet.eval()
with torch.no_grad():
    out = vnet(images)
# (conv1's bias feeds a BatchNorm, so its gradient is rounding noise that Adam scales up to full
# steps: running_mean carries that noise, running_var does not)
print("eval", out.shape, out.requires_grad, "bn running var", vnet.bn1.running_var)
print("num_batches_tracked", vnet.bn1.num_batches_tracked)
buf = io.BytesIO()
torch.save({"state_dict": vnet.state_dict(), "optim_dict": vopt.state_dict()}, buf)
buf.seek(0)
loaded = torch.load(buf)
print(sorted(loaded["optim_dict"]["param_groups"][0].keys()))
print(loaded["optim_dict"]["state"][0]["exp_avg"].shape, loaded["state_dict"]["bn1.num_batches_tracked"])
