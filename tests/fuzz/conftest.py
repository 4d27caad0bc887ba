"""tests/fuzz imports its own modules (catalog, differential) by name."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
