"""`torch._dynamo`: the few calls tutorials make into torch's compiler frontend (reset between
examples, the backend list); the same as torch.compiler's here."""
from .compiler import disable, list_backends, reset

__all__ = ["disable", "list_backends", "reset"]
