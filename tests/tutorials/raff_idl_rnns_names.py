import tinygrad_rnn as torch
# Edward Raff, "Inside Deep Learning" (Manning), chapter 4 with the book's idlmam helpers: set_seed, moveTo over
# nested containers, a train_network loop with score_funcs that returns a results dict (pandas left out), a
# names-by-language classifier built as nn.Sequential(Embedding, RNN, LastTimeStep, Linear), then the packed
# version: a pad_and_pack collate_fn (pad_sequence + pack_padded_sequence with enforce_sorted=False), an
# EmbeddingPackable wrapper and bidirectional multi-layer GRU/LSTM read out by LastTimeStep. Made-up names stand in
# for the book's names dataset.
import random
import time

import numpy as np

nn, F = torch.nn, torch.nn.functional
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader


def set_seed(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def moveTo(obj, device):
    """Moves tensors inside lists, tuples, sets and dicts to `device`, leaving anything else alone."""
    if hasattr(obj, "to"):
        return obj.to(device)
    if isinstance(obj, list):
        return [moveTo(x, device) for x in obj]
    if isinstance(obj, tuple):
        return tuple(moveTo(list(obj), device))
    if isinstance(obj, set):
        return set(moveTo(list(obj), device))
    if isinstance(obj, dict):
        return {k: moveTo(v, device) for k, v in obj.items()}
    return obj


def accuracy_score(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def run_epoch(model, optimizer, data_loader, loss_func, device, results, score_funcs, prefix=""):
    running_loss, y_true, y_pred = [], [], []
    start = time.time()
    for inputs, labels in data_loader:
        inputs, labels = moveTo(inputs, device), moveTo(labels, device)
        y_hat = model(inputs)
        loss = loss_func(y_hat, labels)
        if model.training:
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        running_loss.append(loss.item())
        if len(score_funcs) > 0 and isinstance(labels, torch.Tensor):
            labels = labels.detach().cpu().numpy()
            y_hat = y_hat.detach().cpu().numpy()
            y_true.extend(labels.tolist())
            y_pred.extend(y_hat.tolist())
    end = time.time()
    y_pred = np.asarray(y_pred)
    if len(y_pred.shape) == 2 and y_pred.shape[1] > 1:
        y_pred = np.argmax(y_pred, axis=1)
    results[prefix + " loss"].append(np.mean(running_loss))
    for name, score_func in score_funcs.items():
        results[prefix + " " + name].append(score_func(y_true, y_pred))
    return end - start


def train_network(model, loss_func, train_loader, val_loader=None, score_funcs=None, epochs=3, device="cpu",
                  optimizer=None, lr_schedule=None):
    if score_funcs is None:
        score_funcs = {}
    to_track = ["epoch", "total time", "train loss"]
    if val_loader is not None:
        to_track.append("val loss")
    for eval_score in score_funcs:
        to_track.append("train " + eval_score)
        if val_loader is not None:
            to_track.append("val " + eval_score)
    total_train_time = 0
    results = {item: [] for item in to_track}
    if optimizer is None:
        optimizer = torch.optim.AdamW(model.parameters())
    model.to(device)
    for epoch in range(epochs):
        model = model.train()
        total_train_time += run_epoch(model, optimizer, train_loader, loss_func, device, results, score_funcs,
                                      prefix="train")
        results["total time"].append(total_train_time)
        results["epoch"].append(epoch)
        if val_loader is not None:
            model = model.eval()
            with torch.no_grad():
                run_epoch(model, optimizer, val_loader, loss_func, device, results, score_funcs, prefix="val")
        if lr_schedule is not None:
            if isinstance(lr_schedule, torch.optim.lr_scheduler.ReduceLROnPlateau):
                lr_schedule.step(results["val loss"][-1])
            else:
                lr_schedule.step()
    return results


def show(results):
    for key, values in results.items():
        if key == "total time":
            print(f"  {key}: {len(values)} entries, increasing={all(b >= a for a, b in zip(values, values[1:]))}")
        else:
            print(f"  {key}: {[round(float(v), 4) for v in values]}")


# ---------------------------------------------------------------- moveTo on nested things
set_seed(42)
nested = {"a": torch.ones(2), "b": [torch.zeros(1, 2), (torch.arange(3), "text")], "c": 7}
moved = moveTo(nested, torch.device("cpu"))
print(type(moved["b"][1]).__name__, moved["b"][1][0], moved["b"][1][1], moved["c"], moved["a"].device)

# ---------------------------------------------------------------- the names dataset
languages = {
    "English": ["smith", "brown", "taylor", "wilson", "walker", "wright", "hughes", "green"],
    "Italian": ["rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo", "ricci"],
    "Japanese": ["sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito", "nakamura", "kobayashi"],
}
all_letters = "abcdefghijklmnopqrstuvwxyz"
alphabet = {c: i for i, c in enumerate(all_letters)}
print("vocab", len(alphabet), "classes", len(languages))


class LanguageNameDataset(Dataset):
    def __init__(self, lang_name_dict, vocabulary):
        self.label_names = list(lang_name_dict.keys())
        self.data, self.labels = [], []
        self.vocabulary = vocabulary
        for y, language in enumerate(self.label_names):
            for sample in lang_name_dict[language]:
                self.data.append(sample)
                self.labels.append(y)

    def __len__(self):
        return len(self.data)

    def string2InputVec(self, input_string):
        T = len(input_string)
        name_vec = torch.zeros((T), dtype=torch.long)
        for pos, character in enumerate(input_string):
            name_vec[pos] = self.vocabulary[character]
        return name_vec

    def __getitem__(self, idx):
        name = self.data[idx]
        label = self.labels[idx]
        label_vec = torch.tensor([label], dtype=torch.long)
        return self.string2InputVec(name), label


dataset = LanguageNameDataset(languages, alphabet)
print(len(dataset), dataset[9], dataset.label_names)
train_data, test_data = torch.utils.data.random_split(dataset, (18, len(dataset) - 18))
print(len(train_data), len(test_data), sorted(test_data.indices))

# ---------------------------------------------------------------- LastTimeStep on RNN outputs


class LastTimeStep(nn.Module):
    """Takes an RNN's (output, h_n) pair and returns the last layer's final state, directions side by side."""

    def __init__(self, rnn_layers=1, bidirectional=False):
        super(LastTimeStep, self).__init__()
        self.rnn_layers = rnn_layers
        self.num_directions = 2 if bidirectional else 1

    def forward(self, input):
        rnn_output = input[0]
        last_step = input[1]
        if type(last_step) == tuple:
            last_step = last_step[0]
        batch_size = last_step.shape[1]
        last_step = last_step.view(self.rnn_layers, self.num_directions, batch_size, -1)
        last_step = last_step[self.rnn_layers - 1]
        last_step = last_step.permute(1, 0, 2)
        return last_step.reshape(batch_size, -1)


set_seed(0)
probe = nn.LSTM(4, 3, num_layers=2, bidirectional=True, batch_first=True)
out, (h_n, c_n) = probe(torch.randn(2, 5, 4))
print("lstm out", out.shape, "h_n", h_n.shape, "c_n", c_n.shape)
last = LastTimeStep(rnn_layers=2, bidirectional=True)((out, (h_n, c_n)))
print("last", last.shape, torch.allclose(last[:, :3], out[:, -1, :3]), torch.allclose(last[:, 3:], out[:, 0, 3:]))
print(last)

# ---------------------------------------------------------------- one name at a time, then padded batches
D, hidden_nodes, classes = 8, 16, len(languages)
set_seed(1)
first_rnn = nn.Sequential(
    nn.Embedding(len(alphabet), D),
    nn.RNN(D, hidden_nodes, batch_first=True),
    LastTimeStep(),
    nn.Linear(hidden_nodes, classes),
)
print(first_rnn)
x, y = dataset[3]
print(x.shape, first_rnn(x.unsqueeze(0)).shape)
loss_func = nn.CrossEntropyLoss()
single_loader = DataLoader(train_data, batch_size=1, shuffle=True)
test_loader = DataLoader(test_data, batch_size=1, shuffle=False)
results = train_network(first_rnn, loss_func, single_loader, val_loader=test_loader,
                        score_funcs={"Accuracy": accuracy_score}, epochs=2,
                        optimizer=torch.optim.SGD(first_rnn.parameters(), lr=0.05))
show(results)


def pad_and_pack(batch):
    input_tensors, labels, lengths = [], [], []
    for x, y in batch:
        input_tensors.append(x)
        labels.append(y)
        lengths.append(x.shape[0])
    x_padded = torch.nn.utils.rnn.pad_sequence(input_tensors, batch_first=False)
    x_packed = torch.nn.utils.rnn.pack_padded_sequence(x_padded, lengths, batch_first=False, enforce_sorted=False)
    y_batched = torch.as_tensor(labels, dtype=torch.long)
    return x_packed, y_batched


packed, labels = pad_and_pack([dataset[i] for i in (0, 9, 20)])
print(type(packed).__name__, packed.data.shape, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
print(labels, labels.dtype)


class EmbeddingPackable(nn.Module):
    """Applies an embedding to a PackedSequence by unpacking it, embedding, and packing it again."""

    def __init__(self, embd_layer):
        super(EmbeddingPackable, self).__init__()
        self.embd_layer = embd_layer

    def forward(self, input):
        if type(input) == torch.nn.utils.rnn.PackedSequence:
            sequences, lengths = torch.nn.utils.rnn.pad_packed_sequence(input.cpu(), batch_first=True)
            sequences = self.embd_layer(sequences.to(input.data.device))
            return torch.nn.utils.rnn.pack_padded_sequence(sequences, lengths.cpu(), batch_first=True,
                                                           enforce_sorted=False)
        return self.embd_layer(input)


set_seed(2)
emb = EmbeddingPackable(nn.Embedding(len(alphabet), D))
embedded = emb(packed)
print(embedded.data.shape, embedded.batch_sizes, embedded.sorted_indices)
unpacked, lens = torch.nn.utils.rnn.pad_packed_sequence(embedded, batch_first=True)
print(unpacked.shape, lens, unpacked[1, lens[1]:].abs().sum())

batch_train = DataLoader(train_data, batch_size=6, shuffle=True, collate_fn=pad_and_pack)
batch_test = DataLoader(test_data, batch_size=6, shuffle=False, collate_fn=pad_and_pack)
for name, rnn_type, layers in (("gru", nn.GRU, 2), ("lstm", nn.LSTM, 1)):
    set_seed(3)
    model = nn.Sequential(
        EmbeddingPackable(nn.Embedding(len(alphabet), D)),
        rnn_type(D, hidden_nodes, num_layers=layers, batch_first=True, bidirectional=True),
        LastTimeStep(rnn_layers=layers, bidirectional=True),
        nn.Linear(hidden_nodes * 2, classes),
    )
    print(name, [k for k in model.state_dict().keys()][:6], sum(p.numel() for p in model.parameters()))
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    results = train_network(model, loss_func, batch_train, val_loader=batch_test,
                            score_funcs={"Accuracy": accuracy_score}, epochs=3, optimizer=optimizer,
                            lr_schedule=scheduler)
    show(results)
    print("lr now", scheduler.get_last_lr())
    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(batch_test))
        logits = model(xb)
        print(name, logits.shape, F.softmax(logits, dim=1).argmax(dim=1), yb)
