"""Tests in tests/nn import the shared helpers as `from helpers import ...`, like the tests one
level up: put tests/ on sys.path (the hypothesis profiles come from tests/conftest.py)."""
import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
