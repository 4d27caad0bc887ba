"""torch.ao.nn.quantized: only its dynamic modules are built."""
from . import dynamic

__all__ = ["dynamic"]
