"""Shared test settings: hypothesis profiles and the rule for tests that need torch."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=30, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", deadline=None, max_examples=30)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# torch's intra-op threads and numpy's BLAS threads share the two cores of our machines within one
# process; after a threaded call each library's threads spin and starve the other's (a tutorial test
# took 40 s instead of 1.5 s). Parity tests need torch's numbers, not its speed: one thread.
try:
    import torch
except ImportError:
    pass
else:
    torch.set_num_threads(1)
