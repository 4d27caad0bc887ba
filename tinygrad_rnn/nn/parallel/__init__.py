"""torch.nn.parallel: DataParallel, and DistributedDataParallel over the one-process group of distributed.py."""
from ..data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
