"""The learner's core: Tensor state, Function, the engine, grad modes and dtypes.

It imports nothing of the package above it (ops, the torch-shaped surface, nn, ...); its whole
import closure is held under 1,500 lines by tests/core/test_import_layers.py. Start reading at
tensor.py, then function.py, then engine.py. See docs/architecture.md.
"""
