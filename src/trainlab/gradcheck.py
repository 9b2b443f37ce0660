"""Gradient checking for the lessons: compare a hand-derived gradient with autograd's, and with
centred finite differences (cs231n's ``gradient_check.py``, makemore's ``cmp``).

:func:`relative_error` is the course's one definition of a relative error: :func:`compare` and
the exercise checker (:mod:`trainlab.parts.batchnorm.exercises`) both call it.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_number, check_same_shape, check_type, got
from .i18n import _

#: The default floor of :func:`relative_error`'s denominator (see there).
FLOOR = 1e-12


def _as_numpy(a) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def _numeric(a, func: str, arg: str) -> np.ndarray:
    """``a`` (a tensor, array or nested list of numbers) as a numeric NumPy array."""
    array = _as_numpy(a)
    if not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{func}: expected {arg} to be an array or tensor of numbers (got {got(a)})")
    return array


def relative_error(a, b, floor: float = FLOOR) -> float:
    r"""Largest absolute difference relative to the largest reference magnitude,
    :math:`\max_i |a_i - b_i| / \max(\max_i |b_i|,\ \text{floor})`.

    ``b`` is the reference.  The ``floor`` keeps the denominator away from zero: a reference
    whose largest magnitude is below it (an all-zero gradient, say) is treated as having
    magnitude ``floor``, so the result is the absolute difference divided by ``floor``.  The
    default ``1e-12`` is far below any gradient the lessons compare, so it never changes their
    relative errors, yet a round-off-sized difference from an all-zero reference reads as a
    modest number instead of the ``1e280`` that a bare guard against division by zero gives.
    ``floor=1.0`` makes it the absolute difference for references smaller than 1 and the
    relative one for larger references (what :func:`compare` uses).

    Args:
        a: an array or tensor (detached and moved to the CPU if it is a tensor).
        b: the reference, of exactly the same shape (no broadcasting).
        floor: the smallest denominator, > 0. Default: ``1e-12``.

    Returns:
        a Python float; ``0.0`` for empty arrays.

    Example:
        >>> relative_error(np.array([1.0, 2.001]), np.array([1.0, 2.0]))  # doctest: +ELLIPSIS
        0.0004999...
        >>> relative_error(np.zeros(2), np.zeros(3))
        Traceback (most recent call last):
        ...
        ValueError: relative_error: expected a of the same shape as b, (3,) (got (2,))
    """
    floor = check_number(floor, "relative_error", "floor", low=0.0, low_open=True)
    a, b = _numeric(a, "relative_error", "a"), _numeric(b, "relative_error", "b")
    check_same_shape(a, b, "relative_error", "a", "b")
    if not a.size:
        return 0.0
    return float(np.abs(a - b).max() / max(np.abs(b).max(), floor))


def compare(name: str, mine, reference, tol: float = 1e-10) -> bool:
    """Print and return whether ``mine`` matches ``reference`` to within ``tol``: whether
    ``relative_error(mine, reference, floor=1.0)`` (the largest absolute difference relative
    to the largest reference value, or to 1 when that is smaller) is at most ``tol``.

    The label is in the lesson's language; only the verdict is printed, not the difference itself: the last bits of a float64
    result depend on the order of the additions, which differs between libraries and
    machines, and a lesson's stored output must reproduce.

    Example:
        >>> compare("dx", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-14]))
        dx         matches: True
        True
    """
    check_type(name, "compare", "name", str, "a str")
    tol = check_number(tol, "compare", "tol", low=0.0)
    a, b = _numeric(mine, "compare", "mine"), _numeric(reference, "compare", "reference")
    if a.shape != b.shape:
        raise ValueError(f"compare: expected {name} of shape {b.shape} (got {a.shape})")
    close = bool(relative_error(a, b, floor=1.0) <= tol) if a.size else True
    print(f"{name:<10} {_('matches')}: {close}")
    return close


def numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    r"""Centred differences :math:`\partial f/\partial x_i \approx (f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon`
    of a scalar function ``f()`` of the array ``x`` (changed in place and restored).

    The error is :math:`O(\epsilon^2)`; in float64 with ``eps=1e-6`` expect a relative error
    around 1e-8 or smaller against a correct analytic gradient.

    ``x`` must be float64 (NumPy's default; torch's default is float32, so convert a tensor's
    array with ``.astype(np.float64)`` or create the tensor with ``dtype=torch.float64``).
    In float32 a step of ``1e-6`` is below the resolution of most entries (float32 resolves
    about 7 significant digits), so the differences are mostly round-off and a correct
    gradient would be reported as wrong; the function refuses float32 and float16 rather
    than computing that silently.  ``x`` cannot be converted for you, because ``f`` reads it
    in place.

    Example:
        >>> x = np.array([1.0, 2.0])
        >>> numeric_gradient(lambda: float((x**2).sum()), x).round(6)
        array([2., 4.])
        >>> numeric_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))
        Traceback (most recent call last):
        ...
        TypeError: numeric_gradient: expected x of dtype float64 (got float32); finite differences with a step of eps=1e-06 need float64: use x.astype(np.float64)
    """
    if not callable(f):
        raise TypeError(
            f"numeric_gradient: expected f to be a function of no arguments returning a number (got {got(f)})"
        )
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numeric_gradient: expected x to be a floating numpy.ndarray (got {got(x)})")
    eps = check_number(eps, "numeric_gradient", "eps", low=0.0, low_open=True)
    if np.finfo(x.dtype).eps > np.finfo(np.float64).eps:
        raise TypeError(
            f"numeric_gradient: expected x of dtype float64 (got {x.dtype}); finite differences "
            f"with a step of eps={eps:g} need float64: use x.astype(np.float64)"
        )
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
