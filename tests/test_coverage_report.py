"""docs/coverage.md (written by tools/coverage_report.py) claims nothing false.

Other branches add names in parallel, so the table is regenerated after merging and this test does
not compare it with a fresh run; it checks that every name the committed table lists as present
exists here, and that the script's filter sorts a few telling names the documented way.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from helpers import require_torch

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> object:
    spec = importlib.util.spec_from_file_location("coverage_report", ROOT / "tools" / "coverage_report.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_report"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
CLAIMS = TOOL.parse_present((ROOT / "docs" / "coverage.md").read_text())


def test_the_table_covers_every_namespace_of_the_script() -> None:
    assert list(CLAIMS) == [space.label for space in TOOL.NAMESPACES]
    assert sum(len(names) for names in CLAIMS.values()) > 300  # the parser found the lists


@pytest.mark.parametrize("space", TOOL.NAMESPACES, ids=[s.label for s in TOOL.NAMESPACES])
def test_every_name_claimed_present_exists(space: object) -> None:
    ours = TOOL.ours_object(space)
    false_claims = [name for name in CLAIMS[space.label] if not TOOL.exists_here(ours, name)]
    assert not false_claims, f"{space.label}: listed as present but missing: {false_claims}"


@pytest.mark.parametrize("namespace,name,reason_contains", [
    ("torch", "quantile", None),                 # a statistic, not quantization
    ("torch", "dist", None),                     # the p-norm distance, not distributed training
    ("torch", "trace", None),                    # the matrix trace, not jit tracing
    ("torch.Tensor", "storage_offset", None),
    ("torch.nn.init", "sparse_", None),          # fills a dense tensor
    ("torch.Tensor", "to_sparse", "sparse"),
    ("torch", "quantize_per_tensor", "quantization"),
    ("torch.Tensor", "cuda", "CPU only"),
    ("torch", "compile", "compilers"),
    ("torch.nn.init", "xavier_uniform", "deprecated"),
    ("torch.utils.data", "IterDataPipe", "DataPipes"),
    ("torch.optim", "SparseAdam", "sparse"),
])
def test_the_filter_sorts_names_as_documented(namespace: str, name: str, reason_contains: str | None) -> None:
    reason = TOOL.not_built_reason(namespace, name)
    if reason_contains is None:
        assert reason is None, f"{namespace}.{name} should count, but is excluded: {reason}"
    else:
        assert reason is not None and reason_contains in reason


@pytest.mark.parametrize("label", ["torch.optim", "torch.optim.lr_scheduler", "torch.optim.swa_utils"])
def test_the_script_measures_a_namespace_now(label: str) -> None:
    """Run the measurement itself (torch needed): the optimiser namespaces meet issue 13's goals."""
    require_torch()
    space = next(s for s in TOOL.NAMESPACES if s.label == label)
    result = TOOL.measure(space)
    assert result.counted > 5 and all(TOOL.exists_here(TOOL.ours_object(space), n) for n in result.present)
    assert result.percent >= (space.goal or 100), result.missing
