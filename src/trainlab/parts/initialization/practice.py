r"""The measurements of the lesson ``init-in-practice``: what PyTorch's default initialization
gives, deep stacks under several schemes (with the variance recursion that predicts them),
LSUV, Jacobian spectra (orthogonal vs Gaussian), dead ReLUs at initialization, and a deep net
with a bad initialization trained with and without batch norm; plus the lesson's exercise checker.

Example:
    >>> net = init_stack("relu", "he", depth=3, width=8, seed=0)
    >>> stats = layer_statistics(net, batch=16, seed=0)
    >>> stats.activation_std.shape, stats.gradient_std.shape
    ((3,), (3,))
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ... import init as tl_init
from ... import registry
from ..._checks import check_bool, check_choice, check_int, check_number, check_type
from ...exercises import CheckResult
from ...i18n import _, fmt, localize_number_text
from ..activations.vanishing import sci

__all__ = [
    "SCHEMES",
    "SCHEME_LABELS",
    "StackStats",
    "check_default_variance",
    "dead_fraction_at_init",
    "dead_fractions",
    "default_layer_moments",
    "gain_table",
    "init_stack",
    "jacobian_singular_values",
    "layer_statistics",
    "median_statistics",
    "num",
    "lsuv_",
    "predicted_statistics",
    "recommended_gain",
    "train_deep",
]

#: The initialization schemes of :func:`init_stack`, with Var(w) for a square layer of width n:
#: default = torch's (gain^2 / (3n), bias U(-1/sqrt(n), 1/sqrt(n))), xavier = gain^2 * 2/(n+n) = gain^2 / n,
#: he = gain^2 / n, lecun = gain^2 / n (gain 1 unless given), orthogonal = gain * orthogonal matrix,
#: small = N(0, (0.01 gain)^2).  Every scheme but default sets the biases to 0.
SCHEMES = ("default", "xavier", "he", "lecun", "orthogonal", "small")
#: What a figure or a printed table calls each scheme (msgids of ``trainlab.i18n._``).
SCHEME_LABELS = {
    "default": "torch default",
    "xavier": "Xavier (Glorot)",
    "he": "He (Kaiming)",
    "lecun": "LeCun (Var = 1/n_in)",
    "orthogonal": "orthogonal (Saxe et al.)",
    "small": "N(0, 0.01²)",
}


_DATA_SEED = 10_000


def recommended_gain(activation: str, scheme: str) -> float:
    """The gain :func:`init_stack` uses when none is given: 1 for ``default``, ``xavier`` (as in
    Glorot & Bengio 2010, torch's default too), ``lecun`` and ``small``; the registry's gain of
    ``activation`` (torch's ``calculate_gain`` where torch has one) for ``he`` and ``orthogonal``.

    >>> round(recommended_gain("relu", "he"), 4), recommended_gain("relu", "lecun")
    (1.4142, 1.0)
    """
    check_choice(scheme, "recommended_gain", "scheme", SCHEMES)
    if activation == "linear":
        return 1.0
    entry = registry.get(activation, "recommended_gain")
    return entry.gain if scheme in ("he", "orthogonal") else 1.0


def _weight_variance(scheme: str, n: int, gain: float) -> float:
    """Var(w) of a square ``n x n`` layer under ``scheme`` (what the recursion needs)."""
    base = {"default": 1 / (3 * n), "xavier": 2 / (n + n), "small": 1e-4}.get(scheme, 1 / n)
    return gain**2 * base


def init_stack(
    activation: str, scheme: str, depth: int = 20, width: int = 256, gain: float | None = None, seed: int = 0
) -> nn.Sequential:
    r"""``depth`` blocks ``Linear(width, width) -> f`` (``activation="linear"``: no ``f``, a deep
    linear network), initialized with ``scheme`` (one of
    :data:`SCHEMES`) and ``gain`` (``None``: :func:`recommended_gain`), weights drawn from a
    ``torch.Generator`` seeded with ``seed`` (``default``: torch's own init under
    ``torch.manual_seed(seed)``, weights then multiplied by ``gain``)."""
    entry = None if activation == "linear" else registry.get(activation, "init_stack")
    check_choice(scheme, "init_stack", "scheme", SCHEMES)
    depth = check_int(depth, "init_stack", "depth", minimum=1)
    width = check_int(width, "init_stack", "width", minimum=1)
    seed = check_int(seed, "init_stack", "seed", minimum=0)
    gain = recommended_gain(activation, scheme) if gain is None else check_number(gain, "init_stack", "gain", low=0.0)
    torch.manual_seed(seed)
    layers = []
    for _k in range(depth):
        layers += [nn.Linear(width, width)] + ([] if entry is None else [entry.make()])
    net = nn.Sequential(*layers)
    g = torch.Generator().manual_seed(seed)
    for layer in net:
        if not isinstance(layer, nn.Linear):
            continue
        w = layer.weight
        with torch.no_grad():
            if scheme == "default":
                w.mul_(gain)
            elif scheme == "xavier":
                tl_init.xavier_normal_(w, gain=gain, generator=g)
            elif scheme == "orthogonal":
                nn.init.orthogonal_(w, gain=gain, generator=g)
            elif scheme == "small":
                tl_init.normal_(w, 0.0, 0.01 * gain, generator=g)
            else:  # he, lecun: std = gain / sqrt(fan_in)
                tl_init.normal_(w, 0.0, gain / math.sqrt(width), generator=g)
            if scheme != "default":
                tl_init.zeros_(layer.bias)
    return net


@dataclass
class StackStats:
    """Per-layer statistics (arrays over the layers 1..depth) of :func:`layer_statistics`."""

    preactivation_std: np.ndarray  # std of z_k = W_k h_{k-1} + b_k over the batch and the units
    activation_mean: np.ndarray  # mean of h_k over the batch and the units
    activation_std: np.ndarray  # std of h_k
    gradient_std: np.ndarray  # std of dL/dz_k, L = sum(h_n * r), r ~ N(0, 1)


def _linears(net, func):
    check_type(net, func, "net", nn.Sequential, "an nn.Sequential of Linear and activation layers")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError(f"{func}: expected net to contain at least one nn.Linear (got {len(net)} layers, none Linear)")
    return linears


def layer_statistics(net, batch: int = 256, seed: int = 0, x: torch.Tensor | None = None) -> StackStats:
    r"""Push ``x`` (default: ``batch`` rows of :math:`\mathcal N(0, 1)` inputs, seeded) through
    ``net`` (``Linear -> f`` blocks; inputs and :math:`r` seeded with ``10_000 + seed``, apart from
    :func:`init_stack`'s weights), backpropagate :math:`L = \sum h_n \odot r` with a fixed
    :math:`r \sim \mathcal N(0, 1)`, and return per layer the
    std of :math:`z_k` (the Linear's output, shape ``(batch, width)``), the mean and std of :math:`h_k`
    and the std of :math:`\partial L/\partial z_k`."""
    linears = _linears(net, "layer_statistics")
    batch = check_int(batch, "layer_statistics", "batch", minimum=2)
    seed = check_int(seed, "layer_statistics", "seed", minimum=0)
    g = torch.Generator().manual_seed(_DATA_SEED + seed)  # a stream apart from init_stack's weights
    if x is None:
        x = torch.randn(batch, linears[0].in_features, generator=g)
    check_type(x, "layer_statistics", "x", torch.Tensor, "a torch.Tensor of shape (batch, in_features)")
    zs, hs, h = [], [], x
    for layer in net:
        h = layer(h)
        if isinstance(layer, nn.Linear):
            h.retain_grad()
            zs.append(h)
        else:
            hs.append(h)
    if len(hs) < len(zs):  # a Linear without an activation after it
        hs.append(h)
    r = torch.randn(h.shape, generator=g)
    (h * r).sum().backward()
    return StackStats(
        np.array([float(z.detach().std()) for z in zs]),
        np.array([float(a.detach().mean()) for a in hs]),
        np.array([float(a.detach().std()) for a in hs]),
        np.array([float(z.grad.std()) for z in zs]),
    )


def _gaussian_moments(activation: str, q: float, points: int = 6000):
    """E[f(z)], E[f(z)^2] and E[f'(z)^2] for z ~ N(0, q), by the midpoint rule on [-12, 12] standard
    deviations (accurate also for ReLU's kink, and no point sits at 0, where its derivative jumps)."""
    step = 24.0 / points
    u = -12.0 + step * (np.arange(points) + 0.5)
    weights = np.exp(-0.5 * u**2)
    weights /= weights.sum()
    z = torch.tensor(math.sqrt(max(q, 0.0)) * u, dtype=torch.float64, requires_grad=True)
    f = registry.get(activation, "predicted_statistics").make().double()
    y = f(z)
    (dy,) = torch.autograd.grad(y.sum(), z)
    y, dy = y.detach().numpy(), dy.numpy()
    return float(weights @ y), float(weights @ y**2), float(weights @ dy**2)


def predicted_statistics(activation: str, scheme: str, depth: int = 20, width: int = 256, gain=None):
    r"""What the variance recursion predicts for :func:`init_stack` with :math:`x \sim \mathcal N(0, 1)`,
    assuming independent weights and Gaussian pre-activations :math:`z_k \sim \mathcal N(0, q_k)`:

    .. math::

        q_k = n\,\mathrm{Var}(w)\,\mathbb E[h_{k-1}^2] + \mathrm{Var}(b), \qquad
        \mathrm{Var}\Big(\frac{\partial L}{\partial z_k}\Big) = \mathbb E[f'(z_k)^2]\;
        n\,\mathrm{Var}(w)\,\mathrm{Var}\Big(\frac{\partial L}{\partial z_{k+1}}\Big)

    (the forward and backward forms of He et al. 2015, before their ReLU-specific
    step), with :math:`\mathrm{Var}(\partial L/\partial h_n) = 1`.  Returns two arrays over the
    layers 1..depth: predicted std of :math:`h_k` and of :math:`\partial L/\partial z_k`.
    The orthogonal scheme is predicted as a Gaussian one of the same variance."""
    registry.get(activation, "predicted_statistics")
    check_choice(scheme, "predicted_statistics", "scheme", SCHEMES)
    depth = check_int(depth, "predicted_statistics", "depth", minimum=1)
    width = check_int(width, "predicted_statistics", "width", minimum=1)
    if gain is None:
        gain = recommended_gain(activation, scheme)
    gain = check_number(gain, "predicted_statistics", "gain", low=0.0)
    nvar_w = width * _weight_variance(scheme, width, gain)
    var_b = 1 / (3 * width) if scheme == "default" else 0.0
    second_moment, act_std, dfs = 1.0, [], []
    for _k in range(depth):
        q = nvar_w * second_moment + var_b
        mean, second_moment, df2 = _gaussian_moments(activation, q)
        act_std.append(math.sqrt(max(second_moment - mean**2, 0.0)))
        dfs.append(df2)
    grad_var = [0.0] * depth
    upstream = 1.0  # Var(dL/dh_n)
    for k in reversed(range(depth)):
        grad_var[k] = dfs[k] * upstream
        upstream = nvar_w * grad_var[k]
    return np.array(act_std), np.sqrt(np.array(grad_var))


# ---------------------------------------------------------------------------
# What PyTorch does
# ---------------------------------------------------------------------------


def gain_table():
    """Rows ``(name, param, torch's calculate_gain, trainlab's calculate_gain)`` for the
    nonlinearities torch knows (leaky ReLU with its default slope 0.01 and with 0.2)."""
    rows = []
    for name, param in (
        ("linear", None),
        ("conv2d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
    ):
        rows.append((name, param, float(nn.init.calculate_gain(name, param)), tl_init.calculate_gain(name, param)))
    return rows


def default_layer_moments(layer) -> dict:
    r"""For an ``nn.Linear`` or ``nn.Conv2d`` as torch initialized it: ``fan_in``, the sample
    variance of its weights times ``fan_in`` (torch's default gives :math:`1/3`), and
    :math:`\max|w|\sqrt{\mathrm{fan\_in}}`, :math:`\max|b|\sqrt{\mathrm{fan\_in}}` (both below 1:
    weights and bias lie in :math:`\mathcal U(-1/\sqrt{\mathrm{fan\_in}}, 1/\sqrt{\mathrm{fan\_in}})`)."""
    check_type(layer, "default_layer_moments", "layer", (nn.Linear, nn.Conv2d), "an nn.Linear or nn.Conv2d")
    w = layer.weight.detach()
    fan_in = tl_init.fan_in_and_fan_out(w)[0]
    out = {
        "fan_in": fan_in,
        "var_times_fan_in": float(w.var()) * fan_in,
        "max_w_sqrt_fan_in": float(w.abs().max()) * math.sqrt(fan_in),
    }
    if layer.bias is not None:
        out["max_b_sqrt_fan_in"] = float(layer.bias.detach().abs().max()) * math.sqrt(fan_in)
    return out


# ---------------------------------------------------------------------------
# Beyond Glorot / He
# ---------------------------------------------------------------------------


def lsuv_(net, x: torch.Tensor, tol: float = 0.01, max_iter: int = 10, seed: int = 0):
    r"""LSUV (Mishkin & Matas, 2016), in place: orthogonal weights (biases 0), then, layer by
    layer from the input, divide :math:`W_k` by :math:`\mathrm{std}(z_k)` measured on the batch
    ``x`` (shape ``(batch, in_features)``), until :math:`|\mathrm{Var}(z_k) - 1| < \mathrm{tol}`
    or ``max_iter`` passes.  :math:`z_k` is the output of the ``k``-th ``nn.Linear``.  Returns ``net``."""
    linears = _linears(net, "lsuv_")
    check_type(x, "lsuv_", "x", torch.Tensor, "a torch.Tensor of shape (batch, in_features)")
    tol = check_number(tol, "lsuv_", "tol", low=0.0, low_open=True)
    max_iter = check_int(max_iter, "lsuv_", "max_iter", minimum=1)
    g = torch.Generator().manual_seed(check_int(seed, "lsuv_", "seed", minimum=0))
    with torch.no_grad():
        for layer in linears:
            nn.init.orthogonal_(layer.weight, generator=g)
            tl_init.zeros_(layer.bias)
        for target in linears:
            for _i in range(max_iter):
                h = x
                for layer in net:
                    h = layer(h)
                    if layer is target:
                        break
                var = float(h.var())
                if abs(var - 1.0) < tol:
                    break
                target.weight.div_(math.sqrt(var))
    return net


def jacobian_singular_values(net, x: torch.Tensor) -> np.ndarray:
    r"""Singular values of the input-output Jacobian :math:`\partial h_n/\partial h_0` of ``net``
    at one input ``x`` (shape ``(in_features,)``), largest first; for ``Linear -> f`` blocks it is
    :math:`\prod_k \mathrm{diag}(f'(z_k))\,W_k`.  Computed in float64 on a copy of ``net``."""
    _linears(net, "jacobian_singular_values")
    check_type(x, "jacobian_singular_values", "x", torch.Tensor, "a torch.Tensor of shape (in_features,)")
    if x.dim() != 1:
        raise ValueError(f"jacobian_singular_values: expected x of shape (in_features,) (got {tuple(x.shape)})")
    net64 = copy.deepcopy(net).double()  # float64: the smallest singular values are far below float32's resolution
    jac = torch.autograd.functional.jacobian(net64, x.detach().double())
    return torch.linalg.svdvals(jac).numpy()


def dead_fraction_at_init(net, x: torch.Tensor) -> np.ndarray:
    r"""Per ``nn.ReLU`` of ``net``: the fraction of its units whose input :math:`z` is
    :math:`\le 0` for every row of ``x`` (dead on this batch), before any training."""
    check_type(net, "dead_fraction_at_init", "net", nn.Module, "an nn.Module")
    check_type(x, "dead_fraction_at_init", "x", torch.Tensor, "a torch.Tensor of shape (batch, in_features)")
    fractions = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: fractions.append(float((i[0] <= 0).all(dim=0).float().mean())))
        for m in net.modules()
        if isinstance(m, nn.ReLU)
    ]
    if not hooks:
        raise ValueError("dead_fraction_at_init: expected net to contain at least one nn.ReLU (got none)")
    try:
        with torch.no_grad():
            net(x)
    finally:
        for h in hooks:
            h.remove()
    return np.array(fractions)


def train_deep(net, x, y, steps: int = 200, lr: float = 0.1, batch: int = 64, seed: int = 0):
    """Train ``net`` with plain SGD (``lr``, mini-batches of ``batch`` rows of ``x``, ``y``,
    seeded) on the cross-entropy for ``steps`` steps; return the losses per step (a list)."""
    check_type(net, "train_deep", "net", nn.Module, "an nn.Module")
    steps = check_int(steps, "train_deep", "steps", minimum=1)
    lr = check_number(lr, "train_deep", "lr", low=0.0, low_open=True)
    batch = check_int(batch, "train_deep", "batch", minimum=2)
    g = torch.Generator().manual_seed(check_int(seed, "train_deep", "seed", minimum=0))
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    net.train()
    for _s in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=g)
        loss = loss_fn(net(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


# ---------------------------------------------------------------------------
# Exercise
# ---------------------------------------------------------------------------


def check_default_variance(answer, fan_in: int = 300, verbose: bool = True) -> CheckResult:
    r"""Check the reader's variance of the weights ``nn.Linear(fan_in, ...)`` starts with:
    :math:`\mathrm{gain}^2/\mathrm{fan\_in}` with :math:`\mathrm{gain}^2 = 2/(1+5) = 1/3`, that is
    :math:`1/(3\,\mathrm{fan\_in})` (within 0.5 %).  Feedback names the usual slips (the bound
    :math:`1/\sqrt{\mathrm{fan\_in}}`, its square :math:`1/\mathrm{fan\_in}`, He's :math:`2/\mathrm{fan\_in}`)."""
    fan_in = check_int(fan_in, "check_default_variance", "fan_in", minimum=1)
    check_bool(verbose, "check_default_variance", "verbose")
    want = 1 / (3 * fan_in)
    lines = []
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating, np.integer)):
        lines.append("✗ " + _("Expected a number, got {what}").format(what=type(answer).__name__))
        ok = False
    else:
        ok = abs(float(answer) - want) <= 0.005 * want
        if ok:
            lines.append("✓ " + _("Correct: Var(w) = 1/(3·fan_in) = {v}").format(v=_num(want)))
        else:
            lines.append("✗ " + _("Not quite: {got}").format(got=_num(float(answer))))
            slips = {
                1 / math.sqrt(fan_in): _("That is the bound 1/√fan_in, not a variance."),
                1 / fan_in: _("That is the squared bound; U(-b, b) has variance b²/3."),
                2 / fan_in: _("That is He's variance 2/fan_in; torch's default uses a = √5."),
            }
            for value, hint in slips.items():
                if abs(float(answer) - value) <= 0.005 * value:
                    lines.append("  " + hint)
    return CheckResult.report(ok, lines, verbose)


def num(value, significant: int = 2) -> str:
    """``value`` with ``significant`` significant digits in the lesson's number format: plain
    between 0.01 and 10 000, in scientific notation (``'5 · 10⁻⁴'``) outside.

    >>> num(0.8288), num(0.00051), num(0.0), num(0.9997)
    ('0.83', '5.1 · 10⁻⁴', '0', '1.0')
    """
    value = check_number(value, "num", "value")
    significant = check_int(significant, "num", "significant", minimum=1)
    if value == 0:
        return fmt(0)
    if 1e-2 <= abs(value) < 1e4:
        exponent = math.floor(math.log10(abs(value)))
        if round(abs(value), significant - 1 - exponent) >= 10 ** (exponent + 1):  # 0.999 -> 1.0, not 1.00
            exponent += 1
        return fmt(value, max(0, significant - 1 - exponent))
    return sci(value, significant - 1)


def _num(v: float) -> str:
    return localize_number_text(f"{v:.4g}")


def median_statistics(
    activation: str, scheme: str, depth: int = 20, width: int = 256, gain=None, seeds=(0, 1, 2, 3, 4)
):
    r""":func:`layer_statistics` of :func:`init_stack` for each seed of ``seeds`` (the same seed for
    the weights and the inputs), reduced to the median over the seeds, per layer and per field:
    one network draw of a deep ReLU stack is far from typical, the median is a steadier summary."""
    check_type(seeds, "median_statistics", "seeds", (tuple, list, range), "a tuple of seeds")
    seeds = [check_int(s, "median_statistics", "every seed", minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("median_statistics: expected at least one seed (got an empty sequence)")
    runs = [layer_statistics(init_stack(activation, scheme, depth, width, gain, seed=s), seed=s) for s in seeds]
    return StackStats(*(np.median([getattr(r, f) for r in runs], axis=0) for f in StackStats.__dataclass_fields__))


def dead_fractions(x: torch.Tensor, scheme: str, bias, depth: int = 20, width: int = 64, seeds=(0, 1, 2, 3, 4)):
    r"""Per layer, the fraction of dead ReLUs (:func:`dead_fraction_at_init` on the batch ``x``,
    shape ``(batch, width)``) of :func:`init_stack` ``("relu", scheme)``, its biases set to
    ``bias`` (``None``: left as the scheme sets them), averaged over ``seeds``; shape ``(depth,)``."""
    check_type(x, "dead_fractions", "x", torch.Tensor, "a torch.Tensor of shape (batch, width)")
    if bias is not None:
        bias = check_number(bias, "dead_fractions", "bias")
    check_type(seeds, "dead_fractions", "seeds", (tuple, list, range), "a tuple of seeds")
    runs = []
    for seed in seeds:
        net = init_stack("relu", scheme, depth, width, seed=check_int(seed, "dead_fractions", "every seed", minimum=0))
        if bias is not None:
            for layer in net:
                if isinstance(layer, nn.Linear):
                    tl_init.constant_(layer.bias, bias)
        runs.append(dead_fraction_at_init(net, x))
    if not runs:
        raise ValueError("dead_fractions: expected at least one seed (got an empty sequence)")
    return np.mean(runs, axis=0)
