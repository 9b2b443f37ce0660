"""Normalization layers that drop into ``torch.nn.Sequential`` in place of the native ones:
same constructor arguments and defaults, same parameters, buffers and ``state_dict`` keys
(so weights load both ways), forward passes computed by :mod:`trainlab.functional`.

As in ``torch/nn/modules/batchnorm.py``, a module is a thin stateful wrapper: it owns
``weight``/``bias`` and the running statistics and decides, from its ``training`` flag
(never from ``torch.is_grad_enabled()``), whether to use batch or running statistics.
"""

from __future__ import annotations

import numbers

import torch
from torch import nn

from .. import functional as F

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm"]


def _check_features(func, num_features):
    if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
        raise ValueError(f"{func}: expected num_features to be a positive int (got {num_features!r})")


class _NormBase(nn.Module):
    """Parameters and running statistics shared by batch norm and instance norm."""

    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        _check_features(type(self).__name__, num_features)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{type(self).__name__}: expected momentum in [0, 1] or None (got {momentum!r})")
        factory = {"device": device, "dtype": dtype}
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = nn.Parameter(torch.empty(num_features, **factory))            # gamma
            self.bias = nn.Parameter(torch.empty(num_features, **factory)) if bias else None  # beta
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features, **factory))
            self.register_buffer("running_var", torch.ones(num_features, **factory))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def _momentum_for_this_batch(self) -> float:
        """PyTorch's convention: ``momentum`` is the weight of the new batch; ``None`` means a
        cumulative average, i.e. weight ``1 / num_batches_tracked``."""
        self.num_batches_tracked.add_(1)
        return 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    _dims: tuple = ()

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        name = type(self).__name__
        if not isinstance(input, torch.Tensor):
            raise TypeError(f"{name}: expected a torch.Tensor (got {type(input).__name__})")
        if input.dim() not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"{name}: expected {want} input (got {input.dim()}D input of shape {tuple(input.shape)})")
        if input.shape[1] != self.num_features:
            raise ValueError(f"{name}: expected {self.num_features} channels in dimension 1 (got input of shape {tuple(input.shape)})")
        use_batch_stats = self.training or not self.track_running_stats
        momentum = 0.0
        if self.training and self.track_running_stats:
            momentum = self._momentum_for_this_batch()
        track = self.track_running_stats and (self.training or not use_batch_stats)
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight, self.bias, use_batch_stats, momentum, self.eps,
        )


class BatchNorm1d(_BatchNorm):
    r"""Batch normalization over a 2D ``(N, C)`` or 3D ``(N, C, L)`` input (Ioffe & Szegedy, 2015).

    .. math::

        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma + \beta

    The mean and standard deviation are calculated per channel over the mini-batch (and
    ``L``); :math:`\gamma` (``weight``) starts at 1 and :math:`\beta` (``bias``) at 0.  The
    normalization uses the biased variance; the running variance stores the unbiased one.
    In training the running statistics move by
    :math:`\hat x_{new} = (1 - \text{momentum})\,\hat x + \text{momentum}\,x_t`
    (``momentum`` weights the *new* batch: the opposite of Keras's ``momentum=0.99``);
    ``momentum=None`` keeps a cumulative average.  After ``model.eval()`` they replace
    the batch statistics (unless ``track_running_stats=False``).

    Args:
        num_features: number of channels ``C``.
        eps: added to the variance. Default: ``1e-5``.
        momentum: weight of the new batch in the running statistics, or ``None``. Default: ``0.1``.
        affine: learn :math:`\gamma` and :math:`\beta`. Default: ``True``.
        track_running_stats: keep running statistics. Default: ``True``.
        bias: learn :math:`\beta` (keyword-only). Default: ``True``.

    Shape:
        input ``(N, C)`` or ``(N, C, L)``; output the same shape.

    Example:
        >>> bn = BatchNorm1d(3)
        >>> y = bn(torch.randn(16, 3) * 5 + 2)
        >>> torch.allclose(y.mean(dim=0), torch.zeros(3), atol=1e-5)
        True
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    r"""Batch normalization over a 4D ``(N, C, H, W)`` input: statistics per channel over
    ``N``, ``H`` and ``W``.  Everything else as :class:`BatchNorm1d`."""

    _dims = (4,)


class InstanceNorm2d(_NormBase):
    r"""Instance normalization (Ulyanov et al., 2016) over ``(N, C, H, W)`` or ``(C, H, W)``:
    every channel of every image standardized over its own ``H x W``.

    Defaults differ from batch norm, as in PyTorch: ``affine=False`` and
    ``track_running_stats=False`` (then training and evaluation both use the instance
    statistics).
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        name = type(self).__name__
        if not isinstance(input, torch.Tensor) or input.dim() not in (3, 4):
            shape = tuple(input.shape) if isinstance(input, torch.Tensor) else type(input).__name__
            raise ValueError(f"{name}: expected 3D or 4D input (got {shape})")
        unbatched = input.dim() == 3
        x = input.unsqueeze(0) if unbatched else input
        if x.shape[1] != self.num_features:
            raise ValueError(f"{name}: expected {self.num_features} channels in dimension {0 if unbatched else 1} "
                             f"(got input of shape {tuple(input.shape)})")
        use_input_stats = self.training or not self.track_running_stats
        # As in PyTorch, instance norm does not count batches: momentum=None means 0 here.
        momentum = self.momentum if self.momentum is not None else 0.0
        y = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            use_input_stats, momentum, self.eps)
        return y.squeeze(0) if unbatched else y


class LayerNorm(nn.Module):
    r"""Layer normalization (Ba, Kiros & Hinton, 2016) over the trailing ``normalized_shape``.

    Statistics per example, never per batch: the same in training and evaluation, and
    well defined for a batch of one, which is why recurrent networks and Transformers
    use it.  ``weight`` and ``bias`` are elementwise, of shape ``normalized_shape``.

    Args:
        normalized_shape: int or tuple, the trailing shape to normalize over.
        eps: added to the variance. Default: ``1e-5``.
        elementwise_affine: learn ``weight`` and ``bias``. Default: ``True``.
        bias: learn ``bias`` too. Default: ``True``.
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        if not self.normalized_shape or not all(isinstance(d, numbers.Integral) and d > 0 for d in self.normalized_shape):
            raise ValueError(f"LayerNorm: expected normalized_shape of positive ints (got {normalized_shape!r})")
        self.eps, self.elementwise_affine = eps, elementwise_affine
        factory = {"device": device, "dtype": dtype}
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(self.normalized_shape, **factory))
            self.bias = nn.Parameter(torch.zeros(self.normalized_shape, **factory)) if bias else None
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(nn.Module):
    r"""Group normalization (Wu & He, 2018): ``num_channels`` split into ``num_groups``
    groups, each standardized per example over its channels and spatial positions.

    Independent of the batch size, so it keeps working with batches of 1 or 2 where
    batch norm's statistics become noise.  ``num_groups=1`` is layer norm over
    ``(C, H, W)``, ``num_groups=num_channels`` instance norm (with per-channel affine).

    Args:
        num_groups: number of groups, dividing ``num_channels``.
        num_channels: number of channels ``C``.
        eps: added to the variance. Default: ``1e-5``.
        affine: learn per-channel ``weight`` and ``bias``. Default: ``True``.
        bias: learn ``bias`` (keyword-only). Default: ``True``.
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        _check_features("GroupNorm", num_channels)
        if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: expected num_groups to divide num_channels={num_channels} (got num_groups={num_groups!r})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        factory = {"device": device, "dtype": dtype}
        if affine:
            self.weight = nn.Parameter(torch.ones(num_channels, **factory))
            self.bias = nn.Parameter(torch.zeros(num_channels, **factory)) if bias else None
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"
