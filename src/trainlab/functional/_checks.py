"""Argument checks of the torch functions (messages: "<function>: expected <what> (got <actual>)").

The vocabulary is :mod:`trainlab._checks`; this module re-exports what the functions use and
adds the two checks particular to tensors of parameters and running statistics.
"""

from __future__ import annotations

from .._checks import (  # noqa: F401  (re-exported)
    check_bool,
    check_eps,
    check_int,
    check_momentum,
    check_probability,
    check_same_shape,
    check_tensor,
)
from ..numpy_ref.normalization import _check_normalized_shape as check_normalized_shape  # noqa: F401  (re-exported)


def check_param(v, func: str, arg: str, shape: tuple) -> None:
    """``None`` or a floating tensor of exactly ``shape``."""
    if v is None:
        return
    check_tensor(v, func, arg)
    if tuple(v.shape) != tuple(shape):
        raise ValueError(f"{func}: expected {arg} of shape {tuple(shape)} (got {tuple(v.shape)})")


def check_running(running_mean, running_var, func: str, C: int) -> None:
    """Both running statistics ``(C,)`` floating tensors, or both ``None``."""
    if (running_mean is None) != (running_var is None):
        missing = "running_mean" if running_mean is None else "running_var"
        raise ValueError(f"{func}: expected both running_mean and running_var, or neither (got {missing}=None)")
    check_param(running_mean, func, "running_mean", (C,))
    check_param(running_var, func, "running_var", (C,))
