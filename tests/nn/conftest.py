"""Tests in this folder import `helpers` from tests/, as the tests one level up do."""
import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent.parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
