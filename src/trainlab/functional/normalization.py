r"""Batch, layer, instance and group normalization as ``torch.autograd.Function``\ s whose
backward passes are the hand-derived ones (see :mod:`trainlab.numpy_ref.normalization`
for the same maths in NumPy, and the deep-level lessons for the derivation).

Signatures, argument order and defaults are those of ``torch.nn.functional``.
NaN/inf policy: values propagate as in PyTorch, except that a *training* batch whose
statistics are not finite raises ``ValueError`` before it would be folded into
``running_mean``/``running_var`` (one such batch would otherwise stay there for good).
A zero-size input (a batch of 0 examples, say) gives an empty output, zero gradients for
``weight`` and ``bias`` and unchanged running statistics, as in PyTorch.
"""

from __future__ import annotations

import torch

from ._checks import (
    check_bool,
    check_eps,
    check_int,
    check_momentum,
    check_normalized_shape,
    check_param,
    check_running,
    check_tensor,
)

__all__ = ["batch_norm", "layer_norm", "instance_norm", "group_norm"]


def _centre(x, dims):
    r"""``(mu, x_mu, var)``: the mean over ``dims``, the centred input :math:`x - \mu` and the
    biased variance, in two passes (mean, then mean of squares about it: no cancellation).
    ``torch.var_mean`` gives the same numbers by Welford's one-pass algorithm, but on the
    CPU it runs several times slower than these two plain reductions."""
    mu = x.mean(dim=dims, keepdim=True)  # mu = 1/m sum x
    x_mu = x - mu
    var = x_mu.square().mean(dim=dims, keepdim=True)  # sigma^2 = 1/m sum (x - mu)^2   (biased)
    return mu, x_mu, var


def _affine(x_hat, weight, bias, shape):
    """``x_hat * weight + bias``, the parameters viewed as ``shape`` (either may be ``None``)."""
    if weight is not None and bias is not None:
        return torch.addcmul(bias.view(shape), x_hat, weight.view(shape))
    y = x_hat if weight is None else x_hat * weight.view(shape)
    return y if bias is None else y + bias.view(shape)


def _empty_result(input, weight, bias, shape):
    """The output for a zero-size ``input``: empty, yet part of the graph, so that ``weight``
    and ``bias`` get zero gradients (sums over no values), as torch gives them."""
    return _affine(input * 0, weight, bias, shape)


@torch.no_grad()
def _update_running(running_mean, running_var, mean, unbiased_var, momentum, func):
    """``running = (1 - momentum) * running + momentum * batch`` for both statistics, in place."""
    if not (torch.isfinite(mean).all() and torch.isfinite(unbiased_var).all()):
        raise ValueError(
            f"{func}: expected finite values in a training batch (got NaN or inf in the batch statistics); "
            "the running statistics were left unchanged"
        )
    running_mean.lerp_(mean.to(running_mean.dtype), momentum)  # lerp_: r + momentum * (batch - r)
    running_var.lerp_(unbiased_var.to(running_var.dtype), momentum)


class BatchNormFunction(torch.autograd.Function):
    r"""Batch norm over every axis but the channel axis 1; hand-written backward:

    :math:`d\beta = \sum dy`, :math:`d\gamma = \sum dy\,\hat x`,
    :math:`dx = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\big(dy - \frac{d\beta}{m} - \hat x\frac{d\gamma}{m}\big)`
    (training) or :math:`\frac{\gamma\,dy}{\sqrt{\hat\sigma^2+\epsilon}}` (running statistics).

    Every factor but ``dy`` and :math:`\hat x` is one number per channel, so ``dx`` is
    :math:`a\,dy + b\,(x - \mu) + c` with per-channel ``a, b, c``: two reductions, then two
    fused passes (``addcmul``) and no other full-size temporary; that is where the speed
    comes from.  The forward keeps :math:`x - \mu`, which it computes anyway, rather than
    :math:`\hat x`, and folds :math:`\gamma/\sqrt{\sigma^2+\epsilon}` into one scale per channel.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, momentum, eps):
        dims = (0,) + tuple(range(2, x.dim()))  # statistics per channel
        shape = (1, -1) + (1,) * (x.dim() - 2)  # (C,) -> broadcastable
        if training:
            mean, x_mu, var = _centre(x, dims)
            inv_std = torch.rsqrt(var + eps)  # 1 / sqrt(sigma^2 + eps)
            if running_mean is not None:
                m = x.numel() // x.shape[1]
                _update_running(
                    running_mean, running_var, mean.view(-1), var.view(-1) * (m / (m - 1)), momentum, "batch_norm"
                )  # Bessel's correction: 1/(m-1)
        else:
            x_mu = x - running_mean.view(shape)
            inv_std = torch.rsqrt(running_var + eps).view(shape)
        scale = inv_std if weight is None else inv_std * weight.view(shape)  # gamma / sqrt(sigma^2 + eps)
        ctx.save_for_backward(x_mu, inv_std, weight)
        ctx.training, ctx.dims, ctx.shape = training, dims, shape
        if bias is None:
            return x_mu * scale
        return torch.addcmul(bias.view(shape), x_mu, scale)  # y = gamma * x_hat + beta

    @staticmethod
    def backward(ctx, dy):
        x_mu, inv_std, weight = ctx.saved_tensors  # x_hat = x_mu * inv_std
        dims, shape = ctx.dims, ctx.shape
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        need_sums = need_w or need_b or (need_x and ctx.training)
        if need_sums:
            dbeta = dy.sum(dim=dims, keepdim=True)  # dL/dbeta = sum dy
            dgamma = (dy * x_mu).sum(dim=dims, keepdim=True) * inv_std  # dL/dgamma = sum dy * x_hat
        dx = None
        if need_x:
            a = inv_std if weight is None else inv_std * weight.view(shape)  # gamma / sqrt(sigma^2 + eps)
            if ctx.training:
                m = dy.numel() // dy.shape[1]  # values per channel
                b = -a * inv_std * dgamma / m  # the path through sigma^2 (x_hat = x_mu * inv_std)
                c = -a * dbeta / m  # the path through mu
                dx = torch.addcmul(c, x_mu, b).addcmul_(dy, a)  # dx = a dy + b (x - mu) + c
            else:
                dx = dy * a  # running statistics are constants
        dweight = dgamma.view(-1) if need_w else None
        dbias = dbeta.view(-1) if need_b else None
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
    _check_batch_norm_args(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if input.numel() == 0:  # an empty batch: nothing to normalize
        return _empty_result(input, weight, bias, (1, -1) + (1,) * (input.dim() - 2))
    return BatchNormFunction.apply(input, weight, bias, running_mean, running_var, bool(training), momentum, eps)


def _check_batch_norm_args(input, running_mean, running_var, weight, bias, training, momentum, eps):
    """The argument checks of :func:`batch_norm` (shared with :mod:`tools.compiled`)."""
    name = "batch_norm"
    check_tensor(input, name, ndims=(2, 3, 4, 5))
    C = input.shape[1]
    check_running(running_mean, running_var, name, C)
    check_param(weight, name, "weight", (C,))
    check_param(bias, name, "bias", (C,))
    training = check_bool(training, name, "training")
    check_momentum(momentum, name)
    check_eps(eps, name)
    if training:
        if input.shape[0] * input.shape[2:].numel() == 1:  # one value per channel (torch's rule)
            raise ValueError(
                f"{name}: expected more than 1 value per channel when training (got input of shape {tuple(input.shape)})"
            )
    elif running_mean is None:
        raise ValueError(f"{name}: expected running_mean and running_var when training=False (got None)")


class LayerNormFunction(torch.autograd.Function):
    r"""Layer norm over the trailing ``k`` axes; hand-written backward.

    The input seen as ``(rows, D)``, ``D`` values normalized together, and
    :math:`d\hat x = \gamma\,dy`: :math:`d\beta = \sum_{rows} dy`, :math:`d\gamma = \sum_{rows} dy\,\hat x`,
    :math:`dx = \frac{1}{\sqrt{\sigma^2+\epsilon}}\big(d\hat x - \overline{d\hat x} - \hat x\,\overline{d\hat x\,\hat x}\big)`,
    bars being means over a row.  Both row means are matrix-vector products with
    :math:`\gamma` (:math:`\overline{d\hat x} = dy\,\gamma / D`), and ``dx`` is then
    :math:`d\hat x/\sigma + b\,\hat x + c` with one ``b, c`` per row: two fused passes.
    """

    @staticmethod
    def forward(ctx, x, k, weight, bias, eps):
        norm_shape = x.shape[x.dim() - k :]
        rows = x.reshape(-1, norm_shape.numel())  # (rows, D): one example a row
        _, x_mu, var = _centre(rows, (1,))
        inv_std = torch.rsqrt(var + eps)  # 1 / sqrt(sigma^2 + eps), (rows, 1)
        x_hat = x_mu.mul_(inv_std)  # in place: x - mu is not needed again
        ctx.save_for_backward(x_hat, inv_std, weight)
        ctx.norm_shape, ctx.x_shape = norm_shape, x.shape
        return _affine(x_hat.view(x.shape), weight, bias, norm_shape)

    @staticmethod
    def backward(ctx, dy):
        x_hat_rows, inv_std, weight = ctx.saved_tensors  # (rows, D), (rows, 1)
        need_x, _, need_w, need_b = ctx.needs_input_grad[:4]
        rows, D = x_hat_rows.shape
        dy_rows = dy.reshape(rows, D)
        dy_x_hat = dy_rows * x_hat_rows if (need_w or need_x) else None
        dbias = dy_rows.sum(0).view(ctx.norm_shape) if need_b else None  # dL/dbeta = sum dy
        dweight = dy_x_hat.sum(0).view(ctx.norm_shape) if need_w else None  # dL/dgamma = sum dy * x_hat
        dx = None
        if need_x:
            if weight is None:
                dx_hat = dy_rows
                mean_dx_hat = dy_rows.mean(1, keepdim=True)
                mean_dx_hat_x_hat = dy_x_hat.mean(1, keepdim=True)
            else:
                gamma = weight.reshape(D)
                dx_hat = dy_rows * gamma  # dL/dx_hat = gamma * dy
                mean_dx_hat = (dy_rows @ gamma).view(rows, 1) / D  # row mean of gamma * dy
                mean_dx_hat_x_hat = (dy_x_hat @ gamma).view(rows, 1) / D  # row mean of gamma * dy * x_hat
            # dx = inv_std * (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_x_hat)
            b, c = -inv_std * mean_dx_hat_x_hat, -inv_std * mean_dx_hat
            dx = torch.addcmul(c, x_hat_rows, b).addcmul_(dx_hat, inv_std).view(ctx.x_shape)
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
    shape = _check_layer_norm_args(input, normalized_shape, weight, bias, eps)
    if input.numel() == 0:  # an empty batch: nothing to normalize
        return _empty_result(input, weight, bias, shape)
    return LayerNormFunction.apply(input, len(shape), weight, bias, eps)


def _check_layer_norm_args(input, normalized_shape, weight, bias, eps):
    """The argument checks of :func:`layer_norm`; returns ``normalized_shape`` as a tuple."""
    name = "layer_norm"
    check_tensor(input, name)
    shape = check_normalized_shape(normalized_shape, name)
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k :]) != shape:
        raise ValueError(
            f"{name}: expected input of shape (*, {', '.join(map(str, shape))}) (got {tuple(input.shape)})"
        )
    check_param(weight, name, "weight", shape)
    check_param(bias, name, "bias", shape)
    check_eps(eps, name)
    return shape


class GroupNormFunction(torch.autograd.Function):
    r"""Group norm: statistics per (example, group of channels); hand-written backward.

    The formulas are layer norm's within each group, with :math:`d\hat x = \gamma_c\,dy`.
    Every sum the backward needs is first taken per (example, channel), over the spatial
    positions (``sum_dy``, ``sum_dy_x_hat``, both ``(N, C)``); the parameter gradients
    and the group means then come from those small tensors.
    """

    @staticmethod
    def forward(ctx, x, num_groups, weight, bias, eps):
        grouped = x.reshape(x.shape[0], num_groups, -1)  # (N, G, C/G * spatial)
        _, g_mu, var = _centre(grouped, (2,))
        inv_std = torch.rsqrt(var + eps)  # (N, G, 1)
        g_hat = g_mu.mul_(inv_std)  # in place: x - mu is not needed again
        shape = (1, -1) + (1,) * (x.dim() - 2)
        ctx.save_for_backward(g_hat, inv_std, weight)
        ctx.x_shape = x.shape
        return _affine(g_hat.view(x.shape), weight, bias, shape)

    @staticmethod
    def backward(ctx, dy):
        g_hat, inv_std, weight = ctx.saved_tensors
        N, G, M = g_hat.shape  # M values per group
        C = ctx.x_shape[1]
        need_x, _, need_w, need_b = ctx.needs_input_grad[:4]
        dy = dy.reshape(N, C, -1)  # (N, C, spatial)
        x_hat = g_hat.view(N, C, -1)
        sum_dy = _sum_positions(dy)  # (N, C): sum over positions of dy
        sum_dy_x_hat = _sum_positions(dy * x_hat)  # (N, C): ... of dy * x_hat
        dbias = sum_dy.sum(0) if need_b else None  # dL/dbeta = sum dy
        dweight = sum_dy_x_hat.sum(0) if need_w else None  # dL/dgamma = sum dy * x_hat
        dx = None
        if need_x:
            if weight is not None:  # dx_hat = gamma * dy, summed the same way
                sum_dy, sum_dy_x_hat = sum_dy * weight, sum_dy_x_hat * weight
            mean_dx_hat = sum_dy.view(N, G, -1).sum(2, keepdim=True) / M  # (N, G, 1)
            mean_dx_hat_x_hat = sum_dy_x_hat.view(N, G, -1).sum(2, keepdim=True) / M
            # dx = inv_std * (gamma dy - mean_dx_hat - x_hat * mean_dx_hat_x_hat)
            b, c = -inv_std * mean_dx_hat_x_hat, -inv_std * mean_dx_hat
            a = inv_std.expand(N, G, C // G).reshape(N, C, 1)  # 1 / sigma of each channel's group
            if weight is not None:
                a = a * weight.view(1, C, 1)  # gamma_c / sigma_(n, g(c))
            dx = torch.addcmul(c, g_hat, b)
            dx.view(N, C, -1).addcmul_(dy, a)
            dx = dx.view(ctx.x_shape)
        return dx, None, dweight, dbias, None


def _sum_positions(t):
    """``(N, C, spatial) -> (N, C)``, summing over the positions; for an ``(N, C)`` input
    (one position) a view, as a reduction over a size-1 axis would still copy everything."""
    return t.view(t.shape[:2]) if t.shape[2] == 1 else t.sum(2)


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
    _check_group_norm_args(input, num_groups, weight, bias, eps)
    if input.numel() == 0:  # an empty batch: nothing to normalize
        return _empty_result(input, weight, bias, (1, -1) + (1,) * (input.dim() - 2))
    return GroupNormFunction.apply(input, num_groups, weight, bias, eps)


def _check_group_norm_args(input, num_groups, weight, bias, eps):
    """The argument checks of :func:`group_norm`."""
    name = "group_norm"
    check_tensor(input, name)
    if input.dim() < 2:
        raise ValueError(
            f"{name}: expected input of shape (N, C, *) (got {input.dim()}D input of shape {tuple(input.shape)})"
        )
    C = input.shape[1]
    check_int(num_groups, name, "num_groups", minimum=1)
    if C % num_groups:
        raise ValueError(
            f"{name}: expected num_groups to divide the number of channels {C} (got num_groups={num_groups})"
        )
    check_param(weight, name, "weight", (C,))
    check_param(bias, name, "bias", (C,))
    check_eps(eps, name)
    if input.numel() and C // num_groups * input.shape[2:].numel() == 1:
        raise ValueError(f"{name}: expected more than 1 value per group (got input of shape {tuple(input.shape)})")


def instance_norm(
    input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-5
):
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
    use_input_stats = check_bool(use_input_stats, name, "use_input_stats")
    check_momentum(momentum, name)
    check_eps(eps, name)
    if not use_input_stats:
        if running_mean is None:
            raise ValueError(f"{name}: expected running_mean and running_var when use_input_stats=False (got None)")
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if input.shape[2:].numel() == 1:  # torch's rule, even for an empty batch
        raise ValueError(
            f"{name}: expected more than 1 spatial element per channel (got input of shape {tuple(input.shape)})"
        )
    if input.numel() == 0:  # an empty batch: nothing to normalize
        return _empty_result(input, weight, bias, (1, -1) + (1,) * (input.dim() - 2))
    if running_mean is not None:
        with torch.no_grad():
            var, mean = torch.var_mean(input.reshape(N, C, -1), dim=2, correction=1)
            _update_running(running_mean, running_var, mean.mean(0), var.mean(0), momentum, name)
    as_batch = input.reshape(1, N * C, *input.shape[2:])
    w = None if weight is None else weight.repeat(N)
    b = None if bias is None else bias.repeat(N)
    return BatchNormFunction.apply(as_batch, w, b, None, None, True, momentum, eps).view(input.shape)
