"""torch.utils.data._utils: the collate machinery's module path, which code reaches into to register its
own types (`torch.utils.data._utils.collate.default_collate_fn_map`)."""
from . import collate

__all__ = ["collate"]
