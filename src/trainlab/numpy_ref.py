"""NumPy reference implementations: one ``<op>_forward(x, ...) -> (y, cache)`` and
``<op>_backward(dy, cache) -> grads`` pair per operation, gradients derived by hand.

The layout follows cs231n's ``layers.py``: the forward pass keeps, in ``cache``,
exactly the intermediates its backward pass needs, each named after the maths
(``mu``, ``var``, ``inv_std``, ``x_hat``); the gradient of a quantity ``q`` is
called ``dq``.  Everything here is framework-free and is checked against
``torch.nn.functional`` and against centred finite differences in ``tests/``.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_array, check_channel_param, check_eps, check_momentum

__all__ = ["batch_norm_forward", "batch_norm_backward"]


def _channel_axes(x: np.ndarray) -> tuple[int, ...]:
    """Axes that batch norm averages over: every axis but the channel axis 1."""
    return (0,) + tuple(range(2, x.ndim))


def _as_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """Reshape a per-channel vector ``(C,)`` to ``(1, C, 1, ...)`` for broadcasting."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm_forward(
    x,
    gamma=None,
    beta=None,
    running_mean=None,
    running_var=None,
    training: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
):
    r"""Batch normalization (Ioffe & Szegedy, 2015, Algorithm 1), forward pass.

    .. math::

        \mu_c = \frac{1}{m}\sum_i x_{ic}, \quad
        \sigma^2_c = \frac{1}{m}\sum_i (x_{ic} - \mu_c)^2, \quad
        \hat x_{ic} = \frac{x_{ic} - \mu_c}{\sqrt{\sigma^2_c + \epsilon}}, \quad
        y_{ic} = \gamma_c \hat x_{ic} + \beta_c

    where ``i`` runs over the ``m`` values of channel ``c`` in the batch (the batch
    axis and, for ``(N, C, L)`` and ``(N, C, H, W)``, every spatial position).

    Statistics: the normalization uses the *biased* batch variance (divide by ``m``);
    the running variance is updated with the *unbiased* one (divide by ``m - 1``),
    as PyTorch does.  ``momentum`` is PyTorch's: the weight of the *new* batch,
    ``running = (1 - momentum) * running + momentum * batch``.  For a cumulative
    average (``torch.nn``'s ``momentum=None``) pass ``momentum=1/num_batches_tracked``.
    The running arrays are updated in place.

    Args:
        x: input of shape ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``, float.
        gamma: scale of shape ``(C,)``, or ``None`` for 1. Default: ``None``.
        beta: shift of shape ``(C,)``, or ``None`` for 0. Default: ``None``.
        running_mean: ``(C,)`` float array or ``None``. Default: ``None``.
        running_var: ``(C,)`` float array or ``None``. Default: ``None``.
        training: use batch statistics (and update the running ones) if ``True``,
            the running statistics if ``False``. Default: ``True``.
        momentum: weight of the new batch in the running update. Default: ``0.1``.
        eps: added to the variance for numerical stability. Default: ``1e-5``.

    Returns:
        ``(y, cache)``: ``y`` has the shape of ``x``; ``cache`` is what
        :func:`batch_norm_backward` needs.

    Example:
        >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
        >>> y, _ = batch_norm_forward(x, eps=0.0)
        >>> y
        array([[-1., -1.],
               [ 1.,  1.]])
    """
    name = "batch_norm_forward"
    x = check_array(x, name, "x", ndims=(2, 3, 4))
    C = x.shape[1]
    gamma = check_channel_param(gamma, name, "gamma", C, x.dtype, default=1.0)
    beta = check_channel_param(beta, name, "beta", C, x.dtype, default=0.0)
    check_eps(eps, name)
    axes = _channel_axes(x)
    m = x.size // C  # values per channel

    if running_mean is not None or running_var is not None:
        for arg, v in (("running_mean", running_mean), ("running_var", running_var)):
            if v is None:
                raise ValueError(f"{name}: expected both running_mean and running_var, or neither (got {arg}=None)")
            check_channel_param(v, name, arg, C, x.dtype)

    if training:
        if m <= 1:
            raise ValueError(
                f"{name}: expected more than 1 value per channel when training (got input of shape {x.shape})"
            )
        mu = x.mean(axis=axes)                                   # (C,)  batch mean
        var = x.var(axis=axes)                                   # (C,)  biased batch variance, 1/m
        if running_mean is not None:
            check_momentum(momentum, name)
            running_mean *= 1 - momentum
            running_mean += momentum * mu
            running_var *= 1 - momentum
            running_var += momentum * var * m / (m - 1)               # Bessel's correction: unbiased, 1/(m-1)
    else:
        if running_mean is None:
            raise ValueError(f"{name}: expected running_mean and running_var in evaluation mode (got None)")
        mu, var = running_mean, running_var

    inv_std = 1.0 / np.sqrt(var + eps)                           # (C,)  1/sqrt(sigma^2 + eps)
    x_hat = (x - _as_channel(mu, x.ndim)) * _as_channel(inv_std, x.ndim)
    y = _as_channel(gamma, x.ndim) * x_hat + _as_channel(beta, x.ndim)
    cache = {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "training": training, "axes": axes}
    return y, cache


def batch_norm_backward(dy, cache):
    r"""Batch normalization, backward pass: gradients w.r.t. ``x``, ``gamma``, ``beta``.

    With :math:`\hat x` and :math:`1/\sqrt{\sigma^2+\epsilon}` from the forward pass
    and ``m`` values per channel, the compact form (derived in the deep-level lesson) is

    .. math::

        \frac{\partial L}{\partial \beta_c} = \sum_i dy_{ic}, \qquad
        \frac{\partial L}{\partial \gamma_c} = \sum_i dy_{ic}\,\hat x_{ic},

        \frac{\partial L}{\partial x_{ic}} = \frac{\gamma_c}{\sqrt{\sigma^2_c+\epsilon}}
        \Big(dy_{ic} - \frac{1}{m}\frac{\partial L}{\partial \beta_c}
        - \hat x_{ic}\,\frac{1}{m}\frac{\partial L}{\partial \gamma_c}\Big)

    In evaluation mode the statistics are constants, so
    :math:`\partial L/\partial x = \gamma\, dy / \sqrt{\sigma^2_{run}+\epsilon}`.

    Args:
        dy: upstream gradient, the shape of the forward output.
        cache: the second value returned by :func:`batch_norm_forward`.

    Returns:
        ``(dx, dgamma, dbeta)`` with the shapes of ``x``, ``(C,)``, ``(C,)``.
    """
    x_hat, inv_std, gamma, axes = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["axes"]
    dy = np.asarray(dy, dtype=x_hat.dtype)
    if dy.shape != x_hat.shape:
        raise ValueError(f"batch_norm_backward: expected dy of shape {x_hat.shape} (got {dy.shape})")
    nd = x_hat.ndim
    dbeta = dy.sum(axis=axes)                                    # dL/dbeta = sum dy
    dgamma = (dy * x_hat).sum(axis=axes)                         # dL/dgamma = sum dy * x_hat
    scale = _as_channel(gamma * inv_std, nd)
    if not cache["training"]:
        return scale * dy, dgamma, dbeta
    m = x_hat.size // x_hat.shape[1]
    dx = scale * (dy - _as_channel(dbeta / m, nd) - x_hat * _as_channel(dgamma / m, nd))
    return dx, dgamma, dbeta
