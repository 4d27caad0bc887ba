"""`DistributedSampler`: each of `num_replicas` processes takes its own share of a dataset, in an order
all of them agree on (shuffled from `seed + epoch`, so `set_epoch` gives every epoch a new one).

There is no process group here (no torch.distributed), so the replica count and the rank must be
given: `DistributedSampler(dataset, num_replicas=1, rank=0)` is the single-process case scripts use.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from ...random import Generator, randperm
from .sampler import Sampler, T_co

# what torch says when asked for the world size or rank before init_process_group
_NO_PROCESS_GROUP = "Default process group has not been initialized, please make sure to call init_process_group."


class DistributedSampler(Sampler[T_co]):
    """The indices of replica `rank` out of `num_replicas`: every num_replicas-th index of one shared order,
    padded by repeating its start (or, with drop_last, cut) so that every replica gets as many."""

    def __init__(self, dataset: Any, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise ValueError(_NO_PROCESS_GROUP)
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if drop_last and len(dataset) % num_replicas != 0:  # every replica gets the same, fewer, items
            self.num_samples = math.ceil((len(dataset) - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(len(dataset) / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:  # the same order in every replica: a generator seeded alike in all of them
            indices = randperm(n, generator=Generator().manual_seed(self.seed + self.epoch)).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:  # pad with the order's start, repeated as often as needed
            padding = self.total_size - n
            indices += (indices * math.ceil(padding / n))[:padding] if padding > n else indices[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Shuffle the next epoch from `seed + epoch`: call it before each epoch, or every epoch has one order."""
        self.epoch = epoch
