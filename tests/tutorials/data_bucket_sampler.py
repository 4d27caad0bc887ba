import tinygrad_rnn as torch
import random
from typing import Iterator, List

# Variable-length sequences as NLP training scripts batch them: a typed custom batch sampler that buckets
# by length and shuffles the buckets with torch.randperm, a collate_fn that pads and packs, an LSTM over
# the packed batch, and a weighted sampler for the imbalanced labels.
nn = torch.nn
data = torch.utils.data
rnn_utils = torch.nn.utils.rnn
torch.manual_seed(0)
random.seed(0)

VOCAB = 20
lengths = [random.randint(2, 9) for _ in range(26)]
sequences = [torch.randint(1, VOCAB, (n,)) for n in lengths]
labels = [int(seq.sum().item() % 3 == 0) for seq in sequences]
print(lengths, labels)


class SequenceDataset(data.Dataset[tuple]):
    def __init__(self, sequences, labels):
        self.sequences = sequences
        self.labels = labels

    def __len__(self):
        return len(self.sequences)

    def __getitem__(self, idx):
        return self.sequences[idx], self.labels[idx]


class BucketBatchSampler(data.Sampler[List[int]]):
    """Batches of similar lengths: sort the indices by length, cut into batches, shuffle the batches."""

    def __init__(self, lengths: List[int], batch_size: int, generator=None) -> None:
        self.batches = [sorted(range(len(lengths)), key=lambda i: lengths[i])[i:i + batch_size]
                        for i in range(0, len(lengths), batch_size)]
        self.generator = generator

    def __iter__(self) -> Iterator[List[int]]:
        for i in torch.randperm(len(self.batches), generator=self.generator).tolist():
            yield self.batches[i]

    def __len__(self) -> int:
        return len(self.batches)


def pad_collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = rnn_utils.pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths, torch.tensor(labels, dtype=torch.float32)


dataset = SequenceDataset(sequences, labels)
sampler = BucketBatchSampler(lengths, batch_size=4, generator=torch.Generator().manual_seed(1))
loader = data.DataLoader(dataset, batch_sampler=sampler, collate_fn=pad_collate)
print(len(loader), loader.batch_size, loader.drop_last, type(loader.sampler).__name__)
for padded, lens, y in loader:
    print(padded.shape, lens.tolist(), y.tolist())


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 12, batch_first=True)
        self.out = nn.Linear(12, 1)

    def forward(self, padded, lens):
        packed = rnn_utils.pack_padded_sequence(self.embed(padded), lens, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.out(h[-1]).squeeze(1)


model = Classifier()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(3):
    total = 0.0
    for step, (padded, lens, y) in enumerate(loader):
        optimizer.zero_grad()
        loss = criterion(model(padded, lens), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total / len(loader):.6f}")

# rebalancing the labels: one weight per sample, inverse to its class frequency
counts = torch.bincount(torch.tensor(labels))
sample_weights = (1.0 / counts.float())[torch.tensor(labels)]
print(counts, sample_weights[:6])
balanced = data.WeightedRandomSampler(sample_weights, num_samples=len(labels), replacement=True)
loader = data.DataLoader(dataset, batch_size=6, sampler=balanced, collate_fn=pad_collate)
for padded, lens, y in loader:
    print(lens.tolist(), y.tolist())
with torch.no_grad():
    padded, lens, y = next(iter(loader))
    print(torch.sigmoid(model(padded, lens)))
