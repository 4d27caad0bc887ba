"""torch.autograd.anomaly_mode: anomaly detection (defined in core/anomaly_mode.py)."""
from ..core.anomaly_mode import detect_anomaly, set_detect_anomaly

__all__ = ["detect_anomaly", "set_detect_anomaly"]
