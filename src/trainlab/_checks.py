"""The one vocabulary of argument checks that every public function of trainlab uses.

Every check raises ``TypeError`` for a wrong type and ``ValueError`` for a bad value, with
the message ``"<function>: expected <what> (got <actual>)"``; an invalid choice lists the
valid ones.  A reader sees at once which call is wrong and how to fix it.

Example:
    >>> check_number("0.1", "BatchNorm1d", "momentum", low=0, high=1)
    Traceback (most recent call last):
    ...
    TypeError: BatchNorm1d: expected momentum to be a number (got str '0.1')
    >>> check_choice("swish", "mlp", "activation", ("relu", "tanh"))
    Traceback (most recent call last):
    ...
    ValueError: mlp: expected activation to be one of 'relu', 'tanh' (got 'swish')
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def got(value) -> str:
    """How a message shows the value it refuses: its type, and its repr when short.

    >>> got("0.1"), got(None), got(3)
    ("str '0.1'", 'None', 'int 3')
    """
    if value is None:
        return "None"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _is_int(v) -> bool:
    return isinstance(v, Integral) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, Real) and not isinstance(v, bool)


def check_int(v, func: str, arg: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``v`` as an ``int`` (a Python or NumPy integer, not ``bool``) in ``[minimum, maximum]``."""
    if not _is_int(v):
        raise TypeError(f"{func}: expected {arg} to be an int (got {got(v)})")
    if minimum is not None and v < minimum:
        raise ValueError(f"{func}: expected {arg} >= {minimum} (got {v})")
    if maximum is not None and v > maximum:
        raise ValueError(f"{func}: expected {arg} <= {maximum} (got {v})")
    return int(v)


def check_number(
    v,
    func: str,
    arg: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
    hint: str = "",
) -> float:
    """``v`` as a ``float`` (a real number, not ``bool``, not a tensor) in the interval from
    ``low`` to ``high`` (closed unless ``low_open``/``high_open``); finite unless ``finite=False``.
    ``hint`` is appended to a value error's message (what the argument means)."""
    if not _is_number(v):
        extra = "; pass a Python number, e.g. p.item()" if hasattr(v, "item") and not isinstance(v, str) else ""
        raise TypeError(f"{func}: expected {arg} to be a number (got {got(v)}){extra}")
    v = float(v)
    bad = math.isnan(v) or (finite and math.isinf(v))
    bad = bad or (low is not None and (v <= low if low_open else v < low))
    bad = bad or (high is not None and (v >= high if high_open else v > high))
    if bad:
        if low is not None and high is not None:
            what = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        elif low is not None:
            what = f"to be a {'finite ' if finite else ''}number {'>' if low_open else '>='} {low:g}"
        elif high is not None:
            what = f"to be a {'finite ' if finite else ''}number {'<' if high_open else '<='} {high:g}"
        else:
            what = "to be a finite number"
        raise ValueError(f"{func}: expected {arg} {what}{hint} (got {v!r})")
    return v


def check_probability(p, func: str, arg: str = "p", *, allow_one: bool = True) -> float:
    """A probability in [0, 1] (``[0, 1)`` when ``allow_one=False``), as torch's dropout checks it."""
    p = check_number(p, func, arg)
    if not (0.0 <= p < 1.0 if not allow_one else 0.0 <= p <= 1.0):
        what = "between 0 and 1" if allow_one else "in [0, 1)"
        raise ValueError(f"{func}: expected {arg} to be a probability {what} (got {p!r})")
    return p


def check_eps(eps, func: str) -> float:
    """A finite ``eps >= 0`` (the constant added to a variance before its square root)."""
    return check_number(eps, func, "eps", low=0.0)


def check_momentum(momentum, func: str, allow_none: bool = False) -> float | None:
    """A running-statistics momentum in [0, 1]; ``None`` (cumulative average) when ``allow_none``."""
    if momentum is None and allow_none:
        return None
    return check_number(momentum, func, "momentum", 0.0, 1.0)


def check_bool(v, func: str, arg: str) -> bool:
    """``True`` or ``False`` (NumPy's ``bool_`` too)."""
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{func}: expected {arg} to be True or False (got {got(v)})")
    return bool(v)


def check_choice(v, func: str, arg: str, valid) -> object:
    """``v`` must be one of ``valid``; the message lists them."""
    valid = tuple(valid)
    try:
        ok = v in valid
    except TypeError:  # an unhashable or incomparable value
        ok = False
    if not ok:
        raise ValueError(f"{func}: expected {arg} to be one of {', '.join(map(repr, valid))} (got {v!r})")
    return v


def check_type(v, func: str, arg: str, types, what: str) -> object:
    """``v`` must be an instance of ``types``; ``what`` names them for the reader."""
    if not isinstance(v, types):
        raise TypeError(f"{func}: expected {arg} to be {what} (got {got(v)})")
    return v


def check_generator(generator, func: str) -> None:
    """``None`` or a ``torch.Generator``."""
    import torch

    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"{func}: expected generator to be a torch.Generator or None (got {got(generator)})")


def check_array(x, func: str, arg: str, ndims=None) -> np.ndarray:
    """``x`` as a floating NumPy array, with ``x.ndim`` in ``ndims`` when given."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: expected {arg} to be a numpy.ndarray (got {type(x).__name__})")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{func}: expected {arg} of a floating dtype (got {x.dtype}); convert it with {arg}.astype(np.float64)"
        )
    if ndims is not None and x.ndim not in ndims:
        want = " or ".join(f"{d}D" for d in ndims)
        raise ValueError(f"{func}: expected {want} {arg} (got {x.ndim}D {arg} of shape {x.shape})")
    return x


def check_tensor(x, func: str, arg: str = "input", ndims=None):
    """``x`` as a floating ``torch.Tensor``, with ``x.dim()`` in ``ndims`` when given."""
    import torch

    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func}: expected {arg} to be a torch.Tensor (got {type(x).__name__})")
    if not x.is_floating_point():
        raise TypeError(f"{func}: expected {arg} of a floating dtype (got {x.dtype}); convert it with {arg}.float()")
    if ndims is not None and x.dim() not in ndims:
        want = " or ".join(f"{d}D" for d in ndims)
        raise ValueError(f"{func}: expected {want} {arg} (got {x.dim()}D {arg} of shape {tuple(x.shape)})")
    return x


def check_same_shape(a, b, func: str, a_name: str, b_name: str) -> None:
    """Two arrays or tensors of exactly the same shape (no broadcasting)."""
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"{func}: expected {a_name} of the same shape as {b_name}, {tuple(b.shape)} (got {tuple(a.shape)})"
        )


def check_channel_param(v, func: str, arg: str, C: int, dtype, default=None) -> np.ndarray:
    """A per-channel NumPy vector of shape ``(C,)``; ``None`` becomes ``default`` (if given)."""
    if v is None and default is not None:
        return np.full(C, default, dtype=dtype)
    v = check_array(v, func, arg)
    if v.shape != (C,):
        raise ValueError(f"{func}: expected {arg} of shape ({C},), one value per channel (got shape {v.shape})")
    return v
