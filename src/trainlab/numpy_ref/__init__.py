r"""NumPy reference implementations: one ``<op>_forward(x, ...) -> (y, cache)`` and
``<op>_backward(dy, cache) -> grads`` pair per operation, gradients derived by hand.

The layout follows cs231n's ``layers.py``: the forward pass keeps, in ``cache``,
exactly the intermediates its backward pass needs, each named after the maths
(``mu``, ``var``, ``inv_std``, ``x_hat``); the gradient of a quantity ``q`` is
called ``dq``.  The arguments after ``x`` are ``torch.nn.functional``'s, with its names
and in its order (``weight``/``bias`` for :math:`\gamma`/:math:`\beta`), and every
normalization cache has the same keys (see :mod:`trainlab.numpy_ref.normalization`).
Everything here is framework-free and is checked against
``torch.nn.functional`` and against centred finite differences in ``tests/``.
"""

from .activation import *  # noqa: F401,F403
from .activation import __all__ as _activation
from .dropout import *  # noqa: F401,F403
from .dropout import __all__ as _dropout
from .normalization import *  # noqa: F401,F403
from .normalization import __all__ as _normalization

__all__ = _normalization + _dropout + _activation
