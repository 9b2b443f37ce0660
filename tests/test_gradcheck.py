"""trainlab.gradcheck: finite differences, relative error and the printed comparison."""

import numpy as np
import pytest
import torch

from conftest import bad_input_test
from trainlab.gradcheck import compare, numeric_gradient, relative_error


def test_gradcheck_helpers():
    x = np.array([0.5, -1.0, 2.0])
    g = numeric_gradient(lambda: float(np.sin(x).sum()), x)
    assert relative_error(g, np.cos(x)) < 1e-9
    assert compare("g", g, np.cos(x), tol=1e-8) and not compare("g", g + 1e-3, np.cos(x))
    with pytest.raises(TypeError, match="numeric_gradient: expected x to be a floating numpy.ndarray"):
        numeric_gradient(lambda: 0.0, [1.0])


def test_numeric_gradient_refuses_float32_instead_of_a_wrong_answer():
    # torch's default dtype: eps=1e-6 is below float32's resolution, and a correct gradient read 0.16 off
    x32 = torch.tensor([0.5, -1.0, 2.0]).numpy()
    with pytest.raises(
        TypeError, match=r"numeric_gradient: expected x of dtype float64 \(got float32\).*x.astype\(np.float64\)"
    ):
        numeric_gradient(lambda: float(np.sin(x32).sum()), x32)
    x = x32.astype(np.float64)
    assert relative_error(numeric_gradient(lambda: float(np.sin(x).sum()), x), np.cos(x)) < 1e-9


def test_relative_error_refuses_shapes_that_only_broadcast():
    with pytest.raises(ValueError, match=r"relative_error: expected a of the same shape as b, \(2, 3\) \(got \(3,\)\)"):
        relative_error(np.ones(3), np.ones((2, 3)))


def test_relative_error_is_the_one_definition_and_compare_uses_it(capsys):
    a, b = np.array([1.0, 2.5]), np.array([1.0, 2.0])
    assert relative_error(a, b) == 0.25 and relative_error(torch.tensor(a), torch.tensor(b)) == 0.25
    # the floor: an all-zero reference divides by 1e-12, not by 1e-300
    assert relative_error(np.array([1e-17]), np.zeros(1)) == pytest.approx(1e-5)
    assert relative_error(np.array([1e-3]), np.array([1e-4]), floor=1.0) == pytest.approx(9e-4)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    # compare's verdict is relative_error with floor 1 against its tolerance
    for mine, ref, tol in [
        (a, b, 0.25),
        (a, b, 0.2499),
        (np.array([1e-3]), np.array([1e-4]), 1e-3),
        (np.array([1e-3]), np.array([1e-4]), 8e-4),
    ]:
        assert compare("g", mine, ref, tol=tol) is (relative_error(mine, ref, floor=1.0) <= tol)
    assert capsys.readouterr().out.splitlines()[0] == "g          matches: True"


BAD = [
    (
        lambda: numeric_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32)),
        TypeError,
        "numeric_gradient: expected x of dtype float64 (got float32)",
    ),
    (
        lambda: numeric_gradient(lambda: 0.0, np.zeros(2, dtype=np.float16)),
        TypeError,
        "numeric_gradient: expected x of dtype float64 (got float16)",
    ),
    (
        lambda: numeric_gradient(lambda: 0.0, [1.0]),
        TypeError,
        "numeric_gradient: expected x to be a floating numpy.ndarray (got list [1.0])",
    ),
    (
        lambda: numeric_gradient(lambda: 0.0, torch.zeros(2, dtype=torch.float64)),
        TypeError,
        "numeric_gradient: expected x to be a floating numpy.ndarray (got Tensor",
    ),
    (
        lambda: numeric_gradient("loss", np.zeros(2)),
        TypeError,
        "numeric_gradient: expected f to be a function of no arguments",
    ),
    (
        lambda: numeric_gradient(lambda: 0.0, np.zeros(2), eps=0.0),
        ValueError,
        "numeric_gradient: expected eps to be a finite number > 0 (got 0.0)",
    ),
    (
        lambda: relative_error(np.ones(3), np.ones((2, 3))),
        ValueError,
        "relative_error: expected a of the same shape as b",
    ),
    (
        lambda: relative_error(np.ones(2), np.ones(2), floor=0),
        ValueError,
        "relative_error: expected floor to be a finite number > 0 (got 0.0)",
    ),
    (
        lambda: relative_error(["a"], ["b"]),
        TypeError,
        "relative_error: expected a to be an array or tensor of numbers (got list ['a'])",
    ),
    (lambda: compare("dx", np.ones(3), np.ones(4)), ValueError, "compare: expected dx of shape (4,) (got (3,))"),
    (lambda: compare(3, np.ones(3), np.ones(3)), TypeError, "compare: expected name to be a str (got int 3)"),
    (
        lambda: compare("dx", np.ones(3), np.ones(3), tol=-1.0),
        ValueError,
        "compare: expected tol to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: compare("dx", None, np.ones(3)),
        TypeError,
        "compare: expected mine to be an array or tensor of numbers (got None)",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
