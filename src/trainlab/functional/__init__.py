"""PyTorch functions with the signatures of ``torch.nn.functional``, each a
``torch.autograd.Function`` whose backward pass is derived by hand."""

from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activation
from .dropout import *  # noqa: F401,F403
from .dropout import __all__ as _dropout
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _normalization

__all__ = _normalization + _dropout + _activation
