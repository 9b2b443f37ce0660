"""Maintainer tooling that no lesson imports, kept out of the ``trainlab`` package a reader
installs: benchmarks (``python -m tools.bench``), the ``torch.compile`` path they time, the
rebuild of the shipped MNIST subset, notebook output post-processing and lesson timings."""
