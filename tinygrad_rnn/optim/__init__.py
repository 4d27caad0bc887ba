"""torch.optim: optimisers that move parameters along their gradients, and lr schedulers.

Each optimiser is one short file whose module docstring gives its update rule; they share the
base class in `optimizer.py` (groups, state, state_dict) and the step hooks in `hooks.py`.
`lr_scheduler/` changes the lr between steps, `swa_utils.py` averages weights (SWA, EMA), and
`swap_state.py` runs an optimiser on stand-in parameters and state for a while.
"""
from . import lr_scheduler, optimizer, swa_utils
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam
from .swap_state import swap_in_optimizer_params_and_state

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "Adadelta", "Adamax", "NAdam",
           "RAdam", "ASGD", "Rprop", "Adafactor", "Muon", "SparseAdam", "lr_scheduler", "swa_utils",
           "swap_in_optimizer_params_and_state"]
