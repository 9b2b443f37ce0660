"""trainlab.parts.batchnorm.figures: the figures of the batch-normalization part."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch

import trainlab
from conftest import LANGS, bad_input_test
from trainlab import i18n
from trainlab.parts.batchnorm import (
    plot_batch_size_sweep,
    plot_bn_histograms,
    plot_ioffe_figure1,
    plot_santurkar_figure4,
)
from trainlab.training import History, StepHistory


@pytest.mark.parametrize("lang", LANGS)
def test_bn_histograms_draw_their_labels_in_the_lesson_language(lang):
    trainlab.set_language(lang)
    fig = plot_bn_histograms(torch.randn(20, 4), torch.randn(20, 4))
    assert fig.axes[0].get_title() == i18n.catalog(lang)["Before batch normalization"]


def test_plot_input_checks():
    with pytest.raises(ValueError, match="plot_bn_histograms: expected before and after of the same"):
        plot_bn_histograms(torch.randn(5, 3), torch.randn(5, 4))


def test_sweep_plots_check_their_input():
    with pytest.raises(ValueError, match="plot_batch_size_sweep: expected at least one"):
        plot_batch_size_sweep({})
    h = StepHistory(
        steps=[1, 2], test_acc=[0.5, 0.6], probes=[{"loss_range": 0.1, "grad_change": 0.2, "smoothness": 3.0}] * 2
    )
    fig = plot_santurkar_figure4({"with BN": h})
    assert len(fig.axes) == 4 and list(fig.axes[3].lines[0].get_ydata()) == [3.0, 3.0]


def test_santurkar_figure4_refuses_no_runs_instead_of_an_empty_figure():
    with pytest.raises(ValueError, match="plot_santurkar_figure4: expected at least one"):
        plot_santurkar_figure4({})


BAD = [
    (
        lambda: plot_bn_histograms(torch.randn(5, 3), torch.randn(5, 4)),
        ValueError,
        "plot_bn_histograms: expected before and after of the same (N, C) shape",
    ),
    (
        lambda: plot_bn_histograms(torch.randn(5, 3), torch.randn(5, 3), units=(0, 5)),
        ValueError,
        "plot_bn_histograms: expected every unit <= 2 (got 5)",
    ),
    (
        lambda: plot_bn_histograms(torch.randn(5, 3), torch.randn(5, 3), units=0),
        TypeError,
        "plot_bn_histograms: expected units to be a tuple of unit indices (got int 0)",
    ),
    (
        lambda: plot_bn_histograms(torch.randn(5, 3), torch.randn(5, 3), bins=0),
        ValueError,
        "plot_bn_histograms: expected bins >= 1 (got 0)",
    ),
    (
        lambda: plot_ioffe_figure1({}),
        ValueError,
        "plot_ioffe_figure1: expected at least one {label: StepHistory} entry (got none)",
    ),
    (
        lambda: plot_ioffe_figure1(StepHistory()),
        TypeError,
        "plot_ioffe_figure1: expected a {label: StepHistory} dict (got StepHistory); wrap a single run",
    ),
    (lambda: plot_batch_size_sweep({}), ValueError, "plot_batch_size_sweep: expected at least one"),
    (
        lambda: plot_batch_size_sweep({"BN": [0.9, 0.8]}),
        TypeError,
        "plot_batch_size_sweep: expected results['BN'] to be a {batch_size: accuracy} dict (got list",
    ),
    (
        lambda: plot_santurkar_figure4({}),
        ValueError,
        "plot_santurkar_figure4: expected at least one {label: StepHistory} entry",
    ),
    (
        lambda: plot_santurkar_figure4({"with BN": History()}),
        TypeError,
        "plot_santurkar_figure4: expected every value to be a StepHistory with steps, test_acc, probes (got History for 'with BN')",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
