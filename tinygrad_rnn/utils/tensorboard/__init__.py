"""torch.utils.tensorboard: its SummaryWriter is not implemented here.

torch's module starts by importing the `tensorboard` package, so where that package is missing (as with
most CPU installs) `from torch.utils.tensorboard import SummaryWriter` fails with
`ModuleNotFoundError: No module named 'tensorboard'`. Ours fails the same way, so a tutorial's
`try: ... except ImportError:` fallback sees the same error; where tensorboard is installed, ours says
plainly that the writer is missing.
"""
import tensorboard  # noqa: F401  (raises torch's own ModuleNotFoundError when the package is missing)

raise NotImplementedError("torch.utils.tensorboard (SummaryWriter) is not implemented in tinygrad_rnn")
