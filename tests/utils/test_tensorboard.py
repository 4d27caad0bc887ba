"""torch.utils.tensorboard where the tensorboard package is missing: the same ImportError as torch's."""
import importlib
import importlib.util

import pytest
from helpers import check_error

pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorboard") is not None,
                                reason="tensorboard is installed: torch's SummaryWriter works, ours is not written")


def test_importing_tensorboard_without_the_package_fails_as_torch():
    """Pointer's debugging chapter starts `from torch.utils.tensorboard import SummaryWriter`."""
    check_error(lambda m: importlib.import_module(f"{m.__name__}.utils.tensorboard"))


def test_the_failure_is_an_import_error_a_fallback_can_catch():
    with pytest.raises(ImportError):
        from tinygrad_rnn.utils.tensorboard import SummaryWriter  # noqa: F401
