"""torch.utils.data: datasets, samplers and the DataLoader that batches them.

    from tinygrad_rnn.utils.data import DataLoader, TensorDataset, random_split
"""
from . import _utils  # torch.utils.data._utils.collate: the collate table code registers its own types in
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .workers import get_worker_info

__all__ = ["DataLoader", "default_collate", "default_convert", "Dataset", "IterableDataset", "TensorDataset",
           "Subset", "ConcatDataset", "random_split", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "BatchSampler", "get_worker_info", "ChainDataset", "StackDataset",
           "WeightedRandomSampler", "DistributedSampler"]
