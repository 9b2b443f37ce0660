"""Offline data sets for the lessons: nothing here downloads anything.

``load_digits`` uses scikit-learn's bundled handwritten digits (1,797 grey 8x8
images of the digits 0-9, from the UCI ML repository), which ships inside the
scikit-learn wheel, so a lesson runs the same on a laptop, in CI and on Colab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class Split:
    """Train/test tensors: ``x_*`` float32 ``(N, D)``, ``y_*`` int64 ``(N,)``."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def num_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def num_classes(self) -> int:
        return int(self.y_train.max()) + 1


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
    if not isinstance(test_fraction, float) or not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: expected test_fraction in (0, 1) (got {test_fraction!r})")
    from sklearn.datasets import load_digits as _sk_digits
    from sklearn.model_selection import train_test_split

    x, y = _sk_digits(return_X_y=True)
    x = x.astype(np.float32) / 16.0
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=y)
    if standardize:
        mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
        std[std == 0] = 1.0
        x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    t = torch.from_numpy
    return Split(t(x_tr), t(y_tr).long(), t(x_te), t(y_te).long())
