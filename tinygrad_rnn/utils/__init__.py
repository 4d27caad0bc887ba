"""torch.utils: `utils.data` (datasets, samplers, DataLoader)."""
from . import data
