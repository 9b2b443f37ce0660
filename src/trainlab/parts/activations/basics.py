r"""The experiment of the lesson ``activations-basics``: without a nonlinearity a stack of
linear layers is one affine map, so it fits no more than a single linear layer.

* :func:`compose_affine` collapses ``Linear`` layers :math:`x \mapsto W_k x + b_k` into one
  :math:`x \mapsto W x + b` with :math:`W = W_n \cdots W_1`, :math:`b = W_n(\cdots(W_2 b_1 + b_2)\cdots) + b_n`;
* :func:`two_spirals` is a data set no straight line separates, generated in code;
* :func:`remove_activations`, :func:`fit_full_batch` and :func:`plot_decision_regions` train
  the same network with and without its nonlinearities and draw what each learned.
"""

from __future__ import annotations

import copy
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ..._checks import check_int, check_number, check_tensor, check_type
from ...figures import finish
from ...i18n import _

__all__ = ["compose_affine", "two_spirals", "remove_activations", "fit_full_batch", "plot_decision_regions"]


def _linear_layers(layers, func):
    if isinstance(layers, nn.Sequential):
        layers = list(layers)
    check_type(layers, func, "layers", (list, tuple), "a list of torch.nn.Linear layers")
    if not layers or not all(isinstance(m, nn.Linear) for m in layers):
        kinds = [type(m).__name__ for m in layers]
        raise ValueError(f"{func}: expected a non-empty list of torch.nn.Linear layers only (got {kinds})")
    for a, b in zip(layers, layers[1:]):
        if a.out_features != b.in_features:
            raise ValueError(
                f"{func}: expected each layer's in_features to equal the previous out_features "
                f"(got {a.out_features} then {b.in_features})"
            )
    return layers


@torch.no_grad()
def compose_affine(layers):
    r"""The one affine map :math:`x \mapsto W x + b` that a stack of ``Linear`` layers computes.

    Layer :math:`k` maps :math:`h \mapsto W_k h + b_k` (``weight`` of shape ``(out_k, in_k)``).
    Applying them in turn gives :math:`W = W_n \cdots W_2 W_1` (shape ``(out_n, in_1)``) and
    :math:`b = W_n(\cdots(W_2 b_1 + b_2)\cdots) + b_n` (shape ``(out_n,)``).

    Args:
        layers: a list (or ``nn.Sequential``) of ``torch.nn.Linear`` layers, first layer first.

    Returns:
        ``(W, b)``, detached tensors.

    Example:
        >>> _ = torch.manual_seed(0)
        >>> stack = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        >>> W, b = compose_affine(stack)
        >>> x = torch.randn(5, 3)
        >>> torch.allclose(stack(x), x @ W.T + b, atol=1e-6)
        True
    """
    layers = _linear_layers(layers, "compose_affine")
    W = torch.eye(layers[0].in_features, dtype=layers[0].weight.dtype)
    b = torch.zeros(layers[0].in_features, dtype=layers[0].weight.dtype)
    for layer in layers:
        bias = layer.bias if layer.bias is not None else torch.zeros(layer.out_features, dtype=W.dtype)
        W, b = layer.weight @ W, layer.weight @ b + bias
    return W.detach().clone(), b.detach().clone()


def two_spirals(n: int = 200, noise: float = 0.03, turns: float = 1.5, seed: int = 0):
    r"""Two interleaved spirals in the plane: ``n`` points per class, class :math:`c \in \{0, 1\}`
    at :math:`t\,(\cos\theta, \sin\theta)` with :math:`\theta = 2\pi \cdot \text{turns} \cdot t + c\pi`,
    :math:`t` evenly spaced on :math:`[0.1, 1]`, plus Gaussian noise of std ``noise``.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(2n, 2)``, ``y`` int64 labels of shape ``(2n,)``.
    """
    func = "two_spirals"
    n = check_int(n, func, "n", minimum=2)
    noise = check_number(noise, func, "noise", low=0.0)
    turns = check_number(turns, func, "turns", low=0.0, low_open=True)
    check_int(seed, func, "seed")
    g = torch.Generator().manual_seed(seed)
    t = torch.linspace(0.1, 1.0, n, dtype=torch.float64)
    xs, ys = [], []
    for c in (0, 1):
        theta = 2 * math.pi * turns * t + c * math.pi
        xs.append(torch.stack([t * torch.cos(theta), t * torch.sin(theta)], dim=1))
        ys.append(torch.full((n,), c, dtype=torch.int64))
    x = torch.cat(xs) + noise * torch.randn(2 * n, 2, generator=g, dtype=torch.float64)
    return x.float(), torch.cat(ys)


def remove_activations(net: nn.Module) -> nn.Sequential:
    """A copy of ``net`` (an ``nn.Sequential``) that keeps only its ``Linear`` layers, with the same
    weights: the same network without its nonlinearities."""
    check_type(net, "remove_activations", "net", nn.Sequential, "a torch.nn.Sequential")
    layers = [m for m in copy.deepcopy(net) if isinstance(m, nn.Linear)]
    return nn.Sequential(*_linear_layers(layers, "remove_activations"))


def fit_full_batch(model: nn.Module, x, y, steps: int = 1000, lr: float = 0.01) -> dict:
    r"""Train ``model`` on all of ``(x, y)`` at once (full batch) with Adam and cross-entropy.

    Args:
        model: maps ``(N, d)`` inputs to ``(N, classes)`` logits.
        x: ``(N, d)`` float inputs; y: ``(N,)`` int64 labels.
        steps: optimizer steps. Default: ``1000``. lr: Adam's learning rate :math:`\eta`. Default: ``0.01``.

    Returns:
        ``{"loss": final training loss, "accuracy": final training accuracy}`` (floats).
    """
    func = "fit_full_batch"
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, func, "x", ndims=(2,))
    check_type(y, func, "y", torch.Tensor, "a torch.Tensor of int64 labels")
    if y.dtype != torch.int64 or y.shape != (x.shape[0],):
        raise ValueError(
            f"{func}: expected y of int64 labels of shape ({x.shape[0]},) (got {y.dtype} {tuple(y.shape)})"
        )
    steps = check_int(steps, func, "steps", minimum=1)
    lr = check_number(lr, func, "lr", low=0.0, low_open=True)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _step in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        logits = model(x)
        return {
            "loss": float(nn.functional.cross_entropy(logits, y)),
            "accuracy": float((logits.argmax(dim=1) == y).float().mean()),
        }


@torch.no_grad()
def plot_decision_regions(models: dict, x, y, resolution: int = 200):
    """One panel per model: the class it predicts over the plane (shaded) and the points ``(x, y)``.

    Args:
        models: ``{title: model}``, each mapping ``(N, 2)`` inputs to logits.
        x: ``(N, 2)`` inputs; y: ``(N,)`` labels.
        resolution: grid points per axis. Default: ``200``.

    Returns:
        the matplotlib ``Figure``.
    """
    func = "plot_decision_regions"
    check_type(models, func, "models", dict, "a dict {title: model}")
    if not models:
        raise ValueError(f"{func}: expected at least one model (got {{}})")
    check_tensor(x, func, "x", ndims=(2,))
    if x.shape[1] != 2:
        raise ValueError(f"{func}: expected x of shape (N, 2), points in the plane (got {tuple(x.shape)})")
    resolution = check_int(resolution, func, "resolution", minimum=2)
    pad = 0.15
    lo, hi = x.min(dim=0).values - pad, x.max(dim=0).values + pad
    g0 = torch.linspace(float(lo[0]), float(hi[0]), resolution)
    g1 = torch.linspace(float(lo[1]), float(hi[1]), resolution)
    mesh = torch.stack(torch.meshgrid(g0, g1, indexing="xy"), dim=-1).reshape(-1, 2)
    fig, axes = plt.subplots(1, len(models), figsize=(4.0 * len(models), 3.9), squeeze=False)
    for ax, (title, model) in zip(axes[0], models.items()):
        pred = model(mesh).argmax(dim=1).reshape(resolution, resolution).numpy()
        ax.contourf(g0.numpy(), g1.numpy(), pred, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
        for c, color in ((0, "C0"), (1, "C1")):
            pts = x[y == c].numpy()
            ax.scatter(pts[:, 0], pts[:, 1], s=6, color=color, label=f"{_('class')} {c}")
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.set_xticks(np.linspace(-1, 1, 5))
        ax.set_yticks(np.linspace(-1, 1, 5))
    axes[0][0].legend(loc="lower left", fontsize=8)
    return finish(fig)
