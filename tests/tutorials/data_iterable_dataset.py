import tinygrad_rnn as torch
import math
import itertools

# torch.utils.data's IterableDataset as its documentation teaches it: a range split between workers in
# __iter__ (get_worker_info() is None in the main process), or by a worker_init_fn; and a streaming
# "read lines, tokenize, batch" pipeline with a custom collate_fn.
data = torch.utils.data


class MyIterableDataset(data.IterableDataset):
    def __init__(self, start, end):
        super(MyIterableDataset).__init__()
        assert end > start, "this example code only works with end >= start"
        self.start = start
        self.end = end

    def __iter__(self):
        worker_info = data.get_worker_info()
        if worker_info is None:  # single-process data loading, return the full iterator
            iter_start = self.start
            iter_end = self.end
        else:  # in a worker process: split workload
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            worker_id = worker_info.id
            iter_start = self.start + worker_id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))


ds = MyIterableDataset(start=3, end=7)
print(data.get_worker_info())
print(list(data.DataLoader(ds, num_workers=0)))
print(list(data.DataLoader(ds, num_workers=2)))
print(list(data.DataLoader(ds, batch_size=2)))
print(list(data.DataLoader(ds, batch_size=None)))
print(list(data.DataLoader(ds, batch_size=3, drop_last=True)))


class PlainRange(data.IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start = start
        self.end = end

    def __iter__(self):
        return iter(range(self.start, self.end))


def worker_init_fn(worker_id):
    worker_info = data.get_worker_info()
    dataset = worker_info.dataset  # the dataset copy in this worker process
    overall_start = dataset.start
    overall_end = dataset.end
    per_worker = int(math.ceil((overall_end - overall_start) / float(worker_info.num_workers)))
    worker_id = worker_info.id
    dataset.start = overall_start + worker_id * per_worker
    dataset.end = min(dataset.start + per_worker, overall_end)


ds = PlainRange(start=3, end=7)
print(list(data.DataLoader(ds, num_workers=0)))
print(list(data.DataLoader(ds, num_workers=2, worker_init_fn=worker_init_fn)))

TEXT = """the cat sat on the mat
a dog ran in the park
the bird sang a song
cats and dogs play
the end of the story
a quick brown fox""".splitlines()


class LineStream(data.IterableDataset):
    def __init__(self, lines, vocab):
        self.lines = lines
        self.vocab = vocab

    def __iter__(self):
        for line in self.lines:
            ids = [self.vocab[w] for w in line.split()]
            yield torch.tensor(ids[:-1]), torch.tensor(ids[1:])


vocab = {w: i for i, w in enumerate(sorted({w for line in TEXT for w in line.split()}))}
print(len(vocab))


def pad_collate(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([len(x) for x in xs])
    return torch.nn.utils.rnn.pad_sequence(list(xs), batch_first=True), \
        torch.nn.utils.rnn.pad_sequence(list(ys), batch_first=True, padding_value=-100), lengths


stream = LineStream(TEXT, vocab)
loader = data.DataLoader(stream, batch_size=4, collate_fn=pad_collate)
for step, (x, y, lengths) in enumerate(loader):
    print(step, x.shape, x, y[:, :3], lengths)
print(next(iter(data.DataLoader(stream, batch_size=2)))[0])  # default_collate of equal-length samples
chained = data.ChainDataset([MyIterableDataset(0, 3), PlainRange(10, 12)])
print(list(chained), [b.tolist() for b in data.DataLoader(chained, batch_size=2)])
print(list(itertools.islice(iter(data.DataLoader(PlainRange(0, 100), batch_size=8)), 2)))
