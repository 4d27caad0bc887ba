"""torch.utils: `utils.data` (datasets, samplers, DataLoader), `utils.benchmark` (Timer, Compare),
`utils.checkpoint`, `utils.deterministic` and `utils.hooks`."""
from . import benchmark, checkpoint, data, deterministic, hooks
