"""Automatic checking of the lessons' exercises, with feedback in the lesson's language.

Example:
    >>> from trainlab.numpy_ref import batch_norm_forward, batch_norm_backward
    >>> def reference(dy, x, gamma, eps):
    ...     y, cache = batch_norm_forward(x, gamma, None, eps=eps)
    ...     return batch_norm_backward(dy, cache)
    >>> check_batch_norm_backward(reference, verbose=False)
    True
"""

from __future__ import annotations

import numpy as np

from .i18n import _
from .numpy_ref import batch_norm_backward, batch_norm_forward

TOLERANCE = 1e-7


def _relative_error(got, want) -> float:
    return float(np.abs(got - want).max() / max(np.abs(want).max(), 1e-12))


def check_batch_norm_backward(fn, verbose: bool = True, seed: int = 0) -> bool:
    r"""Check a reader's batch-norm backward pass ``fn(dy, x, gamma, eps) -> (dx, dgamma, dbeta)``
    (NumPy, training mode, ``x`` of shape ``(N, C)``) against :func:`trainlab.numpy_ref.batch_norm_backward`.

    Prints, per gradient, whether it is right (largest relative error below 1e-7) and,
    for the mistakes readers make most, a hint; returns ``True`` when all three are right.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=(16, 5))
    gamma, dy, eps = rng.normal(size=5), rng.normal(size=(16, 5)), 1e-5
    _y, cache = batch_norm_forward(x, gamma, None, eps=eps)
    want = batch_norm_backward(dy, cache)
    lines, ok = [], True
    try:
        got = fn(dy.copy(), x.copy(), gamma.copy(), eps)
    except Exception as error:  # the reader's code: report, do not crash the lesson
        lines.append(_("Your function raised {error}").format(error=f"{type(error).__name__}: {error}"))
        got, ok = None, False
    else:
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            lines.append(_("Expected a tuple (dx, dgamma, dbeta), got {what}").format(what=type(got).__name__))
            got, ok = None, False
    if got is not None:
        for name, g, w in zip(("dx", "dgamma", "dbeta"), got, want):
            g = np.asarray(g, dtype=float)
            if g.shape != w.shape:
                lines.append(_("{name}: shape {got}, expected {want}").format(name=name, got=g.shape, want=w.shape))
                ok = False
                continue
            err = _relative_error(g, w)
            if err < TOLERANCE:
                lines.append("✓ " + _("{name} is correct").format(name=name))
                continue
            ok = False
            lines.append("✗ " + _("{name} is wrong (largest relative error {err:.1e})").format(name=name, err=err))
            if name == "dx" and _relative_error(g, dy * gamma * cache["inv_std"]) < 1e-6:
                lines.append("  " + _("Hint: this is the gradient with the batch mean and variance held constant; "
                                      "add the paths through the mean and the variance."))
            if name == "dgamma" and _relative_error(g, dy.sum(axis=0)) < 1e-6:
                lines.append("  " + _("Hint: dgamma sums dy times x_hat over the batch, not dy alone."))
        if ok:
            lines.append(_("All three gradients are correct."))
    if verbose:
        print("\n".join(lines))
    return ok
