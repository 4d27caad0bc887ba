"""torch.autograd: the engine (`backward`, `grad`), `Function` for custom ops, and grad modes."""
from . import forward_ad, functional, graph
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function
from .grad_api import backward, grad
from .grad_mode import (
    enable_grad,
    enforce_grad_layout_policy,
    inference_mode,
    is_grad_enabled,
    is_multithreading_enabled,
    is_view_replay_enabled,
    no_grad,
    set_grad_enabled,
    set_multithreading_enabled,
)
from .gradcheck import gradcheck, gradgradcheck
from .variable import Variable, variable

__all__ = ["Function", "Variable", "backward", "detect_anomaly", "enable_grad", "enforce_grad_layout_policy", "forward_ad",
           "functional", "grad", "graph", "gradcheck", "gradgradcheck", "inference_mode", "is_grad_enabled",
           "is_multithreading_enabled", "is_view_replay_enabled", "no_grad",
           "set_detect_anomaly", "set_grad_enabled", "set_multithreading_enabled", "variable"]
