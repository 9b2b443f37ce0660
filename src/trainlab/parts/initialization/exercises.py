r"""Checkers of the exercises of the lesson ``initialization-basics``, feedback in the lesson's language.

* :func:`check_xavier_uniform`: the standard deviation and the bound :math:`a` of
  :math:`\mathcal U(-a, a)` that Xavier-uniform initialization (gain 1) gives a layer;
* :func:`check_shrink_factor`: by how much the standard deviation of the activations shrinks
  per layer in a tanh network with :math:`\mathcal N(0, \text{std}^2)` weights, in tanh's linear regime.

Example:
    >>> import math
    >>> bool(check_xavier_uniform(math.sqrt(2 / 400), math.sqrt(6 / 400), verbose=False))
    True
    >>> bool(check_shrink_factor(0.01 * math.sqrt(128), verbose=False))
    True
"""

from __future__ import annotations

import math

from ..._checks import check_bool, check_int, check_number
from ...exercises import CheckResult
from ...i18n import _, localize_number_text

__all__ = ["xavier_uniform_answer", "check_xavier_uniform", "check_shrink_factor"]

#: Relative tolerance of the numeric answers (four significant digits pass).
RTOL = 1e-3


def _num(v: float) -> str:
    return localize_number_text(f"{v:.4g}")


def _close(got: float, want: float) -> bool:
    return abs(got - want) <= RTOL * abs(want)


def _answer(value, func, arg, lines):
    """``value`` as a float, or ``None`` with a line saying it is not a number."""
    try:
        return check_number(value, func, arg)
    except (TypeError, ValueError):
        lines.append("✗ " + _("{arg} must be a number (got {what})").format(arg=arg, what=type(value).__name__))
        return None


def xavier_uniform_answer(fan_in: int, fan_out: int) -> tuple[float, float]:
    r"""The standard deviation and bound of Xavier-uniform initialization with gain 1 (Glorot &
    Bengio, 2010, eq. 16): :math:`\mathrm{std} = \sqrt{2/(n_\text{in} + n_\text{out})}` and
    :math:`a = \sqrt 3\,\mathrm{std} = \sqrt{6/(n_\text{in} + n_\text{out})}`, since
    :math:`\operatorname{Var}\,\mathcal U(-a, a) = a^2/3`.

    Example:
        >>> [round(v, 4) for v in xavier_uniform_answer(300, 100)]
        [0.0707, 0.1225]
    """
    fan_in = check_int(fan_in, "xavier_uniform_answer", "fan_in", minimum=1)
    fan_out = check_int(fan_out, "xavier_uniform_answer", "fan_out", minimum=1)
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return std, math.sqrt(3.0) * std


def check_xavier_uniform(std, bound, fan_in: int = 300, fan_out: int = 100, verbose: bool = True) -> CheckResult:
    r"""Check the reader's ``std`` and ``bound`` :math:`a` of Xavier-uniform initialization
    (gain 1) for a layer with ``fan_in`` inputs and ``fan_out`` outputs (``nn.Linear(300, 100)``:
    a weight of shape ``(100, 300)``), to a relative :data:`RTOL`.

    Prints what is wrong, with a hint for the usual slips (LeCun's or He's fan-in formula; the
    bound taken equal to the standard deviation; the variance given instead of the standard
    deviation); returns a :class:`~trainlab.exercises.CheckResult`.
    """
    func = "check_xavier_uniform"
    fan_in = check_int(fan_in, func, "fan_in", minimum=1)
    fan_out = check_int(fan_out, func, "fan_out", minimum=1)
    check_bool(verbose, func, "verbose")
    want_std, want_bound = xavier_uniform_answer(fan_in, fan_out)
    lines = []
    got_std = _answer(std, func, "std", lines)
    got_bound = _answer(bound, func, "bound", lines)
    if got_std is None or got_bound is None:
        return CheckResult.report(False, lines, verbose)
    ok = True
    if not _close(got_std, want_std):
        ok = False
        lines.append("✗ " + _("std = {got} is not right for this layer").format(got=_num(got_std)))
        if _close(got_std, math.sqrt(1.0 / fan_in)) or _close(got_std, math.sqrt(2.0 / fan_in)):
            lines.append(
                "  " + _("Hint: Xavier averages the two fans: Var(w) = 2/(n_in + n_out), not a formula of n_in alone.")
            )
        elif _close(got_std, want_std**2):
            lines.append("  " + _("Hint: that is the variance; the standard deviation is its square root."))
    if not _close(got_bound, want_bound):
        ok = False
        lines.append("✗ " + _("bound a = {got} is not right for this layer").format(got=_num(got_bound)))
        if _close(got_bound, want_std):
            lines.append("  " + _("Hint: U(-a, a) has variance a²/3, so a = √3 · std, not std."))
    if ok:
        lines.append(
            "✓ "
            + _("Correct: std = {std}, a = {bound} for n_in = {fan_in}, n_out = {fan_out}.").format(
                std=_num(want_std), bound=_num(want_bound), fan_in=fan_in, fan_out=fan_out
            )
        )
    return CheckResult.report(ok, lines, verbose)


def check_shrink_factor(factor, fan_in: int = 128, std: float = 0.01, verbose: bool = True) -> CheckResult:
    r"""Check the reader's per-layer factor by which the standard deviation of the activations
    changes in a tanh network whose weights are :math:`\mathcal N(0, \text{std}^2)`, while tanh
    is in its linear regime (:math:`\tanh z \approx z`): from
    :math:`\operatorname{Var}[y] = n_\text{in}\operatorname{Var}[w]\,\mathbb E[x^2]`, the factor is
    :math:`\sqrt{n_\text{in}}\cdot\text{std}` (to a relative :data:`RTOL`).
    """
    func = "check_shrink_factor"
    fan_in = check_int(fan_in, func, "fan_in", minimum=1)
    std = check_number(std, func, "std", low=0.0, low_open=True)
    check_bool(verbose, func, "verbose")
    want = math.sqrt(fan_in) * std
    lines = []
    got = _answer(factor, func, "factor", lines)
    if got is None:
        return CheckResult.report(False, lines, verbose)
    if _close(got, want):
        lines.append(
            "✓ "
            + _("Correct: the standard deviation is multiplied by √n_in · std = {want} per layer.").format(
                want=_num(want)
            )
        )
        return CheckResult.report(True, lines, verbose)
    lines.append("✗ " + _("factor = {got} is not right").format(got=_num(got)))
    if _close(got, fan_in * std**2):
        lines.append(
            "  "
            + _("Hint: n_in · Var(w) is the factor of the variance; the standard deviation changes by its square root.")
        )
    elif _close(got, std):
        lines.append(
            "  " + _("Hint: each unit sums n_in products w·x, so the variance is multiplied by n_in · Var(w).")
        )
    return CheckResult.report(False, lines, verbose)
