"""Differential fuzzing against torch: every call gives torch's result or torch's kind of exception.

Each family in catalog.py draws calls that mix valid and invalid arguments; a call passes when both
frameworks return equal results (value, dtype, shape) or both raise the same builtin exception kind,
and ours does not leak a numpy or internal error. `python tests/fuzz/report.py -v` prints every
difference with the call that shows it.

Every family must agree with torch. The few deliberate differences are kept out of the strategies in
catalog.py, each with a comment saying why (search for "deliberate difference"); where torch returns and
we raise a NotImplementedError naming a feature we lack (einsum's '...'), the call counts as agreeing,
since the standards allow exactly that.
"""
from __future__ import annotations

import pytest
from catalog import CATALOG
from differential import compare
from helpers import require_torch
from hypothesis import HealthCheck, Phase, given, settings


@pytest.mark.parametrize("family", list(CATALOG))
def test_family_behaves_as_torch(family):
    torch = require_torch()

    # No shrinking: report.py prints each differing call as drawn, and shrinking costs seconds per family.
    @settings(max_examples=30, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(CATALOG[family])
    def check(call):
        verdict = compare(call, torch)
        assert verdict.ok, str(verdict)

    check()
