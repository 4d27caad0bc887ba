"""torch.autograd.function: `Function`, the base of custom differentiable ops (see core/function.py)."""
from ..core.function import Function

__all__ = ["Function"]
