"""The lesson tools behind the deep lessons: landscape probes, noisy BN, pitfalls, widgets, sweeps."""
import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from torch import nn

from trainlab.landscape import NoisyShift, add_noise_after_batch_norm, probe_along_gradient
from trainlab.models import mlp
from trainlab.pitfalls import GradModeBatchNorm1d, with_grad_mode_batch_norm
from trainlab.plots import plot_batch_size_sweep, plot_landscape, plot_sweep
from trainlab.training import StepHistory, settings_that_train
from trainlab.widgets import plot_running_stats, running_stats_explorer, simulate_running_stats


def test_noisy_shift_changes_at_every_step_and_is_identity_in_evaluation():
    layer = NoisyShift(generator=torch.Generator().manual_seed(0))
    x = torch.randn(16, 4)
    a, b = layer(x), layer(x)
    assert not torch.allclose(a, b)
    layer.eval()
    assert torch.equal(layer(x), x)
    with pytest.raises(ValueError, match="NoisyShift: expected scale_spread in"):
        NoisyShift(scale_spread=2.5)
    net = add_noise_after_batch_norm(mlp([8, 6, 6, 3], norm="batch"))
    assert [type(m).__name__ for m in net].count("NoisyShift") == 2


def test_probe_along_gradient_restores_the_model_and_sees_a_steeper_landscape():
    torch.manual_seed(0)
    net = mlp([8, 16, 3], norm="batch")
    x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
    net.eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    small = probe_along_gradient(net, x, y, steps=(0.001, 0.002))
    large = probe_along_gradient(net, x, y, steps=(0.1, 2.0))
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # parameters and running stats
    assert not net.training
    assert 0 <= small["loss_range"] < large["loss_range"] and small["grad_change"] < large["grad_change"]
    # beta-smoothness is the gradient's change per unit of distance: finite, and at least the
    # change at the longest step divided by that step's length
    g_norm = float(torch.cat([p.reshape(-1) for p in torch.autograd.grad(
        nn.functional.cross_entropy(net.train()(x), y), list(net.parameters()))]).norm())
    net.eval()
    assert large["beta_smoothness"] >= large["grad_change"] / (2.0 * g_norm) * (1 - 1e-6) > 0


def test_grad_mode_batch_norm_reproduces_the_bug_and_the_copy_keeps_the_weights():
    torch.manual_seed(0)
    net = mlp([4, 5, 2], norm="batch")
    net.train()
    net(torch.randn(32, 4) * 3 + 1)  # running statistics away from their start
    buggy = with_grad_mode_batch_norm(net).eval()
    assert isinstance(buggy[1], GradModeBatchNorm1d) and torch.equal(buggy[1].running_mean, net[1].running_mean)
    x = torch.randn(6, 4)
    net.eval()
    with torch.no_grad():
        assert torch.allclose(buggy(x), net(x))  # no gradients: running statistics, as it should
    assert not torch.allclose(buggy(x.requires_grad_(True)), net(x))  # gradients on: batch statistics despite eval()


def test_running_stats_simulation_follows_pytorchs_update_rule():
    sim = simulate_running_stats(batch_size=4, momentum=1.0, shift=0.0, steps=3, seed=0)
    assert sim.running_mean.shape == (3,)
    shifted = simulate_running_stats(batch_size=64, momentum=0.1, shift=3.0, steps=300)
    assert abs(shifted.eval_outputs.mean() - 1.0) < 0.1  # a shift of one std shows up as +1 after BN
    with pytest.raises(ValueError, match="simulate_running_stats: expected batch_size"):
        simulate_running_stats(batch_size=1)
    with pytest.raises(ValueError, match="simulate_running_stats: expected momentum in"):
        simulate_running_stats(momentum=0.0)
    assert len(plot_running_stats(8, 0.5, 1.0).axes) == 2


def test_explorer_redraws_only_when_a_slider_moves():
    explorer = running_stats_explorer()
    sliders = [c for c in explorer.children if hasattr(c, "value") and not isinstance(c.value, str)]
    assert [s.description for s in sliders] == ["batch_size", "momentum", "shift"]


def test_sweep_plots_check_their_input():
    assert plot_sweep([0.1, 1.0], {"with BN": [0.9, 0.8]}, "learning rate", "Learning rate sweep").axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="plot_sweep: expected one metric per value"):
        plot_sweep([0.1, 1.0], {"with BN": [0.9]}, "learning rate", "x")
    with pytest.raises(ValueError, match="plot_batch_size_sweep: expected at least one"):
        plot_batch_size_sweep({})
    h = StepHistory(steps=[1, 2], test_acc=[0.5, 0.6], probes=[{"loss_range": 0.1, "grad_change": 0.2, "beta_smoothness": 3.0}] * 2)
    fig = plot_landscape({"with BN": h})
    assert len(fig.axes) == 4 and list(fig.axes[3].lines[0].get_ydata()) == [3.0, 3.0]


def test_settings_that_train_reads_the_claim_off_the_sweep():
    assert settings_that_train([0.1, 1.0, 10.0], [0.95, 0.89, 0.91]) == [0.1, 10.0]
    assert settings_that_train([0.1, 1.0], [0.5, 0.6]) == []
    assert settings_that_train([0.1, 1.0], [0.5, 0.6], threshold=0.55) == [1.0]
    with pytest.raises(ValueError, match="settings_that_train: expected one accuracy per value"):
        settings_that_train([0.1, 1.0], [0.5])
    with pytest.raises(ValueError, match="settings_that_train: expected threshold in"):
        settings_that_train([0.1], [0.5], threshold=90)
