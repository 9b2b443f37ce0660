r"""Vanishing and exploding gradients (lesson act-vanishing): the product-of-Jacobians bound,
deep MLPs whose per-layer weight-gradient norms are measured (plain and residual), a
gradient-clipping demo, and the checkers of the lesson's exercises.

For :math:`h_k = f(z_k)`, :math:`z_k = W_k h_{k-1} + b_k`, the chain rule gives
:math:`\partial L/\partial h_0 = J_1^\top \cdots J_n^\top\, \partial L/\partial h_n` with
:math:`J_k = \operatorname{diag}(f'(z_k))\, W_k`, so

.. math:: \lVert \partial L/\partial h_0 \rVert \le \prod_k \lVert W_k \rVert \max|f'| \cdot \lVert \partial L/\partial h_n \rVert.

Example:
    >>> product_bound(20) == 0.25**20
    True
    >>> sci(product_bound(20), 1)
    '9.1 · 10⁻¹³'
    >>> round(max_derivative("sigmoid"), 6), round(max_derivative("tanh"), 6)
    (0.25, 1.0)
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ... import init as tl_init
from ... import registry
from ..._checks import check_bool, check_choice, check_int, check_number, check_tensor, check_type
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, localize_number_text
from ...models import mlp

#: The initializations the lesson compares, by key: torch's default for ``nn.Linear``
#: (``kaiming_uniform_(a=√5)``: :math:`U(\pm 1/\sqrt{\text{fan\_in}})`, bias likewise),
#: Glorot & Bengio's (2010) normalized initialization (``xavier_uniform_``, gain 1, bias 0),
#: He et al.'s (2015) :math:`\mathcal N(0, 2/\text{fan\_in})` (``kaiming_normal_``, bias 0).
SCHEMES = ("default", "xavier", "he")
#: The English label of each scheme (a msgid, translated by :func:`trainlab.i18n._`).
SCHEME_LABELS = {"default": "torch default", "xavier": "Xavier (Glorot)", "he": "He (Kaiming)"}

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(value, digits: int = 1) -> str:
    """``value`` in scientific notation as a reader writes it, ``'9.1 · 10⁻¹³'`` (with the
    lesson's decimal mark: ``'9,1 · 10⁻¹³'`` in vi and cs); ``0`` is ``'0'``.

    Example:
        >>> sci(1234.5, 2), sci(0.5, 0), sci(0.0)
        ('1.23 · 10³', '5 · 10⁻¹', '0')
    """
    value = check_number(value, "sci", "value")
    digits = check_int(digits, "sci", "digits", minimum=0)
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return localize_number_text(mantissa) + " · 10" + str(int(exponent)).translate(_SUPERSCRIPT)


def product_bound(n: int, max_derivative: float = 0.25, weight_norm: float = 1.0) -> float:
    r"""The bound :math:`(\lVert W\rVert \max|f'|)^n` on how much ``n`` layers can scale a
    gradient on its way back, when every :math:`\lVert W_k\rVert \le` ``weight_norm`` and
    :math:`|f'| \le` ``max_derivative`` (default: the sigmoid's 1/4).

    Example:
        >>> product_bound(2, 0.25, 2.0)
        0.25
    """
    n = check_int(n, "product_bound", "n", minimum=0)
    d = check_number(max_derivative, "product_bound", "max_derivative", low=0.0)
    w = check_number(weight_norm, "product_bound", "weight_norm", low=0.0)
    return (w * d) ** n


def max_derivative(activation: str, low: float = -10.0, high: float = 10.0, points: int = 200_001) -> float:
    """The largest :math:`|f'(x)|` of a registered activation on ``points`` equally spaced
    ``x`` in ``[low, high]`` (by autograd, float64; the grid holds 0)."""
    entry = registry.get(activation, "max_derivative")
    low = check_number(low, "max_derivative", "low")
    high = check_number(high, "max_derivative", "high")
    if high <= low:
        raise ValueError(f"max_derivative: expected high > low (got low={low!r}, high={high!r})")
    points = check_int(points, "max_derivative", "points", minimum=2)
    x = torch.linspace(low, high, points, dtype=torch.float64, requires_grad=True)
    entry.make()(x).sum().backward()
    return float(x.grad.abs().max())


def factor_per_layer(norms) -> float:
    r"""How much a gradient norm grows, on average, per layer on its way back from the last
    layer to the first: the geometric mean :math:`(v_1 / v_n)^{1/(n-1)}` of a positive
    per-layer series ``norms`` (layer 1 first); below 1 it vanishes, above 1 it explodes.

    Example:
        >>> round(factor_per_layer([0.25, 0.5, 1.0]), 6)
        0.5
    """
    values = np.asarray(norms, dtype=float)
    if values.ndim != 1 or len(values) < 2 or not (values > 0).all():
        raise ValueError(f"factor_per_layer: expected at least two positive norms (got {values.tolist()!r})")
    return float(math.exp(math.log(values[0] / values[-1]) / (len(values) - 1)))


def _linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def init_weights(model: nn.Module, scheme: str, generator: torch.Generator | None = None) -> nn.Module:
    """Re-initialize every ``nn.Linear`` of ``model`` with ``scheme`` (one of :data:`SCHEMES`),
    in place: ``"default"`` redraws torch's default, ``"xavier"`` and ``"he"`` set biases to 0."""
    check_type(model, "init_weights", "model", nn.Module, "a torch.nn.Module")
    check_choice(scheme, "init_weights", "scheme", SCHEMES)
    for layer in _linears(model):
        if scheme == "default":
            bound = 1.0 / math.sqrt(layer.in_features)
            tl_init.uniform_(layer.weight, -bound, bound, generator=generator)
            if layer.bias is not None:
                tl_init.uniform_(layer.bias, -bound, bound, generator=generator)
            continue
        if scheme == "xavier":
            tl_init.xavier_uniform_(layer.weight, gain=1.0, generator=generator)
        else:
            tl_init.kaiming_normal_(layer.weight, nonlinearity="relu", generator=generator)
        if layer.bias is not None:
            tl_init.zeros_(layer.bias)
    return model


def scaled_normal_init(model: nn.Module, gain: float, generator: torch.Generator | None = None) -> nn.Module:
    r"""Every ``nn.Linear`` weight drawn from :math:`\mathcal N(0, \text{gain}^2/\text{fan\_in})`,
    biases 0, in place (``gain=√2`` is He's initialization)."""
    check_type(model, "scaled_normal_init", "model", nn.Module, "a torch.nn.Module")
    gain = check_number(gain, "scaled_normal_init", "gain", low=0.0)
    for layer in _linears(model):
        tl_init.normal_(layer.weight, 0.0, gain / math.sqrt(layer.in_features), generator=generator)
        if layer.bias is not None:
            tl_init.zeros_(layer.bias)
    return model


class ResidualMLP(nn.Module):
    r"""A deep MLP with skip connections: :math:`h_1 = f(W_1 x + b_1)`,
    :math:`h_k = h_{k-1} + f(W_k h_{k-1} + b_k)` for :math:`k = 2..n-1`, logits :math:`W_n h_{n-1} + b_n`.

    Args:
        activation: a name in :data:`trainlab.registry.ACTIVATIONS`.
        depth: ``n``, the number of linear layers (at least 2).
        width: units per hidden layer. inputs, classes: input features and outputs.

    Shapes: input ``(m, inputs)``, output ``(m, classes)``.
    """

    def __init__(self, activation: str, depth: int = 20, width: int = 64, inputs: int = 64, classes: int = 10):
        super().__init__()
        entry = registry.get(activation, "ResidualMLP")
        depth = check_int(depth, "ResidualMLP", "depth", minimum=2)
        width = check_int(width, "ResidualMLP", "width", minimum=1)
        inputs = check_int(inputs, "ResidualMLP", "inputs", minimum=1)
        classes = check_int(classes, "ResidualMLP", "classes", minimum=1)
        sizes = [inputs] + [width] * (depth - 1)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.f = entry.make()
        self.out = nn.Linear(width, classes)

    def forward(self, x):
        h = self.f(self.hidden[0](x))
        for layer in self.hidden[1:]:
            h = h + self.f(layer(h))
        return self.out(h)


def deep_mlp(
    activation: str,
    scheme: str = "default",
    depth: int = 20,
    width: int = 64,
    inputs: int = 64,
    classes: int = 10,
    residual: bool = False,
    seed: int = 0,
) -> nn.Module:
    """A ``depth``-linear-layer MLP (``residual=True``: :class:`ResidualMLP`) of ``activation``,
    initialized with ``scheme`` from a generator seeded with ``seed``."""
    registry.get(activation, "deep_mlp")
    check_choice(scheme, "deep_mlp", "scheme", SCHEMES)
    depth = check_int(depth, "deep_mlp", "depth", minimum=2)
    width = check_int(width, "deep_mlp", "width", minimum=1)
    inputs = check_int(inputs, "deep_mlp", "inputs", minimum=1)
    classes = check_int(classes, "deep_mlp", "classes", minimum=1)
    residual = check_bool(residual, "deep_mlp", "residual")
    seed = check_int(seed, "deep_mlp", "seed", minimum=0)
    if residual:
        model = ResidualMLP(activation, depth, width, inputs, classes)
    else:
        model = mlp([inputs] + [width] * (depth - 1) + [classes], activation=activation)
    return init_weights(model, scheme, torch.Generator().manual_seed(seed))


def weight_gradient_norms(model: nn.Module, x, y) -> np.ndarray:
    r""":math:`\lVert \partial L/\partial W_k \rVert` (Frobenius) for every ``nn.Linear`` of
    ``model``, first to last, with :math:`L` the mean cross-entropy of ``model(x)`` against
    ``y`` (``x``: ``(m, inputs)`` floats, ``y``: ``(m,)`` class indices). Leaves no gradients behind."""
    check_type(model, "weight_gradient_norms", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "weight_gradient_norms", "x", ndims=(2,))
    check_type(y, "weight_gradient_norms", "y", torch.Tensor, "a torch.Tensor of class indices")
    layers = _linears(model)
    weights = [layer.weight for layer in layers]
    loss = nn.functional.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, weights)
    return np.array([float(g.norm()) for g in grads])


def gradient_norm_table(
    x,
    y,
    activations=("sigmoid", "tanh", "relu"),
    schemes=SCHEMES,
    depth: int = 20,
    width: int = 64,
    seeds=(0, 1, 2),
    residual: bool = False,
) -> dict:
    """``{(activation, scheme): norms}``: the per-layer norms of :func:`weight_gradient_norms`
    (an array of ``depth`` values, layer 1 first), averaged over the networks of ``seeds``."""
    check_type(activations, "gradient_norm_table", "activations", (list, tuple), "a list of activation names")
    check_type(schemes, "gradient_norm_table", "schemes", (list, tuple), "a list of scheme names")
    check_type(seeds, "gradient_norm_table", "seeds", (list, tuple), "a list of int seeds")
    if not seeds:
        raise ValueError("gradient_norm_table: expected at least one seed (got an empty list)")
    table = {}
    for activation in activations:
        for scheme in schemes:
            nets = [
                deep_mlp(activation, scheme, depth, width, x.shape[1], int(y.max()) + 1, residual, s) for s in seeds
            ]
            table[(activation, scheme)] = np.mean([weight_gradient_norms(net, x, y) for net in nets], axis=0)
    return table


def plot_gradient_norms(table: dict, title: str = "Gradient norm per layer"):
    """One panel per initialization scheme of ``table`` (from :func:`gradient_norm_table`), one
    line per activation: :math:`\\lVert \\partial L/\\partial W_k\\rVert` against the layer ``k``, log scale."""
    check_type(table, "plot_gradient_norms", "table", dict, "a dict {(activation, scheme): norms}")
    if not table:
        raise ValueError("plot_gradient_norms: expected a non-empty table (got {})")
    schemes = list(dict.fromkeys(s for _a, s in table))
    activations = list(dict.fromkeys(a for a, _s in table))
    fig, axes = plt.subplots(1, len(schemes), figsize=(4.2 * len(schemes), 3.6), sharey=True, squeeze=False)
    for ax, scheme in zip(axes[0], schemes):
        for activation in activations:
            if (activation, scheme) in table:
                norms = table[(activation, scheme)]
                ax.semilogy(np.arange(1, len(norms) + 1), norms, marker="o", markersize=3, label=activation)
        ax.set_title(_(SCHEME_LABELS.get(scheme, scheme)))
        ax.set_xlabel(_("layer k (1 = nearest the input)"))
        ax.grid(True, which="major", alpha=0.3)
    axes[0][0].set_ylabel(_("‖∂L/∂W_k‖"))
    axes[0][-1].legend()
    fig.suptitle(_(title))
    return finish(fig)


def train_losses(model: nn.Module, x, y, lr: float, steps: int = 30, clip: float | None = None) -> list:
    """Full-batch SGD on ``(x, y)`` for ``steps`` steps at learning rate ``lr``; with ``clip``,
    the gradient is rescaled by ``torch.nn.utils.clip_grad_norm_(..., max_norm=clip)`` before
    each step. Returns the cross-entropy before each step (``nan``/``inf`` once it diverges)."""
    check_type(model, "train_losses", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "train_losses", "x", ndims=(2,))
    lr = check_number(lr, "train_losses", "lr", low=0.0, low_open=True)
    steps = check_int(steps, "train_losses", "steps", minimum=1)
    if clip is not None:
        clip = check_number(clip, "train_losses", "clip", low=0.0, low_open=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _step in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]):
            break
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=clip)
        optimizer.step()
    return losses


# ---------------------------------------------------------------- exercise checkers
def check_bound_function(fn, verbose: bool = True) -> CheckResult:
    r"""Check a reader's ``fn(n, max_derivative, weight_norm)``, the bound
    :math:`(\text{weight\_norm}\cdot\text{max\_derivative})^n` (exercise 1), on several inputs
    against :func:`product_bound`; prints the verdict and, for the usual slips, a hint."""
    if not callable(fn):
        raise TypeError(f"check_bound_function: expected fn to be a function (got {type(fn).__name__})")
    verbose = check_bool(verbose, "check_bound_function", "verbose")
    cases = [(20, 0.25, 1.0), (5, 0.25, 1.0), (10, 1.0, 1.5), (20, 0.25, 2.0), (3, 0.5, 3.0)]
    lines, ok = [], True
    for n, d, w in cases:
        want = product_bound(n, d, w)
        try:
            got = float(fn(n, d, w))
        except Exception as error:  # the reader's code: report, do not crash the lesson
            lines.append(_("Your function raised {error}").format(error=f"{type(error).__name__}: {error}"))
            ok = False
            break
        if math.isclose(got, want, rel_tol=1e-9, abs_tol=0.0):
            continue
        ok = False
        args = f"n={n}, max_derivative={localize_number_text(str(d))}, weight_norm={localize_number_text(str(w))}"
        lines.append(
            _("✗ for {args}: expected {want}, got {got}").format(args=args, want=sci(want, 3), got=sci(got, 3))
        )
        if math.isclose(got, d**n, rel_tol=1e-9):
            lines.append(_("Hint: the weights enter the bound too: each layer multiplies by ‖W_k‖ · max|f′|."))
        elif math.isclose(got, n * d * w, rel_tol=1e-9):
            lines.append(_("Hint: the chain rule multiplies the layers' factors; it does not add them."))
        break
    if ok:
        lines.append(_("✓ correct: the bound is (‖W‖ · max|f′|)^n"))
    return CheckResult.report(ok, lines, verbose)


#: The interval exercise 2 asks the gradient ratio to fall in, and the smallest
#: :math:`\lVert\partial L/\partial W_1\rVert` it accepts (below it the gradient is small in
#: every layer: with zero biases and a small gain the signal dies on its way forward, and the
#: ratio alone stays near 1).
RATIO_RANGE = (0.5, 2.0)
MIN_FIRST_NORM = 0.1


def tanh_gradient_norms(gain: float, x, y, depth: int = 20, width: int = 64, seeds=(0, 1, 2)) -> np.ndarray:
    r"""The per-layer :math:`\lVert\partial L/\partial W_k\rVert` (layer 1 first) of a
    ``depth``-layer tanh MLP with weights :math:`\mathcal N(0, \text{gain}^2/\text{fan\_in})` and
    zero biases, averaged over the networks of ``seeds``."""
    gain = check_number(gain, "tanh_gradient_norms", "gain", low=0.0, low_open=True)
    depth = check_int(depth, "tanh_gradient_norms", "depth", minimum=2)
    width = check_int(width, "tanh_gradient_norms", "width", minimum=1)
    check_tensor(x, "tanh_gradient_norms", "x", ndims=(2,))
    norms = []
    for seed in seeds:
        net = mlp([x.shape[1]] + [width] * (depth - 1) + [int(y.max()) + 1], activation="tanh")
        scaled_normal_init(net, gain, torch.Generator().manual_seed(seed))
        norms.append(weight_gradient_norms(net, x, y))
    return np.mean(norms, axis=0)


def check_tanh_gain(gain, x, y, verbose: bool = True) -> CheckResult:
    """Exercise 2: whether a 20-layer tanh MLP with weights :math:`\\mathcal N(0, \text{gain}^2/\text{fan\\_in})`
    has :math:`\\lVert\\partial L/\\partial W_1\rVert / \\lVert\\partial L/\\partial W_{20}\rVert` in
    :data:`RATIO_RANGE` and :math:`\\lVert\\partial L/\\partial W_1\rVert \\ge` :data:`MIN_FIRST_NORM`
    (norms from :func:`tanh_gradient_norms`); prints both."""
    gain = check_number(gain, "check_tanh_gain", "gain", low=0.0, low_open=True)
    verbose = check_bool(verbose, "check_tanh_gain", "verbose")
    norms = tanh_gradient_norms(gain, x, y)
    ratio, first = float(norms[0] / norms[-1]), float(norms[0])
    low, high = RATIO_RANGE
    text = _("g = {gain}: ‖∂L/∂W_1‖ / ‖∂L/∂W_20‖ = {ratio}, ‖∂L/∂W_1‖ = {first}")
    lines = [text.format(gain=localize_number_text(f"{gain:g}"), ratio=sci(ratio, 2), first=sci(first, 2))]
    ok = False
    if ratio > high:
        lines.append(_("✗ above 2: the gradient grows on its way back; try a smaller g"))
    elif ratio < low:
        lines.append(_("✗ below 0.5: the gradient vanishes on its way back; try a larger g"))
    elif first < MIN_FIRST_NORM:
        lines.append(
            _(
                "✗ the ratio is fine, but the gradient is tiny in every layer (the signal dies on its way forward); try a larger g"
            )
        )
    else:
        ok = True
        lines.append(_("✓ the gradient keeps its size through the 20 layers"))
    return CheckResult.report(ok, lines, verbose)
