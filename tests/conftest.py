"""Shared fixtures and paths of the course's tests."""
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("vi", "cs")


@pytest.fixture
def float64():
    """Compare with torch in float64, and leave the default dtype as it was."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


@pytest.fixture(autouse=True)
def _seed_and_precision():
    torch.manual_seed(0)
    yield

# The site's extension (book/_ext/course_site.py) owns the glossary reader; tests use it too.
import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "book" / "_ext"))
