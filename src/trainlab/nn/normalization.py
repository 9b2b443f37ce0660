"""Normalization layers that drop into ``torch.nn.Sequential`` in place of the native ones:
same constructor arguments and defaults, same parameters, buffers and ``state_dict`` keys
(so weights load both ways), forward passes computed by :mod:`trainlab.functional`.

As in ``torch/nn/modules/batchnorm.py``, a module is a thin stateful wrapper: it owns
``weight``/``bias`` and the running statistics and decides, from its ``training`` flag
(never from ``torch.is_grad_enabled()``), whether to use batch or running statistics.
Every constructor checks its arguments with :mod:`trainlab._checks` (``TypeError`` for a
wrong type, ``ValueError`` for a bad value), as does every ``forward`` its input.
"""

from __future__ import annotations

import torch
from torch import nn

from .. import functional as F
from .._checks import check_bool, check_eps, check_int, check_number, check_tensor
from ..functional._checks import check_normalized_shape

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "InstanceNorm2d", "GroupNorm"]


def _check_momentum(momentum, func):
    """A momentum in [0, 1], or ``None`` (a cumulative average)."""
    if momentum is None:
        return None
    return check_number(momentum, func, "momentum", 0.0, 1.0, hint=" or None")


def _check_channels(input, func, num_channels, dim=1):
    """``input`` has ``num_channels`` channels in dimension ``dim``."""
    if input.shape[dim] != num_channels:
        raise ValueError(
            f"{func}: expected {num_channels} channels in dimension {dim} (got input of shape {tuple(input.shape)})"
        )


class _NormBase(nn.Module):
    """Parameters and running statistics shared by batch norm and instance norm."""

    _version = 2

    def __init__(
        self,
        num_features,
        eps=1e-5,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        device=None,
        dtype=None,
        *,
        bias=True,
    ):
        super().__init__()
        name = type(self).__name__
        num_features = check_int(num_features, name, "num_features", minimum=1)
        eps = check_eps(eps, name)
        momentum = _check_momentum(momentum, name)
        affine = check_bool(affine, name, "affine")
        track_running_stats = check_bool(track_running_stats, name, "track_running_stats")
        bias = check_bool(bias, name, "bias")
        factory = {"device": device, "dtype": dtype}
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = nn.Parameter(torch.empty(num_features, **factory))  # gamma
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

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    _dims: tuple = ()

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        name = type(self).__name__
        check_tensor(input, name, ndims=self._dims)
        _check_channels(input, name, self.num_features)
        if not self.track_running_stats:  # batch statistics, in training and evaluation alike
            return F.batch_norm(input, None, None, self.weight, self.bias, True, 0.0, self.eps)
        if not self.training:  # the running statistics, left as they are
            return F.batch_norm(
                input, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps
            )
        # PyTorch's convention: momentum is the weight of the new batch; None means a cumulative
        # average, the new batch weighing 1 / (the number of batches, this one included).
        momentum = 1.0 / (int(self.num_batches_tracked) + 1) if self.momentum is None else self.momentum
        y = F.batch_norm(input, self.running_mean, self.running_var, self.weight, self.bias, True, momentum, self.eps)
        self.num_batches_tracked.add_(1)  # only once F.batch_norm has accepted the batch
        return y


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

    def __init__(
        self,
        num_features,
        eps=1e-5,
        momentum=0.1,
        affine=False,
        track_running_stats=False,
        device=None,
        dtype=None,
        *,
        bias=True,
    ):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        name = type(self).__name__
        check_tensor(input, name, ndims=(3, 4))
        unbatched = input.dim() == 3
        _check_channels(input, name, self.num_features, dim=0 if unbatched else 1)
        x = input.unsqueeze(0) if unbatched else input
        use_input_stats = self.training or not self.track_running_stats
        # As in PyTorch, instance norm does not count batches: momentum=None means 0 here.
        momentum = self.momentum if self.momentum is not None else 0.0
        y = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats, momentum, self.eps
        )
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
        name = "LayerNorm"
        self.normalized_shape = check_normalized_shape(normalized_shape, name, minimum=1)
        self.eps = check_eps(eps, name)
        self.elementwise_affine = elementwise_affine = check_bool(elementwise_affine, name, "elementwise_affine")
        bias = check_bool(bias, name, "bias")
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
        name = type(self).__name__
        check_tensor(input, name)
        k = len(self.normalized_shape)
        if tuple(input.shape[max(input.dim() - k, 0) :]) != self.normalized_shape:
            raise ValueError(
                f"{name}: expected input of shape (*, {', '.join(map(str, self.normalized_shape))}), "
                f"the normalized_shape (got input of shape {tuple(input.shape)})"
            )
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


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
        name = "GroupNorm"
        num_groups = check_int(num_groups, name, "num_groups", minimum=1)
        num_channels = check_int(num_channels, name, "num_channels", minimum=1)
        if num_channels % num_groups:
            raise ValueError(
                f"{name}: expected num_groups to divide num_channels={num_channels} (got num_groups={num_groups})"
            )
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps = check_eps(eps, name)
        self.affine = affine = check_bool(affine, name, "affine")
        bias = check_bool(bias, name, "bias")
        factory = {"device": device, "dtype": dtype}
        if affine:
            self.weight = nn.Parameter(torch.empty(num_channels, **factory))
            self.bias = nn.Parameter(torch.empty(num_channels, **factory)) if bias else None
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``weight`` back to 1 and ``bias`` to 0, as ``torch.nn.GroupNorm.reset_parameters``."""
        if self.affine:
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def forward(self, input):
        name = type(self).__name__
        check_tensor(input, name)
        if input.dim() < 2:
            raise ValueError(
                f"{name}: expected input of shape (N, C, *) (got {input.dim()}D input of shape {tuple(input.shape)})"
            )
        _check_channels(input, name, self.num_channels)  # not a weight's shape the user never chose
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"
