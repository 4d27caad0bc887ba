"""torch.distributed in one process: a group of world size 1 whose collectives keep their tensors, torch's errors
before init and for a second init, and DistributedDataParallel forwarding to its module."""
import pytest
from helpers import check_error

import tinygrad_rnn

dist = tinygrad_rnn.distributed


@pytest.fixture
def one_process(monkeypatch):
    for name, value in (("RANK", "0"), ("WORLD_SIZE", "1"), ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        monkeypatch.setenv(name, value)
    dist.init_process_group(backend="gloo")
    yield
    if dist.is_initialized():
        dist.destroy_process_group()


@pytest.mark.parametrize("call", [
    lambda m: m.distributed.get_rank(),
    lambda m: m.distributed.get_world_size(),
    lambda m: m.distributed.all_reduce(m.ones(2)),
    lambda m: m.distributed.destroy_process_group(),
    lambda m: m.nn.parallel.DistributedDataParallel(m.nn.Linear(2, 2)),
])
def test_before_init_as_torch(call):
    check_error(call)


@pytest.mark.parametrize("missing", ["RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"])
def test_env_rendezvous_names_the_missing_variable_as_torch(missing, monkeypatch):
    for name, value in (("RANK", "0"), ("WORLD_SIZE", "1"), ("MASTER_ADDR", "127.0.0.1"), ("MASTER_PORT", "29500")):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    check_error(lambda m: m.distributed.init_process_group(backend="gloo"))


def test_one_process_group(one_process):
    assert (dist.is_available(), dist.is_initialized(), dist.get_rank(), dist.get_world_size(), dist.get_backend()) \
        == (True, True, 0, 1, "gloo")
    t = tinygrad_rnn.tensor([1.0, 2.0])
    for op in (dist.ReduceOp.SUM, dist.ReduceOp.AVG, dist.ReduceOp.MAX):
        assert dist.all_reduce(t, op=op) is None and t.tolist() == [1.0, 2.0]
    gathered = [tinygrad_rnn.zeros(2)]
    dist.all_gather(gathered, tinygrad_rnn.tensor([3.0, 4.0]))
    assert gathered[0].tolist() == [3.0, 4.0]
    assert dist.broadcast(t, src=0) is None and dist.barrier() is None
    with pytest.raises(ValueError, match="twice"):
        dist.init_process_group(backend="gloo")
    with pytest.raises(NotImplementedError, match="async_op"):
        dist.all_reduce(t, async_op=True)
    assert repr(dist.ReduceOp.SUM) == "<RedOpType.SUM: 0>"


def test_a_larger_world_is_not_implemented(monkeypatch):
    with pytest.raises(NotImplementedError, match="world_size=2"):
        dist.init_process_group(backend="gloo", init_method="tcp://127.0.0.1:29500", rank=0, world_size=2)
    assert not dist.is_initialized()


def test_ddp_forwards_to_its_module(one_process):
    tinygrad_rnn.manual_seed(0)
    inner = tinygrad_rnn.nn.Linear(3, 2)
    model = tinygrad_rnn.nn.parallel.DistributedDataParallel(inner)
    x = tinygrad_rnn.randn(4, 3)
    model(x).sum().backward()
    assert model.module is inner and inner.weight.grad is not None
    assert list(model.state_dict()) == ["module.weight", "module.bias"]
    assert repr(model).startswith("DistributedDataParallel(\n  (module): Linear(")
    with model.no_sync():
        assert model.require_backward_grad_sync is False
    assert model.require_backward_grad_sync is True
