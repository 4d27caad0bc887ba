"""torch.ao.quantization (also torch.quantization): dynamic quantization of nn.Linear and nn.LSTM to qint8."""
from .qconfig import QConfig, default_dynamic_qconfig
from .quantize import quantize_dynamic

__all__ = ["QConfig", "default_dynamic_qconfig", "quantize_dynamic"]
