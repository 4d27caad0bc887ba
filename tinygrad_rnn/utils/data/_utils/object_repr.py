"""`print(loader)`, `print(dataset)`, `print(sampler)`: the default object repr, with torch's class path."""
from __future__ import annotations

from ....nn.module import TorchPathClass

OUR_PACKAGE = __name__.split(".")[0]


class TorchPathRepr(metaclass=TorchPathClass):
    """Python's default `<module.Class object at 0x...>` repr, with our package named `torch`.

    torch.utils.data's classes live at the same paths as ours (tinygrad_rnn.utils.data.dataloader is
    torch.utils.data.dataloader), so printing a DataLoader or a TensorDataset, as beginners' code does,
    shows torch's text. Only the repr changes: `type(loader).__module__` stays ours, so pickling finds
    the class. A user's subclass keeps its own module (`<__main__.toy_set object at 0x...>`). The class prints
    as torch's too (`print(type(loader))`: nn/module.py's TorchPathClass)."""

    def __repr__(self) -> str:
        kind = type(self)
        module = kind.__module__
        if module.split(".")[0] == OUR_PACKAGE:
            module = "torch" + module[len(OUR_PACKAGE):]
        return f"<{module}.{kind.__qualname__} object at {id(self):#x}>"
