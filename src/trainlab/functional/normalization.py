r"""Batch, layer, instance and group normalization as ``torch.autograd.Function``\ s whose
backward passes are the hand-derived ones (see :mod:`trainlab.numpy_ref.normalization`
for the same maths in NumPy, and the deep-level lessons for the derivation).

Signatures, argument order and defaults are those of ``torch.nn.functional``.
NaN/inf policy: values propagate as in PyTorch, except that a *training* batch whose
statistics are not finite raises ``ValueError`` before it would be folded into
``running_mean``/``running_var`` (one such batch would otherwise stay there for good).
"""

from __future__ import annotations

import torch

from ._checks import check_eps, check_int, check_momentum, check_param, check_running, check_tensor

__all__ = ["batch_norm", "layer_norm", "instance_norm", "group_norm"]


def _standardize_backward(dx_hat, x_hat, inv_std, dims):
    r""":math:`dx = \frac{1}{\sqrt{\sigma^2+\epsilon}}(d\hat x - \overline{d\hat x} - \hat x\,\overline{d\hat x\,\hat x})`,
    means over ``dims``: the gradient through a standardization with batch statistics."""
    mean_dx_hat = dx_hat.mean(dim=dims, keepdim=True)
    mean_dx_hat_x_hat = (dx_hat * x_hat).mean(dim=dims, keepdim=True)
    return inv_std * (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_x_hat)


def _affine(x_hat, weight, bias, shape):
    """``x_hat * weight + bias``, the parameters viewed as ``shape`` (either may be ``None``)."""
    if weight is not None and bias is not None:
        return torch.addcmul(bias.view(shape), x_hat, weight.view(shape))
    y = x_hat if weight is None else x_hat * weight.view(shape)
    return y if bias is None else y + bias.view(shape)


@torch.no_grad()
def _update_running(running_mean, running_var, mean, unbiased_var, momentum, func):
    """``running = (1 - momentum) * running + momentum * batch`` for both statistics, in place."""
    if not (torch.isfinite(mean).all() and torch.isfinite(unbiased_var).all()):
        raise ValueError(
            f"{func}: expected finite values in a training batch (got NaN or inf in the batch statistics); "
            "the running statistics were left unchanged"
        )
    running_mean.lerp_(mean.to(running_mean.dtype), momentum)       # lerp_: r + momentum * (batch - r)
    running_var.lerp_(unbiased_var.to(running_var.dtype), momentum)


class BatchNormFunction(torch.autograd.Function):
    r"""Batch norm over every axis but the channel axis 1; hand-written backward:

    :math:`d\beta = \sum dy`, :math:`d\gamma = \sum dy\,\hat x`,
    :math:`dx = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\big(dy - \frac{d\beta}{m} - \hat x\frac{d\gamma}{m}\big)`
    (training) or :math:`\frac{\gamma\,dy}{\sqrt{\hat\sigma^2+\epsilon}}` (running statistics).
    """

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, momentum, eps):
        dims = (0,) + tuple(range(2, x.dim()))                      # statistics per channel
        shape = (1, -1) + (1,) * (x.dim() - 2)                      # (C,) -> broadcastable
        if training:
            var, mean = torch.var_mean(x, dim=dims, correction=0, keepdim=True)   # biased: 1/m
            inv_std = torch.rsqrt(var + eps)
            if running_mean is not None:
                m = x.numel() // x.shape[1]
                _update_running(running_mean, running_var, mean.view(-1), var.view(-1) * (m / (m - 1)),
                                momentum, "batch_norm")             # Bessel's correction: 1/(m-1)
        else:
            mean = running_mean.view(shape)
            inv_std = torch.rsqrt(running_var + eps).view(shape)
        x_hat = (x - mean) * inv_std
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.training, ctx.dims, ctx.shape = training, dims, shape
        return _affine(x_hat, weight, bias, shape)

    @staticmethod
    def backward(ctx, dy):
        x_hat, inv_std, weight = ctx.saved_tensors
        dims, shape = ctx.dims, ctx.shape
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        dbias = dy.sum(dim=dims) if need_b else None                # dL/dbeta = sum dy
        dweight = (dy * x_hat).sum(dim=dims) if need_w else None    # dL/dgamma = sum dy * x_hat
        dx = None
        if need_x:
            dx_hat = dy if weight is None else dy * weight.view(shape)
            dx = _standardize_backward(dx_hat, x_hat, inv_std, dims) if ctx.training else dx_hat * inv_std
        return dx, dweight, dbias, None, None, None, None, None


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    r"""Batch normalization (Ioffe & Szegedy, 2015), as ``torch.nn.functional.batch_norm``.

    .. math::

        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma + \beta

    with the mean and *biased* variance over the batch and spatial axes of each channel
    in training, or ``running_mean``/``running_var`` in evaluation.  In training the
    running statistics (if given) are updated in place with the *unbiased* variance:
    ``running = (1 - momentum) * running + momentum * batch``.

    Args:
        input: ``(N, C)``, ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)`` float tensor.
        running_mean, running_var: ``(C,)`` tensors, or ``None`` (training only).
        weight, bias: ``(C,)`` tensors :math:`\gamma, \beta`, or ``None``. Default: ``None``.
        training: use (and update) batch statistics. Default: ``False``.
        momentum: weight of the new batch in the running update, in [0, 1]. Default: ``0.1``.
        eps: added to the variance. Default: ``1e-5``.

    Shape:
        output: the shape of ``input``.

    Example:
        >>> x = torch.tensor([[1.0, 10.0], [3.0, 30.0]])
        >>> batch_norm(x, None, None, training=True, eps=0.0)
        tensor([[-1., -1.],
                [ 1.,  1.]])
    """
    name = "batch_norm"
    check_tensor(input, name, ndims=(2, 3, 4, 5))
    C = input.shape[1]
    check_running(running_mean, running_var, name, C)
    check_param(weight, name, "weight", (C,))
    check_param(bias, name, "bias", (C,))
    check_eps(eps, name)
    if training:
        if input.numel() // max(C, 1) <= 1:
            raise ValueError(f"{name}: expected more than 1 value per channel when training (got input of shape {tuple(input.shape)})")
        if running_mean is not None:
            check_momentum(momentum, name)
    elif running_mean is None:
        raise ValueError(f"{name}: expected running_mean and running_var when training=False (got None)")
    return BatchNormFunction.apply(input, weight, bias, running_mean, running_var, bool(training), momentum, eps)


class LayerNormFunction(torch.autograd.Function):
    """Layer norm over the trailing ``k`` axes; hand-written backward."""

    @staticmethod
    def forward(ctx, x, k, weight, bias, eps):
        dims = tuple(range(x.dim() - k, x.dim()))
        var, mean = torch.var_mean(x, dim=dims, correction=0, keepdim=True)
        inv_std = torch.rsqrt(var + eps)
        x_hat = (x - mean) * inv_std
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.dims = dims
        shape = x.shape[x.dim() - k:]
        return _affine(x_hat, weight, bias, shape)

    @staticmethod
    def backward(ctx, dy):
        x_hat, inv_std, weight = ctx.saved_tensors
        dims = ctx.dims
        lead = tuple(range(dy.dim() - len(dims)))                   # the example axes
        need_x, _, need_w, need_b = ctx.needs_input_grad[:4]
        dbias = dy.sum(dim=lead) if need_b else None
        dweight = (dy * x_hat).sum(dim=lead) if need_w else None
        dx = None
        if need_x:
            dx_hat = dy if weight is None else dy * weight
            dx = _standardize_backward(dx_hat, x_hat, inv_std, dims)
        return dx, None, dweight, dbias, None


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    r"""Layer normalization (Ba, Kiros & Hinton, 2016), as ``torch.nn.functional.layer_norm``.

    Each example is standardized over its last ``len(normalized_shape)`` axes (mean and
    biased variance), then scaled and shifted elementwise; nothing depends on the other
    examples, so training and evaluation compute the same thing.

    Args:
        input: ``(*, *normalized_shape)`` float tensor.
        normalized_shape: int or sequence, the trailing shape to normalize over.
        weight, bias: tensors of shape ``normalized_shape``, or ``None``. Default: ``None``.
        eps: added to the variance. Default: ``1e-5``.

    Example:
        >>> layer_norm(torch.tensor([[1.0, 3.0]]), (2,), eps=0.0)
        tensor([[-1.,  1.]])
    """
    name = "layer_norm"
    check_tensor(input, name)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise ValueError(f"{name}: expected input of shape (*, {', '.join(map(str, shape))}) (got {tuple(input.shape)})")
    check_param(weight, name, "weight", shape)
    check_param(bias, name, "bias", shape)
    check_eps(eps, name)
    return LayerNormFunction.apply(input, k, weight, bias, eps)


class GroupNormFunction(torch.autograd.Function):
    """Group norm: statistics per (example, group of channels); hand-written backward."""

    @staticmethod
    def forward(ctx, x, num_groups, weight, bias, eps):
        grouped = x.reshape(x.shape[0], num_groups, -1)              # (N, G, C/G * spatial)
        var, mean = torch.var_mean(grouped, dim=2, correction=0, keepdim=True)
        inv_std = torch.rsqrt(var + eps)
        g_hat = (grouped - mean) * inv_std
        shape = (1, -1) + (1,) * (x.dim() - 2)
        ctx.save_for_backward(g_hat, inv_std, weight)
        ctx.x_shape, ctx.shape = x.shape, shape
        return _affine(g_hat.view(x.shape), weight, bias, shape)

    @staticmethod
    def backward(ctx, dy):
        g_hat, inv_std, weight = ctx.saved_tensors
        x_hat = g_hat.view(ctx.x_shape)
        per_channel = (0,) + tuple(range(2, dy.dim()))
        need_x, _, need_w, need_b = ctx.needs_input_grad[:4]
        dbias = dy.sum(dim=per_channel) if need_b else None
        dweight = (dy * x_hat).sum(dim=per_channel) if need_w else None
        dx = None
        if need_x:
            dx_hat = dy if weight is None else dy * weight.view(ctx.shape)
            dx = _standardize_backward(dx_hat.reshape(g_hat.shape), g_hat, inv_std, 2).view(ctx.x_shape)
        return dx, None, dweight, dbias, None


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    r"""Group normalization (Wu & He, 2018), as ``torch.nn.functional.group_norm``.

    The channels are split into ``num_groups`` groups of consecutive channels; each
    group of each example is standardized over its channels and spatial positions,
    then each channel is scaled and shifted.  ``num_groups=1``: layer norm over
    ``(C, *spatial)``; ``num_groups=C``: instance norm.

    Args:
        input: ``(N, C, *)`` float tensor.
        num_groups: number of groups, dividing ``C``.
        weight, bias: ``(C,)`` tensors, or ``None``. Default: ``None``.
        eps: added to the variance. Default: ``1e-5``.
    """
    name = "group_norm"
    check_tensor(input, name)
    if input.dim() < 2:
        raise ValueError(f"{name}: expected input of shape (N, C, *) (got {input.dim()}D input of shape {tuple(input.shape)})")
    C = input.shape[1]
    check_int(num_groups, name, "num_groups", minimum=1)
    if C % num_groups:
        raise ValueError(f"{name}: expected num_groups to divide the number of channels {C} (got num_groups={num_groups})")
    check_param(weight, name, "weight", (C,))
    check_param(bias, name, "bias", (C,))
    check_eps(eps, name)
    if input.numel() // max(input.shape[0] * num_groups, 1) <= 1:
        raise ValueError(f"{name}: expected more than 1 value per group (got input of shape {tuple(input.shape)})")
    return GroupNormFunction.apply(input, num_groups, weight, bias, eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    r"""Instance normalization (Ulyanov, Vedaldi & Lempitsky, 2016), as ``torch.nn.functional.instance_norm``.

    Every channel of every example is standardized over its spatial positions alone.
    It *is* batch norm applied to the input viewed as one example with ``N * C``
    channels, which is how it is computed here (reusing :class:`BatchNormFunction`).
    With ``use_input_stats`` the running statistics, if given, move towards the batch
    average of the per-instance mean and unbiased variance; without, they are used.

    Args:
        input: ``(N, C, *spatial)`` float tensor, at least one spatial axis.
        running_mean, running_var: ``(C,)`` tensors or ``None``. Default: ``None``.
        weight, bias: ``(C,)`` tensors or ``None``. Default: ``None``.
        use_input_stats: normalize with the instance statistics. Default: ``True``.
        momentum: weight of the new batch in the running update. Default: ``0.1``.
        eps: added to the variance. Default: ``1e-5``.
    """
    name = "instance_norm"
    check_tensor(input, name, ndims=(3, 4, 5))
    N, C = input.shape[:2]
    check_running(running_mean, running_var, name, C)
    check_param(weight, name, "weight", (C,))
    check_param(bias, name, "bias", (C,))
    check_eps(eps, name)
    if not use_input_stats:
        if running_mean is None:
            raise ValueError(f"{name}: expected running_mean and running_var when use_input_stats=False (got None)")
        return BatchNormFunction.apply(input, weight, bias, running_mean, running_var, False, momentum, eps)
    m = input[0, 0].numel()
    if m <= 1:
        raise ValueError(f"{name}: expected more than 1 spatial element per channel (got input of shape {tuple(input.shape)})")
    if running_mean is not None:
        check_momentum(momentum, name)
        with torch.no_grad():
            var, mean = torch.var_mean(input.reshape(N, C, -1), dim=2, correction=1)
            _update_running(running_mean, running_var, mean.mean(0), var.mean(0), momentum, name)
    as_batch = input.reshape(1, N * C, *input.shape[2:])
    w = None if weight is None else weight.repeat(N)
    b = None if bias is None else bias.repeat(N)
    return BatchNormFunction.apply(as_batch, w, b, None, None, True, momentum, eps).view(input.shape)
