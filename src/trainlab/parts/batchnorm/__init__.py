"""What only the batch-normalization part uses: its figures, the running-statistics explorer,
the deliberately wrong batch norm, Santurkar et al.'s landscape probes and the backward-pass
exercise checker.  Lessons import the names from here::

    from trainlab.parts.batchnorm import plot_ioffe_figure1, running_stats_explorer
"""

from .backward_graph import plot_bn_graph
from .exercises import check_batch_norm_backward
from .family import plot_norm_axes, reestimate_batch_norm
from .figures import plot_batch_size_sweep, plot_bn_histograms, plot_ioffe_figure1, plot_santurkar_figure4
from .folding import fold_batch_norm
from .landscape import (
    ActivationNoise,
    InputDrift,
    add_noise_after_batch_norm,
    loss_along_gradient,
    plot_loss_along_gradient,
    plot_training_loss,
    probe_along_gradient,
    train_and_probe,
)
from .pitfalls import GradModeBatchNorm1d, with_grad_mode_batch_norm
from .running_stats import RunningStats, plot_running_stats, running_stats_explorer, simulate_running_stats

__all__ = [
    "plot_bn_graph",
    "check_batch_norm_backward",
    "plot_norm_axes",
    "reestimate_batch_norm",
    "fold_batch_norm",
    "ActivationNoise",
    "InputDrift",
    "loss_along_gradient",
    "plot_loss_along_gradient",
    "plot_training_loss",
    "train_and_probe",
    "plot_batch_size_sweep",
    "plot_bn_histograms",
    "plot_ioffe_figure1",
    "plot_santurkar_figure4",
    "add_noise_after_batch_norm",
    "probe_along_gradient",
    "GradModeBatchNorm1d",
    "with_grad_mode_batch_norm",
    "RunningStats",
    "plot_running_stats",
    "running_stats_explorer",
    "simulate_running_stats",
]
