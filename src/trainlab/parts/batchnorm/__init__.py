"""What only the batch-normalization part uses: its figures, the running-statistics explorer,
the deliberately wrong batch norm, Santurkar et al.'s landscape probes and the backward-pass
exercise checker.  Lessons import the names from here::

    from trainlab.parts.batchnorm import plot_ioffe_figure1, running_stats_explorer
"""

from .exercises import check_batch_norm_backward
from .figures import plot_batch_size_sweep, plot_bn_histograms, plot_ioffe_figure1, plot_santurkar_figure4
from .landscape import NoisyShift, add_noise_after_batch_norm, probe_along_gradient
from .pitfalls import GradModeBatchNorm1d, with_grad_mode_batch_norm
from .running_stats import RunningStats, plot_running_stats, running_stats_explorer, simulate_running_stats

__all__ = [
    "check_batch_norm_backward",
    "plot_batch_size_sweep",
    "plot_bn_histograms",
    "plot_ioffe_figure1",
    "plot_santurkar_figure4",
    "NoisyShift",
    "add_noise_after_batch_norm",
    "probe_along_gradient",
    "GradModeBatchNorm1d",
    "with_grad_mode_batch_norm",
    "RunningStats",
    "plot_running_stats",
    "running_stats_explorer",
    "simulate_running_stats",
]
