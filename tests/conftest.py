"""Shared fixtures and paths of the course's tests, and the one bad-input harness."""

import re
from pathlib import Path

import pytest
import torch

from trainlab.registry import ACTIVATIONS

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


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that sets a lesson language leaves trainlab in English for the next one."""
    yield
    import trainlab

    trainlab.set_language("en")


# The site's extension (book/_ext/course_site.py) owns the glossary reader; tests use it too.
import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "book" / "_ext"))
# Maintainer tooling (tools/) is imported as the package ``tools`` from the repository root.
sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------- the bad-input harness
#: Every refusal reads "<function>: expected <what> (got <actual>)".
MESSAGE_FORM = re.compile(r"^[\w.]+: expected .+\(got .*\)", re.S)


def bad_input_test(cases):
    """The one bad-input test, for a test module's table of ``(call, error, message)`` rows.

    Each row's ``call()`` must raise exactly ``error`` (``TypeError`` for a wrong type,
    ``ValueError`` for a bad value), its message must contain ``message`` and read
    ``"<function>: expected <what> (got <actual>)"``.  Use it as::

        test_bad_input_names_the_problem = bad_input_test(BAD)
    """
    ids = [f"{m.split(':')[0]}-{i}" for i, (_, _, m) in enumerate(cases)]

    @pytest.mark.parametrize("call, error, message", cases, ids=ids)
    def test_bad_input_names_the_problem(call, error, message):
        with pytest.raises(Exception) as info:
            call()
        assert type(info.value) is error, f"raised {type(info.value).__name__}, not {error.__name__}: {info.value}"
        assert message in str(info.value), str(info.value)
        assert MESSAGE_FORM.match(str(info.value)), (
            f"not in the form '<function>: expected <what> (got <actual>)': {info.value}"
        )

    return test_bad_input_names_the_problem


# ------------------------------------------------------------- activations under test
#: (name in trainlab.registry, non-default arguments): every registered activation with its
#: defaults, and those with arguments once more with other values.
ACTIVATION_CASES = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 1.5}),
    ("gelu", {"approximate": "tanh"}),
    ("softplus", {"beta": 2.0, "threshold": 5.0}),
]
ACTIVATION_IDS = [name + "".join(f"-{v}" for v in kwargs.values()) for name, kwargs in ACTIVATION_CASES]


def activation_forms(form):
    """``[(the registry entry's ``form`` (e.g. "functional"), torch's module as reference, kwargs)]``
    over :data:`ACTIVATION_CASES`: the table every activation test runs."""
    return [
        (getattr(ACTIVATIONS[name], form), activation_reference(name, kwargs), kwargs)
        for name, kwargs in ACTIVATION_CASES
    ]


def activation_reference(name, kwargs):
    """torch's module for a registry name, with ``kwargs``, in float64 (PReLU's slope is a float32
    parameter by default): the reference every form is checked against."""
    return ACTIVATIONS[name].torch_module(**kwargs).to(torch.float64)


def activation_sample(seed=0):
    """A float64 (7, 9) leaf with the kinks (0, -0, 6) and the softplus threshold among its values."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(7, 9, generator=g, dtype=torch.float64) * 4
    x[0, :5] = torch.tensor([0.0, 6.0, -0.0, 1e-3, 30.0], dtype=torch.float64)
    return x.requires_grad_(True)
