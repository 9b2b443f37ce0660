r"""Checkers of the exercises of the lesson ``activations-basics``, feedback in the lesson's language.

* :func:`check_composed_affine`: the reader's ``fn(weights, biases) -> (W, b)`` collapses a
  stack of linear layers into one affine map;
* :func:`check_derivative`: the reader's ``fn(x) -> f'(x)`` for a registry activation.

Example:
    >>> def compose(weights, biases):
    ...     W, b = np.eye(weights[0].shape[1]), np.zeros(weights[0].shape[1])
    ...     for Wk, bk in zip(weights, biases):
    ...         W, b = Wk @ W, Wk @ b + bk
    ...     return W, b
    >>> bool(check_composed_affine(compose, verbose=False))
    True
    >>> bool(check_derivative(lambda x: 1 / (1 + np.exp(-x)), "softplus", verbose=False))
    True
"""

from __future__ import annotations

import numpy as np

from ... import registry
from ..._checks import check_bool, check_int
from ...exercises import CheckResult, as_array
from ...i18n import _, localize_number_text

__all__ = ["check_composed_affine", "check_derivative"]

#: The stacks the composition checker tries: layer widths, input first (a square stack catches
#: a product taken in the wrong order, which the shapes alone would not).
STACKS = ((4, 4, 4, 4), (3, 2), (3, 4, 2), (2, 5, 3, 4, 1))
TOLERANCE = 1e-8


def _num(v: float) -> str:
    return localize_number_text(f"{v:.4g}")


def _call(fn, args, lines):
    try:
        return fn(*args), True
    except Exception as error:  # the reader's code: report, do not crash the lesson
        lines.append("✗ " + _("Your function raised {error}").format(error=f"{type(error).__name__}: {error}"))
        return None, False


def check_composed_affine(fn, verbose: bool = True, seed: int = 0) -> CheckResult:
    r"""Check ``fn(weights, biases) -> (W, b)``: for layers :math:`h \mapsto W_k h + b_k`, given as
    lists of float64 NumPy arrays (``weights[k]`` of shape ``(out_k, in_k)``, first layer first),
    it must return the one affine map of the stack, :math:`W = W_n \cdots W_1` and
    :math:`b = W_n(\cdots(W_2 b_1 + b_2)\cdots) + b_n`, on every stack of :data:`STACKS`.

    Prints, per stack, what is wrong, with a hint for the two usual slips (the product in the
    wrong order; biases added without passing through the later layers); returns a
    :class:`~trainlab.exercises.CheckResult`.
    """
    check_bool(verbose, "check_composed_affine", "verbose")
    check_int(seed, "check_composed_affine", "seed")
    if not callable(fn):
        raise TypeError(f"check_composed_affine: expected fn to be a function (got {type(fn).__name__})")
    rng = np.random.default_rng(seed)
    lines, ok, hints = [], True, set()
    for widths in STACKS:
        Ws = [rng.normal(size=(o, i)) for i, o in zip(widths, widths[1:])]
        bs = [rng.normal(size=o) for o in widths[1:]]
        W_want, b_want = np.eye(widths[0]), np.zeros(widths[0])
        for Wk, bk in zip(Ws, bs):
            W_want, b_want = Wk @ W_want, Wk @ b_want + bk
        depth = len(Ws)
        raised = []
        answer, ran = _call(fn, ([w.copy() for w in Ws], [b.copy() for b in bs]), raised)
        if not ran:  # reported unless an earlier stack already showed what is wrong (then the hints say it)
            lines += raised if ok else []
            ok = False
            break
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            lines.append("✗ " + _("Expected a pair (W, b), got {what}").format(what=type(answer).__name__))
            ok = False
            break
        W, b = (as_array(a) for a in answer)
        for name, got, want in (("W", W, W_want), ("b", b, b_want)):
            if got is None or got.shape != want.shape:
                shape = None if got is None else got.shape
                lines.append(
                    "✗ "
                    + _("{depth} layers: {name} has shape {got}, expected {want}").format(
                        depth=depth, name=name, got=shape, want=want.shape
                    )
                )
                ok = False
                continue
            err = float(np.abs(got.astype(np.float64) - want).max())
            if err > TOLERANCE * (1 + np.abs(want).max()):
                ok = False
                lines.append(
                    "✗ "
                    + _("{depth} layers: {name} is wrong (largest difference {err})").format(
                        depth=depth, name=name, err=_num(err)
                    )
                )
                if name == "W" and depth > 1:
                    reversed_product = Ws[0]
                    for Wk in Ws[1:]:
                        reversed_product = reversed_product @ Wk if reversed_product.shape[1] == Wk.shape[0] else None
                        if reversed_product is None:
                            break
                    if reversed_product is not None and np.allclose(got, reversed_product):
                        hints.add("order")
                if name == "b" and np.allclose(got, sum(bs)):
                    hints.add("bias")
    if "order" in hints:
        lines.append("  " + _("Hint: the first layer acts first, so its matrix stands rightmost: W = W_n ⋯ W_2 W_1."))
    if "bias" in hints:
        lines.append("  " + _("Hint: each bias passes through the layers after it: b = W_n(⋯(W_2 b_1 + b_2)⋯) + b_n."))
    if ok:
        depths = ", ".join(str(d) for d in sorted(len(w) - 1 for w in STACKS))
        lines.append("✓ " + _("W and b are correct for stacks of {depths} layers.").format(depths=depths))
    return CheckResult.report(ok, lines, verbose)


def check_derivative(fn, name: str, verbose: bool = True) -> CheckResult:
    r"""Check ``fn(x) -> f'(x)`` for the registry activation ``name`` (default parameters) on
    float64 points from -8 to 8 (the kink 0 included, where PyTorch's convention is expected),
    against the registry's NumPy reference, to a relative 1e-5 or absolute 1e-6 (float32 passes).  Prints the first point where it is wrong.
    """
    entry = registry.get(name, "check_derivative", "name")
    check_bool(verbose, "check_derivative", "verbose")
    if not callable(fn):
        raise TypeError(f"check_derivative: expected fn to be a function (got {type(fn).__name__})")
    x = np.linspace(-8.0, 8.0, 33)
    _y, cache = entry.numpy_forward(x)
    want = cache["dydx"]
    lines = []
    answer, ran = _call(fn, (x.copy(),), lines)
    if not ran:
        return CheckResult.report(False, lines, verbose)
    got = as_array(answer)
    if got is None or got.shape != want.shape:
        what = type(answer).__name__ if got is None else f"shape {got.shape}"
        lines.append("✗ " + _("expected an array of {n} numbers, got {what}").format(n=x.size, what=what))
        return CheckResult.report(False, lines, verbose)
    bad = np.flatnonzero(~np.isclose(got.astype(np.float64), want, rtol=1e-5, atol=1e-6))
    if bad.size:
        i = int(bad[0])
        lines.append(
            "✗ "
            + _("f′ is wrong at x = {x}: expected {want}, got {got}").format(
                x=_num(x[i]), want=_num(want[i]), got=_num(float(got[i]))
            )
        )
        if name == "softplus" and np.allclose(got, 1 / (1 + np.exp(x))):
            lines.append("  " + _("Hint: the derivative of ln(1 + eˣ) is eˣ/(1 + eˣ); divide by eˣ above and below."))
        return CheckResult.report(False, lines, verbose)
    lines.append("✓ " + _("f′ is correct at all {n} points from -8 to 8.").format(n=x.size))
    return CheckResult.report(True, lines, verbose)
