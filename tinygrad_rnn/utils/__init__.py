"""torch.utils: `utils.data` (datasets, samplers, DataLoader) and `utils.deterministic`."""
from . import data, deterministic
