"""What every exercise checker of the course returns, and the conversion of a reader's answer
to an array: shared by the parts' checkers (``trainlab.parts.<part>.exercises``).

Example:
    >>> result = CheckResult(True, ["✓ dx is correct"], printed=True)
    >>> bool(result), result == True, str(result)
    (True, True, '✓ dx is correct')
    >>> as_array("not numbers") is None, as_array([1.0, 2.0]).tolist()
    (True, [1.0, 2.0])
"""

from __future__ import annotations

import numpy as np


class CheckResult:
    """The verdict of a checker: true when the answer is right; ``lines`` holds the feedback.

    It is what a checker returns, so ``if check(...)`` and ``assert check(...)`` work; unlike a
    bare ``True``/``False`` it shows nothing when it ends a notebook cell (the feedback is
    already printed in the lesson's language), or the feedback when it was not printed.
    """

    def __init__(self, ok: bool, lines: list[str], printed: bool):
        self.ok, self.lines, self._printed = bool(ok), list(lines), printed

    @classmethod
    def report(cls, ok: bool, lines: list[str], verbose: bool) -> CheckResult:
        """How every checker ends: print ``lines`` (the feedback, in the reader's language) when
        ``verbose``, and return the verdict, which then shows nothing more in a notebook.

        Example:
            >>> CheckResult.report(False, ["✗ dx is wrong"], verbose=True)
            ✗ dx is wrong
            CheckResult(ok=False)
        """
        if verbose:
            print("\n".join(lines))
        return cls(ok, lines, printed=verbose)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other) -> bool:
        if isinstance(other, CheckResult):
            return self.ok == other.ok
        return self.ok == other if isinstance(other, bool) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"CheckResult(ok={self.ok})"

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _ipython_display_(self) -> None:
        # IPython calls this instead of showing repr() as the cell's result.
        if not self._printed:
            print(str(self))


def as_array(value):
    """The reader's gradient as a NumPy array, or ``None`` when it is not an array of numbers
    (``torch.Tensor``s, also ones that require grad, are detached first)."""
    if value is None:
        return None
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything that is not array-like is reported, not raised
        return None
    if array.dtype.kind not in "fiu" or array.dtype == object:
        return None
    return array
