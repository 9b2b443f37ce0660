r"""Symmetry, small random initialization and Glorot & Bengio (2010) (lesson init-glorot):
zero/constant initialization keeps hidden units identical, per-layer statistics of deep tanh
MLPs, the variance argument behind :math:`\operatorname{Var}(W) = 2/(n_\text{in} + n_\text{out})`,
their "standard" vs "normalized" initialization, and the checkers of the lesson's exercises.

Notation (as in the course): :math:`z_k = W_k h_{k-1} + b_k`, :math:`h_k = f(z_k)`,
:math:`h_0 = x`; a layer's weight :math:`W_k` has shape ``(n_out, n_in)``.

Example:
    >>> round(glorot_bound(300, 100), 6) == round(6**0.5 / 400**0.5, 6)
    True
    >>> round(uniform_variance(1 / 3**0.5), 6)  # U[-1/sqrt(3), 1/sqrt(3)] has variance 1/9
    0.111111
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ... import init as tl_init
from ..._checks import check_bool, check_choice, check_int, check_number, check_tensor, check_type
from ...data import Split
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, localize_number_text
from ...models import mlp

#: The weight initializations of this lesson, by key (biases are 0 in every one):
#: ``"zeros"`` all weights 0; ``"constant"`` all weights 0.1; ``"small"``
#: :math:`\mathcal N(0, 0.01^2)`; ``"unit"`` :math:`\mathcal N(0, 1)`; ``"standard"`` Glorot &
#: Bengio's "commonly used heuristic" :math:`U[-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}}]`;
#: ``"normalized"`` their :math:`U[\pm\sqrt6/\sqrt{n_\text{in} + n_\text{out}}]` (``xavier_uniform_``).
SCHEMES = ("zeros", "constant", "small", "unit", "standard", "normalized")
#: The English label of each scheme (a msgid, translated by :func:`trainlab.i18n._`).
SCHEME_LABELS = {
    "zeros": "zeros",
    "constant": "constant 0.1",
    "small": "N(0, 0.01²)",
    "unit": "N(0, 1)",
    "standard": "standard U[±1/√n]",
    "normalized": "normalized (Xavier)",
}


def uniform_variance(a) -> float:
    r"""The variance :math:`a^2/3` of :math:`U[-a, a]`.

    Example:
        >>> uniform_variance(3.0)
        3.0
    """
    a = check_number(a, "uniform_variance", "a", low=0.0)
    return a * a / 3.0


def glorot_bound(n_in, n_out) -> float:
    r"""The bound :math:`a = \sqrt6/\sqrt{n_\text{in} + n_\text{out}}` of Glorot & Bengio's
    normalized initialization :math:`U[-a, a]`, whose variance is :math:`2/(n_\text{in} + n_\text{out})`.

    Example:
        >>> round(uniform_variance(glorot_bound(100, 300)) * 400, 12)
        2.0
    """
    n_in = check_int(n_in, "glorot_bound", "n_in", minimum=1)
    n_out = check_int(n_out, "glorot_bound", "n_out", minimum=1)
    return math.sqrt(6.0 / (n_in + n_out))


def init_mlp(model: nn.Module, scheme: str, generator: torch.Generator | None = None) -> nn.Module:
    """Re-initialize every ``nn.Linear`` of ``model`` with ``scheme`` (one of :data:`SCHEMES`),
    biases 0, in place; returns ``model``."""
    check_type(model, "init_mlp", "model", nn.Module, "a torch.nn.Module")
    check_choice(scheme, "init_mlp", "scheme", SCHEMES)
    for layer in model.modules():
        if not isinstance(layer, nn.Linear):
            continue
        w = layer.weight
        if scheme == "zeros":
            tl_init.zeros_(w)
        elif scheme == "constant":
            tl_init.constant_(w, 0.1)
        elif scheme in ("small", "unit"):
            tl_init.normal_(w, 0.0, 0.01 if scheme == "small" else 1.0, generator=generator)
        elif scheme == "standard":
            bound = 1.0 / math.sqrt(layer.in_features)
            tl_init.uniform_(w, -bound, bound, generator=generator)
        else:
            tl_init.xavier_uniform_(w, gain=1.0, generator=generator)
        if layer.bias is not None:
            tl_init.zeros_(layer.bias)
    return model


def tanh_mlp(depth: int, width: int, scheme: str, inputs: int = 64, classes: int = 10, seed: int = 0) -> nn.Sequential:
    """A tanh MLP with ``depth`` hidden layers of ``width`` units (``inputs -> width ×
    depth -> classes``), initialized with ``scheme`` from a generator seeded with ``seed``."""
    depth = check_int(depth, "tanh_mlp", "depth", minimum=1)
    width = check_int(width, "tanh_mlp", "width", minimum=1)
    seed = check_int(seed, "tanh_mlp", "seed")
    model = mlp([inputs] + [width] * depth + [classes], activation="tanh")
    return init_mlp(model, scheme, torch.Generator().manual_seed(seed))


# --------------------------------------------------------------------- symmetry
def unit_spread(model: nn.Module) -> float:
    r"""How different the hidden units of a one-hidden-layer MLP are: the largest
    :math:`|\theta_i - \theta_1|` over hidden units :math:`i`, where :math:`\theta_i` is unit
    :math:`i`'s incoming weights (row :math:`i` of :math:`W_1`), its bias :math:`b_{1,i}` and its
    outgoing weights (column :math:`i` of :math:`W_2`). 0 means every unit is a copy of unit 1."""
    check_type(model, "unit_spread", "model", nn.Module, "a torch.nn.Module")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) != 2:
        raise ValueError(f"unit_spread: expected a model with two nn.Linear layers (got {len(linears)})")
    first, second = linears
    theta = torch.cat([first.weight, first.bias[:, None], second.weight.T], dim=1).detach()
    return float((theta - theta[:1]).abs().max())


@dataclass
class SymmetryRun:
    """What :func:`symmetry_run` measured: ``spread`` (:func:`unit_spread`) after each of the
    ``steps`` (first entry: before training), and the final ``train_loss`` and ``test_acc``."""

    spread: list
    train_loss: float
    test_acc: float


def symmetry_run(data: Split, scheme: str, hidden: int = 32, steps: int = 100, lr: float = 0.5) -> SymmetryRun:
    """Train a ``64 -> hidden -> 10`` tanh MLP (weights by ``scheme``, biases 0) with
    full-batch gradient descent on ``data.x_train`` for ``steps`` steps of size ``lr``,
    in float64, measuring :func:`unit_spread` after every step."""
    check_type(data, "symmetry_run", "data", Split, "a trainlab.data.Split")
    check_choice(scheme, "symmetry_run", "scheme", SCHEMES)
    hidden = check_int(hidden, "symmetry_run", "hidden", minimum=2)
    steps = check_int(steps, "symmetry_run", "steps", minimum=1)
    lr = check_number(lr, "symmetry_run", "lr", low=0.0, low_open=True)
    model = tanh_mlp(1, hidden, scheme, inputs=data.x_train.shape[1], seed=0).double()
    x, y = data.x_train.double(), data.y_train
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    spread = [unit_spread(model)]
    for _step in range(steps):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        spread.append(unit_spread(model))
    with torch.no_grad():
        train_loss = float(nn.functional.cross_entropy(model(x), y))
        test_acc = float((model(data.x_test.double()).argmax(1) == data.y_test).double().mean())
    return SymmetryRun(spread, train_loss, test_acc)


# --------------------------------------------------------------------- per-layer statistics
@dataclass
class LayerValues:
    """One forward and backward pass through an MLP: ``h[k]`` the activations :math:`h_{k+1}`
    (shape ``(m, width)``) and ``grad[k]`` the back-propagated gradients
    :math:`\\partial L/\\partial z_{k+1}` of every hidden layer (layer 1 first), as NumPy arrays."""

    h: list
    grad: list

    def std(self, what: str = "h") -> np.ndarray:
        """The standard deviation of every layer's ``h`` or ``grad`` values (layer 1 first)."""
        check_choice(what, "LayerValues.std", "what", ("h", "grad"))
        return np.array([v.std() for v in getattr(self, what)])

    def zero_gradients(self) -> np.ndarray:
        """The fraction of every layer's gradients :math:`\\partial L/\\partial z_k` that are exactly 0."""
        return np.array([(g == 0).mean() for g in self.grad])

    def saturated(self, threshold: float = 0.99) -> np.ndarray:
        """The fraction of every layer's activations with :math:`|h| >` ``threshold``."""
        threshold = check_number(threshold, "LayerValues.saturated", "threshold", low=0.0)
        return np.array([(np.abs(v) > threshold).mean() for v in self.h])


def layer_values(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> LayerValues:
    r"""Run ``model`` (an :func:`~trainlab.models.mlp`: ``Linear, activation, ..., Linear``) on
    the batch ``x`` (shape ``(m, inputs)``) with labels ``y``, back-propagate the mean
    cross-entropy :math:`L`, and return every hidden layer's activations :math:`h_k` and
    gradients :math:`\partial L/\partial z_k` (:class:`LayerValues`)."""
    check_type(model, "layer_values", "model", nn.Sequential, "a torch.nn.Sequential (an mlp)")
    check_tensor(x, "layer_values", "x", ndims=(2,))
    zs, hs, out = [], [], x
    layers = list(model)
    for i, layer in enumerate(layers):
        out = layer(out)
        if isinstance(layer, nn.Linear) and i < len(layers) - 1:
            out.retain_grad()
            zs.append(out)
        elif not isinstance(layer, nn.Linear):
            hs.append(out)
    model.zero_grad()
    nn.functional.cross_entropy(out, y).backward()
    return LayerValues(
        [h.detach().numpy().ravel() for h in hs],
        [z.grad.detach().numpy().ravel() for z in zs],
    )


def variance_ratios(depth: int = 10, width: int = 256, activation: str = "identity", m: int = 1000, seed: int = 0):
    r""":math:`\operatorname{Var}[h_k]/\operatorname{Var}[h_{k-1}]` for :math:`k = 1..\text{depth}`
    in a square stack (width ``width``) with Glorot & Bengio's standard initialization
    :math:`U[\pm 1/\sqrt{n}]`, biases 0, on ``m`` inputs :math:`\mathcal N(0, 1)`;
    ``activation`` is ``"identity"`` (a linear net) or ``"tanh"``. The linear-regime
    prediction is :math:`n \cdot 1/(3n) = 1/3` per layer."""
    depth = check_int(depth, "variance_ratios", "depth", minimum=1)
    width = check_int(width, "variance_ratios", "width", minimum=1)
    check_choice(activation, "variance_ratios", "activation", ("identity", "tanh"))
    m = check_int(m, "variance_ratios", "m", minimum=2)
    gen = torch.Generator().manual_seed(check_int(seed, "variance_ratios", "seed"))
    h = torch.randn(m, width, generator=gen, dtype=torch.float64)
    ratios = []
    for _k in range(depth):
        w = torch.empty(width, width, dtype=torch.float64)
        tl_init.uniform_(w, -1 / math.sqrt(width), 1 / math.sqrt(width), generator=gen)
        new = h @ w.T
        if activation == "tanh":
            new = torch.tanh(new)
        ratios.append(float(new.var() / h.var()))
        h = new
    return np.array(ratios)


def product_variance(var_x, var_y, mean_x: float = 0.0, mean_y: float = 0.0, n: int = 1_000_000, seed: int = 0):
    r"""Sample :math:`\operatorname{Var}[XY]` for independent normal :math:`X, Y` with the given
    means and variances, and the formula :math:`\operatorname{Var}X\operatorname{Var}Y +
    \operatorname{Var}X\,(\mathbb EY)^2 + \operatorname{Var}Y\,(\mathbb EX)^2`; returns ``(sampled, formula)``."""
    vx = check_number(var_x, "product_variance", "var_x", low=0.0)
    vy = check_number(var_y, "product_variance", "var_y", low=0.0)
    mx = check_number(mean_x, "product_variance", "mean_x")
    my = check_number(mean_y, "product_variance", "mean_y")
    n = check_int(n, "product_variance", "n", minimum=2)
    rng = np.random.default_rng(check_int(seed, "product_variance", "seed"))
    x = rng.normal(mx, math.sqrt(vx), n)
    y = rng.normal(my, math.sqrt(vy), n)
    return float((x * y).var()), vx * vy + vx * my**2 + vy * mx**2


# --------------------------------------------------------------------- figures
def _check_runs(runs, func):
    check_type(runs, func, "runs", dict, "a dict {scheme: LayerValues}")
    if not runs or not all(isinstance(v, LayerValues) for v in runs.values()):
        raise ValueError(f"{func}: expected runs to be a non-empty dict of LayerValues (got {len(runs)} entries)")


def plot_layer_heatmaps(runs: dict):
    r"""For each scheme of ``runs`` (``{scheme: LayerValues}``) one column: the histogram of the
    activations :math:`h_k` (top) and of :math:`\log_{10}|\partial L/\partial z_k|` (bottom) of
    every layer :math:`k`, one row of pixels per layer (darker: more values in the bin); a
    gradient that is exactly 0 (or below :math:`10^{-30}`) is drawn in the leftmost bin, at −30."""
    _check_runs(runs, "plot_layer_heatmaps")
    fig, axes = plt.subplots(2, len(runs), figsize=(4.2 * len(runs), 6.4), squeeze=False)
    hbins = np.linspace(-1, 1, 41)
    gbins = np.linspace(-30, 2, 65)
    for col, (scheme, values) in enumerate(runs.items()):
        depth = len(values.h)
        for row, (data, bins) in enumerate(
            [
                (values.h, hbins),
                ([np.log10(np.maximum(np.abs(g.astype(np.float64)), 1e-300)) for g in values.grad], gbins),
            ]
        ):
            hist = np.array([np.histogram(np.clip(d, bins[0], bins[-1]), bins)[0] / d.size for d in data])
            ax = axes[row, col]
            ax.imshow(
                hist,
                aspect="auto",
                cmap="Greys",
                origin="lower",
                extent=(bins[0], bins[-1], 0.5, depth + 0.5),
                vmin=0,
                vmax=max(hist.max(), 1e-12) * 0.6,
            )
            ax.set_ylabel(_("layer k"))
            ax.set_xlabel(_("activation h_k") if row == 0 else _("log₁₀ |∂L/∂z_k| (0 drawn at −30)"))
            ax.xaxis.set_major_locator(plt.MaxNLocator(5))
            ax.set_title(
                f"{_(SCHEME_LABELS.get(scheme, scheme))}: "
                + (_("activations h_k") if row == 0 else _("gradients ∂L/∂z_k"))
            )
    return finish(fig)


def plot_glorot_histograms(runs: dict):
    r"""Glorot & Bengio's Figs. 6 and 7 in small: for each scheme of ``runs`` one row; left the
    normalized histogram of the activations :math:`h_k`, right of the back-propagated
    gradients :math:`\partial L/\partial z_k`, one line per hidden layer :math:`k`."""
    _check_runs(runs, "plot_glorot_histograms")
    fig, axes = plt.subplots(len(runs), 2, figsize=(10, 3.2 * len(runs)), squeeze=False)
    for row, (scheme, values) in enumerate(runs.items()):
        depth = len(values.h)
        colors = plt.cm.viridis(np.linspace(0, 0.9, depth))
        glim = max(float(np.percentile(np.abs(g), 99)) for v in runs.values() for g in v.grad)
        for col, (data, bins) in enumerate(
            [(values.h, np.linspace(-1, 1, 51)), (values.grad, np.linspace(-glim, glim, 51))]
        ):
            ax = axes[row, col]
            for k, d in enumerate(data):
                hist, edges = np.histogram(np.clip(d, bins[0], bins[-1]), bins)
                ax.plot(
                    (edges[:-1] + edges[1:]) / 2,
                    hist / d.size,
                    color=colors[k],
                    label=_("hidden layer {k}").format(k=k + 1),
                )
            ax.set_title(
                f"{_(SCHEME_LABELS.get(scheme, scheme))}: "
                + (_("activations h_k") if col == 0 else _("gradients ∂L/∂z_k"))
            )
            ax.set_xlabel(_("activation h_k") if col == 0 else "∂L/∂z_k")
            ax.xaxis.set_major_locator(plt.MaxNLocator(5))
            if col == 1:
                ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
            ax.set_ylabel(_("fraction of values"))
        axes[row, 0].legend(fontsize=8)
    return finish(fig)


# --------------------------------------------------------------------- exercise checkers
def _num(v: float) -> str:
    return localize_number_text(f"{v:.4g}")


#: The layer sizes the bound checker tries.
BOUND_CASES = ((64, 64), (784, 256), (256, 10), (1000, 1000), (3, 500))


def check_glorot_bound(fn, verbose: bool = True) -> CheckResult:
    r"""Check the reader's ``fn(n_in, n_out) -> a``: the bound of :math:`U[-a, a]` with variance
    :math:`2/(n_\text{in} + n_\text{out})`, on :data:`BOUND_CASES`; hints name the usual slips
    (the standard deviation instead of the bound, only :math:`n_\text{in}`, no square root)."""
    check_bool(verbose, "check_glorot_bound", "verbose")
    if not callable(fn):
        raise TypeError(f"check_glorot_bound: expected fn to be a function (got {type(fn).__name__})")
    for n_in, n_out in BOUND_CASES:
        want = glorot_bound(n_in, n_out)
        try:
            answer = float(fn(n_in, n_out))
        except Exception as error:  # the reader's code: report, do not crash the lesson
            lines = ["✗ " + _("Your function raised {error}").format(error=f"{type(error).__name__}: {error}")]
            return CheckResult.report(False, lines, verbose)
        if math.isclose(answer, want, rel_tol=1e-6):
            continue
        lines = [
            "✗ "
            + _("for n_in={n_in}, n_out={n_out}: expected {want}, your function returned {got}").format(
                n_in=n_in, n_out=n_out, want=_num(want), got=_num(answer)
            )
        ]
        std = math.sqrt(2.0 / (n_in + n_out))
        if math.isclose(answer, std, rel_tol=1e-6):
            lines.append(_("Hint: that is the standard deviation; U[-a, a] has variance a²/3, so a = √3 · std."))
        elif math.isclose(answer, want**2, rel_tol=1e-6) or math.isclose(answer, std**2, rel_tol=1e-6):
            lines.append(_("Hint: take the square root."))
        elif n_in != n_out and math.isclose(answer, math.sqrt(3.0 / n_in), rel_tol=1e-6):
            lines.append(_("Hint: the variance is 2/(n_in + n_out), not 1/n_in."))
        return CheckResult.report(False, lines, verbose)
    return CheckResult.report(True, ["✓ " + _("correct: a = √6 / √(n_in + n_out)")], verbose)


def check_std_ratio(value, verbose: bool = True) -> CheckResult:
    r"""Check the reader's prediction of the factor by which the *standard deviation* of
    :math:`h_k` changes per layer in a linear net with the standard initialization
    :math:`U[\pm 1/\sqrt n]` (:math:`1/\sqrt3`, within 0.01), and print the measured factor."""
    check_bool(verbose, "check_std_ratio", "verbose")
    value = check_number(value, "check_std_ratio", "value")
    measured = float(np.sqrt(np.exp(np.log(variance_ratios()).mean())))
    lines = [_("measured factor per layer (linear net, 10 layers of 256): {m}").format(m=_num(measured))]
    ok = abs(value - 1 / math.sqrt(3)) < 0.01
    if ok:
        lines.append("✓ " + _("correct: the variance is multiplied by n · 1/(3n) = 1/3, the std by 1/√3"))
    elif abs(value - 1 / 3) < 0.01:
        lines.append("✗ " + _("1/3 is the factor of the variance; the standard deviation is its square root"))
    else:
        lines.append("✗ " + _("not yet: compute n · Var(W) for U[-1/√n, 1/√n], then take the square root"))
    return CheckResult.report(ok, lines, verbose)
