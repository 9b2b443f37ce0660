r"""The teacher's questions on activations, measured: a sigmoid unit's gradient, the one-sign
gradients behind a non-zero-centred layer, the zig-zag of gradient descent, dead ReLUs, and
ReLU's derivative at 0 (lesson ``act-questions``).

Example:
    >>> rows = sigmoid_unit_gradients((0.0,))
    >>> rows[0]["dsigmoid"], rows[0]["dw"]  # sigma'(0) = 1/4; dL/dw = sigma'(z) * x_in (x_in = 2)
    (0.25, 0.5)
    >>> one_sign_fraction(torch.tensor([[1.0, 2.0], [-1.0, 3.0]]))
    0.5
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ... import registry
from ..._checks import check_int, check_number, check_type, got
from ...data import Split
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, fmt
from ...models import mlp
from ...training import train_steps

__all__ = [
    "sigmoid_unit_gradients",
    "one_sign_fraction",
    "sign_sharing",
    "plot_sign_sharing",
    "zigzag",
    "plot_zigzag",
    "dead_fraction",
    "dead_relu_runs",
    "plot_dead_fractions",
    "relu_derivatives_at_zero",
    "check_dead_fraction",
]


def sigmoid_unit_gradients(points=(-10.0, 0.0, 10.0), x_in: float = 2.0) -> list[dict]:
    r"""For each pre-activation ``z`` in ``points``: :math:`\sigma(z)`, :math:`\sigma'(z)` by autograd
    and by :math:`\sigma(z)(1-\sigma(z))`, and the gradient of the weight :math:`w` of a unit
    :math:`y = \sigma(w x_\text{in})` with :math:`w = z / x_\text{in}` and upstream gradient 1:
    :math:`\partial y/\partial w = \sigma'(z)\,x_\text{in}` (autograd, float64)."""
    check_type(points, "sigmoid_unit_gradients", "points", (list, tuple), "a list of numbers")
    zs = [check_number(z, "sigmoid_unit_gradients", "every point") for z in points]
    x_in = check_number(x_in, "sigmoid_unit_gradients", "x_in", low=0.0, low_open=True)
    rows = []
    for z in zs:
        w = torch.tensor(z / x_in, dtype=torch.float64, requires_grad=True)
        pre = w * x_in
        pre.retain_grad()
        y = torch.sigmoid(pre)
        y.backward()
        s = y.item()
        rows.append({"z": z, "sigmoid": s, "dsigmoid": pre.grad.item(), "formula": s * (1 - s), "dw": w.grad.item()})
    return rows


def one_sign_fraction(grad: torch.Tensor) -> float:
    r"""The fraction of rows of a weight gradient ``grad`` of shape ``(out, in)`` whose entries all
    share one sign (zeros allowed); rows that are all zero are left out. For one example,
    :math:`\partial L/\partial W_{ij} = \delta_i h_j`, so every row is one-signed when all
    :math:`h_j \ge 0`."""
    check_type(grad, "one_sign_fraction", "grad", torch.Tensor, "a torch.Tensor")
    if grad.dim() != 2:
        raise ValueError(f"one_sign_fraction: expected grad of shape (out, in) (got shape {tuple(grad.shape)})")
    nonzero = (grad != 0).any(dim=1)
    if not nonzero.any():
        raise ValueError("one_sign_fraction: expected a gradient with a non-zero row (got all zeros)")
    one_sign = (grad >= 0).all(dim=1) | (grad <= 0).all(dim=1)
    return float((one_sign & nonzero).sum() / nonzero.sum())


def _check_data(data, func):
    check_type(data, func, "data", Split, "a trainlab.data.Split")


def sign_sharing(
    data: Split, activations=("sigmoid", "tanh", "relu"), batch_sizes=(1, 8, 64, 256), batches: int = 20, seed: int = 0
) -> dict:
    r"""``{activation: [fraction for each m]}``: the mean over ``batches`` random mini-batches of
    :func:`one_sign_fraction` of the gradient of the middle weight matrix (64×64) of a network
    ``mlp([features, 64, 64, classes], activation)`` at its (PyTorch default) initialization,
    whose input is the first hidden layer's output :math:`h = f(W_1 x + b_1)`."""
    func = "sign_sharing"
    _check_data(data, func)
    check_type(activations, func, "activations", (list, tuple), "a list of activation names")
    for name in activations:
        registry.get(name, func, "activations")
    check_type(batch_sizes, func, "batch_sizes", (list, tuple), "a list of mini-batch sizes")
    sizes = [check_int(m, func, "every batch size", minimum=1, maximum=len(data.x_train)) for m in batch_sizes]
    batches = check_int(batches, func, "batches", minimum=1)
    check_int(seed, func, "seed", minimum=0)
    out = {}
    for name in activations:
        torch.manual_seed(seed)
        net = mlp([data.num_features, 64, 64, data.num_classes], activation=name)
        gen = torch.Generator().manual_seed(seed)
        out[name] = []
        for m in sizes:
            total = 0.0
            for _b in range(batches):
                idx = torch.randint(0, len(data.x_train), (m,), generator=gen)
                net.zero_grad()
                nn.functional.cross_entropy(net(data.x_train[idx]), data.y_train[idx]).backward()
                total += one_sign_fraction(net[2].weight.grad)
            out[name].append(total / batches)
    return out


def plot_sign_sharing(result: dict, batch_sizes):
    """Lines of :func:`sign_sharing`'s fractions against the mini-batch size ``m`` (log axis)."""
    check_type(result, "plot_sign_sharing", "result", dict, "the dict sign_sharing returns")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, fractions in result.items():
        ax.plot(batch_sizes, fractions, "o-", label=name)
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(batch_sizes), [str(m) for m in batch_sizes])
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(_("mini-batch size m"))
    ax.set_ylabel(_("rows of ∂L/∂W with one sign"))
    ax.legend(title=_("activation of the layer below"))
    ax.grid(alpha=0.3)
    return finish(fig)


def zigzag(
    centred: bool, lr: float, steps: int = 400, target=(1.0, -1.0), n: int = 200, tol: float = 1e-2, seed: int = 0
) -> dict:
    r"""SGD with one example a step (:math:`m = 1`) on the least squares
    :math:`L(w) = \tfrac12 (w^\top x - y)^2`, :math:`w \in \mathbb R^2`, from :math:`w = 0`, with
    noiseless targets :math:`y = w_*^\top x`. Inputs :math:`x \sim \mathcal U(0.5, 1.5)^2` (all
    positive), or the same inputs minus their mean when ``centred``. Returns ``path`` (``(steps+1, 2)``),
    ``steps_to_target`` (first step with :math:`\lVert w - w_*\rVert < \text{tol}`, ``None`` if never;
    a run whose :math:`\lVert w\rVert` exceeds :math:`10^6` stops there),
    ``same_sign`` (fraction of the updates up to ``steps_to_target``, or of all, whose two
    components share a sign) and ``eigenvalues`` of
    :math:`\mathbb E[x x^\top]`."""
    func = "zigzag"
    check_type(centred, func, "centred", bool, "True or False")
    lr = check_number(lr, func, "lr", low=0.0, low_open=True)
    steps = check_int(steps, func, "steps", minimum=1)
    check_type(target, func, "target", (list, tuple), "a pair of numbers")
    if len(target) != 2:
        raise ValueError(f"{func}: expected target to be a pair of numbers (got {got(target)})")
    n = check_int(n, func, "n", minimum=2)
    tol = check_number(tol, func, "tol", low=0.0, low_open=True)
    seed = check_int(seed, func, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.5, 1.5, size=(n, 2))
    if centred:
        x = x - x.mean(axis=0)
    w_star = np.array(target, dtype=float)
    y = x @ w_star
    w = np.zeros(2)
    path, same, moves, reached = [w.copy()], 0, 0, None
    order = rng.integers(0, n, size=steps)
    for t, i in enumerate(order, start=1):
        g = (w @ x[i] - y[i]) * x[i]
        if reached is None:  # count the updates on the way to the target, not those after it
            same, moves = same + bool(g[0] * g[1] > 0), moves + 1
        w = w - lr * g
        path.append(w.copy())
        if reached is None and np.linalg.norm(w - w_star) < tol:
            reached = t
        if np.linalg.norm(w) > 1e6:  # diverged: stop before the numbers overflow
            break
    return {
        "path": np.array(path),
        "steps_to_target": reached,
        "same_sign": same / moves,
        "eigenvalues": np.linalg.eigvalsh(x.T @ x / n),
    }


def plot_zigzag(runs: dict, target=(1.0, -1.0), shown: int = 60):
    """The first ``shown`` steps of each :func:`zigzag` run in ``runs`` (``{label: run}``) in the
    :math:`(w_1, w_2)` plane, one panel each, with the start and the target."""
    check_type(runs, "plot_zigzag", "runs", dict, "a dict {label: zigzag(...)}")
    shown = check_int(shown, "plot_zigzag", "shown", minimum=1)
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 4), squeeze=False)
    for ax, (label, run) in zip(axes[0], runs.items()):
        p = run["path"][: shown + 1]
        ax.plot(p[:, 0], p[:, 1], ".-", lw=1, ms=3)
        ax.plot(0, 0, "ks", label=_("start"))
        ax.plot(*target, "r*", ms=12, label=_("target w*"))
        ax.set_title(label)
        ax.set_xlabel("$w_1$")
        ax.set_ylabel("$w_2$")
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_aspect("equal", adjustable="datalim")
        ax.legend(loc="lower left")
    return finish(fig)


def _pre_activations(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The input of every activation module of the ``nn.Sequential`` ``model``, for inputs ``x``."""
    kinds, out, h = registry.module_types(), [], x
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, kinds):
                out.append(h)
            h = layer(h)
    return out


def dead_fraction(model: nn.Module, x: torch.Tensor, per_layer: bool = False):
    r"""The fraction of hidden units of the ``nn.Sequential`` ``model`` that are *dead* on inputs
    ``x`` of shape ``(N, D)``: their pre-activation :math:`z` is :math:`\le 0` for every one of the
    ``N`` inputs (for leaky ReLU: never in the positive region). ``per_layer=True`` gives one
    fraction per activation layer."""
    check_type(model, "dead_fraction", "model", nn.Sequential, "a torch.nn.Sequential")
    check_type(x, "dead_fraction", "x", torch.Tensor, "a torch.Tensor of shape (N, D)")
    if x.dim() != 2 or len(x) == 0:
        raise ValueError(f"dead_fraction: expected x of shape (N, D) with N >= 1 (got shape {tuple(x.shape)})")
    pres = _pre_activations(model, x)
    if not pres:
        raise ValueError("dead_fraction: expected a model with an activation layer (got none)")
    dead = [~(z > 0).any(dim=0) for z in pres]
    if per_layer:
        return [d.float().mean().item() for d in dead]
    return torch.cat(dead).float().mean().item()


#: The three networks of the dead-ReLU experiment: (activation, bias of the hidden layers or None
#: for PyTorch's default).
VARIANTS = {"ReLU": ("relu", None), "ReLU, bias 0.01": ("relu", 0.01), "leaky ReLU": ("leaky_relu", None)}


def dead_relu_runs(
    data: Split, lrs=(0.1, 1.0), seeds=(0, 1, 2), steps: int = 400, every: int = 25, sizes=(128, 128)
) -> dict:
    r"""Train ``mlp([features, *sizes, classes])`` for each of :data:`VARIANTS`, learning rate and
    seed (SGD, ``batch_size=32``, PyTorch's default initialization; "bias 0.01": every hidden bias
    set to 0.01 after building) and measure every ``every`` steps, on the whole training set, the
    fraction of dead units (:func:`dead_fraction`), which units are dead, and how many
    pre-activations are exactly 0.0. Returns ``{(variant, lr): [run per seed]}``, a run being a dict
    with ``steps``, ``dead`` (fractions), ``revived`` (per hidden layer, the units dead at some
    measurement and alive at a later one), ``exact_zeros``, ``values`` (pre-activations looked at) and ``test_acc`` (final)."""
    func = "dead_relu_runs"
    _check_data(data, func)
    check_type(lrs, func, "lrs", (list, tuple), "a list of learning rates")
    lrs = [check_number(lr, func, "every lr", low=0.0, low_open=True) for lr in lrs]
    check_type(seeds, func, "seeds", (list, tuple), "a list of seeds")
    seeds = [check_int(s, func, "every seed", minimum=0) for s in seeds]
    steps = check_int(steps, func, "steps", minimum=1)
    every = check_int(every, func, "every", minimum=1, maximum=steps)
    check_type(sizes, func, "sizes", (list, tuple), "a list of hidden widths")
    x = data.x_train
    out = {}
    for label, (activation, bias) in VARIANTS.items():
        for lr in lrs:
            runs = []
            for seed in seeds:
                torch.manual_seed(seed)
                net = mlp([data.num_features, *sizes, data.num_classes], activation=activation)
                if bias is not None:
                    for layer in list(net)[:-1]:
                        if isinstance(layer, nn.Linear):
                            nn.init.constant_(layer.bias, bias)
                masks, zeros, widths = [], [0, 0], []

                def probe(model, masks=masks, zeros=zeros, widths=widths):
                    pres = _pre_activations(model, x)
                    zeros[0] += sum(int((z == 0).sum()) for z in pres)
                    zeros[1] += sum(z.numel() for z in pres)
                    widths[:] = [z.shape[1] for z in pres]
                    masks.append(torch.cat([~(z > 0).any(dim=0) for z in pres]))
                    return masks[-1].float().mean().item()

                hist = train_steps(net, data, steps, lr=lr, batch_size=32, eval_every=every, seed=seed, probe=probe)
                dead_ever = torch.zeros_like(masks[0])
                revived = torch.zeros_like(masks[0])
                for mask in masks:
                    revived |= dead_ever & ~mask
                    dead_ever |= mask
                runs.append(
                    {
                        "steps": hist.steps,
                        "dead": hist.probes,
                        "revived": [int(part.sum()) for part in revived.split(widths)],
                        "exact_zeros": zeros[0],
                        "values": zeros[1],
                        "test_acc": hist.test_acc[-1],
                    }
                )
            out[(label, lr)] = runs
    return out


def plot_dead_fractions(runs: dict):
    """One panel per learning rate of :func:`dead_relu_runs`' results: the fraction of dead units
    against the step, the median over seeds as a line and each seed as a thin line."""
    check_type(runs, "plot_dead_fractions", "runs", dict, "the dict dead_relu_runs returns")
    lrs = sorted({lr for _label, lr in runs})
    fig, axes = plt.subplots(1, len(lrs), figsize=(5 * len(lrs), 3.8), sharey=True, squeeze=False)
    colors = dict(zip(VARIANTS, ("C0", "C1", "C2")))
    for ax, lr in zip(axes[0], lrs):
        for label in VARIANTS:
            seeds = runs.get((label, lr), [])
            if not seeds:
                continue
            steps = seeds[0]["steps"]
            values = np.array([r["dead"] for r in seeds])
            for row in values:
                ax.plot(steps, row, color=colors[label], lw=0.6, alpha=0.4)
            ax.plot(steps, np.median(values, axis=0), color=colors[label], lw=2, label=_(label))
        ax.set_title(_("learning rate η = {lr}").format(lr=fmt(lr)))
        ax.set_xlabel(_("step"))
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(_("fraction of dead units"))
    axes[0][-1].legend()
    return finish(fig)


def relu_derivatives_at_zero() -> list[tuple[str, float]]:
    """``[(name, derivative at x = 0.0 by autograd)]`` for torch's and trainlab's ReLU, leaky ReLU
    (``negative_slope=0.01``) and ``torch.abs``."""
    from ... import functional as tl_F
    from ... import nn as tl_nn

    fns = {
        "torch.relu": torch.relu,
        "F.relu": nn.functional.relu,
        "nn.ReLU()": nn.ReLU(),
        "trainlab.functional.relu": tl_F.relu,
        "trainlab.nn.ReLU()": tl_nn.ReLU(),
        "F.leaky_relu": nn.functional.leaky_relu,
        "torch.abs": torch.abs,
    }
    rows = []
    for name, fn in fns.items():
        x = torch.zeros((), requires_grad=True)
        fn(x).backward()
        rows.append((name, x.grad.item()))
    return rows


def _checker_case(seed: int = 0):
    """A small ReLU network with some units dead by construction (large negative biases), and inputs."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    net = mlp([8, 16, 12, 3])
    with torch.no_grad():
        net[0].bias[:5] = -100.0
        net[2].bias[:3] = -100.0
    return net, torch.rand(50, 8, generator=gen)


def check_dead_fraction(fn, verbose: bool = True, seed: int = 0) -> CheckResult:
    """Check a reader's ``fn(model, x) -> float``, the fraction of dead hidden units of the
    ``nn.Sequential`` ``model`` on inputs ``x``, against :func:`dead_fraction` on a ReLU network
    with some units dead by construction. Prints the feedback in the lesson's language (with a hint
    when the answer is the mean fraction of zero outputs instead); returns a :class:`CheckResult`."""
    if not callable(fn):
        raise TypeError(f"check_dead_fraction: expected fn to be a function fn(model, x) (got {got(fn)})")
    net, x = _checker_case(seed)
    want = dead_fraction(net, x)
    zeros = torch.cat([(z <= 0).float().flatten() for z in _pre_activations(net, x)]).mean().item()
    try:
        answer = fn(net, x)
        value = float(answer)
    except Exception as error:  # the reader's code: report, do not crash the lesson
        lines, ok = [_("Your function raised {error}").format(error=f"{type(error).__name__}: {error}")], False
    else:
        ok = abs(value - want) < 1e-6
        if ok:
            lines = ["✓ " + _("correct: {value} of the hidden units are dead").format(value=fmt(want, 4))]
        else:
            lines = ["✗ " + _("got {got}, expected {want}").format(got=fmt(value, 4), want=fmt(want, 4))]
            if abs(value - zeros) < 1e-6:
                lines.append(
                    _(
                        "Hint: you measured how often a unit outputs 0; a dead unit is 0 for every input (use .all over the examples)."
                    )
                )
    return CheckResult.report(ok, lines, verbose)
