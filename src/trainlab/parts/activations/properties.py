r"""The catalogue lesson's measurements: a table of each activation's properties computed from the
registry, the cost of an activation against its layer's matmul, maxout's constructions, SELU's
self-normalization, GELU's tanh approximation, Swish's parameter, sigmoid as a binary output,
and the checker of the ELU-derivative exercise.

Example:
    >>> rows = property_table(["relu", "tanh"])
    >>> [r["name"] for r in rows], round(rows[0]["mean"], 4), rows[1]["right_slope"] < 1e-6
    (['relu', 'tanh'], 0.3989, True)
    >>> maxout_1d(torch.tensor([-2.0, 3.0]), [1.0, 0.0], [0.0, 0.0]).tolist()  # max(x, 0) = ReLU
    [0.0, 3.0]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from scipy import integrate

from ... import registry
from ..._checks import check_bool, check_int, check_number, check_type
from ..._results import write_timed_record
from ...exercises import CheckResult, as_array
from ...functional import maxout
from ...i18n import _, fmt
from ...numpy_ref import elu_forward, silu_forward
from .catalogue import display_name

#: The grid on which a range is read off: [-LIMIT, LIMIT].
LIMIT = 50.0
#: Where the slopes that tell saturation are read: f'(-SLOPE_AT) and f'(SLOPE_AT).
SLOPE_AT = 10.0
#: A slope below this (in absolute value) counts as saturated.
FLAT = 1e-3


def _names(names, func: str) -> list[str]:
    if names is None:
        return list(registry.ACTIVATIONS)
    check_type(names, func, "names", (list, tuple), "a list of activation names or None")
    return [registry.get(n, func, "names").name for n in names]


def _f(name: str):
    """The registry's NumPy reference of ``name`` as ``x -> (f(x), f'(x))`` on float64 arrays."""
    forward = registry.ACTIVATIONS[name].numpy_forward

    def f(x):
        y, cache = forward(np.asarray(x, dtype=np.float64))
        return y, cache["dydx"]

    return f


def _normal_moment(g) -> float:
    r""":math:`\mathbb E[g(z)]` for :math:`z \sim \mathcal N(0, 1)` by adaptive quadrature on
    [-40, 40] (the tails beyond are below 1e-300), split at the kinks 0 and 6."""
    density = lambda z: g(z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa: E731
    return sum(integrate.quad(density, a, b, limit=200)[0] for a, b in ((-40, 0), (0, 6), (6, 40)))


def property_table(names=None) -> list[dict]:
    r"""One row per registry activation (all by default), every number computed from the
    registry's NumPy reference :math:`f` and its derivative :math:`f'`:

    - ``min``, ``max``: of :math:`f` on a grid of [-50, 50]; ``None`` where the slope at that
      edge is still above ``FLAT`` (the function keeps going: the range is unbounded there);
    - ``f0``: :math:`f(0)`;
    - ``mean``, ``var``: :math:`\mathbb E[f(z)]`, :math:`\operatorname{Var}[f(z)]` for
      :math:`z \sim \mathcal N(0, 1)`, by quadrature;
    - ``left_slope``, ``right_slope``: :math:`f'(-10)`, :math:`f'(10)`;
    - ``saturates_left``/``saturates_right``: whether that slope is below ``FLAT`` in absolute value.
    """
    rows = []
    x = np.linspace(-LIMIT, LIMIT, 100_001)
    for name in _names(names, "property_table"):
        f = _f(name)
        y, _d = f(x)
        edge_slopes = np.abs(f(np.array([-LIMIT, LIMIT]))[1])
        low_grows, high_grows = edge_slopes[0] > FLAT, edge_slopes[1] > FLAT
        mean = _normal_moment(lambda z, f=f: float(f(np.array([z]))[0][0]))
        second = _normal_moment(lambda z, f=f: float(f(np.array([z]))[0][0]) ** 2)
        slopes = f(np.array([-SLOPE_AT, SLOPE_AT]))[1]
        rows.append(
            {
                "name": name,
                "min": None if low_grows else float(y.min()),
                "max": None if high_grows else float(y.max()),
                "f0": float(f(np.array([0.0]))[0][0]),
                "mean": mean,
                "var": second - mean**2,
                "left_slope": float(slopes[0]),
                "right_slope": float(slopes[1]),
                "saturates_left": bool(abs(slopes[0]) < FLAT),
                "saturates_right": bool(abs(slopes[1]) < FLAT),
            }
        )
    return rows


def text_table(header, rows) -> str:
    """An aligned plain-text table (``|`` between columns, a rule under the header) of strings.

    Example:
        >>> print(text_table(["a", "bb"], [["1", "2"], ["333", "4"]]))
        a   | bb
        ----+---
        1   | 2
        333 | 4
    """
    check_type(header, "text_table", "header", (list, tuple), "a list of strings")
    check_type(rows, "text_table", "rows", (list, tuple), "a list of rows")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: " | ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), "-+-".join("-" * w for w in widths), *map(line, rows)])


def format_property_table(rows) -> str:
    """:func:`property_table`'s rows as a localized text table (the lesson prints it)."""
    check_type(rows, "format_property_table", "rows", (list, tuple), "the rows of property_table()")
    header = [
        _("activation"),
        "min f",
        "max f",
        "f(0)",
        "E[f(z)]",
        "Var[f(z)]",
        "f′(−10)",
        "f′(10)",
        f"|f′(±10)| < {fmt(FLAT, 3)}",
    ]
    body = []
    for r in rows:
        side = [s for s, flag in (("−10", r["saturates_left"]), ("+10", r["saturates_right"])) if flag]
        body.append(
            [
                display_name(r["name"]),
                "−∞" if r["min"] is None else fmt(r["min"] + 0.0, 2),
                "+∞" if r["max"] is None else fmt(r["max"] + 0.0, 2),
                fmt(r["f0"] + 0.0, 2),
                fmt(round(r["mean"], 3) + 0.0, 3),
                fmt(round(r["var"], 3) + 0.0, 3),
                fmt(round(r["left_slope"], 4) + 0.0, 4),
                fmt(round(r["right_slope"], 4) + 0.0, 4),
                ", ".join(side) if side else "—",
            ]
        )
    return text_table(header, body)


# ----------------------------------------------------------------------------------- cost
def time_forward_backward(names=None, batch: int = 128, features: int = 1024, repeats: int = 9, seed: int = 0) -> dict:
    r"""Median wall-clock seconds of one layer's parts, each forward and backward: the matmul
    of ``nn.Linear(features, features)`` on a ``(batch, features)`` input (key ``"matmul"``),
    and each activation of ``names`` (all of the registry by default; its ``torch.nn`` module)
    on a ``(batch, features)`` tensor, the size of that layer's output.  The runs are
    interleaved (each of ``repeats`` rounds times every part once, after one warm-up round), so
    a slow moment of a shared machine hits all parts alike, and run on one thread (restored
    afterwards), so that the comparison does not depend on the number of cores.  Times depend on the machine
    and its load: the lesson prints a stored measurement (:func:`stored_cost_ratios`), never live ones."""
    names = _names(names, "time_forward_backward")
    batch = check_int(batch, "time_forward_backward", "batch", minimum=1)
    features = check_int(features, "time_forward_backward", "features", minimum=1)
    repeats = check_int(repeats, "time_forward_backward", "repeats", minimum=1)
    gen = torch.Generator().manual_seed(check_int(seed, "time_forward_backward", "seed", minimum=0))
    layer = torch.nn.Linear(features, features)
    x = torch.randn(batch, features, generator=gen)
    z = torch.randn(batch, features, generator=gen, requires_grad=True)
    dy = torch.randn(batch, features, generator=gen)

    def run_matmul():
        layer.zero_grad(set_to_none=True)
        layer(x).backward(dy)

    def activation_run(module):
        def run():
            z.grad = None
            module(z).backward(dy)

        return run

    runs = {"matmul": run_matmul} | {n: activation_run(registry.ACTIVATIONS[n].make()) for n in names}
    times = {k: [] for k in runs}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the same for every part, whatever the machine's cores and load
    try:
        for round_ in range(repeats + 1):
            for key, run in runs.items():
                start = time.perf_counter()
                run()
                if round_:  # round 0 warms up
                    times[key].append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return {k: statistics.median(v) for k, v in times.items()}


def cost_ratios(names=None, **kwargs) -> dict[str, float]:
    """Each activation's forward+backward time over its layer's matmul forward+backward, from
    :func:`time_forward_backward` (``kwargs`` go there)."""
    times = time_forward_backward(_names(names, "cost_ratios"), **kwargs)
    return {k: v / times["matmul"] for k, v in times.items() if k != "matmul"}


#: The stored measurement of :func:`cost_ratios` the catalogue lesson prints (shipped in
#: ``results/``), regenerated with::
#:
#:     python -m trainlab.parts.activations.properties --cost --out src/trainlab/parts/activations/results/act-catalogue-cost.json
COST_RESULTS = "act-catalogue-cost.json"
#: The environment variables that pin the numerics (and so the kernels timed).
PINNED = ("OMP_NUM_THREADS", "MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "OPENBLAS_CORETYPE")


def _cpu_name() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` where there is one, else ``platform.processor()``."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def measure_cost(batch: int = 128, features: int = 1024, repeats: int = 101, seed: int = 0) -> dict:
    """:func:`cost_ratios` of every registry activation (median of ``repeats`` interleaved
    rounds, one thread) with what the numbers depend on: ``{"ratios", "settings", "machine"}``,
    the record :func:`format_cost` prints and ``--cost`` stores."""
    batch = check_int(batch, "measure_cost", "batch", minimum=1)
    features = check_int(features, "measure_cost", "features", minimum=1)
    repeats = check_int(repeats, "measure_cost", "repeats", minimum=1)
    ratios = cost_ratios(batch=batch, features=features, repeats=repeats, seed=seed)
    return {
        "ratios": ratios,
        "settings": {"batch": batch, "features": features, "repeats": repeats, "threads": 1, "seed": seed},
        "machine": {
            "torch": torch.__version__,
            "machine": platform.machine(),
            "cpu": _cpu_name(),
            "date": datetime.date.today().isoformat(),
            "pinned_numerics": {k: os.environ.get(k) for k in PINNED},
        },
    }


def check_cost(record) -> dict:
    """``record`` (a :func:`measure_cost` result) checked: ratios positive and one per registry
    activation, settings and machine present; returns it."""
    check_type(record, "check_cost", "record", dict, "a dict")
    for key in ("ratios", "settings", "machine"):
        if not isinstance(record.get(key), dict):
            raise ValueError(f"check_cost: expected record[{key!r}] to be a dict (got {record.get(key)!r})")
    ratios = record["ratios"]
    if set(ratios) != set(registry.ACTIVATIONS):
        raise ValueError(f"check_cost: expected one ratio per registry activation (got {sorted(ratios)})")
    if not all(isinstance(r, (int, float)) and math.isfinite(r) and r > 0 for r in ratios.values()):
        raise ValueError(f"check_cost: expected positive ratios (got {ratios})")
    return record


def stored_cost_ratios(path=None) -> dict:
    """The stored :func:`measure_cost` record (``path=None``: the copy shipped in ``trainlab``), checked."""
    if path is None:
        text = (
            resources.files("trainlab.parts.activations").joinpath("results", COST_RESULTS).read_text(encoding="utf-8")
        )
    else:
        check_type(path, "stored_cost_ratios", "path", (str, Path), "None or a file path")
        text = Path(path).read_text(encoding="utf-8")
    return check_cost(json.loads(text))


def _two_digits(value: float) -> str:
    """``value`` > 0 rounded to two significant digits, written by :func:`fmt`."""
    value = float(f"{value:.2g}")
    return fmt(value, max(0, 1 - math.floor(math.log10(value))))


def format_cost(record, stored: bool = True) -> str:
    """The lines a lesson prints about a :func:`measure_cost` record, in the current language:
    where and how it was measured, each ratio (two significant digits) and the verdicts
    "activation / matmul < 1" and "sigmoid / matmul < 0.1" computed from the ratios."""
    check_cost(record)
    stored = check_bool(stored, "format_cost", "stored")
    s, m, ratios = record["settings"], record["machine"], record["ratios"]
    yes_no = {True: "✓", False: "✗"}
    head = _("stored measurement") if stored else _("measured here")
    return "\n".join(
        [
            head
            + ": "
            + _("{cpu} ({machine}), torch {torch}, {date}").format(
                cpu=m["cpu"], machine=m["machine"], torch=m["torch"], date=m["date"]
            ),
            _("one thread, Linear({f}, {f}), batch {batch}, median of {repeats} rounds").format(
                f=s["features"], batch=fmt(s["batch"]), repeats=fmt(s["repeats"])
            ),
            _("time of activation / time of matmul (forward + backward):"),
            "  " + "; ".join(f"{name} {_two_digits(r)}" for name, r in ratios.items()),
            _("activation / matmul < 1:") + " " + ", ".join(f"{name} {yes_no[r < 1]}" for name, r in ratios.items()),
            _("sigmoid / matmul < 0.1:") + " " + yes_no[ratios["sigmoid"] < 0.1],
        ]
    )


# --------------------------------------------------------------------------------- maxout
def maxout_1d(x, weights, biases):
    r"""A maxout unit of one input: :math:`y = \max_j (w_j x + b_j)` over ``k = len(weights)``
    pieces, computed by :func:`trainlab.functional.maxout` on the ``(N, k)`` output of the
    affine pieces.  ``x``: ``(N,)`` tensor; returns ``(N,)``."""
    x = check_type(x, "maxout_1d", "x", torch.Tensor, "a torch.Tensor")
    w = torch.as_tensor(weights, dtype=x.dtype)
    b = torch.as_tensor(biases, dtype=x.dtype)
    if w.dim() != 1 or w.shape != b.shape or len(w) < 1:
        raise ValueError(
            f"maxout_1d: expected weights and biases of the same length k >= 1 (got {len(weights)} and {len(biases)})"
        )
    pieces = x.reshape(-1, 1) * w + b  # (N, k)
    return maxout(pieces, len(w)).reshape(-1)


def maxout_exact_cases(x=None) -> dict[str, float]:
    """The largest difference, on ``x`` (default: 2001 points of [-5, 5]), between a 2-piece
    maxout and the function it builds: ReLU = max(x, 0), leaky ReLU = max(x, 0.01 x),
    |x| = max(x, -x), each against torch's own function."""
    if x is None:
        x = torch.linspace(-5, 5, 2001, dtype=torch.float64)
    check_type(x, "maxout_exact_cases", "x", torch.Tensor, "a torch.Tensor")
    cases = {
        "relu": (([1.0, 0.0], [0.0, 0.0]), torch.relu(x)),
        "leaky_relu": (([1.0, 0.01], [0.0, 0.0]), torch.nn.functional.leaky_relu(x, 0.01)),
        "abs": (([1.0, -1.0], [0.0, 0.0]), x.abs()),
    }
    return {k: float((maxout_1d(x, *wb) - want).abs().max()) for k, (wb, want) in cases.items()}


def tangent_maxout_error(pieces: int, low: float = -2.0, high: float = 2.0) -> float:
    r"""The largest error on [``low``, ``high``] of a ``pieces``-piece maxout made of the tangent
    lines of :math:`x^2` at ``pieces`` equally spaced points (tangent at :math:`t`:
    :math:`2t\,x - t^2`); a convex function is the max of its tangents, so the error shrinks
    as pieces are added (for :math:`x^2`, like :math:`1/k^2`)."""
    pieces = check_int(pieces, "tangent_maxout_error", "pieces", minimum=1)
    low = check_number(low, "tangent_maxout_error", "low")
    high = check_number(high, "tangent_maxout_error", "high")
    if high <= low:
        raise ValueError(f"tangent_maxout_error: expected high > low (got {high!r})")
    t = torch.linspace(low, high, pieces + 2, dtype=torch.float64)[1:-1] if pieces > 1 else torch.zeros(1).double()
    x = torch.linspace(low, high, 4001, dtype=torch.float64)
    return float((x**2 - maxout_1d(x, 2 * t, -(t**2))).abs().max())


def maxout_parameter_count(n_in: int, n_out: int, pieces: int) -> int:
    """Parameters of a layer of ``n_out`` maxout units with ``pieces`` pieces on ``n_in``
    inputs: one ``nn.Linear(n_in, n_out * pieces)``, ``pieces * n_out * (n_in + 1)``."""
    n_in = check_int(n_in, "maxout_parameter_count", "n_in", minimum=1)
    n_out = check_int(n_out, "maxout_parameter_count", "n_out", minimum=1)
    pieces = check_int(pieces, "maxout_parameter_count", "pieces", minimum=1)
    return sum(p.numel() for p in torch.nn.Linear(n_in, n_out * pieces).parameters())


# ---------------------------------------------------------------------- SELU, GELU, Swish
def deep_stack_statistics(
    activation: str = "selu", depth: int = 32, width: int = 256, batch: int = 1024, seed: int = 0
) -> list[tuple[float, float]]:
    r"""Mean and variance of the activations after each of ``depth`` layers
    ``Linear(width, width, bias=False) -> f``, weights LeCun-normal
    :math:`\mathcal N(0, 1/\text{width})` (Klambauer et al., 2017), input :math:`\mathcal N(0, 1)`
    of shape ``(batch, width)``; returns ``depth`` pairs ``(mean, variance)`` over all entries."""
    entry = registry.get(activation, "deep_stack_statistics", "activation")
    depth = check_int(depth, "deep_stack_statistics", "depth", minimum=1)
    width = check_int(width, "deep_stack_statistics", "width", minimum=1)
    batch = check_int(batch, "deep_stack_statistics", "batch", minimum=2)
    gen = torch.Generator().manual_seed(check_int(seed, "deep_stack_statistics", "seed", minimum=0))
    act = entry.make().to(torch.float64)
    h = torch.randn(batch, width, generator=gen, dtype=torch.float64)
    stats = []
    with torch.no_grad():
        for _layer in range(depth):
            w = torch.randn(width, width, generator=gen, dtype=torch.float64) / math.sqrt(width)
            h = act(h @ w.T)
            stats.append((float(h.mean()), float(h.var())))
    return stats


def gelu_tanh_max_difference(low: float = -10.0, high: float = 10.0) -> float:
    r"""The largest :math:`|\mathrm{GELU}(x) - \mathrm{GELU}_{\tanh}(x)|` on [``low``, ``high``]
    (100001 points), torch's exact GELU against its ``approximate="tanh"`` form
    :math:`0.5\,x\,(1 + \tanh(\sqrt{2/\pi}\,(x + 0.044715\,x^3)))`."""
    low = check_number(low, "gelu_tanh_max_difference", "low")
    high = check_number(high, "gelu_tanh_max_difference", "high")
    x = torch.linspace(low, high, 100_001, dtype=torch.float64)
    gelu = torch.nn.functional.gelu
    return float((gelu(x) - gelu(x, approximate="tanh")).abs().max())


def swish_distances(c: float, low: float = -5.0, high: float = 5.0) -> tuple[float, float]:
    r"""For Swish :math:`x\,\sigma(c x)` (the paper's :math:`\beta`, here ``c``): the largest
    distance on [``low``, ``high``] to the line :math:`x/2` and to ReLU; computed with
    :func:`trainlab.numpy_ref.silu_forward`'s ``beta``."""
    c = check_number(c, "swish_distances", "c", low=0.0)
    x = np.linspace(check_number(low, "swish_distances", "low"), check_number(high, "swish_distances", "high"), 10_001)
    y, _cache = silu_forward(x, beta=c)
    return float(np.abs(y - x / 2).max()), float(np.abs(y - np.maximum(x, 0)).max())


# ------------------------------------------------------------------------ sigmoid's uses
def fit_binary_classifier(data, positive: int = 0, steps: int = 300, lr: float = 0.5, seed: int = 0) -> dict:
    r"""Logistic regression "is the digit ``positive``?" on ``data`` (a
    :class:`~trainlab.data.Split`): one ``nn.Linear(D, 1)``, the sigmoid at the output,
    binary cross-entropy (``BCEWithLogitsLoss``, which applies the sigmoid itself), ``steps``
    full-batch gradient steps.  Returns the test accuracy (threshold :math:`\sigma = 0.5`), the
    share of positives in the test set, the mean predicted probability on the test set, and the
    smallest and largest predicted probability."""
    positive = check_int(positive, "fit_binary_classifier", "positive", minimum=0)
    steps = check_int(steps, "fit_binary_classifier", "steps", minimum=1)
    lr = check_number(lr, "fit_binary_classifier", "lr", low=0.0, low_open=True)
    torch.manual_seed(check_int(seed, "fit_binary_classifier", "seed", minimum=0))
    model = torch.nn.Linear(data.x_train.shape[1], 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    t_train = (data.y_train == positive).float()
    for _step in range(steps):
        opt.zero_grad()
        loss_fn(model(data.x_train).squeeze(1), t_train).backward()
        opt.step()
    with torch.no_grad():
        p = torch.sigmoid(model(data.x_test).squeeze(1))
    t_test = (data.y_test == positive).float()
    return {
        "accuracy": float(((p > 0.5).float() == t_test).float().mean()),
        "positive_share": float(t_test.mean()),
        "mean_probability": float(p.mean()),
        "min_probability": float(p.min()),
        "max_probability": float(p.max()),
    }


def softmax2_vs_sigmoid(seed: int = 0) -> float:
    r"""The largest difference between the first probability of a 2-class softmax and
    :math:`\sigma(z_0 - z_1)`, on 1000 random logit pairs: the two are the same function."""
    gen = torch.Generator().manual_seed(check_int(seed, "softmax2_vs_sigmoid", "seed", minimum=0))
    z = 5 * torch.randn(1000, 2, generator=gen, dtype=torch.float64)
    return float((torch.softmax(z, dim=1)[:, 0] - torch.sigmoid(z[:, 0] - z[:, 1])).abs().max())


def first_to_last_gradient_ratio(data, activation: str, depth: int = 10, width: int = 64, seed: int = 0) -> float:
    r"""Gradient norm of the first linear layer's weights over that of the last, in a fresh
    ``depth``-hidden-layer MLP of ``activation`` with Glorot-normal init (the registry's gain),
    on one batch of 256 training examples, cross-entropy loss."""
    from ...models import mlp

    registry.get(activation, "first_to_last_gradient_ratio", "activation")
    depth = check_int(depth, "first_to_last_gradient_ratio", "depth", minimum=1)
    width = check_int(width, "first_to_last_gradient_ratio", "width", minimum=1)
    torch.manual_seed(check_int(seed, "first_to_last_gradient_ratio", "seed", minimum=0))
    net = mlp(
        [data.x_train.shape[1]] + [width] * depth + [int(data.y_train.max()) + 1],
        activation=activation,
        init="xavier_normal",
    )
    torch.nn.functional.cross_entropy(net(data.x_train[:256]), data.y_train[:256]).backward()
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    return float(linears[0].weight.grad.norm() / linears[-1].weight.grad.norm())


# ---------------------------------------------------------------------------- exercise
#: The points and ELU parameters the checker tries (the kink 0 included: torch's ELU'(0) = α,
#: the slope of the left side; both sides agree only when α = 1).
ELU_POINTS = np.array([-20.0, -3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0])
ELU_ALPHAS = (1.0, 0.5, 2.0)


def check_elu_derivative(fn, verbose: bool = True) -> CheckResult:
    r"""Check a reader's ELU derivative ``fn(x, alpha) -> f'(x)`` (``x`` a float64 NumPy array)
    against :func:`trainlab.numpy_ref.elu_forward`'s derivative, for three values of
    :math:`\alpha` at points of both signs (and 0, where torch uses the left-hand slope α).
    Prints the feedback in the lesson's language (unless ``verbose=False``); returns a
    :class:`CheckResult`."""
    verbose = check_bool(verbose, "check_elu_derivative", "verbose")
    lines, ok = [], True
    for alpha in ELU_ALPHAS:
        want = elu_forward(ELU_POINTS, alpha=alpha)[1]["dydx"]
        try:
            got = as_array(fn(ELU_POINTS.copy(), alpha))
        except Exception as error:  # the reader's code: report, do not crash the lesson
            lines.append("✗ " + _("Your function raised {error}").format(error=f"{type(error).__name__}: {error}"))
            ok = False
            break
        if got is None or got.shape != want.shape:
            lines.append("✗ " + _("Expected an array of shape {want}").format(want=want.shape))
            ok = False
            break
        bad = ~np.isclose(got.astype(np.float64), want, rtol=1e-6, atol=1e-9)
        if bad.any():
            ok = False
            i = int(np.argmax(np.abs(got.astype(np.float64) - want)))  # the worst point
            lines.append(
                "✗ "
                + _("α = {alpha}: at x = {x} expected {want}, got {got}").format(
                    alpha=fmt(alpha, 1), x=fmt(ELU_POINTS[i], 1), want=fmt(float(want[i]), 4), got=fmt(float(got[i]), 4)
                )
            )
            if (ELU_POINTS[bad] < 0).any():
                lines.append(_("Hint: for x < 0, f(x) = α(eˣ − 1), so f′(x) = α eˣ = f(x) + α."))
            elif (ELU_POINTS[bad] == 0).all():
                lines.append(_("Hint: at x = 0 PyTorch uses the slope of the left side, α."))
            break
    if ok:
        lines.append("✓ " + _("The ELU derivative is correct for every α tried."))
    return CheckResult.report(ok, lines, verbose)


__all__ = [
    "LIMIT",
    "property_table",
    "text_table",
    "format_property_table",
    "time_forward_backward",
    "cost_ratios",
    "COST_RESULTS",
    "measure_cost",
    "check_cost",
    "stored_cost_ratios",
    "format_cost",
    "maxout_1d",
    "maxout_exact_cases",
    "tangent_maxout_error",
    "maxout_parameter_count",
    "deep_stack_statistics",
    "gelu_tanh_max_difference",
    "swish_distances",
    "fit_binary_classifier",
    "softmax2_vs_sigmoid",
    "first_to_last_gradient_ratio",
    "check_elu_derivative",
]


def _main(argv=None) -> Path:
    """Command line: ``--cost --out FILE`` measures :func:`measure_cost` and stores it as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m trainlab.parts.activations.properties", description=_main.__doc__.split("\n")[0]
    )
    parser.add_argument("--cost", action="store_true", required=True, help="measure the cost ratios")
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--repeats", type=int, default=101, help="interleaved rounds (the median is kept)")
    args = parser.parse_args(argv)
    return write_timed_record(args.out, lambda: measure_cost(repeats=args.repeats), check_cost)


if __name__ == "__main__":
    _main()
