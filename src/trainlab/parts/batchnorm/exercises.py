"""The checker of the BN backward-pass exercise, with feedback in the lesson's language.

Example:
    >>> from trainlab.numpy_ref import batch_norm_forward, batch_norm_backward
    >>> def reference(dy, x, gamma, eps):
    ...     y, cache = batch_norm_forward(x, weight=gamma, eps=eps)
    ...     return batch_norm_backward(dy, cache)
    >>> result = check_batch_norm_backward(reference, verbose=False)
    >>> bool(result), result
    (True, CheckResult(ok=True))
"""

from __future__ import annotations

import numpy as np

from ...exercises import CheckResult, as_array
from ...gradcheck import relative_error
from ...i18n import _, localize_number_text
from ...numpy_ref import batch_norm_backward, batch_norm_forward

NAMES = ("dx", "dgamma", "dbeta")

#: Largest relative error accepted, by the floating type of the reader's answer.  The checker
#: computes the reference in float64; an answer computed in float32 carries float32's rounding
#: (machine epsilon 1.2e-7, so a relative error around 1e-6 after the sums over the batch), and
#: is held to float32's standard.  Every wrong formula the lesson anticipates is off by more
#: than 1e-2.
TOLERANCES = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-4, np.dtype(np.float16): 1e-2}
TOLERANCE = TOLERANCES[np.dtype(np.float64)]


def _short(number: float) -> str:
    """``1e-07`` -> ``1e-7``."""
    return f"{number:.0e}".replace("e-0", "e-")


def _tolerance(array: np.ndarray) -> float:
    return TOLERANCES.get(array.dtype, TOLERANCE) if array.dtype.kind == "f" else TOLERANCE


def _swapped(got: dict, want: dict, a: str, b: str, tol: float) -> bool:
    """Whether the answer holds ``b``'s gradient in place of ``a`` and ``a``'s in place of ``b``
    (both ways: ``dgamma = dy.sum()`` alone equals ``dbeta`` and is a formula error)."""
    ga, gb = got[a], got[b]
    return (
        ga is not None
        and gb is not None
        and ga.shape == want[b].shape
        and gb.shape == want[a].shape
        and relative_error(ga.astype(np.float64), want[b]) < tol
        and relative_error(gb.astype(np.float64), want[a]) < tol
    )


def check_batch_norm_backward(fn, verbose: bool = True, seed: int = 0) -> CheckResult:
    r"""Check a reader's batch-norm backward pass ``fn(dy, x, gamma, eps) -> (dx, dgamma, dbeta)``
    (training mode, ``x`` of shape ``(N, C)``, given as float64 NumPy arrays) against
    :func:`trainlab.numpy_ref.batch_norm_backward`.

    The gradients may be NumPy arrays or ``torch.Tensor``\ s (also ones that require grad),
    in float64 or float32.  A gradient is right when its largest relative error is below
    ``TOLERANCES`` for its type: 1e-7 in float64, 1e-4 in float32 (float32 cannot do better
    than about 1e-6; the feedback says when this looser tolerance was used).

    Prints, per gradient, whether it is right and, for the mistakes readers make most, a hint;
    returns a :class:`CheckResult`, true when all three are right, which shows nothing more
    when it ends a notebook cell.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=(16, 5))
    gamma, dy, eps = rng.normal(size=5), rng.normal(size=(16, 5)), 1e-5
    _y, cache = batch_norm_forward(x, weight=gamma, eps=eps)
    want = dict(zip(NAMES, batch_norm_backward(dy, cache)))
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    lines, ok, got = [], True, None
    try:
        answer = fn(dy.copy(), x.copy(), gamma.copy(), eps)
    except Exception as error:  # the reader's code: report, do not crash the lesson
        lines.append(_("Your function raised {error}").format(error=f"{type(error).__name__}: {error}"))
        ok = False
    else:
        if not isinstance(answer, (tuple, list)):
            lines.append(_("Expected a tuple (dx, dgamma, dbeta), got {what}").format(what=type(answer).__name__))
            ok = False
        elif len(answer) != 3:
            lines.append(_("Expected 3 gradients (dx, dgamma, dbeta), got {count}").format(count=len(answer)))
            ok = False
        else:
            got = dict(zip(NAMES, answer))
    if got is not None:
        arrays = {name: as_array(value) for name, value in got.items()}
        loose = sorted({str(a.dtype) for a in arrays.values() if a is not None and _tolerance(a) > TOLERANCE})
        for name in NAMES:
            g, w = arrays[name], want[name]
            if g is None:
                lines.append(
                    "✗ "
                    + _("{name}: expected an array of shape {want}, got {what}").format(
                        name=name, want=w.shape, what=type(got[name]).__name__
                    )
                )
                ok = False
                continue
            if g.shape != w.shape:
                lines.append(
                    "✗ " + _("{name}: shape {got}, expected {want}").format(name=name, got=g.shape, want=w.shape)
                )
                ok = False
                continue
            tol = _tolerance(g)
            err = relative_error(g.astype(np.float64), w)
            if err < tol:
                lines.append("✓ " + _("{name} is correct").format(name=name))
                continue
            ok = False
            near = max(tol, 1e-6)
            other = next((o for o in NAMES if o != name and _swapped(arrays, want, name, o, near)), None)
            if other is not None:  # dgamma and dbeta swapped: an order slip, not a formula error
                lines.append(
                    "✗ "
                    + _(
                        "{name} holds the value of {other}: return the gradients in the order (dx, dgamma, dbeta)."
                    ).format(name=name, other=other)
                )
                continue
            shown = localize_number_text(f"{err:.1e}")  # 4.6e-01, with the lesson's decimal mark
            lines.append("✗ " + _("{name} is wrong (largest relative error {err})").format(name=name, err=shown))
            if name == "dx" and relative_error(g.astype(np.float64), dy * gamma * inv_std) < near:
                lines.append(
                    "  "
                    + _(
                        "Hint: this is the gradient with the batch mean and variance held constant; "
                        "add the paths through the mean and the variance."
                    )
                )
            elif name == "dgamma" and relative_error(g.astype(np.float64), dy.sum(axis=0)) < near:
                lines.append("  " + _("Hint: dgamma sums dy times x_hat over the batch, not dy alone."))
        if ok:
            lines.append(_("All three gradients are correct."))
        if loose:
            lines.append(
                _(
                    "(Checked to within a looser {tol} because of the lower precision of {dtype}; in float64 the tolerance is {tol64}.)"
                ).format(
                    tol=_short(max(TOLERANCES[np.dtype(d)] for d in loose)),
                    dtype=", ".join(loose),
                    tol64=_short(TOLERANCE),
                )
            )
    return CheckResult.report(ok, lines, verbose)
