"""torch.utils: `utils.data` (datasets, samplers, DataLoader), `utils.benchmark` (Timer, Compare),
`utils.checkpoint`, `utils.deterministic`, `utils.dlpack` and `utils.hooks`."""
from . import benchmark, checkpoint, data, deterministic, dlpack, hooks
