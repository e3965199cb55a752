"""Data for validation tests: a valid record, variants of it, and a throw-away data root."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sitekit import REPO

TODAY = dt.date(2026, 11, 26)

# A valid record; tests derive bad variants from it by replacing lines, so the
# line numbers in their assertions can be read off this text.
GOOD_RECORD = """\
id: sample-edit
name: SampleEdit
title: "SampleEdit: A Sample Method for Testing Validation Rules"
authors:
  - Ada Lovelace
date: 2023-04
venue: CVPR
year: 2023
links:
  paper: https://arxiv.org/abs/2304.00001
  arxiv: "2304.00001"
  code: https://github.com/example/sample-edit
strategy: attention-modification
conditions: [text, mask]
tasks:
  - object-replacement
  - style-change
summary: >-
  Edits an image by swapping attention maps between two prompts. It needs
  no training.
provenance:
  source: contribution
  strategy: curated
  conditions: curated
  tasks: curated
evidence:
  attention-modification: abstract
  text: abstract
  mask: Fig. 2
  object-replacement: abstract
  style-change: Fig. 3
  latent-unet-diffusion: Sec. 4
  venue: arXiv comments
backbone: latent-unet-diffusion
"""


# The first line after GOOD_RECORD, where tests append lines.
AFTER = GOOD_RECORD.count("\n") + 1


def record(**replacements: str) -> str:
    """GOOD_RECORD with whole lines replaced: record(date='date: 2030-01')."""
    lines = GOOD_RECORD.splitlines()
    for key, new in replacements.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:") or line.startswith(f"  {key}:"))
        lines[index] = new
    return "\n".join(lines) + "\n"


class DataRoot:
    """A throw-away data root with the repository's taxonomy and no methods."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copytree(REPO / "taxonomy", path / "taxonomy")
        (path / "methods").mkdir()
        (path / "benchmarks").mkdir()

    def write(self, rel: str, text: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def method(self, stem: str, text: str) -> Path:
        return self.write(f"methods/{stem}.yaml", text)

    def validate(self):
        from editsurvey.validate import validate_root

        _, found = validate_root(self.path, today=TODAY)
        return found
