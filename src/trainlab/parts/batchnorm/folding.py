"""Folding an evaluation-mode batch norm into the linear layer before it (one affine map)."""

from __future__ import annotations

import torch
from torch import nn

from ..._checks import check_type
from ...nn import BatchNorm1d as _TrainlabBatchNorm1d


def fold_batch_norm(linear: nn.Linear, bn: nn.Module) -> nn.Linear:
    r"""One ``nn.Linear`` that computes ``bn(linear(x))`` with ``bn`` in evaluation mode.

    In evaluation mode BN is the fixed affine map
    :math:`y = \gamma\,(z - \hat\mu)/\sqrt{\hat\sigma^2 + \epsilon} + \beta` of
    :math:`z = W x + b`, so with :math:`s = \gamma / \sqrt{\hat\sigma^2 + \epsilon}` (per output
    feature) the pair is the single affine map

    .. math::

        W' = \operatorname{diag}(s)\, W, \qquad b' = s\,(b - \hat\mu) + \beta

    (:math:`b = 0` when ``linear`` has no bias; :math:`\gamma = 1, \beta = 0` when ``bn`` has no
    affine parameters).  The inputs are left untouched; the result is a new layer.

    Args:
        linear: the layer before BN, weight of shape ``(C, D)``.
        bn: a ``torch.nn.BatchNorm1d`` or ``trainlab.nn.BatchNorm1d`` over ``C`` features that
            tracks running statistics.

    Returns:
        ``nn.Linear(D, C)`` with a bias, same dtype and device as ``linear``; for ``x`` of shape
        ``(N, D)`` its output equals ``bn.eval()(linear(x))`` up to rounding.
    """
    func = "fold_batch_norm"
    check_type(linear, func, "linear", nn.Linear, "a torch.nn.Linear")
    check_type(bn, func, "bn", (nn.BatchNorm1d, _TrainlabBatchNorm1d), "a BatchNorm1d")
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError(f"{func}: expected bn to track running statistics (got track_running_stats=False)")
    if bn.num_features != linear.out_features:
        raise ValueError(
            f"{func}: expected bn.num_features == linear.out_features (got {bn.num_features} and {linear.out_features})"
        )
    with torch.no_grad():
        weight, mean, var = linear.weight, bn.running_mean.to(linear.weight), bn.running_var.to(linear.weight)
        bias = linear.bias if linear.bias is not None else torch.zeros_like(mean)
        gamma = bn.weight.to(weight) if bn.weight is not None else torch.ones_like(mean)
        beta = bn.bias.to(weight) if bn.bias is not None else torch.zeros_like(mean)
        scale = gamma / torch.sqrt(var + bn.eps)
        fused = nn.Linear(linear.in_features, linear.out_features, bias=True, device=weight.device, dtype=weight.dtype)
        fused.weight.copy_(scale[:, None] * weight)
        fused.bias.copy_(scale * (bias - mean) + beta)
    return fused
