"""Which implementation the recurrent modules run: the fused kernels (default) or the composed path.

    import tinygrad_rnn as torch
    rnn = torch.nn.RNN(4, 8)
    out, h = rnn(x)                              # fused: one graph node for all layers and directions
    with torch.backends.composed_rnn():
        out, h = rnn(x)                          # composed: the op-by-op code (kernels/recurrence.py)
    torch.backends.fused_rnn = False             # or switch it for the whole program

Both give the same values and gradients. The composed path is the one to read and step through;
the fused kernels (tinygrad_rnn/kernels/) compute the same math with far fewer Python calls.
nn's RNNBase._run_layers reads `fused_rnn`, the one place the choice is made, for RNN, LSTM and GRU.

`cudnn`, `mps` and `mkldnn` are stand-ins for torch.backends' namespaces, so tutorial lines such as
`torch.backends.cudnn.deterministic = True` or `torch.backends.mps.is_available()` run unchanged.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

fused_rnn: bool = True
"""True: nn.RNN, LSTM and GRU run the fused kernels; False: the composed path."""


@contextmanager
def composed_rnn() -> Iterator[None]:
    """Within the block, recurrent modules run the composed op-by-op path."""
    module = sys.modules[__name__]
    previous = module.fused_rnn
    module.fused_rnn = False
    try:
        yield
    finally:
        module.fused_rnn = previous


class _Backend:
    """A torch.backends namespace for hardware we do not have: flags are stored and ignored."""

    def __init__(self, available: bool, **flags: bool) -> None:
        self._available = available
        self.__dict__.update(flags)

    def is_available(self) -> bool:
        return self._available


class _Cudnn(_Backend):
    @contextmanager
    def flags(self, enabled: bool = False, benchmark: bool = False, benchmark_limit: int = 10,
              deterministic: bool = False, allow_tf32: bool = True, **more: object) -> Iterator[None]:
        """torch.backends.cudnn.flags: within the block the flags take the values given, each one not
        given its default (so `enabled` is False unless named, as in torch); they are restored after."""
        previous = dict(self.__dict__)
        self.__dict__.update(enabled=enabled, benchmark=benchmark, deterministic=deterministic, allow_tf32=allow_tf32)
        try:
            yield
        finally:
            self.__dict__.update(previous)


# Measured on torch 2.13 (CPU build): cudnn and mps are unavailable, mkldnn is available.
cudnn = _Cudnn(False, enabled=True, deterministic=False, benchmark=False, allow_tf32=True)
mps = _Backend(False)
mkldnn = _Backend(True, enabled=True)
