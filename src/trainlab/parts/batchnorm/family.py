"""BN's family (lesson ``bn-family``): re-estimating BN's running statistics after training,
and Wu & He's (2018, Fig. 2) picture of the axes BN, LN, IN and GN normalize over."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ..._checks import check_int, check_tensor, check_type
from ...figures import finish
from ...i18n import _

_BATCH_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


@torch.no_grad()
def reestimate_batch_norm(model: nn.Module, x: torch.Tensor) -> nn.Module:
    """Replace the running statistics of every ``BatchNorm1d/2d/3d`` in ``model`` by the
    statistics of ``x`` itself, the weights kept: population statistics measured after
    training, as in Ioffe & Szegedy (2015, Algorithm 2), except that the paper averages the
    statistics of many mini-batches where this takes one pass over all of ``x``.

    One forward pass of the whole ``x`` in training mode with ``momentum=None`` (a cumulative
    average, which after one batch is that batch's statistics): each layer then stores
    :math:`\\hat\\mu = \\mu_\\mathcal{B}` and the unbiased :math:`\\hat\\sigma^2 = \\frac{m}{m-1}\\sigma^2_\\mathcal{B}`
    of its input over the ``m`` values per channel (``m = N`` for ``(N, C)`` input,
    ``m = N·H·W`` for ``(N, C, H, W)``), where each earlier layer already normalizes with the
    statistics of ``x``, as it will in evaluation mode.  Momenta and the train/eval mode are
    restored; the model is changed in place and returned.

    Args:
        model: a network containing at least one ``torch.nn`` batch norm.
        x: ``(N, ...)`` inputs of the model, ``N >= 2`` (e.g. the whole training set).

    Example:
        >>> net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        >>> x = torch.randn(100, 3)
        >>> bn = reestimate_batch_norm(net, x)[1]
        >>> torch.allclose(bn.running_mean, net[0](x).mean(0), atol=1e-6)
        True
    """
    check_type(model, "reestimate_batch_norm", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "reestimate_batch_norm", "x")
    norms = [m for m in model.modules() if isinstance(m, _BATCH_NORMS)]
    if not norms or not all(m.track_running_stats for m in norms):
        raise ValueError(
            "reestimate_batch_norm: expected a model with batch norms that track running statistics "
            f"(got {len(norms)} batch norm layers in {type(model).__name__})"
        )
    if x.dim() == 0 or len(x) < 2:
        raise ValueError(f"reestimate_batch_norm: expected x with at least 2 examples (got shape {tuple(x.shape)})")
    was_training, momenta = model.training, [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    model(x)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    model.train(was_training)
    return model


def _cube_faces(origin, size):
    """The six faces of the box at ``origin`` (x, y, z) with edge lengths ``size``."""
    (x, y, z), (dx, dy, dz) = origin, size
    p = np.array(
        [[x, y, z], [x + dx, y, z], [x + dx, y + dy, z], [x, y + dy, z]]
        + [[x, y, z + dz], [x + dx, y, z + dz], [x + dx, y + dy, z + dz], [x, y + dy, z + dz]]
    )
    idx = [[0, 1, 2, 3], [4, 5, 6, 7], [0, 1, 5, 4], [2, 3, 7, 6], [1, 2, 6, 5], [0, 3, 7, 4]]
    return [p[i] for i in idx]


def plot_norm_axes(batch: int = 6, channels: int = 6, groups: int = 2, spatial: int = 4):
    """Wu & He (2018), Fig. 2: a feature map drawn as a box ``N x C x (H·W)``, one panel per
    normalization, with the values that share one mean and one variance shaded.

    BN: one channel, all ``N`` examples and all positions (``m = N·H·W`` values);
    LN: one example, all ``C`` channels and positions; IN: one example, one channel, all
    positions; GN: one example, one group of ``C / groups`` channels, all positions.

    Args:
        batch: examples drawn along the N axis, >= 2. Default: ``6``.
        channels: channels drawn along the C axis, >= 2. Default: ``6``.
        groups: GN's number of groups, a divisor of ``channels`` in [2, channels - 1]. Default: ``2``.
        spatial: cells drawn along the H·W axis, >= 1. Default: ``4``.

    Returns:
        the matplotlib ``Figure`` (four 3-D panels).
    """
    check_int(batch, "plot_norm_axes", "batch", minimum=2)
    check_int(channels, "plot_norm_axes", "channels", minimum=2)
    check_int(spatial, "plot_norm_axes", "spatial", minimum=1)
    check_int(groups, "plot_norm_axes", "groups", minimum=2, maximum=channels - 1)
    if channels % groups:
        raise ValueError(f"plot_norm_axes: expected groups to divide channels, {channels} (got {groups})")
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    per_group = channels // groups
    shaded = {  # (n range, c range) of the shaded block; every panel spans all of H·W
        _("Batch Norm"): ((0, batch), (0, 1)),
        _("Layer Norm"): ((0, 1), (0, channels)),
        _("Instance Norm"): ((0, 1), (0, 1)),
        _("Group Norm"): ((0, 1), (0, per_group)),
    }
    fig = plt.figure(figsize=(12, 3.6))
    for i, (title, ((n0, n1), (c0, c1))) in enumerate(shaded.items()):
        ax = fig.add_subplot(1, 4, i + 1, projection="3d")
        # x = C, y = N (depth), z = H·W (up), as in the paper's figure
        ax.add_collection3d(
            Poly3DCollection(
                _cube_faces((0, 0, 0), (channels, batch, spatial)), facecolor="white", edgecolor="0.5", alpha=0.05
            )
        )
        ax.add_collection3d(
            Poly3DCollection(
                _cube_faces((c0, n0, 0), (c1 - c0, n1 - n0, spatial)), facecolor="C0", edgecolor="k", alpha=0.6
            )
        )
        for c in range(1, channels):  # channel boundaries on the front face
            ax.plot([c, c], [0, 0], [0, spatial], color="0.6", lw=0.6)
        for n in range(1, batch):  # example boundaries on the top face
            ax.plot([0, channels], [n, n], [spatial, spatial], color="0.6", lw=0.6)
        ax.set_xlim(0, channels)
        ax.set_ylim(0, batch)
        ax.set_zlim(0, spatial)
        ax.set_box_aspect((channels, batch, spatial))
        ax.set_axis_off()
        ax.text(channels / 2, -0.4, -0.5, "C", ha="center", va="top")
        ax.text(channels + 0.3, batch / 2, -0.5, "N", ha="left", va="top")
        ax.text(-0.3, 0, spatial / 2, "H, W", ha="right", va="center")
        ax.view_init(elev=22, azim=-60)
        ax.set_title(title, fontsize=11)
    finish(fig)
    fig.suptitle(_("Shaded: the values that share one mean and one variance"), fontsize=10)
    fig.subplots_adjust(top=0.84, left=0.05)
    return fig
