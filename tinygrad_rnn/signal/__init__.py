"""torch.signal: its one part, the window functions (`torch.signal.windows`)."""
from . import windows

__all__ = ["windows"]
