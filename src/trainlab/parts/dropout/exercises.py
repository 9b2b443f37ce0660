r"""Checkers of the exercises of the lesson ``dropout-basics``, feedback in the lesson's language.

* :func:`check_scale_factor`: the factor :math:`1/(1-p)` by which inverted dropout scales the kept
  units, for a drop probability :math:`p` (PyTorch's ``p``);
* :func:`check_inverted_dropout`: the reader's function ``f(h, r, p)`` that applies inverted dropout
  with a given mask :math:`r`.

Example:
    >>> bool(check_scale_factor(1 / 0.7, verbose=False))
    True
    >>> bool(check_inverted_dropout(lambda h, r, p: r * h / (1 - p), verbose=False))
    True
"""

from __future__ import annotations

import torch

from ..._checks import check_bool, check_number, check_probability
from ...exercises import CheckResult
from ...i18n import _, localize_number_text

__all__ = ["check_scale_factor", "check_inverted_dropout"]

#: Relative tolerance of the numeric answer (four significant digits pass).
RTOL = 1e-3


def _num(v: float) -> str:
    return localize_number_text(f"{v:.4g}")


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= RTOL * abs(want)


def check_scale_factor(factor, p: float = 0.3, verbose: bool = True) -> CheckResult:
    r"""Check the reader's scale factor of the kept units for drop probability ``p``:
    :math:`1/(1-p)` (to a relative :data:`RTOL`), with a hint for the usual slips
    (:math:`1/p`: ``p`` read as the keep probability; :math:`1-p`: the test-time weight scaling
    of the paper's older form; :math:`p`).
    """
    func = "check_scale_factor"
    p = check_number(p, func, "p", 0.0, 1.0, low_open=True, high_open=True)
    check_bool(verbose, func, "verbose")
    want = 1.0 / (1.0 - p)
    try:
        got = check_number(factor, func, "factor")
    except (TypeError, ValueError):
        line = _("{arg} must be a number (got {what})").format(arg="factor", what=type(factor).__name__)
        return CheckResult.report(False, ["✗ " + line], verbose)
    if _close(got, want):
        line = _("Correct: with p = {p} the kept units are multiplied by 1/(1 − p) = {want}.")
        return CheckResult.report(True, ["✓ " + line.format(p=_num(p), want=_num(want))], verbose)
    lines = ["✗ " + _("factor = {got} is not right").format(got=_num(got))]
    if _close(got, 1.0 / p):
        lines.append("  " + _("Hint: PyTorch's p is the probability of dropping; the keep probability is 1 − p."))
    elif _close(got, 1.0 - p) or _close(got, p):
        lines.append(
            "  " + _("Hint: the kept units are made larger, so that the expected value stays the same: E[r] = 1 − p.")
        )
    return CheckResult.report(False, lines, verbose)


def check_inverted_dropout(fn, p: float = 0.3, verbose: bool = True) -> CheckResult:
    r"""Check the reader's function ``fn(h, r, p)`` of inverted dropout with a given mask:
    it must return :math:`r \odot h / (1 - p)` for activations ``h`` and a 0/1 mask ``r`` of
    shape ``(4, 6)``, drop probability ``p`` (compared with ``torch.allclose``), with a hint for
    the usual slips (no scaling; scaling by :math:`1-p` or by :math:`1/p`).
    """
    func = "check_inverted_dropout"
    p = check_probability(p, func, "p", allow_one=False)
    check_bool(verbose, func, "verbose")
    if not callable(fn):
        line = _("{arg} must be a function f(h, r, p) (got {what})").format(arg="fn", what=type(fn).__name__)
        return CheckResult.report(False, ["✗ " + line], verbose)
    g = torch.Generator().manual_seed(0)
    h = torch.rand(4, 6, generator=g, dtype=torch.float64) + 0.5
    r = (torch.rand(4, 6, generator=g, dtype=torch.float64) >= p).to(torch.float64)
    try:
        out = fn(h.clone(), r.clone(), p)
        out = torch.as_tensor(out, dtype=torch.float64)
    except Exception as error:  # the reader's code may fail in any way
        line = _("your function raised {error}").format(error=f"{type(error).__name__}: {error}")
        return CheckResult.report(False, ["✗ " + line], verbose)
    if out.shape != h.shape:
        line = _("the result has shape {got}, expected {want}").format(got=tuple(out.shape), want=tuple(h.shape))
        return CheckResult.report(False, ["✗ " + line], verbose)
    if torch.allclose(out, r * h / (1 - p)):
        return CheckResult.report(
            True, ["✓ " + _("Correct: dropped units are 0, kept ones are divided by 1 − p.")], verbose
        )
    lines = ["✗ " + _("the result is not r · h / (1 − p)")]
    if torch.allclose(out, r * h):
        lines.append("  " + _("Hint: the kept units must also be scaled, by 1/(1 − p)."))
    elif torch.allclose(out, r * h * (1 - p)) or (p > 0 and torch.allclose(out, r * h / p)):
        lines.append("  " + _("Hint: divide by the keep probability 1 − p, where p is the drop probability."))
    elif torch.allclose(out, (1 - r) * h / (1 - p)):
        lines.append("  " + _("Hint: r = 1 marks a kept unit, r = 0 a dropped one."))
    return CheckResult.report(False, lines, verbose)
