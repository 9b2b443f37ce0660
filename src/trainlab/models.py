"""Small networks built by name, so a lesson can compare variants in one line."""

from __future__ import annotations

from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}
NORMS = {None: None, "batch": nn.BatchNorm1d}


def mlp(sizes, activation: str = "relu", norm: str | None = None) -> nn.Sequential:
    """A fully connected network ``Linear -> [norm] -> activation`` per hidden layer.

    The normalization sits after the linear layer and before the nonlinearity, as
    in Ioffe & Szegedy (2015, Sec. 3.2); the linear layer before a batch norm then
    has no bias, since BN's ``beta`` takes its place.  The last layer is a plain
    ``Linear`` producing logits (for ``nn.CrossEntropyLoss``, which applies the
    softmax itself).

    Args:
        sizes: layer widths ``[inputs, hidden..., outputs]``, at least two.
        activation: one of ``"relu"``, ``"sigmoid"``, ``"tanh"``. Default: ``"relu"``.
        norm: ``None`` or ``"batch"``. Default: ``None``.

    Example:
        >>> net = mlp([64, 32, 10], norm="batch")
        >>> [type(layer).__name__ for layer in net]
        ['Linear', 'BatchNorm1d', 'ReLU', 'Linear']
        >>> net[0].bias is None
        True
    """
    sizes = list(sizes)
    if len(sizes) < 2 or not all(isinstance(s, int) and s > 0 for s in sizes):
        raise ValueError(f"mlp: expected at least two positive integer layer sizes (got {sizes!r})")
    if activation not in ACTIVATIONS:
        raise ValueError(f"mlp: expected activation to be one of {', '.join(ACTIVATIONS)} (got {activation!r})")
    if norm not in NORMS:
        raise ValueError(f"mlp: expected norm to be one of {', '.join(map(repr, NORMS))} (got {norm!r})")
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers.append(nn.Linear(fan_in, fan_out, bias=norm is None))
        if norm is not None:
            layers.append(NORMS[norm](fan_out))
        layers.append(ACTIVATIONS[activation]())
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)
