"""Per-layer statistics of activations and gradients, recorded with forward and backward hooks
(shared: the BN, initialization and vanishing/exploding-gradient lessons use them).

Example:
    >>> import torch
    >>> from trainlab.models import mlp
    >>> net = mlp([64, 32, 32, 10], activation="tanh")
    >>> with LayerStats(net) as stats:
    ...     net(torch.randn(16, 64)).sum().backward()
    >>> [row["layer"] for row in stats.table()]
    ['1', '3']
"""

from __future__ import annotations

import torch
from torch import nn

from . import registry
from ._checks import check_int, check_tensor, check_type


class LayerStats:
    """Record, for every sub-module of ``model`` whose type is in ``kinds`` (by default every
    activation layer), the output of the last forward pass and the gradient with respect
    to that output in the last backward pass.

    Use as a context manager (the hooks are removed on exit) or call :meth:`remove`.

    Args:
        model: the network.
        kinds: tuple of module types to watch. Default: the activation layers of
            :data:`trainlab.registry.ACTIVATIONS`, from torch.nn and trainlab.nn.
    """

    def __init__(self, model: nn.Module, kinds=None):
        check_type(model, "LayerStats", "model", nn.Module, "a torch.nn.Module")
        kinds = tuple(kinds) if kinds is not None else registry.module_types()
        if not kinds or not all(isinstance(k, type) and issubclass(k, nn.Module) for k in kinds):
            raise TypeError(f"LayerStats: expected kinds to be a tuple of torch.nn.Module classes (got {kinds!r})")
        self.activations: dict[str, torch.Tensor] = {}
        self.gradients: dict[str, torch.Tensor] = {}
        self._handles = []
        for name, module in model.named_modules():
            if name and isinstance(module, kinds):
                self._handles.append(module.register_forward_hook(self._save_output(name)))
                self._handles.append(module.register_full_backward_hook(self._save_grad(name)))
        if not self._handles:
            raise ValueError(
                f"LayerStats: expected model to contain a layer of type {', '.join(k.__name__ for k in kinds)} (got none)"
            )

    def _save_output(self, name):
        def hook(module, inputs, output):
            self.activations[name] = output.detach()

        return hook

    def _save_grad(self, name):
        def hook(module, grad_input, grad_output):
            self.gradients[name] = grad_output[0].detach()

        return hook

    def table(self) -> list[dict]:
        """One row per watched layer: ``layer``, activation ``mean``/``std``, and ``grad_std``
        (``None`` before a backward pass), in the order of the forward pass."""
        rows = []
        for name, a in self.activations.items():
            g = self.gradients.get(name)
            rows.append(
                {
                    "layer": name,
                    "mean": float(a.mean()),
                    "std": float(a.std()),
                    "grad_std": None if g is None else float(g.std()),
                }
            )
        return rows

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def input_percentiles(model: nn.Module, x: torch.Tensor, layer: nn.Module, unit: int = 0, q=(15, 50, 85)) -> list:
    """Percentiles ``q`` (in %) of the input that ``layer`` receives at ``unit`` when ``model``
    processes ``x``: e.g. the distribution of one sigmoid's input over a test set, as in
    Ioffe & Szegedy (2015, Fig. 1b,c).  Runs ``model(x)`` once, without gradients.

    Example:
        >>> from trainlab.models import mlp
        >>> net = mlp([4, 3, 2], activation="sigmoid")
        >>> len(input_percentiles(net, torch.randn(50, 4), net[1]))
        3
    """
    check_type(model, "input_percentiles", "model", nn.Module, "a torch.nn.Module")
    check_type(layer, "input_percentiles", "layer", nn.Module, "a torch.nn.Module inside model")
    check_tensor(x, "input_percentiles", "x", ndims=(2,))
    check_int(unit, "input_percentiles", "unit", minimum=0)
    if not q or not all(0 <= p <= 100 for p in q):
        raise ValueError(f"input_percentiles: expected q to be percentiles in [0, 100] (got {q!r})")
    seen = {}
    handle = layer.register_forward_hook(lambda module, inputs, output: seen.setdefault("x", inputs[0].detach()))
    try:
        with torch.no_grad():
            model(x)
    finally:
        handle.remove()
    if "x" not in seen:
        raise ValueError("input_percentiles: expected layer to be part of model's forward pass (it was not called)")
    if unit >= seen["x"].shape[1]:
        raise ValueError(
            f"input_percentiles: expected unit < {seen['x'].shape[1]}, the layer's input width (got {unit})"
        )
    values = seen["x"][:, unit]
    return torch.quantile(values, torch.tensor([p / 100 for p in q], dtype=values.dtype)).tolist()
