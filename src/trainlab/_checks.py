"""Argument checks shared by trainlab's functions.

Every check raises ``ValueError`` or ``TypeError`` with the message
``"<function>: expected <what> (got <actual>)"``, so a reader sees at once which
call is wrong and how to fix it.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def check_array(x, func: str, arg: str, ndims=None) -> np.ndarray:
    """``x`` as a floating NumPy array, with ``x.ndim`` in ``ndims`` when given."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: expected {arg} to be a numpy.ndarray (got {type(x).__name__})")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{func}: expected {arg} of a floating dtype (got {x.dtype}); convert it with {arg}.astype(np.float64)")
    if ndims is not None and x.ndim not in ndims:
        want = " or ".join(f"{d}D" for d in ndims)
        raise ValueError(f"{func}: expected {want} {arg} (got {x.ndim}D {arg} of shape {x.shape})")
    return x


def check_channel_param(v, func: str, arg: str, C: int, dtype, default=None) -> np.ndarray:
    """A per-channel vector of shape ``(C,)``; ``None`` becomes ``default`` (if given)."""
    if v is None and default is not None:
        return np.full(C, default, dtype=dtype)
    v = check_array(v, func, arg)
    if v.shape != (C,):
        raise ValueError(f"{func}: expected {arg} of shape ({C},), one value per channel (got shape {v.shape})")
    return v


def check_eps(eps, func: str) -> None:
    if isinstance(eps, bool) or not isinstance(eps, Real) or not eps >= 0 or math.isinf(eps):
        raise ValueError(f"{func}: expected eps to be a finite number >= 0 (got {eps!r})")


def check_momentum(momentum, func: str) -> None:
    if isinstance(momentum, bool) or not isinstance(momentum, Real) or not 0.0 <= momentum <= 1.0:
        raise ValueError(f"{func}: expected momentum in [0, 1] (got {momentum!r})")


def check_int(v, func: str, arg: str, minimum: int | None = None) -> None:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{func}: expected {arg} to be an int (got {type(v).__name__} {v!r})")
    if minimum is not None and v < minimum:
        raise ValueError(f"{func}: expected {arg} >= {minimum} (got {v})")


def check_probability(p, func: str, arg: str = "p") -> None:
    """A probability in [0, 1], as torch's 'dropout probability has to be between 0 and 1'."""
    if isinstance(p, bool) or not isinstance(p, Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{func}: expected {arg} to be a probability between 0 and 1 (got {p!r})")
