"""The source passes ruff (lint and format) and mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitekit import REPO

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", [
    ["ruff", "check", "src"],
    ["ruff", "format", "--check", "src"],
    ["mypy"],
], ids=["ruff-check", "ruff-format", "mypy"])
def test_source_is_clean(command: list[str]):
    result = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
