"""Modules that drop into ``torch.nn.Sequential`` in place of the native ones: same names,
constructor arguments, defaults and ``state_dict`` keys; forward passes from
:mod:`trainlab.functional` (hand-derived backward passes)."""

from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activation
from .dropout import *  # noqa: F401,F403
from .dropout import __all__ as _dropout
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _normalization

__all__ = _normalization + _dropout + _activation
