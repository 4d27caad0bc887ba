import tinygrad_rnn as torch
import numpy as np
import random

# torch.utils.data's samplers and splits as the docs and the "Reproducibility" notes use them: every order
# printed must be torch's own, from the global seed and from explicit generators.
data = torch.utils.data
torch.manual_seed(0)
dataset = data.TensorDataset(torch.arange(12).float().view(12, 1), torch.arange(12) % 3)
print(len(dataset), dataset[3], dataset.tensors[1])

print("sequential", list(data.SequentialSampler(dataset)))
print("random", list(data.RandomSampler(dataset)))
print("random again", list(data.RandomSampler(dataset)))
print("random replacement", list(data.RandomSampler(dataset, replacement=True, num_samples=20)))
print("random num_samples", list(data.RandomSampler(dataset, num_samples=30)))
g = torch.Generator().manual_seed(42)
sampler = data.RandomSampler(dataset, generator=g)
print("random generator", list(sampler), list(sampler), len(sampler))
print("subset random", list(data.SubsetRandomSampler([1, 3, 5, 7, 9])))
print("subset random gen", list(data.SubsetRandomSampler(range(4, 10), generator=torch.Generator().manual_seed(1))))
weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
print("weighted", list(data.WeightedRandomSampler(weights, 8, replacement=True)))
print("weighted no replacement", list(data.WeightedRandomSampler(weights, 4, replacement=False)))
print("batch", list(data.BatchSampler(data.SequentialSampler(range(10)), batch_size=3, drop_last=False)))
print("batch drop", list(data.BatchSampler(data.SequentialSampler(range(10)), batch_size=3, drop_last=True)))
print("batch random", list(data.BatchSampler(data.RandomSampler(range(10)), batch_size=4, drop_last=False)))

# random_split: lengths as ints and as fractions
train_set, val_set = data.random_split(dataset, [9, 3], generator=torch.Generator().manual_seed(42))
print("split ints", train_set.indices, val_set.indices, type(train_set).__name__)
parts = data.random_split(range(10), [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(42))
print("split fractions", [p.indices for p in parts], [len(p) for p in parts])
parts = data.random_split(range(11), [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(0))
print("split uneven", [p.indices for p in parts])
parts = data.random_split(dataset, [0.8, 0.2])  # the default (global) generator
print("split global", [p.indices for p in parts])
print(parts[0][0], parts[1][1])

# shuffled DataLoaders: the global seed, an explicit generator, and the reproducibility recipe
torch.manual_seed(7)
loader = data.DataLoader(dataset, batch_size=5, shuffle=True)
for epoch in range(3):
    print("epoch", epoch, [y.tolist() for _, y in loader], [x.view(-1).int().tolist() for x, _ in loader][0])
print("after", torch.rand(2))


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


g = torch.Generator()
g.manual_seed(0)
loader = data.DataLoader(dataset, batch_size=4, shuffle=True, num_workers=0, worker_init_fn=seed_worker, generator=g)
for epoch in range(2):
    for i, (x, y) in enumerate(loader):
        print(epoch, i, x.view(-1).tolist(), y.tolist())
print(g.initial_seed(), torch.randint(0, 100, (3,), generator=g))

# a sampler in a loader, a batch_sampler, and batch_size=None
sampler = data.WeightedRandomSampler(torch.tensor([1.0, 1.0, 4.0] * 4), num_samples=9)
print([y.tolist() for _, y in data.DataLoader(dataset, batch_size=3, sampler=sampler)])
batches = data.BatchSampler(data.RandomSampler(dataset, generator=torch.Generator().manual_seed(3)), 5, True)
print([y.tolist() for _, y in data.DataLoader(dataset, batch_sampler=batches)])
print([item for item in data.DataLoader(list(range(6)), batch_size=None, shuffle=True)])
# Subset, ConcatDataset and `+`
sub = data.Subset(dataset, [0, 11, 5])
both = data.ConcatDataset([sub, data.Subset(dataset, range(3))])
print(len(both), both.cumulative_sizes, both[4], (sub + sub)[5])
print([x.view(-1).tolist() for x, _ in data.DataLoader(both, batch_size=4, shuffle=True)])
print(torch.randn(3))
