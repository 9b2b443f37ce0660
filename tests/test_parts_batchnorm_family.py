"""trainlab.parts.batchnorm.family: re-estimating BN's statistics, and Wu & He's Fig. 2."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from torch import nn

import trainlab
from conftest import LANGS, bad_input_test
from trainlab import i18n
from trainlab.models import cnn, mlp
from trainlab.parts.batchnorm.family import plot_norm_axes, reestimate_batch_norm


def test_reestimate_stores_the_statistics_of_the_whole_input_per_channel():
    torch.manual_seed(0)
    net = cnn((1, 8, 8), channels=(4,), norm="batch")
    x = torch.randn(50, 64)
    net.eval()
    reestimate_batch_norm(net, x)
    assert not net.training  # the mode is restored
    bn = net[2]
    features = net[:2](x)  # (N, C, H, W) entering the BatchNorm2d: m = N·H·W per channel
    m = features.shape[0] * features.shape[2] * features.shape[3]
    torch.testing.assert_close(bn.running_mean, features.mean(dim=(0, 2, 3)))
    torch.testing.assert_close(bn.running_var, features.var(dim=(0, 2, 3), unbiased=False) * m / (m - 1))
    assert bn.momentum == 0.1 and int(bn.num_batches_tracked) == 1


def test_reestimate_makes_eval_mode_equal_train_mode_on_the_same_input():
    torch.manual_seed(0)
    net = mlp([6, 5, 5, 3], norm="batch")
    x = torch.randn(400, 6)
    reestimate_batch_norm(net, x)
    with torch.no_grad():
        train_out = net.train()(x)
        eval_out = net.eval()(x)
    torch.testing.assert_close(eval_out, train_out, atol=1e-2, rtol=1e-2)  # only m/(m-1) in the variance differs


@pytest.mark.parametrize("lang", LANGS)
def test_norm_axes_draw_four_panels_in_the_lesson_language(lang):
    trainlab.set_language(lang)
    fig = plot_norm_axes()
    assert len(fig.axes) == 4
    assert fig.axes[3].get_title() == i18n.catalog(lang)["Group Norm"]


BAD = [
    (lambda: reestimate_batch_norm("net", torch.zeros(2, 3)), TypeError, "reestimate_batch_norm: expected model"),
    (
        lambda: reestimate_batch_norm(nn.Linear(3, 2), torch.zeros(2, 3)),
        ValueError,
        "reestimate_batch_norm: expected a model with batch norms",
    ),
    (lambda: reestimate_batch_norm(nn.BatchNorm1d(3), [[0.0] * 3] * 2), TypeError, "reestimate_batch_norm: expected x"),
    (
        lambda: reestimate_batch_norm(nn.BatchNorm1d(3), torch.zeros(1, 3)),
        ValueError,
        "reestimate_batch_norm: expected x with at least 2",
    ),
    (lambda: plot_norm_axes(batch=1), ValueError, "plot_norm_axes: expected batch >= 2"),
    (lambda: plot_norm_axes(groups=2.0), TypeError, "plot_norm_axes: expected groups to be an int"),
    (lambda: plot_norm_axes(channels=6, groups=4), ValueError, "plot_norm_axes: expected groups to divide channels"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
