"""Small networks built by name, so a lesson can compare variants in one line.

``mlp`` and ``cnn`` take the normalization, dropout, initialization and activation
by name, and ``lib`` chooses whose layers they are made of: ``"torch"`` (``torch.nn``)
or ``"trainlab"`` (:mod:`trainlab.nn`, the course's own implementations).
"""

from __future__ import annotations

import torch
from torch import nn

from . import init as tl_init
from . import nn as tl_nn

ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky_relu", "elu", "relu6", "silu", "mish", "gelu", "softplus")
NORMS = (None, "batch", "layer", "group")
INITS = (None, "zeros", "normal", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal")
LIBS = ("torch", "trainlab")

_ACTIVATION_CLASSES = {
    "relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh", "leaky_relu": "LeakyReLU", "elu": "ELU",
    "relu6": "ReLU6", "silu": "SiLU", "mish": "Mish", "gelu": "GELU", "softplus": "Softplus",
}


def _choice(func, arg, value, valid):
    if value not in valid:
        raise ValueError(f"{func}: expected {arg} to be one of {', '.join(map(repr, valid))} (got {value!r})")


def _lib(lib):
    return nn if lib == "torch" else tl_nn


def _norm_layer(norm, features, lib, image):
    """The normalization layer for ``features`` units (``image``: after a convolution)."""
    L = _lib(lib)
    if norm == "batch":
        return L.BatchNorm2d(features) if image else L.BatchNorm1d(features)
    if norm == "layer":
        return L.GroupNorm(1, features) if image else L.LayerNorm(features)   # GN with G=1 is LN over (C, H, W)
    groups = next(g for g in (8, 4, 2, 1) if features % g == 0)
    return L.GroupNorm(groups, features)


def _activation_layer(activation, lib):
    return getattr(_lib(lib), _ACTIVATION_CLASSES[activation])()


def initialize(model: nn.Module, scheme: str | None, activation: str = "relu", std: float = 0.01, generator=None) -> nn.Module:
    """Re-initialize every ``Linear``/``Conv2d`` weight of ``model`` with ``scheme`` (biases to 0).

    ``"zeros"``: all weights 0 (symmetry is never broken); ``"normal"``: small random
    :math:`\\mathcal N(0, \\text{std}^2)`; ``"xavier_*"`` (Glorot & Bengio, 2010) and
    ``"kaiming_*"`` (He et al., 2015, ``fan_in``) with the gain of ``activation``.
    ``None`` keeps PyTorch's default initialization.
    """
    _choice("initialize", "scheme", scheme, INITS)
    if scheme is None:
        return model
    gain_name = activation if activation in ("relu", "sigmoid", "tanh", "leaky_relu") else "relu"
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            w = module.weight
            if scheme == "zeros":
                tl_init.zeros_(w)
            elif scheme == "normal":
                tl_init.normal_(w, 0.0, std, generator=generator)
            elif scheme.startswith("xavier"):
                fill = tl_init.xavier_uniform_ if scheme.endswith("uniform") else tl_init.xavier_normal_
                fill(w, gain=tl_init.calculate_gain(gain_name), generator=generator)
            else:
                fill = tl_init.kaiming_uniform_ if scheme.endswith("uniform") else tl_init.kaiming_normal_
                fill(w, nonlinearity=gain_name, generator=generator)
            if module.bias is not None:
                tl_init.zeros_(module.bias)
    return model


def mlp(sizes, activation: str = "relu", norm: str | None = None, dropout: float = 0.0,
        init: str | None = None, lib: str = "torch", norm_after_activation: bool = False) -> nn.Sequential:
    """A fully connected network ``Linear -> [norm] -> activation -> [dropout]`` per hidden layer.

    The normalization sits after the linear layer and before the nonlinearity, as
    in Ioffe & Szegedy (2015, Sec. 3.2); a linear layer followed by batch norm then has
    no bias, since BN's ``beta`` takes its place.  ``norm_after_activation=True`` puts it
    after the nonlinearity instead (``Linear -> activation -> norm``, the linear layer
    keeping its bias), the variant common in practice.  The last layer is a plain ``Linear``
    producing logits (for ``nn.CrossEntropyLoss``, which applies the softmax itself).

    Args:
        sizes: layer widths ``[inputs, hidden..., outputs]``, at least two.
        activation: one of :data:`ACTIVATIONS`. Default: ``"relu"``.
        norm: ``None``, ``"batch"``, ``"layer"`` or ``"group"``. Default: ``None``.
        dropout: dropout probability after each hidden activation. Default: ``0.0``.
        init: weight initialization, one of :data:`INITS` (``None``: PyTorch's default). Default: ``None``.
        lib: ``"torch"`` or ``"trainlab"`` layers. Default: ``"torch"``.
        norm_after_activation: normalize after the nonlinearity. Default: ``False``.

    Example:
        >>> net = mlp([64, 32, 10], norm="batch")
        >>> [type(layer).__name__ for layer in net]
        ['Linear', 'BatchNorm1d', 'ReLU', 'Linear']
        >>> net[0].bias is None
        True
    """
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"mlp: expected at least two positive integer layer sizes (got {sizes!r})")
    _check_common("mlp", activation, norm, dropout, init, lib)
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(nn.Linear(fan_in, fan_out, bias=norm != "batch" or norm_after_activation))
        block = [_activation_layer(activation, lib)]
        if norm is not None:
            position = len(block) if norm_after_activation else 0
            block.insert(position, _norm_layer(norm, fan_out, lib, image=False))
        layers += block
        if dropout > 0:
            layers.append(_lib(lib).Dropout(dropout))
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return initialize(nn.Sequential(*layers), init, activation)


def cnn(image_shape=(1, 28, 28), channels=(16, 32), num_classes: int = 10, activation: str = "relu",
        norm: str | None = None, dropout: float = 0.0, init: str | None = None, lib: str = "torch") -> nn.Sequential:
    """A small convolutional network for flattened images: per entry of ``channels``, a block
    ``Conv3x3 -> [norm] -> activation -> MaxPool2`` (channel-wise ``Dropout2d`` after it
    if ``dropout``), then global average pooling and a ``Linear`` to the logits.

    Takes ``(N, C*H*W)`` inputs, as :class:`~trainlab.data.Split` stores them, and
    unflattens them to ``image_shape`` first.

    Example:
        >>> net = cnn((1, 8, 8), channels=(4,), norm="group")
        >>> net(torch.randn(2, 64)).shape
        torch.Size([2, 10])
    """
    if len(image_shape) != 3 or not channels:
        raise ValueError(f"cnn: expected image_shape (C, H, W) and at least one block (got {image_shape!r}, {channels!r})")
    _check_common("cnn", activation, norm, dropout, init, lib)
    layers: list[nn.Module] = [nn.Unflatten(1, tuple(image_shape))]
    fan_in = image_shape[0]
    for fan_out in channels:
        layers.append(nn.Conv2d(fan_in, fan_out, 3, padding=1, bias=norm != "batch"))
        if norm is not None:
            layers.append(_norm_layer(norm, fan_out, lib, image=True))
        layers += [_activation_layer(activation, lib), nn.MaxPool2d(2)]
        if dropout > 0:
            layers.append(_lib(lib).Dropout2d(dropout))
        fan_in = fan_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(fan_in, num_classes)]
    return initialize(nn.Sequential(*layers), init, activation)


def _check_common(func, activation, norm, dropout, init, lib):
    _choice(func, "activation", activation, ACTIVATIONS)
    _choice(func, "norm", norm, NORMS)
    _choice(func, "init", init, INITS)
    _choice(func, "lib", lib, LIBS)
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
        raise ValueError(f"{func}: expected dropout in [0, 1) (got {dropout!r})")
