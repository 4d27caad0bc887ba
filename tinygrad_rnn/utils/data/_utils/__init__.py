"""torch.utils.data._utils: the collate machinery's module path, which code reaches into to register its
own types (`torch.utils.data._utils.collate.default_collate_fn_map`), and ExceptionWrapper, which carries
a worker's error to the loop."""
from . import collate
from .errors import ExceptionWrapper

__all__ = ["ExceptionWrapper", "collate"]
