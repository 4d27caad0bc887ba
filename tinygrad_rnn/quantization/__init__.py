"""torch.quantization: torch's older name for torch.ao.quantization."""
from ..ao.quantization import QConfig, default_dynamic_qconfig, quantize_dynamic

__all__ = ["QConfig", "default_dynamic_qconfig", "quantize_dynamic"]
