r"""Dropout in practice: where it goes, conv nets (elementwise ``Dropout`` vs channel-wise
``Dropout2d``, Tompson et al., 2015), dropout before batch norm (the variance shift of Li et al.,
2019), Monte-Carlo dropout as an uncertainty estimate (Gal & Ghahramani, 2016), and whether a
float32 mask would equal torch's.

Example:
    >>> e, c = feature_map_masks(channels=4, size=6, p=0.5, seed=0)
    >>> tuple(e.shape), tuple(c.shape), bool((c == c[:, :1, :1]).all())
    ((4, 6, 6), (4, 6, 6), True)
    >>> round(variance_shift_formula(0.5, mean=1.0, second_moment=2.0), 6)
    3.0
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ..._checks import check_bool, check_int, check_number, check_probability, check_type
from ...data import Split
from ...exercises import CheckResult
from ...figures import finish
from ...functional.dropout import dropout as tl_dropout
from ...functional.dropout import dropout2d as tl_dropout2d
from ...i18n import _, localize_number_text
from ...models import cnn
from ...training import evaluate, train

__all__ = [
    "feature_map_masks",
    "plot_feature_map_masks",
    "conv_dropout_comparison",
    "variance_shift_formula",
    "measured_variance_shift",
    "bn_dropout_net",
    "bn_dropout_comparison",
    "mc_dropout_spread",
    "rotate_digits",
    "plot_mc_spread",
    "float32_mask_vs_torch",
    "check_variance_shift",
]


def _check_split(data, func):
    check_type(data, func, "data", Split, "a trainlab.data.Split (load_digits() or load_mnist())")


def feature_map_masks(channels: int = 4, size: int = 8, p: float = 0.5, seed: int = 0):
    r"""The scaled masks :math:`r/(1-p)` that ``dropout`` (one value per pixel) and ``dropout2d``
    (one value per channel, Tompson et al., 2015) put on one ``(channels, size, size)`` feature map,
    drawn from a generator seeded with ``seed``; returns two tensors of that shape."""
    channels = check_int(channels, "feature_map_masks", "channels", minimum=1)
    size = check_int(size, "feature_map_masks", "size", minimum=1)
    p = check_probability(p, "feature_map_masks", allow_one=False)
    ones = torch.ones(1, channels, size, size)
    elem = tl_dropout(ones, p, generator=torch.Generator().manual_seed(seed))[0]
    chan = tl_dropout2d(ones, p, generator=torch.Generator().manual_seed(seed))[0]
    return elem, chan


def plot_feature_map_masks(channels: int = 4, size: int = 8, p: float = 0.5, seed: int = 0):
    """Two rows of ``channels`` panels: the elementwise and the channel-wise mask (black = dropped)."""
    check_probability(p, "plot_feature_map_masks", allow_one=False)
    elem, chan = feature_map_masks(channels, size, p, seed)
    fig, axes = plt.subplots(2, channels, figsize=(2.0 * channels, 4.4), squeeze=False)
    for row, (mask, title) in enumerate(((elem, "Dropout (per value)"), (chan, "Dropout2d (per channel)"))):
        for c in range(channels):
            ax = axes[row, c]
            ax.imshow((mask[c] > 0).numpy(), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(_("channel {c}").format(c=c + 1), fontsize=9)
        axes[row, 0].set_ylabel(_(title))
    fig.suptitle(_("Masks on one feature map (black = dropped)"))
    fig.tight_layout()
    return finish(fig)


def _conv_model(data, p, kind, seed, channels=(8, 16)):
    torch.manual_seed(seed)
    net = cnn(data.image_shape, channels=channels, dropout=p)
    if kind == "dropout":  # the same network with elementwise dropout where cnn puts Dropout2d
        for i, layer in enumerate(net):
            if isinstance(layer, nn.Dropout2d):
                net[i] = nn.Dropout(p)
    return net


def conv_dropout_comparison(data, p: float = 0.2, epochs: int = 8, lr: float = 0.5, seed: int = 0) -> dict:
    r"""Train :func:`trainlab.models.cnn` (two conv blocks, 8 and 16 channels) on ``data``
    without dropout, with elementwise ``Dropout(p)`` and with ``Dropout2d(p)`` after each block
    (same initialization and batches); return ``{kind: (train_acc, test_acc)}`` for
    ``kind`` in ``("none", "dropout", "dropout2d")``."""
    _check_split(data, "conv_dropout_comparison")
    p = check_probability(p, "conv_dropout_comparison", allow_one=False)
    epochs = check_int(epochs, "conv_dropout_comparison", "epochs", minimum=1)
    lr = check_number(lr, "conv_dropout_comparison", "lr", low=0.0)
    out = {}
    for kind in ("none", "dropout", "dropout2d"):
        net = _conv_model(data, 0.0 if kind == "none" else p, kind, seed)
        train(net, data, epochs=epochs, lr=lr, batch_size=32, seed=seed)
        out[kind] = (evaluate(net, data.x_train, data.y_train)[1], evaluate(net, data.x_test, data.y_test)[1])
    return out


def variance_shift_formula(p: float, mean: float, second_moment: float) -> float:
    r"""Ratio of a unit's variance in training to that in evaluation when inverted dropout with
    drop probability :math:`p` acts on an input :math:`x` with :math:`\mathbb E[x] = \mu`,
    :math:`\mathbb E[x^2] = s`: the mean is kept, :math:`\mathbb E[(x r/(1-p))^2] = s/(1-p)`, so

    .. math:: \frac{\operatorname{Var}_\text{train}}{\operatorname{Var}_\text{eval}} = \frac{s/(1-p) - \mu^2}{s - \mu^2}.
    """
    p = check_probability(p, "variance_shift_formula", allow_one=False)
    mean = check_number(mean, "variance_shift_formula", "mean")
    second_moment = check_number(second_moment, "variance_shift_formula", "second_moment")
    if second_moment <= mean**2:
        raise ValueError(
            "variance_shift_formula: expected second_moment > mean**2, a nonzero variance "
            f"(got {second_moment} <= {mean**2})"
        )
    return (second_moment / (1 - p) - mean**2) / (second_moment - mean**2)


def measured_variance_shift(x, p: float = 0.5, seed: int = 0) -> tuple[float, float]:
    r"""For inputs ``x`` of shape ``(N, D)``: the mean over units of the measured ratio
    :math:`\operatorname{Var}_n[\mathrm{dropout}(x)_{:,j}] / \operatorname{Var}_n[x_{:,j}]` (train
    over eval mode) and the mean of :func:`variance_shift_formula` with each unit's moments
    (units with zero variance left out)."""
    check_type(x, "measured_variance_shift", "x", torch.Tensor, "a torch.Tensor of shape (N, D)")
    if x.dim() != 2 or len(x) < 2:
        raise ValueError(f"measured_variance_shift: expected x of shape (N, D), N >= 2 (got {tuple(x.shape)})")
    p = check_probability(p, "measured_variance_shift", allow_one=False)
    x = x.double()
    dropped = tl_dropout(x, p, generator=torch.Generator().manual_seed(seed))
    var_eval = x.var(dim=0, unbiased=False)
    keep = var_eval > 1e-12
    measured = (dropped.var(dim=0, unbiased=False)[keep] / var_eval[keep]).mean().item()
    mu, s = x.mean(dim=0)[keep], (x**2).mean(dim=0)[keep]
    predicted = ((s / (1 - p) - mu**2) / (s - mu**2)).mean().item()
    return measured, predicted


def bn_dropout_net(features: int, width: int = 128, classes: int = 10, p: float = 0.5, where: str = "before"):
    r"""``Linear -> ReLU -> [Dropout] -> Linear -> BatchNorm1d -> ReLU -> [Dropout] -> Linear``
    with the dropout either ``"before"`` the batch norm (first bracket) or ``"after"`` it (second)."""
    features = check_int(features, "bn_dropout_net", "features", minimum=1)
    width = check_int(width, "bn_dropout_net", "width", minimum=1)
    p = check_probability(p, "bn_dropout_net", allow_one=False)
    if where not in ("before", "after"):
        raise ValueError(f"bn_dropout_net: expected where to be 'before' or 'after' (got {where!r})")
    first = [nn.Linear(features, width), nn.ReLU()] + ([nn.Dropout(p)] if where == "before" else [])
    second = [nn.Linear(width, width, bias=False), nn.BatchNorm1d(width), nn.ReLU()]
    second += [nn.Dropout(p)] if where == "after" else []
    return nn.Sequential(*first, *second, nn.Linear(width, classes))


def bn_dropout_comparison(data, p: float = 0.5, width: int = 64, epochs: int = 10, seed: int = 0) -> dict:
    r"""Train :func:`bn_dropout_net` with the dropout before and after the batch norm; return
    ``{where: (test_acc, ratio)}`` where ``ratio`` is the mean over units of BN's running
    variance divided by the variance of BN's input on the test set in evaluation mode (1 when
    BN normalizes at test time with the statistics it will see)."""
    _check_split(data, "bn_dropout_comparison")
    epochs = check_int(epochs, "bn_dropout_comparison", "epochs", minimum=1)
    out = {}
    for where in ("before", "after"):
        torch.manual_seed(seed)
        net = bn_dropout_net(data.num_features, width, data.num_classes, p, where)
        train(net, data, epochs=epochs, lr=0.05, batch_size=64, seed=seed)
        bn_index = next(i for i, m in enumerate(net) if isinstance(m, nn.BatchNorm1d))
        net.eval()
        with torch.no_grad():
            z = net[:bn_index](data.x_test)
        bn = net[bn_index]
        ratio = (bn.running_var / z.var(dim=0, unbiased=True).clamp_min(1e-12)).mean().item()
        out[where] = (evaluate(net, data.x_test, data.y_test)[1], ratio)
    return out


def rotate_digits(x, image_shape=(1, 8, 8)):
    """The images of ``x`` (``(N, C*H*W)``, flattened) turned by 90 degrees: a shifted input."""
    check_type(x, "rotate_digits", "x", torch.Tensor, "a torch.Tensor of flattened images")
    c, h, w = image_shape
    if x.dim() != 2 or x.shape[1] != c * h * w or h != w:
        raise ValueError(f"rotate_digits: expected x of shape (N, {c * h * w}), square images (got {tuple(x.shape)})")
    return torch.rot90(x.reshape(-1, c, h, w), 1, dims=(2, 3)).reshape(len(x), -1)


def mc_dropout_spread(model, x, passes: int = 50, seed: int = 0) -> dict:
    r"""Monte-Carlo dropout (Gal & Ghahramani, 2016): ``passes`` = :math:`T` forward passes of
    ``model`` in training mode (dropout on) on ``x`` ``(N, D)``; per example, the predictive
    entropy :math:`H = -\sum_k \bar p_k \log \bar p_k` of the mean softmax
    :math:`\bar p = \frac1T \sum_t \mathrm{softmax}(f_t(x))`, and the spread: the standard deviation
    over passes of the probability of the predicted class. Returns arrays ``entropy``, ``std``."""
    check_type(model, "mc_dropout_spread", "model", nn.Module, "a torch.nn.Module")
    check_type(x, "mc_dropout_spread", "x", torch.Tensor, "a torch.Tensor of shape (N, D)")
    passes = check_int(passes, "mc_dropout_spread", "passes", minimum=2)
    was = model.training
    model.train()
    torch.manual_seed(seed)
    with torch.no_grad():
        probs = torch.stack([torch.softmax(model(x), dim=1) for _ in range(passes)])  # (T, N, K)
    model.train(was)
    mean = probs.mean(dim=0)
    entropy = -(mean * mean.clamp_min(1e-12).log()).sum(dim=1)
    top = mean.argmax(dim=1)
    std = probs[:, torch.arange(len(x)), top].std(dim=0)
    return {"entropy": entropy.numpy(), "std": std.numpy()}


def plot_mc_spread(inside: dict, shifted: dict, key: str = "entropy"):
    """Histograms of ``key`` for the in-distribution and the shifted inputs."""
    check_type(inside, "plot_mc_spread", "inside", dict, "a dict from mc_dropout_spread")
    check_type(shifted, "plot_mc_spread", "shifted", dict, "a dict from mc_dropout_spread")
    fig, ax = plt.subplots(figsize=(7, 3.6))
    bins = np.linspace(0, max(inside[key].max(), shifted[key].max()) * 1.02 + 1e-9, 30)
    ax.hist(inside[key], bins=bins, alpha=0.6, label=_("test digits (in distribution)"), color="tab:blue")
    ax.hist(shifted[key], bins=bins, alpha=0.6, label=_("rotated test digits (shifted)"), color="tab:orange")
    if key == "entropy":
        ax.set_xlabel(_("predictive entropy (nats), T = 50 passes"))
    else:
        ax.set_xlabel(_("std of the predicted class's probability, T = 50 passes"))
    ax.set_ylabel(_("images"))
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return finish(fig)


def float32_mask_vs_torch(size: int = 10_000, p: float = 0.5, seed: int = 0) -> tuple[bool, float]:
    """The textbook mask from float32 uniforms (``torch.rand(size) >= p``, as in
    ``trainlab/bench.py``) against the mask torch's ``bernoulli_(1 - p)`` draws on the CPU from a
    generator with the same seed: ``(equal, share of positions where the two agree)``."""
    size = check_int(size, "float32_mask_vs_torch", "size", minimum=1)
    p = check_probability(p, "float32_mask_vs_torch", allow_one=False)
    ref = torch.empty(size).bernoulli_(1 - p, generator=torch.Generator().manual_seed(seed))
    u = torch.rand(size, dtype=torch.float32, generator=torch.Generator().manual_seed(seed))
    textbook = (u >= p).float()
    return bool(torch.equal(textbook, ref)), (textbook == ref).float().mean().item()


def check_variance_shift(answer, p: float = 0.5, mean: float = 1.0, second_moment: float = 2.0, verbose: bool = True):
    """Checker of the exercise: the reader's ratio Var_train / Var_eval for the given moments
    (:func:`variance_shift_formula`), to a relative 1e-3."""
    check_bool(verbose, "check_variance_shift", "verbose")
    want = variance_shift_formula(p, mean, second_moment)
    lines = []
    try:
        value = check_number(answer, "check_variance_shift", "answer")
    except (TypeError, ValueError):
        value = None
        lines.append("✗ " + _("{arg} must be a number (got {what})").format(arg="answer", what=type(answer).__name__))
    ok = value is not None and math.isclose(value, want, rel_tol=1e-3)
    if value is not None:
        if ok:
            lines.append("✓ " + _("Var_train / Var_eval is correct"))
        else:
            lines.append(
                "✗ "
                + _(
                    "Var_train / Var_eval: got {got}; hint: E[(x r/(1-p))^2] = E[x^2]/(1-p), the mean is unchanged"
                ).format(got=localize_number_text(f"{value:.4g}"))
            )
    return CheckResult.report(ok, lines, verbose)
