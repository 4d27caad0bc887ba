"""torch.utils: `utils.data` (datasets, samplers, DataLoader), `utils.checkpoint`, `utils.deterministic` and
`utils.hooks`."""
from . import checkpoint, data, deterministic, hooks
