r"""Weight initialization from scratch: ``torch.nn.init``'s formulas, written out.

Every function here has the name, signature, argument order and defaults of its
``torch.nn.init`` namesake and, given the same seeded ``torch.Generator``, fills
the tensor with exactly the same numbers.  What differs is that the arithmetic
is in plain sight, one formula per line, and that bad input fails early with
``"<function>: expected <what> (got <actual>)"``.

The two schemes worth learning:

* **Xavier / Glorot** (Glorot & Bengio, 2010) keeps the variance of activations
  *and* of gradients roughly constant across layers of a tanh/sigmoid network:

  .. math:: \mathrm{std} = \mathrm{gain}\sqrt{\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}}

* **Kaiming / He** (He et al., 2015) does it for ReLU networks, looking at one
  direction only (``fan_in``: forward pass, ``fan_out``: backward pass):

  .. math:: \mathrm{std} = \frac{\mathrm{gain}}{\sqrt{\mathrm{fan}}}

A uniform distribution :math:`\mathcal U(-b, b)` has standard deviation
:math:`b/\sqrt 3`, so the uniform variants draw from bound :math:`b = \sqrt 3\,\mathrm{std}`.

Differences from ``torch.nn.init`` (all of them stricter, none changes a result):
integer tensors are rejected (weights are floating point), ``xavier_*`` and
``kaiming_*`` raise on a tensor with a zero-size dimension (torch's ``kaiming_*``
only warns and returns the tensor untouched, its ``xavier_*`` fills nothing),
numbers must be finite real numbers (not ``bool``, strings or tensors) everywhere,
also where torch ignores them (``calculate_gain``'s ``param`` and ``kaiming_*``'s
``a`` for a nonlinearity other than ``'leaky_relu'``), ``gain`` must be ``>= 0``
(torch fails deep inside ``uniform_``/``normal_`` on a negative one),
and ``calculate_gain`` always returns a ``float`` (torch returns the ``int`` 1
for the linear functions).  Argument checks are those of :mod:`trainlab._checks`.
"""

from __future__ import annotations

import math

import torch

from ._checks import check_choice, check_generator, check_number, check_tensor, check_type

__all__ = [
    "calculate_gain",
    "fan_in_and_fan_out",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]

# Layers without a nonlinearity of their own: gain 1.
_LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
NONLINEARITIES = _LINEAR_FNS + ("sigmoid", "tanh", "relu", "leaky_relu", "selu")
_MODES = ("fan_in", "fan_out")


def _fans(tensor: torch.Tensor, func: str) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of ``tensor``, raising on fewer than 2 dimensions."""
    if tensor.dim() < 2:
        raise ValueError(
            f"{func}: expected a tensor with at least 2 dimensions, (out_features, in_features, *kernel) "
            f"(got {tensor.dim()}D tensor of shape {tuple(tensor.shape)})"
        )
    num_output_fmaps = tensor.shape[0]  # out_features / out_channels
    num_input_fmaps = tensor.shape[1]  # in_features / in_channels
    receptive_field_size = math.prod(tensor.shape[2:])  # kernel size, 1 for a Linear weight
    fan_in = num_input_fmaps * receptive_field_size  # inputs feeding one output unit
    fan_out = num_output_fmaps * receptive_field_size  # outputs one input unit feeds
    return fan_in, fan_out


def _nonzero_fans(tensor: torch.Tensor, func: str) -> tuple[int, int]:
    """Like :func:`_fans`, but a zero fan (a zero-size dimension) is an error too."""
    fan_in, fan_out = _fans(tensor, func)
    if fan_in == 0 or fan_out == 0:
        raise ValueError(
            f"{func}: expected fan_in > 0 and fan_out > 0 (got fan_in={fan_in}, fan_out={fan_out} "
            f"for a tensor of shape {tuple(tensor.shape)}); a zero-size dimension leaves nothing to initialize"
        )
    return fan_in, fan_out


def _check_mode(mode, func: str) -> str:
    """``'fan_in'`` or ``'fan_out'``, case-insensitive as in torch."""
    if isinstance(mode, str) and mode.lower() in _MODES:
        return mode.lower()
    return check_choice(mode, func, "mode", _MODES)  # raises, listing the valid modes


def _gain(nonlinearity, param, func: str) -> float:
    """:func:`calculate_gain`, with errors naming ``func``."""
    check_choice(nonlinearity, func, "nonlinearity", NONLINEARITIES)
    if param is not None:
        param = check_number(param, func, "param (the negative slope of leaky_relu)")
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        negative_slope = 0.01 if param is None else param  # None: F.leaky_relu's default
        return math.sqrt(2.0 / (1 + negative_slope**2))  # sqrt(2 / (1 + slope^2))
    return 3.0 / 4  # "selu": found empirically, pytorch/pytorch#50664


# ---------------------------------------------------------------------------
# Gain and fans
# ---------------------------------------------------------------------------


def calculate_gain(nonlinearity, param=None) -> float:
    r"""The recommended gain for a nonlinearity: the factor that undoes how much
    the nonlinearity shrinks the variance of its input.

    =========================================  ===============================================
    nonlinearity                               gain
    =========================================  ===============================================
    ``linear``, ``conv{1,2,3}d``,              :math:`1`
    ``conv_transpose{1,2,3}d``, ``sigmoid``
    ``tanh``                                   :math:`5/3`
    ``relu``                                   :math:`\sqrt 2` (ReLU zeroes half the input)
    ``leaky_relu``                             :math:`\sqrt{2 / (1 + \text{negative\_slope}^2)}`
    ``selu``                                   :math:`3/4` (empirical, pytorch/pytorch#50664)
    =========================================  ===============================================

    The ReLU gain is He et al. (2015), *Delving deep into rectifiers*: for a
    symmetric input :math:`E[\mathrm{relu}(x)^2] = \tfrac12 E[x^2]`, so the weights
    need twice the variance, :math:`\mathrm{gain}^2 = 2`.  For Self-Normalizing
    Networks use ``'linear'`` rather than ``'selu'`` (weights of variance ``1/fan_in``).

    Args:
        nonlinearity: the ``torch.nn.functional`` name of the nonlinearity.
        param: the negative slope for ``'leaky_relu'``; ignored otherwise.
            Default: ``None`` (slope ``0.01``, as ``F.leaky_relu``).

    Returns:
        The gain, a ``float``.

    Example:
        >>> calculate_gain("relu") == math.sqrt(2)
        True
        >>> round(calculate_gain("leaky_relu", 0.2), 4)
        1.3868
    """
    return _gain(nonlinearity, param, "calculate_gain")


def fan_in_and_fan_out(tensor) -> tuple[int, int]:
    r"""``(fan_in, fan_out)`` of a weight, computed as torch does.

    A weight of shape ``(out, in, *kernel)`` (``Linear``: ``(out, in)``;
    ``Conv2d``: ``(out_channels, in_channels, kH, kW)``) connects every output unit
    to ``in`` input maps over a receptive field of ``prod(kernel)`` positions:

    .. math::

        \text{receptive\_field} = \textstyle\prod_{k \ge 2} \text{shape}[k], \quad
        \text{fan\_in} = \text{shape}[1] \cdot \text{receptive\_field}, \quad
        \text{fan\_out} = \text{shape}[0] \cdot \text{receptive\_field}

    Note the convention: ``w.shape = (fan_out, fan_in)``, because ``Linear``
    computes ``x @ w.T``.  For a weight used as ``x @ w`` pass ``w.T``.
    For ``ConvTranspose`` weights, ``(in_channels, out_channels / groups, *kernel)``,
    the two fans come out swapped, exactly as in torch.

    Args:
        tensor: a ``torch.Tensor`` with at least 2 dimensions.

    Returns:
        ``(fan_in, fan_out)``, two ``int``; ``0`` when a dimension has size 0.

    Example:
        >>> fan_in_and_fan_out(torch.empty(16, 8, 3, 3))  # Conv2d(8, 16, kernel_size=3)
        (72, 144)
    """
    check_type(tensor, "fan_in_and_fan_out", "tensor", torch.Tensor, "a torch.Tensor")
    return _fans(tensor, "fan_in_and_fan_out")


# ---------------------------------------------------------------------------
# Plain distributions and constants
# ---------------------------------------------------------------------------


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator: torch.Generator | None = None):
    r"""Fill ``tensor`` in place with samples of :math:`\mathcal U(a, b)`.

    .. math:: w \sim \mathcal U(a, b), \qquad \mathrm{mean} = \frac{a+b}{2}, \quad
              \mathrm{std} = \frac{b - a}{\sqrt{12}}

    ``a == b`` is allowed (every value is ``a``), as in torch.

    Args:
        tensor: a floating-point ``torch.Tensor`` of any shape.
        a: the lower bound. Default: ``0.0``.
        b: the upper bound, ``b >= a``. Default: ``1.0``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = uniform_(torch.empty(3, 5), -0.1, 0.1, generator=torch.Generator().manual_seed(0))
        >>> bool(w.min() >= -0.1 and w.max() < 0.1)
        True
    """
    name = "uniform_"
    check_tensor(tensor, name, "tensor")
    a = check_number(a, name, "a")
    b = check_number(b, name, "b")
    if not a <= b:
        raise ValueError(f"{name}: expected a <= b, the lower bound first (got a={a!r}, b={b!r})")
    check_generator(generator, name)
    with torch.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator: torch.Generator | None = None):
    r"""Fill ``tensor`` in place with samples of :math:`\mathcal N(\mathrm{mean}, \mathrm{std}^2)`.

    Args:
        tensor: a floating-point ``torch.Tensor`` of any shape.
        mean: the mean. Default: ``0.0``.
        std: the standard deviation, ``>= 0``. Default: ``1.0``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = normal_(torch.empty(1000, 100), std=0.02, generator=torch.Generator().manual_seed(0))
        >>> round(w.std().item(), 3)
        0.02
    """
    name = "normal_"
    check_tensor(tensor, name, "tensor")
    mean = check_number(mean, name, "mean")
    std = check_number(std, name, "std", low=0.0)
    check_generator(generator, name)
    with torch.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor, val: float):
    r"""Fill ``tensor`` in place with the value ``val``.

    Args:
        tensor: a floating-point ``torch.Tensor`` of any shape.
        val: the value.

    Returns:
        ``tensor``, filled.

    Example:
        >>> constant_(torch.empty(2, 3), 0.3)
        tensor([[0.3000, 0.3000, 0.3000],
                [0.3000, 0.3000, 0.3000]])
    """
    name = "constant_"
    check_tensor(tensor, name, "tensor")
    val = check_number(val, name, "val")
    with torch.no_grad():
        return tensor.fill_(val)


def zeros_(tensor):
    r"""Fill ``tensor`` in place with ``0`` (the usual choice for biases).

    Args:
        tensor: a floating-point ``torch.Tensor`` of any shape.

    Returns:
        ``tensor``, filled.

    Example:
        >>> zeros_(torch.empty(3))
        tensor([0., 0., 0.])
    """
    check_tensor(tensor, "zeros_", "tensor")
    with torch.no_grad():
        return tensor.zero_()


def ones_(tensor):
    r"""Fill ``tensor`` in place with ``1`` (the usual choice for a norm layer's scale).

    Args:
        tensor: a floating-point ``torch.Tensor`` of any shape.

    Returns:
        ``tensor``, filled.

    Example:
        >>> ones_(torch.empty(3))
        tensor([1., 1., 1.])
    """
    check_tensor(tensor, "ones_", "tensor")
    with torch.no_grad():
        return tensor.fill_(1.0)


# ---------------------------------------------------------------------------
# Xavier / Glorot (2010)
# ---------------------------------------------------------------------------


def _xavier_std(tensor, gain, func: str) -> float:
    check_tensor(tensor, func, "tensor")
    gain = check_number(gain, func, "gain", low=0.0)
    fan_in, fan_out = _nonzero_fans(tensor, func)
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))  # std = gain * sqrt(2 / (fan_in + fan_out))


def xavier_uniform_(tensor, gain: float = 1.0, generator: torch.Generator | None = None):
    r"""Xavier (Glorot) uniform initialization, in place.

    Glorot & Bengio (2010), *Understanding the difficulty of training deep
    feedforward neural networks*.  Keeping :math:`\mathrm{Var}(w) = 1/\mathrm{fan\_in}`
    preserves the activations' variance going forward, :math:`1/\mathrm{fan\_out}`
    the gradients' going backward; the compromise is their harmonic mean:

    .. math::

        \mathrm{std} = \mathrm{gain}\sqrt{\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}},
        \qquad w \sim \mathcal U(-b, b), \quad b = \sqrt 3\,\mathrm{std}
        = \mathrm{gain}\sqrt{\frac{6}{\mathrm{fan\_in} + \mathrm{fan\_out}}}

    Fans as in :func:`fan_in_and_fan_out`.  Unlike torch, a tensor with a
    zero-size dimension raises ``ValueError``.

    Args:
        tensor: a floating-point ``torch.Tensor`` with at least 2 dimensions.
        gain: a scaling factor, e.g. ``calculate_gain('tanh')``. Default: ``1.0``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = xavier_uniform_(torch.empty(64, 32), generator=torch.Generator().manual_seed(0))
        >>> b = math.sqrt(6 / (32 + 64))
        >>> bool(w.abs().max() <= b)
        True
        >>> ref = torch.nn.init.xavier_uniform_(torch.empty(64, 32), generator=torch.Generator().manual_seed(0))
        >>> torch.equal(w, ref)
        True
    """
    name = "xavier_uniform_"
    std = _xavier_std(tensor, gain, name)
    check_generator(generator, name)
    bound = math.sqrt(3.0) * std  # U(-b, b) has std b / sqrt(3)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def xavier_normal_(tensor, gain: float = 1.0, generator: torch.Generator | None = None):
    r"""Xavier (Glorot) normal initialization, in place.

    Glorot & Bengio (2010), *Understanding the difficulty of training deep
    feedforward neural networks*:

    .. math::

        w \sim \mathcal N(0, \mathrm{std}^2), \qquad
        \mathrm{std} = \mathrm{gain}\sqrt{\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}}

    Fans as in :func:`fan_in_and_fan_out`.  Unlike torch, a tensor with a
    zero-size dimension raises ``ValueError``.

    Args:
        tensor: a floating-point ``torch.Tensor`` with at least 2 dimensions.
        gain: a scaling factor, e.g. ``calculate_gain('tanh')``. Default: ``1.0``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = xavier_normal_(torch.empty(400, 600), generator=torch.Generator().manual_seed(0))
        >>> round(w.std().item(), 3), round(math.sqrt(2 / (600 + 400)), 3)
        (0.045, 0.045)
    """
    name = "xavier_normal_"
    std = _xavier_std(tensor, gain, name)
    check_generator(generator, name)
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


# ---------------------------------------------------------------------------
# Kaiming / He (2015)
# ---------------------------------------------------------------------------


def _kaiming_std(tensor, a, mode, nonlinearity, func: str) -> float:
    check_tensor(tensor, func, "tensor")
    a = check_number(a, func, "a (the negative slope of leaky_relu)")
    mode = _check_mode(mode, func)
    gain = _gain(nonlinearity, a, func)  # a, the negative slope, matters only for 'leaky_relu'
    fan_in, fan_out = _nonzero_fans(tensor, func)
    fan = fan_in if mode == "fan_in" else fan_out
    return gain / math.sqrt(fan)  # std = gain / sqrt(fan)


def kaiming_uniform_(
    tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: torch.Generator | None = None,
):
    r"""Kaiming (He) uniform initialization, in place.

    He et al. (2015), *Delving deep into rectifiers: Surpassing human-level
    performance on ImageNet classification*.  A ReLU layer keeps the variance
    of its pre-activations when :math:`\mathrm{fan}\cdot\mathrm{Var}(w) = 2`
    (:math:`\mathrm{gain}^2` in general):

    .. math::

        \mathrm{std} = \frac{\mathrm{gain}}{\sqrt{\mathrm{fan}}}, \qquad
        w \sim \mathcal U(-b, b), \quad b = \sqrt 3\,\mathrm{std}
        = \mathrm{gain}\sqrt{\frac{3}{\mathrm{fan}}}

    with ``fan`` = ``fan_in`` or ``fan_out`` (see :func:`fan_in_and_fan_out`) and
    ``gain = calculate_gain(nonlinearity, a)``.  The defaults (``'leaky_relu'``
    with ``a=0``) give gain :math:`\sqrt 2`, the ReLU gain.  ``torch.nn.Linear``
    and ``Conv*d`` use ``a=math.sqrt(5)``, i.e. :math:`b = 1/\sqrt{\mathrm{fan\_in}}`.

    Unlike torch, which only warns and leaves the tensor as it is, a tensor with
    a zero-size dimension raises ``ValueError``.

    Args:
        tensor: a floating-point ``torch.Tensor`` with at least 2 dimensions.
        a: the negative slope of the rectifier after this layer, used only with
            ``'leaky_relu'``. Default: ``0``.
        mode: ``'fan_in'`` keeps the variance of the activations in the forward
            pass, ``'fan_out'`` that of the gradients in the backward pass.
            Default: ``'fan_in'``.
        nonlinearity: the ``torch.nn.functional`` name of the nonlinearity after
            this layer, best ``'relu'`` or ``'leaky_relu'``. Default: ``'leaky_relu'``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = kaiming_uniform_(
        ...     torch.empty(16, 8, 3, 3), nonlinearity="relu", generator=torch.Generator().manual_seed(0)
        ... )
        >>> b = math.sqrt(2) * math.sqrt(3 / (8 * 3 * 3))
        >>> bool(w.abs().max() <= b)
        True
    """
    name = "kaiming_uniform_"
    std = _kaiming_std(tensor, a, mode, nonlinearity, name)
    check_generator(generator, name)
    bound = math.sqrt(3.0) * std  # U(-b, b) has std b / sqrt(3)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def kaiming_normal_(
    tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: torch.Generator | None = None,
):
    r"""Kaiming (He) normal initialization, in place.

    He et al. (2015), *Delving deep into rectifiers: Surpassing human-level
    performance on ImageNet classification*:

    .. math::

        w \sim \mathcal N(0, \mathrm{std}^2), \qquad
        \mathrm{std} = \frac{\mathrm{gain}}{\sqrt{\mathrm{fan}}}

    with ``fan`` = ``fan_in`` or ``fan_out`` (see :func:`fan_in_and_fan_out`) and
    ``gain = calculate_gain(nonlinearity, a)``; for ReLU, :math:`\mathrm{std} = \sqrt{2/\mathrm{fan}}`.

    Unlike torch, which only warns and leaves the tensor as it is, a tensor with
    a zero-size dimension raises ``ValueError``.

    Args:
        tensor: a floating-point ``torch.Tensor`` with at least 2 dimensions.
        a: the negative slope of the rectifier after this layer, used only with
            ``'leaky_relu'``. Default: ``0``.
        mode: ``'fan_in'`` keeps the variance of the activations in the forward
            pass, ``'fan_out'`` that of the gradients in the backward pass.
            Default: ``'fan_in'``.
        nonlinearity: the ``torch.nn.functional`` name of the nonlinearity after
            this layer, best ``'relu'`` or ``'leaky_relu'``. Default: ``'leaky_relu'``.
        generator: the ``torch.Generator`` to sample from, or ``None`` for the
            global one. Default: ``None``.

    Returns:
        ``tensor``, filled.

    Example:
        >>> w = kaiming_normal_(
        ...     torch.empty(512, 200), mode="fan_in", nonlinearity="relu", generator=torch.Generator().manual_seed(0)
        ... )
        >>> round(w.std().item(), 2), round(math.sqrt(2 / 200), 2)
        (0.1, 0.1)
    """
    name = "kaiming_normal_"
    std = _kaiming_std(tensor, a, mode, nonlinearity, name)
    check_generator(generator, name)
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)
