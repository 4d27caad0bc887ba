"""torch.multiprocessing: Python's multiprocessing plus torch's sharing-strategy settings; a tensor sent to
another process arrives as a copy; spawn is not implemented and says so."""
import pytest
from helpers import require_torch

import tinygrad_rnn

mp = tinygrad_rnn.multiprocessing


def test_sharing_strategies_as_torch():
    torch = require_torch()
    import torch.multiprocessing as torch_mp
    assert mp.get_all_sharing_strategies() == torch_mp.get_all_sharing_strategies()
    assert mp.get_sharing_strategy() == torch_mp.get_sharing_strategy()
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    mp.set_sharing_strategy("file_descriptor")
    with pytest.raises(AssertionError):
        mp.set_sharing_strategy("nowhere")
    assert torch is not None


def _double(queue, t):
    queue.put(t * 2)


def test_a_tensor_crosses_to_a_process_and_back():
    context = mp.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_double, args=(queue, tinygrad_rnn.tensor([1.0, 2.0])))
    process.start()
    result = queue.get(timeout=30)
    process.join(timeout=30)
    assert result.tolist() == [2.0, 4.0] and mp.cpu_count() >= 1


def test_spawn_is_not_implemented():
    with pytest.raises(NotImplementedError, match="spawn"):
        mp.spawn(print, nprocs=1)
