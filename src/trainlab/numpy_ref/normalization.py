r"""Batch, layer, instance and group normalization in NumPy, forward and backward.

All four standardize ``x`` over some axes and then scale and shift it:

.. math::

    \hat x = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \qquad y = \gamma \hat x + \beta

They differ only in *which* values share one :math:`\mu, \sigma^2` (Wu & He, 2018, Fig. 2),
for an input of shape ``(N, C, *spatial)``:

========================  ================================  ===================
operation                 statistics over                   one pair per
========================  ================================  ===================
batch norm (BN)           ``N`` and ``*spatial``            channel ``C``
layer norm (LN)           the last ``len(normalized_shape)`` axes   example ``N``
instance norm (IN)        ``*spatial``                      ``(N, C)``
group norm (GN)           ``C // G`` channels and ``*spatial``  ``(N, G)``
========================  ================================  ===================

so one pair of helpers, :func:`_standardize` and :func:`_standardize_backward`, does
the maths for all of them.  The variance used to normalize is always the biased one
(divide by the number of values ``m``); running statistics store the unbiased one
(``m - 1``), as PyTorch does.

Signatures follow ``torch.nn.functional``: the same argument names and order
(``weight``/``bias`` for :math:`\gamma`/:math:`\beta`), the input first (called ``x`` here, as
everywhere in :mod:`trainlab.numpy_ref`).  Two conveniences differ from torch: the running
statistics may be omitted, and :func:`batch_norm_forward` defaults to ``training=True``.

Every forward returns ``(y, cache)``, and every cache holds the same keys:

* ``"op"``: the name of the operation (``"batch_norm"``, ...), checked by its backward;
* ``"x_hat"``: the standardized input, the shape of ``x``;
* ``"inv_std"``: :math:`1/\sqrt{\sigma^2+\epsilon}`, broadcastable against ``x_hat``
  (against ``x_hat`` viewed as ``(N, G, -1)`` for group norm);
* ``"weight"``: :math:`\gamma` (ones when ``weight=None``);
* ``"axes"``: the axes of ``x_hat`` (of its ``(N, G, -1)`` view for group norm) over which
  the mean and variance were taken;
* ``"batch_stats"``: ``True`` when the statistics came from the input itself, so that the
  backward pass goes through them; ``False`` when the running statistics were used.

A zero-size input (a batch of 0 examples, say) gives an empty output and leaves the running
statistics unchanged, as in PyTorch.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from .._checks import (
    check_array,
    check_bool,
    check_channel_param,
    check_eps,
    check_int,
    check_momentum,
    check_same_shape,
    check_type,
    got,
)

__all__ = [
    "batch_norm_forward",
    "batch_norm_backward",
    "layer_norm_forward",
    "layer_norm_backward",
    "instance_norm_forward",
    "instance_norm_backward",
    "group_norm_forward",
    "group_norm_backward",
]


# ------------------------------------------------------------------ shared maths
def _standardize(x: np.ndarray, axes: tuple[int, ...], eps: float):
    """``(x_hat, mu, var, inv_std)`` with statistics over ``axes`` (kept as size-1 axes).
    A zero-size ``x`` has nothing to standardize: zeros, and ``mu = 0``, ``var = inv_std = 1``."""
    if x.size == 0:
        stat_shape = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        ones = np.ones(stat_shape, dtype=x.dtype)
        return np.zeros_like(x), np.zeros_like(ones), ones, ones
    mu = x.mean(axis=axes, keepdims=True)  # mu = 1/m sum x
    var = x.var(axis=axes, keepdims=True)  # sigma^2 = 1/m sum (x - mu)^2   (biased)
    inv_std = 1.0 / np.sqrt(var + eps)  # 1 / sqrt(sigma^2 + eps)
    x_hat = (x - mu) * inv_std
    return x_hat, mu, var, inv_std


def _standardize_backward(dx_hat, x_hat, inv_std, axes):
    r"""Gradient through :math:`\hat x = (x - \mu)/\sqrt{\sigma^2+\epsilon}` with batch statistics.

    :math:`dx = \frac{1}{\sqrt{\sigma^2+\epsilon}}\big(d\hat x - \overline{d\hat x}
    - \hat x\, \overline{d\hat x\, \hat x}\big)`, bars being means over ``axes``:
    the two subtracted terms are the paths through :math:`\mu` and through :math:`\sigma^2`.
    """
    if dx_hat.size == 0:  # an empty batch: an empty gradient
        return np.zeros_like(dx_hat)
    mean_dx_hat = dx_hat.mean(axis=axes, keepdims=True)
    mean_dx_hat_x_hat = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    return inv_std * (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_x_hat)


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """A per-channel vector ``(C,)`` as ``(1, C, 1, ...)``, to broadcast against ``(N, C, *)``."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def _check_finite_stats(func, mu, var):
    """Policy for NaN/inf: a batch whose statistics are not finite is refused before it is
    folded into the running statistics, where one such batch would stay for good."""
    if not (np.isfinite(mu).all() and np.isfinite(var).all()):
        raise ValueError(
            f"{func}: expected finite values in a training batch (got NaN or inf in the batch statistics); "
            "the running statistics were left unchanged"
        )


def _update_running(running, batch_value, momentum):
    """``running = (1 - momentum) * running + momentum * batch``, in place (PyTorch's convention)."""
    running *= 1.0 - momentum
    running += momentum * batch_value


def _check_running(func, running_mean, running_var, C, dtype):
    """Both running statistics ``(C,)`` arrays, or both ``None``."""
    if running_mean is None and running_var is None:
        return
    for arg, v in (("running_mean", running_mean), ("running_var", running_var)):
        if v is None:
            raise ValueError(f"{func}: expected both running_mean and running_var, or neither (got {arg}=None)")
        check_channel_param(v, func, arg, C, dtype)


def _check_normalized_shape(normalized_shape, func, minimum=0):
    """``normalized_shape`` (an int or a sequence of ints, each ``>= minimum``) as a non-empty tuple."""
    if isinstance(normalized_shape, Integral) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    if isinstance(normalized_shape, (str, bytes)) or not hasattr(normalized_shape, "__iter__"):
        raise TypeError(
            f"{func}: expected normalized_shape to be an int or a sequence of ints (got {got(normalized_shape)})"
        )
    shape = tuple(normalized_shape)
    if not shape:
        raise ValueError(f"{func}: expected normalized_shape of at least one dimension (got {shape})")
    for d in shape:
        if not isinstance(d, Integral) or isinstance(d, bool):
            raise TypeError(
                f"{func}: expected normalized_shape to be an int or a sequence of ints (got {got(normalized_shape)})"
            )
        if d < minimum:
            raise ValueError(f"{func}: expected normalized_shape of ints >= {minimum} (got {shape})")
    return tuple(int(d) for d in shape)


def _check_backward(dy, cache, op):
    """``(dy, cache)`` checked: the cache of ``<op>_forward``, ``dy`` of exactly ``x``'s shape."""
    func = f"{op}_backward"
    check_type(cache, func, "cache", dict, f"the cache returned by {op}_forward")
    if cache.get("op") != op:
        raise ValueError(f"{func}: expected the cache returned by {op}_forward (got the cache of {cache.get('op')!r})")
    x_hat = cache["x_hat"]
    dy = check_array(dy, func, "dy")
    check_same_shape(dy, x_hat, func, "dy", "x")  # no broadcasting
    return np.asarray(dy, dtype=x_hat.dtype)


def _cache(op, x_hat, inv_std, weight, axes, batch_stats, **extra):
    """The one layout of every cache (see the module's docstring)."""
    return {
        "op": op,
        "x_hat": x_hat,
        "inv_std": inv_std,
        "weight": weight,
        "axes": axes,
        "batch_stats": batch_stats,
        **extra,
    }


# -------------------------------------------------------------------- batch norm
def batch_norm_forward(
    x,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
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

    The arguments are those of ``torch.nn.functional.batch_norm``, in its order
    (``weight`` is :math:`\gamma`, ``bias`` is :math:`\beta`); unlike torch, the running
    statistics may be omitted and ``training`` defaults to ``True``.

    Statistics: the normalization uses the *biased* batch variance (divide by ``m``);
    the running variance is updated with the *unbiased* one (divide by ``m - 1``),
    as PyTorch does.  ``momentum`` is PyTorch's: the weight of the *new* batch,
    ``running = (1 - momentum) * running + momentum * batch``.  For a cumulative
    average (``torch.nn``'s ``momentum=None``) pass ``momentum=1/num_batches_tracked``.
    The running arrays are updated in place.  A training batch with NaN or inf in its
    statistics raises ``ValueError`` and leaves the running statistics unchanged; so does
    a batch of one value per channel.  An empty batch gives an empty ``y`` and leaves them
    unchanged too.

    Args:
        x: input of shape ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``, float.
        running_mean: ``(C,)`` float array or ``None``. Default: ``None``.
        running_var: ``(C,)`` float array or ``None``. Default: ``None``.
        weight: scale :math:`\gamma` of shape ``(C,)``, or ``None`` for 1. Default: ``None``.
        bias: shift :math:`\beta` of shape ``(C,)``, or ``None`` for 0. Default: ``None``.
        training: use batch statistics (and update the running ones) if ``True``,
            the running statistics if ``False``. Default: ``True``.
        momentum: weight of the new batch in the running update, in [0, 1]. Default: ``0.1``.
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
        >>> y, _ = batch_norm_forward(x, None, None, np.array([2.0, 1.0]), np.array([0.0, 5.0]), eps=0.0)
        >>> y
        array([[-2.,  4.],
               [ 2.,  6.]])
    """
    name = "batch_norm_forward"
    x = check_array(x, name, "x", ndims=(2, 3, 4))
    C = x.shape[1]
    _check_running(name, running_mean, running_var, C, x.dtype)
    weight = check_channel_param(weight, name, "weight", C, x.dtype, default=1.0)
    bias = check_channel_param(bias, name, "bias", C, x.dtype, default=0.0)
    training = check_bool(training, name, "training")
    check_momentum(momentum, name)
    check_eps(eps, name)
    axes = (0,) + tuple(range(2, x.ndim))  # every axis but the channel axis 1
    m = x.shape[0] * int(np.prod(x.shape[2:], dtype=np.int64))  # values per channel

    if training:
        if m == 1:
            raise ValueError(
                f"{name}: expected more than 1 value per channel when training (got input of shape {x.shape})"
            )
        x_hat, mu, var, inv_std = _standardize(x, axes, eps)
        if running_mean is not None and x.size:  # an empty batch leaves them unchanged
            _check_finite_stats(name, mu, var)
            _update_running(running_mean, mu.reshape(C), momentum)
            _update_running(running_var, var.reshape(C) * m / (m - 1), momentum)  # Bessel's correction: 1/(m-1)
    else:
        if running_mean is None:
            raise ValueError(f"{name}: expected running_mean and running_var when training=False (got None)")
        inv_std = _per_channel(1.0 / np.sqrt(running_var + eps), x.ndim)
        x_hat = (x - _per_channel(running_mean, x.ndim)) * inv_std

    y = _per_channel(weight, x.ndim) * x_hat + _per_channel(bias, x.ndim)
    return y, _cache("batch_norm", x_hat, inv_std, weight, axes, training)


def batch_norm_backward(dy, cache):
    r"""Batch normalization, backward pass: gradients w.r.t. ``x``, ``weight``, ``bias``.

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
        dy: upstream gradient, exactly the shape of the forward output (no broadcasting).
        cache: the second value returned by :func:`batch_norm_forward`.

    Returns:
        ``(dx, dweight, dbias)`` (:math:`dx, d\gamma, d\beta`) with the shapes of ``x``, ``(C,)``, ``(C,)``.
    """
    dy = _check_backward(dy, cache, "batch_norm")
    x_hat, inv_std, weight, axes = cache["x_hat"], cache["inv_std"], cache["weight"], cache["axes"]
    dbias = dy.sum(axis=axes)  # dL/dbeta = sum dy
    dweight = (dy * x_hat).sum(axis=axes)  # dL/dgamma = sum dy * x_hat
    dx_hat = dy * _per_channel(weight, dy.ndim)
    if not cache["batch_stats"]:
        return dx_hat * inv_std, dweight, dbias
    return _standardize_backward(dx_hat, x_hat, inv_std, axes), dweight, dbias


# -------------------------------------------------------------------- layer norm
def layer_norm_forward(x, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    r"""Layer normalization (Ba, Kiros & Hinton, 2016), forward pass.

    Every example is standardized over its last ``len(normalized_shape)`` axes, with no
    dependence on the rest of the batch (the same computation in training and
    evaluation, for a batch of one too):
    :math:`y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \odot \gamma + \beta`, with
    ``weight`` (:math:`\gamma`) and ``bias`` (:math:`\beta`) elementwise of shape
    ``normalized_shape``.  The arguments are those of ``torch.nn.functional.layer_norm``.

    Args:
        x: input of shape ``(*, *normalized_shape)``, float.
        normalized_shape: the trailing shape to normalize over (int or tuple of ints).
        weight: ``normalized_shape`` array or ``None`` for 1. Default: ``None``.
        bias: ``normalized_shape`` array or ``None`` for 0. Default: ``None``.
        eps: added to the variance. Default: ``1e-5``.

    Returns:
        ``(y, cache)``.

    Example:
        >>> y, _ = layer_norm_forward(np.array([[1.0, 3.0], [10.0, 30.0]]), 2, eps=0.0)
        >>> y
        array([[-1.,  1.],
               [-1.,  1.]])
    """
    name = "layer_norm_forward"
    x = check_array(x, name, "x")
    shape = _check_normalized_shape(normalized_shape, name)
    k = len(shape)
    if x.ndim < k or x.shape[-k:] != shape:
        raise ValueError(f"{name}: expected input of shape (*, {', '.join(map(str, shape))}) (got {x.shape})")
    weight = _check_elementwise(weight, name, "weight", shape, x.dtype, 1.0)
    bias = _check_elementwise(bias, name, "bias", shape, x.dtype, 0.0)
    check_eps(eps, name)
    axes = tuple(range(x.ndim - k, x.ndim))
    x_hat, _, _, inv_std = _standardize(x, axes, eps)
    y = x_hat * weight + bias
    return y, _cache("layer_norm", x_hat, inv_std, weight, axes, True)


def layer_norm_backward(dy, cache):
    r"""Layer normalization, backward pass: ``(dx, dweight, dbias)``.

    :math:`d\beta = \sum_{batch} dy`, :math:`d\gamma = \sum_{batch} dy \odot \hat x` (sums over
    the leading axes), and ``dx`` is the standardization's gradient with
    :math:`d\hat x = dy \odot \gamma`, means taken over the normalized axes.
    ``dy`` must have exactly the shape of ``x``.
    """
    dy = _check_backward(dy, cache, "layer_norm")
    x_hat, axes = cache["x_hat"], cache["axes"]
    lead = tuple(range(x_hat.ndim - len(axes)))
    dbias = dy.sum(axis=lead)
    dweight = (dy * x_hat).sum(axis=lead)
    dx = _standardize_backward(dy * cache["weight"], x_hat, cache["inv_std"], axes)
    return dx, dweight, dbias


def _check_elementwise(v, func, arg, shape, dtype, default):
    if v is None:
        return np.full(shape, default, dtype=dtype)
    v = check_array(v, func, arg)
    if v.shape != shape:
        raise ValueError(f"{func}: expected {arg} of shape {shape}, the normalized shape (got {v.shape})")
    return v


# ----------------------------------------------------------------- instance norm
def instance_norm_forward(
    x,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
):
    r"""Instance normalization (Ulyanov, Vedaldi & Lempitsky, 2016), forward pass.

    Each channel of each example is standardized over its spatial positions alone,
    then scaled and shifted per channel.  With ``use_input_stats=True`` (PyTorch's default,
    in training *and* evaluation) the running statistics, if given, are updated with the
    batch average of the per-instance mean and unbiased variance; with ``False`` they
    are used instead of the instance statistics.  The arguments are those of
    ``torch.nn.functional.instance_norm``.

    Args:
        x: input of shape ``(N, C, *spatial)`` with one to three spatial axes, float.
        running_mean, running_var: ``(C,)`` arrays or ``None``. Default: ``None``.
        weight, bias: ``(C,)`` arrays :math:`\gamma, \beta`, or ``None`` (1 and 0). Default: ``None``.
        use_input_stats: normalize with the instance statistics. Default: ``True``.
        momentum: weight of the new batch in the running update, in [0, 1]. Default: ``0.1``.
        eps: added to the variance. Default: ``1e-5``.

    Returns:
        ``(y, cache)``.
    """
    name = "instance_norm_forward"
    x = check_array(x, name, "x", ndims=(3, 4, 5))
    C = x.shape[1]
    _check_running(name, running_mean, running_var, C, x.dtype)
    weight = check_channel_param(weight, name, "weight", C, x.dtype, default=1.0)
    bias = check_channel_param(bias, name, "bias", C, x.dtype, default=0.0)
    use_input_stats = check_bool(use_input_stats, name, "use_input_stats")
    check_momentum(momentum, name)
    check_eps(eps, name)
    axes = tuple(range(2, x.ndim))
    m = int(np.prod(x.shape[2:], dtype=np.int64))  # values per instance
    if use_input_stats:
        if m == 1:
            raise ValueError(
                f"{name}: expected more than 1 spatial element when training (got input of shape {x.shape})"
            )
        x_hat, mu, var, inv_std = _standardize(x, axes, eps)
        if running_mean is not None and x.size:  # an empty batch leaves them unchanged
            _check_finite_stats(name, mu, var)
            _update_running(running_mean, mu.mean(axis=0).reshape(C), momentum)
            _update_running(running_var, (var * m / (m - 1)).mean(axis=0).reshape(C), momentum)
    else:
        if running_mean is None:
            raise ValueError(f"{name}: expected running_mean and running_var when use_input_stats=False (got None)")
        inv_std = _per_channel(1.0 / np.sqrt(running_var + eps), x.ndim)
        x_hat = (x - _per_channel(running_mean, x.ndim)) * inv_std
    y = _per_channel(weight, x.ndim) * x_hat + _per_channel(bias, x.ndim)
    return y, _cache("instance_norm", x_hat, inv_std, weight, axes, use_input_stats)


def instance_norm_backward(dy, cache):
    """Instance normalization, backward pass: ``(dx, dweight, dbias)``, the last two ``(C,)``.
    ``dy`` must have exactly the shape of ``x``."""
    dy = _check_backward(dy, cache, "instance_norm")
    x_hat, axes = cache["x_hat"], cache["axes"]
    per_channel = (0,) + axes
    dbias = dy.sum(axis=per_channel)
    dweight = (dy * x_hat).sum(axis=per_channel)
    dx_hat = dy * _per_channel(cache["weight"], dy.ndim)
    if not cache["batch_stats"]:
        return dx_hat * cache["inv_std"], dweight, dbias
    return _standardize_backward(dx_hat, x_hat, cache["inv_std"], axes), dweight, dbias


# -------------------------------------------------------------------- group norm
def group_norm_forward(x, num_groups: int, weight=None, bias=None, eps: float = 1e-5):
    r"""Group normalization (Wu & He, 2018), forward pass.

    The ``C`` channels are split into ``num_groups`` groups of ``C // num_groups``
    consecutive channels; each group of each example is standardized over its channels
    and spatial positions, then every channel is scaled and shifted.  ``num_groups=1``
    is layer norm over ``(C, *spatial)``; ``num_groups=C`` is instance norm.  The
    arguments are those of ``torch.nn.functional.group_norm``.

    Args:
        x: input of shape ``(N, C, *)``, float.
        num_groups: number of groups; must divide ``C``.
        weight, bias: ``(C,)`` arrays :math:`\gamma, \beta`, or ``None`` (1 and 0). Default: ``None``.
        eps: added to the variance. Default: ``1e-5``.

    Returns:
        ``(y, cache)``; the cache's ``x_hat`` has the shape of ``x``, its ``inv_std`` is ``(N, G, 1)``.
    """
    name = "group_norm_forward"
    x = check_array(x, name, "x")
    if x.ndim < 2:
        raise ValueError(f"{name}: expected input of shape (N, C, *) (got {x.ndim}D input of shape {x.shape})")
    N, C = x.shape[:2]
    check_int(num_groups, name, "num_groups", minimum=1)
    if C % num_groups:
        raise ValueError(
            f"{name}: expected num_groups to divide the number of channels {C} (got num_groups={num_groups})"
        )
    weight = check_channel_param(weight, name, "weight", C, x.dtype, default=1.0)
    bias = check_channel_param(bias, name, "bias", C, x.dtype, default=0.0)
    check_eps(eps, name)
    per_group = C // num_groups * int(np.prod(x.shape[2:], dtype=np.int64))
    if x.size and per_group == 1:
        raise ValueError(f"{name}: expected more than 1 value per group (got input of shape {x.shape})")
    grouped = x.reshape(N, num_groups, per_group)  # (N, G, C/G * spatial)
    g_hat, _, _, inv_std = _standardize(grouped, (2,), eps)
    x_hat = g_hat.reshape(x.shape)
    y = _per_channel(weight, x.ndim) * x_hat + _per_channel(bias, x.ndim)
    return y, _cache("group_norm", x_hat, inv_std, weight, (2,), True, num_groups=num_groups)


def group_norm_backward(dy, cache):
    """Group normalization, backward pass: ``(dx, dweight, dbias)``, the last two ``(C,)``.
    ``dy`` must have exactly the shape of ``x``."""
    dy = _check_backward(dy, cache, "group_norm")
    x_hat, inv_std = cache["x_hat"], cache["inv_std"]
    N, G = x_hat.shape[0], cache["num_groups"]
    g_hat = x_hat.reshape(N, G, int(np.prod(x_hat.shape[1:], dtype=np.int64)) // G)  # (N, G, C/G * spatial)
    per_channel = (0,) + tuple(range(2, dy.ndim))
    dbias = dy.sum(axis=per_channel)
    dweight = (dy * x_hat).sum(axis=per_channel)
    dg_hat = (dy * _per_channel(cache["weight"], dy.ndim)).reshape(g_hat.shape)
    dx = _standardize_backward(dg_hat, g_hat, inv_std, cache["axes"])
    return dx.reshape(x_hat.shape), dweight, dbias
