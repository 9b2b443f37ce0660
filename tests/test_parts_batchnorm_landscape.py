"""trainlab.parts.batchnorm.landscape: noisy BN, input drift and the loss-landscape probes."""

import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.models import mlp
from trainlab.parts.batchnorm.landscape import (
    ActivationNoise,
    InputDrift,
    add_noise_after_batch_norm,
    loss_along_gradient,
    plot_loss_along_gradient,
    plot_training_loss,
    probe_along_gradient,
    train_and_probe,
)


def test_activation_noise_is_iid_per_activation_with_a_distribution_redrawn_every_step():
    layer = ActivationNoise(mean_spread=1.0, max_variance=4.0, generator=torch.Generator().manual_seed(0))
    x = torch.zeros(4000, 3)
    a, b = layer(x), layer(x)
    # every example and unit gets its own draw, and the draws are not shared across a column
    assert a.std(0).min() > 0 and len(torch.unique(a[:, 0])) == len(a)
    # one mean and one variance per step, the same for all units: the columns agree, the steps differ
    means_a, means_b = a.mean(0), b.mean(0)
    assert (means_a.max() - means_a.min()) < 0.2 and abs(means_a.mean() - means_b.mean()) > 0.05
    layer.eval()
    assert torch.equal(layer(x), x)
    net = add_noise_after_batch_norm(mlp([8, 6, 6, 3], norm="batch"))
    assert [type(m).__name__ for m in net].count("ActivationNoise") == 2


def test_input_drift_records_training_steps_only():
    layer = nn.Linear(3, 2)
    drift = InputDrift(layer)
    layer(torch.zeros(5, 3))
    layer(torch.ones(5, 3) * 2)
    with drift.paused():
        layer(torch.ones(5, 3) * 9)
    layer.eval()
    layer(torch.ones(5, 3) * 9)
    drift.remove()
    layer.train()
    layer(torch.ones(5, 3) * 9)
    assert len(drift.means) == 2
    with pytest.raises(ValueError, match="InputDrift.changes: expected at least two"):
        InputDrift(nn.Linear(3, 2)).changes()
    x = torch.randn(8, 3)
    layer2 = nn.Linear(3, 2)
    drift2 = InputDrift(layer2)
    layer2(x)
    layer2(x + 1.0)
    change = drift2.changes()
    assert change["mean"][0] == pytest.approx(1.0 / x.std(0).double().mean().item())
    assert change["std"][0] == pytest.approx(0.0, abs=1e-6)


def test_probe_along_gradient_restores_the_model_and_sees_a_steeper_landscape():
    torch.manual_seed(0)
    net = mlp([8, 16, 3], norm="batch")
    x, y = torch.randn(64, 8), torch.randint(0, 3, (64,))
    net.eval()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    small = probe_along_gradient(net, x, y, steps=(0.001, 0.002))
    large = probe_along_gradient(net, x, y, steps=(0.1, 2.0))
    curve = loss_along_gradient(net, x, y, etas=(0.0, 0.001, 2.0))
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # parameters and running stats
    assert not net.training
    assert 0 <= small["loss_range"] < large["loss_range"] and small["grad_change"] < large["grad_change"]
    assert curve[0] == pytest.approx(nn.functional.cross_entropy(net.train()(x), y).item(), rel=1e-6)
    net.eval()
    assert curve[1] < curve[0]  # a tiny step down the gradient lowers the loss
    # the smoothness estimate K is the gradient's change per unit of distance: finite, and at
    # least the change at the longest step divided by that step's length
    g_norm = float(
        torch.cat(
            [
                p.reshape(-1)
                for p in torch.autograd.grad(nn.functional.cross_entropy(net.train()(x), y), list(net.parameters()))
            ]
        ).norm()
    )
    net.eval()
    assert large["smoothness"] >= large["grad_change"] / (2.0 * g_norm) * (1 - 1e-6) > 0


def test_train_and_probe_returns_history_drift_and_curve_and_the_figure_draws():
    data = load_digits()
    torch.manual_seed(0)
    net = mlp([64, 8, 8, 10], norm="batch")
    watch = [m for m in net if isinstance(m, nn.Linear)][1]
    h, drift, curve = train_and_probe(
        net, data, data.x_train[:32], data.y_train[:32], watch, (0.0, 0.1), 20, steps=40, eval_every=20
    )
    assert h.steps == [20, 40] and len(h.probes) == 2 and len(h.train_loss) == 2
    assert len(drift["mean"]) == 39 and len(curve) == 2
    fig = plot_loss_along_gradient({"with BN": curve}, (0.0, 0.1), 20)
    assert fig.axes[0].get_xlabel()


def _probe(**change):
    args = dict(model=mlp([8, 6, 3], norm="batch"), x=torch.randn(16, 8), y=torch.randint(0, 3, (16,)))
    return lambda: probe_along_gradient(**{**args, **change})


def _tp(**change):
    data = load_digits()
    net = mlp([64, 8, 10])
    args = dict(model=net, data=data, probe_x=data.x_train[:8], probe_y=data.y_train[:8], watch=net[0])
    args.update(etas=(0.0, 0.1), curve_step=5, steps=10, eval_every=5)
    return lambda: train_and_probe(**{**args, **change})


BAD = [
    (
        lambda: ActivationNoise(mean_spread=-1.0),
        ValueError,
        "ActivationNoise: expected mean_spread to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: ActivationNoise(max_variance="1"),
        TypeError,
        "ActivationNoise: expected max_variance to be a number (got str '1')",
    ),
    (
        lambda: add_noise_after_batch_norm(nn.Linear(3, 3)),
        TypeError,
        "add_noise_after_batch_norm: expected model to be a torch.nn.Sequential (got Linear",
    ),
    (
        lambda: add_noise_after_batch_norm(mlp([8, 3]), max_variance=-3.0),
        ValueError,
        "add_noise_after_batch_norm: expected max_variance to be a finite number >= 0 (got -3.0)",
    ),
    (lambda: InputDrift("layer"), TypeError, "InputDrift: expected layer to be a torch.nn.Module (got str 'layer')"),
    (
        _probe(x=torch.randn(16, 8).numpy()),
        TypeError,
        "probe_along_gradient: expected x to be a torch.Tensor (got ndarray)",
    ),
    (
        _probe(y=torch.randint(0, 3, (16,), dtype=torch.int32)),
        TypeError,
        "probe_along_gradient: expected y of dtype torch.int64, class labels (got torch.int32); convert it with y.long()",
    ),
    (
        _probe(y=torch.randint(0, 3, (5,))),
        ValueError,
        "probe_along_gradient: expected one label in y per example of x, 16 (got 5)",
    ),
    (_probe(steps=()), ValueError, "probe_along_gradient: expected at least one step size in steps (got ())"),
    (
        _probe(steps=(0.1, -0.2)),
        ValueError,
        "probe_along_gradient: expected steps[1] to be a finite number > 0 (got -0.2)",
    ),
    (_probe(steps=0.1), TypeError, "probe_along_gradient: expected steps to be a tuple of step sizes (got float 0.1)"),
    (_probe(model="net"), TypeError, "probe_along_gradient: expected model to be a torch.nn.Module (got str 'net')"),
    (
        lambda: loss_along_gradient(mlp([8, 3]), torch.randn(4, 8), torch.randint(0, 3, (4,)), etas=(-0.1,)),
        ValueError,
        "loss_along_gradient: expected etas[0] to be a finite number >= 0 (got -0.1)",
    ),
    (
        _tp(watch=nn.Linear(3, 3)),
        ValueError,
        "train_and_probe: expected watch to be a module of model (got Linear outside it)",
    ),
    (
        _tp(curve_step=7),
        ValueError,
        "train_and_probe: expected curve_step to be one of the measurement steps [5, 10] (got 7)",
    ),
    (
        lambda: plot_loss_along_gradient({"with BN": [0.1]}, (0.0, 0.1), 5),
        ValueError,
        "plot_loss_along_gradient: expected one loss per step size, 2, for 'with BN' (got list [0.1])",
    ),
    (
        lambda: plot_training_loss({}),
        ValueError,
        "plot_training_loss: expected at least one {label: StepHistory} entry",
    ),
    (
        lambda: plot_loss_along_gradient({}, (0.0, 0.1), 5),
        TypeError,
        "plot_loss_along_gradient: expected curves to be a non-empty {label: losses} dict (got dict {})",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)


def test_plot_training_loss_draws_one_line_per_run_and_refuses_no_runs():
    from trainlab.training import StepHistory

    fig = plot_training_loss({"with BN": StepHistory(steps=[1, 2], train_loss=[1.0, 0.5])})
    assert len(fig.axes[0].lines) == 1
    with pytest.raises(ValueError, match="plot_training_loss: expected at least one"):
        plot_training_loss({})
