"""trainlab.parts.activations.basics: a stack of linear layers is one affine map; the spirals
experiment's data, training and figure."""

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.models import mlp
from trainlab.parts.activations.basics import (
    compose_affine,
    fit_full_batch,
    plot_decision_regions,
    remove_activations,
    two_spirals,
)


@pytest.mark.parametrize("widths", [(3, 2), (3, 5, 4, 2), (4, 4, 4, 4, 4)])
def test_composed_map_equals_the_stack(widths):
    stack = nn.Sequential(*[nn.Linear(i, o) for i, o in zip(widths, widths[1:])]).double()
    x = torch.randn(10, widths[0], dtype=torch.float64)
    W, b = compose_affine(stack)
    assert W.shape == (widths[-1], widths[0]) and b.shape == (widths[-1],)
    torch.testing.assert_close(x @ W.T + b, stack(x).detach(), rtol=1e-12, atol=1e-12)
    # independent: the composition is affine, so W's columns are the stack's responses to unit vectors
    eye = torch.eye(widths[0], dtype=torch.float64)
    zero = stack(torch.zeros(1, widths[0], dtype=torch.float64)).detach()[0]
    torch.testing.assert_close(b, zero)
    torch.testing.assert_close(W.T, stack(eye).detach() - zero)


def test_bias_free_layers_compose_too():
    stack = nn.Sequential(nn.Linear(3, 4, bias=False), nn.Linear(4, 2))
    x = torch.randn(6, 3)
    W, b = compose_affine(stack)
    torch.testing.assert_close(x @ W.T + b, stack(x).detach(), rtol=1e-5, atol=1e-6)


def test_spirals_are_two_balanced_classes_no_line_separates():
    x, y = two_spirals(n=100, seed=1)
    assert x.shape == (200, 2) and x.dtype == torch.float32 and y.tolist() == [0] * 100 + [1] * 100
    r = x.norm(dim=1)
    assert 0.0 < r.min() < 0.3 and 0.8 < r.max() < 1.2
    torch.testing.assert_close(two_spirals(n=100, seed=1)[0], x)  # reproducible


def test_removing_activations_keeps_the_weights_and_the_linear_net_fits_no_better_than_one_layer():
    torch.manual_seed(0)
    net = mlp([2, 16, 16, 2], activation="relu")
    linear = remove_activations(net)
    assert [type(m) for m in linear] == [nn.Linear] * 3
    assert all(torch.equal(a.weight, b.weight) for a, b in zip(linear, [m for m in net if isinstance(m, nn.Linear)]))
    assert linear[0].weight is not net[0].weight  # a copy
    x, y = two_spirals(n=60)
    lin = fit_full_batch(linear, x, y, steps=300, lr=0.01)
    one = fit_full_batch(nn.Linear(2, 2), x, y, steps=300, lr=0.01)
    relu = fit_full_batch(net, x, y, steps=300, lr=0.01)
    assert set(lin) == {"loss", "accuracy"}
    # independent check of the returned accuracy
    with torch.no_grad():
        assert relu["accuracy"] == pytest.approx(float((net(x).argmax(1) == y).float().mean()))
    assert abs(lin["accuracy"] - one["accuracy"]) < 0.05 and relu["accuracy"] > lin["accuracy"] + 0.2


def test_decision_regions_have_one_panel_per_model():
    x, y = two_spirals(n=20)
    fig = plot_decision_regions({"a": nn.Linear(2, 2), "b": nn.Linear(2, 2)}, x, y, resolution=10)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert np.allclose(fig.axes[0].get_xticks(), np.linspace(-1, 1, 5))


L = nn.Linear(2, 3)
BAD = [
    (lambda: compose_affine("stack"), TypeError, "compose_affine: expected layers to be a list of torch.nn.Linear"),
    (
        lambda: compose_affine([nn.Linear(2, 3), nn.ReLU()]),
        ValueError,
        "compose_affine: expected a non-empty list of torch.nn.Linear layers only (got ['Linear', 'ReLU'])",
    ),
    (
        lambda: compose_affine([nn.Linear(2, 3), nn.Linear(4, 1)]),
        ValueError,
        "compose_affine: expected each layer's in_features to equal the previous out_features (got 3 then 4)",
    ),
    (lambda: two_spirals(n=1), ValueError, "two_spirals: expected n >= 2 (got 1)"),
    (lambda: two_spirals(noise=-0.1), ValueError, "two_spirals: expected noise to be a finite number >= 0 (got -0.1)"),
    (lambda: remove_activations(L), TypeError, "remove_activations: expected net to be a torch.nn.Sequential"),
    (
        lambda: fit_full_batch(L, torch.randn(4, 2), torch.zeros(4)),
        ValueError,
        "fit_full_batch: expected y of int64 labels of shape (4,) (got torch.float32 (4,))",
    ),
    (
        lambda: fit_full_batch(L, torch.randn(4, 2), torch.zeros(4, dtype=torch.int64), lr=0),
        ValueError,
        "fit_full_batch: expected lr to be a finite number > 0 (got 0.0)",
    ),
    (
        lambda: plot_decision_regions({"a": L}, torch.randn(4, 3), torch.zeros(4)),
        ValueError,
        "plot_decision_regions: expected x of shape (N, 2), points in the plane (got (4, 3))",
    ),
    (
        lambda: plot_decision_regions([L], torch.randn(4, 2), torch.zeros(4)),
        TypeError,
        "plot_decision_regions: expected models to be a dict",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
