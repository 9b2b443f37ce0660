"""trainlab.parts.batchnorm.landscape: noisy BN and the loss-landscape probes."""

import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.models import mlp
from trainlab.parts.batchnorm import NoisyShift, add_noise_after_batch_norm, probe_along_gradient


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
    g_norm = float(
        torch.cat(
            [
                p.reshape(-1)
                for p in torch.autograd.grad(nn.functional.cross_entropy(net.train()(x), y), list(net.parameters()))
            ]
        ).norm()
    )
    net.eval()
    assert large["beta_smoothness"] >= large["grad_change"] / (2.0 * g_norm) * (1 - 1e-6) > 0


def _probe(**change):
    args = dict(model=mlp([8, 6, 3], norm="batch"), x=torch.randn(16, 8), y=torch.randint(0, 3, (16,)))
    return lambda: probe_along_gradient(**{**args, **change})


BAD = [
    (lambda: NoisyShift(scale_spread=2.5), ValueError, "NoisyShift: expected scale_spread in [0, 2) (got 2.5)"),
    (lambda: NoisyShift(scale_spread="1"), TypeError, "NoisyShift: expected scale_spread to be a number (got str '1')"),
    (
        lambda: NoisyShift(shift_spread=-1.0),
        ValueError,
        "NoisyShift: expected shift_spread to be a finite number >= 0 (got -1.0)",
    ),
    (
        lambda: NoisyShift(generator=0),
        TypeError,
        "NoisyShift: expected generator to be a torch.Generator or None (got int 0)",
    ),
    (
        lambda: add_noise_after_batch_norm(nn.Linear(3, 3)),
        TypeError,
        "add_noise_after_batch_norm: expected model to be a torch.nn.Sequential (got Linear",
    ),
    (
        lambda: add_noise_after_batch_norm(mlp([8, 3]), scale_spread=3.0),
        ValueError,
        "add_noise_after_batch_norm: expected scale_spread in [0, 2) (got 3.0)",
    ),
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
]

test_bad_input_names_the_problem = bad_input_test(BAD)
