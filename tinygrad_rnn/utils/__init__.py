"""torch.utils: `utils.data` (datasets, samplers, DataLoader), `utils.checkpoint` and `utils.deterministic`."""
from . import checkpoint, data, deterministic
