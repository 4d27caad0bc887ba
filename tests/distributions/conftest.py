"""Distribution tests start from torch's default of validating arguments."""
import pytest


@pytest.fixture(autouse=True)
def torch_validates_arguments():
    """Turn torch's argument validation back on for each test.

    Importing torch._dynamo (any test that calls torch.compile does) switches it off for the whole
    process, so without this the tests here would depend on which tests ran before them.
    """
    import sys
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.distributions.Distribution.set_default_validate_args(True)
    yield
