"""trainlab._checks, the one vocabulary of argument checks, and its reach: every public function
and class of trainlab has at least one row in some test module's bad-input table."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import torch

import trainlab
from conftest import bad_input_test
from trainlab import _checks as C

BAD = [
    (lambda: C.check_int(True, "f", "n"), TypeError, "f: expected n to be an int (got bool True)"),
    (lambda: C.check_int(2.0, "f", "n"), TypeError, "f: expected n to be an int (got float 2.0)"),
    (lambda: C.check_int(0, "f", "n", minimum=1), ValueError, "f: expected n >= 1 (got 0)"),
    (lambda: C.check_int(5, "f", "n", maximum=4), ValueError, "f: expected n <= 4 (got 5)"),
    (lambda: C.check_number("1e-5", "f", "eps"), TypeError, "f: expected eps to be a number (got str '1e-5')"),
    (lambda: C.check_number(torch.tensor(0.5), "f", "p"), TypeError, "pass a Python number, e.g. p.item()"),
    (lambda: C.check_number(float("nan"), "f", "x"), ValueError, "f: expected x to be a finite number (got nan)"),
    (
        lambda: C.check_number(float("inf"), "f", "x", low=0),
        ValueError,
        "f: expected x to be a finite number >= 0 (got inf)",
    ),
    (lambda: C.check_number(2.0, "f", "m", 0, 1), ValueError, "f: expected m in [0, 1] (got 2.0)"),
    (lambda: C.check_number(1.0, "f", "p", 0, 1, high_open=True), ValueError, "f: expected p in [0, 1) (got 1.0)"),
    (lambda: C.check_probability(1.5, "f"), ValueError, "f: expected p to be a probability between 0 and 1 (got 1.5)"),
    (
        lambda: C.check_probability(1.0, "f", allow_one=False),
        ValueError,
        "f: expected p to be a probability in [0, 1) (got 1.0)",
    ),
    (lambda: C.check_eps("1e-5", "f"), TypeError, "f: expected eps to be a number (got str '1e-5')"),
    (lambda: C.check_momentum(None, "f"), TypeError, "f: expected momentum to be a number (got None)"),
    (lambda: C.check_bool(1, "f", "training"), TypeError, "f: expected training to be True or False (got int 1)"),
    (
        lambda: C.check_choice("swish", "f", "act", ("relu", "tanh")),
        ValueError,
        "f: expected act to be one of 'relu', 'tanh' (got 'swish')",
    ),
    (lambda: C.check_choice([1], "f", "act", ("relu",)), ValueError, "f: expected act to be one of 'relu' (got [1])"),
    (lambda: C.check_generator(0, "f"), TypeError, "f: expected generator to be a torch.Generator or None (got int 0)"),
    (lambda: C.check_array([1.0], "f", "x"), TypeError, "f: expected x to be a numpy.ndarray (got list)"),
    (
        lambda: C.check_array(np.ones(2, dtype=int), "f", "x"),
        TypeError,
        "f: expected x of a floating dtype (got int64)",
    ),
    (
        lambda: C.check_tensor(torch.ones(2), "f", ndims=(2,)),
        ValueError,
        "f: expected 2D input (got 1D input of shape (2,))",
    ),
    (
        lambda: C.check_same_shape(np.ones(2), np.ones(3), "f", "dy", "y"),
        ValueError,
        "f: expected dy of the same shape as y, (3,) (got (2,))",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)


def test_valid_values_come_back_as_plain_python_values():
    assert C.check_int(np.int64(3), "f", "n") == 3 and type(C.check_int(np.int64(3), "f", "n")) is int
    assert C.check_number(np.float32(0.5), "f", "p") == 0.5
    assert C.check_momentum(None, "f", allow_none=True) is None
    assert C.check_bool(np.bool_(True), "f", "b") is True


def public_callables():
    """(qualified name, short name) of every public function and class defined in trainlab."""
    found = []
    for info in pkgutil.walk_packages(trainlab.__path__, "trainlab."):
        if info.name.split(".")[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ != module.__name__ or not _takes_arguments(obj):
                continue
            found.append((f"{module.__name__}.{name}", name))
    return found


def _takes_arguments(obj):
    """Worth a bad-input row: a function or constructor with a named argument (not a dataclass of
    results, not an autograd.Function, not a module like Sigmoid() whose constructor takes nothing)."""
    if inspect.isclass(obj) and hasattr(obj, "__dataclass_fields__") and obj.__name__ != "Split":
        return False
    if inspect.isclass(obj) and issubclass(obj, torch.autograd.Function):
        return False
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


def refused_functions():
    """The function names that the bad-input tables' messages start with, over every test module."""
    names = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        module = importlib.import_module(path.stem)
        for _call, _error, message in getattr(module, "BAD", []):
            names.add(message.split(":")[0].split(".")[-1])
    return names


# Public names with no argument to get wrong, or not for readers to call.
NOTHING_TO_REFUSE = {
    "get_language",  # no arguments
    "is_available",
    "progress_enabled",  # reads the environment only
    "catalog",  # internal lookup of a shipped catalog by a name set_language checked
    "parse_po",  # parses the shipped catalogs (tested in test_i18n)
    "got",  # formats a value for a message
    "module_types",  # no arguments
    "finish",  # figure plumbing for trainlab's own figures
    "to_numpy",
    "localize_axes",  # figure plumbing: takes the figure trainlab itself drew
    "localize_number_text",  # rewrites a tick label matplotlib wrote
    "LocalizedFormatter",
    "CheckResult",  # what the exercise checker returns, not built by readers
    "as_array",  # a checker's conversion of the reader's answer: anything that is not numbers gives None
    "ImageInput",  # built by cnn(); its refusal names cnn, the function the reader called (test_models)
    "GradModeBatchNorm1d",  # built by with_grad_mode_batch_norm from a checked BatchNorm1d
}


def test_every_public_function_and_class_has_a_bad_input_row():
    refused = refused_functions()
    missing = sorted(
        q
        for q, name in public_callables()
        if name not in refused and name not in NOTHING_TO_REFUSE and not name.startswith("check_")
    )
    assert not missing, f"public functions/classes without a row in any BAD table: {missing}"


def test_there_are_at_least_60_bad_input_rows():
    total = sum(
        len(getattr(importlib.import_module(p.stem), "BAD", [])) for p in Path(__file__).parent.glob("test_*.py")
    )
    assert total >= 60, total
