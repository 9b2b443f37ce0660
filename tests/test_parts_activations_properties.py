"""trainlab.parts.activations.properties: the catalogue lesson's table, timings, maxout, SELU,
GELU, Swish and sigmoid measurements, each against torch or an independent computation."""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import trainlab
from conftest import bad_input_test
from trainlab.data import Split
from trainlab.parts.activations.properties import (
    check_cost,
    check_elu_derivative,
    cost_ratios,
    deep_stack_statistics,
    first_to_last_gradient_ratio,
    fit_binary_classifier,
    format_cost,
    format_property_table,
    gelu_tanh_max_difference,
    maxout_1d,
    maxout_exact_cases,
    maxout_parameter_count,
    measure_cost,
    property_table,
    softmax2_vs_sigmoid,
    stored_cost_ratios,
    swish_distances,
    tangent_maxout_error,
    text_table,
    time_forward_backward,
)
from trainlab.registry import ACTIVATIONS

ROOT = Path(__file__).resolve().parents[1]


def _tiny_split(seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(300, 8, generator=gen)
    y = (x[:, 0] > 0).long() + 2 * (x[:, 1] > 0).long()
    return Split(x[:200], y[:200], x[200:], y[200:])


def test_property_table_matches_torch_and_closed_forms():
    rows = {r["name"]: r for r in property_table()}
    assert list(rows) == list(ACTIVATIONS)
    # moments against Monte Carlo with torch's own modules
    z = torch.randn(2_000_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for name, r in rows.items():
        y = ACTIVATIONS[name].make().double()(z).detach()
        assert r["mean"] == pytest.approx(float(y.mean()), abs=3e-3), name
        assert r["var"] == pytest.approx(float(y.var()), abs=5e-3), name
        slopes = torch.tensor([-10.0, 10.0], dtype=torch.float64, requires_grad=True)
        ACTIVATIONS[name].make().double()(slopes).sum().backward()
        assert r["left_slope"] == pytest.approx(float(slopes.grad[0]), abs=1e-9), name
        assert r["right_slope"] == pytest.approx(float(slopes.grad[1]), abs=1e-9), name
    assert rows["relu"]["mean"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-8)
    assert rows["selu"]["mean"] == pytest.approx(0.0, abs=1e-4) and rows["selu"]["var"] == pytest.approx(1.0, abs=1e-3)
    assert rows["tanh"]["min"] == pytest.approx(-1) and rows["relu6"]["max"] == pytest.approx(6)
    assert rows["relu"]["max"] is None and rows["leaky_relu"]["min"] is None and rows["elu"]["min"] == pytest.approx(-1)
    assert rows["sigmoid"]["saturates_left"] and rows["sigmoid"]["saturates_right"]
    assert not rows["leaky_relu"]["saturates_left"] and not rows["relu"]["saturates_right"]


def test_format_property_table_is_localized_and_aligned():
    trainlab.set_language("cs")
    text = format_property_table(property_table(["tanh", "relu"]))
    lines = text.splitlines()
    assert len(lines) == 4 and len({line.index("|") for line in lines if "|" in line}) == 1
    assert "0,394" in text and "+∞" in text
    trainlab.set_language("en")


def test_text_table_pads_columns():
    assert text_table(["x", "y"], [["10", "2"]]).splitlines() == ["x  | y", "---+--", "10 | 2"]


def test_timings_are_positive_and_ratios_divide_by_the_matmul():
    times = time_forward_backward(["relu", "sigmoid"], batch=8, features=16, repeats=2)
    assert set(times) == {"matmul", "relu", "sigmoid"} and all(t > 0 for t in times.values())
    ratios = cost_ratios(["tanh"], batch=8, features=16, repeats=2)
    assert set(ratios) == {"tanh"} and ratios["tanh"] > 0


def test_the_stored_cost_file_covers_every_activation_with_positive_ratios():
    stored = stored_cost_ratios()
    assert list(stored["ratios"]) == list(ACTIVATIONS) and all(r > 0 for r in stored["ratios"].values())
    assert stored["settings"]["threads"] == 1 and stored["settings"]["features"] == 1024
    assert stored["settings"]["repeats"] >= 31 and stored["settings"]["batch"] == 128
    assert {"torch", "machine", "cpu", "date"} <= set(stored["machine"])
    # the copy in the source tree is the one the package ships
    path = ROOT / "src" / "trainlab" / "parts" / "activations" / "results" / "act-catalogue-cost.json"
    assert stored_cost_ratios(path) == stored


def test_measure_cost_records_its_settings_and_format_cost_prints_verdicts():
    record = measure_cost(batch=4, features=8, repeats=1)
    assert check_cost(record) is record and record["settings"]["repeats"] == 1
    fake = {**record, "ratios": {n: 0.5 for n in ACTIVATIONS} | {"sigmoid": 0.25}}
    trainlab.set_language("cs")
    text = format_cost(fake, stored=False)
    trainlab.set_language("en")
    assert "změřeno na tomto počítači" in text and "sigmoid 0,25" in text and "tanh 0,50" in text
    assert text.endswith("< 0,1: ✗") and "relu ✓" in text


@pytest.mark.parametrize("lang", ["vi", "cs"])
def test_the_lesson_prints_exactly_what_the_stored_cost_file_gives(lang):
    cells = json.loads((ROOT / "notebooks" / lang / "act-catalogue.ipynb").read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and "stored_cost_ratios()" in "".join(c["source"])]
    source = "".join(cell["source"])
    assert "MEASURE_HERE = False\n" in source, "live timing is off by default"
    printed = "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")
    trainlab.set_language(lang)
    switch = trainlab.i18n._(
        "MEASURE_HERE = False: set it to True at the top of this cell to time the activations on your machine."
    )
    want = format_cost(stored_cost_ratios()) + "\n\n" + switch + "\n"
    trainlab.set_language("en")
    assert printed == want
    live = re.compile(r"(?<!stored_)cost_ratios\(|time_forward_backward\(")  # only behind MEASURE_HERE
    assert not any(live.search("".join(c["source"])) for c in cells if c["cell_type"] == "code")


def test_maxout_builds_relu_leaky_relu_and_abs_exactly():
    assert maxout_exact_cases() == {"relu": 0.0, "leaky_relu": 0.0, "abs": 0.0}
    x = torch.linspace(-3, 3, 61, dtype=torch.float64)
    want = torch.stack([2 * x + 1, -x, 0.5 * x - 2]).max(dim=0).values
    assert torch.equal(maxout_1d(x, [2.0, -1.0, 0.5], [1.0, 0.0, -2.0]), want)


def test_tangent_maxout_error_shrinks_and_matches_the_closed_form():
    errors = [tangent_maxout_error(k) for k in (1, 2, 4, 8)]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[0] == pytest.approx(4.0)  # the one tangent at 0 is y = 0; x^2 = 4 at the ends
    # with k interior knots spaced h = 4/(k+1), the worst error is at the ends: h^2
    assert tangent_maxout_error(8) == pytest.approx((4 / 9) ** 2, rel=1e-9)


def test_maxout_parameter_count_is_k_times_a_linear_layer():
    assert maxout_parameter_count(10, 5, 3) == 3 * 5 * 11
    assert maxout_parameter_count(10, 5, 1) == sum(p.numel() for p in torch.nn.Linear(10, 5).parameters())


def test_selu_stack_stays_near_zero_mean_unit_variance_and_relu_does_not():
    selu = deep_stack_statistics("selu", depth=8, width=128, batch=256)
    relu = deep_stack_statistics("relu", depth=8, width=128, batch=256)
    assert all(abs(m) < 0.1 and abs(v - 1) < 0.15 for m, v in selu)
    assert relu[-1][1] < 0.01  # LeCun init halves ReLU's second moment at each layer


def test_gelu_tanh_difference_against_an_independent_formula():
    x = np.linspace(-10, 10, 100_001)
    from scipy.special import erf

    exact = 0.5 * x * (1 + erf(x / math.sqrt(2)))
    approx = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert gelu_tanh_max_difference() == pytest.approx(np.abs(exact - approx).max(), rel=1e-6)


def test_swish_goes_from_a_line_to_relu():
    to_line, _ = swish_distances(0.0)
    assert to_line == 0.0
    near = [swish_distances(c)[1] for c in (1.0, 10.0, 100.0)]
    assert near[0] > near[1] > near[2] and near[2] < 0.01


def test_binary_classifier_and_softmax_identity():
    r = fit_binary_classifier(_tiny_split(), positive=3, steps=200)
    assert r["accuracy"] > 0.8 and 0 < r["min_probability"] <= r["mean_probability"] <= r["max_probability"] < 1
    assert softmax2_vs_sigmoid() < 1e-12


def test_sigmoid_deep_stack_loses_gradient_relu_keeps_it():
    data = _tiny_split()
    assert first_to_last_gradient_ratio(data, "sigmoid", depth=8) < 1e-3
    assert first_to_last_gradient_ratio(data, "relu", depth=8) > 1e-2


def test_elu_checker_accepts_right_and_names_the_wrong_side(capsys):
    right = lambda x, a: np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0)))  # noqa: E731
    assert check_elu_derivative(right) == True  # noqa: E712
    assert not check_elu_derivative(lambda x, a: np.where(x > 0, 1.0, np.exp(x)))  # forgot alpha
    out = capsys.readouterr().out
    assert "✓" in out and "Hint: for x < 0" in out
    assert not check_elu_derivative(lambda x, a: np.where(x >= 0, 1.0, a * np.exp(x)) * (x != 0))
    assert not check_elu_derivative(lambda x, a: None)
    assert not check_elu_derivative(lambda x, a: 1 / 0)
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out and "Expected an array of shape (8,)" in out
    trainlab.set_language("vi")
    check_elu_derivative(right)
    assert "✓" in capsys.readouterr().out
    trainlab.set_language("en")


BAD = [
    (lambda: property_table("relu"), TypeError, "property_table: expected names to be a list"),
    (lambda: property_table(["swish"]), ValueError, "property_table: expected names to be one of"),
    (lambda: format_property_table(None), TypeError, "format_property_table: expected rows"),
    (lambda: text_table("ab", []), TypeError, "text_table: expected header"),
    (lambda: time_forward_backward(batch=0), ValueError, "time_forward_backward: expected batch >= 1"),
    (lambda: cost_ratios(["relu"], repeats=1.5), TypeError, "time_forward_backward: expected repeats to be an int"),
    (lambda: maxout_1d([1.0], [1.0], [0.0]), TypeError, "maxout_1d: expected x to be a torch.Tensor"),
    (lambda: maxout_1d(torch.zeros(2), [1.0], [0.0, 1.0]), ValueError, "maxout_1d: expected weights and biases"),
    (lambda: maxout_exact_cases([0.0]), TypeError, "maxout_exact_cases: expected x to be a torch.Tensor"),
    (lambda: cost_ratios("relu"), TypeError, "cost_ratios: expected names to be a list"),
    (lambda: measure_cost(repeats=0), ValueError, "measure_cost: expected repeats >= 1"),
    (lambda: check_cost([]), TypeError, "check_cost: expected record to be a dict"),
    (lambda: check_cost({"ratios": {}, "settings": {}}), ValueError, "check_cost: expected record['machine']"),
    (lambda: stored_cost_ratios(3), TypeError, "stored_cost_ratios: expected path to be None or a file path"),
    (lambda: format_cost(stored_cost_ratios(), stored="yes"), TypeError, "format_cost: expected stored"),
    (lambda: tangent_maxout_error(0), ValueError, "tangent_maxout_error: expected pieces >= 1"),
    (lambda: maxout_parameter_count(4, 4, "2"), TypeError, "maxout_parameter_count: expected pieces to be an int"),
    (lambda: deep_stack_statistics("swish"), ValueError, "deep_stack_statistics: expected activation to be one of"),
    (lambda: gelu_tanh_max_difference(low="a"), TypeError, "gelu_tanh_max_difference: expected low to be a number"),
    (lambda: swish_distances(-1.0), ValueError, "swish_distances: expected c to be a finite number >= 0"),
    (lambda: fit_binary_classifier(_tiny_split(), steps=0), ValueError, "fit_binary_classifier: expected steps >= 1"),
    (lambda: softmax2_vs_sigmoid(seed=-1), ValueError, "softmax2_vs_sigmoid: expected seed >= 0"),
    (
        lambda: first_to_last_gradient_ratio(_tiny_split(), "relu", depth=0),
        ValueError,
        "first_to_last_gradient_ratio: expected depth >= 1",
    ),
    (lambda: check_elu_derivative(None, verbose="yes"), TypeError, "check_elu_derivative: expected verbose"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
