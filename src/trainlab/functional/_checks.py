"""Argument checks of the torch functions (messages: "<function>: expected <what> (got <actual>)")."""

from __future__ import annotations

import torch

from .._checks import check_eps, check_int, check_momentum, check_probability  # noqa: F401  (re-exported)


def check_tensor(x, func: str, arg: str = "input", ndims=None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{func}: expected {arg} to be a torch.Tensor (got {type(x).__name__})")
    if not x.is_floating_point():
        raise TypeError(f"{func}: expected {arg} of a floating dtype (got {x.dtype}); convert it with {arg}.float()")
    if ndims is not None and x.dim() not in ndims:
        want = " or ".join(f"{d}D" for d in ndims)
        raise ValueError(f"{func}: expected {want} {arg} (got {x.dim()}D {arg} of shape {tuple(x.shape)})")
    return x


def check_param(v, func: str, arg: str, shape: tuple) -> None:
    """``None`` or a floating tensor of exactly ``shape``."""
    if v is None:
        return
    check_tensor(v, func, arg)
    if tuple(v.shape) != tuple(shape):
        raise ValueError(f"{func}: expected {arg} of shape {tuple(shape)} (got {tuple(v.shape)})")


def check_running(running_mean, running_var, func: str, C: int) -> None:
    if (running_mean is None) != (running_var is None):
        missing = "running_mean" if running_mean is None else "running_var"
        raise ValueError(f"{func}: expected both running_mean and running_var, or neither (got {missing}=None)")
    check_param(running_mean, func, "running_mean", (C,))
    check_param(running_var, func, "running_var", (C,))
