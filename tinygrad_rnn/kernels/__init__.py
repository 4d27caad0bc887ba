"""The recurrent family below nn: each variant's step math, gate table entry and fused kernel.

- recurrence.py: what the variants share: `Variant` (a gate table entry), `DirectionWeights`, the
  composed time loop `run_direction` and the one layer loop `run_layers` (`infer_layers` on arrays);
- fused_stack.py: the gated variants' fused runner `FusedRunner` and `FusedStack`, the one graph
  node of a whole nn.LSTM / nn.GRU call;
- rnn.py (Elman, tanh and relu), lstm.py, gru.py: one file per variant, with its step math (the
  composed path), its fused kernel and its `Variant`; variants.py holds the gate table
  `VARIANTS`, by torch's mode name. A new variant is one such file plus one line there;
- step_layout.py: the one way sequences are ordered, reversed and masked by length;
- sequence_function.py: the base of the fused kernels (hand-written backward, composed fallback
  for double backward); blas_threads.py and scratch.py: BLAS threads and reused work arrays.

Nothing here imports nn: nn builds its modules on these. This file imports nothing, so the core
can import blas_threads without loading the family (ops/linalg.py does, before nn exists).
"""
