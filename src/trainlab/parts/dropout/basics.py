r"""The experiments of the lesson ``dropout-basics``: what inverted dropout does to a small
activation matrix, and the same MLP trained on MNIST with and without dropout.

* :func:`apply_mask` is inverted dropout written out for a given mask :math:`r`:
  :math:`\tilde h = r \odot h / (1 - p)`, with :math:`p` the drop probability (PyTorch's ``p``);
* :func:`accuracy_curves` trains a model epoch by epoch and records its training and test accuracy;
* :func:`plot_accuracy_curves` draws those curves, one colour per model, training dashed, test solid.

Example:
    >>> h = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> r = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> apply_mask(h, r, 0.5)
    tensor([[2., 0.],
            [0., 8.]])
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torch import nn

from ..._checks import check_int, check_number, check_probability, check_same_shape, check_tensor, check_type
from ...data import Split
from ...figures import finish
from ...i18n import _
from ...training import evaluate, train

__all__ = ["apply_mask", "accuracy_curves", "plot_accuracy_curves"]


def apply_mask(h: torch.Tensor, r: torch.Tensor, p: float) -> torch.Tensor:
    r"""Inverted dropout with a given mask: :math:`\tilde h = r \odot h / (1 - p)`.

    Args:
        h: activations, any shape.
        r: mask of the same shape, 1 where a unit is kept and 0 where it is dropped
            (:math:`r_i \sim \mathrm{Bernoulli}(1 - p)`).
        p: drop probability (PyTorch's ``p``), in [0, 1).

    Returns:
        a tensor of the shape of ``h``.
    """
    check_tensor(h, "apply_mask", "h")
    check_tensor(r, "apply_mask", "r")
    check_same_shape(h, r, "apply_mask", "h", "r")
    p = check_probability(p, "apply_mask", "p", allow_one=False)
    if not bool(((r == 0) | (r == 1)).all()):
        raise ValueError(f"apply_mask: expected a mask r of zeros and ones (got values {r.unique().tolist()[:5]})")
    return r * h / (1 - p)


def accuracy_curves(
    model: nn.Module, data: Split, epochs: int, lr: float = 0.1, batch_size: int = 64, seed: int = 0
) -> dict:
    """Train ``model`` for ``epochs`` epochs of SGD (:func:`trainlab.training.train`, one epoch at a
    time, shuffled with seed ``seed + epoch``) and record, after each epoch, the accuracy on the
    whole training set and on the test set, both in evaluation mode (dropout off).

    Args:
        model: network mapping ``(N, D)`` inputs to logits.
        data: a :class:`~trainlab.data.Split`.
        epochs: number of epochs, >= 1.
        lr: learning rate, > 0. Default: ``0.1``.
        batch_size: examples per step, >= 2. Default: ``64``.
        seed: seed of the first epoch's shuffling. Default: ``0``.

    Returns:
        ``{"train": [accuracy per epoch], "test": [accuracy per epoch]}``.
    """
    check_type(model, "accuracy_curves", "model", nn.Module, "a torch.nn.Module")
    check_type(data, "accuracy_curves", "data", Split, "a trainlab.data.Split")
    epochs = check_int(epochs, "accuracy_curves", "epochs", minimum=1)
    seed = check_int(seed, "accuracy_curves", "seed", minimum=0)
    curves = {"train": [], "test": []}
    for epoch in range(epochs):
        train(model, data, epochs=1, lr=lr, batch_size=batch_size, seed=seed + epoch)
        curves["train"].append(evaluate(model, data.x_train, data.y_train)[1])
        curves["test"].append(evaluate(model, data.x_test, data.y_test)[1])
    return curves


def plot_accuracy_curves(runs: dict, title: str = "Training and test accuracy"):
    """Training (dashed) and test (solid) accuracy over the epochs, one colour per run.

    Args:
        runs: ``{label msgid: {"train": [...], "test": [...]}}`` as :func:`accuracy_curves` returns.
        title: the figure's title (an English msgid, translated with ``_``).

    Returns:
        the matplotlib ``Figure``.
    """
    check_type(runs, "plot_accuracy_curves", "runs", dict, "a dict {label: accuracy curves}")
    check_type(title, "plot_accuracy_curves", "title", str, "a str")
    if not runs:
        raise ValueError("plot_accuracy_curves: expected at least one run (got {})")
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for (label, curves), colour in zip(runs.items(), ("C0", "C1", "C2", "C3")):
        if not isinstance(curves, dict) or set(curves) != {"train", "test"}:
            raise ValueError(
                f"plot_accuracy_curves: expected {{'train': [...], 'test': [...]}} for {label!r} (got {curves!r:.60})"
            )
        for split, name, style in (("train", _("{run}: training set"), "--"), ("test", _("{run}: test set"), "-")):
            values = [check_number(v, "plot_accuracy_curves", "accuracy", 0.0, 1.0) for v in curves[split]]
            epochs = range(1, len(values) + 1)
            ax.plot(epochs, values, style, color=colour, label=name.format(run=_(label)))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("accuracy"))
    ax.set_title(_(title))
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return finish(fig)
