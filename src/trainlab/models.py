"""Small networks built by name (shared by every course part), so a lesson can compare variants in one line.

``mlp`` and ``cnn`` take the normalization, dropout, initialization and activation
by name, and ``lib`` chooses whose layers they are made of: ``"torch"`` (``torch.nn``)
or ``"trainlab"`` (:mod:`trainlab.nn`, the course's own implementations).
"""

from __future__ import annotations

import math

from torch import nn

from . import init as tl_init
from . import nn as tl_nn
from . import registry
from ._checks import check_choice, check_int, check_number, check_type
from .registry import LIBS

#: The activations :func:`mlp` and :func:`cnn` take by name: the keys of :data:`trainlab.registry.ACTIVATIONS`.
ACTIVATIONS = tuple(registry.ACTIVATIONS)
NORMS = (None, "batch", "layer", "group")
INITS = (None, "zeros", "normal", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal")


def _lib(lib):
    return nn if lib == "torch" else tl_nn


def _norm_layer(norm, features, lib, image):
    """The normalization layer for ``features`` units (``image``: after a convolution)."""
    L = _lib(lib)
    if norm == "batch":
        return L.BatchNorm2d(features) if image else L.BatchNorm1d(features)
    if norm == "layer":
        return L.GroupNorm(1, features) if image else L.LayerNorm(features)  # GN with G=1 is LN over (C, H, W)
    groups = next(g for g in (8, 4, 2, 1) if features % g == 0)
    return L.GroupNorm(groups, features)


def _activation_layer(activation, lib):
    return registry.ACTIVATIONS[activation].make(lib)


def initialize(
    model: nn.Module, scheme: str | None, activation: str = "relu", std: float = 0.01, generator=None
) -> nn.Module:
    """Re-initialize every ``Linear``/``Conv2d`` weight of ``model`` with ``scheme`` (biases to 0).

    ``"zeros"``: all weights 0 (symmetry is never broken); ``"normal"``: small random
    :math:`\\mathcal N(0, \\text{std}^2)`; ``"xavier_*"`` (Glorot & Bengio, 2010) and
    ``"kaiming_*"`` (He et al., 2015, ``fan_in``) with the gain of ``activation`` from
    :mod:`trainlab.registry` (torch's :func:`~torch.nn.init.calculate_gain` where torch has one,
    the second-moment gain otherwise). ``None`` keeps PyTorch's default initialization.

    Example:
        >>> net = initialize(mlp([400, 300, 10], activation="gelu"), "kaiming_normal", activation="gelu")
        >>> round(float(net[0].weight.detach().std() * 400**0.5), 1)  # the registry's GELU gain, 1.53
        1.5
    """
    check_type(model, "initialize", "model", nn.Module, "a torch.nn.Module")
    check_choice(scheme, "initialize", "scheme", INITS)
    entry = registry.get(activation, "initialize")
    std = check_number(std, "initialize", "std", low=0.0)
    if scheme is None:
        return model
    gain = entry.gain  # computed once (by quadrature where torch has no gain), not per layer
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            w = module.weight
            if scheme == "zeros":
                tl_init.zeros_(w)
            elif scheme == "normal":
                tl_init.normal_(w, 0.0, std, generator=generator)
            elif scheme.startswith("xavier"):
                fill = tl_init.xavier_uniform_ if scheme.endswith("uniform") else tl_init.xavier_normal_
                fill(w, gain=gain, generator=generator)
            elif entry.torch_gain_name is not None:
                fill = tl_init.kaiming_uniform_ if scheme.endswith("uniform") else tl_init.kaiming_normal_
                fill(w, nonlinearity=entry.torch_gain_name, generator=generator)
            else:  # He's fan_in rule with the registry's gain: std = gain / sqrt(fan_in)
                std_he = gain / math.sqrt(tl_init.fan_in_and_fan_out(w)[0])
                if scheme.endswith("uniform"):
                    tl_init.uniform_(w, -math.sqrt(3.0) * std_he, math.sqrt(3.0) * std_he, generator=generator)
                else:
                    tl_init.normal_(w, 0.0, std_he, generator=generator)
            if module.bias is not None:
                tl_init.zeros_(module.bias)
    return model


def mlp(
    sizes,
    activation: str = "relu",
    norm: str | None = None,
    dropout: float = 0.0,
    init: str | None = None,
    lib: str = "torch",
    norm_after_activation: bool = False,
) -> nn.Sequential:
    """A fully connected network ``Linear -> [norm] -> activation -> [dropout]`` per hidden layer.

    The normalization sits after the linear layer and before the nonlinearity, as
    in Ioffe & Szegedy (2015, Sec. 3.2); a linear layer followed by batch norm then has
    no bias, since BN's ``beta`` takes its place.  ``norm_after_activation=True`` puts it
    after the nonlinearity instead (``Linear -> activation -> norm``, the linear layer
    keeping its bias), the variant common in practice.  The last layer is a plain ``Linear``
    producing logits (for ``nn.CrossEntropyLoss``, which applies the softmax itself).

    Args:
        sizes: layer widths ``[inputs, hidden..., outputs]``, at least two.
        activation: a name in :data:`trainlab.registry.ACTIVATIONS`. Default: ``"relu"``.
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
    check_type(sizes, "mlp", "sizes", (list, tuple), "a list of layer widths [inputs, hidden..., outputs]")
    sizes = [check_int(s, "mlp", "every layer size", minimum=1) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"mlp: expected at least two layer sizes, [inputs, ..., outputs] (got {sizes!r})")
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


def cnn(
    image_shape=(1, 28, 28),
    channels=(16, 32),
    num_classes: int = 10,
    activation: str = "relu",
    norm: str | None = None,
    dropout: float = 0.0,
    init: str | None = None,
    lib: str = "torch",
) -> nn.Sequential:
    """A small convolutional network for flattened images: per entry of ``channels``, a block
    ``Conv3x3 -> [norm] -> activation -> MaxPool2`` (channel-wise ``Dropout2d`` after it
    if ``dropout``), then global average pooling and a ``Linear`` to the logits.

    Takes ``(N, C*H*W)`` inputs, as :class:`~trainlab.data.Split` stores them, and
    unflattens them to ``image_shape`` first.

    Example:
        >>> import torch
        >>> net = cnn((1, 8, 8), channels=(4,), norm="group")
        >>> net(torch.randn(2, 64)).shape
        torch.Size([2, 10])
    """
    check_type(image_shape, "cnn", "image_shape", (list, tuple), "a (C, H, W) tuple, e.g. data.image_shape")
    check_type(channels, "cnn", "channels", (list, tuple), "a tuple of channel counts, one per block")
    if len(image_shape) != 3 or not channels:
        raise ValueError(
            f"cnn: expected image_shape (C, H, W) and at least one block (got {image_shape!r}, {channels!r})"
        )
    image_shape = tuple(check_int(v, "cnn", "image_shape's every entry", minimum=1) for v in image_shape)
    channels = tuple(check_int(v, "cnn", "every channel count", minimum=1) for v in channels)
    check_int(num_classes, "cnn", "num_classes", minimum=1)
    _check_common("cnn", activation, norm, dropout, init, lib)
    layers: list[nn.Module] = [ImageInput(1, image_shape)]
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


class ImageInput(nn.Unflatten):
    """``nn.Unflatten(1, image_shape)`` that first checks the number of features, so a network
    built for 28x28 images refuses 8x8 digits with a message saying how to build the right one."""

    def forward(self, input):
        want = math.prod(self.unflattened_size)
        if input.dim() != 2 or input.shape[1] != want:
            shape = "x".join(map(str, self.unflattened_size))
            raise ValueError(
                f"cnn: expected input of shape (N, {want}), flattened {shape} images "
                f"(got {tuple(input.shape)}); build the network with cnn(image_shape=data.image_shape)"
            )
        return super().forward(input)


def _check_common(func, activation, norm, dropout, init, lib):
    check_choice(activation, func, "activation", ACTIVATIONS)
    check_choice(norm, func, "norm", NORMS)
    check_choice(init, func, "init", INITS)
    check_choice(lib, func, "lib", LIBS)
    check_number(dropout, func, "dropout", 0.0, 1.0, high_open=True)
