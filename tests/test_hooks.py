"""trainlab.hooks: per-layer statistics and input percentiles."""

import pytest
import torch

from conftest import bad_input_test
from trainlab.hooks import LayerStats, input_percentiles
from trainlab.models import mlp


def test_layer_stats_records_activations_and_gradients_per_layer():
    net = mlp([64, 50, 50, 50, 10], activation="sigmoid")
    with LayerStats(net) as stats:
        net(torch.randn(32, 64)).sum().backward()
    rows = stats.table()
    assert [r["layer"] for r in rows] == ["1", "3", "5"]
    assert all(0.0 < r["mean"] < 1.0 and r["grad_std"] > 0 for r in rows)
    assert rows[0]["grad_std"] < rows[-1]["grad_std"]  # sigmoid: gradients shrink towards the input
    assert not net[1]._forward_hooks  # hooks removed on exit
    with pytest.raises(ValueError, match="LayerStats: expected model to contain a layer of type"):
        LayerStats(torch.nn.Linear(3, 3))


def test_input_percentiles_reads_the_input_of_the_given_layer():
    net = torch.nn.Sequential(torch.nn.Identity(), torch.nn.Sigmoid())
    x = torch.arange(101, dtype=torch.float32).repeat(2, 1).T  # column 0 holds 0..100
    assert input_percentiles(net, x, net[1], unit=0, q=(15, 50, 85)) == pytest.approx([15.0, 50.0, 85.0])
    with pytest.raises(ValueError, match="input_percentiles: expected layer to be part of model"):
        input_percentiles(net, x, torch.nn.ReLU())


@pytest.mark.parametrize("lib", ["torch", "trainlab"])
def test_layer_stats_watches_activations_not_norm_or_dropout_layers(lib):
    """Bug: with lib="trainlab" it watched the norm and dropout layers too (6 rows, not 2)."""
    net = mlp([8, 6, 6, 3], norm="batch", dropout=0.2, lib=lib)
    with LayerStats(net) as stats:
        net(torch.randn(5, 8)).sum().backward()
    assert [r["layer"] for r in stats.table()] == ["2", "6"]


NET = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Sigmoid())
BAD = [
    (lambda: LayerStats("net"), TypeError, "LayerStats: expected model to be a torch.nn.Module (got str 'net')"),
    (
        lambda: LayerStats(NET, kinds=("Sigmoid",)),
        TypeError,
        "LayerStats: expected kinds to be a tuple of torch.nn.Module classes (got ('Sigmoid',))",
    ),
    (
        lambda: input_percentiles(NET, torch.randn(4, 3).numpy(), NET[1]),
        TypeError,
        "input_percentiles: expected x to be a torch.Tensor (got ndarray)",
    ),
    (
        lambda: input_percentiles(NET, torch.randn(4, 3), NET[1], unit=2),
        ValueError,
        "input_percentiles: expected unit < 2, the layer's input width (got 2)",
    ),
    (
        lambda: input_percentiles(NET, torch.randn(4, 3), NET[1], q=(15, 150)),
        ValueError,
        "input_percentiles: expected q to be percentiles in [0, 100] (got (15, 150))",
    ),
    (
        lambda: input_percentiles(NET, torch.randn(4, 3), "layer"),
        TypeError,
        "input_percentiles: expected layer to be a torch.nn.Module inside model (got str 'layer')",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
