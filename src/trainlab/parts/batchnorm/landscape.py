"""Tools for "why does BN work?": the noisy-BN layer, a measurement of a layer's input drift
and the loss-landscape probes of Santurkar, Tsipras, Ilyas & Mądry (2018, "How Does Batch
Normalization Help Optimization?")."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ..._checks import check_generator, check_int, check_number, check_tensor, check_type, got
from ...data import Split, check_labels
from ...figures import finish
from ...i18n import _, fmt


def _check_noise(func, mean_spread, max_variance, generator):
    check_number(mean_spread, func, "mean_spread", low=0.0)
    check_number(max_variance, func, "max_variance", low=0.0)
    check_generator(generator, func)


class ActivationNoise(nn.Module):
    r"""Santurkar et al.'s "noisy BN" as their Sec. 2.1 describes it: in training only, every
    activation of every example gets its own i.i.d. noise, from a distribution with non-zero
    mean and non-unit variance that changes at every step.  At each call (one training step)
    the layer draws a mean :math:`\mu_t \sim \mathcal U(-\text{mean\_spread}, \text{mean\_spread})`
    and a variance :math:`v_t \sim \mathcal U(0, \text{max\_variance})`, then returns
    :math:`y_{ij} + \mu_t + \sqrt{v_t}\,\varepsilon_{ij}`, :math:`\varepsilon_{ij} \sim \mathcal N(0, 1)`
    i.i.d. over examples :math:`i` and units :math:`j` (input and output ``(N, C)``).  The
    exact distributions of the paper's appendix are not reproduced: this is one choice that
    fits the description.  Identity in evaluation.

    Args:
        mean_spread: half-width of the range of the noise's mean, >= 0. Default: ``1.0``.
        max_variance: upper end of the range of the noise's variance, >= 0. Default: ``1.0``.
        generator: ``torch.Generator`` for the noise (keyword-only). Default: ``None``.
    """

    def __init__(self, mean_spread: float = 1.0, max_variance: float = 1.0, *, generator=None):
        super().__init__()
        _check_noise("ActivationNoise", mean_spread, max_variance, generator)
        self.mean_spread, self.max_variance, self.generator = mean_spread, max_variance, generator

    def forward(self, x):
        if not self.training:
            return x
        mean = self.mean_spread * (2 * torch.rand((), generator=self.generator, dtype=x.dtype) - 1)
        variance = self.max_variance * torch.rand((), generator=self.generator, dtype=x.dtype)
        return x + mean + variance.sqrt() * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)

    def extra_repr(self):
        return f"mean_spread={self.mean_spread}, max_variance={self.max_variance}"


def add_noise_after_batch_norm(
    model: nn.Sequential, mean_spread: float = 1.0, max_variance: float = 1.0, generator=None
) -> nn.Sequential:
    """A copy of ``model`` with an :class:`ActivationNoise` after every ``BatchNorm1d``.

    Args:
        model: an ``nn.Sequential`` (its top-level layers are scanned).
        mean_spread, max_variance, generator: as :class:`ActivationNoise`.
    """
    check_type(model, "add_noise_after_batch_norm", "model", nn.Sequential, "a torch.nn.Sequential")
    _check_noise("add_noise_after_batch_norm", mean_spread, max_variance, generator)
    layers = []
    for layer in model:
        layers.append(layer)
        if isinstance(layer, nn.BatchNorm1d):
            layers.append(ActivationNoise(mean_spread, max_variance, generator=generator))
    return nn.Sequential(*layers)


class InputDrift:
    r"""Records, at every training-mode call of ``layer``, the mean :math:`\mu_{t,j}` and standard
    deviation :math:`\sigma_{t,j}` over the batch of each unit :math:`j` of its ``(N, D)`` input:
    the distribution whose change Ioffe & Szegedy call internal covariate shift.  Use
    ``with drift.paused():`` around calls that are no training step (probes); ``remove()``
    detaches it.

    Args:
        layer: the ``torch.nn.Module`` whose input is watched.
    """

    def __init__(self, layer: nn.Module):
        check_type(layer, "InputDrift", "layer", nn.Module, "a torch.nn.Module")
        self.means, self.stds, self.active = [], [], True
        self._handle = layer.register_forward_pre_hook(self._record)

    def _record(self, module, inputs):
        if self.active and module.training:
            x = inputs[0].detach().reshape(len(inputs[0]), -1)
            self.means.append(x.mean(0))
            self.stds.append(x.std(0))

    @contextmanager
    def paused(self):
        """Record nothing inside the ``with`` block."""
        self.active, was = False, self.active
        try:
            yield self
        finally:
            self.active = was

    def remove(self):
        """Stop recording (the records stay)."""
        self._handle.remove()

    def changes(self) -> dict:
        r"""The input's change between consecutive steps, in units of its typical spread
        :math:`\bar\sigma_{t-1} = \operatorname{mean}_j \sigma_{t-1,j}`: ``"mean"``, with entries
        :math:`\operatorname{mean}_j |\mu_{t,j} - \mu_{t-1,j}| / \bar\sigma_{t-1}`, and ``"std"``,
        with :math:`\operatorname{mean}_j |\sigma_{t,j} - \sigma_{t-1,j}| / \bar\sigma_{t-1}`
        (NumPy arrays, one entry per step after the first)."""
        if len(self.means) < 2:
            raise ValueError(f"InputDrift.changes: expected at least two recorded steps (got {len(self.means)})")
        mu, sd = torch.stack(self.means).double(), torch.stack(self.stds).double()
        scale = sd[:-1].mean(1).clamp_min(torch.finfo(torch.float64).tiny)
        return {
            "mean": ((mu[1:] - mu[:-1]).abs().mean(1) / scale).numpy(),
            "std": ((sd[1:] - sd[:-1]).abs().mean(1) / scale).numpy(),
        }


def _check_probe(func, model, x, y):
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, func, "x")
    check_labels(y, func, "y")
    if x.dim() == 0 or len(x) != len(y):
        raise ValueError(f"{func}: expected one label in y per example of x, {len(x) if x.dim() else 0} (got {len(y)})")
    if next(iter(model.parameters()), None) is None:
        raise ValueError(f"{func}: expected model to have parameters (got {type(model).__name__} without any)")


def _check_steps(func, steps, arg="steps", low_open=True):
    if isinstance(steps, (str, bytes)) or not hasattr(steps, "__iter__"):
        raise TypeError(f"{func}: expected {arg} to be a tuple of step sizes (got {got(steps)})")
    steps = tuple(steps)
    if not steps:
        raise ValueError(f"{func}: expected at least one step size in {arg} (got {steps!r})")
    for i, eta in enumerate(steps):
        check_number(eta, func, f"{arg}[{i}]", low=0.0, low_open=low_open)
    return steps


@contextmanager
def _restored(model):
    """Parameters, buffers (running statistics) and training mode as they were, after the block."""
    params = list(model.parameters())
    saved = [p.detach().clone() for p in params]
    buffers = {k: v.clone() for k, v in model.state_dict().items() if not any(v is p for p in params)}
    was_training = model.training
    try:
        yield params, saved
    finally:
        with torch.no_grad():
            for p, p0 in zip(params, saved):
                p.copy_(p0)
        model.load_state_dict({**model.state_dict(), **buffers})
        model.zero_grad(set_to_none=True)
        model.train(was_training)


def _move(params, saved, g, eta):
    """Set the parameters to ``saved - eta * g`` (``g`` flat, in ``params`` order)."""
    with torch.no_grad():
        offset = 0
        for p, p0 in zip(params, saved):
            n = p.numel()
            p.copy_(p0 - eta * g[offset : offset + n].view_as(p))
            offset += n


def _loss_and_grad(model, x, y):
    model.zero_grad(set_to_none=True)
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    grad = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    return loss.item(), grad


def probe_along_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps=(0.05, 0.1, 0.2, 0.4)) -> dict:
    r"""Santurkar et al. (2018, Fig. 4) at the current parameters :math:`w`, on the batch ``(x, y)``,
    in training mode: with :math:`g = \nabla L(w)`, move to :math:`w - \eta g` for each
    :math:`\eta` in ``steps`` and report

    - ``loss_range``: max minus min of :math:`L(w - \eta g)` over the steps ("variation of the loss");
    - ``grad_change``: max of :math:`\lVert \nabla L(w - \eta g) - g \rVert` over the steps
      ("gradient predictiveness": small means the gradient stays a good guide);
    - ``smoothness``: max of :math:`\lVert \nabla L(w - \eta g) - g \rVert / \lVert \eta g \rVert`
      over the steps, an estimate of the smoothness constant :math:`K` along the gradient (the
      paper's "effective β-smoothness", Fig. 4c): the gradient's change per unit of distance
      moved, which does not shrink merely because the gradient is small.

    The parameters, buffers (running statistics) and training mode are restored afterwards.

    Args:
        model: a ``torch.nn.Module`` with parameters.
        x: floating ``torch.Tensor`` batch of inputs.
        y: ``torch.Tensor`` of int64 class labels, one per example of ``x``.
        steps: the step sizes :math:`\eta`, at least one, each > 0. Default: ``(0.05, 0.1, 0.2, 0.4)``.
    """
    func = "probe_along_gradient"
    _check_probe(func, model, x, y)
    steps = _check_steps(func, steps)
    losses, changes, smoothness = [], [], []
    with _restored(model) as (params, saved), torch.enable_grad():
        model.train()
        _, g = _loss_and_grad(model, x, y)
        g_norm, tiny = float(g.norm()), torch.finfo(g.dtype).tiny
        for eta in steps:
            _move(params, saved, g, eta)
            loss, g_eta = _loss_and_grad(model, x, y)
            losses.append(loss)
            changes.append(float((g_eta - g).norm()))
            smoothness.append(changes[-1] / max(eta * g_norm, tiny))
    return {"loss_range": max(losses) - min(losses), "grad_change": max(changes), "smoothness": max(smoothness)}


def loss_along_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor, etas=(0.0, 0.1, 0.2, 0.3, 0.4)) -> list:
    r"""The loss :math:`L(w - \eta g)` on the batch ``(x, y)`` for each :math:`\eta` in ``etas``,
    with :math:`w` the current parameters and :math:`g = \nabla L(w)`, in training mode: the
    landscape along the gradient that Santurkar et al. (2018, Fig. 4a) summarize by its range.
    Parameters, buffers and training mode are restored afterwards.

    Args:
        model, x, y: as :func:`probe_along_gradient`.
        etas: step sizes, at least one, each >= 0. Default: ``(0.0, 0.1, 0.2, 0.3, 0.4)``.
    """
    func = "loss_along_gradient"
    _check_probe(func, model, x, y)
    etas = _check_steps(func, etas, "etas", low_open=False)
    losses = []
    with _restored(model) as (params, saved), torch.enable_grad():
        model.train()
        _, g = _loss_and_grad(model, x, y)
        for eta in etas:
            _move(params, saved, g, eta)
            with torch.no_grad():
                losses.append(nn.functional.cross_entropy(model(x), y).item())
    return losses


def train_and_probe(model: nn.Module, data: Split, probe_x, probe_y, watch: nn.Module, etas, curve_step: int, **train):
    r""":func:`trainlab.training.train_steps` on ``model`` with, at every measurement,
    :func:`probe_along_gradient` on ``(probe_x, probe_y)`` (the probes) and, at step
    ``curve_step``, :func:`loss_along_gradient` over ``etas``; meanwhile an :class:`InputDrift`
    records the input of the layer ``watch`` at every training step (not during the probes).

    Returns ``(history, drift, curve)``: the :class:`~trainlab.training.StepHistory`, the
    :meth:`InputDrift.changes` dict and the list of losses along the gradient.

    Args:
        model: the network; ``watch`` must be one of its modules.
        data: a :class:`~trainlab.data.Split`.
        probe_x, probe_y: the fixed probe batch, as ``x, y`` of :func:`probe_along_gradient`.
        watch: the module whose input is recorded.
        etas: as :func:`loss_along_gradient`.
        curve_step: the measurement step (a multiple of ``eval_every``) at which the curve is drawn.
        **train: ``steps``, ``lr``, ``batch_size``, ``eval_every``, ``seed`` of ``train_steps``.
    """
    from ...training import train_steps

    func = "train_and_probe"
    _check_probe(func, model, probe_x, probe_y)
    check_type(watch, func, "watch", nn.Module, "a torch.nn.Module")
    if not any(m is watch for m in model.modules()):
        raise ValueError(f"{func}: expected watch to be a module of model (got {type(watch).__name__} outside it)")
    etas = _check_steps(func, etas, "etas", low_open=False)
    check_int(curve_step, func, "curve_step", minimum=1)
    drift, curve, every = InputDrift(watch), [], train.get("eval_every", 100)
    calls = []

    def probe(net):
        calls.append(None)
        with drift.paused():
            if len(calls) * every == curve_step:
                curve.extend(loss_along_gradient(net, probe_x, probe_y, etas))
            return probe_along_gradient(net, probe_x, probe_y)

    try:
        history = train_steps(model, data, probe=probe, **train)
    finally:
        drift.remove()
    if not curve:
        raise ValueError(
            f"{func}: expected curve_step to be one of the measurement steps {history.steps} (got {curve_step})"
        )
    return history, drift.changes(), curve


def plot_loss_along_gradient(curves: dict, etas, step: int):
    r"""Santurkar et al. (2018, Fig. 4a) at one checkpoint: :math:`L(w - \eta g)` against :math:`\eta`,
    one line per network.

    Args:
        curves: ``{label: losses}``, each a list of losses, one per entry of ``etas``.
        etas: the step sizes :math:`\eta`.
        step: the training step of the checkpoint (for the title).
    """
    func = "plot_loss_along_gradient"
    etas = _check_steps(func, etas, "etas", low_open=False)
    check_int(step, func, "step", minimum=0)
    if not isinstance(curves, dict) or not curves:
        raise TypeError(f"{func}: expected curves to be a non-empty {{label: losses}} dict (got {got(curves)})")
    for label, losses in curves.items():
        if isinstance(losses, (str, bytes)) or not hasattr(losses, "__len__") or len(losses) != len(etas):
            raise ValueError(f"{func}: expected one loss per step size, {len(etas)}, for {label!r} (got {got(losses)})")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for label, losses in curves.items():
        ax.plot(etas, np.asarray(losses, dtype=float), marker="o", label=_(label))
    ax.set(
        title=_("Loss along the gradient at step") + " " + fmt(step),
        xlabel=_("step size η"),
        ylabel=r"$L(w - \eta g)$",
    )
    ax.legend(fontsize=8)
    return finish(fig)


def plot_training_loss(histories: dict):
    """The training loss of each run against steps (log scale): each point is the mean of the
    mini-batch losses over the interval that ends there (``StepHistory.train_loss``).

    Args:
        histories: ``{label: StepHistory}`` from :func:`trainlab.training.train_steps`.
    """
    from ...figures import check_runs

    check_runs(histories, "plot_training_loss", "StepHistory", ("steps", "train_loss"))
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for label, h in histories.items():
        ax.plot(h.steps, h.train_loss, marker="o", markersize=3, label=_(label))
    ax.set(title=_("Training loss"), xlabel=_("training steps"), ylabel=_("loss"), yscale="log")
    ax.legend(fontsize=8)
    return finish(fig)
