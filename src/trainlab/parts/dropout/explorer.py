r"""The dropout explorer: the drop probability :math:`p` and the hidden width as controls; a mask,
the train/test accuracy gap of a small dropout MLP on the 8x8 digits, and the distribution of
its hidden activations in training vs evaluation mode as outputs (ipywidgets), with the static
figure that stands in for it on the web page.  Both call :func:`explorer_data`.

Example:
    >>> data = explorer_data(0.5, 32, epochs=2)
    >>> sorted(data), data["mask"].shape
    (['eval_activations', 'mask', 'test_acc', 'train_acc', 'train_activations'], (16, 32))
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..._checks import check_int, check_probability
from ...data import load_digits
from ...figures import finish
from ...functional.dropout import dropout as tl_dropout
from ...i18n import _, fmt
from ...models import mlp
from ...training import evaluate, train

#: The widths the explorer offers.
WIDTHS = (16, 64, 256)
#: The drop probabilities the explorer offers.
PS = (0.0, 0.2, 0.5, 0.8)


def explorer_data(p: float = 0.5, width: int = 64, epochs: int = 10, seed: int = 0) -> dict:
    r"""Train ``mlp([64, width, 10], dropout=p)`` on :func:`~trainlab.data.load_digits` for
    ``epochs`` epochs; return a ``(16, width)`` mask :math:`r` drawn with drop probability ``p``,
    ``train_acc``/``test_acc`` (evaluation mode) and the hidden activations of the test images
    after the dropout layer in training mode and in evaluation mode (1-D arrays)."""
    p = check_probability(p, "explorer_data", allow_one=False)
    width = check_int(width, "explorer_data", "width", minimum=1, maximum=4096)
    epochs = check_int(epochs, "explorer_data", "epochs", minimum=1, maximum=200)
    data = load_digits()
    torch.manual_seed(seed)
    net = mlp([64, width, 10], dropout=p)
    train(net, data, epochs=epochs, lr=0.1, seed=seed)
    hidden = net[:-1]  # Linear -> ReLU -> [Dropout]
    with torch.no_grad():
        hidden.train()
        torch.manual_seed(seed)
        act_train = hidden(data.x_test).flatten().numpy()
        hidden.eval()
        act_eval = hidden(data.x_test).flatten().numpy()
    mask = tl_dropout(torch.ones(16, width), p, generator=torch.Generator().manual_seed(seed)) > 0
    return {
        "mask": mask.numpy(),
        "train_acc": evaluate(net, data.x_train, data.y_train)[1],
        "test_acc": evaluate(net, data.x_test, data.y_test)[1],
        "train_activations": act_train,
        "eval_activations": act_eval,
    }


def plot_dropout_explorer(p: float = 0.5, width: int = 64, epochs: int = 10, seed: int = 0):
    """Three panels: the mask, train vs test accuracy, histograms of the hidden activations."""
    check_int(width, "plot_dropout_explorer", "width", minimum=1, maximum=4096)
    data = explorer_data(p, width, epochs, seed)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    axes[0].imshow(data["mask"], cmap="gray", vmin=0, vmax=1, aspect="auto")
    axes[0].set_title(_("mask r (black = dropped)"))
    axes[0].set_xlabel(_("unit"))
    axes[0].set_ylabel(_("example"))
    accs = [data["train_acc"], data["test_acc"]]
    axes[1].bar([_("train"), _("test")], accs, color=["tab:blue", "tab:orange"])
    axes[1].set_ylim(0, 1)
    axes[1].set_title(_("accuracy, gap {gap}").format(gap=fmt(accs[0] - accs[1], 3)))
    high = max(data["train_activations"].max(), 1e-6)
    bins = np.linspace(0, high, 40)
    axes[2].hist(data["train_activations"], bins=bins, alpha=0.6, label=_("training mode"), color="tab:blue")
    axes[2].hist(data["eval_activations"], bins=bins, alpha=0.6, label=_("evaluation mode"), color="tab:orange")
    axes[2].set_yscale("log")
    axes[2].set_title(_("hidden activations"))
    axes[2].legend()
    fig.suptitle(_("p = {p} (drop probability), width {width}").format(p=fmt(p, 1), width=width))
    fig.tight_layout()
    return finish(fig)


def dropout_explorer(epochs: int = 10):
    """Controls for ``p`` and the width, redrawing :func:`plot_dropout_explorer` (needs a running
    kernel).  Nothing is drawn until a control changes: the lesson draws a static figure."""
    epochs = check_int(epochs, "dropout_explorer", "epochs", minimum=1, maximum=200)
    import ipywidgets as w
    from IPython.display import display

    controls = {
        "p": w.Dropdown(options=list(PS), value=0.5, description=_("p (drop)")),
        "width": w.Dropdown(options=list(WIDTHS), value=64, description=_("width")),
    }
    out = w.Output()

    def redraw(change=None):
        out.clear_output(wait=True)
        with out:
            display(plot_dropout_explorer(controls["p"].value, controls["width"].value, epochs))

    for control in controls.values():
        control.observe(redraw, names="value")
    return w.VBox([w.Label(_("Change a choice to redraw the figure.")), *controls.values(), out])
