import tinygrad_rnn as torch
import os
import random
import tempfile

import numpy as np

nn = torch.nn
F = torch.nn.functional
DataLoader, Dataset, WeightedRandomSampler = torch.utils.data.DataLoader, torch.utils.data.Dataset, \
    torch.utils.data.WeightedRandomSampler

# The hand-rolled Trainer of "write your own PyTorch Lightning" blog posts: seed_everything (CUDA calls that
# do nothing without a GPU), a device pick, a Dataset with a padding collate_fn, a class-balanced
# WeightedRandomSampler, a DataLoader with worker_init_fn and a seeded generator, a ModelCheckpoint callback
# that keeps the top-k files by a monitored metric, and fit(ckpt_path=...) that resumes from the last
# checkpoint: epoch, model, optimizer, scheduler and every RNG state (CPU, CUDA, numpy, random).


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    os.environ["PL_GLOBAL_SEED"] = str(seed)
    return seed


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


print("Seed set to", seed_everything(7))
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, torch.cuda.device_count(), torch.cuda.get_rng_state_all())


class ParityDataset(Dataset):
    """Bit strings; the label is whether the count of ones is odd (imbalanced on purpose)."""

    def __init__(self, n):
        self.items = []
        for _ in range(n):
            length = random.randint(2, 6)
            bits = torch.randint(0, 2, (length,))
            label = int(bits.sum().item() % 2 == 1 and random.random() < 0.6)
            self.items.append((bits, label))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def pad_collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence([s + 1 for s in seqs], batch_first=True)
    return padded, lengths, torch.tensor(labels)


train_ds, val_ds = ParityDataset(40), ParityDataset(12)
labels = torch.tensor([y for _, y in train_ds.items])
class_counts = torch.bincount(labels)
weights = (1.0 / class_counts.double())[labels]
print("class counts", class_counts.tolist(), "weights", weights[:4])
sampler = WeightedRandomSampler(weights, num_samples=len(weights), replacement=True)  # draws from the global RNG
g = torch.Generator()
g.manual_seed(0)
train_dl = DataLoader(train_ds, batch_size=8, sampler=sampler, collate_fn=pad_collate, worker_init_fn=seed_worker,
                      generator=g, drop_last=True)
val_dl = DataLoader(val_ds, batch_size=6, shuffle=False, collate_fn=pad_collate)
print(len(train_dl), len(val_dl), type(train_dl.batch_sampler).__name__, train_dl.batch_sampler.drop_last)
xb, lb, yb = next(iter(train_dl))
print(xb, lb, yb)


class GRUClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(3, 4, padding_idx=0)
        self.gru = nn.GRU(4, 8, batch_first=True)
        self.out = nn.Linear(8, 2)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.out(h[-1])


class ModelCheckpoint:
    def __init__(self, dirpath, monitor="val_loss", mode="min", save_top_k=2):
        self.dirpath, self.monitor, self.mode, self.save_top_k = dirpath, monitor, mode, save_top_k
        self.best_k_models = {}
        self.last_model_path = None

    def _worst(self):
        pick = max if self.mode == "min" else min
        return pick(self.best_k_models, key=self.best_k_models.get)

    def on_validation_end(self, trainer, metrics):
        current = metrics[self.monitor]
        filepath = os.path.join(self.dirpath, f"epoch={trainer.epoch}-{self.monitor}={current:.4f}.ckpt")
        better = self.mode == "min" and current < self.best_k_models.get(self._worst(), float("inf")) if \
            self.best_k_models else True
        if len(self.best_k_models) < self.save_top_k or better:
            if len(self.best_k_models) == self.save_top_k:
                worst = self._worst()
                del self.best_k_models[worst]
                os.remove(worst)
                print("  removed", os.path.basename(worst))
            trainer.save_checkpoint(filepath)
            self.best_k_models[filepath] = current
            print("  saved", os.path.basename(filepath))
        self.last_model_path = os.path.join(self.dirpath, "last.ckpt")
        trainer.save_checkpoint(self.last_model_path)

    @property
    def best_model_path(self):
        pick = min if self.mode == "min" else max
        return pick(self.best_k_models, key=self.best_k_models.get)


class Trainer:
    def __init__(self, max_epochs, callbacks):
        self.max_epochs, self.callbacks, self.epoch = max_epochs, callbacks, 0

    def save_checkpoint(self, path):
        torch.save({
            "epoch": self.epoch,
            "state_dict": self.model.state_dict(),
            "optimizer_states": [self.optimizer.state_dict()],
            "lr_schedulers": [self.scheduler.state_dict()],
            "rng_states": {"torch": torch.get_rng_state(), "cuda": torch.cuda.get_rng_state_all(),
                           "numpy": np.random.get_state(), "python": random.getstate()},
        }, path)

    def restore(self, path):
        ckpt = torch.load(path, map_location=device, weights_only=False)
        self.model.load_state_dict(ckpt["state_dict"])
        self.optimizer.load_state_dict(ckpt["optimizer_states"][0])
        self.scheduler.load_state_dict(ckpt["lr_schedulers"][0])
        torch.set_rng_state(ckpt["rng_states"]["torch"])
        torch.cuda.set_rng_state_all(ckpt["rng_states"]["cuda"])
        np.random.set_state(ckpt["rng_states"]["numpy"])
        random.setstate(ckpt["rng_states"]["python"])
        self.epoch = ckpt["epoch"] + 1
        print(f"Restored from {os.path.basename(path)}: epoch {self.epoch}, keys {sorted(ckpt)}")

    def fit(self, model, train_dl, val_dl, ckpt_path=None):
        self.model = model.to(device)
        self.optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        self.scheduler = torch.optim.lr_scheduler.ExponentialLR(self.optimizer, gamma=0.8)
        if ckpt_path:
            self.restore(ckpt_path)
        history = []
        while self.epoch < self.max_epochs:
            model.train()
            for x, lengths, y in train_dl:
                self.optimizer.zero_grad()
                loss = F.cross_entropy(model(x.to(device), lengths), y.to(device))
                loss.backward()
                self.optimizer.step()
            self.scheduler.step()
            model.eval()
            losses, correct = [], 0
            with torch.inference_mode():
                for x, lengths, y in val_dl:
                    logits = model(x, lengths)
                    losses.append(F.cross_entropy(logits, y, reduction="sum").item())
                    correct += (logits.argmax(1) == y).sum().item()
            metrics = {"val_loss": sum(losses) / len(val_ds), "val_acc": correct / len(val_ds)}
            noise = (np.random.rand(), random.random(), torch.rand(1).item())
            history.append((round(loss.item(), 4), round(metrics["val_loss"], 4), metrics["val_acc"],
                            self.scheduler.get_last_lr()[0], [round(v, 4) for v in noise]))
            print(f"epoch {self.epoch}: {history[-1]}")
            for cb in self.callbacks:
                cb.on_validation_end(self, metrics)
            self.epoch += 1
        return history


with tempfile.TemporaryDirectory() as tmp:
    seed_everything(1)
    ckpt_cb = ModelCheckpoint(tmp, save_top_k=2)
    full = Trainer(max_epochs=5, callbacks=[ckpt_cb]).fit(GRUClassifier(), train_dl, val_dl)
    print(sorted(os.listdir(tmp)))
    print(os.path.basename(ckpt_cb.best_model_path), {os.path.basename(k): round(v, 4) for k, v in
                                                      ckpt_cb.best_k_models.items()})

    seed_everything(1)
    first_half = Trainer(max_epochs=3, callbacks=[ModelCheckpoint(tmp, save_top_k=1)])
    part = first_half.fit(GRUClassifier(), train_dl, val_dl)
    resumed = Trainer(max_epochs=5, callbacks=[]).fit(GRUClassifier(), train_dl, val_dl,
                                                      ckpt_path=os.path.join(tmp, "last.ckpt"))
    print(part + resumed == full)
    best = torch.load(ckpt_cb.best_model_path, weights_only=False)
    print(best["epoch"], list(best["state_dict"])[:3], best["optimizer_states"][0]["param_groups"][0]["lr"])
    print(best["lr_schedulers"][0], best["rng_states"]["cuda"], best["rng_states"]["torch"].shape)
