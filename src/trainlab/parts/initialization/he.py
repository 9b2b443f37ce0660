"""He et al. (2015) in small for the lesson init-he: the halving of the second moment by a
rectifier, the He standard deviation, deep plain ReLU MLPs with Xavier vs He initialization
(their Figures 2 and 3 in small), the "Xavier for tanh, He for ReLU" check and the exercise checker.

The lesson runs :data:`DEFAULT` (digits, 22 and 30 layers, a few seeds; well under a minute on
one core).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ... import init as tl_init
from ..._checks import check_choice, check_int, check_number, check_tensor, check_type, got
from ...exercises import CheckResult
from ...i18n import _, fmt

#: The two schemes compared: Glorot & Bengio's normalized init with gain 1, and He et al.'s (fan_in).
INITS = ("xavier", "he")
#: The activations the myth check compares.
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}
#: The default run the lesson executes.
DEFAULT = {
    "depths": [22, 30],
    "width": 64,
    "steps": 300,
    "batch_size": 64,
    "lr": 0.005,
    "momentum": 0.9,
    "seeds": 2,
    "eval_every": 20,
    "threshold": 0.5,
}
_CONFIG_KEYS = tuple(DEFAULT)


def rectifier_second_moment(a: float = 0.0, samples: int = 1_000_000, std: float = 1.0, seed: int = 0) -> dict:
    r"""Sample :math:`y \sim \mathcal N(0, \text{std}^2)` and return the second moment of
    :math:`x = f(y)`, :math:`f` leaky ReLU with slope ``a`` (``a = 0``: ReLU), against the
    variance of :math:`y`: ``{"second_moment": E[x^2], "variance": Var[y], "ratio": E[x^2]/Var[y],
    "mean": E[x], "predicted": (1 + a^2)/2}`` (the ratio He et al. derive for a symmetric
    :math:`y`).

    Example:
        >>> r = rectifier_second_moment(0.0, samples=200_000)
        >>> round(r["ratio"], 2), r["predicted"]
        (0.5, 0.5)
    """
    func = "rectifier_second_moment"
    a = check_number(a, func, "a (the negative slope)", 0.0, 1.0)
    check_int(samples, func, "samples", minimum=2)
    std = check_number(std, func, "std", 0.0, low_open=True)
    check_int(seed, func, "seed", minimum=0)
    gen = torch.Generator().manual_seed(seed)
    y = torch.randn(samples, generator=gen, dtype=torch.float64) * std
    x = nn.functional.leaky_relu(y, a)
    second, var = float((x**2).mean()), float(y.var())
    return {"second_moment": second, "variance": var, "ratio": second / var, "mean": float(x.mean()),
            "predicted": (1 + a * a) / 2}  # fmt: skip


def he_std(fan: int, a: float = 0.0) -> float:
    r"""He et al.'s standard deviation for a layer followed by leaky ReLU with slope ``a``
    (``a = 0``: ReLU): :math:`\frac12(1+a^2)\,\text{fan}\,\mathrm{Var}[w] = 1`, i.e.
    :math:`\text{std} = \sqrt{2 / ((1 + a^2)\,\text{fan})}`; ``fan`` is ``fan_in`` (forward form)
    or ``fan_out`` (backward form).

    Example:
        >>> round(he_std(64), 4), round((2 / 64) ** 0.5, 4)
        (0.1768, 0.1768)
    """
    check_int(fan, "he_std", "fan", minimum=1)
    a = check_number(a, "he_std", "a (the negative slope)", 0.0)
    return math.sqrt(2.0 / ((1.0 + a * a) * fan))


def plain_mlp(depth: int, width: int = 64, init: str = "he", activation: str = "relu", in_features: int = 64,
              classes: int = 10, generator: torch.Generator | None = None) -> nn.Sequential:  # fmt: skip
    r"""A plain MLP with ``depth`` weight layers (``depth - 1`` hidden layers of ``width`` units,
    each ``Linear -> f``, then ``Linear`` to ``classes`` logits), no normalization, no skip
    connections; every weight drawn with ``init`` and every bias 0:

    - ``"xavier"``: :math:`\mathcal N\big(0, 2/(n_\text{in} + n_\text{out})\big)` (Glorot & Bengio's
      normalized init, gain 1; for a square layer :math:`1/n`, what He et al. call "Xavier");
    - ``"he"``: :math:`\mathcal N(0, 2/n_\text{in})` (``kaiming_normal_``, ``fan_in``, ReLU gain),
      whatever ``activation`` is.

    Maps ``(N, in_features)`` to ``(N, classes)``.

    Example:
        >>> net = plain_mlp(30, generator=torch.Generator().manual_seed(0))
        >>> sum(isinstance(m, nn.Linear) for m in net), tuple(net(torch.zeros(2, 64)).shape)
        (30, (2, 10))
    """
    func = "plain_mlp"
    check_int(depth, func, "depth", minimum=2)
    check_int(width, func, "width", minimum=1)
    check_choice(init, func, "init", INITS)
    check_choice(activation, func, "activation", tuple(ACTIVATIONS))
    check_int(in_features, func, "in_features", minimum=1)
    check_int(classes, func, "classes", minimum=2)
    sizes = [in_features] + [width] * (depth - 1) + [classes]
    layers: list[nn.Module] = []
    for i in range(depth):
        lin = nn.Linear(sizes[i], sizes[i + 1])
        if init == "he":
            tl_init.kaiming_normal_(lin.weight, mode="fan_in", nonlinearity="relu", generator=generator)
        else:
            tl_init.xavier_normal_(lin.weight, gain=1.0, generator=generator)
        tl_init.zeros_(lin.bias)
        layers.append(lin)
        if i < depth - 1:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def layer_stats(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> dict:
    r"""One forward and backward pass of ``model`` (a :func:`plain_mlp`) on ``x`` ``(N, D)`` with
    labels ``y`` ``(N,)`` and the cross-entropy loss: ``{"std": [std of f(y_l) per hidden layer],
    "grad": [||dL/dW_l|| per weight layer, first to last]}``."""
    check_type(model, "layer_stats", "model", nn.Sequential, "a torch.nn.Sequential (a plain_mlp)")
    check_tensor(x, "layer_stats", "x", ndims=(2,))
    stds, h = [], x
    for layer in model:
        h = layer(h)
        if not isinstance(layer, nn.Linear):
            stds.append(float(h.detach().std()))
    model.zero_grad()
    nn.functional.cross_entropy(h, y).backward()
    grads = [float(m.weight.grad.norm()) for m in model if isinstance(m, nn.Linear)]
    model.zero_grad()
    return {"std": stds, "grad": grads}


def per_layer_factor(stds) -> float:
    r"""The geometric mean of the factor by which a list of per-layer standard deviations
    changes from one layer to the next, :math:`(s_n / s_1)^{1/(n-1)}`.

    Example:
        >>> round(per_layer_factor([1.0, 0.5, 0.25]), 3)
        0.5
    """
    if isinstance(stds, (str, bytes)) or not hasattr(stds, "__iter__"):
        raise TypeError(f"per_layer_factor: expected stds to be a list of numbers (got {got(stds)})")
    stds = [check_number(v, "per_layer_factor", "every std", 0.0, low_open=True) for v in stds]
    if len(stds) < 2:
        raise ValueError(f"per_layer_factor: expected at least two standard deviations (got {len(stds)})")
    return (stds[-1] / stds[0]) ** (1.0 / (len(stds) - 1))


@torch.no_grad()
def _loss_and_error(model, x, y):
    logits = model(x)
    loss = float(nn.functional.cross_entropy(logits, y))
    return loss, float((logits.argmax(1) != y).float().mean())


def train_curve(depth: int, init: str, x, y, seed: int = 0, config: dict | None = None,
                activation: str = "relu") -> dict:  # fmt: skip
    """Train :func:`plain_mlp` (``config["width"]`` units a layer) with SGD and momentum on random
    mini-batches of ``x`` ``(N, D)``, ``y`` ``(N,)`` for ``config["steps"]`` steps; every
    ``config["eval_every"]`` steps, the loss and error on all of ``x``.  Returns ``{"steps",
    "loss", "error"}`` (lists of the same length; a non-finite loss counts as error 0.9 and the
    run stops there, its last value repeated)."""
    func = "train_curve"
    config = DEFAULT if config is None else config
    check_int(depth, func, "depth", minimum=2)
    check_choice(init, func, "init", INITS)
    check_tensor(x, func, "x", ndims=(2,))
    check_int(seed, func, "seed", minimum=0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small matrices: one thread is as fast, and reproducible
    try:
        return _train(depth, init, x, y, seed, config, activation)
    finally:
        torch.set_num_threads(threads)


def _train(depth, init, x, y, seed, config, activation):
    gen = torch.Generator().manual_seed(seed)
    model = plain_mlp(depth, config["width"], init, activation, x.shape[1], int(y.max()) + 1, gen)
    opt = torch.optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"])
    out = {"steps": [], "loss": [], "error": []}
    for step in range(config["steps"] + 1):
        if step % config["eval_every"] == 0:
            loss, err = _loss_and_error(model, x, y)
            if not math.isfinite(loss):
                loss, err = float("nan"), 0.9
            for key, v in (("steps", step), ("loss", loss), ("error", err)):
                out[key].append(v)
            if not math.isfinite(loss):
                break
        if step == config["steps"]:
            break
        batch = torch.randint(0, len(x), (config["batch_size"],), generator=gen)
        opt.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        opt.step()
    while out["steps"][-1] < config["steps"]:  # a diverged run: repeat its last value
        out["steps"].append(out["steps"][-1] + config["eval_every"])
        out["loss"].append(out["loss"][-1])
        out["error"].append(out["error"][-1])
    return out


def run_experiment(data, config: dict | None = None) -> dict:
    """He et al.'s Figures 2 and 3 in small: for each depth of ``config["depths"]`` and each
    scheme of :data:`INITS`, :func:`train_curve` with seeds ``0 .. seeds-1`` on the training
    images of ``data`` (a :class:`~trainlab.data.Split`, standardized digits).

    Returns ``{"settings": config, "curves": {depth: {init: [curve per seed]}}}``."""
    from ...data import Split

    check_type(data, "run_experiment", "data", Split, "a trainlab.data.Split")
    config = dict(DEFAULT if config is None else config)
    missing = [k for k in _CONFIG_KEYS if k not in config]
    if missing:
        raise ValueError(f"run_experiment: expected config to have {', '.join(missing)} (got keys {sorted(config)})")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small matrices: one thread is as fast, and reproducible
    try:
        curves = {
            d: {i: [train_curve(d, i, data.x_train, data.y_train, s, config) for s in range(config["seeds"])]
                for i in INITS}
            for d in config["depths"]
        }  # fmt: skip
    finally:
        torch.set_num_threads(threads)
    return {"settings": {**config, "train_size": len(data.x_train)}, "curves": curves}


def steps_to_error(curve: dict, threshold: float):
    """The first evaluated step at which ``curve["error"]`` is at or below ``threshold``, or ``None``.

    Example:
        >>> steps_to_error({"steps": [0, 20, 40], "error": [0.9, 0.6, 0.4]}, 0.5)
        40
    """
    check_type(curve, "steps_to_error", "curve", dict, "a dict with steps and error (a train_curve)")
    check_number(threshold, "steps_to_error", "threshold", 0.0, 1.0)
    return next((s for s, e in zip(curve["steps"], curve["error"]) if e <= threshold), None)


def _check_results(results, func):
    check_type(results, func, "results", dict, "a dict from run_experiment")
    if not isinstance(results.get("curves"), dict) or "settings" not in results:
        raise ValueError(f"{func}: expected results with settings and curves (got keys {sorted(results)})")


def summary(results: dict) -> str:
    """The lines the lesson prints about ``results``: per depth and scheme, the training error
    (mean over the seeds) at a few steps, and each seed's steps to the threshold error."""
    _check_results(results, "summary")
    s = results["settings"]
    lines = [
        _("{n} training images, width {w}, {steps} steps, {seeds} seeds, learning rate {lr}").format(
            n=fmt(s["train_size"]), w=fmt(s["width"]), steps=fmt(s["steps"]), seeds=fmt(s["seeds"]), lr=fmt(s["lr"])
        )
    ]
    for depth, by_init in results["curves"].items():
        lines.append(_("{d} layers").format(d=fmt(int(depth))))
        for init, curves in by_init.items():
            steps = curves[0]["steps"]
            show = [i for i in range(len(steps)) if steps[i] % 100 == 0 or steps[i] == s["steps"]]
            mean = np.mean([c["error"] for c in curves], axis=0)
            errs = ", ".join(f"{fmt(steps[i])}: {fmt(float(mean[i]), 0, percent=True)}" for i in show)
            reach = [steps_to_error(c, s["threshold"]) for c in curves]
            lines.append(
                f"  {init}: "
                + _("training error (mean)")
                + f" {errs}; "
                + _("steps to {x}").format(x=fmt(s["threshold"], 0, percent=True))
                + " "
                + "; ".join("—" if r is None else fmt(r) for r in reach)
            )
    return "\n".join(lines)


def plot_curves(results: dict):
    """Training error against steps, one panel per depth (He et al.'s Figures 2 and 3 in small):
    He solid, Xavier dashed; each seed thin, the mean thick."""
    import matplotlib.pyplot as plt

    from ...figures import finish

    _check_results(results, "plot_curves")
    depths = list(results["curves"])
    fig, axes = plt.subplots(1, len(depths), figsize=(4.2 * len(depths), 3.6), sharey=True, squeeze=False)
    styles = {"he": ("-", "C3", "He"), "xavier": ("--", "C0", "Xavier")}
    for ax, depth in zip(axes[0], depths):
        for init, curves in results["curves"][depth].items():
            ls, color, label = styles[init]
            steps = curves[0]["steps"]
            for c in curves:
                ax.plot(steps, c["error"], ls=ls, color=color, lw=0.8, alpha=0.35)
            ax.plot(steps, np.mean([c["error"] for c in curves], axis=0), ls=ls, color=color, lw=2.2, label=label)
        ax.set_title(_("{d} layers, ReLU").format(d=fmt(int(depth))))
        ax.set_xlabel(_("training steps"))
        ax.set_ylim(0, 1)
        ax.legend()
    axes[0][0].set_ylabel(_("training error"))
    return finish(fig)


def myth_check(x, y, depths=(5, 10, 30), seed: int = 0, train: tuple = ("relu", "tanh"), train_depth: int = 30,
               config: dict | None = None) -> dict:  # fmt: skip
    """Both activations x both schemes x ``depths``: at initialization (``seed``), the standard
    deviation of the last hidden layer's output and the gradient norms ``||dL/dW_1||``, ``||dL/dW_n||`` on
    ``x`` ``(N, D)``, ``y`` ``(N,)``; and, for the activations in ``train``, at ``train_depth``
    layers, the training error on ``x`` after ``config["steps"]`` steps (seed ``seed``).

    Returns ``{"init": {(act, init, depth): {"std_last", "grad_first", "grad_last"}}, "trained": {(act, init): error}}``."""
    check_tensor(x, "myth_check", "x", ndims=(2,))
    if isinstance(depths, (str, bytes)) or not hasattr(depths, "__iter__") or not depths:
        raise TypeError(f"myth_check: expected depths to be a list of ints (got {got(depths)})")
    depths = [check_int(d, "myth_check", "every depth", minimum=2) for d in depths]
    for act in train:
        check_choice(act, "myth_check", "every activation in train", tuple(ACTIVATIONS))
    check_int(train_depth, "myth_check", "train_depth", minimum=2)
    config = DEFAULT if config is None else config
    out = {"init": {}, "trained": {}, "train_depth": train_depth}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for act in ACTIVATIONS:
            for init in INITS:
                for depth in depths:
                    gen = torch.Generator().manual_seed(seed)
                    net = plain_mlp(depth, config["width"], init, act, x.shape[1], int(y.max()) + 1, gen)
                    st = layer_stats(net, x, y)
                    out["init"][(act, init, depth)] = {"std_last": st["std"][-1], "grad_first": st["grad"][0],
                                                       "grad_last": st["grad"][-1]}  # fmt: skip
                if act in train:
                    curve = train_curve(train_depth, init, x, y, seed, config, activation=act)
                    out["trained"][(act, init)] = curve["error"][-1]
                    out["train_steps"] = config["steps"]
    finally:
        torch.set_num_threads(threads)
    return out


def myth_summary(result: dict) -> str:
    """The table the lesson prints from :func:`myth_check`."""
    check_type(result, "myth_summary", "result", dict, "a dict from myth_check")
    lines = [_("activation, init: std of the last hidden layer | ||dL/dW_1||, per depth")]
    keys = list(result["init"])
    for act, init in dict.fromkeys((k[0], k[1]) for k in keys):
        cells = [
            f"{fmt(d)}: {_sci(v['std_last'])} | {_sci(v['grad_first'])}"
            for (a, i, d), v in result["init"].items()
            if (a, i) == (act, init)
        ]
        line = f"{act:5s} {init:7s} " + "; ".join(cells)
        if (act, init) in result["trained"]:
            line += (
                "; "
                + _("{d} layers, training error after {s} steps").format(
                    d=fmt(result["train_depth"]), s=fmt(result["train_steps"])
                )
                + " "
                + fmt(result["trained"][(act, init)], 0, percent=True)
            )
        lines.append(line)
    return "\n".join(lines)


def _sci(v: float) -> str:
    """Two significant digits; scientific notation below 0.01 or above 1000."""
    if v != 0 and (abs(v) < 0.01 or abs(v) >= 1000):
        mant, exp = f"{v:.1e}".split("e")
        return f"{fmt(float(mant), 1)}e{int(exp)}"
    return fmt(v, 2)


def check_he_std(fn, verbose: bool = True) -> CheckResult:
    """Check a reader's ``fn(fan_in, fan_out, a, mode) -> std`` (He's std for a layer followed by
    leaky ReLU with slope ``a``, ``mode`` ``"fan_in"`` or ``"fan_out"``) against what
    :func:`trainlab.init.kaiming_normal_` uses (``calculate_gain("leaky_relu", a) / sqrt(fan)``),
    printing the feedback in the lesson's language.

    Example:
        >>> ok = lambda fi, fo, a, mode: he_std(fi if mode == "fan_in" else fo, a)
        >>> bool(check_he_std(ok, verbose=False))
        True
    """
    if not callable(fn):
        raise TypeError(f"check_he_std: expected fn to be a function (got {got(fn)})")
    cases = [(512, 256, 0.2, "fan_out"), (512, 256, 0.2, "fan_in"), (64, 64, 0.0, "fan_in"), (100, 300, 0.5, "fan_out")]
    lines, ok = [], True
    for fan_in, fan_out, a, mode in cases:
        want = tl_init.calculate_gain("leaky_relu", a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)
        try:
            answer = fn(fan_in, fan_out, a, mode)
            right = abs(float(answer) - want) <= 1e-6 * want
            shown = fmt(float(answer), 5)
        except Exception as e:  # noqa: BLE001 - the reader's error is reported, not raised
            right, shown = False, f"{type(e).__name__}: {e}"
        if not right:
            ok = False
            lines.append(
                "✗ "
                + _("fan_in {fi}, fan_out {fo}, a = {a}, {mode}: expected {want}, got {got}").format(
                    fi=fmt(fan_in), fo=fmt(fan_out), a=fmt(a), mode=mode, want=fmt(want, 5), got=shown
                )
            )
    if ok:
        lines.append("✓ " + _("correct in all {n} cases").format(n=len(cases)))
    elif verbose:
        lines.append(_("hint: (1 + a²)/2 · fan · Var[w] = 1, with fan = fan_in or fan_out as mode says"))
    return CheckResult.report(ok, lines, verbose)
