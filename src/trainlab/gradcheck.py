"""Gradient checking for the lessons: compare a hand-derived gradient with autograd's, and with
centred finite differences (cs231n's ``gradient_check.py``, makemore's ``cmp``)."""

from __future__ import annotations

import numpy as np


def _as_numpy(a) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def compare(name: str, mine, reference, tol: float = 1e-10) -> bool:
    """Print and return whether ``mine`` matches ``reference`` to within ``tol`` (largest
    absolute difference relative to the largest reference value, or to 1).

    Only the verdict is printed, not the difference itself: the last bits of a float64
    result depend on the order of the additions, which differs between libraries and
    machines, and a lesson's stored output must reproduce.

    Example:
        >>> compare("dx", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-14]))
        dx         matches: True
        True
    """
    a, b = _as_numpy(mine), _as_numpy(reference)
    if a.shape != b.shape:
        raise ValueError(f"compare: expected {name} of shape {b.shape} (got {a.shape})")
    close = bool(np.abs(a - b).max() <= tol * max(np.abs(b).max(), 1.0)) if a.size else True
    print(f"{name:<10} matches: {close}")
    return close


def numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Centred differences :math:`\partial f/\partial x_i \approx (f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon`
    of a scalar function ``f()`` of the array ``x`` (changed in place and restored).

    The error is :math:`O(\epsilon^2)`; in float64 with ``eps=1e-6`` expect a relative error
    around 1e-8 or smaller against a correct analytic gradient.

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> numeric_gradient(lambda: float((x ** 2).sum()), x).round(6)
        array([2., 4.])
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numeric_gradient: expected x to be a floating numpy.ndarray (got {type(x).__name__})")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f()
        x[i] = old - eps
        minus = f()
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """Largest ``|a - b|`` relative to the largest ``|b|``."""
    a, b = _as_numpy(a), _as_numpy(b)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))
