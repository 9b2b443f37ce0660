"""Tools for "why does BN work?": the noisy-BN layer and the loss-landscape probes of
Santurkar, Tsipras, Ilyas & Mądry (2018, "How Does Batch Normalization Help Optimization?")."""

from __future__ import annotations

import torch
from torch import nn

from ..._checks import check_generator, check_number, check_tensor, check_type, got
from ...data import check_labels


def _check_spreads(func, scale_spread, shift_spread, generator):
    check_number(scale_spread, func, "scale_spread", 0.0, 2.0, high_open=True)
    check_number(shift_spread, func, "shift_spread", low=0.0)
    check_generator(generator, func)


class NoisyShift(nn.Module):
    r"""Santurkar et al.'s "noisy BN" (Sec. 2.1): after a BN layer, in training only, scale and
    shift every unit by random amounts *redrawn at every step*, :math:`y' = s \odot y + m` with
    :math:`s \sim \mathcal U(1 - \text{scale\_spread}/2,\ 1 + \text{scale\_spread}/2)` and
    :math:`m \sim \mathcal U(-\text{shift\_spread}, \text{shift\_spread})` per unit.  At any
    step the next layer's input has a non-zero mean and a non-unit variance, different from
    the last step's: deliberately large "internal covariate shift".  Identity in evaluation
    (the noise's average).

    Args:
        scale_spread: width of the random scale's range around 1, in [0, 2). Default: ``1.0``.
        shift_spread: half-width of the random shift's range. Default: ``1.0``.
        generator: ``torch.Generator`` for the noise (keyword-only). Default: ``None``.
    """

    def __init__(self, scale_spread: float = 1.0, shift_spread: float = 1.0, *, generator=None):
        super().__init__()
        _check_spreads("NoisyShift", scale_spread, shift_spread, generator)
        self.scale_spread, self.shift_spread, self.generator = scale_spread, shift_spread, generator

    def forward(self, x):
        if not self.training:
            return x
        units = x.shape[1]
        scale = 1 + self.scale_spread * (torch.rand(units, generator=self.generator, dtype=x.dtype) - 0.5)
        shift = self.shift_spread * (2 * torch.rand(units, generator=self.generator, dtype=x.dtype) - 1)
        return x * scale + shift

    def extra_repr(self):
        return f"scale_spread={self.scale_spread}, shift_spread={self.shift_spread}"


def add_noise_after_batch_norm(
    model: nn.Sequential, scale_spread: float = 1.0, shift_spread: float = 1.0, generator=None
) -> nn.Sequential:
    """A copy of ``model`` with a :class:`NoisyShift` after every ``BatchNorm1d``.

    Args:
        model: an ``nn.Sequential`` (its top-level layers are scanned).
        scale_spread, shift_spread, generator: as :class:`NoisyShift`.
    """
    check_type(model, "add_noise_after_batch_norm", "model", nn.Sequential, "a torch.nn.Sequential")
    _check_spreads("add_noise_after_batch_norm", scale_spread, shift_spread, generator)
    layers = []
    for layer in model:
        layers.append(layer)
        if isinstance(layer, nn.BatchNorm1d):
            layers.append(NoisyShift(scale_spread, shift_spread, generator=generator))
    return nn.Sequential(*layers)


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
    - ``beta_smoothness``: max of :math:`\lVert \nabla L(w - \eta g) - g \rVert / \lVert \eta g \rVert`
      over the steps ("effective :math:`\beta`-smoothness", Fig. 4c): the gradient's change per
      unit of distance moved, which does not shrink merely because the gradient is small.

    The parameters, buffers (running statistics) and training mode are restored afterwards.

    Args:
        model: a ``torch.nn.Module`` with parameters.
        x: floating ``torch.Tensor`` batch of inputs.
        y: ``torch.Tensor`` of int64 class labels, one per example of ``x``.
        steps: the step sizes :math:`\eta`, at least one, each > 0. Default: ``(0.05, 0.1, 0.2, 0.4)``.
    """
    func = "probe_along_gradient"
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, func, "x")
    check_labels(y, func, "y")
    if x.dim() == 0 or len(x) != len(y):
        raise ValueError(f"{func}: expected one label in y per example of x, {len(x) if x.dim() else 0} (got {len(y)})")
    if isinstance(steps, (str, bytes)) or not hasattr(steps, "__iter__"):
        raise TypeError(f"{func}: expected steps to be a tuple of step sizes (got {got(steps)})")
    steps = tuple(steps)
    if not steps:
        raise ValueError(f"{func}: expected at least one step size in steps (got {steps!r})")
    for i, eta in enumerate(steps):
        check_number(eta, func, f"steps[{i}]", low=0.0, low_open=True)
    if next(iter(model.parameters()), None) is None:
        raise ValueError(f"{func}: expected model to have parameters (got {type(model).__name__} without any)")
    params = [p for p in model.parameters()]
    saved = [p.detach().clone() for p in params]
    buffers = {k: v.clone() for k, v in model.state_dict().items() if not any(v is p for p in params)}
    was_training = model.training
    model.train()
    losses, changes, smoothness = [], [], []
    with torch.enable_grad():
        _, g = _loss_and_grad(model, x, y)
        g_norm, tiny = float(g.norm()), torch.finfo(g.dtype).tiny
        for eta in steps:
            with torch.no_grad():
                offset = 0
                for p, p0 in zip(params, saved):
                    n = p.numel()
                    p.copy_(p0 - eta * g[offset : offset + n].view_as(p))
                    offset += n
            loss, g_eta = _loss_and_grad(model, x, y)
            losses.append(loss)
            changes.append(float((g_eta - g).norm()))
            smoothness.append(changes[-1] / max(eta * g_norm, tiny))
    with torch.no_grad():
        for p, p0 in zip(params, saved):
            p.copy_(p0)
    model.load_state_dict({**model.state_dict(), **buffers})
    model.zero_grad(set_to_none=True)
    model.train(was_training)
    return {"loss_range": max(losses) - min(losses), "grad_change": max(changes), "beta_smoothness": max(smoothness)}
