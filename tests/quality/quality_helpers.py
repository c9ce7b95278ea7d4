"""Helpers shared by the quality tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def require():
    """``require`` of tests/conftest.py (loaded by path: several conftest modules share the name)."""
    spec = importlib.util.spec_from_file_location(
        "faultline_tests_conftest", Path(__file__).resolve().parents[1] / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.require
