r"""Opt-in compiled batch, layer and group normalization: ``torch.compile`` over the textbook forward.

:mod:`trainlab.functional` spells out each backward pass by hand, which is what the
lessons are about; it runs within a small factor of PyTorch's native kernels.  This
module is the other road: the plain forward pass (mean, variance, normalize, scale and
shift, written with torch ops, nothing else) is handed to ``torch.compile``.  TorchDynamo
captures it, AOTAutograd derives the backward pass from it (no hand-written gradient),
and TorchInductor fuses both into a few generated C++ loops.

When to use it: when the normalization's time matters and the inputs keep a few fixed
shapes, e.g. a long CPU training run; not in a lesson's first pass (see below), nor
for inputs whose shape changes at every call.

* The first call for each new input shape (and each new combination of ``weight is
  None``, ``training``, ...) compiles: seconds, on a laptop sometimes a minute; later
  calls reuse the result.  Kernels are specialised to the sizes (``dynamic=False``):
  size-generic ones ran several times slower here (group norm: tens of times).  Past
  ``torch._dynamo.config.recompile_limit`` shapes per function (8), new shapes run
  :mod:`trainlab.functional`, after one warning.
* Needs a working C++ compiler (Inductor's CPU backend) and a Python that
  ``torch.compile`` supports.  If compiling fails, for whatever reason, the first
  failure issues one ``RuntimeWarning`` and this call, and every later one, run
  :mod:`trainlab.functional` instead: same results, no compiler.  (A backward pass whose
  own compilation fails at ``.backward()`` time is not caught: that error propagates.)
* Arguments are checked exactly as in :mod:`trainlab.functional`, with the same messages.

Example:
    >>> import torch
    >>> from tools import compiled
    >>> x = torch.randn(64, 16, requires_grad=True)
    >>> y = compiled.layer_norm(x, (16,))  # doctest: +SKIP
    >>> y.sum().backward()  # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import torch

from trainlab.functional import normalization as _functional
from trainlab.functional.normalization import (
    _check_batch_norm_args,
    _check_group_norm_args,
    _check_layer_norm_args,
    _update_running,
)

__all__ = ["batch_norm", "layer_norm", "group_norm", "is_available"]


# ------------------------------------------------------- the forwards that get compiled
def _scale_shift(x_hat, weight, bias, shape):
    """``gamma * x_hat + beta``, the parameters viewed as ``shape`` (either may be ``None``)."""
    y = x_hat if weight is None else x_hat * weight.view(shape)
    return y if bias is None else y + bias.view(shape)


def _batch_norm_train(x, weight, bias, eps):
    """Batch norm with batch statistics; returns ``(y, mu, var)`` (mean and biased variance per channel)."""
    dims = [0] + list(range(2, x.dim()))  # every axis but the channel axis 1
    shape = [1, -1] + [1] * (x.dim() - 2)  # (C,) -> broadcastable
    mu = x.mean(dim=dims, keepdim=True)  # mu = 1/m sum x
    var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)  # sigma^2 = 1/m sum (x - mu)^2   (biased)
    x_hat = (x - mu) / torch.sqrt(var + eps)
    return _scale_shift(x_hat, weight, bias, shape), mu, var


def _batch_norm_eval(x, running_mean, running_var, weight, bias, eps):
    """Batch norm with the running statistics (constants for the gradient)."""
    shape = [1, -1] + [1] * (x.dim() - 2)
    x_hat = (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps)
    return _scale_shift(x_hat, weight, bias, shape)


def _layer_norm(x, k, weight, bias, eps):
    """Layer norm over the last ``k`` axes (``weight``/``bias`` elementwise over them)."""
    dims = list(range(x.dim() - k, x.dim()))
    mu = x.mean(dim=dims, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)  # biased
    x_hat = (x - mu) / torch.sqrt(var + eps)
    return _scale_shift(x_hat, weight, bias, x.shape[x.dim() - k :])


def _group_norm(x, num_groups, weight, bias, eps):
    """Group norm: statistics per (example, group of ``C // num_groups`` consecutive channels)."""
    grouped = x.reshape(x.shape[0], num_groups, -1)  # (N, G, C/G * spatial)
    mu = grouped.mean(dim=2, keepdim=True)
    var = ((grouped - mu) ** 2).mean(dim=2, keepdim=True)  # biased
    x_hat = ((grouped - mu) / torch.sqrt(var + eps)).view(x.shape)
    return _scale_shift(x_hat, weight, bias, [1, -1] + [1] * (x.dim() - 2))


# ------------------------------------------------------------- compile once, or fall back
_FORWARDS = {
    "batch_norm_train": _batch_norm_train,
    "batch_norm_eval": _batch_norm_eval,
    "layer_norm": _layer_norm,
    "group_norm": _group_norm,
}
_compiled = {}  # name -> the torch.compile'd forward
_failure = None  # why compiling failed (str), once it has; then every call falls back
_too_many_shapes = set()  # names of the forwards that hit torch's recompile limit (warned once each)
_UNAVAILABLE = object()  # what _run returns when it cannot compile


def _give_up(err):
    """Remember the failure and warn, once; later calls go straight to trainlab.functional."""
    global _failure
    if _failure is None:
        first_line = (str(err).strip().splitlines() or [""])[0]
        _failure = f"{type(err).__name__}: {first_line}"
        warnings.warn(
            f"tools.compiled: torch.compile is not usable here ({_failure}); "
            "falling back to trainlab.functional (same results, not compiled)",
            RuntimeWarning,
            stacklevel=4,
        )


def _run(name, *args):
    """``_FORWARDS[name](*args)`` compiled (once per function, cached), or ``_UNAVAILABLE``
    once compiling has failed, or for a shape past torch's recompile limit."""
    if _failure is not None:
        return _UNAVAILABLE
    fn = _compiled.get(name)
    if fn is None:
        try:
            fn = _compiled[name] = torch.compile(_FORWARDS[name], fullgraph=True, dynamic=False)
        except Exception as err:  # no torch.compile for this Python or platform
            _give_up(err)
            return _UNAVAILABLE
    too_many_shapes, compile_failed = _dynamo_errors()
    try:
        return fn(*args)  # the first call per shape compiles
    except too_many_shapes:  # this shape only: the others stay compiled
        if name not in _too_many_shapes:
            _too_many_shapes.add(name)
            warnings.warn(
                f"tools.compiled: {name} has been compiled for as many input shapes as "
                "torch._dynamo.config.recompile_limit allows; new shapes run trainlab.functional",
                RuntimeWarning,
                stacklevel=3,
            )
        return _UNAVAILABLE
    except compile_failed as err:  # the arguments are checked: the compiler failed
        _give_up(err)
        return _UNAVAILABLE


def _dynamo_errors():
    """``(recompile limit hit, compiling failed)``: the exceptions by which torch.compile says so."""
    try:
        from torch._dynamo.exc import FailOnRecompileLimitHit, TorchDynamoException
    except ImportError:  # another torch: no such distinction to make
        return (), ()
    return (FailOnRecompileLimitHit,), (TorchDynamoException,)


def is_available():
    """``False`` once compiling has failed in this process (and calls fall back), else ``True``."""
    return _failure is None


def _reset():
    """Forget the compiled functions and any failure (for tests)."""
    global _failure
    _compiled.clear()
    _too_many_shapes.clear()
    _failure = None


# ------------------------------------------------------------------------- the API
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    r"""Batch normalization, compiled; as :func:`trainlab.functional.batch_norm` and
    ``torch.nn.functional.batch_norm`` (same arguments, defaults and results).

    In training the running statistics, if given, are updated in place outside the
    compiled graph (unbiased variance, PyTorch's ``momentum``), with the same refusal of a
    batch whose statistics are not finite.
    """
    _check_batch_norm_args(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if input.numel() == 0:  # an empty batch: nothing to compile
        return _functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if training:
        out = _run("batch_norm_train", input, weight, bias, eps)
    else:
        out = _run("batch_norm_eval", input, running_mean, running_var, weight, bias, eps)
    if out is _UNAVAILABLE:
        return _functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        return out
    y, mu, var = out
    if running_mean is not None:
        m = input.numel() // input.shape[1]
        _update_running(
            running_mean,
            running_var,
            mu.detach().view(-1),
            var.detach().view(-1) * (m / (m - 1)),
            momentum,
            "batch_norm",
        )  # Bessel's correction: 1/(m-1)
    return y


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization, compiled; as :func:`trainlab.functional.layer_norm` and
    ``torch.nn.functional.layer_norm``."""
    shape = _check_layer_norm_args(input, normalized_shape, weight, bias, eps)
    if input.numel() == 0:
        return _functional.layer_norm(input, shape, weight, bias, eps)
    y = _run("layer_norm", input, len(shape), weight, bias, eps)
    return _functional.layer_norm(input, shape, weight, bias, eps) if y is _UNAVAILABLE else y


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization, compiled; as :func:`trainlab.functional.group_norm` and
    ``torch.nn.functional.group_norm``."""
    _check_group_norm_args(input, num_groups, weight, bias, eps)
    if input.numel() == 0:
        return _functional.group_norm(input, num_groups, weight, bias, eps)
    y = _run("group_norm", input, num_groups, weight, bias, eps)
    return _functional.group_norm(input, num_groups, weight, bias, eps) if y is _UNAVAILABLE else y
