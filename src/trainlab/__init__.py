"""trainlab: the shared package of the course *Training deep networks* (vi / cs).

From-scratch NumPy and PyTorch implementations of normalization, dropout,
initialization and activations, checked against ``torch.nn``; offline data;
plots and widgets whose labels read in the lesson's language.

Example:
    >>> import trainlab
    >>> trainlab.set_language("vi")
"""

from .i18n import get_language, set_language

__version__ = "0.1.0"
__all__ = ["set_language", "get_language", "__version__"]
