"""Shared test settings: hypothesis runs a fixed, derandomized profile in CI."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Tests are filed by the part they test (tests/engine, tests/viz, ...); the helpers they
# share live in tests/support and are imported by name (`from viz_page_support import ...`).
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
